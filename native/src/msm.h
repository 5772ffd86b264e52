// Multi-scalar multiplication and batch fixed-base multiplication over BN254 G1.
#pragma once
#include <cstddef>
#include "g1.h"

namespace dp {

/**
 * sum_i s_i · P_i by Pippenger's bucket method with signed window digits.
 *
 * `scalars` holds n canonical Fr integers (4 little-endian limbs each, < r; not Montgomery form); `bases`
 * holds n affine points (infinity allowed). Work is split over `threads` OS threads (1 = inline).
 * `windowBits` > 0 forces the window width (tests use it to reach every kernel at small sizes).
 */
Xyzz msm(const Affine* bases, const u64* scalars, size_t n, int threads, int windowBits = 0);

/**
 * The window width Pippenger uses for n points whose largest (signed-reduced) scalar has `bits` bits, on
 * `threads` threads (which decide whether windows are also split by points).
 */
int msmWindowBits(size_t n, int bits, int threads = 1);

/**
 * out[i] = s_i · g for n canonical Fr scalars, as affine points (fixed-base comb with a table of
 * k·2^(w·j)·g, then one batch inversion per thread).
 */
void fixedBaseMul(const Affine& g, const u64* scalars, size_t n, Affine* out, int threads);

}  // namespace dp
