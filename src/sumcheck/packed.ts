/**
 * The sum-check of a sum of two-table products, Σ_x Σ_k a_k(x)·b_k(x), over packed Fr vectors (n canonical
 * 32-byte little-endian words in one Uint8Array) worked on by the native kernels: each round is one pass of
 * `frPairProducts` (the sums of products at 0, at 1 and of the differences) and one `frFold` per table.
 *
 * It is `proveSumcheck` with `terms = [{ coeff: 1, factors: [2k, 2k+1] }]` and degree 2 — the same claim check,
 * the same transcript operations, the same round messages (c_0, c_2) with c_1 from the running claim — so the
 * proof is identical (test/sumcheck/packed.test.ts compares them). The batch opening of a whole-model proof
 * (src/prover/graph/opening.ts) runs it over tables of up to 2^25 entries, where bigint arithmetic would cost
 * minutes. With the in-place kernels (src/pcs/opening-kernels.ts) every round after the first is one pass of
 * `openingPairFoldSums`: the pairs bound to the last challenge and the next round's sums taken over the bound
 * words, on both cores — half the memory traffic of a fold pass then a sums pass, and no vector copied.
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import type { NativeKernels } from "../msm";
import { openingKernels, releaseVectors } from "../pcs/opening-kernels";
import { readWordLE } from "../msm/layout";
import { compressRoundPoly } from "../poly/univariate";
import type { Transcript } from "../transcript";
import { SUMCHECK_LABELS, type SumcheckProof } from "./types";

/** Inputs of {@link provePairProductSumcheck}. */
export interface PairProductSumcheckParameters {
  readonly native: NativeKernels;
  /** Pairs (a_k, b_k), every vector 2^numVars packed words (or shorter with `zeroExtended`). Not modified. */
  readonly pairs: readonly (readonly [Uint8Array, Uint8Array])[];
  readonly numVars: number;
  /**
   * Accept pairs of 2^m words, m ≤ numVars (both vectors of a pair alike), read as zero-extended to 2^numVars:
   * a short pair costs its own length, not the sum-check's (the batch opening's W and M are far smaller than A
   * and H).
   */
  readonly zeroExtended?: boolean;
  /** If given, must equal the true sum (checked, as `proveSumcheck` does). */
  readonly claim?: bigint;
  readonly transcript: Transcript;
  /** Threads of the native kernels. */
  readonly threads: number;
  /**
   * The b vectors are the caller's scratch (the batch opening's E_p): they are bound in place, so no half-size
   * copy is made, and hold garbage afterwards. The a vectors are never written.
   */
  readonly bindInPlace?: boolean;
}

/**
 * Proves Σ_x Σ_k a_k(x)·b_k(x) = claim (degree 2); returns the proof, the claim and the challenge point.
 *
 * With `zeroExtended`, a pair of 2^m < 2^numVars words is the zero-extended table, so after its m variables are bound it is one
 * value pair (a', b') standing for a'·(1 − x_j), b'·(1 − x_j) in each later round j: it adds a'·b' to the sums
 * at 0 and of the differences, nothing at 1, and binds to a'·(1 − r). The round messages are those of the
 * zero-extended tables (test/llm/memory.test.ts).
 */
export function provePairProductSumcheck(params: PairProductSumcheckParameters): { proof: SumcheckProof; claim: bigint; point: bigint[] } {
  const { native, numVars, transcript, threads } = params;
  if (params.pairs.length === 0) throw new RangeError("provePairProductSumcheck: no terms");
  const size = 2 ** numVars;
  for (const [k, [a, b]] of params.pairs.entries()) {
    const words = a.length / 32;
    if (!params.zeroExtended && (a.length !== size * 32 || b.length !== size * 32)) {
      throw new RangeError(`provePairProductSumcheck: pair ${k} is not 2^${numVars} words`);
    }
    if (a.length !== b.length || words > size || words < 1 || !Number.isInteger(Math.log2(words))) {
      throw new RangeError(`provePairProductSumcheck: pair ${k} is not two vectors of the same power-of-two length ≤ 2^${numVars} words`);
    }
  }
  let as = params.pairs.map((p) => p[0]);
  let bs = params.pairs.map((p) => p[1]);
  const fused = openingKernels(native);
  /** Bound-out pairs (one word) add a'·b' at 0 and to the differences. */
  const boundOutSums = (s: bigint[]): void => {
    as.forEach((a, k) => {
      if (a.length !== 32) return;
      const ab = Fr.mul(readWordLE(a, 0), readWordLE(bs[k], 0));
      s[0] += ab;
      s[2] += ab;
    });
  };
  const sums = (): [bigint, bigint, bigint] => {
    const s = [0n, 0n, 0n];
    // Pairs of one length go to the kernel together.
    for (const [length, ks] of byLength(as)) {
      if (length === 32) continue;
      const out = native.frPairProducts(ks.map((k) => as[k]), ks.map((k) => bs[k]), threads);
      for (let i = 0; i < 3; i++) s[i] += readWordLE(out, 32 * i);
    }
    boundOutSums(s);
    return [s[0] % MODULUS, s[1] % MODULUS, s[2] % MODULUS];
  };
  const bindWord = (v: Uint8Array, r: bigint): Uint8Array => native.frFromBigints([Fr.mul(readWordLE(v, 0), Fr.sub(1n, r))], 1);
  const fold = (v: Uint8Array, r: bigint): Uint8Array => (v.length === 32 ? bindWord(v, r) : native.frFold(v, r, threads));
  // The fused kernel binds and takes the next round's sums in one pass: a_k into a vector of its own at the first
  // binding (the caller's tables survive), then in place; b_k in place from the start when the caller hands them over.
  const ownA = as.map(() => false);
  const ownB = bs.map(() => params.bindInPlace === true);
  const bindAndSum = (r: bigint): [bigint, bigint, bigint] => {
    const s = [0n, 0n, 0n];
    for (const [length, ks] of byLength(as)) {
      if (length === 32) {
        for (const k of ks) [as[k], bs[k]] = [bindWord(as[k], r), bindWord(bs[k], r)];
        continue;
      }
      const half = length / 2;
      const dstA = ks.map((k) => (ownA[k] ? as[k] : new Uint8Array(half)));
      const dstB = ks.map((k) => (ownB[k] ? bs[k] : new Uint8Array(half)));
      const out = fused!.openingPairFoldSums(ks.map((k) => as[k]), ks.map((k) => bs[k]), dstA, dstB, length / 32, r, threads);
      for (let i = 0; i < 3; i++) s[i] += readWordLE(out, 32 * i);
      ks.forEach((k, i) => {
        as[k] = dstA[i].subarray(0, half);
        bs[k] = dstB[i].subarray(0, half);
        ownA[k] = ownB[k] = true;
      });
    }
    boundOutSums(s);
    return [s[0] % MODULUS, s[1] % MODULUS, s[2] % MODULUS];
  };
  let next: [bigint, bigint, bigint] | undefined;
  let claim: bigint;
  if (numVars === 0) {
    // One point: the sum is Σ a_k[0]·b_k[0].
    claim = as.reduce((acc, a, k) => Fr.add(acc, Fr.mul(readWordLE(a, 0), readWordLE(bs[k], 0))), 0n);
  } else {
    next = sums();
    claim = Fr.add(next[0], next[1]);
  }
  if (params.claim !== undefined && params.claim !== claim) {
    throw new RangeError("proveSumcheck: the given claim is not the sum over the hypercube");
  }
  transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(numVars), 2n]);
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  let running = claim;
  for (let j = 0; j < numVars; j++) {
    const [c0, , c2] = next!;
    // h(0) + h(1) = 2 c_0 + c_1 + c_2 = running claim
    const c1 = Fr.reduce(running - 2n * c0 - c2);
    const coeffs = [c0, c1, c2];
    const compressed = compressRoundPoly(coeffs);
    rounds.push(compressed);
    transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    point.push(r);
    running = (((c2 * r + c1) % MODULUS) * r + c0) % MODULUS;
    // After the last round nothing is bound: the proof needs no final evaluations.
    if (j + 1 === numVars) break;
    if (fused) {
      next = bindAndSum(r);
    } else {
      as = as.map((a) => fold(a, r));
      bs = bs.map((b) => fold(b, r));
      next = sums();
    }
  }
  // The vectors the sum-check bound into (and, handed over, the b's) are dead: freed now rather than at the next
  // garbage collection, before the caller's next 2^n-word vector (the batch opening's G).
  if (fused) releaseVectors(fused, [...as.filter((_, k) => ownA[k]), ...bs.filter((_, k) => ownB[k])]);
  return { proof: { rounds }, claim, point };
}

/** Indices of the vectors by byte length. */
function byLength(vs: readonly Uint8Array[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  vs.forEach((v, k) => {
    const ks = out.get(v.length);
    if (ks) ks.push(k);
    else out.set(v.length, [k]);
  });
  return out;
}
