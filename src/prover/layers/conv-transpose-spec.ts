/**
 * From a ConvTranspose node (plan kind "linear") to the ConvTranspose IOP's spec (./conv-transpose.ts): geometry
 * from the executor's own `convGeometry` (output_padding, output_shape and auto_pad resolved), the bias weight
 * from the plan's params.
 */
import { where } from "../../model/errors";
import { convGeometry } from "../../model/ops/linear";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
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
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (node.op !== "ConvTranspose" || plan.kind !== "linear") throw new LayoutError(`${where(node)}: not a ConvTranspose with a "linear" plan (kind "${plan.kind}")`);
  const shape = (value: string) => model.graph.values.get(value)!.shape;
  const xShape = shape(node.inputs[0]);
  const wShape = shape(node.inputs[1]);
  const g = convGeometry(node, xShape, wShape, true);
  if (g.group !== 1) throw new LayoutError(`${where(node)}: grouped ConvTranspose (group ${g.group}) is not proved yet`);
  const biasName = (plan.params as { bias?: string | null }).bias ?? null;
  const bias = biasName === null ? null : model.weights.get(biasName);
  if (biasName !== null && !bias) throw new LayoutError(`${where(node)}: bias weight "${biasName}" is missing`);
  const spec: ConvTransposeSpec = {
    x: xShape,
    w: wShape,
    strides: g.strides,
    dilations: g.dilations,
    padsBegin: g.padsBegin,
    outSpatial: g.outSpatial,
    ...(bias ? { bias: bias.tensor.shape } : {}),
  };
  return { spec, x: node.inputs[0], w: node.inputs[1], bias: biasName };
}
