// N-API surface of the native BN254 kernels. Byte layouts (all little-endian, 64-bit limbs):
//   point, Montgomery affine  x·R mod p ‖ y·R mod p   64 bytes, (0, 0) = infinity  (the .ptau "LEM" layout)
//   point, canonical affine   x ‖ y                    64 bytes, (0, 0) = infinity
//   scalar                    canonical s < r          32 bytes, or a JS bigint
// Every entry point validates its inputs and throws a RangeError/TypeError naming the bad index.
#include <node_api.h>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <vector>
#include "frvec.h"
#include "msm.h"

using namespace dp;

namespace {

static_assert(sizeof(Affine) == 64, "Affine must be two packed 32-byte coordinates");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the byte layouts assume a little-endian host");

constexpr size_t POINT_BYTES = 64;
constexpr size_t SCALAR_BYTES = 32;

/** Thrown inside a binding, turned into a JS exception at the boundary. */
struct JsError {
  enum Kind { Type, Range } kind;
  std::string message;
};

#define NAPI_OK(call)                                                   \
  do {                                                                  \
    if ((call) != napi_ok) throw JsError{JsError::Type, "N-API call failed: " #call}; \
  } while (0)

/** A read-only view of a Uint8Array's bytes, copied only when misaligned for 64-bit access. */
struct Bytes {
  const uint8_t* data = nullptr;
  size_t length = 0;
  std::vector<u64> aligned;
};

Bytes readBytes(napi_env env, napi_value value, const char* what) {
  bool isTyped = false;
  NAPI_OK(napi_is_typedarray(env, value, &isTyped));
  if (!isTyped) throw JsError{JsError::Type, std::string(what) + " must be a Uint8Array"};
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  NAPI_OK(napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset));
  if (type != napi_uint8_array) throw JsError{JsError::Type, std::string(what) + " must be a Uint8Array"};
  Bytes b;
  b.length = length;
  if (reinterpret_cast<uintptr_t>(data) % alignof(u64) != 0) {
    b.aligned.resize((length + 7) / 8);
    if (length) std::memcpy(b.aligned.data(), data, length);
    b.data = reinterpret_cast<const uint8_t*>(b.aligned.data());
  } else {
    b.data = static_cast<const uint8_t*>(data);
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

int readInt(napi_env env, napi_value value, const char* what) {
  int32_t v = 0;
  if (napi_get_value_int32(env, value, &v) != napi_ok) throw JsError{JsError::Type, std::string(what) + " must be a number"};
  return v;
}

napi_value bufferOf(napi_env env, const void* data, size_t length) {
  napi_value out;
  void* copy = nullptr;
  NAPI_OK(napi_create_buffer_copy(env, length, length ? data : "", &copy, &out));
  return out;
}

/** The call's arguments: at least `required`, at most `optional` (undefined ones dropped from the end). */
std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t required, size_t optional = 0) {
  const size_t max = std::max(required, optional);
  std::vector<napi_value> argv(max);
  size_t argc = max;
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr));
  if (argc < required) throw JsError{JsError::Type, "expected " + std::to_string(required) + " arguments"};
  argv.resize(std::min(argc, max));
  while (argv.size() > required) {
    napi_valuetype t;
    NAPI_OK(napi_typeof(env, argv.back(), &t));
    if (t != napi_undefined) break;
    argv.pop_back();
  }
  return argv;
}

void writeCanonical(const Affine& a, u64* out) {
  a.x.toCanonical(out);
  a.y.toCanonical(out + 4);
}

/** msm(basesMont, scalars, threads, windowBits = 0..16, 0 = automatic) -> canonical affine point (64 bytes). */
napi_value Msm(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3, 4);
  Bytes bases = readBytes(env, argv[0], "bases");
  const size_t nBases = pointCount(bases, "bases");
  std::vector<u64> scalars = readScalars(env, argv[1]);
  const int threads = readInt(env, argv[2], "threads");
  const int windowBits = argv.size() > 3 ? readInt(env, argv[3], "windowBits") : 0;
  if (windowBits < 0 || windowBits > 16) throw JsError{JsError::Range, "windowBits must be in 0..16"};
  const size_t n = scalars.size() / 4;
  if (n > nBases) {
    throw JsError{JsError::Range, std::to_string(n) + " scalars but only " + std::to_string(nBases) + " bases"};
  }
  const Affine result = toAffine(msm(reinterpret_cast<const Affine*>(bases.data), scalars.data(), n, threads, windowBits));
  u64 out[8];
  writeCanonical(result, out);
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
  const Affine* pts = reinterpret_cast<const Affine*>(in.data);
  double bad = -1;
  for (size_t i = 0; i < n; i++) {
    if (!Fp::isReduced(pts[i].x.l) || !Fp::isReduced(pts[i].y.l) || !pts[i].onCurve()) {
      bad = double(i);
      break;
    }
  }
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
  const u64 one[4] = {1, 0, 0, 0}, two[4] = {2, 0, 0, 0};
  const Affine g{Fp::fromCanonical(one), Fp::fromCanonical(two)};
  std::vector<Affine> out(n);
  fixedBaseMul(g, scalars.data(), n, out.data(), threads);
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
  const Fr t = Fr::fromCanonical(tau.data());
  std::vector<u64> out(4 * size_t(n));
  Fr acc = Fr::one();
  for (int i = 0; i < n; i++) {
    acc.toCanonical(out.data() + 4 * size_t(i));
    acc = Fr::mul(acc, t);
  }
  return bufferOf(env, out.data(), out.size() * 8);
}

/** windowBits(n, bits, threads = 1) -> the Pippenger window width chosen for n points of `bits`-bit scalars. */
napi_value WindowBits(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2, 3);
  const int n = readInt(env, argv[0], "n");
  const int bits = readInt(env, argv[1], "bits");
  const int threads = argv.size() > 2 ? readInt(env, argv[2], "threads") : 1;
  napi_value out;
  NAPI_OK(napi_create_int32(env, msmWindowBits(size_t(std::max(n, 0)), bits, threads), &out));
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
  frFold(a.data(), a.n, u.data(), out.data(), readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frEval(words, x, threads) -> one word: sum_i a_i·x^i. */
napi_value FrEval(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  u64 out[4];
  frEval(a.data(), a.n, x.data(), out, readInt(env, argv[2], "threads"));
  return bufferOf(env, out, sizeof(out));
}

/** frEvalPlusMinus(words, x, threads) -> two words: a(x), a(-x). */
napi_value FrEvalPlusMinus(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  u64 out[8];
  frEvalPlusMinus(a.data(), a.n, x.data(), out, readInt(env, argv[2], "threads"));
  return bufferOf(env, out, sizeof(out));
}

/** frLinearCombination(vectors, coeffs, threads) -> max length words: sum_j c_j·v_j (zero-extended). */
napi_value FrLinearCombination(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  bool isArray = false;
  NAPI_OK(napi_is_array(env, argv[0], &isArray));
  if (!isArray) throw JsError{JsError::Type, "vectors must be an array of Uint8Array"};
  uint32_t m = 0;
  NAPI_OK(napi_get_array_length(env, argv[0], &m));
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
  frLinearCombination(ptrs.data(), lens.data(), m, coeffs.data(), out.data(), n, readInt(env, argv[2], "threads"));
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frDivideByLinear(words, x) -> max(n - 1, 0) words: the quotient by (X - x). */
napi_value FrDivideByLinear(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> x = readScalar(env, argv[1], "x");
  std::vector<u64> out(4 * (a.n > 1 ? a.n - 1 : 0));
  frDivideByLinear(a.data(), a.n, x.data(), out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

/** frDivideBySquareTimesLinear(words, s) -> max(n - 3, 0) words: the quotient by (X^2 - s)(X - s). */
napi_value FrDivideBySquareTimesLinear(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Words a = readWords(env, argv[0], "vector");
  std::vector<u64> s = readScalar(env, argv[1], "s");
  std::vector<u64> out(4 * (a.n > 3 ? a.n - 3 : 0));
  frDivideBySquareTimesLinear(a.data(), a.n, s.data(), out.data());
  return bufferOf(env, out.data(), out.size() * 8);
}

template <napi_value (*F)(napi_env, napi_callback_info)>
napi_value guarded(napi_env env, napi_callback_info info) {
  try {
    return F(env, info);
  } catch (const JsError& e) {
    if (e.kind == JsError::Range) {
      napi_throw_range_error(env, nullptr, e.message.c_str());
    } else {
      napi_throw_type_error(env, nullptr, e.message.c_str());
    }
  } catch (const std::bad_alloc&) {
    napi_throw_range_error(env, nullptr, "out of memory");
  } catch (const std::exception& e) {  // e.g. std::system_error when a thread cannot start
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"msm", nullptr, guarded<Msm>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pointsToMontgomery", nullptr, guarded<PointsToMontgomery>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pointsFromMontgomery", nullptr, guarded<PointsFromMontgomery>, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"checkPoints", nullptr, guarded<CheckPoints>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fixedBaseG1", nullptr, guarded<FixedBaseG1>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frPowers", nullptr, guarded<FrPowers>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"windowBits", nullptr, guarded<WindowBits>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frFromBigints", nullptr, guarded<FrFromBigints>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frToBigints", nullptr, guarded<FrToBigints>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frFold", nullptr, guarded<FrFold>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frEval", nullptr, guarded<FrEval>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frEvalPlusMinus", nullptr, guarded<FrEvalPlusMinus>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frLinearCombination", nullptr, guarded<FrLinearCombination>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frDivideByLinear", nullptr, guarded<FrDivideByLinear>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"frDivideBySquareTimesLinear", nullptr, guarded<FrDivideBySquareTimesLinear>, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
