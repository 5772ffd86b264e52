// The batch opening's in-place kernels (opening.h). Same Montgomery trick as frvec.cc: a canonical integer
// times a Montgomery-form element is the canonical product, so scalars are converted once and the vectors never.
#include "opening.h"
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>
#include "parallel.h"
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

/** E_p's output is cut into at most this many blocks, handed to the threads as they come free. */
constexpr size_t MAX_EQ_BLOCKS = 64;
/** Smallest E_p output block (words). */
constexpr size_t MIN_EQ_BLOCK = size_t(1) << 12;

inline Fr load(const u64* p) { return Fr{{p[0], p[1], p[2], p[3]}}; }
inline void store(u64* p, const Fr& a) { std::memcpy(p, a.l, 32); }
inline Fr montgomery(const u64* canonical) { return Fr::fromCanonical(canonical); }
inline Fr r2() { return Fr{{FR_MOD.r2[0], FR_MOD.r2[1], FR_MOD.r2[2], FR_MOD.r2[3]}}; }

/**
 * eq(·, p_0..p_{count−1}) by doubling, starting from `start`: table[i] = start·prod_j (bit_j(i) ? p_j : 1 − p_j).
 * With `start` canonical the entries are canonical; with start = 1 in Montgomery form they are Montgomery.
 */
void eqTable(const u64* coords, size_t count, const Fr& start, std::vector<Fr>& table) {
  table.assign(size_t(1) << count, Fr::zero());
  table[0] = start;
  for (size_t j = 0, filled = 1; j < count; j++, filled *= 2) {
    const Fr pj = montgomery(coords + 4 * j);
    for (size_t i = 0; i < filled; i++) {
      const Fr hi = Fr::mul(table[i], pj);
      table[i + filled] = hi;
      table[i] = Fr::sub(table[i], hi);
    }
  }
}

/**
 * dst[i] += scale·eq(i; p_0..p_{k−1}) for i < 2^k, as hi[i >> h]·lo[i mod 2^h]: lo the Montgomery eq table of
 * the h = k/2 low coordinates, hi the canonical scale·eq of the others — one multiplication a word and
 * O(2^(k/2)) scratch.
 */
void addScaledEq(u64* dst, const u64* coords, size_t k, const Fr& scale, std::vector<Fr>& lo, std::vector<Fr>& hi) {
  const size_t h = k / 2;
  eqTable(coords, h, Fr::one(), lo);
  eqTable(coords + 4 * h, k - h, scale, hi);
  const size_t loSize = size_t(1) << h;
  for (size_t a = 0; a < hi.size(); a++) {
    u64* row = dst + 4 * (a << h);
    for (size_t b = 0; b < loSize; b++) store(row + 4 * b, Fr::add(load(row + 4 * b), Fr::mul(hi[a], lo[b])));
  }
}

}  // namespace

void eqSumInto(u64* out, size_t n, const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales,
               size_t count, int threads) {
  if (n == 0 || count == 0) return;
  std::vector<size_t> starts(count);
  for (size_t e = 0, at = 0; e < count; e++) {
    starts[e] = at;
    at += 4 * lens[e];
  }
  // Power-of-two blocks: an entry (aligned to its own power-of-two size) lies inside one block or covers whole
  // blocks, whose words share the entry's high coordinates' bits. Each block is written by one thread.
  size_t blocks = 1;
  while (blocks < MAX_EQ_BLOCKS && n / (2 * blocks) >= MIN_EQ_BLOCK) blocks *= 2;
  const size_t block = n / blocks;
  std::atomic<size_t> next{0};
  const Fr one = Fr::one();
  onThreads(std::min<size_t>(size_t(std::max(threads, 1)), blocks), [&](size_t) {
    std::vector<Fr> lo, hi;
    for (size_t blk; (blk = next.fetch_add(1)) < blocks;) {
      const size_t begin = blk * block, end = begin + block;
      for (size_t e = 0; e < count; e++) {
        const size_t size = size_t(1) << lens[e], at = offsets[e];
        if (at >= end || at + size <= begin) continue;
        const size_t base = std::max(at, begin), span = std::min(at + size, end) - base;
        size_t k = 0;
        while ((size_t(1) << k) < span) k++;
        // The coordinates above k are fixed on this block: fold their eq factors into the scale.
        Fr scale = load(scales + 4 * e);
        const u64* p = coords + starts[e];
        for (size_t j = k; j < lens[e]; j++) {
          const Fr pj = montgomery(p + 4 * j);
          scale = Fr::mul(scale, ((base - at) >> j) & 1 ? pj : Fr::sub(one, pj));
        }
        addScaledEq(out + 4 * base, p, k, scale, lo, hi);
      }
    }
  });
}

void pairFoldSums(const u64* const* srcA, const u64* const* srcB, u64* const* dstA, u64* const* dstB, size_t m,
                  size_t len, const u64* r, u64* sums, int threads) {
  const Fr rM = montgomery(r);
  std::memset(sums, 0, 96);
  if (len == 2) {  // one word each after binding: no next round inside the vectors
    for (size_t k = 0; k < m; k++) {
      for (int side = 0; side < 2; side++) {
        const u64* s = side ? srcB[k] : srcA[k];
        const Fr lo = load(s), hi = load(s + 4);
        store(side ? dstB[k] : dstA[k], Fr::add(lo, Fr::mul(Fr::sub(hi, lo), rM)));
      }
    }
    return;
  }
  // Quad q (source words 4q..4q+3) binds to words 2q, 2q+1 and adds their products to the sums. Worker c takes
  // quads [c·per, (c+1)·per); in place it writes them from word 4·begin (inside its own source range, never
  // past the quad it reads), moved down to 2·begin once every worker is done.
  const size_t quads = len / 4;
  const size_t workers = chunksFor(quads * std::max<size_t>(m, 1), threads);
  const size_t per = (quads + workers - 1) / workers;
  std::vector<Fr> partial(3 * workers, Fr::zero());
  onThreads(workers, [&](size_t c) {
    const size_t begin = std::min(quads, c * per), end = std::min(quads, begin + per);
    Fr s0 = Fr::zero(), s1 = Fr::zero(), s2 = Fr::zero();
    for (size_t k = 0; k < m; k++) {
      const u64* a = srcA[k];
      const u64* b = srcB[k];
      u64* da = dstA[k] + (dstA[k] == srcA[k] ? 8 * begin : 0);
      u64* db = dstB[k] + (dstB[k] == srcB[k] ? 8 * begin : 0);
      for (size_t q = begin; q < end; q++) {
        const u64* x = a + 16 * q;
        const u64* y = b + 16 * q;
        const Fr a0 = load(x), a1 = load(x + 4), a2 = load(x + 8), a3 = load(x + 12);
        const Fr b0 = load(y), b1 = load(y + 4), b2 = load(y + 8), b3 = load(y + 12);
        const Fr fa0 = Fr::add(a0, Fr::mul(Fr::sub(a1, a0), rM)), fa1 = Fr::add(a2, Fr::mul(Fr::sub(a3, a2), rM));
        const Fr fb0 = Fr::add(b0, Fr::mul(Fr::sub(b1, b0), rM)), fb1 = Fr::add(b2, Fr::mul(Fr::sub(b3, b2), rM));
        store(da + 8 * q, fa0);
        store(da + 8 * q + 4, fa1);
        store(db + 8 * q, fb0);
        store(db + 8 * q + 4, fb1);
        // Montgomery products of canonical integers: a·b·R^{-1}, fixed up once below.
        s0 = Fr::add(s0, Fr::mul(fa0, fb0));
        s1 = Fr::add(s1, Fr::mul(fa1, fb1));
        s2 = Fr::add(s2, Fr::mul(Fr::sub(fa1, fa0), Fr::sub(fb1, fb0)));
      }
    }
    partial[3 * c] = s0;
    partial[3 * c + 1] = s1;
    partial[3 * c + 2] = s2;
  });
  for (size_t c = 1; c < workers; c++) {
    const size_t begin = std::min(quads, c * per), end = std::min(quads, begin + per);
    if (begin >= end) continue;
    for (size_t k = 0; k < m; k++) {
      if (dstA[k] == srcA[k]) std::memmove(dstA[k] + 8 * begin, dstA[k] + 16 * begin, 64 * (end - begin));
      if (dstB[k] == srcB[k]) std::memmove(dstB[k] + 8 * begin, dstB[k] + 16 * begin, 64 * (end - begin));
    }
  }
  for (int s = 0; s < 3; s++) {
    Fr acc = Fr::zero();
    for (size_t c = 0; c < workers; c++) acc = Fr::add(acc, partial[3 * c + s]);
    store(sums + 4 * s, Fr::mul(acc, r2()));  // (sum a·b·R^{-1})·R^2·R^{-1} = sum a·b
  }
}

void quotientBySquareTimesLinearInPlace(u64* a, size_t n, const u64* s) {
  if (n <= 3) return;
  const Fr sM = montgomery(s);
  const Fr minusS2 = Fr::neg(Fr::mul(sM, sM));
  Fr q1 = Fr::zero(), q2 = Fr::zero(), q3 = Fr::zero();  // q_{k+1}, q_{k+2}, q_{k+3}
  for (size_t k = n - 3; k-- > 0;) {
    // a[k + 3] is read, then overwritten by q_k: later steps read only lower words.
    const Fr v = Fr::add(Fr::add(load(a + 4 * (k + 3)), Fr::mul(Fr::add(q1, q2), sM)), Fr::mul(q3, minusS2));
    store(a + 4 * (k + 3), v);
    q3 = q2;
    q2 = q1;
    q1 = v;
  }
}

void quotientOfLInPlace(u64* a, size_t n, const u64* s, const u64* zAtZ, const u64* z) {
  if (n <= 1) return;
  const Fr sM = montgomery(s), zM = montgomery(z);
  const Fr c0 = Fr::sub(Fr::mul(sM, sM), montgomery(zAtZ));  // s^2 − Z(z), Montgomery
  // q_m lives at word m + 3 (m <= n − 4); w0, w1, w2 = q_i, q_{i−1}, q_{i−2}, carried down in registers because
  // the words above i already hold Q'.
  Fr w0 = Fr::zero(), w1 = Fr::zero(), w2 = Fr::zero(), carry = Fr::zero();
  for (size_t i = n - 1; i >= 1; i--) {
    Fr l;
    Fr w3 = Fr::zero();
    if (i >= 3) {
      w3 = load(a + 4 * i);  // q_{i−3}
      // l_i = b_i − Z(z)·q_i with b_i = (Q·Z)_i = q_{i−3} − s·(q_{i−2} + q_{i−1}) + s^2·q_i
      l = Fr::add(Fr::sub(w3, Fr::mul(Fr::add(w1, w2), sM)), Fr::mul(w0, c0));
    } else {
      l = Fr::sub(load(a + 4 * i), Fr::mul(w0, montgomery(zAtZ)));  // b_i kept in place
    }
    carry = Fr::add(l, Fr::mul(carry, zM));
    store(a + 4 * i, carry);  // q'_{i−1}
    w0 = w1;
    w1 = w2;
    w2 = w3;
  }
}

namespace {

/** Output words of one block of the eq pair sum-check: its bound E_p is built in a scratch of this many words. */
constexpr size_t EQ_PAIR_BLOCK = size_t(1) << 12;
/** A polynomial's round is split over the threads only above this many output words a piece. */
constexpr size_t EQ_PAIR_MIN_TASK = size_t(1) << 14;

/** Frees what hugeWords allocated. */
struct FreeWords {
  void operator()(u64* p) const { std::free(p); }
};
using Words = std::unique_ptr<u64[], FreeWords>;

/** Bytes of a transparent huge page, the alignment of the large buffers below. */
constexpr size_t HUGE_PAGE = size_t(1) << 21;

/**
 * `count` uninitialised words; from 2 MB on aligned to and advised onto transparent huge pages (Linux), so the
 * first write faults once per 2 MB instead of once per 4 KB page (the folded tables are 400 MB at 128
 * positions of stories260K, written once in round 1).
 */
Words hugeWords(size_t count) {
  const size_t bytes = 32 * std::max<size_t>(count, 1);
  void* p = nullptr;
  if (bytes >= HUGE_PAGE) {
    if (posix_memalign(&p, HUGE_PAGE, (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE) != 0) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);  // advice only: ignored where unsupported
#endif
  } else {
    p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
  }
  return Words(static_cast<u64*>(p));
}

/** An entry of E_p as the rounds bind it: its scale absorbs eq(r_t, c_t) of every bound coordinate. */
struct EqEntry {
  size_t poly, offset, len;
  const u64* coords;  // len canonical coordinates
  Fr scale;           // canonical: scale_e · prod_{t < round} eq(r_t, c_t)
};

/** One piece of a polynomial's round: blocks [begin, end) of its output, done in order by one thread. */
struct EqPairTask {
  size_t poly, begin, end;
};

/** 1 − r − c + 2rc = eq(r, c) for one coordinate, Montgomery in and out. */
inline Fr eqOne(const Fr& rM, const Fr& cM) {
  const Fr rc = Fr::mul(rM, cM);
  return Fr::add(Fr::sub(Fr::sub(Fr::one(), rM), cM), Fr::add(rc, rc));
}

}  // namespace

void eqPairSumcheck(const u64* const* tables, const size_t* vars, size_t polys, const size_t* entryPoly,
                    const size_t* offsets, const size_t* lens, const u64* coords, const u64* scales, size_t entries,
                    size_t n, int threads, const EqPairRound& round) {
  const Fr one = Fr::one();
  std::vector<EqEntry> es(entries);
  std::vector<std::vector<size_t>> onPoly(polys);
  for (size_t e = 0, at = 0; e < entries; e++) {
    es[e] = EqEntry{entryPoly[e], offsets[e], lens[e], coords + at, load(scales + 4 * e)};
    at += 4 * lens[e];
    onPoly[entryPoly[e]].push_back(e);
  }
  // f_p bound to r_0 … r_{j−1}: the caller's table in round 0, then a buffer of half its size, folded in place.
  std::vector<const u64*> cur(tables, tables + polys);
  std::vector<Words> own(polys);
  std::vector<Fr> single(polys, Fr::zero());  // f_p once all its variables are bound (canonical)
  Fr rM = Fr::zero();                         // r_{j−1}, Montgomery
  std::vector<EqPairTask> tasks;
  std::vector<size_t> blockStart, blockEntries;  // per task polynomial: CSR of the entries meeting each block
  std::vector<std::vector<size_t>> csrStart(polys), csrList(polys);
  for (size_t j = 0; j < n; j++) {
    // 1. Polynomials still with pairs: their output (2^(vars − j) words) in blocks, the entries meeting each.
    tasks.clear();
    Fr boundOut = Fr::zero();  // Σ f·E of the polynomials down to one word (their odd word is 0)
    for (size_t p = 0; p < polys; p++) {
      if (vars[p] < j + 1) {
        // One word: f_p(r) zero-extended; E_p there is Σ of the entries' scales (all at word 0 now).
        if (vars[p] == j) {
          if (j == 0) single[p] = load(cur[p]);
          else {
            const Fr lo = load(cur[p]), hi = load(cur[p] + 4);
            single[p] = Fr::add(lo, Fr::mul(Fr::sub(hi, lo), rM));
            own[p].reset();
          }
        } else {
          single[p] = Fr::mul(single[p], Fr::sub(one, rM));
        }
        Fr e = Fr::zero();
        for (size_t k : onPoly[p]) e = Fr::add(e, es[k].scale);
        boundOut = Fr::add(boundOut, Fr::mul(single[p], e));
        continue;
      }
      const size_t m = size_t(1) << (vars[p] - j);
      if (j == 1) own[p] = hugeWords(m);
      const size_t block = std::min(m, EQ_PAIR_BLOCK), blocks = m / block;
      std::vector<size_t>& start = csrStart[p];
      std::vector<size_t>& list = csrList[p];
      start.assign(blocks + 1, 0);
      for (size_t k : onPoly[p]) {
        const EqEntry& x = es[k];
        const size_t a = x.offset >> j, z = x.len > j ? size_t(1) << (x.len - j) : 1;
        for (size_t b = a / block; b <= (a + z - 1) / block; b++) start[b + 1]++;
      }
      for (size_t b = 0; b < blocks; b++) start[b + 1] += start[b];
      list.resize(start[blocks]);
      std::vector<size_t> fill(start.begin(), start.end() - 1);
      for (size_t k : onPoly[p]) {
        const EqEntry& x = es[k];
        const size_t a = x.offset >> j, z = x.len > j ? size_t(1) << (x.len - j) : 1;
        for (size_t b = a / block; b <= (a + z - 1) / block; b++) list[fill[b]++] = k;
      }
      const size_t pieces = std::max<size_t>(1, std::min<size_t>({size_t(std::max(threads, 1)), blocks, m / EQ_PAIR_MIN_TASK}));
      const size_t per = (blocks + pieces - 1) / pieces;
      for (size_t b = 0; b < blocks; b += per) tasks.push_back(EqPairTask{p, b, std::min(blocks, b + per)});
    }
    // Largest first, so the last tasks the threads pick up are short.
    std::stable_sort(tasks.begin(), tasks.end(), [&](const EqPairTask& x, const EqPairTask& y) {
      return (x.end - x.begin) * std::min(size_t(1) << (vars[x.poly] - j), EQ_PAIR_BLOCK) >
             (y.end - y.begin) * std::min(size_t(1) << (vars[y.poly] - j), EQ_PAIR_BLOCK);
    });
    // 2. Each task: per block, E_p bound to r_<j built in the scratch, f_p folded by r_{j−1} (from round 1 on;
    // in place from round 2, each task writing from the start of its own source range) and the sums taken.
    std::atomic<size_t> next{0};
    const size_t workers = std::min<size_t>(size_t(std::max(threads, 1)), tasks.size());
    std::vector<Fr> partial(3 * std::max<size_t>(workers, 1), Fr::zero());
    onThreads(workers, [&](size_t w) {
      std::vector<Fr> lo, hi;
      std::vector<u64> scratch(4 * EQ_PAIR_BLOCK);
      Fr s0 = Fr::zero(), s1 = Fr::zero(), s2 = Fr::zero();
      for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
        const EqPairTask& task = tasks[t];
        const size_t p = task.poly, m = size_t(1) << (vars[p] - j);
        const size_t block = std::min(m, EQ_PAIR_BLOCK);
        const u64* src = cur[p];
        // Where this task's folded words go: a new buffer in round 1; in place later, from its source start.
        u64* dst = j == 0 ? nullptr : j == 1 ? own[p].get() + 4 * task.begin * block : own[p].get() + 8 * task.begin * block;
        for (size_t b = task.begin; b < task.end; b++, dst = dst ? dst + 4 * block : nullptr) {
          const size_t u = b * block;
          const size_t* first = csrList[p].data() + csrStart[p][b];
          const size_t* last = csrList[p].data() + csrStart[p][b + 1];
          const u64* in = src + 4 * (j == 0 ? u : 2 * u);
          if (first == last) {  // E_p is zero here: the sums get nothing, the fold still has to be done
            if (j > 0) {
              for (size_t i = 0; i < block; i++) {
                const Fr a0 = load(in + 8 * i), a1 = load(in + 8 * i + 4);
                store(dst + 4 * i, Fr::add(a0, Fr::mul(Fr::sub(a1, a0), rM)));
              }
            }
            continue;
          }
          std::memset(scratch.data(), 0, 32 * block);
          for (const size_t* k = first; k != last; k++) {
            const EqEntry& x = es[*k];
            const size_t a = x.offset >> j, z = x.len > j ? size_t(1) << (x.len - j) : 1;
            const size_t base = std::max(a, u), span = std::min(a + z, u + block) - base;
            u64* at = scratch.data() + 4 * (base - u);
            if (span == 1) {
              // Every free coordinate bound (or the block is one word): the bound scale times the fixed ones.
              Fr s = x.scale;
              for (size_t c = j; c < x.len; c++) {
                const Fr cM = montgomery(x.coords + 4 * c);
                s = Fr::mul(s, ((base - a) >> (c - j)) & 1 ? cM : Fr::sub(one, cM));
              }
              store(at, Fr::add(load(at), s));
              continue;
            }
            size_t kk = 0;
            while ((size_t(1) << kk) < span) kk++;
            // Coordinates j + kk … len − 1 are fixed on this block: their eq factors go into the scale.
            Fr s = x.scale;
            for (size_t c = j + kk; c < x.len; c++) {
              const Fr cM = montgomery(x.coords + 4 * c);
              s = Fr::mul(s, ((base - a) >> (c - j)) & 1 ? cM : Fr::sub(one, cM));
            }
            addScaledEq(at, x.coords + 4 * j, kk, s, lo, hi);
          }
          const u64* e = scratch.data();
          for (size_t i = 0; i < block / 2; i++) {
            Fr f0, f1;
            if (j == 0) {
              f0 = load(in + 8 * i);
              f1 = load(in + 8 * i + 4);
            } else {
              const u64* q = in + 16 * i;
              const Fr a0 = load(q), a1 = load(q + 4), a2 = load(q + 8), a3 = load(q + 12);
              f0 = Fr::add(a0, Fr::mul(Fr::sub(a1, a0), rM));
              f1 = Fr::add(a2, Fr::mul(Fr::sub(a3, a2), rM));
              store(dst + 8 * i, f0);
              store(dst + 8 * i + 4, f1);
            }
            const Fr e0 = load(e + 8 * i), e1 = load(e + 8 * i + 4);
            // Montgomery products of canonical integers: f·E·R^{-1}, fixed up once below.
            s0 = Fr::add(s0, Fr::mul(f0, e0));
            s1 = Fr::add(s1, Fr::mul(f1, e1));
            s2 = Fr::add(s2, Fr::mul(Fr::sub(f1, f0), Fr::sub(e1, e0)));
          }
        }
      }
      partial[3 * w] = s0;
      partial[3 * w + 1] = s1;
      partial[3 * w + 2] = s2;
    });
    // In place (round 2 on): each task's words down from its source start to their place.
    if (j >= 2) {
      // Lowest first within a polynomial, so no task's words land on words not yet moved.
      std::vector<EqPairTask> moves(tasks);
      std::sort(moves.begin(), moves.end(), [](const EqPairTask& x, const EqPairTask& y) { return x.poly != y.poly ? x.poly < y.poly : x.begin < y.begin; });
      for (const EqPairTask& task : moves) {
        if (task.begin == 0) continue;
        const size_t block = std::min(size_t(1) << (vars[task.poly] - j), EQ_PAIR_BLOCK);
        u64* base = own[task.poly].get();
        std::memmove(base + 4 * task.begin * block, base + 8 * task.begin * block, 32 * (task.end - task.begin) * block);
      }
    }
    for (size_t p = 0; p < polys; p++) {
      if (vars[p] >= j + 1 && j >= 1) cur[p] = own[p].get();
    }
    u64 sums[12];
    for (int s = 0; s < 3; s++) {
      Fr acc = s == 1 ? Fr::zero() : boundOut;
      Fr w = Fr::zero();
      for (size_t c = 0; c < workers; c++) w = Fr::add(w, partial[3 * c + s]);
      acc = Fr::add(acc, w);
      store(sums + 4 * s, Fr::mul(acc, r2()));  // (Σ f·E·R^{-1})·R^2·R^{-1} = Σ f·E
    }
    u64 r[4];
    round(j, sums, r);
    rM = montgomery(r);
    // 3. Bind coordinate j in every entry's scale: eq(r_j, c_j), c_j a free coordinate or a bit of the offset.
    const Fr oneMinusR = Fr::sub(one, rM);
    for (EqEntry& x : es) {
      const Fr factor = j < x.len ? eqOne(rM, montgomery(x.coords + 4 * j)) : ((x.offset >> j) & 1 ? rM : oneMinusR);
      x.scale = Fr::mul(x.scale, factor);
    }
  }
}

extern const OpeningKernels OPENING_KERNELS = {
    &eqSumInto,
    &pairFoldSums,
    &eqPairSumcheck,
    &quotientBySquareTimesLinearInPlace,
    &quotientOfLInPlace,
};

}  // namespace DP_ARITH
}  // namespace dp
