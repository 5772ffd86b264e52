// The batch-affine flush on AVX-512 IFMA (flush.h): eight additions per 512-bit vector, radix-2^52 Montgomery.
//
// Representation. An Fp element in a vector lane is five 52-bit limbs, limb j in vector j ("V5"), value
// Σ l_j·2^(52j). The scalar code's words are the same integers in 4×64-bit limbs (to52/from52 repack them);
// no value changes representation, only scale (below).
//
// Multiplication (mont): CIOS over the five limbs of b with R' = 2^260. Per limb b_i: t += a·b_i (vpmadd52luq
// adds the low 52 bits of each 52×52 product into t_j, vpmadd52huq the high 52 bits into t_(j+1)); q = t_0·(−p⁻¹)
// mod 2^52 (vpmadd52luq reads only the low 52 bits of t_0, exactly what q needs); t += q·p the same way; then
// t_0 ≡ 0 mod 2^52, its carry goes into t_1 and the limbs shift down. The limbs are not normalised inside the
// loop: each step adds at most four values below 2^52 to a limb (plus a carry below 2^6), so over five steps a
// limb stays below 2^57 — far from 64 bits. One carry pass at the end normalises them. Bound: the result is
// (a·b + Q·p) / 2^260 with Q < 2^260, below a·b/2^260 + p; for a, b < 2p (p < 2^254) that is below
// p/16 + p < 2p, so products of products stay below 2p and no subtraction is needed until a value leaves.
//
// Scales. The scalar words are x·2^256 mod p. With mont(u, v) = u·v / 2^260 the scales work out as follows
// (den, num, x, x_B, y_B all at 2^256; D_i = den_i·2^256):
//   - prefix products P = mont(P, D): any constant factor; Montgomery's trick is blind to it. If the backward
//     pass starts from inv = K / P_last, then mont(inv, P_prev) = K / D_i and mont(inv, D_i) = K / P_prev
//     (P_i = P_prev·D_i / 2^260): every 1/den comes out as K / D_i. The caller supplies K = 2^520.
//   - L = mont(num_i·2^256, 2^520 / D_i) = λ·2^260; S = mont(L, L) = λ²·2^260, and S/16 = λ²·2^256 (div16:
//     add k·p with k = −S·p⁻¹ mod 16, shift right by 4), the scalar code's scale, so x₃ = S/16 − x_B − x.
//   - mont(L, (x_B − x₃)·2^256) = λ·(x_B − x₃)·2^256, so y₃ = that − y_B, again at 2^256.
// Six vector products per addition (one prefix, two backward, λ, λ², y), as the scalar flush's six; the exit
// values are reduced to [0, p), so the buckets hold exactly the words the scalar flush writes.
//
// Chains. Additions i = 8g + l are lane l of group g. The prefix products run in two interleaved chains of
// groups (even g, odd g), 16 lane chains in all, so two independent vector products are in flight (one
// product's dependent carry path, ≈ 5 × 14 cycles, is close to its throughput cost).
#include "flush.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#define DP_IFMA_BUILD 1
#include <immintrin.h>
// GCC 12 reports the AVX-512 headers' own `_mm512_undefined_epi32()` (a deliberately self-initialised
// placeholder operand of the shift intrinsics) as uninitialised once inlined into target-attribute functions.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#else
#define DP_IFMA_BUILD 0
#endif

namespace dp {
namespace ifma {
namespace {

/** 0 unknown (not yet read from the environment), 1 scalar, 2 ifma. */
std::atomic<int> mode{0};
/** See batches(); one relaxed increment per batch of up to 1024 additions. */
std::atomic<uint64_t> batchCount{0};

/** The setting for a name: 1 scalar, 2 ifma, 0 unknown or unsupported here. */
int modeFor(const char* name) {
  if (std::strcmp(name, "scalar") == 0) return 1;
  if (std::strcmp(name, "ifma") == 0) return supported() ? 2 : 0;
  if (std::strcmp(name, "auto") == 0) return supported() ? 2 : 1;
  return 0;
}

}  // namespace

bool supported() {
#if DP_IFMA_BUILD
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
  }();
  return yes;
#else
  return false;
#endif
}

bool active() {
  int m = mode.load(std::memory_order_acquire);
  if (m == 0) {
    const char* env = std::getenv("DEEPPROVE_MSM_FLUSH");
    m = modeFor(env != nullptr && *env != '\0' ? env : "auto");
    if (m == 0) m = 1;  // "ifma" without the CPU support, or a misspelling: the scalar flush
    mode.store(m, std::memory_order_release);
  }
  return m == 2;
}

bool setFlush(const char* name) {
  const int m = modeFor(name);
  if (m == 0) return false;
  mode.store(m, std::memory_order_release);
  return true;
}

uint64_t batches() { return batchCount.load(std::memory_order_relaxed); }

/** Per group of eight: its prefix product and its denominators, five limb vectors of eight words each. */
constexpr size_t GROUP_WORDS = 2 * 5 * LANES;

size_t scratchWords(size_t maxBatch) { return (maxBatch + LANES - 1) / LANES * GROUP_WORDS; }

#if DP_IFMA_BUILD

namespace {

#define DP_IFMA __attribute__((target("avx512f,avx512ifma"), always_inline)) inline

constexpr uint64_t MASK52 = (uint64_t(1) << 52) - 1;
/** p in 52-bit limbs. */
constexpr uint64_t P52[5] = {0x8c16d87cfd47ULL, 0x916871ca8d3c2ULL, 0x181585d97816aULL, 0xa029b85045b68ULL,
                             0x30644e72e131ULL};
/** −p⁻¹ mod 2^52 (the CIOS factor) and mod 16 (div16's). */
constexpr uint64_t PINV52 = 0x20782e4866389ULL;
constexpr uint64_t PINV16 = 9;

/** An Fp element per lane: five 52-bit limbs. */
struct V5 {
  __m512i l[5];
};

DP_IFMA __m512i splat(uint64_t v) { return _mm512_set1_epi64((long long)v); }

/** Carries each limb's bits above 52 into the next (non-negative limbs; the top limb keeps its excess). */
DP_IFMA void carry(__m512i* t) {
  const __m512i mask = splat(MASK52);
  for (int j = 0; j < 4; j++) {
    t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srli_epi64(t[j], 52));
    t[j] = _mm512_and_si512(t[j], mask);
  }
}

/** The same for signed limbs (a difference): the top limb is negative exactly when the value is. */
DP_IFMA void carrySigned(__m512i* t) {
  const __m512i mask = splat(MASK52);
  for (int j = 0; j < 4; j++) {
    t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srai_epi64(t[j], 52));
    t[j] = _mm512_and_si512(t[j], mask);
  }
}

/** a·b / 2^260 mod p, in [0, 2p) for a, b < 2p (normalised limbs). */
DP_IFMA V5 mont(const V5& a, const V5& b) {
  const __m512i zero = _mm512_setzero_si512(), pinv = splat(PINV52);
  __m512i t[6] = {zero, zero, zero, zero, zero, zero};
  for (int i = 0; i < 5; i++) {
    const __m512i bi = b.l[i];
    t[0] = _mm512_madd52lo_epu64(t[0], a.l[0], bi);
    const __m512i q = _mm512_madd52lo_epu64(zero, t[0], pinv);
    for (int j = 1; j < 5; j++) t[j] = _mm512_madd52lo_epu64(t[j], a.l[j], bi);
    for (int j = 0; j < 5; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a.l[j], bi);
    for (int j = 0; j < 5; j++) t[j] = _mm512_madd52lo_epu64(t[j], q, splat(P52[j]));
    for (int j = 0; j < 5; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], q, splat(P52[j]));
    // t_0 is now a multiple of 2^52: its carry joins t_1 and the limbs move down.
    t[1] = _mm512_add_epi64(t[1], _mm512_srli_epi64(t[0], 52));
    for (int j = 0; j < 5; j++) t[j] = t[j + 1];
    t[5] = zero;
  }
  carry(t);
  V5 r;
  for (int j = 0; j < 5; j++) r.l[j] = t[j];
  return r;
}

/** a mod p for a in [0, 2p): a − p where that is not negative. */
DP_IFMA V5 reduce(const V5& a) {
  __m512i d[5];
  for (int j = 0; j < 5; j++) d[j] = _mm512_sub_epi64(a.l[j], splat(P52[j]));
  carrySigned(d);
  const __mmask8 keep = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());  // a < p
  V5 r;
  for (int j = 0; j < 5; j++) r.l[j] = _mm512_mask_mov_epi64(d[j], keep, a.l[j]);
  return r;
}

/** a − b mod p for a, b in [0, p), in [0, p). */
DP_IFMA V5 sub(const V5& a, const V5& b) {
  __m512i d[5];
  for (int j = 0; j < 5; j++) d[j] = _mm512_sub_epi64(a.l[j], b.l[j]);
  carrySigned(d);
  const __mmask8 negative = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
  for (int j = 0; j < 5; j++) d[j] = _mm512_mask_add_epi64(d[j], negative, d[j], splat(P52[j]));
  carry(d);  // the top limb's borrow and the carry cancel: every limb ends in [0, 2^52)
  V5 r;
  for (int j = 0; j < 5; j++) r.l[j] = d[j];
  return r;
}

/** a / 16 mod p for a in [0, 2p), in [0, p): a + k·p is a multiple of 16 for k = −a·p⁻¹ mod 16. */
DP_IFMA V5 div16(const V5& a) {
  const __m512i k = _mm512_and_si512(_mm512_madd52lo_epu64(_mm512_setzero_si512(), a.l[0], splat(PINV16)), splat(15));
  __m512i t[5];
  for (int j = 0; j < 5; j++) t[j] = _mm512_madd52lo_epu64(a.l[j], k, splat(P52[j]));
  for (int j = 0; j < 4; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], k, splat(P52[j]));  // k·p_4 < 2^52
  carry(t);
  V5 r;
  for (int j = 0; j < 4; j++) {
    r.l[j] = _mm512_or_si512(_mm512_srli_epi64(t[j], 4), _mm512_slli_epi64(_mm512_and_si512(t[j + 1], splat(15)), 48));
  }
  r.l[4] = _mm512_srli_epi64(t[4], 4);
  return reduce(r);  // (a + k·p) / 16 < (2p + 15p) / 16 < 2p
}

/** 4×64-bit limbs (one vector per limb) to five 52-bit limbs; the value is below 2^256. */
DP_IFMA V5 to52(__m512i a0, __m512i a1, __m512i a2, __m512i a3) {
  const __m512i mask = splat(MASK52);
  V5 r;
  r.l[0] = _mm512_and_si512(a0, mask);
  r.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a0, 52), _mm512_slli_epi64(a1, 12)), mask);
  r.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a1, 40), _mm512_slli_epi64(a2, 24)), mask);
  r.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(a2, 28), _mm512_slli_epi64(a3, 36)), mask);
  r.l[4] = _mm512_srli_epi64(a3, 16);
  return r;
}

/** Five normalised 52-bit limbs (value below 2^256) back to 4×64-bit limbs. */
DP_IFMA void from52(const V5& v, __m512i* a) {
  a[0] = _mm512_or_si512(v.l[0], _mm512_slli_epi64(v.l[1], 52));
  a[1] = _mm512_or_si512(_mm512_srli_epi64(v.l[1], 12), _mm512_slli_epi64(v.l[2], 40));
  a[2] = _mm512_or_si512(_mm512_srli_epi64(v.l[2], 24), _mm512_slli_epi64(v.l[3], 28));
  a[3] = _mm512_or_si512(_mm512_srli_epi64(v.l[3], 36), _mm512_slli_epi64(v.l[4], 16));
}

/**
 * Eight elements of 4 words each at word offsets idx (lanes outside `mask` take `fill`, a 4-word
 * constant), as a V5.
 */
DP_IFMA V5 gather(const uint64_t* base, __m512i idx, __mmask8 mask, const uint64_t* fill) {
  __m512i a[4];
  for (int j = 0; j < 4; j++) a[j] = _mm512_mask_i64gather_epi64(splat(fill[j]), mask, idx, base + j, 8);
  return to52(a[0], a[1], a[2], a[3]);
}

/** Writes a V5 (value below 2^256) as 4-word elements at word offsets idx, lanes in `mask` only. */
DP_IFMA void scatter(uint64_t* base, __m512i idx, __mmask8 mask, const V5& v) {
  __m512i a[4];
  from52(v, a);
  for (int j = 0; j < 4; j++) _mm512_mask_i64scatter_epi64(base + j, mask, idx, a[j], 8);
}

DP_IFMA V5 load(const uint64_t* p) {
  V5 r;
  for (int j = 0; j < 5; j++) r.l[j] = _mm512_loadu_si512(p + LANES * j);
  return r;
}

DP_IFMA void store(uint64_t* p, const V5& v) {
  for (int j = 0; j < 5; j++) _mm512_storeu_si512(p + LANES * j, v.l[j]);
}

/** Lanes of group g that hold an addition of a batch of `count`. */
inline __mmask8 laneMask(size_t count, size_t g) {
  const size_t left = count - LANES * g;
  return left >= LANES ? __mmask8(0xff) : __mmask8((1u << left) - 1);
}

/** Word offsets of eight consecutive 4-word elements. */
DP_IFMA __m512i elementOffsets() { return _mm512_set_epi64(28, 24, 20, 16, 12, 8, 4, 0); }

constexpr uint64_t ONE[4] = {1, 0, 0, 0}, ZERO[4] = {0, 0, 0, 0};

__attribute__((target("avx512f,avx512ifma"))) size_t prefixImpl(size_t count, const uint64_t* den,
                                                                 uint64_t* scratch, uint64_t* totals) {
  const size_t groups = (count + LANES - 1) / LANES;
  const __m512i offsets = elementOffsets();
  V5 acc[2];
  for (size_t g = 0; g < groups; g++) {
    const V5 d = gather(den + 4 * LANES * g, offsets, laneMask(count, g), ONE);  // padding lanes: 1
    uint64_t* slot = scratch + GROUP_WORDS * g;
    store(slot + 5 * LANES, d);
    acc[g & 1] = g < 2 ? d : mont(acc[g & 1], d);
    store(slot, acc[g & 1]);
  }
  const size_t chains = groups < 2 ? 1 : 2;
  for (size_t c = 0; c < chains; c++) {
    __m512i words[4];
    from52(reduce(acc[c]), words);
    alignas(64) uint64_t limbs[4][LANES];
    for (int j = 0; j < 4; j++) _mm512_store_si512(limbs[j], words[j]);
    for (size_t l = 0; l < LANES; l++) {
      for (int j = 0; j < 4; j++) totals[4 * (LANES * c + l) + j] = limbs[j][l];
    }
  }
  return chains * LANES;
}

__attribute__((target("avx512f,avx512ifma"))) void finishImpl(size_t count, const uint64_t* num, const uint64_t* x,
                                                               const uint32_t* index, uint64_t* buckets,
                                                               const uint64_t* scratch, const uint64_t* inverses) {
  const size_t groups = (count + LANES - 1) / LANES;
  const __m512i offsets = elementOffsets();
  V5 inv[2];
  for (size_t c = 0; c < (groups < 2 ? 1 : 2); c++) inv[c] = gather(inverses + 4 * LANES * c, offsets, 0xff, ZERO);
  for (size_t g = groups; g-- > 0;) {
    const __mmask8 mask = laneMask(count, g);
    const uint64_t* slot = scratch + GROUP_WORDS * g;
    // 1/den = K / D_i from the chain's running inverse, then the running inverse steps past D_i.
    V5 invDen = inv[g & 1];
    if (g >= 2) {
      invDen = mont(inv[g & 1], load(slot - 2 * GROUP_WORDS));
      inv[g & 1] = mont(inv[g & 1], load(slot + 5 * LANES));
    }
    // Bucket b's x at word 8b, its y at 8b + 4 (lanes outside the mask read nothing and are never written).
    __m256i b32 = _mm256_setzero_si256();
    std::memcpy(&b32, index + LANES * g, sizeof(uint32_t) * (mask == 0xff ? LANES : size_t(__builtin_popcount(mask))));
    const __m512i bx = _mm512_slli_epi64(_mm512_cvtepu32_epi64(b32), 3);
    const __m512i by = _mm512_add_epi64(bx, splat(4));
    const V5 xb = gather(buckets, bx, mask, ZERO), yb = gather(buckets, by, mask, ZERO);
    const V5 xi = gather(x + 4 * LANES * g, offsets, mask, ZERO);
    const V5 lambda = mont(gather(num + 4 * LANES * g, offsets, mask, ZERO), invDen);  // λ·2^260
    const V5 x3 = sub(sub(div16(mont(lambda, lambda)), xb), xi);
    const V5 y3 = sub(reduce(mont(lambda, sub(xb, x3))), yb);
    scatter(buckets, bx, mask, x3);
    scatter(buckets, by, mask, y3);
  }
}

}  // namespace

size_t prefix(size_t count, const uint64_t* den, uint64_t* scratch, uint64_t* totals) {
  batchCount.fetch_add(1, std::memory_order_relaxed);
  return prefixImpl(count, den, scratch, totals);
}

void finish(size_t count, const uint64_t* num, const uint64_t* x, const uint32_t* index, uint64_t* buckets,
            const uint64_t* scratch, const uint64_t* inverses) {
  finishImpl(count, num, x, index, buckets, scratch, inverses);
}

#else  // not an x86-64 GCC/Clang build: supported() is false, so these are never called

size_t prefix(size_t, const uint64_t*, uint64_t*, uint64_t*) { std::abort(); }
void finish(size_t, const uint64_t*, const uint64_t*, const uint32_t*, uint64_t*, const uint64_t*, const uint64_t*) {
  std::abort();
}

#endif

}  // namespace ifma
}  // namespace dp
