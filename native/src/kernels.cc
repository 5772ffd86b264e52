// One copy's kernel table (kernels.h): compiled once as the portable copy and once as the adx copy
// (src/adx/kernels.cc), like every file it calls.
#include "kernels.h"
#include "msm.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h
namespace {

#define DP_STRINGIFY_(x) #x
#define DP_STRINGIFY(x) DP_STRINGIFY_(x)

void msmCanonical(const u64* basesMont, const u64* scalars, size_t n, int threads, int windowBits, int glv,
                  int buckets, u64* out) {
  const Affine result = toAffine(msm(reinterpret_cast<const Affine*>(basesMont), scalars, n, threads, windowBits,
                                     GlvMode(glv), BucketMode(buckets)));
  result.x.toCanonical(out);
  result.y.toCanonical(out + 4);
}

void fixedBaseG1(const u64* scalars, size_t n, u64* outMont, int threads) {
  const u64 one[4] = {1, 0, 0, 0}, two[4] = {2, 0, 0, 0};
  const Affine g{Fp::fromCanonical(one), Fp::fromCanonical(two)};
  fixedBaseMul(g, scalars, n, reinterpret_cast<Affine*>(outMont), threads);
}

void frPowers(const u64* tau, size_t n, u64* out) {
  const Fr t = Fr::fromCanonical(tau);
  Fr acc = Fr::one();
  for (size_t i = 0; i < n; i++) {
    acc.toCanonical(out + 4 * i);
    acc = Fr::mul(acc, t);
  }
}

long long firstInvalidPoint(const u64* mont, size_t n) {
  const Affine* pts = reinterpret_cast<const Affine*>(mont);
  for (size_t i = 0; i < n; i++) {
    if (!Fp::isReduced(pts[i].x.l) || !Fp::isReduced(pts[i].y.l) || !pts[i].onCurve()) return (long long)i;
  }
  return -1;
}

}  // namespace

extern const Kernels KERNELS = {
    DP_STRINGIFY(DP_ARITH),
    &msmCanonical,
    &fixedBaseG1,
    &frPowers,
    &firstInvalidPoint,
    &frFold,
    &frEval,
    &frEvalPlusMinus,
    &frLinearCombination,
    &frDivideByLinear,
    &frDivideBySquareTimesLinear,
    &frPairProducts,
    &frEqSum,
    &frWeightedProducts,
    &frBatchInvert,
};

}  // namespace DP_ARITH
}  // namespace dp
