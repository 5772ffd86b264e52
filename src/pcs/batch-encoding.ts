/**
 * Byte encoding of a batch opening proof: the sum-check rounds (if the claims need one; see
 * {@link batchOpeningShape}) followed by the HyperKZG proof, each in its own encoding
 * (`src/sumcheck/encoding.ts`, `./hyperkzg-encoding.ts`). Size: 64·n (sum-check, degree 2) + 128·n + 96.
 */
import { decodeSumcheckProof, encodeSumcheckProof, sumcheckProofBytes, SumcheckError } from "../sumcheck";
import { batchOpeningShape, BatchOpeningError, type BatchOpeningProof, type OpeningClaim } from "./batch";
import { decodeHyperKzgProof, encodeHyperKzgProof, hyperKzgProofBytes } from "./hyperkzg-encoding";
import { HyperKzgError } from "./hyperkzg";

/** The batch sum-check's degree (eq · F). */
const BATCH_DEGREE = 2;

/** Encodes a batch opening proof. */
export function encodeBatchOpeningProof(proof: BatchOpeningProof): Uint8Array {
  const sc = proof.sumcheck ? encodeSumcheckProof(proof.sumcheck) : new Uint8Array(0);
  const op = encodeHyperKzgProof(proof.opening);
  const out = new Uint8Array(sc.length + op.length);
  out.set(sc, 0);
  out.set(op, sc.length);
  return out;
}

/** Encoded size of the batch opening proof for these claims. */
export function batchOpeningProofBytes(claims: readonly OpeningClaim[], numPolys: number): number {
  const { numVars, hasSumcheck } = batchOpeningShape(claims, numPolys);
  return (hasSumcheck ? sumcheckProofBytes(numVars, BATCH_DEGREE) : 0) + hyperKzgProofBytes(numVars);
}

/**
 * Decodes the proof for `claims` over `numPolys` committed polynomials; the shape follows from the claims.
 * Refuses input of the wrong length or with a malformed field (naming it and its byte offset).
 */
export function decodeBatchOpeningProof(
  bytes: Uint8Array,
  claims: readonly OpeningClaim[],
  numPolys: number,
): BatchOpeningProof {
  const { numVars, hasSumcheck } = batchOpeningShape(claims, numPolys);
  const expected = batchOpeningProofBytes(claims, numPolys);
  if (bytes.length !== expected) {
    throw new BatchOpeningError(`batch opening proof: ${bytes.length} bytes, expected ${expected}`);
  }
  try {
    const sumcheck = hasSumcheck ? decodeSumcheckProof(bytes, numVars, BATCH_DEGREE) : null;
    const offset = hasSumcheck ? sumcheckProofBytes(numVars, BATCH_DEGREE) : 0;
    return { sumcheck, opening: decodeHyperKzgProof(bytes, numVars, offset) };
  } catch (e) {
    if (e instanceof SumcheckError || e instanceof HyperKzgError) {
      throw new BatchOpeningError(`batch opening proof: ${e.message}`);
    }
    throw e;
  }
}
