/**
 * Batch opening: many committed multilinear polynomials (of different sizes), each claimed at one or more
 * points, reduced to ONE HyperKZG opening (HyperPlonk, eprint 2022/1355 §3.8, with one random-linear-
 * combination challenge). Spec and costs in docs/hyperkzg.md ("Batch opening").
 *
 * Claims i = 0..k-1 say f_{p(i)}~(z_i) = v_i with z_i of length n_i. With n = max n_i, every claim is lifted to
 * n variables by appending zeros to z_i: a table of 2^{n_i} entries zero-padded to 2^n has the same KZG
 * commitment and f~(z_i ‖ 0) = f~(z_i). Claims are grouped by lifted point P_g, and after absorbing the
 * claims the verifier draws alpha:
 *
 * - one group (all claims at one point): open G = sum_i alpha^i f_{p(i)} at P with value sum_i alpha^i v_i.
 *   No sum-check.
 * - m > 1 groups: sum-check (degree 2, n rounds) of
 *       sum_x sum_g eq(x, P_g) · F_g(x) = sum_i alpha^i v_i,     F_g = sum_{i in g} alpha^i f_{p(i)},
 *   which reduces to sum_g eq(rho, P_g) · F_g(rho) = E at the sum-check point rho; then open
 *   G = sum_i alpha^i eq(rho, P_{g(i)}) f_{p(i)} at rho with value E. The verifier computes each eq(rho, P_g)
 *   in O(n) and the commitment of G as one MSM over the distinct commitments.
 */
import { G1, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { eqEval, evaluateMle } from "../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../sumcheck";
import type { Transcript } from "../transcript";
import { HyperKZG, HyperKzgError, linearCombination, type HyperKzgProof, type HyperKzgVerifierKey } from "./hyperkzg";
import type { Srs } from "./srs";

/** Transcript labels of the batch opening. */
export const BATCH_LABELS = {
  commitments: "batch.commitments",
  claims: "batch.claims",
  alpha: "batch.alpha",
} as const;

/** "Polynomial `poly` evaluates to `value` at `point`" (point length = the polynomial's variable count). */
export interface OpeningClaim {
  /** Index into the commitment (and, for the prover, table) list. */
  readonly poly: number;
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** A batch opening proof: the sum-check (absent when all claims share one point) and one HyperKZG opening. */
export interface BatchOpeningProof {
  readonly sumcheck: SumcheckProof | null;
  readonly opening: HyperKzgProof;
}

/** Inputs of {@link proveBatchOpening}. */
export interface ProveBatchParameters {
  readonly srs: Srs;
  /** Committed tables. */
  readonly tables: readonly (readonly bigint[])[];
  readonly commitments: readonly G1Point[];
  /** Claims; values are checked against the tables (an honest prover never proves a false claim). */
  readonly claims: readonly OpeningClaim[];
  readonly transcript: Transcript;
}

/** Inputs of {@link verifyBatchOpening}. */
export interface VerifyBatchParameters {
  readonly vk: HyperKzgVerifierKey;
  readonly commitments: readonly G1Point[];
  readonly claims: readonly OpeningClaim[];
  readonly proof: BatchOpeningProof;
  readonly transcript: Transcript;
}

/** A batch opening that does not verify, or malformed claims. */
export class BatchOpeningError extends Error {
  override readonly name = "BatchOpeningError";
}

/** Proves every claim with one sum-check (if the points differ) and one HyperKZG opening. */
export function proveBatchOpening(params: ProveBatchParameters): BatchOpeningProof {
  const { srs, tables, claims, transcript } = params;
  if (tables.length !== params.commitments.length) {
    throw new RangeError(`batch opening: ${tables.length} tables but ${params.commitments.length} commitments`);
  }
  const plan = planBatch(claims, params.commitments.length);
  claims.forEach((c, i) => {
    if (tables[c.poly].length > 2 ** c.point.length) {
      throw new RangeError(`batch opening: claim ${i}: table ${c.poly} does not fit ${c.point.length} variables`);
    }
    if (evaluateMle(tables[c.poly], c.point) !== c.value) {
      throw new RangeError(`batch opening: claim ${i} (table ${c.poly}) has a wrong value`);
    }
  });
  const alphas = absorbAndDrawAlphas(transcript, params.commitments, claims);
  const size = 2 ** plan.numVars;

  // F_g = sum_{i in g} alpha^i f_{p(i)}
  const groupTables = plan.groups.map((g) => {
    const acc = new Array<bigint>(size).fill(0n);
    for (const i of g.claims) Fr.addScaledInPlace(acc, tables[claims[i].poly], alphas[i]);
    return acc;
  });

  if (plan.groups.length === 1) {
    const opening = HyperKZG.open({ srs, evals: groupTables[0], point: plan.groups[0].point, transcript });
    return { sumcheck: null, opening: opening.proof };
  }

  // Terms eq(x, P_g)·F_g: the eq weights stay implicit (no eq tables; src/sumcheck/eq-kernel.ts).
  const terms: ProductTerm[] = plan.groups.map((g, k) => ({ coeff: 1n, factors: [k], eqPoint: g.point }));
  const sc = proveSumcheck({ tables: groupTables, terms, numVars: plan.numVars, degree: 2, transcript });
  // G = sum_g eq(rho, P_g) F_g; its value at rho is the sum-check's final claim.
  const combined = new Array<bigint>(size).fill(0n);
  plan.groups.forEach((g, k) => Fr.addScaledInPlace(combined, groupTables[k], eqEval(sc.point, g.point)));
  const opening = HyperKZG.open({ srs, evals: combined, point: sc.point, transcript });
  return { sumcheck: sc.proof, opening: opening.proof };
}

/** The single HyperKZG opening a batch reduces to (see {@link reduceBatchOpening}). */
export interface BatchReduction {
  /** Commitment of G = sum_i alpha^i w_i f_{p(i)} (w_i = eq(rho, P_{g(i)}), or 1 with one point). */
  readonly commitment: G1Point;
  /** Where G is opened: the common lifted point, or the sum-check point rho. */
  readonly point: readonly bigint[];
  /** The value G must take there. */
  readonly value: bigint;
}

/** Inputs of {@link reduceBatchOpening}: the verifier's inputs without the final opening. */
export interface ReduceBatchParameters {
  readonly commitments: readonly G1Point[];
  readonly claims: readonly OpeningClaim[];
  readonly sumcheck: SumcheckProof | null;
  readonly transcript: Transcript;
}

/**
 * The verifier up to the final opening: absorbs commitments and claims, draws alpha, checks the sum-check (when
 * the lifted points differ) and returns the one opening left to check, with `transcript` in the state that
 * opening starts from. Throws {@link BatchOpeningError} for a wrong-shaped or failing sum-check or an invalid
 * commitment, RangeError for malformed claims. (On-chain twin: `BatchOpening.reduce`.)
 */
export function reduceBatchOpening(params: ReduceBatchParameters): BatchReduction {
  const { commitments, claims, sumcheck, transcript } = params;
  const plan = planBatch(claims, commitments.length);
  commitments.forEach((c, k) => {
    try {
      if (!c.equals(G1.ZERO)) c.assertValidity();
    } catch {
      throw new BatchOpeningError(`batch opening: commitment ${k} is not a point on the curve`);
    }
  });
  const alphas = absorbAndDrawAlphas(transcript, commitments, claims);

  let point: readonly bigint[];
  let value: bigint;
  const weights = new Array<bigint>(commitments.length).fill(0n);
  if (plan.groups.length === 1) {
    if (sumcheck !== null) throw new BatchOpeningError("batch opening: unexpected sum-check (one point)");
    point = plan.groups[0].point;
    value = claims.reduce((acc, c, i) => (acc + alphas[i] * c.value) % MODULUS, 0n);
    claims.forEach((c, i) => (weights[c.poly] = Fr.add(weights[c.poly], alphas[i])));
  } else {
    if (sumcheck === null) throw new BatchOpeningError("batch opening: missing sum-check (several points)");
    const claim = claims.reduce((acc, c, i) => (acc + alphas[i] * c.value) % MODULUS, 0n);
    let sub;
    try {
      sub = verifySumcheck({ claim, numVars: plan.numVars, degree: 2, proof: sumcheck, transcript });
    } catch (e) {
      if (e instanceof SumcheckError) throw new BatchOpeningError(`batch opening: ${e.message}`);
      throw e;
    }
    point = sub.point;
    value = sub.expectedEvaluation;
    for (const g of plan.groups) {
      const eq = eqEval(sub.point, g.point);
      for (const i of g.claims) {
        const p = claims[i].poly;
        weights[p] = (weights[p] + alphas[i] * eq) % MODULUS;
      }
    }
  }
  // Commitment of G: one MSM over the distinct commitments (k scalar multiplications).
  return { commitment: linearCombination(commitments, weights), point, value };
}

/**
 * Checks a batch opening; throws {@link BatchOpeningError} with the reason (malformed claims, a sum-check of the
 * wrong shape, or a failed HyperKZG opening).
 */
export function assertValidBatchOpening(params: VerifyBatchParameters): void {
  const { vk, commitments, claims, proof, transcript } = params;
  const { commitment, point, value } = reduceBatchOpening({ commitments, claims, sumcheck: proof.sumcheck, transcript });
  try {
    HyperKZG.assertValidOpening({ vk, commitment, point, value, proof: proof.opening, transcript });
  } catch (e) {
    if (e instanceof HyperKzgError) throw new BatchOpeningError(`batch opening: ${e.message}`);
    throw e;
  }
}

/** True iff the batch opening verifies. Malformed claims (bad indices, non-canonical values) still throw. */
export function verifyBatchOpening(params: VerifyBatchParameters): boolean {
  try {
    assertValidBatchOpening(params);
    return true;
  } catch (e) {
    if (e instanceof BatchOpeningError) return false;
    throw e;
  }
}

/**
 * The proof shape a set of claims implies: the number of variables n of the final opening and whether a
 * sum-check (n rounds of degree 2) precedes it (only when the lifted points differ).
 */
export function batchOpeningShape(
  claims: readonly OpeningClaim[],
  numPolys: number,
): { numVars: number; hasSumcheck: boolean } {
  const plan = planBatch(claims, numPolys);
  return { numVars: plan.numVars, hasSumcheck: plan.groups.length > 1 };
}

interface BatchPlan {
  readonly numVars: number;
  /** Distinct lifted points, in order of first appearance, with the claims at each. */
  readonly groups: { point: bigint[]; claims: number[] }[];
}

/** Validates the claims, lifts points to n variables and groups claims by point. */
function planBatch(claims: readonly OpeningClaim[], numPolys: number): BatchPlan {
  if (claims.length === 0) throw new RangeError("batch opening: no claims");
  claims.forEach((c, i) => {
    if (!Number.isInteger(c.poly) || c.poly < 0 || c.poly >= numPolys) {
      throw new RangeError(`batch opening: claim ${i} refers to polynomial ${c.poly}, have ${numPolys}`);
    }
    Fr.assertFr(c.value, `batch opening: value of claim ${i}`);
    c.point.forEach((x, j) => Fr.assertFr(x, `batch opening: point[${j}] of claim ${i}`));
  });
  const numVars = Math.max(...claims.map((c) => c.point.length));
  const groups: { point: bigint[]; claims: number[] }[] = [];
  const byKey = new Map<string, number>();
  claims.forEach((c, i) => {
    const point = liftPoint(c.point, numVars);
    const key = point.join(",");
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      byKey.set(key, g);
      groups.push({ point, claims: [] });
    }
    groups[g].claims.push(i);
  });
  return { numVars, groups };
}

/** z ‖ 0...0 of length numVars. */
function liftPoint(point: readonly bigint[], numVars: number): bigint[] {
  return [...point, ...new Array<bigint>(numVars - point.length).fill(0n)];
}

/**
 * Absorbs the commitments, then every claim as (poly index, n_i, z_i..., v_i), then draws alpha and returns
 * alpha^0 .. alpha^{k-1}.
 */
function absorbAndDrawAlphas(
  transcript: Transcript,
  commitments: readonly G1Point[],
  claims: readonly OpeningClaim[],
): bigint[] {
  transcript.absorbPoints(BATCH_LABELS.commitments, commitments);
  const words: bigint[] = [];
  for (const c of claims) words.push(BigInt(c.poly), BigInt(c.point.length), ...c.point, c.value);
  transcript.absorbScalars(BATCH_LABELS.claims, words);
  return Fr.powers(transcript.challengeScalar(BATCH_LABELS.alpha), claims.length);
}
