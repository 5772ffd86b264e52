// N-API surface of the walk kernels (walk.h). Tables and weights are Uint8Arrays of canonical 32-byte words
// (8-byte aligned), the sum-check's own packed vectors (outputs of frFromBigints, frEqSum and arenaBind: lengths
// are checked here, words not, as the arena's round entries do); the coefficients are checked canonical.
#include "walk_napi.h"
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "kernels.h"
#include "napi_glue.h"
#include "walk.h"

namespace dp {

const WalkKernels& walkKernels() {
  return std::strcmp(kernels().name, adx::WALK_KERNELS.name) == 0 ? adx::WALK_KERNELS : portable::WALK_KERNELS;
}

namespace {

/** The words of a Uint8Array (read only): at least `minWords` of them, 8-byte aligned. */
const u64* wordsAtLeast(napi_env env, napi_value v, size_t minWords, const std::string& what) {
  const Uint8View b = readUint8Array(env, v, what);
  if (b.length % 32 != 0) throw JsError{JsError::Range, what + ": " + std::to_string(b.length) + " bytes are not whole 32-byte words"};
  if (b.length / 32 < minWords) {
    throw JsError{JsError::Range, what + ": " + std::to_string(b.length / 32) + " words, fewer than " + std::to_string(minWords)};
  }
  if (b.length > 0 && reinterpret_cast<uintptr_t>(b.data) % alignof(u64) != 0) throw JsError{JsError::Range, what + ": not 8-byte aligned"};
  return static_cast<const u64*>(b.data);
}

/**
 * walkProductRoundSums(tables, len, terms, coeffs, weights, points, threads) -> `points` words: walk.h's
 * productRoundSums over the first `len` words of each table (len even), `terms` an array of factor-index arrays,
 * `coeffs` one packed canonical word per term, `weights` len/2 words or null.
 */
napi_value WalkProductRoundSums(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 7);
  const uint32_t nTables = arrayLength(env, argv[0], "tables", "an array of Uint8Array");
  const int len = readInt(env, argv[1], "len");
  if (len < 2 || len % 2 != 0) throw JsError{JsError::Range, "len must be even and at least 2, got " + std::to_string(len)};
  const size_t half = size_t(len) / 2;
  std::vector<const u64*> tables(nTables);
  for (uint32_t m = 0; m < nTables; m++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[0], m, &item));
    tables[m] = wordsAtLeast(env, item, size_t(len), "table " + std::to_string(m));
  }
  const uint32_t nTerms = arrayLength(env, argv[2], "terms", "an array of factor-index arrays");
  if (nTerms == 0) throw JsError{JsError::Range, "terms: no terms"};
  std::vector<uint32_t> factors, starts{0};
  for (uint32_t s = 0; s < nTerms; s++) {
    napi_value term;
    NAPI_OK(napi_get_element(env, argv[2], s, &term));
    const std::string what = "term " + std::to_string(s);
    const uint32_t k = arrayLength(env, term, what, "an array of table indices");
    if (k == 0) throw JsError{JsError::Range, what + " has no factors"};
    for (uint32_t f = 0; f < k; f++) {
      napi_value item;
      NAPI_OK(napi_get_element(env, term, f, &item));
      const int index = readInt(env, item, (what + " factor").c_str());
      if (index < 0 || uint32_t(index) >= nTables) {
        throw JsError{JsError::Range, what + " refers to table " + std::to_string(index) + ", have " + std::to_string(nTables)};
      }
      factors.push_back(uint32_t(index));
    }
    starts.push_back(uint32_t(factors.size()));
  }
  const u64* coeffs = wordsAtLeast(env, argv[3], nTerms, "coeffs");
  for (uint32_t s = 0; s < nTerms; s++) {
    if (!Fr::isReduced(coeffs + 4 * size_t(s))) throw JsError{JsError::Range, "coefficient " + std::to_string(s) + " is not a canonical Fr element"};
  }
  napi_valuetype weightType;
  NAPI_OK(napi_typeof(env, argv[4], &weightType));
  const u64* w = weightType == napi_null ? nullptr : wordsAtLeast(env, argv[4], half, "weights");
  const int points = readInt(env, argv[5], "points");
  if (points < 1 || points > 64) throw JsError{JsError::Range, "points must be in 1..64, got " + std::to_string(points)};
  const int threads = readInt(env, argv[6], "threads");
  std::vector<u64> out(4 * size_t(points));
  walkKernels().productRoundSums(tables.data(), nTables, factors.data(), starts.data(), coeffs, nTerms, w, half,
                                 size_t(points), out.data(), threads);
  return bufferOf(env, out.data(), out.size() * 8);
}

/**
 * walkKronecker(hi, lo, threads) -> hi.length·lo.length / 32 words: walk.h's kronecker, out[h·nLo + l] =
 * hi[h]·lo[l]. Both vectors are checked canonical (they are short: the product is the long one).
 */
napi_value WalkKronecker(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  const u64* vec[2];
  size_t len[2];
  const char* names[2] = {"hi", "lo"};
  for (int k = 0; k < 2; k++) {
    const Uint8View b = readUint8Array(env, argv[k], names[k]);
    len[k] = b.length / 32;
    vec[k] = wordsAtLeast(env, argv[k], len[k], names[k]);
    for (size_t i = 0; i < len[k]; i++) {
      if (!Fr::isReduced(vec[k] + 4 * i)) throw JsError{JsError::Range, std::string(names[k]) + " entry " + std::to_string(i) + " is not a canonical Fr element"};
    }
  }
  if (len[0] != 0 && len[1] > (size_t(1) << 30) / len[0]) throw JsError{JsError::Range, "walkKronecker: the product has more than 2^30 entries"};
  const int threads = readInt(env, argv[2], "threads");
  napi_value out;
  void* raw = nullptr;
  NAPI_OK(napi_create_buffer(env, len[0] * len[1] * 32, &raw, &out));
  walkKernels().kronecker(vec[0], len[0], vec[1], len[1], static_cast<u64*>(raw), threads);
  return out;
}

}  // namespace

void registerWalk(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {method<WalkProductRoundSums>("walkProductRoundSums"), method<WalkKronecker>("walkKronecker")};
  defineMethods(env, exports, props);
}

}  // namespace dp
