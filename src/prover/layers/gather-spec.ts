/**
 * From a movement node with constant index parameters to a copy by a public map (./gather.ts). The map is read
 * off the executor: its own float kernel runs on a probe whose element i holds i + 1, so every output holds the
 * flat index it copies plus one (0 where the operator writes a zero). Every rule of the operator (Trilu's
 * diagonal, Expand's broadcasting, DepthToSpace's modes, negative Gather indices, …) is the executor's by
 * construction.
 */
import { where } from "../../model/errors";
import type { Tensor } from "../../model/ir";
import { opFor } from "../../model/ops";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import { checkGatherSpec, type GatherSpec } from "./gather";

/** Movement operators proved as a copy by a public map (their other inputs must be constants). */
export const GATHER_OPS = ["Trilu", "Expand", "Tile", "DepthToSpace", "SpaceToDepth", "Gather", "GatherElements", "GatherND"] as const;

/** A copy node: the spec and its data input. */
export interface GatherNode {
  readonly spec: GatherSpec;
  readonly x: string;
}

/** The copy map of node `name`. @throws {LayoutError} for another kind, a runtime index input or a rescaled input */
export function gatherNode(model: QuantizedModel, name: string): GatherNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (!(GATHER_OPS as readonly string[]).includes(node.op) || plan.kind !== "movement") throw new LayoutError(`${where(node)}: not a constant-indexed movement (kind "${plan.kind}")`);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) throw new LayoutError(`${where(node)}: the plan rescales its input`);
  const consts = node.inputs.slice(1).map((v) => {
    if (v === "") return undefined;
    const t = model.graph.initializers.get(v);
    if (!t) throw new LayoutError(`${where(node)}: "${v}" must be a constant initializer (runtime indices are not proved)`);
    return t;
  });
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const out = model.graph.values.get(node.outputs[0])!.shape;
  const size = x.reduce((p, d) => p * d, 1);
  const probe: Tensor = { dtype: "float32", shape: [...x], data: Float64Array.from({ length: size }, (_, i) => i + 1) };
  const [y] = opFor(node).run(node, [probe, ...consts], model.graph.opset);
  if (y.shape.length !== out.length || y.shape.some((d, i) => d !== out[i])) throw new LayoutError(`${where(node)}: the kernel's output shape differs from the graph's`);
  // A scalar input is the one-element vector [1]: the same MLE (no variables), so claims carry over unchanged.
  const spec: GatherSpec = { x: x.length === 0 ? [1] : x, out, map: Array.from(y.data, (v) => v - 1) };
  checkGatherSpec(spec);
  return { spec, x: node.inputs[0] };
}
