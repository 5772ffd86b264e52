// Batch fixed-base multiplication s_i · g: the cheap way to build a (development) SRS of 2^20 powers.
//
// A comb table holds k·2^(w·j)·g for every window j and digit k, in affine form, so each scalar costs one
// XYZZ mixed addition per non-zero window and no doublings, then one share of a batch inversion; the table
// is shared read-only by the threads. (Affine accumulators with batched inversions were measured slower on
// these machines: the bookkeeping ate the 3 saved multiplications.)
// g++ 12 at -O3 makes this loop about 1.4x slower than at -O2 (measured; -O3's unrolling of the inlined
// field arithmetic bloats the hot loop), so this file alone asks for -O2.
#pragma GCC optimize("O2")

#include <algorithm>
#include <thread>
#include <vector>
#include "msm.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

constexpr int SCALAR_BITS = 254;
constexpr int MAX_COMB_BITS = 14;

inline u64 windowAt(const u64* s, int pos, int w) {
  const int limb = pos >> 6, shift = pos & 63;
  if (limb >= 4) return 0;
  u64 v = s[limb] >> shift;
  if (shift + w > 64 && limb + 1 < 4) v |= s[limb + 1] << (64 - shift);
  return v & ((1ULL << w) - 1);
}

/** Comb width minimising table building plus per-scalar additions. */
int combBits(size_t n) {
  int best = 1;
  double bestCost = 0;
  for (int w = 1; w <= MAX_COMB_BITS; w++) {
    const double windows = double((SCALAR_BITS + w - 1) / w);
    const double cost = windows * (double(size_t(1) << w) + double(n));
    if (w == 1 || cost < bestCost) {
      best = w;
      bestCost = cost;
    }
  }
  return best;
}

}  // namespace

void fixedBaseMul(const Affine& g, const u64* scalars, size_t n, Affine* out, int threads) {
  if (n == 0) return;
  const int w = combBits(n);
  const int windows = (SCALAR_BITS + w - 1) / w;
  const size_t perWindow = size_t(1) << w;  // entry 0 unused (digit 0 adds nothing)
  std::vector<Xyzz> tableXyzz(size_t(windows) * perWindow, Xyzz::infinity());
  Xyzz base = Xyzz::fromAffine(g);
  for (int j = 0; j < windows; j++) {
    Xyzz* row = tableXyzz.data() + size_t(j) * perWindow;
    row[1] = base;
    for (size_t k = 2; k < perWindow; k++) {
      row[k] = row[k - 1];
      addInto(row[k], base);
    }
    for (int i = 0; i < w; i++) base = doubleXyzz(base);
  }
  std::vector<Affine> table(tableXyzz.size());
  batchToAffine(tableXyzz.data(), table.data(), table.size());
  tableXyzz.clear();
  tableXyzz.shrink_to_fit();

  auto work = [&](size_t begin, size_t end) {
    std::vector<Xyzz> acc(end - begin, Xyzz::infinity());
    for (size_t i = begin; i < end; i++) {
      const u64* s = scalars + 4 * i;
      // The table (up to ~20 MiB) does not fit in cache: fetch the next window's entry while adding this
      // one (measured: about 20 % faster at 2^18).
      u64 k = windowAt(s, 0, w);
      for (int j = 0; j < windows; j++) {
        const u64 kNext = j + 1 < windows ? windowAt(s, (j + 1) * w, w) : 0;
        if (j + 1 < windows) __builtin_prefetch(&table[size_t(j + 1) * perWindow + kNext]);
        if (k != 0) {
          const Affine& t = table[size_t(j) * perWindow + k];
          addAffineInto(acc[i - begin], t.x, t.y);
        }
        k = kNext;
      }
    }
    batchToAffine(acc.data(), out + begin, end - begin);
  };
  threads = std::max(1, std::min(threads, int(n / 64) + 1));
  if (threads == 1) {
    work(0, n);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(work, n * t / threads, n * (t + 1) / threads);
  work(0, n / threads);
  for (auto& th : pool) th.join();
}

}  // namespace DP_ARITH
}  // namespace dp
