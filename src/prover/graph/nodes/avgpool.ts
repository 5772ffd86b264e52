/**
 * Kind `avgpool` (AveragePool, GlobalAveragePool): acc = the window sum (a selector over X), y = requant(acc;
 * M_c, s_c). Proved when every window has the same element count c (one multiplier); differing counts need
 * per-position multipliers (docs/prover.md, "Re-indexing layers") and are refused.
 */
import { avgPoolNode } from "../../layers/conv-spec";
import type { RequantNodeStep } from "../plan";
import type { CompileContext } from "./types";

export function compileAvgPool(ctx: CompileContext): RequantNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { multipliers: Record<string, { multiplier: number; shift: number }> };
  const counts = Object.keys(p.multipliers);
  if (counts.length !== 1) return ctx.unsupported(`windows of ${counts.length} different element counts (per-position multipliers are not proved yet)`);
  const count = Number(counts[0]);
  const fp = p.multipliers[counts[0]];
  const { spec, x } = avgPoolNode(model, node.name);
  const y = node.outputs[0];
  const half = 2n ** BigInt(ctx.bits - 1);
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: BigInt(fp.multiplier), shift: fp.shift, accBound: BigInt(count) * half });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "requant", outputs: [y], requant, linear: { iop: "window", spec: { op: "window-sum", spec }, x } };
}
