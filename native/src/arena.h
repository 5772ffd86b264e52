// Kernels of the lookup arena's prover (src/lookup/arena-packed*.ts; protocol: docs/lookup.md, "The arena"):
// the shifted columns F = α_t − Σ_c β^c·f_c and their scaled inverses (the helper columns h, g), and the
// zero-check's round sums and bindings, all on packed Fr vectors.
//
// Every vector is n canonical integers (< r), 4 little-endian 64-bit limbs each: the layout of frvec.h and of
// the MSM's scalars, so the helpers are written straight into the packed H that is committed and opened.
// Like frvec.cc, this file is compiled once per copy of the arithmetic (arith.h; src/adx/arena.cc), and the
// table in use follows the addon's choice (kernels.h): arenaKernels() in arena_addon.cc.
#pragma once
#include <cstddef>
#include <cstdint>
#include "field.h"  // opens the inline namespace of this copy first (arith.h), as kernels.h does via frvec.h

namespace dp {

/** The arena kernels of one arithmetic copy. Threads cap the threads used; results do not depend on them. */
struct ArenaKernels {
  /** "portable" or "adx". */
  const char* name;
  /**
   * out[x] = alpha − sum_{c < arity} betas[c]·comps[c][x] for x < n (a coefficient equal to 1 costs no
   * multiplication).
   */
  void (*shifted)(const uint64_t* const* comps, size_t arity, const uint64_t* betas, const uint64_t* alpha, size_t n,
                  uint64_t* out, int threads);
  /**
   * out[x] = scales[x] / a[x] (or 1 / a[x] when scales is null) for x < n; every a[x] non-zero (the caller
   * checks); out must not overlap a or scales. Montgomery's trick per thread's chunk (frScaledInvert, frvec.h).
   */
  void (*scaledInverse)(const uint64_t* a, const uint64_t* scales, size_t n, uint64_t* out, int threads);
  /** tables[k][x] *= coeffs[k] in place for x < lens[k], k < m. */
  void (*scale)(uint64_t* const* tables, const size_t* lens, size_t m, const uint64_t* coeffs, int threads);
  /**
   * One round of the arena's zero-check over tables of len entries (len even, half = len / 2 pairs), with
   * t(X) = t[2i] + X·(t[2i+1] − t[2i]) on pair i:
   *   out[X]     = sum_i w[i]·(sum_k a_k(X)·b_k(X) + sum_s d_s·m_s(X))   for X = 0, 1, 2
   *   out[3 + X] = sum_i sum_l u_l(X)                                      for X = 0, 1
   * (five canonical elements; w has half entries).
   */
  void (*roundSums)(const uint64_t* const* as, const uint64_t* const* bs, size_t pairs, const uint64_t* const* singles,
                    const uint64_t* singleCoeffs, size_t nSingles, const uint64_t* const* halves, size_t nHalves,
                    const uint64_t* w, size_t len, uint64_t* out, int threads);
  /**
   * dst[k][i] = src[k][2i] + r·(src[k][2i+1] − src[k][2i]) for i < len / 2, k < m (binds the first variable).
   * Either every dst[k] is src[k] (in place: the tables are split over the threads) or no dst overlaps a src
   * (the entries are split).
   */
  void (*bind)(const uint64_t* const* src, uint64_t* const* dst, size_t m, size_t len, const uint64_t* r, int threads);
  /** dst[x] += src[x] for x < n (a grouped helper column's further members' inverses; no overlap). */
  void (*accumulate)(uint64_t* dst, const uint64_t* src, size_t n, int threads);
  /**
   * One round's sums of the grouped helper constraints (docs/lookup.md, "Grouped helper columns") over tables of
   * len entries (len even), t(X) = t[2i] + X·(t[2i+1] − t[2i]) on pair i. Group G has sizes[G] >= 2 shifted
   * columns fs[o_G .. o_G + sizes[G]) (o_G the running sum of sizes) and helper hs[G]:
   *   out[X] = sum_i w[i]·sum_G coeffs[G]·(h_G(X)·prod_j F_j(X) − sum_j prod_{l≠j} F_l(X))   for X < points
   * (points canonical elements; points <= ARENA_MAX_POINTS, sizes[G] <= points − 2; w has len / 2 entries).
   */
  void (*groupSums)(const uint64_t* const* hs, const uint64_t* const* fs, const size_t* sizes, size_t groups,
                    const uint64_t* coeffs, const uint64_t* w, size_t len, size_t points, uint64_t* out, int threads);
  /**
   * out[x] = table[rows[x]] for x < n, or out[x] += table[rows[x]] when `accumulate` (every rows[x] indexes the
   * table: the caller checks; out must not overlap the table). A witness column whose entries are table rows
   * y(x) has F(x) = G[y(x)] and h(x) = 1/G[y(x)]: its helper is a gather from the table's inverses, not an inversion.
   */
  void (*gather)(const uint64_t* table, const uint32_t* rows, size_t n, uint64_t* out, bool accumulate, int threads);
};

/** Most evaluation points of groupSums: degree s + 1 in the tables for groups of s <= 8 columns (MAX_HELPER_GROUP). */
constexpr size_t ARENA_MAX_POINTS = 10;

// The two tables (arena.cc, compiled once per copy).
namespace portable {
extern const ArenaKernels ARENA_KERNELS;
}
namespace adx {
extern const ArenaKernels ARENA_KERNELS;
}

/** The table of the arithmetic copy in use (the one kernels() returns). */
const ArenaKernels& arenaKernels();

}  // namespace dp
