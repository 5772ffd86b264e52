/**
 * Exact integer movement (kind `movement`, integer-typed output): Concat and Slice of integer tensors are fixed
 * re-indexings of the values, so the movement IOPs (./movement.ts, ../../layers/concat.ts, reindex.ts) prove them
 * on integers as they stand — the value domain differs, not the relation. (Reshape, Squeeze, Unsqueeze, Flatten,
 * Transpose, Identity are admitted by ./logic.ts.) The one new piece: a Concat with an integer CONSTANT input
 * (TF's BatchGatherND lowering concatenates a constant batch index with the runtime index), which the movement
 * kind refuses because the constant is not committed. Handler `int-concat`: the constant is carried in the step
 * (at most MAX_CONSTANT_SIZE entries, bound by the plan hash) and the verifier computes its part itself.
 *
 * Walk of `int-concat`, at the merged claim (r, v) on Y (stream: [merge], parts, selectors): absorb the claim
 * (`reindex.claim`); with S_j the Concat selector of input j at r, a constant input's part is
 * c_j = Σ_x C_j(x)·S_j(x), evaluated by the verifier; the prover sends the parts of every activation input but
 * the last (`absorb("concat.parts", …)`), the last is v − Σ c_j − Σ sent; then one selector sum-check per
 * activation input in input order (κ_j rounds, degree 2, the input's value), each a claim on that input.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { absorbClaim, type Claim } from "../../claims";
import { CONCAT_LABELS, concatOutShape, concatSelector, type ConcatSpec } from "../../layers/concat";
import { REINDEX_LABELS } from "../../layers/reindex";
import { proveSelector, selectorTable, verifySelector } from "../../layers/selector";
import { LayoutError, layoutOf, paddedTable } from "../../tensor";
import { attrInt } from "../../../model/ops/types";
import type { NodeStep, NodeStepBase } from "../plan";
import { MAX_CONSTANT_SIZE } from "./exact";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import { compileMovementWithSplit } from "./split";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

/** Movement ops proved on integer tensors here (beyond the reshapes ./logic.ts admits). */
const INTEGER_MOVES = new Set(["Concat", "Slice"]);

/** True when a movement node's integer outputs are proved by this file. */
export function provesIntegerMovement(ctx: Pick<CompileContext, "node" | "model">, kind: string): boolean {
  const { node, model } = ctx;
  return kind === "movement" && INTEGER_MOVES.has(node.op) && node.outputs.every((o) => o === "" || !isFloatType(model.graph.values.get(o)?.dtype ?? "float32"));
}

/** One Concat input: an activation, or an integer constant carried in the step. */
export type IntConcatPart = { readonly tensor: string } | { readonly constant: readonly number[] };

/** A Concat of integer tensors with at least one carried constant input. */
export type IntConcatNodeStep = NodeStepBase & {
  readonly handler: "int-concat";
  readonly spec: ConcatSpec;
  readonly out: readonly number[];
  readonly parts: readonly IntConcatPart[];
};

/** Kind `movement` with an integer output: a Concat with constant inputs here, the rest to the movement compilers. */
export function compileIntegerMove(ctx: CompileContext): NodeStep {
  const { node, plan, model } = ctx;
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) return ctx.unsupported("the plan rescales an integer tensor");
  if (node.op !== "Concat" || !node.inputs.some((v) => model.graph.initializers.has(v))) return compileMovementWithSplit(ctx);
  const inShapes = node.inputs.map((v) => ctx.shape(v));
  const rank = inShapes[0].length;
  const a = attrInt(node, "axis", 0);
  const spec: ConcatSpec = { inShapes, axis: a < 0 ? a + rank : a };
  let out: number[];
  try {
    out = concatOutShape(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const parts = node.inputs.map((v): IntConcatPart => {
    const init = model.graph.initializers.get(v);
    if (!init) return { tensor: v };
    if (init.data.length > MAX_CONSTANT_SIZE) return ctx.unsupported(`constant input "${v}" of ${init.data.length} entries (at most ${MAX_CONSTANT_SIZE} are carried in the plan)`);
    return { constant: Array.from(init.data) };
  });
  if (!parts.some((p) => "tensor" in p)) return ctx.unsupported("a Concat of constants only (not folded)");
  const step: IntConcatNodeStep = { node: node.name, op: node.op, kind: plan.kind, handler: "int-concat", outputs: [node.outputs[0]], spec, out, parts };
  return step;
}

/** The parts the verifier computes: Σ_x C_j(x)·S_j(x) for every constant input j, null for an activation. */
function constantParts(step: IntConcatNodeStep, point: readonly bigint[]): (bigint | null)[] {
  return step.parts.map((p, j) => {
    if (!("constant" in p)) return null;
    const sel = concatSelector(step.spec, j, point);
    return Fr.innerProduct(paddedTable(layoutOf(sel.inShape), p.constant, `concat constant ${j}`), selectorTable(sel));
  });
}

/** The activation inputs' indices, in input order. */
function activations(step: IntConcatNodeStep): number[] {
  return step.parts.flatMap((p, j) => ("tensor" in p ? [j] : []));
}

/** The value left for the last activation input: the claim minus the constants' and the sent parts. */
function lastPart(claim: Claim, known: readonly (bigint | null)[], sent: readonly bigint[]): bigint {
  const taken = [...known.filter((v): v is bigint => v !== null), ...sent].reduce(Fr.add, 0n);
  return Fr.sub(claim.value, taken);
}

export const intConcatHandler: StepHandler<IntConcatNodeStep> = {
  witness() {
    // No advice: a re-indexing of the inputs' values.
  },
  prove(step, ctx: ProveContext) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const claim = proveMergedClaim(ctx, step.outputs[0], step.out, claims);
    absorbClaim(ctx.transcript, REINDEX_LABELS.claim, claim);
    const known = constantParts(step, claim.point);
    const act = activations(step);
    const values = act.map((j) => {
      const sel = concatSelector(step.spec, j, claim.point);
      const x = ctx.value((step.parts[j] as { tensor: string }).tensor);
      return Fr.innerProduct(paddedTable(layoutOf(sel.inShape), x.data, `concat input ${j}`), selectorTable(sel));
    });
    const sent = values.slice(0, -1);
    ctx.writer.scalars(sent);
    ctx.transcript.absorbScalars(CONCAT_LABELS.parts, sent);
    const last = lastPart(claim, known, sent);
    act.forEach((j, i) => {
      const tensor = (step.parts[j] as { tensor: string }).tensor;
      const value = i === act.length - 1 ? last : values[i];
      const r = proveSelector({ selector: concatSelector(step.spec, j, claim.point), x: ctx.value(tensor), value, transcript: ctx.transcript, what: `concat input ${j}` });
      ctx.writer.sumcheck(r.proof.sumcheck);
      ctx.writer.scalar(r.proof.xValue);
      ctx.claim(tensor, r.claim);
    });
  },
  verify(step, ctx: VerifyContext) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length === 0) return;
    const what = `${step.op} "${step.node}"`;
    const claim = verifyMergedClaim(ctx, step.out, claims, what);
    absorbClaim(ctx.transcript, REINDEX_LABELS.claim, claim);
    const known = constantParts(step, claim.point);
    const act = activations(step);
    const sent = ctx.reader.scalars(act.length - 1, `${what}: concat parts`);
    ctx.transcript.absorbScalars(CONCAT_LABELS.parts, sent);
    const last = lastPart(claim, known, sent);
    act.forEach((j, i) => {
      const tensor = (step.parts[j] as { tensor: string }).tensor;
      const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(step.spec.inShapes[j]).numVars, 2, `${what}: concat input ${j}`), xValue: ctx.reader.scalar(`${what}: concat input ${j} value`) };
      const value = i === act.length - 1 ? last : sent[i];
      ctx.claim(tensor, verifySelector({ selector: concatSelector(step.spec, j, claim.point), value, proof, transcript: ctx.transcript, what: `${what}: concat input ${j}` }));
    });
  },
};
