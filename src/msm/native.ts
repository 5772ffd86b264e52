/**
 * Loader for the optional native kernels built from `native/` at install time (N-API, C++).
 *
 * Loading never throws: when the addon is missing or fails to load, {@link loadNative} returns `undefined`
 * and {@link nativeLoadError} says why, so callers can fall back to the portable backend.
 */
import { join } from "node:path";

/**
 * The addon's functions. Byte layouts are little-endian with 64-bit limbs: a point is 64 bytes (x ‖ y),
 * (0, 0) being infinity, either canonical or in Montgomery form (x·2^256 mod p — the `.ptau` layout); a
 * scalar is a canonical 32-byte word or a bigint. See docs/msm.md.
 */
export interface NativeKernels {
  /**
   * sum_i s_i·P_i over Montgomery affine bases; returns the canonical affine result (64 bytes).
   * `windowBits` (1..16) forces the Pippenger window width; 0 or absent chooses it by size. `glv` forces the
   * GLV endomorphism split on (1) or off (2), `buckets` affine buckets with batched inversions (1) or XYZZ
   * buckets (2); 0 or absent lets the cost model choose.
   */
  msm(
    basesMont: Uint8Array,
    scalars: readonly bigint[] | Uint8Array,
    threads: number,
    windowBits?: number,
    glv?: 0 | 1 | 2,
    buckets?: 0 | 1 | 2,
  ): Uint8Array;
  /** Canonical affine points to Montgomery form; throws RangeError on a coordinate >= p. */
  pointsToMontgomery(canonical: Uint8Array): Uint8Array;
  /** Montgomery affine points to canonical form. */
  pointsFromMontgomery(mont: Uint8Array): Uint8Array;
  /** Index of the first point with a coordinate >= p or off the curve, or -1. */
  checkPoints(mont: Uint8Array): number;
  /** s_i·G for the standard generator G = (1, 2), as Montgomery affine points. */
  fixedBaseG1(scalars: readonly bigint[] | Uint8Array, threads: number): Uint8Array;
  /** tau^0 .. tau^(n-1) in Fr as canonical 32-byte words. */
  frPowers(tau: bigint, n: number): Uint8Array;
  /**
   * How the MSM runs n points whose largest signed-reduced scalar has `bits` bits on `threads` threads
   * (default 1): with the GLV split or not, the Pippenger window width, and affine (batch-affine) or XYZZ
   * buckets (docs/msm.md, "Plan").
   */
  msmPlan(n: number, bits: number, threads?: number): { glv: boolean; windowBits: number; affine: boolean };
  /** The GLV split of each scalar: k1_0, k2_0, k1_1, k2_1, … (signed, k ≡ k1 + k2·λ mod r, |k1|, |k2| < 2^126). */
  glvSplit(scalars: readonly bigint[] | Uint8Array): bigint[];

  // Fr vectors: n canonical 32-byte little-endian words in one Uint8Array (the MSM's scalar layout), so a
  // polynomial passes from kernel to kernel and into the MSM without becoming bigints. Inputs are checked
  // canonical (RangeError naming the word); `threads` caps the threads of the element-wise kernels.

  /** The values as words, zero-extended to `size` words. */
  frFromBigints(values: readonly bigint[], size: number): Uint8Array;
  /** The words as bigints. */
  frToBigints(words: Uint8Array): bigint[];
  /** a[2i] + u·(a[2i+1] - a[2i]) for i < n/2 (binds the first variable; n even). */
  frFold(words: Uint8Array, u: bigint, threads: number): Uint8Array;
  /** sum_i a_i·x^i, one word. */
  frEval(words: Uint8Array, x: bigint, threads: number): Uint8Array;
  /** a(x) then a(-x), two words. */
  frEvalPlusMinus(words: Uint8Array, x: bigint, threads: number): Uint8Array;
  /** sum_j c_j·v_j, as long as the longest vector (shorter ones zero-extended). */
  frLinearCombination(vectors: readonly Uint8Array[], coeffs: readonly bigint[], threads: number): Uint8Array;
  /** The quotient of a(X) by (X - x), remainder discarded. */
  frDivideByLinear(words: Uint8Array, x: bigint): Uint8Array;
  /** The quotient of a(X) by (X^2 - s)(X - s), remainder discarded. */
  frDivideBySquareTimesLinear(words: Uint8Array, s: bigint): Uint8Array;
  /**
   * One degree-2 sum-check round over pairs (a_k, b_k) of equal, even length: three words, the sums over k and
   * i of a_k[2i]·b_k[2i], of a_k[2i+1]·b_k[2i+1] and of (a_k[2i+1] − a_k[2i])·(b_k[2i+1] − b_k[2i]).
   */
  frPairProducts(as: readonly Uint8Array[], bs: readonly Uint8Array[], threads: number): Uint8Array;
  /** `size` words: Σ_e scales[e]·eq(·, points[e]) placed at offsets[e] (offset + 2^points[e].length <= size). */
  frEqSum(size: number, offsets: readonly number[], points: readonly (readonly bigint[])[], scales: readonly bigint[]): Uint8Array;
  /**
   * The eq-weighted sum-check kernel: k + 1 words, Σ_i w[i]·Π_m (f_m[2i] + t·(f_m[2i+1] − f_m[2i])) for
   * t = 0..k. Factors hold at least 2·weights.length entries, canonical or signed representatives (|v| < r).
   */
  frWeightedProducts(factors: readonly (readonly bigint[])[], weights: readonly bigint[], threads: number): Uint8Array;
  /** {@link frWeightedProducts} over packed vectors (every factor 2·weights words). */
  frWeightedProductsWords(factors: readonly Uint8Array[], weights: Uint8Array, threads: number): Uint8Array;
  /** 1/v for every value (RangeError "element i is zero" on a zero), as words. */
  frBatchInvert(values: readonly bigint[] | Uint8Array, threads: number): Uint8Array;

  /**
   * The Montgomery multiplication every kernel above runs on: "adx" (mulx/adcx/adox, CPUs with BMI2 and ADX)
   * or "portable" (unsigned __int128). With a name ("auto", "portable", "adx") it switches first; RangeError
   * for an unknown name or "adx" on a CPU without the extensions. Results are identical either way.
   */
  arithmetic(name?: "auto" | "portable" | "adx"): "adx" | "portable";
  /** Whether this CPU has BMI2 and ADX, so "adx" can run. */
  adxSupported(): boolean;
  /**
   * The flush the MSM's batch-affine buckets run (docs/msm.md, "The IFMA flush"): "ifma" (eight additions per
   * AVX-512 vector, radix-2^52 Montgomery products) or "scalar" (the arithmetic copy's own products). With a
   * name ("auto", "ifma", "scalar") it switches first; RangeError for an unknown name or "ifma" on a CPU without
   * AVX-512 IFMA. Results are identical either way.
   */
  msmFlush(name?: "auto" | "ifma" | "scalar"): "ifma" | "scalar";
  /** Whether this CPU has AVX-512 F and IFMA, so the "ifma" flush can run. */
  ifmaSupported(): boolean;
  /** Batches run on the IFMA flush since the addon loaded (tests check that it really ran). */
  ifmaBatches(): number;
  /** The background MSM queue (./queue.ts; docs/msm.md, "The background queue"); absent from older builds. */
  msmQueueOpen?(): unknown;
  msmQueuePush?(queue: unknown, basesMont: Uint8Array, scalars: Uint8Array, threads: number): number;
  msmQueueWait?(queue: unknown, threads: number): Uint8Array;
  msmQueueClose?(queue: unknown): void;
}

/** Where node-gyp puts the addon, relative to this file (src/msm). */
const ADDON_PATH = join(__dirname, "..", "..", "native", "build", "Release", "deepprove_native.node");

let cached: { kernels?: NativeKernels; error?: string } | undefined;

/** The native kernels, or undefined when they were not built or do not load on this machine. */
export function loadNative(): NativeKernels | undefined {
  if (!cached) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = { kernels: require(ADDON_PATH) as NativeKernels };
    } catch (error) {
      cached = { error: `${ADDON_PATH}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
    }
  }
  return cached.kernels;
}

/** Why the native kernels are unavailable (undefined when they loaded). */
export function nativeLoadError(): string | undefined {
  loadNative();
  return cached?.error;
}
