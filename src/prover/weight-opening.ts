/**
 * Discharging weight claims: every claim on a weight tensor is lifted to a claim on the model polynomial
 * (./model-poly.ts, slot selector bits as the high coordinates) and all of them are proved by ONE batch
 * opening of the model commitment (src/pcs/batch.ts). Later, the per-proof committed columns (lookup helper
 * columns) join the same batch opening as further polynomials.
 */
import type { G1Point } from "../curve/bn254";
import { assertValidBatchOpening, BatchOpeningError, proveBatchOpening, type BatchOpeningProof, type OpeningClaim } from "../pcs/batch";
import type { HyperKzgVerifierKey } from "../pcs/hyperkzg";
import type { Srs } from "../pcs/srs";
import type { Transcript } from "../transcript";
import { LayerProofError } from "./claims";
import { liftWeightClaim, type ModelPolyLayout, type WeightClaim } from "./model-poly";

/** The model-polynomial opening claims (polynomial 0) for a list of weight claims. */
export function liftedClaims(layout: ModelPolyLayout, claims: readonly WeightClaim[]): OpeningClaim[] {
  return claims.map((c) => ({ poly: 0, ...liftWeightClaim(layout, c) }));
}

/** Proves every weight claim with one batch opening of the model polynomial. */
export function proveWeightClaims(params: {
  readonly srs: Srs;
  readonly layout: ModelPolyLayout;
  readonly table: readonly bigint[];
  readonly commitment: G1Point;
  readonly claims: readonly WeightClaim[];
  readonly transcript: Transcript;
}): BatchOpeningProof {
  const { srs, layout, table, commitment, claims, transcript } = params;
  return proveBatchOpening({ srs, tables: [table], commitments: [commitment], claims: liftedClaims(layout, claims), transcript });
}

/** Checks the batch opening of weight claims. @throws {LayerProofError} naming the failure */
export function verifyWeightClaims(params: {
  readonly vk: HyperKzgVerifierKey;
  readonly layout: ModelPolyLayout;
  readonly commitment: G1Point;
  readonly claims: readonly WeightClaim[];
  readonly proof: BatchOpeningProof;
  readonly transcript: Transcript;
}): void {
  const { vk, layout, commitment, claims, proof, transcript } = params;
  try {
    assertValidBatchOpening({ vk, commitments: [commitment], claims: liftedClaims(layout, claims), proof, transcript });
  } catch (e) {
    if (e instanceof BatchOpeningError) throw new LayerProofError(`weight opening: ${e.message}`);
    throw e;
  }
}
