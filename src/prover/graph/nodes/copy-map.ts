/**
 * The node plumbing of a copy by a public index map (Gather-like ./gather.ts, nearest Resize ./resize.ts): both
 * compile to a spec plus one committed data input, and walk the same way. Walk: the claims on y, merged
 * (`layers/merge.ts`) when several at different points, then the layer's one selector sum-check → one claim
 * on X. Stream: [merge sum-check (degree 2) and value], the selector sum-check, X~(ρ).
 */
import type { QuantizedModel } from "../../../model/quant/quantize";
import type { Transcript } from "../../../transcript";
import type { Claim } from "../../claims";
import type { SelectorProof } from "../../layers/selector";
import { layoutOf, LayoutError, type IntTensor } from "../../tensor";
import type { NodeStepBase } from "../plan";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, StepHandler } from "./types";

/** The shapes every copy spec carries: the input X and the output y. */
export interface CopySpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
}

/** A copy-by-map step: its handler name, the spec and the data input. */
export type CopyNodeStep<H extends string, S extends CopySpec> = NodeStepBase & {
  readonly handler: H;
  readonly spec: S;
  readonly x: string;
};

/** A copy layer's IOP: one selector sum-check from a claim on y to a claim on X. */
export interface CopyLayer<S extends CopySpec> {
  prove(params: { spec: S; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: SelectorProof; claim: Claim };
  verify(params: { spec: S; claim: Claim; proof: SelectorProof; transcript: Transcript }): Claim;
}

/**
 * Compiles one copy node: reads its spec with `load` (a layout it cannot prove is "unsupported", not a crash)
 * and refuses a constant data input, which the proof has no commitment for.
 */
export function compileCopyNode<H extends string, S extends CopySpec>(
  ctx: CompileContext,
  handler: H,
  load: (model: QuantizedModel, name: string) => { spec: S; x: string },
): CopyNodeStep<H, S> {
  const { node, plan, model } = ctx;
  let c;
  try {
    c = load(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (model.graph.initializers.has(c.x)) return ctx.unsupported(`constant data input "${c.x}" (not committed)`);
  return { node: node.name, op: node.op, kind: plan.kind, handler, outputs: [node.outputs[0]], spec: c.spec, x: c.x };
}

/** The step handler of a copy layer; `describe` names a step in verifier messages. */
export function copyMapHandler<H extends string, S extends CopySpec>(layer: CopyLayer<S>, describe: (step: CopyNodeStep<H, S>) => string): StepHandler<CopyNodeStep<H, S>> {
  return {
    witness() {
      // A copy: no advice, no lookups.
    },
    prove(step, ctx) {
      const claims = ctx.take(step.outputs[0]);
      if (claims.length === 0) return;
      const claim = proveMergedClaim(ctx, step.outputs[0], step.spec.out, claims);
      const r = layer.prove({ spec: step.spec, x: ctx.value(step.x), claim, transcript: ctx.transcript });
      ctx.writer.sumcheck(r.proof.sumcheck);
      ctx.writer.scalar(r.proof.xValue);
      ctx.claim(step.x, r.claim);
    },
    verify(step, ctx) {
      const claims = ctx.take(step.outputs[0]);
      if (claims.length === 0) return;
      const what = describe(step);
      const claim = verifyMergedClaim(ctx, step.spec.out, claims, what);
      const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 2, what), xValue: ctx.reader.scalar(`${what}: input value`) };
      ctx.claim(step.x, layer.verify({ spec: step.spec, claim, proof, transcript: ctx.transcript }));
    },
  };
}
