/**
 * Byte encoding of a HyperKZG proof, in message order and word for word as the transcript absorbs it:
 *
 *     C_1 ‖ ... ‖ C_{l-1} ‖ a_0 ‖ b_0 ‖ ... ‖ a_{l-1} ‖ b_{l-1} ‖ e ‖ W ‖ W'
 *
 * G1 points as 64 bytes (x, y big-endian; infinity = 64 zero bytes), scalars as 32-byte big-endian canonical
 * words: 128·l + 96 bytes. A Solidity verifier hashes the fold block and the evaluation block straight from
 * calldata. l is not encoded (the verifier knows the number of variables; a 0-variable opening has l = 1).
 */
import { decodeG1, encodeG1, G1_BYTES, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { HyperKzgError, type HyperKzgProof } from "./hyperkzg";

const WORD = 32;

/** Encoded size of an opening proof for `numVars` variables (0 counts as 1). */
export function hyperKzgProofBytes(numVars: number): number {
  const l = Math.max(numVars, 1);
  return (l + 1) * G1_BYTES + (2 * l + 1) * WORD;
}

/** Encodes a proof. */
export function encodeHyperKzgProof(proof: HyperKzgProof): Uint8Array {
  const l = proof.folds.length + 1;
  if (proof.evals.length !== 2 * l + 1) {
    throw new HyperKzgError(`encodeHyperKzgProof: ${proof.evals.length} evaluations for ${l} variables`);
  }
  const out = new Uint8Array(hyperKzgProofBytes(l));
  let at = 0;
  const put = (bytes: Uint8Array) => {
    out.set(bytes, at);
    at += bytes.length;
  };
  for (const c of proof.folds) put(encodeG1(c));
  for (const e of proof.evals) put(Fr.toBytes(e));
  put(encodeG1(proof.w));
  put(encodeG1(proof.wPrime));
  return out;
}

/**
 * Decodes a proof for `numVars` variables from `bytes` at `offset`. Refuses a short input, an off-curve or
 * unreduced point, or a non-canonical scalar, naming the field and its byte offset.
 */
export function decodeHyperKzgProof(bytes: Uint8Array, numVars: number, offset = 0): HyperKzgProof {
  const l = Math.max(numVars, 1);
  const need = hyperKzgProofBytes(l);
  if (bytes.length - offset < need) {
    throw new HyperKzgError(`HyperKZG proof: need ${need} bytes at offset ${offset}, have ${bytes.length - offset}`);
  }
  let at = offset;
  const point = (what: string): G1Point => {
    try {
      return decodeG1(bytes, at);
    } catch {
      throw new HyperKzgError(`HyperKZG proof: ${what} (byte ${at}) is not a valid G1 point`);
    } finally {
      at += G1_BYTES;
    }
  };
  const scalar = (what: string): bigint => {
    try {
      return Fr.fromBytes(bytes, at);
    } catch {
      throw new HyperKzgError(`HyperKZG proof: ${what} (byte ${at}) is not a canonical field element`);
    } finally {
      at += WORD;
    }
  };
  const folds = Array.from({ length: l - 1 }, (_, j) => point(`fold commitment C_${j + 1}`));
  const evals = Array.from({ length: 2 * l + 1 }, (_, i) => scalar(`evaluation ${i}`));
  const w = point("W");
  const wPrime = point("W'");
  return { folds, evals, w, wPrime };
}
