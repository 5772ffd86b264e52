// The kernel entry points the addon calls, as one table per copy of the arithmetic (arith.h), and the choice
// between the copies: the adx copy (mulx/adcx/adox Montgomery multiplication) on CPUs with BMI2 and ADX,
// the portable copy elsewhere or when asked for (DEEPPROVE_NATIVE_ARITH=portable, or setArithmetic).
//
// Every entry takes plain words, so the table's type is the same in both copies; results are identical.
#pragma once
#include <cstddef>
#include <cstdint>
#include "frvec.h"

namespace dp {

/** The hot kernels of one arithmetic copy. Layouts: docs/msm.md ("Byte layouts"). */
struct Kernels {
  /** "portable" or "adx". */
  const char* name;
  /**
   * sum_i s_i·P_i over n Montgomery affine bases (8 words each) and canonical scalars (4 words each), written
   * to out as the canonical affine point (8 words). windowBits 0 = automatic; glv 0 automatic, 1 on, 2 off;
   * buckets 0 automatic, 1 affine (batched inversions), 2 XYZZ.
   */
  void (*msm)(const uint64_t* basesMont, const uint64_t* scalars, size_t n, int threads, int windowBits, int glv,
              int buckets, uint64_t* outCanonical);
  /** s_i·G for the standard generator G = (1, 2), as n Montgomery affine points (8 words each). */
  void (*fixedBaseG1)(const uint64_t* scalars, size_t n, uint64_t* outMont, int threads);
  /** tau^0 .. tau^(n-1) in Fr, canonical (4 words each); tau is canonical. */
  void (*frPowers)(const uint64_t* tau, size_t n, uint64_t* out);
  /** Index of the first Montgomery affine point with a coordinate >= p or off the curve, or -1. */
  long long (*firstInvalidPoint)(const uint64_t* mont, size_t n);
  decltype(&::dp::frFold) frFold;
  decltype(&::dp::frEval) frEval;
  decltype(&::dp::frEvalPlusMinus) frEvalPlusMinus;
  decltype(&::dp::frLinearCombination) frLinearCombination;
  decltype(&::dp::frDivideByLinear) frDivideByLinear;
  decltype(&::dp::frDivideBySquareTimesLinear) frDivideBySquareTimesLinear;
  decltype(&::dp::frPairProducts) frPairProducts;
  decltype(&::dp::frEqSum) frEqSum;
  decltype(&::dp::frWeightedProducts) frWeightedProducts;
  decltype(&::dp::frBatchInvert) frBatchInvert;
};

// The two tables (kernels.cc, compiled once per copy).
namespace portable {
extern const Kernels KERNELS;
}
namespace adx {
extern const Kernels KERNELS;
}

/** Whether this CPU can run the adx copy (x86-64 with BMI2 and ADX, from CPUID leaf 7). */
bool adxSupported();

/**
 * The table in use. On first use it is chosen from DEEPPROVE_NATIVE_ARITH: "portable", "adx" (when
 * supported; else portable) or unset / "auto" (adx when supported).
 */
const Kernels& kernels();

/**
 * Switches the table: "auto", "portable" or "adx". Returns false (and changes nothing) for an unknown name or
 * "adx" on a CPU without BMI2 and ADX. Call between kernels, not during one (tests and benchmarks use it).
 */
bool setArithmetic(const char* name);

}  // namespace dp
