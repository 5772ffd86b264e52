// BN254 G1 (y^2 = x^3 + 3 over Fp, prime order, cofactor 1) in the coordinates Pippenger wants.
//
// Affine points are the storage form: (x, y) in Montgomery form, and (0, 0) marks infinity — it cannot be a
// curve point because 0 != 0 + 3. Accumulators use extended Jacobian "XYZZ" coordinates (x = X/ZZ,
// y = Y/ZZZ, ZZ^3 = ZZZ^2): a mixed addition costs 8M + 2S and, unlike projective formulas, needs no
// inversion-free doubling trick; formulas from the Explicit-Formulas Database (madd-2008-s, add-2008-s,
// dbl-2008-s-1, mdbl-2008-s-1), with the exceptional cases (P = Q, P = -Q, infinity) handled explicitly.
#pragma once
#include "field.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

/** b = 3 in Montgomery form is computed once on first use. */
inline const Fp& curveB() {
  static const Fp b = [] {
    u64 three[4] = {3, 0, 0, 0};
    return Fp::fromCanonical(three);
  }();
  return b;
}

struct Affine {
  Fp x, y;
  inline bool isInfinity() const { return x.isZero() && y.isZero(); }
  static inline Affine infinity() { return Affine{Fp::zero(), Fp::zero()}; }
  /** On the curve (infinity counts as valid). */
  inline bool onCurve() const {
    if (isInfinity()) return true;
    Fp rhs = Fp::add(Fp::mul(Fp::sqr(x), x), curveB());
    return Fp::sqr(y) == rhs;
  }
  inline Affine negate() const { return isInfinity() ? *this : Affine{x, Fp::neg(y)}; }
};

struct Xyzz {
  Fp X, Y, ZZ, ZZZ;
  inline bool isInfinity() const { return ZZ.isZero(); }
  static inline Xyzz infinity() { return Xyzz{Fp::one(), Fp::one(), Fp::zero(), Fp::zero()}; }
  static inline Xyzz fromAffine(const Affine& a) {
    return a.isInfinity() ? infinity() : Xyzz{a.x, a.y, Fp::one(), Fp::one()};
  }
};

/** 2·(x, y) for an affine point (mdbl-2008-s-1, a = 0). */
inline Xyzz doubleAffine(const Fp& x, const Fp& y) {
  if (y.isZero()) return Xyzz::infinity();  // no such point on BN254 G1, kept for completeness
  const Fp U = Fp::dbl(y);
  const Fp V = Fp::sqr(U);
  const Fp W = Fp::mul(U, V);
  const Fp S = Fp::mul(x, V);
  const Fp xx = Fp::sqr(x);
  const Fp M = Fp::add(Fp::dbl(xx), xx);
  const Fp X3 = Fp::sub(Fp::sqr(M), Fp::dbl(S));
  const Fp Y3 = Fp::sub(Fp::mul(M, Fp::sub(S, X3)), Fp::mul(W, y));
  return Xyzz{X3, Y3, V, W};
}

/** 2·p (dbl-2008-s-1, a = 0). */
inline Xyzz doubleXyzz(const Xyzz& p) {
  if (p.isInfinity() || p.Y.isZero()) return Xyzz::infinity();
  const Fp U = Fp::dbl(p.Y);
  const Fp V = Fp::sqr(U);
  const Fp W = Fp::mul(U, V);
  const Fp S = Fp::mul(p.X, V);
  const Fp xx = Fp::sqr(p.X);
  const Fp M = Fp::add(Fp::dbl(xx), xx);
  const Fp X3 = Fp::sub(Fp::sqr(M), Fp::dbl(S));
  const Fp Y3 = Fp::sub(Fp::mul(M, Fp::sub(S, X3)), Fp::mul(W, p.Y));
  return Xyzz{X3, Y3, Fp::mul(V, p.ZZ), Fp::mul(W, p.ZZZ)};
}

/** acc += (x2, y2) for a finite affine point (madd-2008-s). */
inline void addAffineInto(Xyzz& acc, const Fp& x2, const Fp& y2) {
  if (acc.isInfinity()) {
    acc = Xyzz{x2, y2, Fp::one(), Fp::one()};
    return;
  }
  const Fp U2 = Fp::mul(x2, acc.ZZ);
  const Fp S2 = Fp::mul(y2, acc.ZZZ);
  const Fp P = Fp::sub(U2, acc.X);
  const Fp R = Fp::sub(S2, acc.Y);
  if (P.isZero()) {
    acc = R.isZero() ? doubleAffine(x2, y2) : Xyzz::infinity();
    return;
  }
  const Fp PP = Fp::sqr(P);
  const Fp PPP = Fp::mul(P, PP);
  const Fp Q = Fp::mul(acc.X, PP);
  const Fp X3 = Fp::sub(Fp::sub(Fp::sqr(R), PPP), Fp::dbl(Q));
  const Fp Y3 = Fp::sub(Fp::mul(R, Fp::sub(Q, X3)), Fp::mul(acc.Y, PPP));
  acc.X = X3;
  acc.Y = Y3;
  acc.ZZ = Fp::mul(acc.ZZ, PP);
  acc.ZZZ = Fp::mul(acc.ZZZ, PPP);
}

/** acc += q (add-2008-s). */
inline void addInto(Xyzz& acc, const Xyzz& q) {
  if (q.isInfinity()) return;
  if (acc.isInfinity()) {
    acc = q;
    return;
  }
  const Fp U1 = Fp::mul(acc.X, q.ZZ);
  const Fp U2 = Fp::mul(q.X, acc.ZZ);
  const Fp S1 = Fp::mul(acc.Y, q.ZZZ);
  const Fp S2 = Fp::mul(q.Y, acc.ZZZ);
  const Fp P = Fp::sub(U2, U1);
  const Fp R = Fp::sub(S2, S1);
  if (P.isZero()) {
    acc = R.isZero() ? doubleXyzz(acc) : Xyzz::infinity();
    return;
  }
  const Fp PP = Fp::sqr(P);
  const Fp PPP = Fp::mul(P, PP);
  const Fp Q = Fp::mul(U1, PP);
  const Fp X3 = Fp::sub(Fp::sub(Fp::sqr(R), PPP), Fp::dbl(Q));
  const Fp Y3 = Fp::sub(Fp::mul(R, Fp::sub(Q, X3)), Fp::mul(S1, PPP));
  acc.X = X3;
  acc.Y = Y3;
  acc.ZZ = Fp::mul(Fp::mul(acc.ZZ, q.ZZ), PP);
  acc.ZZZ = Fp::mul(Fp::mul(acc.ZZZ, q.ZZZ), PPP);
}

/** Affine form of p (one inversion: 1/Z = ZZ/ZZZ, so x = X·(1/Z)^2, y = Y/ZZZ). */
inline Affine toAffine(const Xyzz& p) {
  if (p.isInfinity()) return Affine::infinity();
  const Fp invZZZ = Fp::inv(p.ZZZ);
  const Fp invZ = Fp::mul(p.ZZ, invZZZ);
  return Affine{Fp::mul(p.X, Fp::sqr(invZ)), Fp::mul(p.Y, invZZZ)};
}

/** Affine forms of many points with one inversion (Montgomery's trick over the ZZZ coordinates). */
void batchToAffine(const Xyzz* in, Affine* out, size_t n);

}  // namespace DP_ARITH
}  // namespace dp
