// The arena kernels (arena.h). Element-wise kernels split their index range over threads; the round sums
// split the pairs into contiguous ranges and, inside a range, walk blocks of pairs table by table (each table
// read sequentially) accumulating per pair, so the eq weight multiplies a pair's sum once, not once per table.
//
// Arithmetic: the Montgomery product of two canonical integers a, b is a·b·R^{-1}. The round sums multiply
// canonical values throughout and fix the accumulated powers of R^{-1} once at the end (as frvec.cc does);
// the other kernels turn their few scalars into Montgomery form and multiply canonical values by them, which
// gives canonical results directly.
#include "arena.h"
#include <algorithm>
#include <cstring>
#include <vector>
#include "field.h"
#include "frvec.h"
#include "parallel.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

/** Pairs per block of the round sums: three accumulators of 32 bytes each per pair stay in L1/L2. */
constexpr size_t ROUND_BLOCK = 256;

inline Fr load(const u64* p) { return Fr{{p[0], p[1], p[2], p[3]}}; }
inline void store(u64* p, const Fr& a) { std::memcpy(p, a.l, 32); }
inline bool isOne(const u64* c) { return c[0] == 1 && c[1] == 0 && c[2] == 0 && c[3] == 0; }
inline Fr r2() { return Fr{{FR_MOD.r2[0], FR_MOD.r2[1], FR_MOD.r2[2], FR_MOD.r2[3]}}; }

void shifted(const u64* const* comps, size_t arity, const u64* betas, const u64* alpha, size_t n, u64* out,
             int threads) {
  std::vector<Fr> betaMont(arity);
  std::vector<uint8_t> one(arity);
  for (size_t c = 0; c < arity; c++) {
    one[c] = isOne(betas + 4 * c);
    betaMont[c] = Fr::fromCanonical(betas + 4 * c);
  }
  const Fr a = load(alpha);
  parallelChunks(n, chunksFor(n * std::max<size_t>(arity, 1), threads), [&](size_t begin, size_t end, size_t) {
    for (size_t x = begin; x < end; x++) {
      Fr acc = Fr::zero();
      for (size_t c = 0; c < arity; c++) {
        const Fr v = load(comps[c] + 4 * x);
        // canonical v times β^c in Montgomery form: canonical v·β^c
        acc = Fr::add(acc, one[c] ? v : Fr::mul(v, betaMont[c]));
      }
      store(out + 4 * x, Fr::sub(a, acc));
    }
  });
}

void scale(u64* const* tables, const size_t* lens, size_t m, const u64* coeffs, int threads) {
  for (size_t k = 0; k < m; k++) {
    if (isOne(coeffs + 4 * k)) continue;
    const Fr c = Fr::fromCanonical(coeffs + 4 * k);
    u64* t = tables[k];
    parallelChunks(lens[k], chunksFor(lens[k], threads), [&](size_t begin, size_t end, size_t) {
      for (size_t x = begin; x < end; x++) store(t + 4 * x, Fr::mul(load(t + 4 * x), c));
    });
  }
}

void roundSums(const u64* const* as, const u64* const* bs, size_t pairs, const u64* const* singles,
               const u64* singleCoeffs, size_t nSingles, const u64* const* halves, size_t nHalves, const u64* w,
               size_t len, u64* out, int threads) {
  const size_t half = len / 2;
  const size_t work = half * (pairs + nSingles + nHalves + 1);
  const size_t chunks = chunksFor(work, threads);
  std::vector<Fr> partial(5 * chunks, Fr::zero());
  parallelChunks(half, chunks, [&](size_t begin, size_t end, size_t c) {
    // acc[3·p + X]: the pair's Σ_k a_k(X)·b_k(X) + Σ_s d_s·m_s(X), each product carrying R^{-1}.
    std::vector<Fr> acc(3 * ROUND_BLOCK);
    Fr tau[3] = {Fr::zero(), Fr::zero(), Fr::zero()};
    Fr plain[2] = {Fr::zero(), Fr::zero()};
    for (size_t b0 = begin; b0 < end; b0 += ROUND_BLOCK) {
      const size_t b1 = std::min(end, b0 + ROUND_BLOCK);
      std::fill(acc.begin(), acc.end(), Fr::zero());
      for (size_t k = 0; k < pairs; k++) {
        const u64* a = as[k];
        const u64* b = bs[k];
        for (size_t i = b0; i < b1; i++) {
          const Fr a0 = load(a + 8 * i), a1 = load(a + 8 * i + 4);
          const Fr c0 = load(b + 8 * i), c1 = load(b + 8 * i + 4);
          const Fr a2 = Fr::add(a1, Fr::sub(a1, a0)), c2 = Fr::add(c1, Fr::sub(c1, c0));
          Fr* p = &acc[3 * (i - b0)];
          p[0] = Fr::add(p[0], Fr::mul(a0, c0));
          p[1] = Fr::add(p[1], Fr::mul(a1, c1));
          p[2] = Fr::add(p[2], Fr::mul(a2, c2));
        }
      }
      for (size_t s = 0; s < nSingles; s++) {
        const u64* m = singles[s];
        const Fr d = load(singleCoeffs + 4 * s);  // canonical: d·m·R^{-1}, the pairs' scale
        for (size_t i = b0; i < b1; i++) {
          const Fr p0 = Fr::mul(load(m + 8 * i), d), p1 = Fr::mul(load(m + 8 * i + 4), d);
          Fr* p = &acc[3 * (i - b0)];
          p[0] = Fr::add(p[0], p0);
          p[1] = Fr::add(p[1], p1);
          p[2] = Fr::add(p[2], Fr::add(p1, Fr::sub(p1, p0)));  // linear: d·m(2) = 2·d·m(1) − d·m(0)
        }
      }
      for (size_t i = b0; i < b1; i++) {
        const Fr wi = load(w + 4 * i);
        const Fr* p = &acc[3 * (i - b0)];
        for (int x = 0; x < 3; x++) tau[x] = Fr::add(tau[x], Fr::mul(p[x], wi));  // now R^{-2}
      }
      for (size_t l = 0; l < nHalves; l++) {
        const u64* u = halves[l];
        for (size_t i = b0; i < b1; i++) {
          plain[0] = Fr::add(plain[0], load(u + 8 * i));
          plain[1] = Fr::add(plain[1], load(u + 8 * i + 4));
        }
      }
    }
    for (int x = 0; x < 3; x++) partial[5 * c + x] = tau[x];
    partial[5 * c + 3] = plain[0];
    partial[5 * c + 4] = plain[1];
  });
  const Fr fix = r2();
  for (int s = 0; s < 5; s++) {
    Fr total = Fr::zero();
    for (size_t c = 0; c < chunks; c++) total = Fr::add(total, partial[5 * c + s]);
    if (s < 3) total = Fr::mul(Fr::mul(total, fix), fix);  // R^{-2}·R·R: the canonical sum
    store(out + 4 * s, total);
  }
}

void bind(const u64* const* src, u64* const* dst, size_t m, size_t len, const u64* r, int threads) {
  const size_t half = len / 2;
  const Fr rMont = Fr::fromCanonical(r);
  auto bindTable = [&](size_t k, size_t begin, size_t end) {
    const u64* s = src[k];
    u64* d = dst[k];
    // In place (d == s) this is safe in increasing i: entry i is written after entries 2i and 2i + 1 >= i are read.
    for (size_t i = begin; i < end; i++) {
      const Fr lo = load(s + 8 * i), hi = load(s + 8 * i + 4);
      store(d + 4 * i, Fr::add(lo, Fr::mul(Fr::sub(hi, lo), rMont)));
    }
  };
  bool inPlace = true;
  for (size_t k = 0; k < m; k++) inPlace = inPlace && src[k] == dst[k];
  if (!inPlace) {  // out of place: any split of the entries is race-free
    parallelChunks(half, chunksFor(half * std::max<size_t>(m, 1), threads), [&](size_t begin, size_t end, size_t) {
      for (size_t k = 0; k < m; k++) bindTable(k, begin, end);
    });
    return;
  }
  // In place, a thread's writes would overwrite entries another thread has still to read: split the tables.
  const size_t chunks = std::min(m, chunksFor(half * m, threads));
  parallelChunks(chunks, chunks, [&](size_t c, size_t, size_t) {
    for (size_t k = c; k < m; k += chunks) bindTable(k, 0, half);
  });
}

void accumulate(u64* dst, const u64* src, size_t n, int threads) {
  parallelChunks(n, chunksFor(n, threads), [&](size_t begin, size_t end, size_t) {
    for (size_t x = begin; x < end; x++) store(dst + 4 * x, Fr::add(load(dst + 4 * x), load(src + 4 * x)));
  });
}

// Arithmetic of groupSums: products of canonical values carry R^{-1} per multiplication. For a group of s
// columns, h·ΠF carries R^{-s} and each Π_{l≠j} F carries R^{-(s−2)}; the latter sum times the integer R^{-1}
// (montOne) comes to R^{-s} too. The group's coefficient is pre-multiplied by R^{-(smax − s)}, so every group's
// contribution carries R^{-(smax+1)}, the weight one more; the total is fixed by R (r2()) smax + 2 times.
void groupSums(const u64* const* hs, const u64* const* fs, const size_t* sizes, size_t groups, const u64* coeffs,
               const u64* w, size_t len, size_t points, u64* out, int threads) {
  const size_t half = len / 2;
  const Fr one{{1, 0, 0, 0}};
  const Fr montOne = Fr::mul(one, one);  // the integer R^{-1} mod r
  size_t smax = 0, columns = 0;
  std::vector<size_t> offsets(groups);
  for (size_t g = 0; g < groups; g++) {
    offsets[g] = columns;
    columns += sizes[g];
    smax = std::max(smax, sizes[g]);
  }
  std::vector<Fr> coeff(groups);
  for (size_t g = 0; g < groups; g++) {
    Fr c = load(coeffs + 4 * g);
    for (size_t e = sizes[g]; e < smax; e++) c = Fr::mul(c, one);
    coeff[g] = c;
  }
  const size_t chunks = chunksFor(half * (columns + groups + 1) * points, threads);
  std::vector<Fr> partial(points * chunks, Fr::zero());
  parallelChunks(half, chunks, [&](size_t begin, size_t end, size_t chunk) {
    std::vector<Fr> acc(points * ROUND_BLOCK);
    Fr total[ARENA_MAX_POINTS];
    for (size_t x = 0; x < points; x++) total[x] = Fr::zero();
    Fr fv[ARENA_MAX_POINTS], fd[ARENA_MAX_POINTS], pre[ARENA_MAX_POINTS + 1];
    for (size_t b0 = begin; b0 < end; b0 += ROUND_BLOCK) {
      const size_t b1 = std::min(end, b0 + ROUND_BLOCK);
      std::fill(acc.begin(), acc.end(), Fr::zero());
      for (size_t g = 0; g < groups; g++) {
        const size_t s = sizes[g];
        const u64* h = hs[g];
        const u64* const* f = fs + offsets[g];
        for (size_t i = b0; i < b1; i++) {
          Fr hv = load(h + 8 * i);
          const Fr hd = Fr::sub(load(h + 8 * i + 4), hv);
          for (size_t l = 0; l < s; l++) {
            fv[l] = load(f[l] + 8 * i);
            fd[l] = Fr::sub(load(f[l] + 8 * i + 4), fv[l]);
          }
          Fr* p = &acc[points * (i - b0)];
          for (size_t x = 0; x < points; x++) {
            if (x > 0) {
              hv = Fr::add(hv, hd);
              for (size_t l = 0; l < s; l++) fv[l] = Fr::add(fv[l], fd[l]);
            }
            Fr all, others;  // h·Π F (R^{-s}) and Σ_j Π_{l≠j} F (R^{-(s−2)})
            if (s == 4) {
              // The LLM's group size: with a = F_0F_1, b = F_2F_3, Π F = a·b and the others' sum is
              // a·(F_2 + F_3) + b·(F_0 + F_1): 6 products instead of the prefix/suffix walk's 8.
              const Fr a = Fr::mul(fv[0], fv[1]), b = Fr::mul(fv[2], fv[3]);
              all = Fr::mul(Fr::mul(a, b), hv);
              others = Fr::add(Fr::mul(a, Fr::add(fv[2], fv[3])), Fr::mul(b, Fr::add(fv[0], fv[1])));
            } else {
              pre[1] = fv[0];
              for (size_t l = 1; l < s; l++) pre[l + 1] = Fr::mul(pre[l], fv[l]);  // pre[l]: F_0 … F_{l−1}
              others = pre[s - 1];                                                 // j = s − 1
              Fr suffix = fv[s - 1];                                               // F_{j+1} … F_{s−1}
              for (size_t j = s - 1; j-- > 0;) {
                others = Fr::add(others, j == 0 ? suffix : Fr::mul(pre[j], suffix));
                if (j > 0) suffix = Fr::mul(suffix, fv[j]);
              }
              all = Fr::mul(hv, pre[s]);
            }
            const Fr z = Fr::sub(all, Fr::mul(others, montOne));
            p[x] = Fr::add(p[x], Fr::mul(z, coeff[g]));
          }
        }
      }
      for (size_t i = b0; i < b1; i++) {
        const Fr wi = load(w + 4 * i);
        const Fr* p = &acc[points * (i - b0)];
        for (size_t x = 0; x < points; x++) total[x] = Fr::add(total[x], Fr::mul(p[x], wi));
      }
    }
    for (size_t x = 0; x < points; x++) partial[points * chunk + x] = total[x];
  });
  const Fr fix = r2();
  for (size_t x = 0; x < points; x++) {
    Fr sum = Fr::zero();
    for (size_t c = 0; c < chunks; c++) sum = Fr::add(sum, partial[points * c + x]);
    for (size_t e = 0; e < smax + 2; e++) sum = Fr::mul(sum, fix);
    store(out + 4 * x, sum);
  }
}

void gather(const u64* table, const uint32_t* rows, size_t n, u64* out, bool accumulate, int threads) {
  parallelChunks(n, chunksFor(n, threads), [&](size_t begin, size_t end, size_t) {
    if (accumulate) {
      for (size_t x = begin; x < end; x++) store(out + 4 * x, Fr::add(load(out + 4 * x), load(table + 4 * size_t(rows[x]))));
    } else {
      for (size_t x = begin; x < end; x++) std::memcpy(out + 4 * x, table + 4 * size_t(rows[x]), 32);
    }
  });
}

#define DP_STRINGIFY_(x) #x
#define DP_STRINGIFY(x) DP_STRINGIFY_(x)

}  // namespace

extern const ArenaKernels ARENA_KERNELS = {
    DP_STRINGIFY(DP_ARITH), &shifted, &frScaledInvert, &scale, &roundSums, &bind, &accumulate, &groupSums, &gather,
};

}  // namespace DP_ARITH
}  // namespace dp
