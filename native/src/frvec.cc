// Fr vector kernels (see frvec.h). Element-wise kernels split their index range over threads; evaluation
// splits the coefficients into one chunk per thread, evaluates each chunk by Horner's rule and shifts it by
// x^(chunk start); the two divisions are sequential recurrences (a parallel prefix would double the
// multiplications, which two cores cannot win back) and cost two multiplications per coefficient at most.
#include "frvec.h"
#include <algorithm>
#include <cstring>
#include <vector>
#include "parallel.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

inline Fr load(const u64* p) { return Fr{{p[0], p[1], p[2], p[3]}}; }
inline void store(u64* p, const Fr& a) { std::memcpy(p, a.l, 32); }
/** A canonical scalar in Montgomery form, to multiply canonical elements by (see frvec.h). */
inline Fr montgomery(const u64* canonical) { return Fr::fromCanonical(canonical); }

/** y^k for a small exponent k. */
Fr powSmall(const Fr& yMont, size_t k) {
  const u64 e[4] = {u64(k), 0, 0, 0};
  return Fr::pow(yMont, e);
}

/**
 * For each lane < LANES: sum_{k < count} a[LANES·k + lane]·y^k (canonical results), with the k range split
 * over threads. LANES = 2 evaluates the even and odd halves of one vector in a single pass.
 */
template <int LANES>
void hornerLanes(const u64* a, size_t count, const Fr& yMont, Fr* out, int threads) {
  const size_t chunks = chunksFor(count * LANES, threads);
  std::vector<Fr> partial(chunks * LANES, Fr::zero());
  std::vector<size_t> starts(chunks, 0);
  parallelChunks(count, chunks, [&](size_t begin, size_t end, size_t c) {
    Fr acc[LANES];
    for (int l = 0; l < LANES; l++) acc[l] = Fr::zero();
    for (size_t k = end; k-- > begin;) {
      for (int l = 0; l < LANES; l++) {
        // acc is canonical and y is Montgomery, so the product is canonical acc·y.
        acc[l] = Fr::add(Fr::mul(acc[l], yMont), load(a + 4 * (LANES * k + l)));
      }
    }
    for (int l = 0; l < LANES; l++) partial[c * LANES + l] = acc[l];
    starts[c] = begin;
  });
  for (int l = 0; l < LANES; l++) out[l] = Fr::zero();
  for (size_t c = 0; c < chunks; c++) {
    const Fr shift = c == 0 ? Fr::one() : powSmall(yMont, starts[c]);  // Montgomery form
    for (int l = 0; l < LANES; l++) out[l] = Fr::add(out[l], Fr::mul(partial[c * LANES + l], shift));
  }
}

}  // namespace

void frFold(const u64* a, size_t n, const u64* u, u64* out, int threads) {
  const size_t half = n / 2;
  const Fr uMont = montgomery(u);
  parallelChunks(half, chunksFor(half, threads), [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; i++) {
      const Fr lo = load(a + 8 * i), hi = load(a + 8 * i + 4);
      store(out + 4 * i, Fr::add(lo, Fr::mul(Fr::sub(hi, lo), uMont)));
    }
  });
}

void frEval(const u64* a, size_t n, const u64* x, u64* out, int threads) {
  Fr result;
  hornerLanes<1>(a, n, montgomery(x), &result, threads);
  store(out, result);
}

void frEvalPlusMinus(const u64* a, size_t n, const u64* x, u64* plusMinus, int threads) {
  const Fr xMont = montgomery(x);
  const Fr x2Mont = Fr::mul(xMont, xMont);
  Fr evenOdd[2];
  hornerLanes<2>(a, n / 2, x2Mont, evenOdd, threads);
  Fr even = evenOdd[0];
  Fr oddTimesX = Fr::mul(evenOdd[1], xMont);
  if (n % 2 == 1) {  // the last (even-index) coefficient has no odd partner
    const Fr top = load(a + 4 * (n - 1));
    even = Fr::add(even, Fr::mul(top, powSmall(x2Mont, n / 2)));
  }
  store(plusMinus, Fr::add(even, oddTimesX));
  store(plusMinus + 4, Fr::sub(even, oddTimesX));
}

void frLinearCombination(const u64* const* vectors, const size_t* lens, size_t m, const u64* coeffs, u64* out,
                         size_t n, int threads) {
  std::vector<Fr> cMont(m);
  std::vector<uint8_t> isOne(m);
  for (size_t j = 0; j < m; j++) {
    const u64* c = coeffs + 4 * j;
    isOne[j] = c[0] == 1 && c[1] == 0 && c[2] == 0 && c[3] == 0;
    cMont[j] = montgomery(c);
  }
  parallelChunks(n, chunksFor(n * std::max<size_t>(m, 1), threads), [&](size_t begin, size_t end, size_t) {
    for (size_t i = begin; i < end; i++) {
      Fr acc = Fr::zero();
      for (size_t j = 0; j < m; j++) {
        if (i >= lens[j]) continue;
        const Fr v = load(vectors[j] + 4 * i);
        acc = Fr::add(acc, isOne[j] ? v : Fr::mul(v, cMont[j]));
      }
      store(out + 4 * i, acc);
    }
  });
}

void frDivideByLinear(const u64* a, size_t n, const u64* x, u64* q) {
  if (n <= 1) return;
  const Fr xMont = montgomery(x);
  Fr carry = Fr::zero();
  for (size_t i = n - 1; i >= 1; i--) {
    carry = Fr::add(load(a + 4 * i), Fr::mul(carry, xMont));
    store(q + 4 * (i - 1), carry);
  }
}

void frDivideBySquareTimesLinear(const u64* a, size_t n, const u64* s, u64* q) {
  if (n <= 3) return;
  const Fr sMont = montgomery(s);
  const Fr minusS2Mont = Fr::neg(Fr::mul(sMont, sMont));
  Fr q1 = Fr::zero(), q2 = Fr::zero(), q3 = Fr::zero();  // q_{k+1}, q_{k+2}, q_{k+3}
  for (size_t k = n - 3; k-- > 0;) {
    const Fr v = Fr::add(Fr::add(load(a + 4 * (k + 3)), Fr::mul(Fr::add(q1, q2), sMont)), Fr::mul(q3, minusS2Mont));
    store(q + 4 * k, v);
    q3 = q2;
    q2 = q1;
    q1 = v;
  }
}

void frPairProducts(const u64* const* a, const u64* const* b, size_t m, size_t n, u64* out, int threads) {
  const size_t half = n / 2;
  const size_t chunks = chunksFor(half * std::max<size_t>(m, 1), threads);
  std::vector<Fr> partial(3 * chunks, Fr::zero());
  parallelChunks(half, chunks, [&](size_t begin, size_t end, size_t c) {
    // Montgomery products of canonical integers: sums of a·b·R^{-1}, fixed up by one product with R^2 below.
    Fr s0 = Fr::zero(), s1 = Fr::zero(), s2 = Fr::zero();
    for (size_t k = 0; k < m; k++) {
      const u64* x = a[k];
      const u64* y = b[k];
      for (size_t i = begin; i < end; i++) {
        const Fr xa = load(x + 8 * i), xb = load(x + 8 * i + 4);
        const Fr ya = load(y + 8 * i), yb = load(y + 8 * i + 4);
        s0 = Fr::add(s0, Fr::mul(xa, ya));
        s1 = Fr::add(s1, Fr::mul(xb, yb));
        s2 = Fr::add(s2, Fr::mul(Fr::sub(xb, xa), Fr::sub(yb, ya)));
      }
    }
    partial[3 * c] = s0;
    partial[3 * c + 1] = s1;
    partial[3 * c + 2] = s2;
  });
  const Fr r2{{FR_MOD.r2[0], FR_MOD.r2[1], FR_MOD.r2[2], FR_MOD.r2[3]}};
  for (int s = 0; s < 3; s++) {
    Fr acc = Fr::zero();
    for (size_t c = 0; c < chunks; c++) acc = Fr::add(acc, partial[3 * c + s]);
    store(out + 4 * s, Fr::mul(acc, r2));  // (sum a·b·R^{-1})·R^2·R^{-1} = sum a·b
  }
}

void frEqSum(const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales, size_t count, u64* out) {
  std::vector<Fr> table;
  const u64* p = coords;
  for (size_t e = 0; e < count; e++) {
    const size_t len = lens[e], size = size_t(1) << len;
    table.assign(size, Fr::zero());
    table[0] = load(scales + 4 * e);  // canonical: the table is built as scale·eq directly
    // Step j splits every entry t into (t - t·p_j, t·p_j); t canonical times p_j in Montgomery form is canonical.
    for (size_t j = 0, filled = 1; j < len; j++, filled *= 2) {
      const Fr pj = montgomery(p + 4 * j);
      for (size_t i = 0; i < filled; i++) {
        const Fr hi = Fr::mul(table[i], pj);
        table[i + filled] = hi;
        table[i] = Fr::sub(table[i], hi);
      }
    }
    u64* dst = out + 4 * offsets[e];
    for (size_t i = 0; i < size; i++) store(dst + 4 * i, Fr::add(load(dst + 4 * i), table[i]));
    p += 4 * len;
  }
}

void frWeightedProducts(const u64* const* f, size_t k, const u64* w, size_t half, u64* out, int threads) {
  const size_t points = k + 1;
  const size_t chunks = chunksFor(half * points * std::max<size_t>(k, 1), threads);
  std::vector<Fr> partial(points * chunks, Fr::zero());
  parallelChunks(half, chunks, [&](size_t begin, size_t end, size_t c) {
    std::vector<Fr> cur(k), diff(k), sums(points, Fr::zero());
    for (size_t i = begin; i < end; i++) {
      for (size_t m = 0; m < k; m++) {
        cur[m] = load(f[m] + 8 * i);
        diff[m] = Fr::sub(load(f[m] + 8 * i + 4), cur[m]);
      }
      const Fr wi = load(w + 4 * i);
      for (size_t t = 0; t < points; t++) {
        // k Montgomery products of canonical integers: w·prod·R^{-k}, fixed up once at the end.
        Fr p = wi;
        for (size_t m = 0; m < k; m++) p = Fr::mul(p, cur[m]);
        sums[t] = Fr::add(sums[t], p);
        for (size_t m = 0; m < k; m++) cur[m] = Fr::add(cur[m], diff[m]);
      }
    }
    for (size_t t = 0; t < points; t++) partial[c * points + t] = sums[t];
  });
  const Fr r2{{FR_MOD.r2[0], FR_MOD.r2[1], FR_MOD.r2[2], FR_MOD.r2[3]}};
  for (size_t t = 0; t < points; t++) {
    Fr acc = Fr::zero();
    for (size_t c = 0; c < chunks; c++) acc = Fr::add(acc, partial[c * points + t]);
    for (size_t m = 0; m < k; m++) acc = Fr::mul(acc, r2);  // times R per factor
    store(out + 4 * t, acc);
  }
}

void frScaledInvert(const u64* a, const u64* scales, size_t n, u64* out, int threads) {
  parallelChunks(n, chunksFor(n, threads), [&](size_t begin, size_t end, size_t) {
    if (begin >= end) return;
    // Prefix products in Montgomery form; each inverse leaves it by one product: with the canonical scale
    // (scale·a^{-1}, canonical) or with 1 (toCanonical). out holds a_i in Montgomery form in between, so each
    // element enters Montgomery form once.
    std::vector<Fr> prefix(end - begin);
    Fr acc = Fr::one();
    for (size_t i = begin; i < end; i++) {
      prefix[i - begin] = acc;
      const Fr ai = Fr::fromCanonical(a + 4 * i);
      store(out + 4 * i, ai);
      acc = Fr::mul(acc, ai);
    }
    Fr inv = Fr::inv(acc);
    for (size_t i = end; i-- > begin;) {
      const Fr ai = load(out + 4 * i);
      const Fr invI = Fr::mul(inv, prefix[i - begin]);
      if (scales) {
        store(out + 4 * i, Fr::mul(load(scales + 4 * i), invI));
      } else {
        invI.toCanonical(out + 4 * i);
      }
      inv = Fr::mul(inv, ai);
    }
  });
}

void frBatchInvert(const u64* a, size_t n, u64* out, int threads) { frScaledInvert(a, nullptr, n, out, threads); }

}  // namespace DP_ARITH
}  // namespace dp
