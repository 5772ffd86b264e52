/**
 * Where with a CONSTANT condition (kind `select`; the causal mask of attention), proved with the mask committed:
 * y = cond ? a : b with cond a constant initializer, a and b the data inputs on the plan's common scale (numpy
 * broadcasting of all three). With m the 0/1 mask, every operand broadcast to y's padded layout,
 *
 *     y = m⊙a + b − m⊙b        (on the whole padded cube: every broadcast operand is 0 in y's padding)
 *
 * and a claim (r, v) on y is ONE sum-check of degree 3 over y's n variables,
 *
 *     v = Σ_o eq(r, o)·[m(o)·a(o) + b(o) − m(o)·b(o)],
 *
 * ending at ρ with m~, a~, b~ at ρ: each is factor·T~(q) (../../tensor.ts `broadcastPoint`: q the sub-point of
 * ρ on the operand's own axes, factor the indicator of y's real indices along the axes it is broadcast on). So
 * the verifier's work is O(n) — never O(size), unlike a public copy map (./where.ts).
 *
 * - m is the committed weight `<cond>@<node>` (the quantizer registers it, src/model/ops/logic.ts): the prover
 *   sends m~(q_m), which becomes an opening of W.
 * - A data input that is ONE constant element (the usual −inf / min fill) is the plan's integer `fill` c: the
 *   verifier uses c·factor(ρ) (c·1_y when the output has padding) in closed form — no message, no opening.
 * - Any other data input sends its value: a runtime tensor's claim goes to its producer (or, when the plan
 *   rescales it, to `<node>:rescaled<j>`, whose requantization follows), a larger constant's opens W
 *   (`<value>@<node>`).
 *
 * Walk: the claims on y merged (`layers/merge.ts`) into (r, v); absorb("where.claim", [r…, v]); the sum-check;
 * absorb("where.evals", [m~, then the sent data values in input order]); the final check
 * eq(r, ρ)·(m·a + b − m·b) = the sum-check's last claim; claims out: m (→ W), then the sent data inputs in
 * input order; then the rescaled inputs' requantizations in input order.
 * Stream: [merge sum-check (n, 2) and value], sum-check (n rounds, degree 3), m~, the sent data values.
 *
 * Soundness: the relation is the integer Where on 0/1 masks (the committed mask is bound by the digest, its
 * entries are the condition's); the sum-check errs with probability ≤ 3n/r, and every value it ends on is then
 * either a claim another step or the batch opening discharges, or computed by the verifier.
 */
import * as Fr from "../../../field/fr";
import { eqEval } from "../../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm } from "../../../sumcheck";
import type { Claim } from "../../claims";
import { absorbClaim, checkScalar, LayerProofError, provingTrueClaim } from "../../claims";
import { broadcastPoint, broadcastTable, evaluateTensor, layoutOf, type IntTensor } from "../../tensor";
import type { NodeStepBase } from "../plan";
import { copiedInput, proveRescale, verifyRescale, witnessRescale, type CopiedInput } from "./copied-input";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

/** The handler name of a constant-mask Where step. */
export const MASK_WHERE_HANDLER = "where-mask";

/** Transcript labels of the step. */
export const MASK_WHERE_LABELS = { claim: "where.claim", evals: "where.evals" } as const;

/** The sum-check's degree: eq(r, o)·m(o)·a(o). */
export const MASK_WHERE_DEGREE = 3;

/**
 * One data input: the tensor its claims go to (activation, rescaled copy, or W slot), its shape (0-d as [1]),
 * its rescale, and — for a one-element constant — its integer `fill`, which the verifier uses in closed form
 * (then nothing is sent and no claim goes to `tensor`).
 */
export interface MaskWhereInput extends CopiedInput {
  readonly shape: readonly number[];
  readonly fill: number | null;
}

/** A Where step whose condition is a committed constant mask. */
export type MaskWhereNodeStep = NodeStepBase & {
  readonly handler: typeof MASK_WHERE_HANDLER;
  readonly out: readonly number[];
  /** The committed 0/1 mask `<cond>@<node>` and its shape (0-d as [1]). */
  readonly mask: { readonly tensor: string; readonly shape: readonly number[] };
  /** The data inputs a (chosen where the mask is 1) and b. */
  readonly data: readonly [MaskWhereInput, MaskWhereInput];
};

/** A 0-d tensor is seen as [1] (same single entry, no variables), as the other copies do. */
const asShape = (shape: readonly number[]): number[] => (shape.length === 0 ? [1] : [...shape]);

/** Compiles a Where whose condition is a constant; refuses when the mask was not committed. */
export function compileMaskWhere(ctx: CompileContext): MaskWhereNodeStep {
  const { node, model, plan } = ctx;
  if (node.inputs.length !== 3 || node.inputs.some((v) => v === "")) return ctx.unsupported("Where needs a condition and two data inputs");
  const cond = model.graph.initializers.get(node.inputs[0]);
  if (!cond) return ctx.unsupported(`the condition "${node.inputs[0]}" is not a constant`);
  const maskSlot = `${node.inputs[0]}@${node.name}`;
  if (!ctx.isWeight(maskSlot)) return ctx.unsupported(`the constant condition "${node.inputs[0]}" is not committed as "${maskSlot}"`);
  const y = node.outputs[0];
  const data = [1, 2].map((j): MaskWhereInput => {
    const value = node.inputs[j];
    const constant = model.graph.initializers.get(value);
    const shape = asShape(constant?.shape ?? ctx.shape(value));
    if (constant && constant.data.length === 1) return { tensor: `${value}@${node.name}`, shape, rescale: null, fill: fillOf(ctx, value) };
    return { ...copiedInput(ctx, j, "data input"), shape, fill: null };
  }) as [MaskWhereInput, MaskWhereInput];
  return { node: node.name, op: node.op, kind: plan.kind, handler: MASK_WHERE_HANDLER, outputs: [y], out: asShape(ctx.shape(y)), mask: { tensor: maskSlot, shape: asShape(cond.shape) }, data };
}

/**
 * The integer a one-element constant data input stands for: its committed value at the common scale (a
 * quantized constant), or the constant itself (an integer-typed one, which the plan passes through unchanged).
 */
function fillOf(ctx: CompileContext, value: string): number {
  const committed = ctx.model.weights.get(`${value}@${ctx.node.name}`);
  const v = committed ? committed.tensor.data[0] : ctx.model.graph.initializers.get(value)!.data[0];
  if (!Number.isSafeInteger(v)) return ctx.unsupported(`constant data input "${value}" is not an integer at the common scale (${v})`);
  return v;
}

export const maskWhereHandler: StepHandler<MaskWhereNodeStep> = {
  witness(step, ctx) {
    for (const input of step.data) witnessRescale(input, ctx);
  },
  prove(step, ctx) {
    walk(step, ctx, null);
    for (const input of step.data) proveRescale(input, ctx);
  },
  verify(step, ctx) {
    walk(step, null, ctx);
    for (const input of step.data) verifyRescale(input, ctx);
  },
};

/** The data inputs whose values are sent (every one but a fill), in input order. */
const sentInputs = (step: MaskWhereNodeStep): MaskWhereInput[] => step.data.filter((d) => d.fill === null);

function walk(step: MaskWhereNodeStep, p: ProveContext | null, v: VerifyContext | null): void {
  const ctx = (p ?? v)!;
  const claims = ctx.take(step.outputs[0]);
  if (claims.length === 0) return;
  const what = `Where "${step.node}"`;
  const claim: Claim = p ? proveMergedClaim(p, step.outputs[0], step.out, claims) : verifyMergedClaim(v!, step.out, claims, what);
  const numVars = layoutOf(step.out).numVars;
  absorbClaim(ctx.transcript, MASK_WHERE_LABELS.claim, claim);
  const sent = sentInputs(step);
  let rho: bigint[];
  let values: bigint[];
  if (p) {
    const [a, b] = step.data.map((d) => operandValue(p, d));
    const tables = [broadcastTable(step.out, tensorOf(p, step.mask.tensor, step.mask.shape), `${what} mask`), broadcastTable(step.out, a, `${what} input a`), broadcastTable(step.out, b, `${what} input b`)];
    const terms: ProductTerm[] = [
      { coeff: 1n, factors: [0, 1], eqPoint: claim.point },
      { coeff: 1n, factors: [2], eqPoint: claim.point },
      { coeff: Fr.neg(1n), factors: [0, 2], eqPoint: claim.point },
    ];
    const sc = provingTrueClaim(what, () => proveSumcheck({ tables, terms, numVars, degree: MASK_WHERE_DEGREE, claim: claim.value, transcript: p.transcript }));
    p.writer.sumcheck(sc.proof);
    rho = sc.point;
    const operands: { shape: readonly number[]; data: ArrayLike<number> }[] = [tensorOf(p, step.mask.tensor, step.mask.shape), ...sent.map((d) => operandValue(p, d))];
    values = operands.map((t) => evaluateTensor(layoutOf(t.shape), t.data, broadcastPoint(step.out, t.shape, rho).point));
    p.writer.scalars(values);
    p.transcript.absorbScalars(MASK_WHERE_LABELS.evals, values);
  } else {
    const proof = v!.reader.sumcheck(numVars, MASK_WHERE_DEGREE, `${what} sum-check`);
    let sub;
    try {
      sub = verifySumcheck({ claim: claim.value, numVars, degree: MASK_WHERE_DEGREE, proof, transcript: v!.transcript });
    } catch (e) {
      if (e instanceof SumcheckError) throw new LayerProofError(`${what}: ${e.message}`);
      throw e;
    }
    rho = sub.point;
    values = v!.reader.scalars(1 + sent.length, `${what}: values`).map((x, i) => checkScalar(x, `${what}: value ${i}`));
    v!.transcript.absorbScalars(MASK_WHERE_LABELS.evals, values);
    const expected = finalValue(step, claim.point, rho, values);
    if (expected !== sub.expectedEvaluation) throw new LayerProofError(`${what}: m·a + b − m·b at the sum-check point does not match the final claim`);
  }
  ctx.claim(step.mask.tensor, { point: broadcastPoint(step.out, step.mask.shape, rho).point, value: values[0] });
  sent.forEach((d, i) => ctx.claim(d.tensor, { point: broadcastPoint(step.out, d.shape, rho).point, value: values[1 + i] }));
}

/**
 * eq(r, ρ)·(m·a + b − m·b) with each operand factor·value at ρ: `values` = [m~, the sent data values]; a fill c
 * contributes c·factor (its broadcast over every axis of y).
 */
export function finalValue(step: MaskWhereNodeStep, r: readonly bigint[], rho: readonly bigint[], values: readonly bigint[]): bigint {
  const at = (shape: readonly number[], value: bigint) => Fr.mul(broadcastPoint(step.out, shape, rho).factor, value);
  let next = 1;
  const [a, b] = step.data.map((d) => at(d.shape, d.fill !== null ? Fr.fromSigned(d.fill) : values[next++]));
  const m = at(step.mask.shape, values[0]);
  return Fr.mul(eqEval(r, rho), Fr.add(Fr.mul(m, Fr.sub(a, b)), b));
}

/** A data input's integers in its shape (a fill as its one entry). */
function operandValue(ctx: ProveContext, d: MaskWhereInput): IntTensor {
  return d.fill !== null ? { shape: d.shape, data: [d.fill] } : tensorOf(ctx, d.tensor, d.shape);
}

/** A tensor's integers seen in `shape` (a 0-d tensor as [1]). */
function tensorOf(ctx: ProveContext, name: string, shape: readonly number[]): IntTensor {
  return { shape, data: ctx.value(name).data };
}
