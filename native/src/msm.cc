// Pippenger's bucket method over BN254 G1 with signed digits, split over threads, with the GLV endomorphism
// for full-width scalars.
//
// Scalars are first reduced to their smaller signed form (s or -(r - s), so quantized negatives such as
// r - 3 cost as little as 3), which also bounds every scalar below 2^253; the window count then follows
// the largest scalar actually present, so MSMs over small integers touch one or two windows only. When the
// scalars are wide, each is split instead as k1 + k2·λ (glv.h) and the MSM runs over 2n "virtual points"
// (P_i with k1_i, then φ(P_i) with k2_i) of at most 126 bits: half the windows over twice the points, so the
// point additions stay the same and the bucket reductions and doublings halve. Buckets are XYZZ points (one
// mixed addition per point) or, where the cost model says they pay, affine points filled by batches of
// additions that share one inversion (batch_affine.h).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>
#include "batch_affine.h"
#include "glv.h"
#include "msm.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

/** (r - 1) / 2: scalars above it are handled as the negation of r - s. */
constexpr u64 HALF_R[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL, 0xdc2822db40c0ac2eULL,
                           0x183227397098d014ULL};
/**
 * Largest window width: 2^(c-1) buckets per thread, of 128 bytes each (XYZZ: 64 MiB at c = 20) or 64 plus a
 * state byte (affine: 32 MiB, and an XYZZ spill array touched only on conflicts). Digits are in
 * [-2^(c-1), 2^(c-1) - 1]: int16 up to c = 16 (2 bytes per point per window: 32 MiB for 2^20 points), int32
 * above (WideDigit).
 */
constexpr int MAX_WINDOW_BITS = 20;
/**
 * Largest width the plan chooses by itself. Wider windows remove windows but their buckets outgrow the
 * caches (2^(c-1) affine buckets of 64 bytes per thread: 16 MiB at c = 19), which the cost model does not
 * know: c = 19 measured no faster than c = 16 at 2^22 points and a coin flip at 2^24 (−7 % and +11 % in two
 * runs), c = 20 and 22 slower (docs/msm.md, "Wide windows"). With WIDE_WINDOW_SURCHARGE the plan takes 17 and
 * 18 only where they save a large share of the windows (15- and 16-bit scalars in one window instead of two).
 * Wider widths stay reachable by forcing windowBits (tests, benchmarks).
 */
constexpr int MAX_AUTO_WINDOW_BITS = 18;
/** Digits for windows of up to MAX_NARROW_WINDOW_BITS bits. */
constexpr int MAX_NARROW_WINDOW_BITS = 16;
using NarrowDigit = int16_t;
/** Digits for windows of 17..MAX_WINDOW_BITS bits (twice the memory, so only where c needs them). */
using WideDigit = int32_t;
static_assert(MAX_NARROW_WINDOW_BITS <= 16 && MAX_WINDOW_BITS <= 31, "a digit's range is [-2^(c-1), 2^(c-1) - 1]");
/**
 * How many points ahead the accumulation loop prefetches its bucket and base: 8 measured 7 % faster than 2
 * with affine buckets and 5 % with XYZZ ones (2^18, c = 16; 16 is slower again for affine).
 */
constexpr size_t PREFETCH_DISTANCE = 8;
/** Below this many points, threads cost more than they save. */
constexpr size_t MIN_POINTS_PER_THREAD = 512;
/**
 * Cost-model weights, in mixed additions: a bucket costs about three (its two XYZZ additions in the
 * running-sum reduction, each ≈ 1.4 mixed additions), and a GLV split about 0.3 per scalar (the two
 * rounded products, one Fp multiplication for β·x, a second digit recoding).
 */
constexpr double BUCKET_COST = 3.0;
constexpr double GLV_SPLIT_COST = 0.3;
/**
 * The same for affine buckets (batch_affine.h), fitted to CPU times at 2^12..2^20 (docs/msm.md, Figures): an
 * addition costs 0.86 of a mixed addition (5M + 1S against 8M + 2S, but two passes over the bucket and the
 * batch arrays), one field inversion 25, a bucket in the reduction 2.4 (one mixed addition, one full).
 */
constexpr double AFFINE_ADD_COST = 0.86;
constexpr double INVERSION_COST = 25.0;
constexpr double AFFINE_BUCKET_COST = 2.4;
/**
 * The same on the IFMA flush (ifma/flush.h; batches of AffineBuckets::IFMA_MIN_BATCH additions and more):
 * an addition 0.40, a batch's inversion 30 (the scalar inversion and Montgomery's trick over the 16 lane
 * chains' totals). Fitted at 2^18 points, GLV, c = 16, one thread, CPU ms (docs/msm.md, "The IFMA flush"):
 * XYZZ 1,112, affine with the scalar flush 905, with the IFMA flush 542.
 */
constexpr double IFMA_AFFINE_ADD_COST = 0.40;
constexpr double IFMA_INVERSION_COST = 30.0;
/**
 * Windows with more buckets than this (c >= 17) pay WIDE_WINDOW_SURCHARGE more per addition: their buckets
 * (4 MiB per thread and up) leave L2 and compete for L3. Measured per addition at c = 17 against c = 16 (full-width
 * scalars, 2 threads): +2 % at 2^22 on a quiet machine, +7 % at 2^22 and +20 % at 2^24 under load (docs/msm.md,
 * "Wide windows"). With it, full-width scalars stay at c <= 16, and only scalars that a wide window takes whole
 * (one window instead of two: −40 % measured) get one.
 */
constexpr size_t WIDE_WINDOW_BUCKETS = size_t(1) << 15;
constexpr double WIDE_WINDOW_SURCHARGE = 0.15;

/** c bits of a little-endian integer of `limbs` limbs starting at bit `pos` (bits beyond read as zero). */
inline u64 bitsAt(const u64* s, int limbs, int pos, int c) {
  const int limb = pos >> 6, shift = pos & 63;
  if (limb >= limbs) return 0;
  u64 v = s[limb] >> shift;
  if (shift + c > 64 && limb + 1 < limbs) v |= s[limb + 1] << (64 - shift);
  return v & ((1ULL << c) - 1);
}

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

/**
 * The signed-reduced magnitude of a non-zero scalar s into m: s itself when s <= (r-1)/2, else r - s (and
 * then the point is negated; the return value).
 */
inline bool signedReduce(const u64* s, u64* m) {
  if (Limbs::geq(HALF_R, s)) {
    std::memcpy(m, s, 32);
    return false;
  }
  Limbs::sub(m, FR_MOD.m, s);
  return true;
}

/**
 * The largest bit length of the signed-reduced scalars whose base is finite (0: every term vanishes), one
 * pass split over `parts` threads. Nothing is stored: the digits are recoded from the scalars later.
 */
int maxBits(const Affine* bases, const u64* scalars, size_t n, size_t parts) {
  std::vector<int> bits(parts, 0);
  forRanges(n, parts, [&](size_t begin, size_t end, size_t t) {
    int localBits = 0;
    for (size_t i = begin; i < end; i++) {
      const u64* s = scalars + 4 * i;
      if (bases[i].isInfinity() || Limbs::isZero(s)) continue;
      u64 m[4];
      signedReduce(s, m);
      localBits = std::max(localBits, Limbs::bitLength(m));
    }
    bits[t] = localBits;
  });
  return *std::max_element(bits.begin(), bits.end());
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
 * folded in: each in [-2^(c-1), 2^(c-1) - 1] (c = 16 fits int16, wider windows take int32). A low window
 * rounds up (digit - 2^c, carry 1) from 2^(c-1) on for a positive point and above 2^(c-1) for a negated one,
 * so the negated digit stays in range; the top window is unsigned and absorbs the final carry (at most
 * 2^(c-2), see windowCount).
 */
template <class Digit>
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

/**
 * Digits of points [begin, end) from their signed-reduced scalars (window-major, n per window); a zero
 * scalar or an infinite base gives zero digits.
 */
template <class Digit>
void computeDigits(const Affine* bases, const u64* scalars, size_t n, size_t begin, size_t end, int c, int windows,
                   Digit* digits) {
  for (size_t i = begin; i < end; i++) {
    const u64* s = scalars + 4 * i;
    if (bases[i].isInfinity() || Limbs::isZero(s)) {
      for (int w = 0; w < windows; w++) digits[size_t(w) * n + i] = 0;
      continue;
    }
    u64 m[4];
    const bool negate = signedReduce(s, m);
    recode(m, 4, negate, c, windows, digits + i, n);
  }
}

/**
 * The GLV form of points [begin, end): virtual point i is P_i with digits of k1_i, virtual point n + i is
 * φ(P_i) = (β·x_i, y_i) with digits of k2_i (window-major, 2n per window); phiX[i] = β·x_i. A zero scalar or
 * an infinite base gives zero digits for both.
 */
template <class Digit>
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

/** The XYZZ buckets as accumulate()'s target: each addition is done at once (madd-2008-s). */
struct XyzzBuckets {
  Xyzz* buckets;
  inline void prefetch(size_t b) const { __builtin_prefetch(&buckets[b], 1); }
  inline void add(size_t b, const Fp& x, const Fp& y) const { addAffineInto(buckets[b], x, y); }
};

/**
 * Adds ±(x_j, y_j) into bucket |d_j| - 1 for j in [begin, end), where x_j = xs[j·xStride] and
 * y_j = ys[j·yStride] (strides in field elements): the bases themselves, or the φ-bases' separate x column
 * with the bases' y. `Buckets` is XyzzBuckets or AffineBuckets (batch_affine.h). Returns the largest |d_j|
 * seen (the buckets above it are empty).
 */
template <class Digit, class Buckets>
size_t accumulate(const Fp* xs, size_t xStride, const Fp* ys, size_t yStride, const Digit* digits, size_t begin,
                  size_t end, Buckets& buckets) {
  size_t top = 0;
  for (size_t j = begin; j < end; j++) {
    const int32_t d = digits[j];
    // Buckets outgrow L2 at large c; fetching the bucket and base a few points ahead hides that latency
    // (measured: about 15 % faster at 2^18).
    if (j + PREFETCH_DISTANCE < end) {
      const int32_t next = digits[j + PREFETCH_DISTANCE];
      if (next != 0) buckets.prefetch(size_t(next > 0 ? next : -next) - 1);
      __builtin_prefetch(&xs[(j + PREFETCH_DISTANCE) * xStride]);
      __builtin_prefetch(&ys[(j + PREFETCH_DISTANCE) * yStride]);
    }
    if (d == 0) continue;
    const size_t magnitude = size_t(d > 0 ? d : -d);
    top = std::max(top, magnitude);
    const Fp& y = ys[j * yStride];
    buckets.add(magnitude - 1, xs[j * xStride], d > 0 ? y : Fp::neg(y));
  }
  return top;
}

/**
 * Accumulates one window over virtual points [begin, end) (those below n are the bases, those from n on the
 * φ-bases when phiX is given) into `buckets`; returns the largest digit magnitude seen.
 */
template <class Digit, class Buckets>
size_t accumulateWindow(const Affine* bases, const Fp* phiX, size_t n, const Digit* digits, size_t begin,
                        size_t end, Buckets& buckets) {
  size_t top = 0;
  const Fp* baseX = &bases[0].x;
  const Fp* baseY = &bases[0].y;
  if (begin < n) top = accumulate(baseX, 2, baseY, 2, digits, begin, std::min(end, n), buckets);
  if (end > n) {
    const size_t from = std::max(begin, n);
    top = std::max(top, accumulate(phiX, 1, baseY, 2, digits + n, from - n, end - n, buckets));
  }
  return top;
}

/**
 * One window of `count` XYZZ buckets (digits up to count in magnitude): accumulation, then the running-sum
 * reduction over the buckets in use.
 */
template <class Digit>
Xyzz windowSum(const Affine* bases, const Fp* phiX, size_t n, const Digit* digits, size_t begin, size_t end,
               size_t count, std::vector<Xyzz>& buckets) {
  if (buckets.size() < count) buckets.resize(count);
  std::fill(buckets.begin(), buckets.begin() + count, Xyzz::infinity());
  XyzzBuckets sink{buckets.data()};
  const size_t top = accumulateWindow(bases, phiX, n, digits, begin, end, sink);
  // sum_k (k+1)·bucket[k] = sum over k of the running suffix sums.
  Xyzz running = Xyzz::infinity(), total = Xyzz::infinity();
  for (size_t k = top; k-- > 0;) {
    addInto(running, buckets[k]);
    addInto(total, running);
  }
  return total;
}

/** One window of `count` affine buckets filled by batched additions (batch_affine.h), then the reduction. */
template <class Digit>
Xyzz windowSum(const Affine* bases, const Fp* phiX, size_t n, const Digit* digits, size_t begin, size_t end,
               size_t count, AffineBuckets& buckets) {
  buckets.reset(count);
  const size_t top = accumulateWindow(bases, phiX, n, digits, begin, end, buckets);
  buckets.finish();
  return buckets.reduce(top);
}

/** Modelled cost of one addition into a window of `count` affine buckets: its own work and its inversion share. */
inline double affineAddCost(size_t count) {
  const size_t batch = AffineBuckets::batchFor(count);
  if (ifma::active() && batch >= AffineBuckets::IFMA_MIN_BATCH) return IFMA_AFFINE_ADD_COST + IFMA_INVERSION_COST / double(batch);
  return AFFINE_ADD_COST + INVERSION_COST / double(batch);
}

/**
 * Whether a window of `count` buckets is cheaper in affine buckets than in XYZZ ones: few buckets mean small
 * batches (many inversions) and many deferrals — the top window of a plan often has only a handful.
 */
inline bool affinePays(size_t count) { return affineAddCost(count) < 1.0; }

/** Tasks per window: the points are split too when the windows do not divide evenly among the threads. */
inline size_t chunksFor(int windows, int threads) {
  return threads > 1 && windows % threads != 0 ? size_t(threads) : 1;
}

/**
 * Modelled cost, in mixed additions, of `points` points of `bits`-bit scalars at window width c: per point
 * per window one addition (XYZZ) or AFFINE_ADD_COST plus its share of the batch's inversion (affine), and per
 * bucket reduced BUCKET_COST or AFFINE_BUCKET_COST (every task reduces its own buckets and, affine, inverts
 * at least once).
 */
double windowCost(size_t points, int bits, int c, int threads, bool affine) {
  const int windows = windowCount(bits, c);
  const double perPoint = size_t(1) << (c - 1) > WIDE_WINDOW_BUCKETS ? 1.0 + WIDE_WINDOW_SURCHARGE : 1.0;
  const double chunks = double(chunksFor(windows, threads));
  const size_t full = size_t(1) << (c - 1), top = topWindowBuckets(bits, c);
  const double buckets = double(windows - 1) * double(full) + double(top);
  if (!affine) return double(windows) * double(points) * perPoint + BUCKET_COST * buckets * chunks;
  // Each window in affine buckets if they pay for its bucket count (see affinePays), else in XYZZ ones.
  double cost = 0;
  for (int w = 0; w < windows; w++) {
    const size_t count = w + 1 < windows ? full : top;
    cost += affinePays(count) ? affineAddCost(count) * double(points) * perPoint +
                                    (AFFINE_BUCKET_COST * double(count) + INVERSION_COST) * chunks
                              : double(points) * perPoint + BUCKET_COST * double(count) * chunks;
  }
  return cost;
}

/** The cheapest window width for `points` points of `bits`-bit scalars in one kind of bucket, and its cost. */
std::pair<int, double> bestWindow(size_t points, int bits, int threads, bool affine) {
  int best = 1;
  double bestCost = windowCost(points, bits, 1, threads, affine);
  for (int c = 2; c <= MAX_AUTO_WINDOW_BITS; c++) {
    const double cost = windowCost(points, bits, c, threads, affine);
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return {best, bestCost};
}

/**
 * Runs every (window, chunk) task of the accumulation on `threads` threads; returns the partial sums. `mode`:
 * Xyzz buckets, Affine buckets in every window (forced), or Auto: affine in the windows where they pay.
 */
template <class Digit>
std::vector<Xyzz> accumulateWindows(const Affine* bases, const Fp* phiX, size_t n, size_t points,
                                    const Digit* digits, int bits, int c, size_t chunks, int threads,
                                    BucketMode mode) {
  const int windows = windowCount(bits, c);
  const size_t full = size_t(1) << (c - 1), top = topWindowBuckets(bits, c);
  const size_t tasks = size_t(windows) * chunks;
  std::vector<Xyzz> partial(tasks, Xyzz::infinity());
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    std::vector<Xyzz> xyzz;  // sized on first use
    std::unique_ptr<AffineBuckets> affineBuckets;
    const bool everyWindow = mode == BucketMode::Affine;
    if (everyWindow || (mode == BucketMode::Auto && affinePays(full))) affineBuckets = std::make_unique<AffineBuckets>(full);
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      const size_t w = t / chunks, k = t % chunks;
      const size_t begin = points * k / chunks, end = points * (k + 1) / chunks;
      const size_t count = w + 1 < size_t(windows) ? full : top;
      const Digit* d = digits + w * points;
      partial[t] = affineBuckets && (everyWindow || affinePays(count)) ? windowSum(bases, phiX, n, d, begin, end, count, *affineBuckets)
                                                      : windowSum(bases, phiX, n, d, begin, end, count, xyzz);
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

/**
 * The MSM once planned, with digits of type Digit (wide enough for the plan's window width): digits, then the
 * windows' accumulation and reduction, then their combination.
 */
template <class Digit>
Xyzz msmWith(const Affine* bases, const u64* scalars, size_t n, int threads, int bits, const MsmPlan& plan,
             BucketMode windowMode) {
  const int c = plan.windowBits;
  // Split windows over threads when they divide evenly; otherwise split the points too, so no core idles.
  if (!plan.glv) {
    const int windows = windowCount(bits, c);
    // Every digit is written by its thread below: no zero-filling pass on the calling thread first.
    std::unique_ptr<Digit[]> digits(new Digit[size_t(windows) * n]);
    forRanges(n, size_t(threads), [&](size_t begin, size_t end, size_t) {
      computeDigits<Digit>(bases, scalars, n, begin, end, c, windows, digits.get());
    });
    const size_t chunks = chunksFor(windows, threads);
    return combineWindows(accumulateWindows(bases, nullptr, n, n, digits.get(), bits, c, chunks, threads, windowMode),
                          c, windows, chunks);
  }
  const int windows = windowCount(glv::GLV_BITS, c);
  std::unique_ptr<Fp[]> phiX(new Fp[n]);
  std::unique_ptr<Digit[]> digits(new Digit[size_t(windows) * 2 * n]);
  const Fp& beta = betaMont();
  forRanges(n, size_t(threads), [&](size_t begin, size_t end, size_t) {
    computeGlvDigits<Digit>(bases, scalars, n, begin, end, c, windows, beta, phiX.get(), digits.get());
  });
  const size_t chunks = chunksFor(windows, threads);
  return combineWindows(accumulateWindows(bases, phiX.get(), n, 2 * n, digits.get(), glv::GLV_BITS, c, chunks,
                                          threads, windowMode),
                        c, windows, chunks);
}

}  // namespace

MsmPlan msmPlan(size_t n, int bits, int threads, int windowBits, GlvMode glvMode, BucketMode bucketMode) {
  if (bits <= 0) return MsmPlan{false, 1, false};
  const int forced = windowBits > 0 ? std::min(windowBits, MAX_WINDOW_BITS) : 0;
  MsmPlan best{false, 1, false};
  double bestCost = 0;
  for (const bool glv : {false, true}) {
    if ((glvMode == GlvMode::On && !glv) || (glvMode == GlvMode::Off && glv)) continue;
    for (const bool affine : {false, true}) {
      if ((bucketMode == BucketMode::Affine && !affine) || (bucketMode == BucketMode::Xyzz && affine)) continue;
      const size_t points = glv ? 2 * n : n;
      const int shapeBits = glv ? glv::GLV_BITS : bits;
      auto [c, cost] = forced ? std::make_pair(forced, windowCost(points, shapeBits, forced, threads, affine))
                              : bestWindow(points, shapeBits, threads, affine);
      if (glv) cost += GLV_SPLIT_COST * double(n);
      if (bestCost == 0 || cost < bestCost) {
        best = MsmPlan{glv, c, affine};
        bestCost = cost;
      }
    }
  }
  return best;
}

int msmWindowBits(size_t n, int bits, int threads) {
  return msmPlan(n, bits, threads, 0, GlvMode::Off, BucketMode::Xyzz).windowBits;
}

Xyzz msm(const Affine* bases, const u64* scalars, size_t n, int threads, int windowBits, GlvMode glvMode,
         BucketMode bucketMode) {
  if (n == 0) return Xyzz::infinity();
  threads = int(std::max<size_t>(1, std::min<size_t>(size_t(std::max(threads, 1)), n / MIN_POINTS_PER_THREAD)));
  const int bits = maxBits(bases, scalars, n, size_t(threads));
  if (bits == 0) return Xyzz::infinity();
  const MsmPlan plan = msmPlan(n, bits, threads, windowBits, glvMode, bucketMode);
  const BucketMode windowMode = !plan.affine ? BucketMode::Xyzz : bucketMode == BucketMode::Affine ? BucketMode::Affine
                                                                                                   : BucketMode::Auto;
  return plan.windowBits <= MAX_NARROW_WINDOW_BITS
             ? msmWith<NarrowDigit>(bases, scalars, n, threads, bits, plan, windowMode)
             : msmWith<WideDigit>(bases, scalars, n, threads, bits, plan, windowMode);
}

}  // namespace DP_ARITH
}  // namespace dp
