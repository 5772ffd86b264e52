// Montgomery arithmetic over the two 254-bit BN254 primes (base field Fp, scalar field Fr).
//
// An element is four little-endian 64-bit limbs holding a·R mod m, R = 2^256 — the same layout snarkjs and
// ffjavascript write to `.ptau` files ("LEM"), so points read from a ceremony file need no conversion.
// Both moduli are below 2^254, which leaves two spare bits: sums of two reduced values never overflow 256
// bits and the CIOS product stays below 2m, so one conditional subtraction always suffices.
//
// Compiled in two copies (arith.h): the portable one multiplies with unsigned __int128, the adx one with the
// mulx/adcx/adox carry chains of mont_adx.h; everything else is shared source.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include "arith.h"
#if DP_ARITH_USES_ADX
#include "mont_adx.h"
#endif

namespace dp {
inline namespace DP_ARITH {

using u64 = uint64_t;
using u128 = unsigned __int128;

/** Constants of one Montgomery field; values computed offline and checked by the test-suite. */
struct Modulus {
  u64 m[4];    // the prime
  u64 inv;     // -m^{-1} mod 2^64
  u64 r2[4];   // R^2 mod m (to enter Montgomery form)
  u64 one[4];  // R mod m (1 in Montgomery form)
};

// mont_adx.h reads −m^{-1} right after the four limbs of m.
static_assert(offsetof(Modulus, inv) == 4 * sizeof(u64), "Modulus: inv must follow m");

inline constexpr Modulus FP_MOD = {
    {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL},
    0x87d20782e4866389ULL,
    {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL},
    {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL},
};

inline constexpr Modulus FR_MOD = {
    {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL},
    0xc2e1f593efffffffULL,
    {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL},
    {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL},
};

/** Four-limb little-endian integer helpers (no modulus). */
struct Limbs {
  /** a >= b as 256-bit integers. */
  static inline bool geq(const u64* a, const u64* b) {
    for (int i = 3; i >= 0; i--) {
      if (a[i] != b[i]) return a[i] > b[i];
    }
    return true;
  }
  /** out = a - b, returns the borrow. */
  static inline u64 sub(u64* out, const u64* a, const u64* b) {
    u64 borrow = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)a[i] - b[i] - borrow;
      out[i] = (u64)d;
      borrow = (u64)(d >> 64) & 1;
    }
    return borrow;
  }
  /** out = a + b, returns the carry. */
  static inline u64 add(u64* out, const u64* a, const u64* b) {
    u64 carry = 0;
    for (int i = 0; i < 4; i++) {
      u128 s = (u128)a[i] + b[i] + carry;
      out[i] = (u64)s;
      carry = (u64)(s >> 64);
    }
    return carry;
  }
  static inline bool isZero(const u64* a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }
  /** Number of significant bits (0 for zero). */
  static inline int bitLength(const u64* a) {
    for (int i = 3; i >= 0; i--) {
      if (a[i]) return 64 * i + 64 - __builtin_clzll(a[i]);
    }
    return 0;
  }
};

/** An element of the field with modulus M, in Montgomery form. */
template <const Modulus& M>
struct Fe {
  u64 l[4];

  static inline Fe zero() { return Fe{{0, 0, 0, 0}}; }
  static inline Fe one() { return Fe{{M.one[0], M.one[1], M.one[2], M.one[3]}}; }

  inline bool isZero() const { return Limbs::isZero(l); }
  inline bool operator==(const Fe& o) const {
    return l[0] == o.l[0] && l[1] == o.l[1] && l[2] == o.l[2] && l[3] == o.l[3];
  }
  inline bool operator!=(const Fe& o) const { return !(*this == o); }

  /**
   * Montgomery product a·b·R^{-1}: CIOS with the reduction interleaved per word. Because the top word of
   * m is below 2^63 - 1, the running value never needs a fifth and sixth word (the "no-carry" variant
   * used by gnark), which keeps every intermediate in registers.
   */
  static inline Fe mul(const Fe& a, const Fe& b) {
#if DP_ARITH_USES_ADX
    // The same CIOS as below with two interleaved carry chains (mont_adx.h); the result is in [0, 2m).
    Fe r;
    adxasm::montMul(r.l, a.l, b.l, M.m);  // M.m is followed by M.inv
    r.reduceOnce();
    return r;
#else
    u64 t0, t1, t2, t3;
    {
      u128 x = (u128)a.l[0] * b.l[0];
      t0 = (u64)x;
      u64 A = (u64)(x >> 64);
      const u64 m = t0 * M.inv;
      u128 y = (u128)m * M.m[0] + t0;
      u64 C = (u64)(y >> 64);
      x = (u128)a.l[1] * b.l[0] + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[1] + (u64)x + C; t0 = (u64)y; C = (u64)(y >> 64);
      x = (u128)a.l[2] * b.l[0] + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[2] + (u64)x + C; t1 = (u64)y; C = (u64)(y >> 64);
      x = (u128)a.l[3] * b.l[0] + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[3] + (u64)x + C; t2 = (u64)y; C = (u64)(y >> 64);
      t3 = C + A;
    }
    for (int i = 1; i < 4; i++) {
      const u64 bi = b.l[i];
      u128 x = (u128)a.l[0] * bi + t0;
      u64 A = (u64)(x >> 64);
      const u64 lo = (u64)x;
      const u64 m = lo * M.inv;
      u128 y = (u128)m * M.m[0] + lo;
      u64 C = (u64)(y >> 64);
      x = (u128)a.l[1] * bi + t1 + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[1] + (u64)x + C; t0 = (u64)y; C = (u64)(y >> 64);
      x = (u128)a.l[2] * bi + t2 + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[2] + (u64)x + C; t1 = (u64)y; C = (u64)(y >> 64);
      x = (u128)a.l[3] * bi + t3 + A; A = (u64)(x >> 64);
      y = (u128)m * M.m[3] + (u64)x + C; t2 = (u64)y; C = (u64)(y >> 64);
      t3 = C + A;
    }
    Fe r{{t0, t1, t2, t3}};
    r.reduceOnce();
    return r;
#endif
  }
  static inline Fe sqr(const Fe& a) {
#if DP_ARITH_USES_ADX
    Fe r;
    adxasm::montSqr(r.l, a.l, M.m);  // 26 products instead of 32 (mont_adx.h)
    r.reduceOnce();
    return r;
#else
    return mul(a, a);
#endif
  }

  static inline Fe add(const Fe& a, const Fe& b) {
    Fe r;
#if DP_ARITH_USES_ADX
    adxasm::modAdd(r.l, a.l, b.l, M.m);  // branch-free (mont_adx.h)
#else
    Limbs::add(r.l, a.l, b.l);
    r.reduceOnce();
#endif
    return r;
  }
  /**
   * a - b, adding m back under a mask rather than a branch: the borrow is a coin flip for the random
   * operands of an MSM (measured: about 5 % faster overall). The same trick in reduceOnce measured slower.
   */
  static inline Fe sub(const Fe& a, const Fe& b) {
    Fe r;
#if DP_ARITH_USES_ADX
    adxasm::modSub(r.l, a.l, b.l, M.m);  // the same with cmov (mont_adx.h)
#else
    const u64 mask = 0 - Limbs::sub(r.l, a.l, b.l);
    const u64 masked[4] = {M.m[0] & mask, M.m[1] & mask, M.m[2] & mask, M.m[3] & mask};
    Limbs::add(r.l, r.l, masked);
#endif
    return r;
  }
  static inline Fe neg(const Fe& a) {
#if DP_ARITH_USES_ADX
    // 0 − a borrows exactly when a != 0, and then m is added back: m − a, or 0 for 0, with no branch (half
    // of an MSM's digits are negative, so this runs on half of its mixed additions).
    Fe r;
    const Fe z = zero();
    adxasm::modSub(r.l, z.l, a.l, M.m);
    return r;
#else
    if (a.isZero()) return a;
    Fe r;
    Limbs::sub(r.l, M.m, a.l);
    return r;
#endif
  }
  static inline Fe dbl(const Fe& a) { return add(a, a); }

  /** a^e for a little-endian exponent (variable time: exponents here are public). */
  static Fe pow(const Fe& a, const u64* e) {
    Fe r = one();
    for (int i = 255; i >= 0; i--) {
      r = sqr(r);
      if ((e[i >> 6] >> (i & 63)) & 1) r = mul(r, a);
    }
    return r;
  }
  /** a^{-1} by Fermat (a^{m-2}); zero maps to zero. */
  static Fe inv(const Fe& a) {
    u64 e[4] = {M.m[0] - 2, M.m[1], M.m[2], M.m[3]};  // m is odd and > 2: no borrow
    return pow(a, e);
  }

  /** Enters Montgomery form from a canonical integer (must be < m). */
  static inline Fe fromCanonical(const u64* v) {
    Fe a{{v[0], v[1], v[2], v[3]}};
    Fe r2{{M.r2[0], M.r2[1], M.r2[2], M.r2[3]}};
    return mul(a, r2);
  }
  /** Leaves Montgomery form: the canonical integer. */
  inline void toCanonical(u64* out) const {
    Fe one_{{1, 0, 0, 0}};
    Fe r = mul(*this, one_);
    std::memcpy(out, r.l, 32);
  }
  /** Whether the limbs are a reduced residue (< m). */
  static inline bool isReduced(const u64* v) { return !Limbs::geq(v, M.m); }

 private:
  /**
   * x - m if x >= m (x < 2m), by a branch: after a Montgomery product x >= m is rare (the result is below
   * m + a·b/R), so the branch predicts well; a mask select here measured 35 % slower in the MSM. (The
   * portable add uses it too; the adx add selects by cmov instead, see mont_adx.h.)
   */
  inline void reduceOnce() {
    if (Limbs::geq(l, M.m)) Limbs::sub(l, l, M.m);
  }
};

using Fp = Fe<FP_MOD>;
using Fr = Fe<FR_MOD>;

/**
 * Inverts every non-zero element of `a` in place with one field inversion (Montgomery's trick); zeros stay
 * zero. `scratch` must hold n elements.
 */
template <class F>
void batchInvert(F* a, F* scratch, size_t n) {
  F acc = F::one();
  for (size_t i = 0; i < n; i++) {
    scratch[i] = acc;
    if (!a[i].isZero()) acc = F::mul(acc, a[i]);
  }
  F inv = F::inv(acc);
  for (size_t i = n; i-- > 0;) {
    if (a[i].isZero()) continue;
    F ai = a[i];
    a[i] = F::mul(inv, scratch[i]);
    inv = F::mul(inv, ai);
  }
}

}  // namespace DP_ARITH
}  // namespace dp
