// Pippenger's bucket method over BN254 G1 with signed digits, split over threads, with the GLV endomorphism
// for full-width scalars.
//
// Scalars are first reduced to their smaller signed form (s or -(r - s), so quantized negatives such as
// r - 3 cost as little as 3), which also bounds every scalar below 2^253; the window count then follows
// the largest scalar actually present, so MSMs over small integers touch one or two windows only. When the
// scalars are wide, each is split instead as k1 + k2·λ (glv.h) and the MSM runs over 2n "virtual points"
// (P_i with k1_i, then φ(P_i) with k2_i) of at most 126 bits: half the windows over twice the points, so the
// point additions stay the same and the bucket reductions and doublings halve.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>
#include "glv.h"
#include "msm.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
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
/**
 * Cost-model weights, in mixed additions: a bucket costs about three (its two XYZZ additions in the
 * running-sum reduction, each ≈ 1.4 mixed additions), and a GLV split about 0.3 per scalar (the two
 * rounded products, one Fp multiplication for β·x, a second digit recoding).
 */
constexpr double BUCKET_COST = 3.0;
constexpr double GLV_SPLIT_COST = 0.3;

/** c bits of a little-endian integer of `limbs` limbs starting at bit `pos` (bits beyond read as zero). */
inline u64 bitsAt(const u64* s, int limbs, int pos, int c) {
  const int limb = pos >> 6, shift = pos & 63;
  if (limb >= limbs) return 0;
  u64 v = s[limb] >> shift;
  if (shift + c > 64 && limb + 1 < limbs) v |= s[limb + 1] << (64 - shift);
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
 * Buckets the top window can touch: its digit is at most 2^(bits - (W-1)·c) (its bits plus the carry), so
 * the reduction stops there instead of at 2^(c-1).
 */
inline size_t topWindowBuckets(int bits, int c) {
  const int topBits = bits - (windowCount(bits, c) - 1) * c;
  return std::min(size_t(1) << (c - 1), size_t(1) << std::max(topBits, 0));
}

/**
 * Signed digits of one magnitude m (`limbs` limbs) into digits[w * stride], w < windows, the point's sign
 * folded in: each in [-2^(c-1), 2^(c-1) - 1] (so c = 16 fits int16). A low window rounds up (digit - 2^c,
 * carry 1) from 2^(c-1) on for a positive point and above 2^(c-1) for a negated one, so the negated digit
 * stays in range; the top window is unsigned and absorbs the final carry (at most 2^(c-2), see windowCount).
 */
inline void recode(const u64* m, int limbs, bool negate, int c, int windows, Digit* digits, size_t stride) {
  const int64_t full = int64_t(1) << c, half = int64_t(1) << (c - 1);
  const int64_t roundFrom = negate ? half + 1 : half;
  int64_t carry = 0;
  for (int w = 0; w < windows; w++) {
    int64_t v = int64_t(bitsAt(m, limbs, w * c, c)) + carry;
    carry = 0;
    if (w + 1 < windows && v >= roundFrom) {
      v -= full;
      carry = 1;
    }
    digits[size_t(w) * stride] = Digit(negate ? -v : v);
  }
}

/** Digits of points [begin, end) from their signed-reduced magnitudes (window-major, n per window). */
void computeDigits(const Prepared& p, size_t n, size_t begin, size_t end, int c, int windows, Digit* digits) {
  for (size_t i = begin; i < end; i++) recode(p.mag.data() + 4 * i, 4, p.negate[i] != 0, c, windows, digits + i, n);
}

/**
 * The GLV form of points [begin, end): virtual point i is P_i with digits of k1_i, virtual point n + i is
 * φ(P_i) = (β·x_i, y_i) with digits of k2_i (window-major, 2n per window); phiX[i] = β·x_i. A zero scalar or
 * an infinite base gives zero digits for both.
 */
void computeGlvDigits(const Affine* bases, const u64* scalars, size_t n, size_t begin, size_t end, int c,
                      int windows, const Fp& beta, Fp* phiX, Digit* digits) {
  const size_t stride = 2 * n;
  for (size_t i = begin; i < end; i++) {
    const u64* k = scalars + 4 * i;
    if (bases[i].isInfinity() || Limbs::isZero(k)) {
      phiX[i] = Fp::zero();
      for (int w = 0; w < windows; w++) digits[size_t(w) * stride + i] = digits[size_t(w) * stride + n + i] = 0;
      continue;
    }
    phiX[i] = Fp::mul(beta, bases[i].x);
    glv::Half k1, k2;
    glv::split(k, k1, k2);
    const u64 m1[2] = {u64(k1.magnitude), u64(k1.magnitude >> 64)};
    const u64 m2[2] = {u64(k2.magnitude), u64(k2.magnitude >> 64)};
    recode(m1, 2, k1.negate, c, windows, digits + i, stride);
    recode(m2, 2, k2.negate, c, windows, digits + n + i, stride);
  }
}

/**
 * Adds ±(x_j, y_j) into bucket |d_j| - 1 for j in [begin, end), where x_j = xs[j·xStride] and
 * y_j = ys[j·yStride] (strides in field elements): the bases themselves, or the φ-bases' separate x column
 * with the bases' y. Returns the largest |d_j| seen (the buckets above it are empty).
 */
size_t accumulate(const Fp* xs, size_t xStride, const Fp* ys, size_t yStride, const Digit* digits, size_t begin,
                  size_t end, Xyzz* buckets) {
  size_t top = 0;
  for (size_t j = begin; j < end; j++) {
    const int32_t d = digits[j];
    // Buckets outgrow L2 at large c; fetching the bucket and base a few points ahead hides that latency
    // (measured: about 15 % faster at 2^18).
    if (j + PREFETCH_DISTANCE < end) {
      const int32_t next = digits[j + PREFETCH_DISTANCE];
      if (next != 0) __builtin_prefetch(&buckets[size_t(next > 0 ? next : -next) - 1], 1);
      __builtin_prefetch(&xs[(j + PREFETCH_DISTANCE) * xStride]);
      __builtin_prefetch(&ys[(j + PREFETCH_DISTANCE) * yStride]);
    }
    if (d == 0) continue;
    const size_t magnitude = size_t(d > 0 ? d : -d);
    top = std::max(top, magnitude);
    const Fp& y = ys[j * yStride];
    addAffineInto(buckets[magnitude - 1], xs[j * xStride], d > 0 ? y : Fp::neg(y));
  }
  return top;
}

/**
 * One window over virtual points [begin, end) (those below n are the bases, those from n on the φ-bases
 * when phiX is given): bucket accumulation, then the running-sum reduction over the buckets in use.
 */
Xyzz windowSum(const Affine* bases, const Fp* phiX, size_t n, const Digit* digits, size_t begin, size_t end,
               int c, std::vector<Xyzz>& buckets) {
  const size_t count = size_t(1) << (c - 1);
  std::fill(buckets.begin(), buckets.begin() + count, Xyzz::infinity());
  size_t top = 0;
  const Fp* baseX = &bases[0].x;
  const Fp* baseY = &bases[0].y;
  if (begin < n) top = accumulate(baseX, 2, baseY, 2, digits, begin, std::min(end, n), buckets.data());
  if (end > n) {
    const size_t from = std::max(begin, n);
    top = std::max(top, accumulate(phiX, 1, baseY, 2, digits + n, from - n, end - n, buckets.data()));
  }
  // sum_k (k+1)·bucket[k] = sum over k of the running suffix sums.
  Xyzz running = Xyzz::infinity(), total = Xyzz::infinity();
  for (size_t k = top; k-- > 0;) {
    addInto(running, buckets[k]);
    addInto(total, running);
  }
  return total;
}

/** Tasks per window: the points are split too when the windows do not divide evenly among the threads. */
inline size_t chunksFor(int windows, int threads) {
  return threads > 1 && windows % threads != 0 ? size_t(threads) : 1;
}

/**
 * Modelled cost, in mixed additions, of `points` points of `bits`-bit scalars at window width c: one
 * addition per point per window, BUCKET_COST per bucket reduced (every task reduces its own buckets).
 */
double windowCost(size_t points, int bits, int c, int threads) {
  const int windows = windowCount(bits, c);
  const double chunks = double(chunksFor(windows, threads));
  const double buckets = double(windows - 1) * double(size_t(1) << (c - 1)) + double(topWindowBuckets(bits, c));
  return double(windows) * double(points) + BUCKET_COST * buckets * chunks;
}

/** The cheapest window width for `points` points of `bits`-bit scalars, and its cost. */
std::pair<int, double> bestWindow(size_t points, int bits, int threads) {
  int best = 1;
  double bestCost = windowCost(points, bits, 1, threads);
  for (int c = 2; c <= MAX_WINDOW_BITS; c++) {
    const double cost = windowCost(points, bits, c, threads);
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return {best, bestCost};
}

/** Runs every (window, chunk) task of the accumulation on `threads` threads; returns the partial sums. */
std::vector<Xyzz> accumulateWindows(const Affine* bases, const Fp* phiX, size_t n, size_t points,
                                    const Digit* digits, int c, int windows, size_t chunks, int threads) {
  const size_t tasks = size_t(windows) * chunks;
  std::vector<Xyzz> partial(tasks, Xyzz::infinity());
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    std::vector<Xyzz> buckets(size_t(1) << (c - 1));
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      const size_t w = t / chunks, k = t % chunks;
      const size_t begin = points * k / chunks, end = points * (k + 1) / chunks;
      partial[t] = windowSum(bases, phiX, n, digits + w * points, begin, end, c, buckets);
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
  return partial;
}

/** Horner over windows, most significant first: acc = acc·2^c + W_w. */
Xyzz combineWindows(const std::vector<Xyzz>& partial, int c, int windows, size_t chunks) {
  Xyzz acc = Xyzz::infinity();
  for (int w = windows - 1; w >= 0; w--) {
    for (int i = 0; i < c && !acc.isInfinity(); i++) acc = doubleXyzz(acc);
    for (size_t k = 0; k < chunks; k++) addInto(acc, partial[size_t(w) * chunks + k]);
  }
  return acc;
}

/** β in Montgomery form. */
const Fp& betaMont() {
  static const Fp beta = Fp::fromCanonical(glv::BETA);
  return beta;
}

}  // namespace

MsmPlan msmPlan(size_t n, int bits, int threads, int windowBits, GlvMode glvMode) {
  if (bits <= 0) return MsmPlan{false, 1};
  const int forced = windowBits > 0 ? std::min(windowBits, MAX_WINDOW_BITS) : 0;
  const auto plain = bestWindow(n, bits, threads);
  const auto split = bestWindow(2 * n, glv::GLV_BITS, threads);
  bool glv = glvMode == GlvMode::On;
  if (glvMode == GlvMode::Auto) {
    const double plainCost = forced ? windowCost(n, bits, forced, threads) : plain.second;
    const double splitCost = (forced ? windowCost(2 * n, glv::GLV_BITS, forced, threads) : split.second) +
                             GLV_SPLIT_COST * double(n);
    glv = splitCost < plainCost;
  }
  return MsmPlan{glv, forced ? forced : glv ? split.first : plain.first};
}

int msmWindowBits(size_t n, int bits, int threads) { return msmPlan(n, bits, threads, 0, GlvMode::Off).windowBits; }

Xyzz msm(const Affine* bases, const u64* scalars, size_t n, int threads, int windowBits, GlvMode glvMode) {
  if (n == 0) return Xyzz::infinity();
  threads = int(std::max<size_t>(1, std::min<size_t>(size_t(std::max(threads, 1)), n / MIN_POINTS_PER_THREAD)));
  Prepared p = prepare(bases, scalars, n, size_t(threads));
  if (p.bits == 0) return Xyzz::infinity();
  const MsmPlan plan = msmPlan(n, p.bits, threads, windowBits, glvMode);
  const int c = plan.windowBits;
  // Split windows over threads when they divide evenly; otherwise split the points too, so no core idles.
  if (!plan.glv) {
    const int windows = windowCount(p.bits, c);
    std::vector<Digit> digits(size_t(windows) * n);
    forRanges(n, size_t(threads), [&](size_t begin, size_t end, size_t) {
      computeDigits(p, n, begin, end, c, windows, digits.data());
    });
    const size_t chunks = chunksFor(windows, threads);
    return combineWindows(accumulateWindows(bases, nullptr, n, n, digits.data(), c, windows, chunks, threads), c,
                          windows, chunks);
  }
  p = Prepared{};  // the GLV digits come from the scalars themselves
  const int windows = windowCount(glv::GLV_BITS, c);
  std::vector<Fp> phiX(n);
  std::vector<Digit> digits(size_t(windows) * 2 * n);
  const Fp& beta = betaMont();
  forRanges(n, size_t(threads), [&](size_t begin, size_t end, size_t) {
    computeGlvDigits(bases, scalars, n, begin, end, c, windows, beta, phiX.data(), digits.data());
  });
  const size_t chunks = chunksFor(windows, threads);
  return combineWindows(accumulateWindows(bases, phiX.data(), n, 2 * n, digits.data(), c, windows, chunks, threads),
                        c, windows, chunks);
}

}  // namespace DP_ARITH
}  // namespace dp
