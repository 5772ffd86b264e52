/**
 * Batch opening proofs as the words the Solidity verifier (`contracts/verifier/BatchOpening.sol`) reads, plus
 * the inverse hint of the final HyperKZG opening. Layout (docs/hyperkzg.md, "Batch opening on-chain"):
 *
 *     commitments  x_0, y_0, ..., x_{m-1}, y_{m-1}
 *     claims       per claim: p, n_i, z_i (n_i words), v_i   — exactly the words the transcript absorbs
 *     proof        sum-check rounds (c_0, c_2) x n when the lifted points differ, then the 4l + 3 HyperKZG words
 */
import type { G1Point } from "../curve/bn254";
import { reduceBatchOpening, type BatchOpeningProof, type OpeningClaim } from "../pcs/batch";
import { encodeBatchOpeningProof } from "../pcs/batch-encoding";
import type { Transcript } from "../transcript";
import { bytesToWords, g1Words, hyperKzgInverseHint } from "./hyperkzg-calldata";

/** The calldata of one batch opening (everything `BatchOpening.verify` takes besides the state and the key). */
export interface BatchOpeningCalldata {
  readonly commitments: bigint[];
  readonly claims: bigint[];
  readonly proof: bigint[];
  readonly inverseHint: bigint;
}

/** The commitments as (x, y) word pairs. */
export function batchCommitmentWords(commitments: readonly G1Point[]): bigint[] {
  return commitments.flatMap(g1Words);
}

/** The claims as records (p, n_i, z_i..., v_i), word for word as the transcript absorbs them. */
export function batchClaimWords(claims: readonly OpeningClaim[]): bigint[] {
  return claims.flatMap((c) => [BigInt(c.poly), BigInt(c.point.length), ...c.point, c.value]);
}

/** The proof's words: its byte encoding (`encodeBatchOpeningProof`) read as 32-byte words. */
export function batchOpeningProofWords(proof: BatchOpeningProof): bigint[] {
  return bytesToWords(encodeBatchOpeningProof(proof));
}

/**
 * All calldata of a batch opening. `transcript` must be in the state the batch opening started from; it is
 * replayed (as the verifier would) up to the final opening's beta to compute the inverse hint.
 * @throws {BatchOpeningError} when the sum-check part does not verify (no hint exists for a proof that fails
 * before the opening); {RangeError} for malformed claims or a degenerate beta.
 */
export function batchOpeningCalldata(
  transcript: Transcript,
  commitments: readonly G1Point[],
  claims: readonly OpeningClaim[],
  proof: BatchOpeningProof,
): BatchOpeningCalldata {
  const reduction = reduceBatchOpening({ commitments, claims, sumcheck: proof.sumcheck, transcript });
  return {
    commitments: batchCommitmentWords(commitments),
    claims: batchClaimWords(claims),
    proof: batchOpeningProofWords(proof),
    inverseHint: hyperKzgInverseHint(transcript, reduction.commitment, reduction.point, reduction.value, proof.opening),
  };
}
