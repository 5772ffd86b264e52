// Multi-scalar multiplication and batch fixed-base multiplication over BN254 G1.
#pragma once
#include <cstddef>
#include "g1.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

/** Whether the MSM splits scalars with the GLV endomorphism: chosen by the cost model, or forced (tests). */
enum class GlvMode { Auto = 0, On = 1, Off = 2 };

/**
 * Which buckets the MSM accumulates into: chosen by the cost model, or forced (tests). Affine buckets are
 * filled by batches of additions sharing one inversion (batch_affine.h); XYZZ ones by mixed additions.
 */
enum class BucketMode { Auto = 0, Affine = 1, Xyzz = 2 };

/** How an MSM runs: with or without the GLV split, the Pippenger window width, affine or XYZZ buckets. */
struct MsmPlan {
  bool glv;
  int windowBits;
  bool affine;
};

/**
 * sum_i s_i · P_i by Pippenger's bucket method with signed window digits.
 *
 * `scalars` holds n canonical Fr integers (4 little-endian limbs each, < r; not Montgomery form); `bases`
 * holds n affine points (infinity allowed). Work is split over `threads` OS threads (1 = inline).
 * `windowBits` > 0 forces the window width, `glv` the GLV split and `buckets` the bucket kind (tests use them
 * to reach every kernel at small sizes); the result is the same group element either way.
 */
Xyzz msm(const Affine* bases, const u64* scalars, size_t n, int threads, int windowBits = 0,
         GlvMode glv = GlvMode::Auto, BucketMode buckets = BucketMode::Auto);

/**
 * The plan for n points whose largest (signed-reduced) scalar has `bits` bits on `threads` threads (which
 * decide whether windows are also split by points): the cheapest of the plain MSM and the GLV split (2n
 * points of 126-bit scalars), each with XYZZ or affine buckets, under the cost model, each at its best
 * window width, unless forced.
 */
MsmPlan msmPlan(size_t n, int bits, int threads = 1, int windowBits = 0, GlvMode glv = GlvMode::Auto,
                BucketMode buckets = BucketMode::Auto);

/** The window width of the plain (GLV-less) MSM for n points of `bits`-bit scalars. */
int msmWindowBits(size_t n, int bits, int threads = 1);

/**
 * out[i] = s_i · g for n canonical Fr scalars, as affine points (fixed-base comb with a table of
 * k·2^(w·j)·g, then one batch inversion per thread).
 */
void fixedBaseMul(const Affine& g, const u64* scalars, size_t n, Affine* out, int threads);

}  // namespace DP_ARITH
}  // namespace dp
