// Kernels of the batch opening's prover (src/prover/graph/opening.ts, src/pcs/hyperkzg.ts) that work in place
// or straight into a buffer the caller owns, so that no 2^n-word vector is copied or held twice:
//
//   - eqSumInto: E_p = sum_e scale_e·eq(·, point_e) placed at offset_e, accumulated into the caller's (zeroed)
//     vector, split over threads by output range, with O(sqrt) scratch per entry;
//   - pairFoldSums: one round of the pair sum-check fused with the fold of the previous challenge — every pair
//     (a_k, b_k) bound to r (in place, or from a source that must survive into a new vector) and the next
//     round's three sums taken over the bound values in the same pass;
//   - eqPairSumcheck: the whole pair sum-check Σ_x Σ_p f_p(x)·E_p(x) with E_p = Σ_e scale_e·eq(x, point_e)
//     never materialised: each round regenerates the bound E_p block by block in a small per-thread scratch
//     from its entries (whose scales absorb the bound coordinates' eq factors), folds f_p and takes the round's
//     sums in the same pass; the folded f_p live in memory of its own, off the JavaScript heap;
//   - quotientBySquareTimesLinearInPlace / quotientOfLInPlace: HyperKZG's two divisions in the buffer of B,
//     Q = ⌊B / (X^2 − s)(X − s)⌋ shifted three words up, then Q' = ⌊(B − Z(z)·Q) / (X − z)⌋ from Q with B's
//     high coefficients rebuilt from Q·Z (B = Q·Z + R, deg R ≤ 2, and R's three words are still in place).
//
// Vectors are canonical 32-byte little-endian words (frvec.h's layout); results are canonical. Compiled twice
// like frvec.cc (arith.h); opening_napi.cc picks the copy kernels() runs on.
#pragma once
#include <cstddef>
#include <functional>
#include "field.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

/**
 * out (n words) += sum over e < count of scale_e·eq(·, point_e) at offset_e: word offset_e + i gets
 * scale_e·prod_{j < len_e} (bit_j(i) ? p_j : 1 − p_j). Every offset_e is a multiple of 2^len_e and
 * offset_e + 2^len_e <= n (the caller checks); n is a power of two. Points back to back in `coords`.
 */
void eqSumInto(u64* out, size_t n, const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales,
               size_t count, int threads);

/**
 * For each of m pairs: dstA[k][i] = srcA[k][2i] + r·(srcA[k][2i+1] − srcA[k][2i]) for i < len/2, the same
 * for b (dst may equal src: bound in place). Then sums (3 words) = the next round's
 * [sum_k sum_i a'[2i]·b'[2i], sum a'[2i+1]·b'[2i+1], sum (a'[2i+1] − a'[2i])·(b'[2i+1] − b'[2i])] over the bound
 * vectors a', b' (zeros when len/2 < 2). len is a power of two >= 2.
 */
void pairFoldSums(const u64* const* srcA, const u64* const* srcB, u64* const* dstA, u64* const* dstB, size_t m,
                  size_t len, const u64* r, u64* sums, int threads);

/**
 * Called by eqPairSumcheck after each round's sums (3 canonical words: Σ f·E at even and at odd indices, Σ Δf·ΔE)
 * with the round index; writes the round's challenge (canonical) to r. Runs on the calling thread; it may throw
 * (the sum-check stops, its memory freed).
 */
using EqPairRound = std::function<void(size_t round, const u64* sums, u64* r)>;

/**
 * The sum-check of Σ_{x in {0,1}^n} Σ_p f_p(x)·E_p(x), E_p = Σ_{e on p} scale_e·eq(x, c_e): polynomial p has
 * vars[p] <= n variables and its table 2^vars[p] canonical words (zero-extended to 2^n: its variables from
 * vars[p] on are 0 in every entry); entry e is on polynomial entryPoly[e], its point c_e has lens[e] free leading
 * coordinates (back to back in `coords`) followed by the bits of offsets[e] (a multiple of 2^lens[e], offset +
 * 2^lens[e] <= 2^vars[p]) and zeros. n rounds, binding the lowest variable first; round j's sums go to
 * `round`, which returns r_j. Nothing is bound after the last round. The tables are only read; the folded
 * tables are this function's (freed on return). With entries merged by (poly, offset, point) by the caller
 * the work is one pass of 2^vars[p]/2^j words per polynomial and round plus the entries' eq words bound to
 * the round, on `threads` threads.
 */
void eqPairSumcheck(const u64* const* tables, const size_t* vars, size_t polys, const size_t* entryPoly,
                    const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales, size_t entries,
                    size_t n, int threads, const EqPairRound& round);

/**
 * a (n >= 4 words) holds B. Writes q_k, k < n − 3, of Q = ⌊B / ((X^2 − s)(X − s))⌋ to word k + 3; words 0..2
 * keep b_0, b_1, b_2.
 */
void quotientBySquareTimesLinearInPlace(u64* a, size_t n, const u64* s);

/**
 * a as left by quotientBySquareTimesLinearInPlace. Writes q'_{i−1}, 1 <= i < n, of
 * Q' = ⌊L / (X − z)⌋, L = B − zAtZ·Q, to word i, where b_i = (Q·Z)_i for i >= 3 (Z = X^3 − sX^2 − sX + s^2) and
 * b_0..b_2 are read from words 0..2.
 */
void quotientOfLInPlace(u64* a, size_t n, const u64* s, const u64* zAtZ, const u64* z);

}  // namespace DP_ARITH

/** The opening kernels of one arithmetic copy (plain words, so one type serves both; as kernels.h). */
struct OpeningKernels {
  decltype(&::dp::eqSumInto) eqSumInto;
  decltype(&::dp::pairFoldSums) pairFoldSums;
  decltype(&::dp::eqPairSumcheck) eqPairSumcheck;
  decltype(&::dp::quotientBySquareTimesLinearInPlace) quotientBySquareTimesLinearInPlace;
  decltype(&::dp::quotientOfLInPlace) quotientOfLInPlace;
};

// The two tables (opening.cc, compiled once per copy).
namespace portable {
extern const OpeningKernels OPENING_KERNELS;
}
namespace adx {
extern const OpeningKernels OPENING_KERNELS;
}

}  // namespace dp
