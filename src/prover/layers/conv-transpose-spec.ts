/**
 * From a ConvTranspose node (plan kind "linear") to the ConvTranspose IOP's spec (./conv-transpose.ts): geometry
 * from the executor's own `convGeometry` (output_padding, output_shape and auto_pad resolved), the bias weight
 * from the plan's params — both read by ./conv-node.ts, as for Conv.
 */
import { where } from "../../model/errors";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import { readConvLikeNode } from "./conv-node";
import type { ConvTransposeSpec } from "./conv-transpose";

/** A ConvTranspose node as the prover sees it. */
export interface ConvTransposeNode {
  readonly spec: ConvTransposeSpec;
  /** Value names of X and W, and the bias weight's name (or null). */
  readonly x: string;
  readonly w: string;
  readonly bias: string | null;
}

/** The description of node `name`. @throws {LayoutError} for another op, or group > 1 */
export function convTransposeNode(model: QuantizedModel, name: string): ConvTransposeNode {
  const c = readConvLikeNode(model, name, "ConvTranspose");
  const g = c.geometry;
  if (g.group !== 1) throw new LayoutError(`${where(c.node)}: grouped ConvTranspose (group ${g.group}) is not proved yet`);
  const spec: ConvTransposeSpec = {
    x: c.xShape,
    w: c.wShape,
    strides: g.strides,
    dilations: g.dilations,
    padsBegin: g.padsBegin,
    outSpatial: g.outSpatial,
    ...(c.biasShape ? { bias: c.biasShape } : {}),
  };
  return { spec, x: c.x, w: c.w, bias: c.bias };
}
