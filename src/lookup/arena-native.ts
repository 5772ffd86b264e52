/**
 * The native kernels of the arena's packed prover (native/src/arena.{h,cc}, bound in native/src/arena_addon.cc).
 * Vectors are packed Fr words: n canonical 32-byte little-endian words in one Uint8Array (src/pcs/packed-table.ts).
 */
import { loadNative, selectedBackend, type NativeKernels } from "../msm";

/** The arena's entry points of the addon. */
export interface ArenaKernels {
  /**
   * F = alpha − Σ_c betas[c]·components[c] (one packed vector; betas has one entry per component), and
   * scales[x]/F[x] — 1/F[x] when scales is null — written into `helpers` at word `offset`. Returns
   * [F, component 1, …, component a−1] packed. RangeError "shifted entry x is zero" when some F[x] = 0.
   */
  arenaHelperColumn(
    components: readonly (readonly bigint[])[],
    betas: readonly bigint[],
    alpha: bigint,
    scales: readonly bigint[] | null,
    helpers: Uint8Array,
    offset: number,
    threads: number,
  ): Uint8Array[];
  /** tables[k] ·= coeffs[k], in place. */
  arenaScale(tables: readonly Uint8Array[], coeffs: readonly bigint[], threads: number): void;
  /**
   * One zero-check round over tables read at their first `len` words (len even), t(X) = t[2i] + X·(t[2i+1] − t[2i])
   * on pair i: five words, Σ_i w[i]·(Σ_k a_k(X)·b_k(X) + Σ_s d_s·m_s(X)) at X = 0, 1, 2, then Σ_i Σ_l u_l(X) at
   * X = 0, 1. Tables are the arena's own outputs (canonical by construction: lengths are checked, words not).
   */
  arenaRoundSums(
    as: readonly Uint8Array[],
    bs: readonly Uint8Array[],
    singles: readonly Uint8Array[],
    singleCoeffs: readonly bigint[],
    halves: readonly Uint8Array[],
    weights: Uint8Array,
    len: number,
    threads: number,
  ): Uint8Array;
  /**
   * Binds the first variable to r: tables whose first len/2 words are t[2i] + r·(t[2i+1] − t[2i]) — the same
   * Uint8Arrays when `inPlace` (the tables split over the threads), else new ones of len/2 words (the entries split).
   */
  arenaBind(tables: readonly Uint8Array[], len: number, r: bigint, threads: number, inPlace: boolean): Uint8Array[];
}

/** The addon with the arena's kernels. */
export type NativeArenaKernels = NativeKernels & ArenaKernels;

/**
 * The native kernels with the arena's entry points when the native backend is selected and the addon has them
 * (an addon built before they existed has not: the caller falls back to the bigint prover), else undefined.
 */
export function loadArenaKernels(): NativeArenaKernels | undefined {
  if (selectedBackend() !== "native") return undefined;
  const native = loadNative() as Partial<NativeArenaKernels> | undefined;
  if (!native) return undefined;
  const ok = ["arenaHelperColumn", "arenaScale", "arenaRoundSums", "arenaBind"].every(
    (k) => typeof (native as Record<string, unknown>)[k] === "function",
  );
  return ok ? (native as NativeArenaKernels) : undefined;
}
