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

}  // namespace dp
