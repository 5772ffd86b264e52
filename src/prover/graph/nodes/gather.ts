/**
 * Movement operators with constant index parameters (Trilu, Expand, Tile, DepthToSpace, SpaceToDepth, Gather /
 * GatherElements / GatherND with constant indices): a copy by a public element map (../../layers/gather.ts).
 * Walk: the claims on y, merged (`layers/merge.ts`) when several at different points, then one selector
 * sum-check → one claim on X. Stream: [merge sum-check (degree 2) and value], the selector sum-check, X~(ρ).
 */
import { proveGather, verifyGather, type GatherSpec } from "../../layers/gather";
import { gatherNode } from "../../layers/gather-spec";
import { layoutOf, LayoutError } from "../../tensor";
import type { NodeStepBase } from "../plan";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, StepHandler } from "./types";

/** A copy-by-map step: the spec (shapes and the flat map) and its data input. */
export type GatherNodeStep = NodeStepBase & {
  readonly handler: "gather";
  readonly spec: GatherSpec;
  readonly x: string;
};

export function compileGather(ctx: CompileContext): GatherNodeStep {
  const { node, plan, model } = ctx;
  let g;
  try {
    g = gatherNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (model.graph.initializers.has(g.x)) return ctx.unsupported(`constant data input "${g.x}" (not committed)`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "gather", outputs: [node.outputs[0]], spec: g.spec, x: g.x };
}

export const gatherHandler: StepHandler<GatherNodeStep> = {
  witness() {
    // A copy: no advice, no lookups.
  },
  prove(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const claim = proveMergedClaim(ctx, step.outputs[0], step.spec.out, claims);
    const r = proveGather({ spec: step.spec, x: ctx.value(step.x), claim, transcript: ctx.transcript });
    ctx.writer.sumcheck(r.proof.sumcheck);
    ctx.writer.scalar(r.proof.xValue);
    ctx.claim(step.x, r.claim);
  },
  verify(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const what = `${step.op} "${step.node}"`;
    const claim = verifyMergedClaim(ctx, step.spec.out, claims, what);
    const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 2, what), xValue: ctx.reader.scalar(`${what}: input value`) };
    ctx.claim(step.x, verifyGather({ spec: step.spec, claim, proof, transcript: ctx.transcript }));
  },
};
