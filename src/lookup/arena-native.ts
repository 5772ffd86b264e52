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
   * [F, component 1, …, component a−1] packed. With `accumulate` the inverses are added to the words at `offset`
   * (a grouped helper's further members). RangeError "shifted entry x is zero" when some F[x] = 0.
   */
  arenaHelperColumn(
    components: readonly (readonly bigint[])[],
    betas: readonly bigint[],
    alpha: bigint,
    scales: readonly bigint[] | null,
    helpers: Uint8Array,
    offset: number,
    threads: number,
    accumulate?: boolean,
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
  /**
   * One zero-check round of grouped helper constraints (docs/lookup.md, "Grouped helper columns"): `points` words,
   * Σ_i w[i]·Σ_G coeffs[G]·(h_G(X)·Π_j F_{G,j}(X) − Σ_j Π_{l≠j} F_{G,l}(X)) for X = 0 … points − 1, group G having
   * sizes[G] >= 2 columns of `fs` (one group after the other) and helper hs[G]; points >= max size + 2. Absent
   * from an addon built before grouped helpers (a grouped arena then takes the bigint prover).
   */
  arenaGroupSums?(
    hs: readonly Uint8Array[],
    fs: readonly Uint8Array[],
    sizes: readonly number[],
    coeffs: readonly bigint[],
    weights: Uint8Array,
    len: number,
    points: number,
    threads: number,
  ): Uint8Array;
  /**
   * Word offset + x of `out` = table[rows[x]] (added to it with `accumulate`); `out` null: a new vector of
   * rows.length words (offset 0, no accumulation). A witness column whose entries are rows y(x) of its table has
   * F(x) = G[y(x)] and h(x) = 1/G[y(x)]: gathers, not per-entry arithmetic. RangeError for a row past the table.
   * Absent from an addon built before it (the helpers then take `arenaHelperColumn` per column).
   */
  arenaGather?(table: Uint8Array, rows: Uint32Array, out: Uint8Array | null, offset: number, accumulate: boolean, threads: number): Uint8Array;
  /** 1/a[x] for every word (a new vector); RangeError "shifted entry x is zero". Present with `arenaGather`. */
  arenaInverse?(a: Uint8Array, threads: number): Uint8Array;
}

/** The addon with the arena's kernels. */
export type NativeArenaKernels = NativeKernels & ArenaKernels;

/**
 * The native kernels with the arena's entry points when the native backend is selected and the addon has them
 * (an addon built before they existed has not: the caller falls back to the bigint prover), else undefined.
 * `arenaGroupSums` is optional: only a grouped arena needs it (`groupedKernels`).
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

/** The kernels if they can prove this arena: a grouped one (groupSize > 1) also needs `arenaGroupSums`. */
export function groupedKernels(kernels: NativeArenaKernels | undefined, groupSize: number): NativeArenaKernels | undefined {
  return kernels && (groupSize === 1 || typeof kernels.arenaGroupSums === "function") ? kernels : undefined;
}
