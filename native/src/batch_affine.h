// Pippenger buckets in affine coordinates, filled by batches of additions that share one field inversion.
//
// An affine addition (x1, y1) + (x2, y2) needs λ = (y2 − y1) / (x2 − x1), then x3 = λ² − x1 − x2 and
// y3 = λ·(x1 − x3) − y1: one inversion, 2M + 1S. Inverting the denominators of a whole batch of independent
// additions at once (Montgomery's trick: 3M per element and one inversion per batch) makes an addition cost
// about 5M + 1S plus a share of the inversion, against 8M + 2S for the XYZZ mixed addition — the idea of
// "batch-affine" Pippenger (as in gnark-crypto and arkworks; the description here is ours).
//
// A batch must not hold two additions into the same bucket (the second needs the first's result). A point
// whose bucket already has an addition in the current batch is deferred: it waits in a queue and is retried
// after the batch completes. The queue is bounded; when it is full, a further conflicting point is added
// into the bucket's XYZZ side accumulator ("spill") by a mixed addition instead, so a skewed input (every
// point in one bucket, as when all scalars are 1) costs what the XYZZ buckets would, never an inversion per
// point. The exceptional cases are exact: an empty bucket takes the point as it is, P + P goes into the batch
// as a doubling (λ = 3x² / 2y; y ≠ 0 on G1), and P + (−P) empties the bucket at once.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>
#include "g1.h"
#include "ifma/flush.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

class AffineBuckets {
 public:
  /** Additions sharing one inversion, at most (one Fermat inversion ≈ 380 multiplications, ≈ 0.4M each). */
  static constexpr size_t MAX_BATCH = 1024;
  /**
   * The batch is at most 1/BATCH_SHARE of the buckets in use: a point then meets a busy bucket with
   * probability below 1/(2·BATCH_SHARE) on uniform digits.
   */
  static constexpr size_t BATCH_SHARE = 8;
  /** Deferred points waiting for the next batch, at most; further conflicts spill (see above). */
  static constexpr size_t MAX_DEFERRED = 256;
  /**
   * Batches of at least this many additions run on the IFMA flush when it is active (ifma/flush.h); below
   * it, the scalar flush (the IFMA one's fixed cost: up to 16 chain totals inverted by Montgomery's trick in
   * scalar code, ≈ 46 products).
   */
  static constexpr size_t IFMA_MIN_BATCH = 32;

  /** Storage for up to `capacity` buckets (left uninitialised; reset() empties the ones a window uses). */
  explicit AffineBuckets(size_t capacity)
      : buckets_(new Affine[capacity]),
        spill_(new Xyzz[capacity]),
        state_(capacity, 0),
        index_(MAX_BATCH),
        x_(MAX_BATCH),
        num_(MAX_BATCH),
        den_(MAX_BATCH),
        scratch_(MAX_BATCH),
        ifma_(ifma::active()),
        ifmaScratch_(ifma_ ? new uint64_t[ifma::scratchWords(MAX_BATCH)] : nullptr) {
    deferred_.reserve(MAX_DEFERRED);
    retry_.reserve(MAX_DEFERRED);
  }

  /** The batch size for a window of `count` buckets. */
  static inline size_t batchFor(size_t count) { return std::clamp<size_t>(count / BATCH_SHARE, 1, MAX_BATCH); }

  /** Empties buckets [0, count) for a new window. */
  void reset(size_t count) {
    std::fill(state_.begin(), state_.begin() + count, uint8_t(0));
    batch_ = batchFor(count);
    count_ = 0;
    deferred_.clear();
  }

  /** Brings bucket b's state and coordinates towards the cache ahead of an add(). */
  inline void prefetch(size_t b) const {
    __builtin_prefetch(&state_[b], 1);
    __builtin_prefetch(&buckets_[b], 1);
  }

  /** bucket[b] += (x, y), a finite point (scheduled: complete after finish()). */
  inline void add(size_t b, const Fp& x, const Fp& y) {
    uint8_t& s = state_[b];
    if (s & BUSY) {
      defer(b, x, y);
      return;
    }
    if (!(s & FULL)) {
      buckets_[b] = Affine{x, y};
      s |= FULL;
      return;
    }
    const Affine& bucket = buckets_[b];
    Fp den = Fp::sub(x, bucket.x), num;
    if (den.isZero()) {
      if (y != bucket.y) {  // P + (−P)
        s &= uint8_t(~FULL);
        return;
      }
      const Fp xx = Fp::sqr(x);  // P + P: λ = 3x² / 2y
      num = Fp::add(Fp::dbl(xx), xx);
      den = Fp::dbl(y);
    } else {
      num = Fp::sub(y, bucket.y);
    }
    index_[count_] = uint32_t(b);
    x_[count_] = x;
    num_[count_] = num;
    den_[count_] = den;
    count_++;
    s |= BUSY;
    if (count_ == batch_) {
      flush();
      if (!draining_) drain();
    }
  }

  /** Completes every scheduled and deferred addition. */
  void finish() {
    while (count_ > 0 || !deferred_.empty()) {
      flush();
      drain();
    }
  }

  /**
   * sum_k (k+1)·bucket[k] over the buckets below `top` (after finish()), by running sums from the top: the
   * running sum takes each affine bucket by a mixed addition and its spill, if any, by a full one.
   */
  Xyzz reduce(size_t top) const {
    Xyzz running = Xyzz::infinity(), total = Xyzz::infinity();
    for (size_t k = top; k-- > 0;) {
      const uint8_t s = state_[k];
      if (s & FULL) addAffineInto(running, buckets_[k].x, buckets_[k].y);
      if (s & SPILL) addInto(running, spill_[k]);
      addInto(total, running);
    }
    return total;
  }

 private:
  /** Bucket states: holds a point; has an addition in the current batch; its spill accumulator is in use. */
  enum : uint8_t { FULL = 1, BUSY = 2, SPILL = 4 };

  struct Deferred {
    uint32_t bucket;
    Fp x, y;
  };

  inline void defer(size_t b, const Fp& x, const Fp& y) {
    if (deferred_.size() < MAX_DEFERRED) {
      deferred_.push_back(Deferred{uint32_t(b), x, y});
      return;
    }
    uint8_t& s = state_[b];
    if (!(s & SPILL)) {
      spill_[b] = Xyzz::infinity();
      s |= SPILL;
    }
    addAffineInto(spill_[b], x, y);
  }

  /** Runs the batch: one inversion for all denominators, then each bucket's new coordinates. */
  void flush() {
    if (count_ == 0) return;
    if (ifma_ && count_ >= IFMA_MIN_BATCH) {
      flushIfma();
      return;
    }
    Fp acc = den_[0];
    for (size_t i = 1; i < count_; i++) {
      scratch_[i] = acc;  // den[0] · … · den[i−1]
      acc = Fp::mul(acc, den_[i]);
    }
    Fp inv = Fp::inv(acc);  // 1 / (den[0] · … · den[i]) as i descends
    for (size_t i = count_; i-- > 0;) {
      Fp invDen = inv;
      if (i > 0) {
        invDen = Fp::mul(inv, scratch_[i]);
        inv = Fp::mul(inv, den_[i]);
      }
      const uint32_t b = index_[i];
      Affine& bucket = buckets_[b];
      const Fp lambda = Fp::mul(num_[i], invDen);
      const Fp x3 = Fp::sub(Fp::sub(Fp::sqr(lambda), bucket.x), x_[i]);
      bucket.y = Fp::sub(Fp::mul(lambda, Fp::sub(bucket.x, x3)), bucket.y);
      bucket.x = x3;
      state_[b] &= uint8_t(~BUSY);
    }
    count_ = 0;
  }

  /**
   * The same batch on the IFMA flush: its prefix products in 8 or 16 lane chains, the chains' totals inverted
   * here (Montgomery's trick, one scalar inversion, scaled to 2^520 / total as ifma::finish expects), then the
   * backward passes and the new coordinates eight additions at a time. The buckets end with the same words.
   */
  void flushIfma() {
    u64 totals[ifma::MAX_CHAINS][4], inverses[ifma::MAX_CHAINS][4];
    const size_t chains = ifma::prefix(count_, den_[0].l, ifmaScratch_.get(), totals[0]);
    Fp running[ifma::MAX_CHAINS];  // totals[0] · … · totals[c] (scalar Montgomery products)
    running[0] = Fp{{totals[0][0], totals[0][1], totals[0][2], totals[0][3]}};
    for (size_t c = 1; c < chains; c++) {
      running[c] = Fp::mul(running[c - 1], Fp{{totals[c][0], totals[c][1], totals[c][2], totals[c][3]}});
    }
    // Fp::inv(T) = 2^512 / T; times 2^264 / 2^256 makes it 2^520 / T, and the backward pass keeps that scale.
    const Fp scale{{ifma::INVERSE_SCALE_264[0], ifma::INVERSE_SCALE_264[1], ifma::INVERSE_SCALE_264[2],
                    ifma::INVERSE_SCALE_264[3]}};
    Fp inv = Fp::mul(Fp::inv(running[chains - 1]), scale);
    for (size_t c = chains; c-- > 0;) {
      Fp invTotal = inv;
      if (c > 0) {
        invTotal = Fp::mul(inv, running[c - 1]);
        inv = Fp::mul(inv, Fp{{totals[c][0], totals[c][1], totals[c][2], totals[c][3]}});
      }
      std::copy(invTotal.l, invTotal.l + 4, inverses[c]);
    }
    ifma::finish(count_, num_[0].l, x_[0].l, index_.data(), buckets_[0].x.l, ifmaScratch_.get(), inverses[0]);
    for (size_t i = 0; i < count_; i++) state_[index_[i]] &= uint8_t(~BUSY);
    count_ = 0;
  }

  /** Retries the deferred points (those meeting a busy bucket again wait for the next batch). */
  void drain() {
    if (deferred_.empty()) return;
    retry_.swap(deferred_);
    deferred_.clear();
    draining_ = true;  // a batch filling up here is flushed, but the retry list is not re-entered
    for (const Deferred& d : retry_) add(d.bucket, d.x, d.y);
    draining_ = false;
    retry_.clear();
  }

  std::unique_ptr<Affine[]> buckets_;
  std::unique_ptr<Xyzz[]> spill_;
  std::vector<uint8_t> state_;
  // The batch: bucket, the added point's x, λ's numerator and denominator; scratch for the prefix products.
  std::vector<uint32_t> index_;
  std::vector<Fp> x_, num_, den_, scratch_;
  size_t count_ = 0, batch_ = 1;
  // Whether batches run on the IFMA flush (decided once, when the buckets are made), and its scratch.
  bool ifma_;
  std::unique_ptr<uint64_t[]> ifmaScratch_;
  std::vector<Deferred> deferred_, retry_;
  bool draining_ = false;
};

}  // namespace DP_ARITH
}  // namespace dp
