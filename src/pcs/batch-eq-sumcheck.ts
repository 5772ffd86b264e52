/**
 * The batch opening's sum-check (docs/hyperkzg.md "Batch opening", step 4) with its eq tables never built:
 * Σ_x Σ_p f_p(x)·E_p(x), E_p = Σ_{e on p} scale_e·eq(x, P_e), proved by ONE native call
 * (`openingEqPairSumcheck`, native/src/opening.cc `eqPairSumcheck`) that calls back here once a round for the
 * challenge.
 *
 * Why: E_p is a sparse sum of eq tables — a claim point ends in 0/1 coordinates, so its eq table is a block of
 * 2^len words at an aligned offset — and so is E_p bound to r_0 … r_{j−1}: each entry's scale times
 * Π_{t<j} eq(r_t, c_t), over the coordinates from j on. The kernel rebuilds each round's bound E_p a block at
 * a time in a per-thread scratch of 2^12 words, folds f_p and takes the round's three sums in the same pass.
 * Materialising E_p (30 M words, 1 GB, at 128 positions of stories260K) cost more than the arithmetic: the
 * page faults of fresh buffers and, above all, the full garbage collections V8 runs under that much external
 * memory (docs/hyperkzg.md "Session 9 (EQ)"). The folded f_p live in the kernel's own memory, off the
 * JavaScript heap, and are freed when it returns.
 *
 * The polynomial is the same, so the round messages and the transcript are exactly those of
 * `provePairProductSumcheck` over (f_p, E_p) (test/pcs/batch-eq-sumcheck.test.ts compares them): claim
 * absorbed after the first round's sums are known, c_1 from the running claim, degree 2.
 */
import * as Fr from "../field/fr";
import { readWordLE } from "../msm/layout";
import { compressRoundPoly } from "../poly/univariate";
import { SUMCHECK_LABELS, type SumcheckProof } from "../sumcheck/types";
import type { Transcript } from "../transcript";

/** The kernel, as the addon exports it (absent from an addon built before it: callers fall back). */
export interface EqPairSumcheckKernel {
  /**
   * Runs the n rounds: tables[p] is 2^vars[p] canonical words (vars[p] ≤ numVars; only read), entry e adds
   * scales[e]·eq(x, points[e] ‖ bits of offsets[e] ‖ 0…) to E_{entryPolys[e]} (offset a multiple of
   * 2^points[e].length inside the table). `onRound(sums, j)` gets round j's Σ f·E at even and at odd indices and
   * Σ Δf·ΔE (three canonical 32-byte words) and returns r_j.
   */
  openingEqPairSumcheck(
    tables: readonly Uint8Array[],
    vars: readonly number[],
    entryPolys: readonly number[],
    offsets: readonly number[],
    points: readonly (readonly bigint[])[],
    scales: readonly bigint[],
    numVars: number,
    threads: number,
    onRound: (sums: Uint8Array, round: number) => bigint
  ): void;
}

/** The kernel when the loaded addon has it. */
export function eqPairSumcheckKernel(
  native: object | undefined
): EqPairSumcheckKernel | undefined {
  const k = native as Partial<EqPairSumcheckKernel> | undefined;
  return k && typeof k.openingEqPairSumcheck === "function"
    ? (k as EqPairSumcheckKernel)
    : undefined;
}

/** One term of E_p: scale·eq(x, head ‖ bits of offset ‖ 0…), nonzero on the 2^|head| words from `offset`. */
export interface EqEntry {
  readonly offset: number;
  readonly head: readonly bigint[];
  readonly scale: bigint;
}

/** A polynomial of the sum-check: its packed table (2^vars words) and the entries of its E_p. */
export interface EqPairPoly {
  readonly table: Uint8Array;
  readonly vars: number;
  readonly entries: readonly EqEntry[];
}

/**
 * Proves Σ_x Σ_p f_p(x)·E_p(x) = claim over numVars variables (each polynomial zero-extended to them);
 * returns the proof and the challenge point. Throws a RangeError when `claim` is not the sum.
 */
export function proveEqPairSumcheck(params: {
  readonly kernel: EqPairSumcheckKernel;
  readonly polys: readonly EqPairPoly[];
  readonly numVars: number;
  readonly claim: bigint;
  readonly transcript: Transcript;
  readonly threads: number;
}): { proof: SumcheckProof; point: bigint[] } {
  const { kernel, polys, numVars, claim, transcript, threads } = params;
  if (numVars < 1)
    throw new RangeError(
      "proveEqPairSumcheck: at least one variable is needed"
    );
  const entryPolys: number[] = [];
  const offsets: number[] = [];
  const points: (readonly bigint[])[] = [];
  const scales: bigint[] = [];
  polys.forEach((p, k) => {
    for (const e of p.entries) {
      entryPolys.push(k);
      offsets.push(e.offset);
      points.push(e.head);
      scales.push(e.scale);
    }
  });
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  let running = claim;
  const onRound = (sums: Uint8Array, j: number): bigint => {
    const c0 = readWordLE(sums, 0);
    const atOne = readWordLE(sums, 32);
    const c2 = readWordLE(sums, 64);
    if (j === 0) {
      // The claim, checked and absorbed once the hypercube sum is known (as `proveSumcheck` does).
      if (Fr.add(c0, atOne) !== claim)
        throw new RangeError(
          "proveSumcheck: the given claim is not the sum over the hypercube"
        );
      transcript.absorbScalars(SUMCHECK_LABELS.claim, [
        claim,
        BigInt(numVars),
        2n,
      ]);
    }
    // h(0) + h(1) = 2 c_0 + c_1 + c_2 = running claim
    const c1 = Fr.reduce(running - 2n * c0 - c2);
    const compressed = compressRoundPoly([c0, c1, c2]);
    rounds.push(compressed);
    transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    point.push(r);
    running = Fr.add(Fr.mul(Fr.add(Fr.mul(c2, r), c1), r), c0);
    return r;
  };
  kernel.openingEqPairSumcheck(
    polys.map((p) => p.table),
    polys.map((p) => p.vars),
    entryPolys,
    offsets,
    points,
    scales,
    numVars,
    threads,
    onRound
  );
  if (rounds.length !== numVars)
    throw new RangeError(
      `proveEqPairSumcheck: the kernel ran ${rounds.length} of ${numVars} rounds`
    );
  return { proof: { rounds }, point };
}
