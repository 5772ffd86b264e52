/**
 * ScatterND / ScatterElements with CONSTANT indices and reduction "none" (kind `movement`): with the indices
 * fixed, every output element copies exactly one element of the data input or of the updates, so the node is
 * a merge of two public re-indexings, y = G_data(data) + G_updates(updates) — the same relation as a Where with
 * a constant condition, proved by the same step (handler `where`, ./where.ts: the parts message, then one
 * gather selector sum-check per input). The copy maps are read off the executor's own kernel with probes
 * (element i of one input holds i + 1, the other input zeros; output o then holds map[o] + 1, or 0 where the
 * other input wins), so a duplicate index resolves exactly as the executor resolves it (the last write).
 * A constant data input or constant updates are the committed weight `<value>@<node>`; a runtime input the plan
 * rescales to the common scale goes through `<node>:rescaled<j>` and its requantization, as for Where.
 * Runtime indices go to ./scatter-runtime.ts (a one-hot selection, not a public map).
 */
import { where as whereOf } from "../../../model/errors";
import type { Tensor } from "../../../model/ir";
import { opFor } from "../../../model/ops";
import { checkGatherSpec, type GatherSpec } from "../../layers/gather";
import { LayoutError } from "../../tensor";
import type { NodeStep } from "../plan";
import { compileMovementWithRuntimeGather } from "./int-gather";
import { compileRuntimeScatter, type RuntimeScatterNodeStep } from "./scatter-runtime";
import type { CompileContext, NodeCompiler } from "./types";
import type { WhereInput, WhereNodeStep } from "./where";

/** The scatter operators proved here. */
export const SCATTER_OPS = new Set(["ScatterND", "ScatterElements"]);

/** Input positions of the two copied inputs (data, updates); input 1 holds the indices. */
const COPIED = [0, 2] as const;

/** Kind `movement`: constant-index scatters here, everything else to the movement router. */
export const compileMovementWithScatter: NodeCompiler = (ctx): NodeStep => (SCATTER_OPS.has(ctx.node.op) ? compileScatter(ctx) : compileMovementWithRuntimeGather(ctx));

/** A rescale entry of the movement plan's params. */
interface RescaleParams {
  readonly multiplier: number;
  readonly shift: number;
}

export function compileScatter(ctx: CompileContext): WhereNodeStep | RuntimeScatterNodeStep {
  const { node, plan, model } = ctx;
  if (node.inputs.length !== 3 || node.inputs.some((v) => v === "")) return ctx.unsupported(`${node.op} needs data, indices and updates`);
  const reduction = node.attrs.reduction?.kind === "string" ? node.attrs.reduction.value : "none";
  if (reduction !== "none") return ctx.unsupported(`reduction "${reduction}" (only "none" is a copy by a public map)`);
  const indices = model.graph.initializers.get(node.inputs[1]);
  if (!indices) return compileRuntimeScatter(ctx);
  const rescale = ((plan.params as { rescale?: readonly (RescaleParams | null | undefined)[] }).rescale ?? []) as readonly (RescaleParams | null | undefined)[];
  const out = ctx.shape(node.outputs[0]);
  const inputs: WhereInput[] = [];
  for (const j of COPIED) {
    const value = node.inputs[j];
    let tensor = value;
    let rescaled: WhereInput["rescale"] = null;
    if (model.graph.initializers.has(value)) {
      tensor = `${value}@${node.name}`;
      if (!ctx.isWeight(tensor)) return ctx.unsupported(`constant input "${value}" is not committed`);
    } else if (rescale[j]) {
      const r = rescale[j]!;
      tensor = `${node.name}:rescaled${j}`;
      const half = 2n ** BigInt(ctx.bits - 1);
      rescaled = { input: value, requant: ctx.requant({ y: tensor, shape: ctx.shape(value), multiplier: BigInt(r.multiplier), shift: r.shift, accBound: half, tag: `rescaled${j}:` }) };
    }
    let spec: GatherSpec;
    try {
      spec = copyMap(ctx, indices, j, out);
    } catch (e) {
      if (e instanceof LayoutError) return ctx.unsupported(e.message);
      throw e;
    }
    inputs.push({ tensor, spec, rescale: rescaled });
  }
  return { node: node.name, op: node.op, kind: plan.kind, handler: "where", outputs: [node.outputs[0]], out, inputs };
}

/** The copy map of input j (0: data, 2: updates) from the node's float kernel on probes. */
function copyMap(ctx: CompileContext, indices: Tensor, j: number, out: readonly number[]): GatherSpec {
  const { node, model } = ctx;
  const shapeOf = (v: string) => model.graph.values.get(v)?.shape ?? model.graph.initializers.get(v)!.shape;
  const probe = (k: number): Tensor => {
    const shape = [...shapeOf(node.inputs[k])];
    const size = shape.reduce((p, d) => p * d, 1);
    return { dtype: "float32", shape, data: Float64Array.from({ length: size }, (_, i) => (k === j ? i + 1 : 0)) };
  };
  const [y] = opFor(node).run(node, [probe(0), indices, probe(2)], model.graph.opset);
  if (y.shape.length !== out.length || y.shape.some((d, a) => d !== out[a])) throw new LayoutError(`${whereOf(node)}: the kernel's output shape differs from the graph's`);
  const shape = shapeOf(node.inputs[j]);
  // A 0-d input is seen as [1] (same single entry, no variables), since a gather input needs an axis.
  const spec: GatherSpec = { x: shape.length === 0 ? [1] : [...shape], out, map: Array.from(y.data, (v) => v - 1) };
  checkGatherSpec(spec);
  return spec;
}
