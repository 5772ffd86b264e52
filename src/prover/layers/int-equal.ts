/**
 * Equal as an exact zero test (docs/prover.md, "Integer kinds for the tree models"). With d = Σ_i c_i·op_i the
 * signed difference of the operands (broadcast to the output; the executor's `qa·Ma == qb·Mb`), the output
 * c = [d = 0] and the advice inv (d⁻¹ where d ≠ 0, else 0) satisfy, at every point x of the output's padded cube,
 *
 *     (E)  c − 1_real + d·inv = 0        and        (Z)  d·c = 0.
 *
 * If d ≠ 0 then (Z) gives c = 0; if d = 0 then (E) gives c = 1_real. So c is exactly [d = 0] on real entries
 * and 0 in the padding (d = 0 and 1_real = 0 there). d = 0 in Fr is d = 0 over ℤ because |d| < 2^54 ≪ r.
 *
 * Protocol (labels `int-equal.*`): τ = challenge `int-equal.tau` (n scalars), λ = challenge `int-equal.lambda`;
 * one sum-check (n rounds, degree 3) of Σ_x eq(τ, x)·(c − 1_real + d·inv + λ·d·c) = 0; the prover sends
 * c~(ρ), inv~(ρ), d~(ρ) (absorb `int-equal.evals`); the verifier checks
 * eq(τ, ρ)·(c − 1_real(ρ) + d·inv + λ·d·c) = the final claim. Claims out: c and inv at ρ (openings of A), d at ρ
 * (the caller reduces it to the operands by the linear-combination IOP).
 */
import * as Fr from "../../field/fr";
import { eqEval } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { layoutOf, prefixIndicator, splitPoint, type TensorLayout } from "../tensor";

/** Transcript labels of the Equal IOP. */
export const INT_EQUAL_LABELS = { tau: "int-equal.tau", lambda: "int-equal.lambda", evals: "int-equal.evals" } as const;

/** Sum-check degree of the zero test (eq · d · inv). */
export const INT_EQUAL_DEGREE = 3;

/** The proof: the sum-check and c, inv, d at its point. */
export interface IntEqualProof {
  readonly sumcheck: SumcheckProof;
  readonly c: bigint;
  readonly inv: bigint;
  readonly d: bigint;
}

/** Claims the zero test reduces to. */
export interface IntEqualClaims {
  readonly c: Claim;
  readonly inv: Claim;
  readonly d: Claim;
}

/** 1_real(ρ) = Π_a prefixIndicator(d_a, ρ_a): the MLE of the real entries of the padded layout. */
export function realIndicator(layout: TensorLayout, point: readonly bigint[]): bigint {
  const parts = splitPoint(layout, point);
  return layout.shape.reduce((acc, d, a) => Fr.mul(acc, prefixIndicator(d, parts[a])), 1n);
}

function terms(tau: readonly bigint[], lambda: bigint): ProductTerm[] {
  // Tables: 0 = c, 1 = 1_real, 2 = d, 3 = inv.
  return [
    { coeff: 1n, factors: [0], eqPoint: tau },
    { coeff: Fr.neg(1n), factors: [1], eqPoint: tau },
    { coeff: 1n, factors: [2, 3], eqPoint: tau },
    { coeff: lambda, factors: [2, 0], eqPoint: tau },
  ];
}

/** The witness tables over the output's padded layout from the padded d table: c = [d = 0]·1_real, inv. */
export function intEqualWitness(out: readonly number[], d: readonly bigint[]): { c: bigint[]; inv: bigint[]; real: bigint[] } {
  const layout = layoutOf(out);
  const real = realTable(layout);
  const c = d.map((v, i) => (real[i] === 1n && v === 0n ? 1n : 0n));
  const inv = d.map((v) => (v === 0n ? 0n : Fr.inv(v)));
  return { c, inv, real };
}

/** The padded table of 1 on real entries, 0 in the padding. */
function realTable(layout: TensorLayout): bigint[] {
  const out = new Array<bigint>(layout.paddedSize).fill(0n);
  const size = layout.shape.reduce((p, d) => p * d, 1);
  // Row-major real index → padded index: strides of the padded layout.
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let padded = 0;
    for (let a = layout.shape.length - 1; a >= 0; a--) {
      const d = layout.shape[a];
      padded += (rest % d) * 2 ** layout.axes[a].start;
      rest = Math.floor(rest / d);
    }
    out[padded] = 1n;
  }
  return out;
}

/**
 * Proves (E) and (Z); `c`, `inv`, `d` are padded tables over the output layout (the prover's). `unsafe` (test
 * hook of a dishonest prover) proves the tables' true sum even when it is not 0, for the verifier to reject.
 */
export function proveIntEqual(params: { out: readonly number[]; c: readonly bigint[]; inv: readonly bigint[]; d: readonly bigint[]; transcript: Transcript; unsafe?: boolean }): { proof: IntEqualProof; claims: IntEqualClaims } {
  const { transcript } = params;
  const layout = layoutOf(params.out);
  const n = layout.numVars;
  const tau = transcript.challengeScalars(INT_EQUAL_LABELS.tau, n);
  const lambda = transcript.challengeScalar(INT_EQUAL_LABELS.lambda);
  const tables = [params.c, realTable(layout), params.d, params.inv];
  const sc = provingTrueClaim("equal", () => proveSumcheck({ tables, terms: terms(tau, lambda), numVars: n, degree: INT_EQUAL_DEGREE, ...(params.unsafe ? {} : { claim: 0n }), transcript }));
  const [c, , d, inv] = sc.finalEvaluations;
  transcript.absorbScalars(INT_EQUAL_LABELS.evals, [c, inv, d]);
  const point = sc.point;
  return { proof: { sumcheck: sc.proof, c, inv, d }, claims: { c: { point, value: c }, inv: { point, value: inv }, d: { point, value: d } } };
}

/** Verifies the zero test; returns the claims to discharge. @throws {LayerProofError} */
export function verifyIntEqual(params: { out: readonly number[]; proof: IntEqualProof; transcript: Transcript }): IntEqualClaims {
  const { transcript, proof } = params;
  const layout = layoutOf(params.out);
  const n = layout.numVars;
  const tau = transcript.challengeScalars(INT_EQUAL_LABELS.tau, n);
  const lambda = transcript.challengeScalar(INT_EQUAL_LABELS.lambda);
  let sub;
  try {
    sub = verifySumcheck({ claim: 0n, numVars: n, degree: INT_EQUAL_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`equal: ${e.message}`);
    throw e;
  }
  const c = checkScalar(proof.c, "equal: c value");
  const inv = checkScalar(proof.inv, "equal: inverse value");
  const d = checkScalar(proof.d, "equal: difference value");
  transcript.absorbScalars(INT_EQUAL_LABELS.evals, [c, inv, d]);
  const body = Fr.add(Fr.add(Fr.sub(c, realIndicator(layout, sub.point)), Fr.mul(d, inv)), Fr.mul(lambda, Fr.mul(d, c)));
  if (Fr.mul(eqEval(tau, sub.point), body) !== sub.expectedEvaluation) throw new LayerProofError("equal: the zero test fails at the sum-check point");
  const point = sub.point;
  return { c: { point, value: c }, inv: { point, value: inv }, d: { point, value: d } };
}
