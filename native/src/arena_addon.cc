// N-API surface of the arena kernels (arena.h). Vectors are Uint8Arrays of canonical 32-byte little-endian
// words (8-byte aligned, as every Uint8Array with its own buffer is); scalars and witness values are bigints,
// checked canonical here. The round and binding entries take the arena's own vectors (outputs of these kernels,
// canonical by construction) and check their lengths, not every word: they run on up to 2^25 words a round.
#include "arena_addon.h"
#include <cstring>
#include <string>
#include <vector>
#include "arena.h"
#include "field.h"
#include "kernels.h"

namespace dp {

const ArenaKernels& arenaKernels() {
  return std::strcmp(kernels().name, adx::ARENA_KERNELS.name) == 0 ? adx::ARENA_KERNELS : portable::ARENA_KERNELS;
}

namespace {

/** Thrown inside a binding, turned into a JS exception at the boundary. */
struct ArenaJsError {
  bool range;
  std::string message;
};

#define ARENA_NAPI(call)                                                                 \
  do {                                                                                   \
    if ((call) != napi_ok) throw ArenaJsError{false, "N-API call failed: " #call};      \
  } while (0)

constexpr size_t WORD_BYTES = 32;

std::vector<napi_value> argsOf(napi_env env, napi_callback_info info, size_t count) {
  std::vector<napi_value> argv(count);
  size_t argc = count;
  ARENA_NAPI(napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr));
  if (argc < count) throw ArenaJsError{false, "expected " + std::to_string(count) + " arguments"};
  return argv;
}

int intOf(napi_env env, napi_value v, const char* what) {
  int32_t out = 0;
  if (napi_get_value_int32(env, v, &out) != napi_ok) throw ArenaJsError{false, std::string(what) + " must be a number"};
  return out;
}

/** A Uint8Array's words (length a multiple of 32, 8-byte aligned: the kernels read and write it in place). */
struct WordView {
  u64* data = nullptr;
  size_t n = 0;
};

WordView wordsOf(napi_env env, napi_value v, const std::string& what) {
  bool typed = false;
  ARENA_NAPI(napi_is_typedarray(env, v, &typed));
  if (!typed) throw ArenaJsError{false, what + " must be a Uint8Array"};
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  ARENA_NAPI(napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset));
  if (type != napi_uint8_array) throw ArenaJsError{false, what + " must be a Uint8Array"};
  if (length % WORD_BYTES != 0) throw ArenaJsError{true, what + ": byte length " + std::to_string(length) + " is not a multiple of 32"};
  if (length > 0 && reinterpret_cast<uintptr_t>(data) % alignof(u64) != 0) throw ArenaJsError{true, what + ": not 8-byte aligned"};
  return WordView{static_cast<u64*>(data), length / WORD_BYTES};
}

std::vector<WordView> wordsArrayOf(napi_env env, napi_value v, const std::string& what) {
  bool isArray = false;
  ARENA_NAPI(napi_is_array(env, v, &isArray));
  if (!isArray) throw ArenaJsError{false, what + " must be an array of Uint8Array"};
  uint32_t m = 0;
  ARENA_NAPI(napi_get_array_length(env, v, &m));
  std::vector<WordView> out(m);
  for (uint32_t k = 0; k < m; k++) {
    napi_value item;
    ARENA_NAPI(napi_get_element(env, v, k, &item));
    out[k] = wordsOf(env, item, what + " " + std::to_string(k));
  }
  return out;
}

/** One canonical bigint into 4 limbs. */
void bigintInto(napi_env env, napi_value v, u64* out, const std::string& what) {
  napi_valuetype t;
  ARENA_NAPI(napi_typeof(env, v, &t));
  if (t != napi_bigint) throw ArenaJsError{false, what + " is not a bigint"};
  int sign = 0;
  size_t words = 4;
  std::memset(out, 0, 32);
  ARENA_NAPI(napi_get_value_bigint_words(env, v, &sign, &words, out));
  if (sign != 0 || words > 4 || !Fr::isReduced(out)) throw ArenaJsError{true, what + " is not a canonical Fr element"};
}

/** A bigint[] of canonical elements as limbs; `expected` (when not SIZE_MAX) is the required length. */
std::vector<u64> bigintsOf(napi_env env, napi_value v, const std::string& what, size_t expected = SIZE_MAX) {
  bool isArray = false;
  ARENA_NAPI(napi_is_array(env, v, &isArray));
  if (!isArray) throw ArenaJsError{false, what + " must be an array of bigints"};
  uint32_t n = 0;
  ARENA_NAPI(napi_get_array_length(env, v, &n));
  if (expected != SIZE_MAX && n != expected) {
    throw ArenaJsError{true, what + ": " + std::to_string(n) + " entries, expected " + std::to_string(expected)};
  }
  std::vector<u64> out(4 * size_t(n));
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    ARENA_NAPI(napi_get_element(env, v, i, &item));
    bigintInto(env, item, out.data() + 4 * size_t(i), what + " entry " + std::to_string(i));
  }
  return out;
}

/** A new Buffer of n words and its data pointer (not zeroed: the caller writes every word). */
napi_value newWords(napi_env env, size_t n, u64** data) {
  napi_value out;
  void* raw = nullptr;
  ARENA_NAPI(napi_create_buffer(env, n * WORD_BYTES, &raw, &out));
  *data = static_cast<u64*>(raw);
  return out;
}

/**
 * arenaHelperColumn(components, betas, alpha, scales, helpers, offset, threads) -> [F, c_1, …, c_{a−1}]:
 * F = alpha − Σ_c betas[c]·components[c] (packed), and scales[x]/F[x] (1/F[x] when scales is null) written to
 * helpers at word `offset`. Also returns components 1.. packed (the caller binds them to evaluate them).
 * RangeError "shifted entry x is zero" when some F[x] = 0.
 */
napi_value HelperColumn(napi_env env, napi_callback_info info) {
  auto argv = argsOf(env, info, 7);
  bool isArray = false;
  ARENA_NAPI(napi_is_array(env, argv[0], &isArray));
  if (!isArray) throw ArenaJsError{false, "components must be an array of bigint arrays"};
  uint32_t arity = 0;
  ARENA_NAPI(napi_get_array_length(env, argv[0], &arity));
  if (arity == 0) throw ArenaJsError{true, "components: at least one component expected"};
  std::vector<u64> betas = bigintsOf(env, argv[1], "betas", arity);
  u64 alpha[4];
  bigintInto(env, argv[2], alpha, "alpha");
  std::vector<std::vector<u64>> comps(arity);
  size_t n = 0;
  for (uint32_t c = 0; c < arity; c++) {
    napi_value item;
    ARENA_NAPI(napi_get_element(env, argv[0], c, &item));
    comps[c] = bigintsOf(env, item, "component " + std::to_string(c));
    if (c == 0) n = comps[0].size() / 4;
    if (comps[c].size() / 4 != n) throw ArenaJsError{true, "component " + std::to_string(c) + ": length differs from component 0"};
  }
  napi_valuetype scalesType;
  ARENA_NAPI(napi_typeof(env, argv[3], &scalesType));
  std::vector<u64> scales;
  if (scalesType != napi_null && scalesType != napi_undefined) scales = bigintsOf(env, argv[3], "scales", n);
  const WordView helpers = wordsOf(env, argv[4], "helpers");
  const int offset = intOf(env, argv[5], "offset");
  if (offset < 0 || size_t(offset) + n > helpers.n) throw ArenaJsError{true, "helpers: offset plus column length exceeds its words"};
  const int threads = intOf(env, argv[6], "threads");

  napi_value out;
  ARENA_NAPI(napi_create_array_with_length(env, arity, &out));
  u64* shiftedWords = nullptr;
  napi_value shiftedBuffer = newWords(env, n, &shiftedWords);
  std::vector<const u64*> ptrs(arity);
  for (uint32_t c = 0; c < arity; c++) ptrs[c] = comps[c].data();
  arenaKernels().shifted(ptrs.data(), arity, betas.data(), alpha, n, shiftedWords, threads);
  for (size_t x = 0; x < n; x++) {
    if (Limbs::isZero(shiftedWords + 4 * x)) throw ArenaJsError{true, "shifted entry " + std::to_string(x) + " is zero"};
  }
  arenaKernels().scaledInverse(shiftedWords, scales.empty() ? nullptr : scales.data(), n, helpers.data + 4 * size_t(offset), threads);
  ARENA_NAPI(napi_set_element(env, out, 0, shiftedBuffer));
  for (uint32_t c = 1; c < arity; c++) {
    u64* words = nullptr;
    napi_value buffer = newWords(env, n, &words);
    if (n) std::memcpy(words, comps[c].data(), n * WORD_BYTES);
    ARENA_NAPI(napi_set_element(env, out, c, buffer));
  }
  return out;
}

/** arenaScale(tables, coeffs, threads): tables[k] *= coeffs[k] in place. */
napi_value Scale(napi_env env, napi_callback_info info) {
  auto argv = argsOf(env, info, 3);
  std::vector<WordView> tables = wordsArrayOf(env, argv[0], "table");
  std::vector<u64> coeffs = bigintsOf(env, argv[1], "coeffs", tables.size());
  std::vector<u64*> ptrs(tables.size());
  std::vector<size_t> lens(tables.size());
  for (size_t k = 0; k < tables.size(); k++) {
    ptrs[k] = tables[k].data;
    lens[k] = tables[k].n;
  }
  arenaKernels().scale(ptrs.data(), lens.data(), tables.size(), coeffs.data(), intOf(env, argv[2], "threads"));
  return nullptr;
}

/** Every table of `tables` must hold at least `len` words; their pointers. */
std::vector<const u64*> readable(const std::vector<WordView>& tables, size_t len, const char* what) {
  std::vector<const u64*> out(tables.size());
  for (size_t k = 0; k < tables.size(); k++) {
    if (tables[k].n < len) {
      throw ArenaJsError{true, std::string(what) + " " + std::to_string(k) + ": " + std::to_string(tables[k].n) + " words, expected at least " + std::to_string(len)};
    }
    out[k] = tables[k].data;
  }
  return out;
}

size_t evenLength(napi_env env, napi_value v) {
  const int len = intOf(env, v, "len");
  if (len < 2 || len % 2 != 0) throw ArenaJsError{true, "len must be even and at least 2"};
  return size_t(len);
}

/**
 * arenaRoundSums(as, bs, singles, singleCoeffs, halves, weights, len, threads) -> five words (arena.h,
 * roundSums): the eq-weighted sums at X = 0, 1, 2, then the plain sums at X = 0, 1.
 */
napi_value RoundSums(napi_env env, napi_callback_info info) {
  auto argv = argsOf(env, info, 8);
  const size_t len = evenLength(env, argv[6]);
  std::vector<WordView> as = wordsArrayOf(env, argv[0], "as"), bs = wordsArrayOf(env, argv[1], "bs");
  if (as.size() != bs.size()) throw ArenaJsError{true, "as and bs must have the same number of tables"};
  std::vector<WordView> singles = wordsArrayOf(env, argv[2], "singles");
  std::vector<u64> singleCoeffs = bigintsOf(env, argv[3], "singleCoeffs", singles.size());
  std::vector<WordView> halves = wordsArrayOf(env, argv[4], "halves");
  const WordView w = wordsOf(env, argv[5], "weights");
  if (w.n < len / 2) throw ArenaJsError{true, "weights: fewer than len / 2 words"};
  auto pa = readable(as, len, "as"), pb = readable(bs, len, "bs"), ps = readable(singles, len, "singles"),
       ph = readable(halves, len, "halves");
  u64 out[20];
  arenaKernels().roundSums(pa.data(), pb.data(), pa.size(), ps.data(), singleCoeffs.data(), ps.size(), ph.data(),
                           ph.size(), w.data, len, out, intOf(env, argv[7], "threads"));
  u64* data = nullptr;
  napi_value result = newWords(env, 5, &data);
  std::memcpy(data, out, sizeof(out));
  return result;
}

/**
 * arenaBind(tables, len, r, threads, inPlace) -> tables whose first len / 2 words are t[2i] + r·(t[2i+1] − t[2i]):
 * the same Uint8Arrays when inPlace, else new ones of len / 2 words.
 */
napi_value Bind(napi_env env, napi_callback_info info) {
  auto argv = argsOf(env, info, 5);
  std::vector<WordView> tables = wordsArrayOf(env, argv[0], "table");
  const size_t len = evenLength(env, argv[1]);
  u64 r[4];
  bigintInto(env, argv[2], r, "r");
  bool inPlace = false;
  if (napi_get_value_bool(env, argv[4], &inPlace) != napi_ok) throw ArenaJsError{false, "inPlace must be a boolean"};
  auto src = readable(tables, len, "table");
  std::vector<u64*> dst(tables.size());
  napi_value out = argv[0];
  if (inPlace) {
    for (size_t k = 0; k < tables.size(); k++) dst[k] = tables[k].data;
  } else {
    ARENA_NAPI(napi_create_array_with_length(env, tables.size(), &out));
    for (size_t k = 0; k < tables.size(); k++) {
      napi_value buffer = newWords(env, len / 2, &dst[k]);
      ARENA_NAPI(napi_set_element(env, out, uint32_t(k), buffer));
    }
  }
  arenaKernels().bind(src.data(), dst.data(), tables.size(), len, r, intOf(env, argv[3], "threads"));
  return out;
}

template <napi_value (*F)(napi_env, napi_callback_info)>
napi_value guarded(napi_env env, napi_callback_info info) {
  try {
    return F(env, info);
  } catch (const ArenaJsError& e) {
    if (e.range) {
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

}  // namespace

void registerArena(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"arenaHelperColumn", nullptr, guarded<HelperColumn>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"arenaScale", nullptr, guarded<Scale>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"arenaRoundSums", nullptr, guarded<RoundSums>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"arenaBind", nullptr, guarded<Bind>, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace dp
