/**
 * Claim merging: several claims f~(p_i) = v_i on one tensor (fan-out, residual branches, or several claims on
 * the model polynomial) become one claim, so the tensor's producer is proved once.
 *
 * - All points equal: the values must agree; the merged claim is that claim. No messages.
 * - Otherwise, after the claims are absorbed the verifier draws c and the prover runs the sum-check
 *       Σ_i c^i·v_i = Σ_x (Σ_i c^i·eq(p_i, x))·f(x)                    (degree 2, eq weights never tabled)
 *   ending at a point ρ with f~(ρ) = value, which the prover sends; the verifier checks
 *   (Σ_i c^i·eq(p_i, ρ))·value = the sum-check's final claim (O(k·n) for k claims).
 *   A false v_i survives only if c is a root of a non-zero polynomial of degree < k (≤ (k−1)/r), or by the
 *   sum-check's own error (≤ 2n/r).
 *
 * Spec: docs/prover.md ("Claim merging").
 */
import * as Fr from "../../field/fr";
import { eqEval } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";

/** Transcript labels of claim merging. */
export const MERGE_LABELS = { claims: "merge.claims", coeff: "merge.coeff", eval: "merge.eval" } as const;

/** A merge proof: nothing when every point is the same, else a sum-check and the value at its point. */
export interface MergeProof {
  readonly sumcheck: SumcheckProof | null;
  readonly value: bigint | null;
}

/** True when every claim is at the same point (then no sum-check is run). Fixed by the claims alone. */
export function samePoint(claims: readonly Claim[]): boolean {
  return claims.every((c) => c.point.length === claims[0].point.length && c.point.every((x, j) => x === claims[0].point[j]));
}

/** Merges claims on the multilinear table `table` (2^numVars entries, canonical Fr) into one claim. */
export function proveMerge(params: { table: readonly bigint[]; numVars: number; claims: readonly Claim[]; transcript: Transcript }): { proof: MergeProof; claim: Claim } {
  const { table, numVars, claims, transcript } = params;
  checkClaims(claims, numVars);
  for (const c of claims) absorbClaim(transcript, MERGE_LABELS.claims, c);
  if (samePoint(claims)) {
    if (claims.some((c) => c.value !== claims[0].value)) throw new LayerProofError("merge: claims at one point disagree");
    return { proof: { sumcheck: null, value: null }, claim: claims[0] };
  }
  const coeffs = Fr.powers(transcript.challengeScalar(MERGE_LABELS.coeff), claims.length);
  const terms: ProductTerm[] = claims.map((c, i) => ({ coeff: coeffs[i], factors: [0], eqPoint: c.point }));
  const target = claims.reduce((acc, c, i) => Fr.add(acc, Fr.mul(coeffs[i], c.value)), 0n);
  const sc = provingTrueClaim("merge", () => proveSumcheck({ tables: [table], terms, numVars, degree: 2, claim: target, transcript }));
  const value = sc.finalEvaluations[0];
  transcript.absorbScalars(MERGE_LABELS.eval, [value]);
  return { proof: { sumcheck: sc.proof, value }, claim: { point: sc.point, value } };
}

/** Verifies a merge and returns the merged claim. @throws {LayerProofError} */
export function verifyMerge(params: { numVars: number; claims: readonly Claim[]; proof: MergeProof; transcript: Transcript }): Claim {
  const { numVars, claims, proof, transcript } = params;
  checkClaims(claims, numVars);
  for (const c of claims) absorbClaim(transcript, MERGE_LABELS.claims, c);
  if (samePoint(claims)) {
    if (proof.sumcheck !== null || proof.value !== null) throw new LayerProofError("merge: unexpected sum-check (all claims share one point)");
    if (claims.some((c) => c.value !== claims[0].value)) throw new LayerProofError("merge: claims at one point disagree");
    return claims[0];
  }
  if (proof.sumcheck === null || proof.value === null) throw new LayerProofError("merge: missing sum-check (the claims' points differ)");
  const coeffs = Fr.powers(transcript.challengeScalar(MERGE_LABELS.coeff), claims.length);
  const target = claims.reduce((acc, c, i) => Fr.add(acc, Fr.mul(coeffs[i], c.value)), 0n);
  let sub;
  try {
    sub = verifySumcheck({ claim: target, numVars, degree: 2, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`merge: ${e.message}`);
    throw e;
  }
  const value = checkScalar(proof.value, "merge: value");
  transcript.absorbScalars(MERGE_LABELS.eval, [value]);
  const weight = claims.reduce((acc, c, i) => Fr.add(acc, Fr.mul(coeffs[i], eqEval(c.point, sub.point))), 0n);
  if (Fr.mul(weight, value) !== sub.expectedEvaluation) throw new LayerProofError("merge: the value at the sum-check point does not match the final claim");
  return { point: sub.point, value };
}

function checkClaims(claims: readonly Claim[], numVars: number): void {
  if (claims.length === 0) throw new LayerProofError("merge: no claims");
  claims.forEach((c, i) => checkClaim(c, numVars, `merge: claim ${i}`));
}
