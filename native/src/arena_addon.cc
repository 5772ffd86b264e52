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
#include "napi_glue.h"

namespace dp {

const ArenaKernels& arenaKernels() {
  return std::strcmp(kernels().name, adx::ARENA_KERNELS.name) == 0 ? adx::ARENA_KERNELS : portable::ARENA_KERNELS;
}

namespace {

constexpr size_t WORD_BYTES = 32;

/** A Uint8Array's words (length a multiple of 32, 8-byte aligned: the kernels read and write it in place). */
struct WordView {
  u64* data = nullptr;
  size_t n = 0;
};

WordView wordsOf(napi_env env, napi_value v, const std::string& what) {
  const Uint8View b = readUint8Array(env, v, what);
  if (b.length % WORD_BYTES != 0) throw JsError{JsError::Range, what + ": byte length " + std::to_string(b.length) + " is not a multiple of 32"};
  if (b.length > 0 && reinterpret_cast<uintptr_t>(b.data) % alignof(u64) != 0) throw JsError{JsError::Range, what + ": not 8-byte aligned"};
  return WordView{static_cast<u64*>(b.data), b.length / WORD_BYTES};
}

std::vector<WordView> wordsArrayOf(napi_env env, napi_value v, const std::string& what) {
  const uint32_t m = arrayLength(env, v, what, "an array of Uint8Array");
  std::vector<WordView> out(m);
  for (uint32_t k = 0; k < m; k++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, v, k, &item));
    out[k] = wordsOf(env, item, what + " " + std::to_string(k));
  }
  return out;
}

/** One canonical bigint into 4 limbs. */
void bigintInto(napi_env env, napi_value v, u64* out, const std::string& what) {
  napi_valuetype t;
  NAPI_OK(napi_typeof(env, v, &t));
  if (t != napi_bigint) throw JsError{JsError::Type, what + " is not a bigint"};
  int sign = 0;
  size_t words = 4;
  std::memset(out, 0, 32);
  NAPI_OK(napi_get_value_bigint_words(env, v, &sign, &words, out));
  if (sign != 0 || words > 4 || !Fr::isReduced(out)) throw JsError{JsError::Range, what + " is not a canonical Fr element"};
}

/** A bigint[] of canonical elements as limbs; `expected` (when not SIZE_MAX) is the required length. */
std::vector<u64> bigintsOf(napi_env env, napi_value v, const std::string& what, size_t expected = SIZE_MAX) {
  const uint32_t n = arrayLength(env, v, what, "an array of bigints");
  if (expected != SIZE_MAX && n != expected) {
    throw JsError{JsError::Range, what + ": " + std::to_string(n) + " entries, expected " + std::to_string(expected)};
  }
  std::vector<u64> out(4 * size_t(n));
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, v, i, &item));
    bigintInto(env, item, out.data() + 4 * size_t(i), what + " entry " + std::to_string(i));
  }
  return out;
}

/** A new Buffer of n words and its data pointer (not zeroed: the caller writes every word). */
napi_value newWords(napi_env env, size_t n, u64** data) {
  napi_value out;
  void* raw = nullptr;
  NAPI_OK(napi_create_buffer(env, n * WORD_BYTES, &raw, &out));
  *data = static_cast<u64*>(raw);
  return out;
}

/**
 * arenaHelperColumn(components, betas, alpha, scales, helpers, offset, threads[, accumulate]) -> [F, c_1, …]:
 * F = alpha − Σ_c betas[c]·components[c] (packed), and scales[x]/F[x] (1/F[x] when scales is null) written to
 * helpers at word `offset` — added to the words there when `accumulate` is true (a grouped helper column's further
 * members). Also returns components 1.. packed (the caller binds them to evaluate them).
 * RangeError "shifted entry x is zero" when some F[x] = 0.
 */
napi_value HelperColumn(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 7, 8);
  bool accumulate = false;
  if (argv.size() > 7 && napi_get_value_bool(env, argv[7], &accumulate) != napi_ok) {
    throw JsError{JsError::Type, "accumulate must be a boolean"};
  }
  const uint32_t arity = arrayLength(env, argv[0], "components", "an array of bigint arrays");
  if (arity == 0) throw JsError{JsError::Range, "components: at least one component expected"};
  std::vector<u64> betas = bigintsOf(env, argv[1], "betas", arity);
  u64 alpha[4];
  bigintInto(env, argv[2], alpha, "alpha");
  std::vector<std::vector<u64>> comps(arity);
  size_t n = 0;
  for (uint32_t c = 0; c < arity; c++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[0], c, &item));
    comps[c] = bigintsOf(env, item, "component " + std::to_string(c));
    if (c == 0) n = comps[0].size() / 4;
    if (comps[c].size() / 4 != n) throw JsError{JsError::Range, "component " + std::to_string(c) + ": length differs from component 0"};
  }
  napi_valuetype scalesType;
  NAPI_OK(napi_typeof(env, argv[3], &scalesType));
  std::vector<u64> scales;
  if (scalesType != napi_null && scalesType != napi_undefined) scales = bigintsOf(env, argv[3], "scales", n);
  const WordView helpers = wordsOf(env, argv[4], "helpers");
  const int offset = readInt(env, argv[5], "offset");
  if (offset < 0 || size_t(offset) + n > helpers.n) throw JsError{JsError::Range, "helpers: offset plus column length exceeds its words"};
  const int threads = readInt(env, argv[6], "threads");

  napi_value out;
  NAPI_OK(napi_create_array_with_length(env, arity, &out));
  u64* shiftedWords = nullptr;
  napi_value shiftedBuffer = newWords(env, n, &shiftedWords);
  std::vector<const u64*> ptrs(arity);
  for (uint32_t c = 0; c < arity; c++) ptrs[c] = comps[c].data();
  arenaKernels().shifted(ptrs.data(), arity, betas.data(), alpha, n, shiftedWords, threads);
  for (size_t x = 0; x < n; x++) {
    if (Limbs::isZero(shiftedWords + 4 * x)) throw JsError{JsError::Range, "shifted entry " + std::to_string(x) + " is zero"};
  }
  u64* target = helpers.data + 4 * size_t(offset);
  if (accumulate) {
    std::vector<u64> inverses(4 * n);
    arenaKernels().scaledInverse(shiftedWords, scales.empty() ? nullptr : scales.data(), n, inverses.data(), threads);
    arenaKernels().accumulate(target, inverses.data(), n, threads);
  } else {
    arenaKernels().scaledInverse(shiftedWords, scales.empty() ? nullptr : scales.data(), n, target, threads);
  }
  NAPI_OK(napi_set_element(env, out, 0, shiftedBuffer));
  for (uint32_t c = 1; c < arity; c++) {
    u64* words = nullptr;
    napi_value buffer = newWords(env, n, &words);
    if (n) std::memcpy(words, comps[c].data(), n * WORD_BYTES);
    NAPI_OK(napi_set_element(env, out, c, buffer));
  }
  return out;
}

/** arenaScale(tables, coeffs, threads): tables[k] *= coeffs[k] in place. */
napi_value Scale(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 3);
  std::vector<WordView> tables = wordsArrayOf(env, argv[0], "table");
  std::vector<u64> coeffs = bigintsOf(env, argv[1], "coeffs", tables.size());
  std::vector<u64*> ptrs(tables.size());
  std::vector<size_t> lens(tables.size());
  for (size_t k = 0; k < tables.size(); k++) {
    ptrs[k] = tables[k].data;
    lens[k] = tables[k].n;
  }
  arenaKernels().scale(ptrs.data(), lens.data(), tables.size(), coeffs.data(), readInt(env, argv[2], "threads"));
  return nullptr;
}

/** Every table of `tables` must hold at least `len` words; their pointers. */
std::vector<const u64*> readable(const std::vector<WordView>& tables, size_t len, const char* what) {
  std::vector<const u64*> out(tables.size());
  for (size_t k = 0; k < tables.size(); k++) {
    if (tables[k].n < len) {
      throw JsError{JsError::Range, std::string(what) + " " + std::to_string(k) + ": " + std::to_string(tables[k].n) + " words, expected at least " + std::to_string(len)};
    }
    out[k] = tables[k].data;
  }
  return out;
}

size_t evenLength(napi_env env, napi_value v) {
  const int len = readInt(env, v, "len");
  if (len < 2 || len % 2 != 0) throw JsError{JsError::Range, "len must be even and at least 2"};
  return size_t(len);
}

/**
 * arenaRoundSums(as, bs, singles, singleCoeffs, halves, weights, len, threads) -> five words (arena.h,
 * roundSums): the eq-weighted sums at X = 0, 1, 2, then the plain sums at X = 0, 1.
 */
napi_value RoundSums(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 8);
  const size_t len = evenLength(env, argv[6]);
  std::vector<WordView> as = wordsArrayOf(env, argv[0], "as"), bs = wordsArrayOf(env, argv[1], "bs");
  if (as.size() != bs.size()) throw JsError{JsError::Range, "as and bs must have the same number of tables"};
  std::vector<WordView> singles = wordsArrayOf(env, argv[2], "singles");
  std::vector<u64> singleCoeffs = bigintsOf(env, argv[3], "singleCoeffs", singles.size());
  std::vector<WordView> halves = wordsArrayOf(env, argv[4], "halves");
  const WordView w = wordsOf(env, argv[5], "weights");
  if (w.n < len / 2) throw JsError{JsError::Range, "weights: fewer than len / 2 words"};
  auto pa = readable(as, len, "as"), pb = readable(bs, len, "bs"), ps = readable(singles, len, "singles"),
       ph = readable(halves, len, "halves");
  u64 out[20];
  arenaKernels().roundSums(pa.data(), pb.data(), pa.size(), ps.data(), singleCoeffs.data(), ps.size(), ph.data(),
                           ph.size(), w.data, len, out, readInt(env, argv[7], "threads"));
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
  auto argv = args(env, info, 5);
  std::vector<WordView> tables = wordsArrayOf(env, argv[0], "table");
  const size_t len = evenLength(env, argv[1]);
  u64 r[4];
  bigintInto(env, argv[2], r, "r");
  bool inPlace = false;
  if (napi_get_value_bool(env, argv[4], &inPlace) != napi_ok) throw JsError{JsError::Type, "inPlace must be a boolean"};
  auto src = readable(tables, len, "table");
  std::vector<u64*> dst(tables.size());
  napi_value out = argv[0];
  if (inPlace) {
    for (size_t k = 0; k < tables.size(); k++) dst[k] = tables[k].data;
  } else {
    NAPI_OK(napi_create_array_with_length(env, tables.size(), &out));
    for (size_t k = 0; k < tables.size(); k++) {
      napi_value buffer = newWords(env, len / 2, &dst[k]);
      NAPI_OK(napi_set_element(env, out, uint32_t(k), buffer));
    }
  }
  arenaKernels().bind(src.data(), dst.data(), tables.size(), len, r, readInt(env, argv[3], "threads"));
  return out;
}

/**
 * arenaGroupSums(hs, fs, sizes, coeffs, weights, len, points, threads) -> `points` words (arena.h, groupSums):
 * Σ_i w[i]·Σ_G c_G·(h_G·Π_j F_j − Σ_j Π_{l≠j} F_l)(X) for X = 0 … points − 1; fs holds the groups' shifted
 * columns one group after the other.
 */
napi_value GroupSums(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 8);
  const size_t len = evenLength(env, argv[5]);
  std::vector<WordView> hs = wordsArrayOf(env, argv[0], "hs"), fs = wordsArrayOf(env, argv[1], "fs");
  const uint32_t groups = arrayLength(env, argv[2], "sizes", "an array of numbers");
  if (groups != hs.size()) throw JsError{JsError::Range, "sizes: one entry per helper expected"};
  const int points = readInt(env, argv[6], "points");
  std::vector<size_t> sizes(groups);
  size_t columns = 0;
  for (uint32_t g = 0; g < groups; g++) {
    napi_value item;
    NAPI_OK(napi_get_element(env, argv[2], g, &item));
    const int s = readInt(env, item, "sizes entry");
    if (s < 2 || s + 2 > points) throw JsError{JsError::Range, "sizes: entry " + std::to_string(g) + " must be in [2, points − 2]"};
    sizes[g] = size_t(s);
    columns += sizes[g];
  }
  if (points < 4 || size_t(points) > ARENA_MAX_POINTS) throw JsError{JsError::Range, "points must be in [4, " + std::to_string(ARENA_MAX_POINTS) + "]"};
  if (columns != fs.size()) throw JsError{JsError::Range, "fs: the sizes add up to " + std::to_string(columns) + " columns, got " + std::to_string(fs.size())};
  std::vector<u64> coeffs = bigintsOf(env, argv[3], "coeffs", groups);
  const WordView w = wordsOf(env, argv[4], "weights");
  if (w.n < len / 2) throw JsError{JsError::Range, "weights: fewer than len / 2 words"};
  auto ph = readable(hs, len, "hs"), pf = readable(fs, len, "fs");
  std::vector<u64> out(4 * ARENA_MAX_POINTS);
  arenaKernels().groupSums(ph.data(), pf.data(), sizes.data(), groups, coeffs.data(), w.data, len, size_t(points), out.data(),
                           readInt(env, argv[7], "threads"));
  u64* data = nullptr;
  napi_value result = newWords(env, size_t(points), &data);
  std::memcpy(data, out.data(), size_t(points) * WORD_BYTES);
  return result;
}

/** A Uint32Array argument, in place. */
struct RowsView {
  const uint32_t* data = nullptr;
  size_t n = 0;
};

RowsView rowsOf(napi_env env, napi_value v, const std::string& what) {
  bool typed = false;
  NAPI_OK(napi_is_typedarray(env, v, &typed));
  napi_typedarray_type type = napi_uint8_array;
  RowsView rows;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  if (typed) NAPI_OK(napi_get_typedarray_info(env, v, &type, &rows.n, &data, &buffer, &offset));
  if (!typed || type != napi_uint32_array) throw JsError{JsError::Type, what + " must be a Uint32Array"};
  rows.data = static_cast<const uint32_t*>(data);
  return rows;
}

/**
 * arenaGather(table, rows, out, offset, accumulate, threads) -> out (or a new Buffer of rows.length words when out
 * is null): word offset + x of out = table[rows[x]] — added to it when accumulate (a grouped helper's further
 * members). RangeError when a row is past the table or the rows run past out.
 */
napi_value Gather(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 6);
  const WordView table = wordsOf(env, argv[0], "table");
  const RowsView rows = rowsOf(env, argv[1], "rows");
  for (size_t x = 0; x < rows.n; x++) {
    if (rows.data[x] >= table.n) throw JsError{JsError::Range, "rows: entry " + std::to_string(x) + " is past the table's " + std::to_string(table.n) + " words"};
  }
  napi_valuetype outType;
  NAPI_OK(napi_typeof(env, argv[2], &outType));
  const int offset = readInt(env, argv[3], "offset");
  bool accumulate = false;
  if (napi_get_value_bool(env, argv[4], &accumulate) != napi_ok) throw JsError{JsError::Type, "accumulate must be a boolean"};
  const int threads = readInt(env, argv[5], "threads");
  napi_value result = argv[2];
  u64* target = nullptr;
  if (outType == napi_null) {
    if (offset != 0 || accumulate) throw JsError{JsError::Range, "a new output takes offset 0 and no accumulation"};
    result = newWords(env, rows.n, &target);
  } else {
    const WordView out = wordsOf(env, argv[2], "out");
    if (offset < 0 || size_t(offset) + rows.n > out.n) throw JsError{JsError::Range, "out: offset plus rows exceeds its words"};
    target = out.data + 4 * size_t(offset);
    const uint8_t* t0 = reinterpret_cast<const uint8_t*>(table.data);
    const uint8_t* o0 = reinterpret_cast<const uint8_t*>(target);
    if (rows.n > 0 && t0 < o0 + rows.n * WORD_BYTES && o0 < t0 + table.n * WORD_BYTES) throw JsError{JsError::Range, "out overlaps the table"};
  }
  arenaKernels().gather(table.data, rows.data, rows.n, target, accumulate, threads);
  return result;
}

/** arenaInverse(a, threads) -> 1/a[x] for every word (a new Buffer); RangeError "shifted entry x is zero". */
napi_value Inverse(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 2);
  const WordView a = wordsOf(env, argv[0], "a");
  for (size_t x = 0; x < a.n; x++) {
    if (!Fr::isReduced(a.data + 4 * x)) throw JsError{JsError::Range, "a: word " + std::to_string(x) + " is not a canonical Fr element"};
    if (Limbs::isZero(a.data + 4 * x)) throw JsError{JsError::Range, "shifted entry " + std::to_string(x) + " is zero"};
  }
  u64* out = nullptr;
  napi_value result = newWords(env, a.n, &out);
  arenaKernels().scaledInverse(a.data, nullptr, a.n, out, readInt(env, argv[1], "threads"));
  return result;
}

}  // namespace

void registerArena(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      method<HelperColumn>("arenaHelperColumn"),
      method<Scale>("arenaScale"),
      method<RoundSums>("arenaRoundSums"),
      method<Bind>("arenaBind"),
      method<GroupSums>("arenaGroupSums"),
      method<Gather>("arenaGather"),
      method<Inverse>("arenaInverse"),
  };
  defineMethods(env, exports, props);
}

}  // namespace dp
