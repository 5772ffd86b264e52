/**
 * Kind `causal-softmax` (the llama graph's CausalSoftmax, docs/gguf.md §6) through the softmax IOP of kind
 * `softmax` (./softmax.ts, ../../layers/softmax.ts) run on a derived input q* [H, T, T]:
 *
 *     q*[h, i, j] = s[h, i, j] for j ≤ i,   m[h, i] − G for j > i     (G = 2^b − 1, m the row max over j ≤ i)
 *
 * and the plan's EXP table (gap g ↦ EXP[g], cut at its first zero, L entries) re-indexed to the softmax
 * kind's domain d ∈ [−G, 0]: EXP′[d] = EXP[−d] for −d < L, else 0. Then max_j q* = m, every masked entry has
 * d = −G, e = EXP′[−G] = 0 (L ≤ G is checked at compile time), so S, y and the max are exactly the causal
 * kernel's — masked outputs 0. Spec: docs/gguf.md, "LLM layers: causal softmax".
 *
 * q* is not committed: the softmax step's claims on it (the EXP column's and the max select's) are batched
 * with a challenge c and reduced by one sum-check (degree 3) to claims on s and on the softmax step's advice m:
 *
 *     Σ_x E(x)·[s(x)·M(x) + m(x_row)·U(x)] = v1 + c·v2 + G·(U~(ρ1) + c·U~(ρ2)),   E = eq(ρ1, ·) + c·eq(ρ2, ·)
 *
 * with M = [real ∧ j ≤ i] and U = [real ∧ j > i] public (the verifier evaluates both MLEs itself in
 * O(T·log T), `causalMasks`). Stream: the softmax step's messages, then this sum-check, s~(ρ′),
 * m~(ρ′_row).
 */
import * as Fr from "../../../field/fr";
import { eqEval, eqTable } from "../../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckTable } from "../../../sumcheck";
import { eqCombination } from "../../../sumcheck/eq-tables";
import { integerTable } from "../../layers/fixed-table";
import { LayerProofError, provingTrueClaim, type Claim } from "../../claims";
import { joinPoint, layoutOf, prefixIndicator, splitPoint, type IntTensor } from "../../tensor";
import { SOFTMAX_LIMB_BITS, softmaxGeometry } from "../../layers/softmax";
import type { NodeStepBase } from "../plan";
import { compileSoftmax, softmaxHandler, type SoftmaxNodeStep } from "./softmax";
import type { CompileContext, ProveContext, StepHandler, WalkContext } from "./types";

/** Transcript labels of the mask reduction. */
export const CAUSAL_LABELS = { batch: "causal.batch", eval: "causal.eval" } as const;

/** Degree of the mask reduction (eq-sum · s · M). */
const CAUSAL_DEGREE = 3;

/** A causal softmax step: the inner softmax step over the virtual q* and the real input. */
export type CausalSoftmaxNodeStep = NodeStepBase & {
  readonly handler: "causal-softmax";
  readonly inner: SoftmaxNodeStep;
  /** The scores s [H, T, T]. */
  readonly x: string;
  /** The name the inner step uses for q* (never a graph value). */
  readonly masked: string;
};

interface CausalParams {
  table?: string;
  one?: number;
}

export function compileCausalSoftmax(ctx: CompileContext): CausalSoftmaxNodeStep {
  const { node, plan } = ctx;
  const p = plan.params as CausalParams;
  const t = p.table === undefined ? undefined : plan.tables?.[p.table];
  if (!t || p.one === undefined || t.offset !== 0 || t.values.length === 0) return ctx.unsupported("a causal-softmax plan without its EXP table");
  const g = 2 ** ctx.bits - 1;
  const shape = ctx.shape(node.inputs[0]);
  if (shape.length !== 3 || shape[1] !== shape[2]) return ctx.unsupported(`input must be [heads, T, T], got [${shape.join(", ")}]`);
  if (t.values.length > g) return ctx.unsupported(`the EXP table has ${t.values.length} entries; the largest gap 2^b − 1 = ${g} must map to 0`);
  // The softmax IOP sizes its rem / t limbs for S ≤ n·2^b; the causal table's entries reach 2^EXP_BITS, so
  // rem < 2S ≤ 2·T·max EXP must still fit those limbs (12-bit limbs at 12 bits: up to 128 positions).
  const maxExp = t.values.reduce((m, v) => Math.max(m, v), 0);
  const limbs = softmaxGeometry({ x: shape, axes: [2], bits: ctx.bits, qmax: p.one, expOne: t.values[0] }).limbs;
  if (BigInt(2 * shape[2] * maxExp) > 1n << BigInt(SOFTMAX_LIMB_BITS * limbs)) {
    return ctx.unsupported(`rows of ${shape[2]} with EXP up to ${maxExp}: the remainder 2·S exceeds the softmax IOP's ${limbs} limb(s) of ${SOFTMAX_LIMB_BITS} bits`);
  }
  // EXP′[−G + i] = EXP[G − i] (gap G − i), zero past the table.
  const values = Array.from({ length: g + 1 }, (_, i) => (g - i < t.values.length ? t.values[g - i] : 0));
  const id = `causal:${p.table}`;
  const softmaxPlan = { ...plan, kind: "softmax", params: { table: id, expOne: t.values[0], outMultiplier: p.one }, tables: { [id]: { offset: -g, values: Int32Array.from(values) } } };
  const inner = compileSoftmax({ ...ctx, plan: softmaxPlan });
  const masked = `${node.name}:masked`;
  return { node: node.name, op: node.op, kind: plan.kind, handler: "causal-softmax", outputs: inner.outputs, inner: { ...inner, x: masked }, x: node.inputs[0], masked };
}

/** q* from the scores (row-major [H, T, T]). */
function maskedInput(s: IntTensor, bits: number): IntTensor {
  const [h, t] = s.shape;
  const g = 2 ** bits - 1;
  const out = new Float64Array(s.data.length);
  for (let r = 0; r < h * t; r++) {
    const i = r % t;
    let m = -Infinity;
    for (let j = 0; j <= i; j++) m = Math.max(m, s.data[r * t + j]);
    for (let j = 0; j < t; j++) out[r * t + j] = j <= i ? s.data[r * t + j] : m - g;
  }
  return { shape: [...s.shape], data: out };
}

/** M~ and U~ at a point on [H, T, T]: M = [h < H, i < T, j ≤ i], U = real − M. */
export function causalMasks(shape: readonly number[], point: readonly bigint[]): { m: bigint; u: bigint } {
  const [rh, ri, rj] = splitPoint(layoutOf(shape), point);
  const [H, T] = shape;
  const eqI = eqTable(ri);
  let tri = 0n;
  for (let i = 0; i < T; i++) tri = Fr.add(tri, Fr.mul(eqI[i], prefixIndicator(i + 1, rj)));
  const head = prefixIndicator(H, rh);
  const m = Fr.mul(head, tri);
  const real = Fr.mul(head, Fr.mul(prefixIndicator(T, ri), prefixIndicator(T, rj)));
  return { m, u: Fr.sub(real, m) };
}

function scratchKey(step: CausalSoftmaxNodeStep): string {
  return `causal-softmax:${step.node}`;
}

/** The inner step's context: q* by value, its claims collected instead of routed. */
function innerContext<C extends WalkContext>(step: CausalSoftmaxNodeStep, ctx: C, collected: Claim[], qStar?: IntTensor): C {
  return {
    ...ctx,
    claim: (v: string, c: Claim) => (v === step.masked ? collected.push(c) : ctx.claim(v, c)),
    ...("value" in ctx ? { value: (name: string) => (name === step.masked ? qStar! : (ctx as unknown as ProveContext).value(name)) } : {}),
  };
}

export const causalSoftmaxHandler: StepHandler<CausalSoftmaxNodeStep> = {
  witness(step, ctx) {
    const qStar = maskedInput(ctx.value(step.x), step.inner.spec.bits);
    ctx.scratch.set(scratchKey(step), qStar);
    softmaxHandler.witness(step.inner, { ...ctx, value: (name) => (name === step.masked ? qStar : ctx.value(name)) });
  },
  prove(step, ctx) {
    const qStar = ctx.scratch.get(scratchKey(step)) as IntTensor | undefined;
    if (!qStar) throw new RangeError(`causal softmax "${step.node}": no witness (the witness phase did not run)`);
    const collected: Claim[] = [];
    softmaxHandler.prove(step.inner, innerContext(step, ctx, collected, qStar));
    const { e, target } = batch(step, collected, ctx);
    const shape = step.inner.spec.x;
    const layout = layoutOf(shape);
    const s = integerTable(layout, ctx.value(step.x).data, `"${step.x}"`);
    // Over the padded cube: mB = the row max broadcast along j (padding j included; 0 on padding rows), the
    // mask [j ≤ i] and its complement on the real entries.
    const rowMaxes = rowMax(qStar, shape);
    const flat = layoutOf([layout.paddedSize]);
    const mB = new Float64Array(layout.paddedSize);
    const mask = new Uint8Array(layout.paddedSize);
    const upper = new Uint8Array(layout.paddedSize);
    const rowsPadded = 2 ** layout.axes[1].count;
    const cols = 2 ** layout.axes[2].count;
    for (let h = 0; h < shape[0]; h++)
      for (let i = 0; i < shape[1]; i++) {
        const row = (h * rowsPadded + i) * cols;
        mB.fill(rowMaxes[h * shape[1] + i], row, row + cols);
        for (let j = 0; j < shape[2]; j++) (j <= i ? mask : upper)[row + j] = 1;
      }
    const tables = [e, s, integerTable(flat, mask, "causal mask"), integerTable(flat, mB, "causal m"), integerTable(flat, upper, "causal upper")];
    const sc = provingTrueClaim("causal mask", () =>
      proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1, 2] }, { coeff: 1n, factors: [0, 3, 4] }], numVars: layout.numVars, degree: CAUSAL_DEGREE, claim: target, transcript: ctx.transcript }),
    );
    const sValue = sc.finalEvaluations[1];
    const mValue = sc.finalEvaluations[3];
    ctx.writer.sumcheck(sc.proof);
    ctx.writer.scalars([sValue, mValue]);
    ctx.transcript.absorbScalars(CAUSAL_LABELS.eval, [sValue, mValue]);
    route(step, sc.point, sValue, mValue, ctx);
  },
  verify(step, ctx) {
    const collected: Claim[] = [];
    softmaxHandler.verify(step.inner, innerContext(step, ctx, collected));
    const { c, target } = batch(step, collected, ctx);
    const shape = step.inner.spec.x;
    const n = layoutOf(shape).numVars;
    const what = `causal softmax "${step.node}"`;
    const proof = ctx.reader.sumcheck(n, CAUSAL_DEGREE, `${what} mask`);
    const [sValue, mValue] = ctx.reader.scalars(2, `${what}: mask evaluations`);
    let sub;
    try {
      sub = verifySumcheck({ claim: target, numVars: n, degree: CAUSAL_DEGREE, proof, transcript: ctx.transcript });
    } catch (err) {
      if (err instanceof SumcheckError) throw new LayerProofError(`${what}: ${err.message}`);
      throw err;
    }
    const eVal = collected.reduce((acc, cl, k) => Fr.add(acc, Fr.mul(Fr.pow(c, BigInt(k)), eqEval(cl.point, sub.point))), 0n);
    const { m, u } = causalMasks(shape, sub.point);
    if (Fr.mul(eVal, Fr.add(Fr.mul(sValue, m), Fr.mul(mValue, u))) !== sub.expectedEvaluation) throw new LayerProofError(`${what}: the mask sum-check's final value does not match the evaluations`);
    ctx.transcript.absorbScalars(CAUSAL_LABELS.eval, [sValue, mValue]);
    route(step, sub.point, sValue, mValue, ctx);
  },
};

/** c, the batched eq table (prover) and the target Σ_k c^k·(v_k + G·U~(ρ_k)). */
function batch(step: CausalSoftmaxNodeStep, claims: readonly Claim[], ctx: WalkContext): { c: bigint; e: SumcheckTable; target: bigint } {
  if (claims.length === 0) throw new LayerProofError(`causal softmax "${step.node}": no claim on the masked input`);
  const shape = step.inner.spec.x;
  const g = BigInt(2 ** step.inner.spec.bits - 1);
  ctx.transcript.absorbScalars(CAUSAL_LABELS.batch, claims.flatMap((cl) => [...cl.point, cl.value]));
  const c = ctx.transcript.challengeScalar(CAUSAL_LABELS.batch);
  let target = 0n;
  const powers = claims.map((_, k) => Fr.pow(c, BigInt(k)));
  claims.forEach((cl, k) => {
    target = Fr.add(target, Fr.mul(powers[k], Fr.add(cl.value, Fr.mul(g, causalMasks(shape, cl.point).u))));
  });
  // The prover's e = Σ_k c^k·eq(·, ρ_k), in one pass (the verifier evaluates it at the sum-check's point instead).
  const e = "value" in ctx ? eqCombination(claims.map((cl) => cl.point), powers) : [];
  return { c, e, target };
}

function rowMax(qStar: IntTensor, shape: readonly number[]): number[] {
  const [h, t] = shape;
  const out: number[] = [];
  for (let r = 0; r < h * t; r++) {
    let m = -Infinity;
    for (let j = 0; j < t; j++) m = Math.max(m, qStar.data[r * t + j]);
    out.push(m);
  }
  return out;
}

function route(step: CausalSoftmaxNodeStep, point: readonly bigint[], sValue: bigint, mValue: bigint, ctx: WalkContext): void {
  const layout = layoutOf(step.inner.spec.x);
  const [rh, ri] = splitPoint(layout, point);
  ctx.claim(step.x, { point: [...point], value: sValue });
  ctx.claimAdvice(step.inner.advice.m, { point: joinPoint(layoutOf([step.inner.spec.x[0], step.inner.spec.x[1], 1]), [rh, ri, []]), value: mValue });
}
