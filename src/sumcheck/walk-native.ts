/**
 * The native kernels of the walk's sum-checks (native/src/walk.h, bound in native/src/walk_napi.cc), with the
 * arena's in-place binding they reuse. Vectors are packed Fr words: canonical 32-byte little-endian words in one
 * Uint8Array (src/pcs/packed-table.ts).
 */
import { loadArenaKernels, type NativeArenaKernels } from "../lookup/arena-native";

/** The walk's entry point of the addon (native/src/walk_napi.cc). */
export interface WalkKernels {
  /**
   * Round sums over the first `len` words of every table (len even), f(t) = f[2i] + t·(f[2i+1] − f[2i]) on pair i:
   * `points` words, Σ_i w[i]·Σ_s coeffs[s]·Π_{m ∈ terms[s]} tables[m](t) at t = 0, …, points − 1 (w[i] = 1 when
   * `weights` is null). `coeffs` holds one packed canonical word per term; tables and weights are canonical.
   */
  walkProductRoundSums(
    tables: readonly Uint8Array[],
    len: number,
    terms: readonly (readonly number[])[],
    coeffs: Uint8Array,
    weights: Uint8Array | null,
    points: number,
    threads: number,
  ): Uint8Array;
  /**
   * The Kronecker product of two packed vectors, hi's index above lo's: out[h·|lo| + l] = hi[h]·lo[l] (|hi|·|lo|
   * words). Both inputs are checked canonical (RangeError otherwise).
   */
  walkKronecker(hi: Uint8Array, lo: Uint8Array, threads: number): Uint8Array;
}

/** The addon with the arena's and the walk's kernels. */
export type NativeWalkKernels = NativeArenaKernels & WalkKernels;

/**
 * The native kernels with the walk's entry points when the native backend is selected and the addon has them (an
 * addon built before they existed has not: the caller keeps the bigint prover), else undefined.
 */
export function loadWalkKernels(): NativeWalkKernels | undefined {
  const native = loadArenaKernels() as Partial<NativeWalkKernels> | undefined;
  const complete = native && typeof native.walkProductRoundSums === "function" && typeof native.walkKronecker === "function";
  return complete ? (native as NativeWalkKernels) : undefined;
}

/**
 * The tables a term list reads, in order of first use, and each term's factors renumbered into that list: the
 * shape `walkProductRoundSums` takes (it is handed only the tables the terms read).
 */
export function renumberFactors(terms: readonly { readonly factors: readonly number[] }[]): { tables: number[]; factors: number[][] } {
  const tables: number[] = [];
  const local = new Map<number, number>();
  const factors = terms.map((t) =>
    t.factors.map((k) => {
      let m = local.get(k);
      if (m === undefined) local.set(k, (m = tables.push(k) - 1));
      return m;
    }),
  );
  return { tables, factors };
}
