// N-API surface of the native BN254 kernels. Byte layouts (all little-endian, 64-bit limbs):
//   point, Montgomery affine  x·R mod p ‖ y·R mod p   64 bytes, (0, 0) = infinity  (the .ptau "LEM" layout)
//   point, canonical affine   x ‖ y                    64 bytes, (0, 0) = infinity
//   scalar                    canonical s < r          32 bytes, or a JS bigint
// Every entry point validates its inputs and throws a RangeError/TypeError naming the bad index.
#include <node_api.h>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>
#include "arena_addon.h"
#include "frvec.h"
#include "glv.h"
#include "ifma/flush_napi.h"
#include "kernels.h"
#include "msm.h"
#include "msm_queue.h"
#include "napi_glue.h"
#include "opening_napi.h"
#include "walk_napi.h"

using namespace dp;

namespace {

static_assert(sizeof(Affine) == 64, "Affine must be two packed 32-byte coordinates");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the byte layouts assume a little-endian host");

constexpr size_t POINT_BYTES = 64;
constexpr size_t SCALAR_BYTES = 32;

/** A read-only view of a Uint8Array's bytes, copied only when misaligned for 64-bit access. */
struct Bytes {
  const uint8_t* data = nullptr;
  size_t length = 0;
  std::vector<u64> aligned;
};

Bytes readBytes(napi_env env, napi_value value, const char* what) {
  const Uint8View view = readUint8Array(env, value, what);
  Bytes b;
  b.length = view.length;
  if (reinterpret_cast<uintptr_t>(view.data) % alignof(u64) != 0) {
    b.aligned.resize((view.length + 7) / 8);
    if (view.length) std::memcpy(b.aligned.data(), view.data, view.length);
    b.data = reinterpret_cast<const uint8_t*>(b.aligned.data());
  } else {
    b.data = static_cast<const uint8_t*>(view.data);
  }
  return b;
}

size_t pointCount(const Bytes& b, const char* what) {
  if (b.length % POINT_BYTES != 0) {
    throw JsError{JsError::Range, std::string(what) + ": byte length " + std::to_string(b.length) +
                                      " is not a multiple of 64"};
  }
  return b.length / POINT_BYTES;
}

/** Scalars from a bigint[] or a Uint8Array of 32-byte little-endian words, checked canonical (< r). */
std::vector<u64> readScalars(napi_env env, napi_value value) {
  std::vector<u64> out;
  bool isArray = false;
  NAPI_OK(napi_is_array(env, value, &isArray));
  if (isArray) {
    uint32_t n = 0;
    NAPI_OK(napi_get_array_length(env, value, &n));
    out.assign(size_t(n) * 4, 0);
    for (uint32_t i = 0; i < n; i++) {
      napi_value item;
      NAPI_OK(napi_get_element(env, value, i, &item));
      napi_valuetype t;
      NAPI_OK(napi_typeof(env, item, &t));
      if (t != napi_bigint) throw JsError{JsError::Type, "scalar " + std::to_string(i) + " is not a bigint"};
      int sign = 0;
      size_t words = 4;
      NAPI_OK(napi_get_value_bigint_words(env, item, &sign, &words, out.data() + 4 * size_t(i)));
      if (sign != 0 || words > 4 || !Fr::isReduced(out.data() + 4 * size_t(i))) {
        throw JsError{JsError::Range, "scalar " + std::to_string(i) + " is not a canonical Fr element"};
      }
    }
    return out;
  }
  Bytes b = readBytes(env, value, "scalars");
  if (b.length % SCALAR_BYTES != 0) throw JsError{JsError::Range, "scalars: byte length is not a multiple of 32"};
  const size_t n = b.length / SCALAR_BYTES;
  out.resize(4 * n);
  if (n) std::memcpy(out.data(), b.data, b.length);
  for (size_t i = 0; i < n; i++) {
    if (!Fr::isReduced(out.data() + 4 * i)) {
      throw JsError{JsError::Range, "scalar " + std::to_string(i) + " is not a canonical Fr element"};
    }
  }
  return out;
}

void writeCanonical(const Affine& a, u64* out) {
  a.x.toCanonical(out);
  a.y.toCanonical(out + 4);
}

/**
 * msm(basesMont, scalars, threads, windowBits = 0..20 (0 = automatic), glv = 0 automatic | 1 on | 2 off,
 * buckets = 0 automatic | 1 affine | 2 XYZZ) -> canonical affine point (64 bytes).
 */
napi_value Msm(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3, 6);
  Bytes bases = readBytes(env, argv[0], "bases");
  const size_t nBases = pointCount(bases, "bases");
  std::vector<u64> scalars = readScalars(env, argv[1]);
  const int threads = readInt(env, argv[2], "threads");
  const int windowBits = argv.size() > 3 ? readInt(env, argv[3], "windowBits") : 0;
  if (windowBits < 0 || windowBits > 20) throw JsError{JsError::Range, "windowBits must be in 0..20"};
  const int glv = argv.size() > 4 ? readInt(env, argv[4], "glv") : 0;
  if (glv < 0 || glv > 2) throw JsError{JsError::Range, "glv must be 0 (automatic), 1 (on) or 2 (off)"};
  const int buckets = argv.size() > 5 ? readInt(env, argv[5], "buckets") : 0;
  if (buckets < 0 || buckets > 2) throw JsError{JsError::Range, "buckets must be 0 (automatic), 1 (affine) or 2 (XYZZ)"};
  const size_t n = scalars.size() / 4;
  if (n > nBases) {
    throw JsError{JsError::Range, std::to_string(n) + " scalars but only " + std::to_string(nBases) + " bases"};
  }
  u64 out[8];
  kernels().msm(reinterpret_cast<const u64*>(bases.data), scalars.data(), n, threads, windowBits, glv, buckets,
                out);
  return bufferOf(env, out, sizeof(out));
}

/** pointsToMontgomery(canonical) -> Montgomery bytes; throws on a coordinate >= p. */
napi_value PointsToMontgomery(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  Bytes in = readBytes(env, argv[0], "points");
  const size_t n = pointCount(in, "points");
  std::vector<u64> out(8 * n);
  const u64* src = reinterpret_cast<const u64*>(in.data);
  for (size_t i = 0; i < n; i++) {
    for (int c = 0; c < 2; c++) {
      const u64* v = src + 8 * i + 4 * c;
      if (!Fp::isReduced(v)) throw JsError{JsError::Range, "point " + std::to_string(i) + ": coordinate >= p"};
      const Fp m = Fp::fromCanonical(v);
      std::memcpy(out.data() + 8 * i + 4 * c, m.l, 32);
    }
  }
  return bufferOf(env, out.data(), out.size() * 8);
}

/** pointsFromMontgomery(mont) -> canonical bytes (inputs are assumed reduced; see checkPoints). */
napi_value PointsFromMontgomery(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  Bytes in = readBytes(env, argv[0], "points");
  const size_t n = pointCount(in, "points");
  std::vector<u64> out(8 * n);
  const Affine* src = reinterpret_cast<const Affine*>(in.data);
  for (size_t i = 0; i < n; i++) writeCanonical(src[i], out.data() + 8 * i);
  return bufferOf(env, out.data(), out.size() * 8);
}

/** checkPoints(mont) -> index of the first point with a coordinate >= p or off the curve, or -1. */
napi_value CheckPoints(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  Bytes in = readBytes(env, argv[0], "points");
  const size_t n = pointCount(in, "points");
  const double bad = double(kernels().firstInvalidPoint(reinterpret_cast<const u64*>(in.data), n));
  napi_value out;
  NAPI_OK(napi_create_double(env, bad, &out));
  return out;
}

/** fixedBaseG1(scalars, threads) -> Montgomery affine s_i·G for the standard generator G = (1, 2). */
napi_value FixedBaseG1(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  std::vector<u64> scalars = readScalars(env, argv[0]);
  const int threads = readInt(env, argv[1], "threads");
  const size_t n = scalars.size() / 4;
  std::vector<u64> out(8 * n);
  kernels().fixedBaseG1(scalars.data(), n, out.data(), threads);
  return bufferOf(env, out.data(), n * POINT_BYTES);
}

/** frPowers(tau, n) -> tau^0 .. tau^(n-1) as canonical 32-byte words. */
napi_value FrPowers(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  napi_value arr;
  NAPI_OK(napi_create_array_with_length(env, 1, &arr));
  NAPI_OK(napi_set_element(env, arr, 0, argv[0]));
  std::vector<u64> tau = readScalars(env, arr);
  const int n = readInt(env, argv[1], "n");
  if (n < 0) throw JsError{JsError::Range, "n must be >= 0"};
  std::vector<u64> out(4 * size_t(n));
  kernels().frPowers(tau.data(), size_t(n), out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

/**
 * msmPlan(n, bits, threads = 1) -> { glv, windowBits, affine }: how an MSM of n points of `bits`-bit scalars
 * runs (affine: batch-affine buckets rather than XYZZ).
 */
napi_value MsmPlanOf(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2, 3);
  const int n = readInt(env, argv[0], "n");
  const int bits = readInt(env, argv[1], "bits");
  const int threads = argv.size() > 2 ? readInt(env, argv[2], "threads") : 1;
  if (n < 0) throw JsError{JsError::Range, "n must be >= 0"};
  if (bits < 0 || bits > 254) throw JsError{JsError::Range, "bits must be in 0..254"};
  if (threads < 1) throw JsError{JsError::Range, "threads must be >= 1"};
  const MsmPlan plan = msmPlan(size_t(n), bits, threads);
  napi_value out, glv, windowBits, affine;
  NAPI_OK(napi_create_object(env, &out));
  NAPI_OK(napi_get_boolean(env, plan.glv, &glv));
  NAPI_OK(napi_create_int32(env, plan.windowBits, &windowBits));
  NAPI_OK(napi_get_boolean(env, plan.affine, &affine));
  NAPI_OK(napi_set_named_property(env, out, "glv", glv));
  NAPI_OK(napi_set_named_property(env, out, "windowBits", windowBits));
  NAPI_OK(napi_set_named_property(env, out, "affine", affine));
  return out;
}

/**
 * glvSplit(scalars) -> bigint[2n]: k1_0, k2_0, k1_1, k2_1, ... with k_i ≡ k1_i + k2_i·λ (mod r), signed,
 * |k1_i|, |k2_i| < 2^126 (glv.h). Exposed so the tests check the decomposition itself.
 */
napi_value GlvSplit(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  std::vector<u64> scalars = readScalars(env, argv[0]);
  const size_t n = scalars.size() / 4;
  napi_value out;
  NAPI_OK(napi_create_array_with_length(env, 2 * n, &out));
  for (size_t i = 0; i < n; i++) {
    glv::Half halves[2];
    glv::split(scalars.data() + 4 * i, halves[0], halves[1]);
    for (int h = 0; h < 2; h++) {
      const u64 words[2] = {u64(halves[h].magnitude), u64(halves[h].magnitude >> 64)};
      napi_value v;
      NAPI_OK(napi_create_bigint_words(env, halves[h].negate ? 1 : 0, 2, words, &v));
      NAPI_OK(napi_set_element(env, out, uint32_t(2 * i + h), v));
    }
  }
  return out;
}

// ---- Fr vectors: n canonical 32-byte little-endian words in one Uint8Array (see frvec.h) ----

/** A packed Fr vector argument, every word checked canonical (names the first bad one). */
struct Words {
  Bytes bytes;
  size_t n = 0;
  const u64* data() const { return reinterpret_cast<const u64*>(bytes.data); }
};

Words readWords(napi_env env, napi_value value, const std::string& what) {
  Words w;
  w.bytes = readBytes(env, value, what.c_str());
  if (w.bytes.length % SCALAR_BYTES != 0) {
    throw JsError{JsError::Range, what + ": byte length " + std::to_string(w.bytes.length) + " is not a multiple of 32"};
  }
  w.n = w.bytes.length / SCALAR_BYTES;
  for (size_t i = 0; i < w.n; i++) {
    if (!Fr::isReduced(w.data() + 4 * i)) {
      throw JsError{JsError::Range, what + ": word " + std::to_string(i) + " is not a canonical Fr element"};
    }
  }
  return w;
}

/** One canonical Fr bigint argument as 4 limbs. */
std::vector<u64> readScalar(napi_env env, napi_value value, const char* what) {
  napi_value arr;
  NAPI_OK(napi_create_array_with_length(env, 1, &arr));
  NAPI_OK(napi_set_element(env, arr, 0, value));
  try {
    return readScalars(env, arr);
  } catch (const JsError& e) {
    throw JsError{e.kind, std::string(what) + " is not a canonical Fr element (a bigint 0 <= x < r)"};
  }
}

/** frFromBigints(values, size) -> `size` words: the values, then zeros (size >= values.length). */
napi_value FrFromBigints(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  std::vector<u64> words = readScalars(env, argv[0]);
  const int size = readInt(env, argv[1], "size");
  if (size < 0 || size_t(size) < words.size() / 4) throw JsError{JsError::Range, "size is below the number of values"};
  words.resize(4 * size_t(size), 0);
  return bufferOf(env, words.data(), words.size() * 8);
}

/** frToBigints(words) -> bigint[]. */
napi_value FrToBigints(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  Words a = readWords(env, argv[0], "words");
  napi_value out;
  NAPI_OK(napi_create_array_with_length(env, a.n, &out));
  for (size_t i = 0; i < a.n; i++) {
    napi_value v;
    NAPI_OK(napi_create_bigint_words(env, 0, 4, a.data() + 4 * i, &v));
    NAPI_OK(napi_set_element(env, out, uint32_t(i), v));
  }
  return out;
}

/** frFold(words, u, threads) -> n/2 words: a[2i] + u·(a[2i+1] - a[2i]). n must be even. */
napi_value FrFold(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  Words a = readWords(env, argv[0], "vector");
  if (a.n % 2 != 0) throw JsError{JsError::Range, "vector: " + std::to_string(a.n) + " words is not even"};
  std::vector<u64> u = readScalar(env, argv[1], "u");
  std::vector<u64> out(4 * (a.n / 2));
  kernels().frFold(a.data(), a.n, u.data(), out.data(), readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frEval(words, x, threads) -> one word: sum_i a_i·x^i. */
napi_value FrEval(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  u64 out[4];
  kernels().frEval(a.data(), a.n, x.data(), out, readInt(env, argv[2], "threads"));
  return bufferOf(env, out, sizeof(out));
}

/** frEvalPlusMinus(words, x, threads) -> two words: a(x), a(-x). */
napi_value FrEvalPlusMinus(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  u64 out[8];
  kernels().frEvalPlusMinus(a.data(), a.n, x.data(), out, readInt(env, argv[2], "threads"));
  return bufferOf(env, out, sizeof(out));
}

/** frLinearCombination(vectors, coeffs, threads) -> max length words: sum_j c_j·v_j (zero-extended). */
napi_value FrLinearCombination(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  const uint32_t m = arrayLength(env, argv[0], "vectors", "an array of Uint8Array");
  std::vector<u64> coeffs = readScalars(env, argv[1]);
  if (coeffs.size() / 4 != m) throw JsError{JsError::Range, "coeffs: one coefficient per vector expected"};
  std::vector<Words> vectors(m);
  std::vector<const u64*> ptrs(m);
  std::vector<size_t> lens(m);
  size_t n = 0;
  for (uint32_t j = 0; j < m; j++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[0], j, &item));
    vectors[j] = readWords(env, item, "vector " + std::to_string(j));
    ptrs[j] = vectors[j].data();
    lens[j] = vectors[j].n;
    n = std::max(n, lens[j]);
  }
  std::vector<u64> out(4 * n);
  kernels().frLinearCombination(ptrs.data(), lens.data(), m, coeffs.data(), out.data(), n, readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frDivideByLinear(words, x) -> max(n - 1, 0) words: the quotient by (X - x). */
napi_value FrDivideByLinear(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  std::vector<u64> out(4 * (a.n > 1 ? a.n - 1 : 0));
  kernels().frDivideByLinear(a.data(), a.n, x.data(), out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frDivideBySquareTimesLinear(words, s) -> max(n - 3, 0) words: the quotient by (X^2 - s)(X - s). */
napi_value FrDivideBySquareTimesLinear(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> s = readScalar(env, argv[1], "s");
  std::vector<u64> out(4 * (a.n > 3 ? a.n - 3 : 0));
  kernels().frDivideBySquareTimesLinear(a.data(), a.n, s.data(), out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

/** An array argument of Uint8Array Fr vectors, each checked canonical. */
std::vector<Words> readWordsArray(napi_env env, napi_value value, const char* what) {
  const uint32_t m = arrayLength(env, value, what, "an array of Uint8Array");
  std::vector<Words> out(m);
  for (uint32_t j = 0; j < m; j++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, value, j, &item));
    out[j] = readWords(env, item, std::string(what) + " " + std::to_string(j));
  }
  return out;
}

/**
 * frPairProducts(as, bs, threads) -> three words: sum_k sum_i a_k[2i]·b_k[2i], the same at odd indices, and
 * sum_k sum_i (a_k[2i+1] - a_k[2i])·(b_k[2i+1] - b_k[2i]). Every vector has the same even length.
 */
napi_value FrPairProducts(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  std::vector<Words> as = readWordsArray(env, argv[0], "as");
  std::vector<Words> bs = readWordsArray(env, argv[1], "bs");
  if (as.size() != bs.size()) throw JsError{JsError::Range, "as and bs must have the same number of vectors"};
  const size_t n = as.empty() ? 0 : as[0].n;
  std::vector<const u64*> pa(as.size()), pb(bs.size());
  for (size_t k = 0; k < as.size(); k++) {
    if (as[k].n != n || bs[k].n != n) throw JsError{JsError::Range, "pair " + std::to_string(k) + ": every vector must have the same length"};
    pa[k] = as[k].data();
    pb[k] = bs[k].data();
  }
  if (n % 2 != 0) throw JsError{JsError::Range, "vectors of " + std::to_string(n) + " words are not of even length"};
  u64 out[12];
  kernels().frPairProducts(pa.data(), pb.data(), as.size(), n, out, readInt(env, argv[2], "threads"));
  return bufferOf(env, out, sizeof(out));
}

/**
 * frEqSum(size, offsets, points, scales) -> `size` words: sum_e scales[e]·eq(·, points[e]) placed at
 * offsets[e] (an offset plus 2^points[e].length must not exceed size).
 */
napi_value FrEqSum(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 4);
  const int size = readInt(env, argv[0], "size");
  if (size < 0) throw JsError{JsError::Range, "size must be >= 0"};
  const uint32_t count = arrayLength(env, argv[1], "offsets", "an array of numbers");
  const uint32_t pointCount = arrayLength(env, argv[2], "points", "an array of bigint arrays");
  std::vector<u64> scales = readScalars(env, argv[3]);
  if (pointCount != count || scales.size() / 4 != count) {
    throw JsError{JsError::Range, "offsets, points and scales must have the same length"};
  }
  std::vector<size_t> offsets(count), lens(count);
  std::vector<u64> coords;
  for (uint32_t e = 0; e < count; e++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[1], e, &item));
    const int offset = readInt(env, item, "offset");
    NAPI_OK(napi_get_element(env, argv[2], e, &item));
    std::vector<u64> point = readScalars(env, item);
    const size_t len = point.size() / 4;
    if (offset < 0 || len > 30 || size_t(offset) + (size_t(1) << len) > size_t(size)) {
      throw JsError{JsError::Range, "entry " + std::to_string(e) + ": offset plus 2^(point length) exceeds size"};
    }
    offsets[e] = size_t(offset);
    lens[e] = len;
    coords.insert(coords.end(), point.begin(), point.end());
  }
  std::vector<u64> out(4 * size_t(size), 0);
  kernels().frEqSum(offsets.data(), lens.data(), coords.data(), scales.data(), count, out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

/**
 * The first `count` entries of a bigint[] as canonical limbs; negative entries (signed representatives, as
 * small-integer tables hold them) are mapped to r - |v|. Every magnitude must be below r.
 */
void readSignedScalars(napi_env env, napi_value value, size_t count, u64* out, const std::string& what) {
  const uint32_t n = arrayLength(env, value, what, "an array of bigints");
  if (n < count) throw JsError{JsError::Range, what + ": " + std::to_string(n) + " entries, expected at least " + std::to_string(count)};
  for (size_t i = 0; i < count; i++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, value, uint32_t(i), &item));
    napi_valuetype t;
    NAPI_OK(napi_typeof(env, item, &t));
    if (t != napi_bigint) throw JsError{JsError::Type, what + ": entry " + std::to_string(i) + " is not a bigint"};
    int sign = 0;
    size_t words = 4;
    u64* v = out + 4 * i;
    std::memset(v, 0, 32);
    NAPI_OK(napi_get_value_bigint_words(env, item, &sign, &words, v));
    if (words > 4 || !Fr::isReduced(v)) throw JsError{JsError::Range, what + ": entry " + std::to_string(i) + " is not below r in magnitude"};
    if (sign != 0 && !Limbs::isZero(v)) Limbs::sub(v, FR_MOD.m, v);
  }
}

/**
 * frWeightedProducts(factors, weights, threads) -> k + 1 words: sum_i w[i]·prod_m (f_m[2i] + t·(f_m[2i+1] -
 * f_m[2i])) for t = 0..k. Factors are bigint[] of at least 2·weights.length entries (signed representatives
 * allowed); weights canonical bigints.
 */
napi_value FrWeightedProducts(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  const uint32_t k = arrayLength(env, argv[0], "factors", "an array of bigint arrays");
  std::vector<u64> w = readScalars(env, argv[1]);
  const size_t half = w.size() / 4;
  std::vector<std::vector<u64>> tables(k);
  std::vector<const u64*> ptrs(k);
  for (uint32_t m = 0; m < k; m++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[0], m, &item));
    tables[m].resize(8 * half);
    readSignedScalars(env, item, 2 * half, tables[m].data(), "factor " + std::to_string(m));
    ptrs[m] = tables[m].data();
  }
  std::vector<u64> out(4 * (size_t(k) + 1));
  kernels().frWeightedProducts(ptrs.data(), k, w.data(), half, out.data(), readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/**
 * frWeightedProductsWords(factors, weights, threads): frWeightedProducts over packed vectors (every factor
 * 2·weights words, all canonical).
 */
napi_value FrWeightedProductsWords(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  std::vector<Words> factors = readWordsArray(env, argv[0], "factor");
  Words w = readWords(env, argv[1], "weights");
  std::vector<const u64*> ptrs(factors.size());
  for (size_t m = 0; m < factors.size(); m++) {
    if (factors[m].n != 2 * w.n) {
      throw JsError{JsError::Range, "factor " + std::to_string(m) + ": " + std::to_string(factors[m].n) + " words, expected " + std::to_string(2 * w.n)};
    }
    ptrs[m] = factors[m].data();
  }
  std::vector<u64> out(4 * (factors.size() + 1));
  kernels().frWeightedProducts(ptrs.data(), factors.size(), w.data(), w.n, out.data(), readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frBatchInvert(values, threads) -> words: 1/v for every value (bigint[] or words; zero refused by index). */
napi_value FrBatchInvert(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  std::vector<u64> values = readScalars(env, argv[0]);
  const size_t n = values.size() / 4;
  for (size_t i = 0; i < n; i++) {
    if (Limbs::isZero(values.data() + 4 * i)) throw JsError{JsError::Range, "element " + std::to_string(i) + " is zero"};
  }
  std::vector<u64> out(4 * n);
  kernels().frBatchInvert(values.data(), n, out.data(), readInt(env, argv[1], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/**
 * arithmetic(name?) -> the Montgomery multiplication in use, "adx" or "portable" (kernels.h). With a name
 * ("auto", "portable" or "adx") it switches first: a RangeError for an unknown name or for "adx" on a CPU
 * without BMI2 and ADX. Tests use it to cover both copies in one process.
 */
napi_value Arithmetic(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 0, 1);
  if (!argv.empty()) {
    size_t length = 0;
    char name[16] = {0};
    if (napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &length) != napi_ok) {
      throw JsError{JsError::Type, "arithmetic: the name must be a string"};
    }
    if (!setArithmetic(name)) {
      throw JsError{JsError::Range, std::string("arithmetic: \"") + name + "\" is not one of auto, portable, adx" +
                                        (adxSupported() ? "" : " (adx needs a CPU with BMI2 and ADX)")};
    }
  }
  napi_value out;
  NAPI_OK(napi_create_string_utf8(env, kernels().name, NAPI_AUTO_LENGTH, &out));
  return out;
}

/** adxSupported() -> whether this CPU has BMI2 and ADX (the "adx" arithmetic can run). */
napi_value AdxSupported(napi_env env, napi_callback_info) {
  napi_value out;
  NAPI_OK(napi_get_boolean(env, adxSupported(), &out));
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      method<Msm>("msm"),
      method<PointsToMontgomery>("pointsToMontgomery"),
      method<PointsFromMontgomery>("pointsFromMontgomery"),
      method<CheckPoints>("checkPoints"),
      method<FixedBaseG1>("fixedBaseG1"),
      method<FrPowers>("frPowers"),
      method<MsmPlanOf>("msmPlan"),
      method<GlvSplit>("glvSplit"),
      method<FrFromBigints>("frFromBigints"),
      method<FrToBigints>("frToBigints"),
      method<FrFold>("frFold"),
      method<FrEval>("frEval"),
      method<FrEvalPlusMinus>("frEvalPlusMinus"),
      method<FrLinearCombination>("frLinearCombination"),
      method<FrDivideByLinear>("frDivideByLinear"),
      method<FrDivideBySquareTimesLinear>("frDivideBySquareTimesLinear"),
      method<FrPairProducts>("frPairProducts"),
      method<FrEqSum>("frEqSum"),
      method<FrWeightedProducts>("frWeightedProducts"),
      method<FrWeightedProductsWords>("frWeightedProductsWords"),
      method<FrBatchInvert>("frBatchInvert"),
      method<Arithmetic>("arithmetic"),
      method<AdxSupported>("adxSupported"),
  };
  defineMethods(env, exports, props);
  registerArena(env, exports);
  registerOpeningKernels(env, exports);
  registerWalk(env, exports);
  registerMsmFlush(env, exports);
  registerMsmQueue(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
