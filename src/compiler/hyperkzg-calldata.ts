/**
 * HyperKZG proofs as the words the Solidity verifier (`contracts/verifier/HyperKZG.sol`) reads, plus the
 * prover-supplied inverse that spares the verifier a modexp.
 *
 * Word layout (docs/hyperkzg.md): C_1..C_{l-1} as (x, y), a_0, b_0, ..., a_{l-1}, b_{l-1}, e, W, W' — 4l + 3
 * words. The inverse hint is (beta·(1 - beta)·(1 + beta))^-1, beta replayed from the same transcript.
 */
import { encodeG1, encodeG2, readWord, type G1Point, type G2Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { HYPERKZG_LABELS, type HyperKzgProof, type HyperKzgVerifierKey } from "../pcs/hyperkzg";
import { encodeHyperKzgProof } from "../pcs/hyperkzg-encoding";
import type { Transcript } from "../transcript";

/** Bytes per EVM word. */
const WORD = 32;

/** A G1 point as its two precompile words (x, y). */
export function g1Words(point: G1Point): [bigint, bigint] {
  const bytes = encodeG1(point);
  return [readWord(bytes, 0), readWord(bytes, 32)];
}

/** A G2 point as its four precompile words (x.c1, x.c0, y.c1, y.c0). */
export function g2Words(point: G2Point): [bigint, bigint, bigint, bigint] {
  const bytes = encodeG2(point);
  return [readWord(bytes, 0), readWord(bytes, 32), readWord(bytes, 64), readWord(bytes, 96)];
}

/** Big-endian 32-byte words of `bytes` (whose length is a multiple of 32), as calldata words. */
export function bytesToWords(bytes: Uint8Array): bigint[] {
  if (bytes.length % WORD !== 0) throw new RangeError(`bytesToWords: ${bytes.length} bytes is not whole words`);
  const words: bigint[] = [];
  for (let at = 0; at < bytes.length; at += WORD) words.push(readWord(bytes, at));
  return words;
}

/** The proof's 4l + 3 words, in the verifier's order: its byte encoding (`src/pcs/hyperkzg-encoding.ts`) as words. */
export function hyperKzgProofWords(proof: HyperKzgProof): bigint[] {
  return bytesToWords(encodeHyperKzgProof(proof));
}

/** The verifying key's G2 half as the Solidity struct `HyperKZG.VerifierKey` expects it. */
export function hyperKzgVerifierKeyWords(vk: HyperKzgVerifierKey): {
  g2: [bigint, bigint, bigint, bigint];
  tauG2: [bigint, bigint, bigint, bigint];
} {
  return { g2: g2Words(vk.g2), tauG2: g2Words(vk.tauG2) };
}

/**
 * (beta(1 - beta)(1 + beta))^-1 for this opening: replays the transcript up to beta. `transcript` must be in
 * the state the opening started from; it is advanced as the verifier's would be up to beta.
 * @throws {RangeError} when beta is 0, 1 or -1 (the verifier rejects such a proof anyway).
 */
export function hyperKzgInverseHint(
  transcript: Transcript,
  commitment: G1Point,
  point: readonly bigint[],
  value: bigint,
  proof: HyperKzgProof,
): bigint {
  const u = point.length === 0 ? [0n] : point;
  transcript.absorbPoint(HYPERKZG_LABELS.claim, commitment);
  transcript.absorbScalars(HYPERKZG_LABELS.claim, [...u, value]);
  transcript.absorbPoints(HYPERKZG_LABELS.folds, proof.folds);
  const beta = transcript.challengeScalar(HYPERKZG_LABELS.beta);
  const d = Fr.mul(Fr.mul(beta, Fr.sub(1n, beta)), Fr.add(1n, beta));
  if (d === 0n) throw new RangeError("hyperKzgInverseHint: degenerate beta (0, 1 or -1)");
  return Fr.inv(d);
}
