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
import type { NodeStep } from "../plan";
import { compileMovementWithRuntimeGather } from "./int-gather";
import { compileRuntimeScatter, type RuntimeScatterNodeStep } from "./scatter-runtime";
import type { CompileContext, NodeCompiler } from "./types";
import { copyStep, type WhereNodeStep } from "./where";

/** The scatter operators proved here. */
export const SCATTER_OPS = new Set(["ScatterND", "ScatterElements"]);

/** Input positions of the two copied inputs (data, updates); input 1 holds the indices. */
const COPIED = [0, 2] as const;

/** Kind `movement`: constant-index scatters here, everything else to the movement router. */
export const compileMovementWithScatter: NodeCompiler = (ctx): NodeStep => (SCATTER_OPS.has(ctx.node.op) ? compileScatter(ctx) : compileMovementWithRuntimeGather(ctx));

export function compileScatter(ctx: CompileContext): WhereNodeStep | RuntimeScatterNodeStep {
  const { node, model } = ctx;
  if (node.inputs.length !== 3 || node.inputs.some((v) => v === "")) return ctx.unsupported(`${node.op} needs data, indices and updates`);
  const reduction = node.attrs.reduction?.kind === "string" ? node.attrs.reduction.value : "none";
  if (reduction !== "none") return ctx.unsupported(`reduction "${reduction}" (only "none" is a copy by a public map)`);
  const indices = model.graph.initializers.get(node.inputs[1]);
  if (!indices) return compileRuntimeScatter(ctx);
  return copyStep(ctx, COPIED, new Map([[1, indices]]), "input");
}
