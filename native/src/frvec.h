// Vector kernels over Fr for the polynomial work of a HyperKZG opening (folding, evaluation, linear
// combination, division by small polynomials).
//
// Every vector is n canonical integers (< r), 4 little-endian limbs each: the same packed layout the MSM
// takes its scalars in, so a polynomial can go from one kernel to the next and into the MSM without ever
// becoming JavaScript bigints. Scalars (u, x, coefficients) are canonical too.
//
// Arithmetic trick used throughout: the Montgomery product of a canonical integer a and a Montgomery-form
// element b·R is a·b·R·R^{-1} = a·b, canonical. So each kernel converts its few scalars to Montgomery form
// once and multiplies canonical coefficients by them directly, with no per-element conversion.
#pragma once
#include <cstddef>
#include "field.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

/** out[i] = a[2i] + u·(a[2i+1] - a[2i]) for i < n/2 (binding the first variable of a multilinear table). */
void frFold(const u64* a, size_t n, const u64* u, u64* out, int threads);

/** sum_i a_i·x^i (out, one element). */
void frEval(const u64* a, size_t n, const u64* x, u64* out, int threads);

/** a(x) and a(-x) (two elements: plus then minus), from the even and odd halves evaluated at x^2. */
void frEvalPlusMinus(const u64* a, size_t n, const u64* x, u64* plusMinus, int threads);

/**
 * out[i] = sum_j c_j·v_j[i] for i < n, where vector j has lens[j] <= n entries (zero beyond). A coefficient
 * equal to 1 costs no multiplication.
 */
void frLinearCombination(const u64* const* vectors, const size_t* lens, size_t m, const u64* coeffs, u64* out,
                         size_t n, int threads);

/** The quotient of a(X) by (X - x), remainder discarded: q_{i-1} = a_i + x·q_i from the top (n - 1 entries). */
void frDivideByLinear(const u64* a, size_t n, const u64* x, u64* q);

/**
 * The quotient of a(X) by (X^2 - s)(X - s) = X^3 - s·X^2 - s·X + s^2, remainder discarded (n - 3 entries):
 * q_k = a_{k+3} + s·(q_{k+1} + q_{k+2}) - s^2·q_{k+3} from the top.
 */
void frDivideBySquareTimesLinear(const u64* a, size_t n, const u64* s, u64* q);

/**
 * The degree-2 product sums of one sum-check round over m pairs of tables (a_k, b_k) of n entries (n even):
 * out = [sum_k sum_i a_k[2i]·b_k[2i], sum_k sum_i a_k[2i+1]·b_k[2i+1],
 *        sum_k sum_i (a_k[2i+1] - a_k[2i])·(b_k[2i+1] - b_k[2i])]  (three canonical elements).
 */
void frPairProducts(const u64* const* a, const u64* const* b, size_t m, size_t n, u64* out, int threads);

/**
 * out (n entries, zero on entry) += sum over e < count of scale_e·eq(·, point_e) placed at offset_e: entry
 * offset_e + i gets scale_e·prod_j (bit_j(i) ? p_j : 1 - p_j) for i < 2^len_e. Points are stored back to back
 * in `coords` (len_e coordinates each); offsets + 2^len_e must not exceed n (checked by the caller).
 */
void frEqSum(const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales, size_t count, u64* out);

/**
 * The eq-weighted sum-check kernel: out[t] = sum_i w[i]·prod_{m<k} (f_m[2i] + t·(f_m[2i+1] - f_m[2i])) for
 * t = 0..k (k + 1 canonical elements); every f_m has 2·half entries, w has half.
 */
void frWeightedProducts(const u64* const* f, size_t k, const u64* w, size_t half, u64* out, int threads);

/** 1/a_i for every element (all non-zero, checked by the caller) by Montgomery's trick, split over threads. */
void frBatchInvert(const u64* a, size_t n, u64* out, int threads);

/**
 * out[i] = scales[i] / a[i] (1 / a[i] when scales is null) for i < n; every a[i] non-zero (checked by the
 * caller); out may be a but must not overlap scales. Montgomery's trick per thread's chunk.
 */
void frScaledInvert(const u64* a, const u64* scales, size_t n, u64* out, int threads);

}  // namespace DP_ARITH
}  // namespace dp
