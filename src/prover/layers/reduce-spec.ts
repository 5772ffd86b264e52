/**
 * From ReduceSum / ReduceMean / ReduceSumSquare nodes (plan kind "reduce-sum") to the reduction IOP's spec
 * (./reduce.ts) and the requantization that follows it (docs/quantization.md, `reduce-sum`).
 */
import { where } from "../../model/errors";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { ReduceSpec } from "./reduce";
import { AXES_INPUT_FROM, reduceAxes } from "./select-spec";

/**
 * A reduce-sum node: the sum's spec, its input, and the requantization of the sum. For ReduceL1 (`abs`) the
 * spec sums the values of |x| (a table lookup proves |x|; the graph driver commits it), so its term is "value".
 */
export interface ReduceNode {
  readonly spec: ReduceSpec;
  readonly x: string;
  /** True for ReduceL1: the sum runs over |x|. */
  readonly abs: boolean;
  readonly multiplier: bigint;
  readonly shift: number;
  /** Elements summed per output (ReduceMean's n). */
  readonly count: number;
}

/** The reduction of node `name`. @throws {LayoutError} for another kind, an unknown term or no axes */
export function reduceNode(model: QuantizedModel, name: string): ReduceNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (plan.kind !== "reduce-sum" || !node.op.startsWith("Reduce")) throw new LayoutError(`${where(node)}: not a reduction with a "reduce-sum" plan (kind "${plan.kind}")`);
  const p = plan.params as { multiplier: number; shift: number; count: number; term: string };
  if (p.term !== "value" && p.term !== "square" && p.term !== "abs") throw new LayoutError(`${where(node)}: unknown reduction term "${p.term}"`);
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const axes = reduceAxes(model, node, x.length, node.op === "ReduceSum" ? 13 : AXES_INPUT_FROM);
  if (axes.length === 0) throw new LayoutError(`${where(node)}: a reduction over no axes`);
  return { spec: { x, axes, term: p.term === "square" ? "square" : "value" }, x: node.inputs[0], abs: p.term === "abs", multiplier: BigInt(p.multiplier), shift: p.shift, count: p.count };
}
