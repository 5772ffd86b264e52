/**
 * Byte encoding of a sum-check proof: the round polynomials' compressed coefficients as 32-byte big-endian
 * words, round 0 first, (c_0, c_2, ..., c_d) within a round — exactly the words the transcript absorbs, so a
 * Solidity verifier can hash each round straight from calldata. n·d·32 bytes; the shape (n, d) is not encoded
 * (the verifier knows it from the protocol).
 */
import * as Fr from "../field/fr";
import { SumcheckError, type SumcheckProof } from "./types";

const WORD = 32;

/** Encodes a proof (every round must have the same length). */
export function encodeSumcheckProof(proof: SumcheckProof): Uint8Array {
  const degree = proof.rounds.length === 0 ? 0 : proof.rounds[0].length;
  const out = new Uint8Array(proof.rounds.length * degree * WORD);
  proof.rounds.forEach((round, j) => {
    if (round.length !== degree) {
      throw new SumcheckError(`encodeSumcheckProof: round ${j} has ${round.length} coefficients, round 0 ${degree}`);
    }
    round.forEach((c, k) => out.set(Fr.toBytes(c), (j * degree + k) * WORD));
  });
  return out;
}

/**
 * Decodes a proof of `numVars` rounds of `degree` coefficients from `bytes` at `offset`; refuses a wrong
 * length or a non-canonical word, naming its round, coefficient and byte offset.
 */
export function decodeSumcheckProof(bytes: Uint8Array, numVars: number, degree: number, offset = 0): SumcheckProof {
  const need = numVars * degree * WORD;
  if (bytes.length - offset < need) {
    throw new SumcheckError(`sum-check proof: need ${need} bytes at offset ${offset}, have ${bytes.length - offset}`);
  }
  const rounds: bigint[][] = [];
  for (let j = 0; j < numVars; j++) {
    const round: bigint[] = [];
    for (let k = 0; k < degree; k++) {
      const at = offset + (j * degree + k) * WORD;
      try {
        round.push(Fr.fromBytes(bytes, at));
      } catch {
        throw new SumcheckError(`sum-check proof: round ${j} coefficient ${k} (byte ${at}) is not canonical (>= r)`);
      }
    }
    rounds.push(round);
  }
  return { rounds };
}

/** Encoded size in bytes of a proof with `numVars` rounds of degree `degree`. */
export function sumcheckProofBytes(numVars: number, degree: number): number {
  return numVars * degree * WORD;
}
