// The walk kernels (walk.h). The round sums split the pairs into contiguous ranges, one per thread; on each pair
// every table's value at t = 0, 1, ... is one addition from the last, and each term's product is taken on those.
//
// Arithmetic: Montgomery products of canonical integers carry one R^{-1} each. A term of k factors multiplies its
// first factor by its coefficient pre-scaled to c·R^k, then by the k − 1 others, which leaves the canonical c·Π:
// so terms of different lengths add up directly. The scaled first factor is linear on a pair (taken at its two
// ends, then one addition per point). The weight's product (R^{-1}) is fixed once at the end, as frvec.cc does.
#include "walk.h"
#include <algorithm>
#include <cstring>
#include <vector>
#include "field.h"
#include "parallel.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

inline Fr load(const u64* p) { return Fr{{p[0], p[1], p[2], p[3]}}; }
inline void store(u64* p, const Fr& a) { std::memcpy(p, a.l, 32); }
inline Fr r2() { return Fr{{FR_MOD.r2[0], FR_MOD.r2[1], FR_MOD.r2[2], FR_MOD.r2[3]}}; }

void productRoundSums(const u64* const* tables, size_t nTables, const uint32_t* factors, const uint32_t* starts,
                      const u64* coeffs, size_t nTerms, const u64* w, size_t half, size_t points, u64* out,
                      int threads) {
  // c_s·R^{k_s}: each multiplication by R^2 (a Montgomery product) adds one R.
  std::vector<Fr> scaled(nTerms);
  for (size_t s = 0; s < nTerms; s++) {
    Fr c = load(coeffs + 4 * s);
    for (uint32_t m = starts[s]; m < starts[s + 1]; m++) c = Fr::mul(c, r2());
    scaled[s] = c;
  }
  // One-factor terms (limb sums, linear parts) add up to a linear function on each pair: two products per term
  // and pair, not one per point. Longer terms scale their first factor at the pair's two ends the same way.
  std::vector<size_t> linear, product;
  for (size_t s = 0; s < nTerms; s++) (starts[s + 1] - starts[s] == 1 ? linear : product).push_back(s);
  const size_t work = half * (points * (starts[nTerms] + nTables) + 2 * nTerms);
  const size_t chunks = chunksFor(work, threads);
  std::vector<Fr> partial(points * chunks, Fr::zero());
  parallelChunks(half, chunks, [&](size_t begin, size_t end, size_t c) {
    std::vector<Fr> cur(nTables), diff(nTables), lead(product.size()), leadDiff(product.size()), sums(points, Fr::zero());
    for (size_t i = begin; i < end; i++) {
      for (size_t m = 0; m < nTables; m++) {
        cur[m] = load(tables[m] + 8 * i);
        diff[m] = Fr::sub(load(tables[m] + 8 * i + 4), cur[m]);
      }
      Fr lin = Fr::zero(), linDiff = Fr::zero();
      for (size_t s : linear) {
        const u64* f = tables[factors[starts[s]]] + 8 * i;
        const Fr v0 = Fr::mul(load(f), scaled[s]), v1 = Fr::mul(load(f + 4), scaled[s]);
        lin = Fr::add(lin, v0);
        linDiff = Fr::add(linDiff, Fr::sub(v1, v0));
      }
      for (size_t p = 0; p < product.size(); p++) {
        const size_t s = product[p];
        const u64* f = tables[factors[starts[s]]] + 8 * i;
        lead[p] = Fr::mul(load(f), scaled[s]);
        leadDiff[p] = Fr::sub(Fr::mul(load(f + 4), scaled[s]), lead[p]);
      }
      for (size_t t = 0; t < points; t++) {
        Fr pair = lin;
        for (size_t p = 0; p < product.size(); p++) {
          const size_t s = product[p];
          Fr v = lead[p];
          for (uint32_t m = starts[s] + 1; m < starts[s + 1]; m++) v = Fr::mul(v, cur[factors[m]]);
          pair = Fr::add(pair, v);
        }
        sums[t] = Fr::add(sums[t], w ? Fr::mul(pair, load(w + 4 * i)) : pair);
        if (t + 1 < points) {
          for (size_t m = 0; m < nTables; m++) cur[m] = Fr::add(cur[m], diff[m]);
          for (size_t p = 0; p < product.size(); p++) lead[p] = Fr::add(lead[p], leadDiff[p]);
          lin = Fr::add(lin, linDiff);
        }
      }
    }
    std::copy(sums.begin(), sums.end(), partial.begin() + c * points);
  });
  for (size_t t = 0; t < points; t++) {
    Fr total = Fr::zero();
    for (size_t c = 0; c < chunks; c++) total = Fr::add(total, partial[c * points + t]);
    if (w) total = Fr::mul(total, r2());  // the weight's R^{-1}
    store(out + 4 * t, total);
  }
}

void kronecker(const u64* hi, size_t nHi, const u64* lo, size_t nLo, u64* out, int threads) {
  // lo in Montgomery form (one product by R^2 each): the Montgomery product of canonical hi[h] and lo[l]·R is
  // the canonical hi[h]·lo[l], one multiplication per entry.
  std::vector<Fr> loR(nLo);
  for (size_t l = 0; l < nLo; l++) loR[l] = Fr::mul(load(lo + 4 * l), r2());
  // Rows split over the threads (a row is nLo products).
  const size_t chunks = std::min(chunksFor(nHi * nLo, threads), std::max<size_t>(nHi, 1));
  parallelChunks(nHi, chunks, [&](size_t begin, size_t end, size_t) {
    for (size_t h = begin; h < end; h++) {
      u64* row = out + 4 * h * nLo;
      const Fr a = load(hi + 4 * h);
      if (a.isZero()) {
        std::memset(row, 0, 32 * nLo);
        continue;
      }
      for (size_t l = 0; l < nLo; l++) store(row + 4 * l, Fr::mul(a, loR[l]));
    }
  });
}

#define DP_STRINGIFY_(x) #x
#define DP_STRINGIFY(x) DP_STRINGIFY_(x)

}  // namespace

extern const WalkKernels WALK_KERNELS = {DP_STRINGIFY(DP_ARITH), &productRoundSums, &kronecker};

}  // namespace DP_ARITH
}  // namespace dp
