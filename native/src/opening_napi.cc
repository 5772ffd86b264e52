// N-API surface of opening.h, and of frFold / frLinearCombination writing into a caller's buffer. Every vector
// argument is a Uint8Array of canonical 32-byte little-endian words (checked, the bad word named), 8-byte
// aligned (a fresh Uint8Array or a subarray at a multiple of 8 bytes is), written in place where documented:
// no result is copied, so a 2^n-word vector is never held twice. Errors are RangeError / TypeError.
#include "opening_napi.h"
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "kernels.h"
#include "napi_glue.h"
#include "opening.h"

namespace dp {
namespace {

/** The copy of the opening kernels matching the arithmetic kernels() runs on (kernels.h). */
const OpeningKernels& openingKernels() {
  return std::strcmp(kernels().name, "adx") == 0 ? adx::OPENING_KERNELS : portable::OPENING_KERNELS;
}

/** A writable view of a Uint8Array of words. */
struct Vec {
  u64* data = nullptr;
  size_t words = 0;
};

Vec readVec(napi_env env, napi_value value, const std::string& what) {
  const Uint8View b = readUint8Array(env, value, what);
  if (b.length % 32 != 0) throw JsError{JsError::Range, what + ": " + std::to_string(b.length) + " bytes are not whole 32-byte words"};
  if (reinterpret_cast<uintptr_t>(b.data) % alignof(u64) != 0) throw JsError{JsError::Range, what + " must be 8-byte aligned"};
  return Vec{static_cast<u64*>(b.data), b.length / 32};
}

/** Throws naming the first of `words` words that is not a canonical Fr element. */
void checkCanonical(const Vec& v, size_t words, const std::string& what) {
  for (size_t i = 0; i < words; i++) {
    if (!Fr::isReduced(v.data + 4 * i)) throw JsError{JsError::Range, what + ": word " + std::to_string(i) + " is not a canonical Fr element"};
  }
}

int64_t readInteger(napi_env env, napi_value value, const char* what) {
  int64_t v = 0;
  napi_valuetype t;
  NAPI_OK(napi_typeof(env, value, &t));
  if (t != napi_number || napi_get_value_int64(env, value, &v) != napi_ok) throw JsError{JsError::Type, std::string(what) + " must be a number"};
  return v;
}

/** A canonical scalar from a bigint, as four limbs. */
void readScalar(napi_env env, napi_value value, const std::string& what, u64* out) {
  napi_valuetype t;
  NAPI_OK(napi_typeof(env, value, &t));
  if (t != napi_bigint) throw JsError{JsError::Type, what + " must be a bigint"};
  int sign = 0;
  size_t words = 4;
  std::memset(out, 0, 32);
  NAPI_OK(napi_get_value_bigint_words(env, value, &sign, &words, out));
  if (sign != 0 || words > 4 || !Fr::isReduced(out)) throw JsError{JsError::Range, what + " is not a canonical Fr element"};
}

napi_value element(napi_env env, napi_value array, uint32_t i) {
  napi_value v;
  NAPI_OK(napi_get_element(env, array, i, &v));
  return v;
}

/** Appends a claim entry's `len` point coordinates to `coords` (four words each) and reads its scale. */
void readEntryPoint(napi_env env, napi_value point, uint32_t len, napi_value scale, const std::string& name, std::vector<u64>& coords, u64* scaleOut) {
  for (uint32_t j = 0; j < len; j++) {
    u64 c[4];
    readScalar(env, element(env, point, j), name + ", coordinate " + std::to_string(j), c);
    coords.insert(coords.end(), c, c + 4);
  }
  readScalar(env, scale, name + ", scale", scaleOut);
}

/** Whether two word ranges share memory without starting at the same word (in place is allowed, offsets are not). */
bool straddles(const u64* a, size_t aWords, const u64* b, size_t bWords) {
  if (a == b) return false;
  return a < b + 4 * bWords && b < a + 4 * aWords;
}

/**
 * openingEqSumInto(out, offsets, points, scales, threads): out (2^k words, canonical) += Σ_e scales[e]·eq(·,
 * points[e]) at offsets[e]; each offset a multiple of 2^points[e].length, offset + 2^length <= out's words.
 */
napi_value EqSumInto(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 5);
  Vec out = readVec(env, argv[0], "out");
  if (out.words == 0 || (out.words & (out.words - 1)) != 0) throw JsError{JsError::Range, "out: " + std::to_string(out.words) + " words is not a power of two"};
  checkCanonical(out, out.words, "out");
  const uint32_t count = arrayLength(env, argv[1], "offsets");
  if (arrayLength(env, argv[2], "points") != count || arrayLength(env, argv[3], "scales") != count) {
    throw JsError{JsError::Range, "offsets, points and scales must have the same length"};
  }
  std::vector<size_t> offsets(count), lens(count);
  std::vector<u64> coords, scales(4 * size_t(count));
  for (uint32_t e = 0; e < count; e++) {
    const std::string name = "entry " + std::to_string(e);
    const int64_t offset = readInteger(env, element(env, argv[1], e), "offset");
    napi_value point = element(env, argv[2], e);
    const uint32_t len = arrayLength(env, point, "a point");
    if (len > 40 || offset < 0 || (uint64_t(offset) & ((uint64_t(1) << len) - 1)) != 0 || uint64_t(offset) + (uint64_t(1) << len) > out.words) {
      throw JsError{JsError::Range, name + ": offset " + std::to_string(offset) + " is not a multiple of 2^" + std::to_string(len) + " inside " + std::to_string(out.words) + " words"};
    }
    offsets[e] = size_t(offset);
    lens[e] = len;
    readEntryPoint(env, point, len, element(env, argv[3], e), name, coords, scales.data() + 4 * e);
  }
  const int threads = int(readInteger(env, argv[4], "threads"));
  openingKernels().eqSumInto(out.data, out.words, offsets.data(), lens.data(), coords.data(), scales.data(), count, threads);
  return nullptr;
}

/**
 * openingPairFoldSums(srcA, srcB, dstA, dstB, len, r, threads) -> three words: every pair bound to r (len words
 * to len/2, in place when dst is src) and the next round's sums over the bound pairs.
 */
napi_value PairFoldSums(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 7);
  const uint32_t m = arrayLength(env, argv[0], "srcA");
  for (int i = 1; i < 4; i++) {
    if (arrayLength(env, argv[i], "srcB, dstA, dstB") != m) throw JsError{JsError::Range, "srcA, srcB, dstA and dstB must have the same length"};
  }
  const int64_t len = readInteger(env, argv[4], "len");
  if (len < 2 || (len & (len - 1)) != 0) throw JsError{JsError::Range, "len must be a power of two >= 2"};
  std::vector<const u64*> sa(m), sb(m);
  std::vector<u64*> da(m), db(m);
  const char* names[4] = {"srcA", "srcB", "dstA", "dstB"};
  for (uint32_t k = 0; k < m; k++) {
    Vec v[4];
    for (int i = 0; i < 4; i++) {
      v[i] = readVec(env, element(env, argv[i], k), std::string(names[i]) + " " + std::to_string(k));
      const size_t need = i < 2 ? size_t(len) : size_t(len) / 2;
      if (v[i].words < need) throw JsError{JsError::Range, std::string(names[i]) + " " + std::to_string(k) + ": " + std::to_string(v[i].words) + " words, need " + std::to_string(need)};
    }
    checkCanonical(v[0], size_t(len), "srcA " + std::to_string(k));
    checkCanonical(v[1], size_t(len), "srcB " + std::to_string(k));
    for (int i = 2; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (j == i || (j == i - 2 && v[i].data == v[j].data)) continue;
        if (v[i].data == v[j].data || straddles(v[i].data, size_t(len) / 2, v[j].data, j < 2 ? size_t(len) : size_t(len) / 2)) {
          throw JsError{JsError::Range, std::string(names[i]) + " " + std::to_string(k) + " overlaps " + names[j] + " (only binding in place is allowed)"};
        }
      }
    }
    sa[k] = v[0].data;
    sb[k] = v[1].data;
    da[k] = v[2].data;
    db[k] = v[3].data;
  }
  u64 r[4];
  readScalar(env, argv[5], "r", r);
  const int threads = int(readInteger(env, argv[6], "threads"));
  u64 sums[12];
  openingKernels().pairFoldSums(sa.data(), sb.data(), da.data(), db.data(), m, size_t(len), r, sums, threads);
  return bufferOf(env, sums, 3 * 32);
}

/** A JS exception is pending (thrown by a callback): unwind to the binding, which returns with it pending. */
struct PendingJsException {};

/** Closes a handle scope on every exit, so a long loop of callbacks does not pile up handles. */
struct HandleScope {
  napi_env env;
  napi_handle_scope scope = nullptr;
  explicit HandleScope(napi_env e) : env(e) { NAPI_OK(napi_open_handle_scope(env, &scope)); }
  ~HandleScope() { napi_close_handle_scope(env, scope); }
  HandleScope(const HandleScope&) = delete;
  HandleScope& operator=(const HandleScope&) = delete;
};

/**
 * openingEqPairSumcheck(tables, vars, entryPolys, offsets, points, scales, numVars, threads, onRound): the pair
 * sum-check Σ_x Σ_p f_p(x)·E_p(x) with E_p = Σ_{e on p} scales[e]·eq(x, points[e] ‖ bits(offsets[e]) ‖ 0…)
 * (opening.h eqPairSumcheck). tables[p]: 2^vars[p] canonical words, only read (they must stay attached until
 * the call returns); onRound(sums, round) gets each round's three sums (a 96-byte Buffer) and returns that
 * round's challenge (a canonical bigint). An exception thrown by onRound ends the sum-check and propagates.
 */
napi_value EqPairSumcheck(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 9);
  const uint32_t polys = arrayLength(env, argv[0], "tables");
  if (arrayLength(env, argv[1], "vars") != polys) throw JsError{JsError::Range, "tables and vars must have the same length"};
  const int64_t n = readInteger(env, argv[6], "numVars");
  if (n < 0 || n > 40) throw JsError{JsError::Range, "numVars: " + std::to_string(n) + " is not in [0, 40]"};
  std::vector<const u64*> tables(polys);
  std::vector<size_t> vars(polys);
  for (uint32_t p = 0; p < polys; p++) {
    const std::string name = "table " + std::to_string(p);
    const int64_t k = readInteger(env, element(env, argv[1], p), "vars");
    if (k < 0 || k > n) throw JsError{JsError::Range, name + ": " + std::to_string(k) + " variables, not in [0, numVars = " + std::to_string(n) + "]"};
    Vec t = readVec(env, element(env, argv[0], p), name);
    if (t.words != (size_t(1) << k)) throw JsError{JsError::Range, name + ": " + std::to_string(t.words) + " words, expected 2^" + std::to_string(k)};
    checkCanonical(t, t.words, name);
    tables[p] = t.data;
    vars[p] = size_t(k);
  }
  const uint32_t count = arrayLength(env, argv[2], "entryPolys");
  if (arrayLength(env, argv[3], "offsets") != count || arrayLength(env, argv[4], "points") != count || arrayLength(env, argv[5], "scales") != count) {
    throw JsError{JsError::Range, "entryPolys, offsets, points and scales must have the same length"};
  }
  std::vector<size_t> entryPoly(count), offsets(count), lens(count);
  std::vector<u64> coords, scales(4 * size_t(count));
  for (uint32_t e = 0; e < count; e++) {
    const std::string name = "entry " + std::to_string(e);
    const int64_t p = readInteger(env, element(env, argv[2], e), "entry polynomial");
    if (p < 0 || p >= int64_t(polys)) throw JsError{JsError::Range, name + ": polynomial " + std::to_string(p) + " is not one of the " + std::to_string(polys) + " tables"};
    const int64_t offset = readInteger(env, element(env, argv[3], e), "offset");
    napi_value point = element(env, argv[4], e);
    const uint32_t len = arrayLength(env, point, "a point");
    const size_t words = size_t(1) << vars[p];
    if (len > vars[p] || offset < 0 || (uint64_t(offset) & ((uint64_t(1) << len) - 1)) != 0 || uint64_t(offset) + (uint64_t(1) << len) > words) {
      throw JsError{JsError::Range, name + ": offset " + std::to_string(offset) + " is not a multiple of 2^" + std::to_string(len) + " inside table " + std::to_string(p) + "'s " + std::to_string(words) + " words"};
    }
    entryPoly[e] = size_t(p);
    offsets[e] = size_t(offset);
    lens[e] = len;
    readEntryPoint(env, point, len, element(env, argv[5], e), name, coords, scales.data() + 4 * e);
  }
  const int threads = int(readInteger(env, argv[7], "threads"));
  napi_value onRound = argv[8];
  napi_valuetype t;
  NAPI_OK(napi_typeof(env, onRound, &t));
  if (t != napi_function) throw JsError{JsError::Type, "onRound must be a function"};
  const EqPairRound round = [&](size_t j, const u64* sums, u64* r) {
    HandleScope scope(env);
    napi_value argv2[2], global, result;
    argv2[0] = bufferOf(env, sums, 3 * 32);
    NAPI_OK(napi_create_uint32(env, uint32_t(j), &argv2[1]));
    NAPI_OK(napi_get_global(env, &global));
    if (napi_call_function(env, global, onRound, 2, argv2, &result) != napi_ok) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) throw PendingJsException{};
      throw JsError{JsError::Type, "onRound could not be called"};
    }
    readScalar(env, result, "the challenge onRound returned", r);
  };
  try {
    openingKernels().eqPairSumcheck(tables.data(), vars.data(), polys, entryPoly.data(), offsets.data(), lens.data(), coords.data(), scales.data(), count, size_t(n), threads, round);
  } catch (const PendingJsException&) {
    return nullptr;  // onRound's exception propagates as it is
  }
  return nullptr;
}

/** openingQuotientZ(b, s): B's words become b_0, b_1, b_2, q_0, …, q_{n−4} (Q = ⌊B / (X^2 − s)(X − s)⌋). */
napi_value QuotientZ(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  Vec b = readVec(env, argv[0], "b");
  checkCanonical(b, b.words, "b");
  u64 s[4];
  readScalar(env, argv[1], "s", s);
  openingKernels().quotientBySquareTimesLinearInPlace(b.data, b.words, s);
  return nullptr;
}

/**
 * openingQuotientL(buf, s, zAtZ, z): buf as openingQuotientZ left it; its words 1..n−1 become Q' =
 * ⌊(B − Z(z)·Q) / (X − z)⌋.
 */
napi_value QuotientL(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 4);
  Vec b = readVec(env, argv[0], "buf");
  checkCanonical(b, b.words, "buf");
  u64 s[4], zAtZ[4], z[4];
  readScalar(env, argv[1], "s", s);
  readScalar(env, argv[2], "zAtZ", zAtZ);
  readScalar(env, argv[3], "z", z);
  openingKernels().quotientOfLInPlace(b.data, b.words, s, zAtZ, z);
  return nullptr;
}

/** frFoldInto(src, dst, u, threads): dst[i] = src[2i] + u·(src[2i+1] − src[2i]), i < src's words / 2 (src even, dst apart). */
napi_value FoldInto(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 4);
  Vec src = readVec(env, argv[0], "src");
  Vec dst = readVec(env, argv[1], "dst");
  if (src.words % 2 != 0 || dst.words < src.words / 2) throw JsError{JsError::Range, "src must have an even number of words and dst at least half as many"};
  if (src.data == dst.data || straddles(src.data, src.words, dst.data, src.words / 2)) throw JsError{JsError::Range, "dst overlaps src"};
  checkCanonical(src, src.words, "src");
  u64 u[4];
  readScalar(env, argv[2], "u", u);
  kernels().frFold(src.data, src.words, u, dst.data, int(readInteger(env, argv[3], "threads")));
  return nullptr;
}

/**
 * frLinearCombinationInto(dst, vectors, coeffs, threads): dst[i] = Σ_j c_j·v_j[i] for i < dst's words (a vector
 * shorter than dst is zero-extended, a longer one refused); dst may be one of the vectors (element by element).
 */
napi_value LinearCombinationInto(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 4);
  Vec dst = readVec(env, argv[0], "dst");
  const uint32_t m = arrayLength(env, argv[1], "vectors");
  if (arrayLength(env, argv[2], "coeffs") != m) throw JsError{JsError::Range, "coeffs: one coefficient per vector expected"};
  std::vector<const u64*> ptrs(m);
  std::vector<size_t> lens(m);
  std::vector<u64> coeffs(4 * size_t(m));
  for (uint32_t j = 0; j < m; j++) {
    const std::string name = "vector " + std::to_string(j);
    Vec v = readVec(env, element(env, argv[1], j), name);
    if (v.words > dst.words) throw JsError{JsError::Range, name + ": " + std::to_string(v.words) + " words exceed dst's " + std::to_string(dst.words)};
    if (straddles(v.data, v.words, dst.data, dst.words)) throw JsError{JsError::Range, name + " overlaps dst at another offset"};
    checkCanonical(v, v.words, name);
    ptrs[j] = v.data;
    lens[j] = v.words;
    readScalar(env, element(env, argv[2], j), "coefficient " + std::to_string(j), coeffs.data() + 4 * j);
  }
  kernels().frLinearCombination(ptrs.data(), lens.data(), m, coeffs.data(), dst.data, dst.words, int(readInteger(env, argv[3], "threads")));
  return nullptr;
}

/**
 * openingRelease(vectors) -> how many were released: detaches each view's ArrayBuffer, so its memory is freed
 * now rather than at the next garbage collection (every view of that buffer becomes empty). For vectors only
 * the caller references; a buffer that cannot be detached (a pooled Buffer, say) is left alone.
 */
napi_value Release(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 1);
  const uint32_t m = arrayLength(env, argv[0], "vectors");
  int32_t released = 0;
  for (uint32_t j = 0; j < m; j++) {
    napi_value item = element(env, argv[0], j);
    bool typed = false;
    NAPI_OK(napi_is_typedarray(env, item, &typed));
    if (!typed) throw JsError{JsError::Type, "vector " + std::to_string(j) + " must be a Uint8Array"};
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value buffer;
    NAPI_OK(napi_get_typedarray_info(env, item, &type, &length, &data, &buffer, &offset));
    bool detached = false;
    NAPI_OK(napi_is_detached_arraybuffer(env, buffer, &detached));
    if (!detached && napi_detach_arraybuffer(env, buffer) == napi_ok) released++;
  }
  napi_value out;
  NAPI_OK(napi_create_int32(env, released, &out));
  return out;
}

}  // namespace

void registerOpeningKernels(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      method<EqSumInto>("openingEqSumInto"),
      method<PairFoldSums>("openingPairFoldSums"),
      method<EqPairSumcheck>("openingEqPairSumcheck"),
      method<QuotientZ>("openingQuotientZ"),
      method<QuotientL>("openingQuotientL"),
      method<FoldInto>("frFoldInto"),
      method<LinearCombinationInto>("frLinearCombinationInto"),
      method<Release>("openingRelease"),
  };
  defineMethods(env, exports, props);
}

}  // namespace dp
