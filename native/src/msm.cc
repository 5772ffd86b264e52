// Pippenger's bucket method over BN254 G1 with signed digits, split over threads.
//
// Scalars are first reduced to their smaller signed form (s or -(r - s), so quantized negatives such as
// r - 3 cost as little as 3), which also bounds every scalar below 2^253; the window count then follows
// the largest scalar actually present, so MSMs over small integers touch one or two windows only.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>
#include "msm.h"

namespace dp {
namespace {

/** (r - 1) / 2: scalars above it are handled as the negation of r - s. */
constexpr u64 HALF_R[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL, 0xdc2822db40c0ac2eULL,
                           0x183227397098d014ULL};
/**
 * Largest window width: 2^(c-1) buckets of 128 bytes each per task (4 MiB at c = 16), and digits in
 * [-2^15, 2^15 - 1], so they fit int16 (2 bytes per point per window: 32 MiB for 2^20 points).
 */
constexpr int MAX_WINDOW_BITS = 16;
using Digit = int16_t;
/** How many points ahead the accumulation loop prefetches its bucket and base. */
constexpr size_t PREFETCH_DISTANCE = 2;
/** Below this many points, threads cost more than they save. */
constexpr size_t MIN_POINTS_PER_THREAD = 512;

/** c bits of a 4-limb integer starting at bit `pos` (bits beyond 256 read as zero). */
inline u64 bitsAt(const u64* s, int pos, int c) {
  const int limb = pos >> 6, shift = pos & 63;
  if (limb >= 4) return 0;
  u64 v = s[limb] >> shift;
  if (shift + c > 64 && limb + 1 < 4) v |= s[limb + 1] << (64 - shift);
  return v & ((1ULL << c) - 1);
}

/** Scalars in signed-reduced form, the per-point sign, and the largest bit length. */
struct Prepared {
  std::vector<u64> mag;        // 4 limbs per point: |s| with s taken in (-r/2, r/2]
  std::vector<uint8_t> negate;  // 1 when the point is to be subtracted
  int bits = 0;
};

/** Calls body(begin, end, t) for `parts` contiguous ranges t of [0, n), each on its own thread. */
template <class Body>
void forRanges(size_t n, size_t parts, Body body) {
  if (parts <= 1) {
    body(size_t(0), n, size_t(0));
    return;
  }
  std::vector<std::thread> pool;
  try {
    for (size_t t = 1; t < parts; t++) pool.emplace_back([=, &body] { body(n * t / parts, n * (t + 1) / parts, t); });
  } catch (...) {  // a thread could not start: wait for the started ones (their body references ours)
    for (auto& th : pool) th.join();
    throw;
  }
  body(0, n / parts, 0);
  for (auto& th : pool) th.join();
}

/** The signed-reduced scalars, split over `parts` threads (a pass over every scalar and base). */
Prepared prepare(const Affine* bases, const u64* scalars, size_t n, size_t parts) {
  Prepared p;
  p.mag.resize(4 * n);
  p.negate.resize(n);
  std::vector<int> bits(parts, 0);
  const u64* R = FR_MOD.m;
  forRanges(n, parts, [&](size_t begin, size_t end, size_t t) {
    int localBits = 0;
    for (size_t i = begin; i < end; i++) {
      const u64* s = scalars + 4 * i;
      u64* m = p.mag.data() + 4 * i;
      if (bases[i].isInfinity() || Limbs::isZero(s)) {
        std::memset(m, 0, 32);
        continue;
      }
      if (Limbs::geq(HALF_R, s)) {
        std::memcpy(m, s, 32);
      } else {
        Limbs::sub(m, R, s);
        p.negate[i] = 1;
      }
      localBits = std::max(localBits, Limbs::bitLength(m));
    }
    bits[t] = localBits;
  });
  p.bits = *std::max_element(bits.begin(), bits.end());
  return p;
}

/**
 * Windows of width c for signed digits of `bits`-bit scalars, leaving two spare bits at the top: the top
 * window then holds at most c - 2 bits plus the carry from below, so its digit is at most 2^(c-2).
 */
inline int windowCount(int bits, int c) { return (bits + 2 + c - 1) / c; }

/**
 * Signed digits of points [begin, end), with the point's sign folded in: digits[w * n + i] in
 * [-2^(c-1), 2^(c-1) - 1] (so c = 16 fits int16). A low window rounds up (digit - 2^c, carry 1) from
 * 2^(c-1) on for a positive point and above 2^(c-1) for a negated one, so the negated digit stays in range;
 * the top window is unsigned and absorbs the final carry (at most 2^(c-2), see windowCount).
 */
void computeDigits(const Prepared& p, size_t n, size_t begin, size_t end, int c, int windows, Digit* digits) {
  const int64_t full = int64_t(1) << c, half = int64_t(1) << (c - 1);
  for (size_t i = begin; i < end; i++) {
    const u64* m = p.mag.data() + 4 * i;
    int64_t carry = 0;
    const int64_t roundFrom = p.negate[i] ? half + 1 : half;
    for (int w = 0; w < windows; w++) {
      int64_t v = int64_t(bitsAt(m, w * c, c)) + carry;
      carry = 0;
      if (w + 1 < windows && v >= roundFrom) {
        v -= full;
        carry = 1;
      }
      digits[size_t(w) * n + i] = Digit(p.negate[i] ? -v : v);
    }
  }
}

/** One window over points [begin, end): bucket accumulation, then the running-sum reduction. */
Xyzz windowSum(const Affine* bases, const Digit* digits, size_t begin, size_t end, int c,
               std::vector<Xyzz>& buckets) {
  const size_t count = size_t(1) << (c - 1);
  std::fill(buckets.begin(), buckets.begin() + count, Xyzz::infinity());
  for (size_t i = begin; i < end; i++) {
    const int32_t d = digits[i];
    // Buckets outgrow L2 at large c; fetching the bucket and base a few points ahead hides that latency
    // (measured: about 15 % faster at 2^18).
    if (i + PREFETCH_DISTANCE < end) {
      const int32_t next = digits[i + PREFETCH_DISTANCE];
      if (next != 0) __builtin_prefetch(&buckets[size_t(next > 0 ? next : -next) - 1], 1);
      __builtin_prefetch(&bases[i + PREFETCH_DISTANCE]);
    }
    if (d == 0) continue;
    const Affine& b = bases[i];
    if (d > 0) {
      addAffineInto(buckets[size_t(d) - 1], b.x, b.y);
    } else {
      addAffineInto(buckets[size_t(-d) - 1], b.x, Fp::neg(b.y));
    }
  }
  // sum_k (k+1)·bucket[k] = sum over k of the running suffix sums.
  Xyzz running = Xyzz::infinity(), total = Xyzz::infinity();
  for (size_t k = count; k-- > 0;) {
    addInto(running, buckets[k]);
    addInto(total, running);
  }
  return total;
}


}  // namespace

/** Tasks per window: the points are split too when the windows do not divide evenly among the threads. */
inline size_t chunksFor(int windows, int threads) {
  return threads > 1 && windows % threads != 0 ? size_t(threads) : 1;
}

int msmWindowBits(size_t n, int bits, int threads) {
  if (bits <= 0) return 1;
  int best = 1;
  double bestCost = 0;
  for (int c = 1; c <= MAX_WINDOW_BITS; c++) {
    // Each window: one mixed addition per point, and per task two full additions (≈1.5x the cost) per
    // bucket; a window split over `chunks` tasks reduces its buckets `chunks` times.
    const int windows = windowCount(bits, c);
    const double buckets = double(size_t(1) << (c - 1)) * double(chunksFor(windows, threads));
    const double cost = double(windows) * (double(n) + 3.0 * buckets);
    if (c == 1 || cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

Xyzz msm(const Affine* bases, const u64* scalars, size_t n, int threads, int windowBits) {
  if (n == 0) return Xyzz::infinity();
  threads = int(std::max<size_t>(1, std::min<size_t>(size_t(std::max(threads, 1)), n / MIN_POINTS_PER_THREAD)));
  const Prepared p = prepare(bases, scalars, n, size_t(threads));
  if (p.bits == 0) return Xyzz::infinity();
  // Split windows over threads when they divide evenly; otherwise split the points too, so no core idles.
  const int c = windowBits > 0 ? std::min(windowBits, MAX_WINDOW_BITS) : msmWindowBits(n, p.bits, threads);
  const int windows = windowCount(p.bits, c);
  const size_t chunks = chunksFor(windows, threads);
  std::vector<Digit> digits(size_t(windows) * n);
  forRanges(n, size_t(threads), [&](size_t begin, size_t end, size_t) {
    computeDigits(p, n, begin, end, c, windows, digits.data());
  });

  const size_t tasks = size_t(windows) * chunks;
  std::vector<Xyzz> partial(tasks, Xyzz::infinity());
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    std::vector<Xyzz> buckets(size_t(1) << (c - 1));
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      const size_t w = t / chunks, k = t % chunks;
      const size_t begin = n * k / chunks, end = n * (k + 1) / chunks;
      partial[t] = windowSum(bases, digits.data() + w * n, begin, end, c, buckets);
    }
  };
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    try {
      for (int t = 1; t < threads; t++) pool.emplace_back(worker);
    } catch (const std::system_error&) {
      // A thread could not start: the tasks are shared, so the started threads and this one finish them.
    }
    worker();
    for (auto& th : pool) th.join();
  }
  // Horner over windows, most significant first: acc = acc·2^c + W_w.
  Xyzz acc = Xyzz::infinity();
  for (int w = windows - 1; w >= 0; w--) {
    for (int i = 0; i < c && !acc.isInfinity(); i++) acc = doubleXyzz(acc);
    for (size_t k = 0; k < chunks; k++) addInto(acc, partial[size_t(w) * chunks + k]);
  }
  return acc;
}

}  // namespace dp
