/**
 * Nearest Resize / Upsample (kind `movement`): a copy by per-axis index maps (../../layers/resize.ts). Walk: the
 * claims on y, merged (`layers/merge.ts`) when there are several at different points, then one selector
 * sum-check → one claim on X. Stream: [merge sum-check (degree 2) and value], the selector sum-check, X~(ρ).
 * Routed here by ./movement-kind.ts (the registry's compiler of kind `movement`).
 */
import { proveResize, verifyResize, type ResizeSpec } from "../../layers/resize";
import { resizeNode } from "../../layers/resize-spec";
import { layoutOf, LayoutError } from "../../tensor";
import type { NodeStepBase } from "../plan";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, StepHandler } from "./types";

/** A nearest-Resize step: the spec (shapes and index maps) and its data input. */
export type ResizeNodeStep = NodeStepBase & {
  readonly handler: "resize";
  readonly spec: ResizeSpec;
  readonly x: string;
};

export function compileResize(ctx: CompileContext): ResizeNodeStep {
  const { node, plan, model } = ctx;
  let r;
  try {
    r = resizeNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (model.graph.initializers.has(r.x)) return ctx.unsupported(`constant data input "${r.x}" (not committed)`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "resize", outputs: [node.outputs[0]], spec: r.spec, x: r.x };
}

export const resizeHandler: StepHandler<ResizeNodeStep> = {
  witness() {
    // A copy: no advice, no lookups.
  },
  prove(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const claim = proveMergedClaim(ctx, step.outputs[0], step.spec.out, claims);
    const r = proveResize({ spec: step.spec, x: ctx.value(step.x), claim, transcript: ctx.transcript });
    ctx.writer.sumcheck(r.proof.sumcheck);
    ctx.writer.scalar(r.proof.xValue);
    ctx.claim(step.x, r.claim);
  },
  verify(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const what = `resize "${step.node}"`;
    const claim = verifyMergedClaim(ctx, step.spec.out, claims, what);
    const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 2, what), xValue: ctx.reader.scalar(`${what}: input value`) };
    ctx.claim(step.x, verifyResize({ spec: step.spec, claim, proof, transcript: ctx.transcript }));
  },
};
