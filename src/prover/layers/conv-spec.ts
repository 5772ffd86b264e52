/**
 * From graph nodes to the Conv and window-sum IOPs' static descriptions: geometry from the node's attributes
 * (the executor's own `convGeometry` / `poolGeometry`, so prover and executor cannot disagree), the bias weight
 * from the plan's params.
 */
import { where } from "../../model/errors";
import { convGeometry } from "../../model/ops/linear";
import type { PoolGeometry } from "../../model/kernels/pool";
import { poolGeometry } from "../../model/ops/pool";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { ConvSpec } from "./conv";
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
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (node.op !== "Conv" || plan.kind !== "linear") throw new LayoutError(`${where(node)}: not a Conv with a "linear" plan (kind "${plan.kind}")`);
  const shape = (value: string) => model.graph.values.get(value)!.shape;
  const xShape = shape(node.inputs[0]);
  const wShape = shape(node.inputs[1]);
  const g = convGeometry(node, xShape, wShape, false);
  const biasName = (plan.params as { bias?: string | null }).bias ?? null;
  const bias = biasName === null ? null : model.weights.get(biasName);
  if (biasName !== null && !bias) throw new LayoutError(`${where(node)}: bias weight "${biasName}" is missing`);
  const spec: ConvSpec = {
    x: xShape,
    w: wShape,
    strides: g.strides,
    dilations: g.dilations,
    padsBegin: g.padsBegin,
    outSpatial: g.outSpatial,
    group: g.group,
    ...(bias ? { bias: bias.tensor.shape } : {}),
  };
  return { spec, x: node.inputs[0], w: node.inputs[1], bias: biasName };
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
