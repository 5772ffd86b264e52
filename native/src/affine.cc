// Batch conversion from XYZZ to affine coordinates.
#include <vector>
#include "g1.h"

namespace dp {
inline namespace DP_ARITH {  // arith.h

void batchToAffine(const Xyzz* in, Affine* out, size_t n) {
  std::vector<Fp> zzz(n), scratch(n);
  for (size_t i = 0; i < n; i++) zzz[i] = in[i].ZZZ;  // zero for infinity; batchInvert leaves it zero
  batchInvert(zzz.data(), scratch.data(), n);
  for (size_t i = 0; i < n; i++) {
    if (in[i].isInfinity()) {
      out[i] = Affine::infinity();
      continue;
    }
    const Fp invZ = Fp::mul(in[i].ZZ, zzz[i]);
    out[i] = Affine{Fp::mul(in[i].X, Fp::sqr(invZ)), Fp::mul(in[i].Y, zzz[i])};
  }
}

}  // namespace DP_ARITH
}  // namespace dp
