/**
 * From graph nodes to the Conv and window-sum IOPs' static descriptions: geometry from the node's attributes
 * (the executor's own `convGeometry` / `poolGeometry`, so prover and executor cannot disagree; a Conv is read
 * by ./conv-node.ts), the bias weight from the plan's params.
 */
import { where } from "../../model/errors";
import type { PoolGeometry } from "../../model/kernels/pool";
import { poolGeometry } from "../../model/ops/pool";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { ConvSpec } from "./conv";
import { readConvLikeNode } from "./conv-node";
import type { WindowSumSpec } from "./reindex";

/** A Conv node as the prover sees it. */
export interface ConvNode {
  readonly spec: ConvSpec;
  /** Value names of X and W. */
  readonly x: string;
  readonly w: string;
  /** Name of the bias weight, or null. */
  readonly bias: string | null;
}

/** The Conv description of node `name` (a Conv with plan kind "linear"). */
export function convNode(model: QuantizedModel, name: string): ConvNode {
  const c = readConvLikeNode(model, name, "Conv");
  const g = c.geometry;
  const spec: ConvSpec = {
    x: c.xShape,
    w: c.wShape,
    strides: g.strides,
    dilations: g.dilations,
    padsBegin: g.padsBegin,
    outSpatial: g.outSpatial,
    group: g.group,
    ...(c.biasShape ? { bias: c.biasShape } : {}),
  };
  return { spec, x: c.x, w: c.w, bias: c.bias };
}

/** The window sum of an AveragePool / GlobalAveragePool node (kind "avgpool"); the divisor is the requant's. */
export function avgPoolNode(model: QuantizedModel, name: string): { spec: WindowSumSpec; x: string; geometry: PoolGeometry } {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if ((node.op !== "AveragePool" && node.op !== "GlobalAveragePool") || plan.kind !== "avgpool") {
    throw new LayoutError(`${where(node)}: not an AveragePool with an "avgpool" plan (kind "${plan.kind}")`);
  }
  const xShape = model.graph.values.get(node.inputs[0])!.shape;
  const g = poolGeometry(node, xShape, node.op === "GlobalAveragePool");
  return { spec: { x: xShape, kernel: g.kernel, strides: g.strides, dilations: g.dilations, padsBegin: g.padsBegin, outSpatial: g.outSpatial }, x: node.inputs[0], geometry: g };
}
