/**
 * The native kernels of the batch opening's prover that write in place or into a buffer the caller allocated
 * (`native/src/opening.{h,cc}`, `native/src/opening_napi.cc`), so a 2^n-word vector is never copied on its
 * way out of C++ nor held twice: E_p built into its buffer, the pair sum-check's fold fused with the next
 * round's sums (E_p bound in place), G formed into its buffer, HyperKZG's folds into theirs, B formed over
 * f_0 and both quotients computed in B's words.
 *
 * Vectors are packed Fr words (canonical 32-byte little-endian, `native/src/frvec.h`), 8-byte aligned (any fresh
 * Uint8Array, or a subarray at a multiple of 8 bytes), checked canonical by every call. Results are the same
 * field elements as the copying kernels of `NativeKernels` (test/pcs/opening-kernels.test.ts), hence the same
 * proof bytes.
 */
import type { NativeKernels } from "../msm";

/** The in-place kernels, as the addon exports them. */
export interface OpeningKernels {
  /**
   * out (2^k words) += Σ_e scales[e]·eq(·, points[e]) at offsets[e] (each a multiple of 2^points[e].length,
   * offset + 2^length within out), split over `threads` by output block.
   */
  openingEqSumInto(out: Uint8Array, offsets: readonly number[], points: readonly (readonly bigint[])[], scales: readonly bigint[], threads: number): void;
  /**
   * Binds every pair to r — srcA[k], srcB[k] (len words) into dstA[k], dstB[k] (len/2 words; in place when dst
   * is src) — and returns the next round's three sums over the bound pairs (Σ a′[2i]·b′[2i], Σ a′[2i+1]·b′[2i+1],
   * Σ (a′[2i+1] − a′[2i])·(b′[2i+1] − b′[2i]); zeros when len/2 < 2). len: a power of two ≥ 2.
   */
  openingPairFoldSums(srcA: readonly Uint8Array[], srcB: readonly Uint8Array[], dstA: readonly Uint8Array[], dstB: readonly Uint8Array[], len: number, r: bigint, threads: number): Uint8Array;
  /** B's words become b_0, b_1, b_2, q_0 … q_{n−4}: Q = ⌊B / ((X^2 − s)(X − s))⌋ from word 3. */
  openingQuotientZ(b: Uint8Array, s: bigint): void;
  /** After {@link openingQuotientZ}: words 1 … n−1 become Q′ = ⌊(B − zAtZ·Q) / (X − z)⌋. */
  openingQuotientL(buf: Uint8Array, s: bigint, zAtZ: bigint, z: bigint): void;
  /** dst[i] = src[2i] + u·(src[2i+1] − src[2i]) for i < src/2 (dst apart from src). */
  frFoldInto(src: Uint8Array, dst: Uint8Array, u: bigint, threads: number): void;
  /** dst[i] = Σ_j c_j·v_j[i] over dst's words (shorter vectors zero-extended); dst may be one of the vectors. */
  frLinearCombinationInto(dst: Uint8Array, vectors: readonly Uint8Array[], coeffs: readonly bigint[], threads: number): void;
  /**
   * Detaches each vector's ArrayBuffer: its memory is freed now, not at the next garbage collection (a dead
   * 2^25-word vector is 1 GB until then). Every view of that buffer becomes empty: only for vectors nothing
   * else reads. Returns how many were released (a buffer that cannot be detached is left alone). Absent from
   * an addon built before it.
   */
  openingRelease?(vectors: readonly Uint8Array[]): number;
}

/**
 * Buffers below this size are left to the garbage collector: they do not matter for the peak, and Node's pooled
 * Buffers (8 KiB slabs shared by many small Buffers) must never be detached.
 */
export const RELEASE_MIN_BYTES = 1 << 20;

/**
 * Frees the vectors' memory now when the addon can (see {@link OpeningKernels.openingRelease}) and their buffers
 * are at least {@link RELEASE_MIN_BYTES}; else leaves it to the garbage collector.
 */
export function releaseVectors(kernels: OpeningKernels | undefined, vectors: readonly Uint8Array[]): void {
  if (typeof kernels?.openingRelease !== "function") return;
  const large = vectors.filter((v) => v.buffer.byteLength >= RELEASE_MIN_BYTES);
  if (large.length > 0) kernels.openingRelease(large);
}

/** The in-place kernels when the loaded addon has them (an addon built before them has not: callers fall back). */
export function openingKernels(native: NativeKernels | undefined): OpeningKernels | undefined {
  const k = native as (NativeKernels & Partial<OpeningKernels>) | undefined;
  return k && typeof k.openingPairFoldSums === "function" && typeof k.openingQuotientL === "function" ? (k as OpeningKernels) : undefined;
}
