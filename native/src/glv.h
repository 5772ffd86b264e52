// The GLV endomorphism of BN254 G1 (Gallant, Lambert and Vanstone, CRYPTO 2001) and the scalar split it needs.
//
// φ(x, y) = (β·x, y) with β a primitive cube root of unity in Fp maps every point P of G1 to λ·P, λ a cube root
// of unity in Fr. A scalar k (0 <= k < r) is split as k ≡ k1 + k2·λ (mod r) with |k1|, |k2| < 2^126, so
// k·P = k1·P + k2·φ(P): an MSM over n full-width scalars becomes one over 2n half-width scalars.
//
// The split is Babai rounding in the lattice L = {(a, b) : a + b·λ ≡ 0 (mod r)}, whose reduced basis
// v1 = (A1, -B1), v2 = (A2, B2) comes from the extended Euclidean algorithm on (r, λ) (GLV 2001, §4; the
// derivation and its checks are in docs/msm.md). Writing (k, 0) = β1·v1 + β2·v2 over the rationals,
// β1 = B2·k / r and β2 = B1·k / r; with c_i = round(β_i) the vector (k, 0) − c1·v1 − c2·v2 = (k1, k2) is in
// the coset of (k, 0), so k1 + k2·λ ≡ k, and |k1| <= |β1 − c1|·A1 + |β2 − c2|·A2, similarly for k2. The
// roundings use precomputed G_i = round(coefficient · 2^320 / r): c_i = floor((k·G_i + 2^319) / 2^320) is
// within 1/2 + 2^-67 of β_i, so |k1| <= (1/2 + 2^-67)(A1 + A2) ≈ 0.87·2^126 and |k2| <= (1/2 + 2^-67)(B1 + B2)
// ≈ 0.87·2^126: both below GLV_BITS bits.
#pragma once
#include "field.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace glv {

/** Every half-scalar |k1|, |k2| is below 2^GLV_BITS. */
constexpr int GLV_BITS = 126;

/** β: the cube root of unity in Fp (canonical, little-endian limbs) with (β·x, y) = λ·(x, y) on G1. */
constexpr u64 BETA[4] = {0xe4bd44e5607cfd48ULL, 0xc28f069fbb966e3dULL, 0x5e6dd9e7e0acccb0ULL, 0x30644e72e131a029ULL};
/** λ: the matching cube root of unity in Fr (λ^2 + λ + 1 ≡ 0 mod r). */
constexpr u64 LAMBDA[4] = {0xb8ca0b2d36636f23ULL, 0xcc37a73fec2bc5e9ULL, 0x048b6e193fd84104ULL, 0x30644e72e131a029ULL};

/** The reduced lattice basis v1 = (A1, -B1), v2 = (A2, B2); A1·B2 + A2·B1 = r. */
constexpr u128 A1 = (u128(0x6f4d8248eeb859fcULL) << 64) | 0x8211bbeb7d4f1128ULL;
constexpr u64 B1 = 0x89d3256894d213e3ULL;
constexpr u64 A2 = 0x89d3256894d213e3ULL;
constexpr u128 B2 = (u128(0x6f4d8248eeb859fdULL) << 64) | 0x0be4e1541221250bULL;

/** round(B2·2^320 / r) (194 bits) and round(B1·2^320 / r) (130 bits), little-endian limbs. */
constexpr u64 G1_ROUND[4] = {0x149d540fd5e495ccULL, 0x5398fd0300ff6565ULL, 0x4ccef014a773d2d2ULL, 0x2ULL};
constexpr u64 G2_ROUND[4] = {0x6eb9c714773a6ef3ULL, 0xd91d232ec7e0b3d7ULL, 0x2ULL, 0x0ULL};

/** floor((k·g + 2^319) / 2^320): the rounded quotient, below 2^128 for both constants (k < 2^254). */
inline u128 roundedProductShift(const u64* k, const u64* g) {
  u64 prod[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    u64 carry = 0;
    for (int j = 0; j < 4; j++) {
      const u128 t = u128(k[i]) * g[j] + prod[i + j] + carry;
      prod[i + j] = u64(t);
      carry = u64(t >> 64);
    }
    prod[i + 4] = carry;
  }
  // + 2^319 (bit 63 of limb 4), carried into limbs 5 and 6 (the sum stays below 2^448: no further carry).
  const u128 low = u128(prod[4]) + (u64(1) << 63);
  const u128 high = (u128(prod[6]) << 64) + prod[5] + u64(low >> 64);
  return high;
}

/** One half of a split: the magnitude and whether the (base or φ-base) point is to be subtracted. */
struct Half {
  u128 magnitude;
  bool negate;
};

/** Two's complement 128-bit value as sign and magnitude (its true value is below 2^126 in size). */
inline Half signedHalf(u128 v) {
  const bool negative = (v >> 127) != 0;
  return Half{negative ? u128(0) - v : v, negative};
}

/**
 * k ≡ k1 + k2·λ (mod r) for a canonical k < r, with |k1|, |k2| < 2^GLV_BITS. The true k1, k2 fit in 127 bits
 * with their sign, so they are computed modulo 2^128 (wrapping u128 arithmetic) and read as two's complement.
 */
inline void split(const u64* k, Half& k1, Half& k2) {
  const u128 c1 = roundedProductShift(k, G1_ROUND);
  const u128 c2 = roundedProductShift(k, G2_ROUND);
  const u128 kLow = (u128(k[1]) << 64) | k[0];
  k1 = signedHalf(kLow - c1 * A1 - c2 * A2);
  k2 = signedHalf(c1 * B1 - c2 * B2);
}

}  // namespace glv
}  // namespace DP_ARITH
}  // namespace dp
