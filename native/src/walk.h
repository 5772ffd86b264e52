// Kernels of the proof walk's sum-checks (src/sumcheck/packed-product.ts; protocol: docs/sumcheck.md): the round
// sums of a sum of product terms over packed multilinear tables, optionally weighted by one eq suffix table.
// Binding and eq tables reuse the arena's bind (arena.h) and frEqSum (frvec.h); this is the one round kernel
// every node kind's sum-check runs through (matrix products, RMSNorm, RoPE, softmax, requantization, ...).
//
// Every vector is canonical packed Fr words (4 little-endian 64-bit limbs each), the layout of frvec.h. Like
// arena.cc, walk.cc is compiled once per copy of the arithmetic (arith.h; src/adx/walk.cc) and the copy in use
// follows the addon's choice (kernels.h): walkKernels() in walk_napi.cc.
#pragma once
#include <cstddef>
#include <cstdint>
#include "field.h"  // opens the inline namespace of this copy first (arith.h), as arena.h does

namespace dp {

/** The walk kernels of one arithmetic copy. Threads cap the threads used; results do not depend on them. */
struct WalkKernels {
  /** "portable" or "adx". */
  const char* name;
  /**
   * One round of a product sum-check over tables of 2·half entries, with f(t) = f[2i] + t·(f[2i+1] − f[2i]) on
   * pair i:
   *   out[t] = Σ_{i<half} w[i] · Σ_{s<nTerms} coeffs[s] · Π_{m ∈ factors of s} tables[m](t)   for t < points
   * (w null: every weight 1). Term s's factors are factors[starts[s] .. starts[s+1]), each an index into tables
   * (one or more per term, repeats allowed). `points` canonical elements are written to out.
   */
  void (*productRoundSums)(const uint64_t* const* tables, size_t nTables, const uint32_t* factors,
                           const uint32_t* starts, const uint64_t* coeffs, size_t nTerms, const uint64_t* w,
                           size_t half, size_t points, uint64_t* out, int threads);
  /**
   * The Kronecker product of two vectors, hi's index above lo's: out[h·nLo + l] = hi[h]·lo[l] for h < nHi,
   * l < nLo (nHi·nLo canonical elements; a row whose hi[h] is zero is written as zeros without a product). The
   * prover's table of a factorized selector (src/prover/layers/selector.ts) is the product of its group tables.
   */
  void (*kronecker)(const uint64_t* hi, size_t nHi, const uint64_t* lo, size_t nLo, uint64_t* out, int threads);
};

// The two tables (walk.cc, compiled once per copy).
namespace portable {
extern const WalkKernels WALK_KERNELS;
}
namespace adx {
extern const WalkKernels WALK_KERNELS;
}

/** The table of the arithmetic copy in use (the one kernels() returns). */
const WalkKernels& walkKernels();

}  // namespace dp
