// Fr vector kernels (see frvec.h). Element-wise kernels split their index range over threads; evaluation
// splits the coefficients into one chunk per thread, evaluates each chunk by Horner's rule and shifts it by
// x^(chunk start); the two divisions are sequential recurrences (a parallel prefix would double the
// multiplications, which two cores cannot win back) and cost two multiplications per coefficient at most.
#include "frvec.h"
#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

namespace dp {
namespace {

/** Below this many elements per thread, starting a thread costs more than it saves. */
constexpr size_t MIN_ELEMENTS_PER_THREAD = size_t(1) << 14;

inline Fr load(const u64* p) { return Fr{{p[0], p[1], p[2], p[3]}}; }
inline void store(u64* p, const Fr& a) { std::memcpy(p, a.l, 32); }
/** A canonical scalar in Montgomery form, to multiply canonical elements by (see frvec.h). */
inline Fr montgomery(const u64* canonical) { return Fr::fromCanonical(canonical); }

/** Calls body(begin, end, chunk) on `chunks` contiguous ranges of [0, n), on as many threads. */
template <class Body>
void parallelChunks(size_t n, size_t chunks, Body body) {
  if (chunks <= 1) {
    body(size_t(0), n, size_t(0));
    return;
  }
  const size_t per = (n + chunks - 1) / chunks;
  std::vector<std::thread> pool;
  try {
    for (size_t c = 1; c < chunks; c++) {
      const size_t begin = std::min(n, c * per), end = std::min(n, begin + per);
      pool.emplace_back([=, &body] { body(begin, end, c); });
    }
  } catch (...) {  // a thread could not start: wait for the started ones (their body references ours)
    for (auto& t : pool) t.join();
    throw;
  }
  body(0, std::min(n, per), 0);
  for (auto& t : pool) t.join();
}

/** How many threads (>= 1) to use for n units of work. */
size_t chunksFor(size_t n, int threads) {
  const size_t byWork = std::max<size_t>(1, n / MIN_ELEMENTS_PER_THREAD);
  return std::min<size_t>(size_t(std::max(threads, 1)), byWork);
}

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

}  // namespace dp
