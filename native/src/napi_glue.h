// The N-API plumbing shared by the addon's binding files (addon.cc, arena_addon.cc, opening_napi.cc): one
// error type and one boundary that turns it into a JS exception, so every entry point throws the same kinds
// (TypeError for a wrong kind of argument, RangeError for a bad value) the same way, plus the argument readers
// whose messages are the same in every file.
#pragma once
#include <node_api.h>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <vector>

namespace dp {

/** Thrown inside a binding, turned into a JS exception by guarded() at the boundary. */
struct JsError {
  enum Kind { Type, Range } kind;
  std::string message;
};

#define NAPI_OK(call)                                                                   \
  do {                                                                                  \
    if ((call) != napi_ok) throw ::dp::JsError{::dp::JsError::Type, "N-API call failed: " #call}; \
  } while (0)

/** The call's arguments: at least `required`, at most `optional` (undefined ones dropped from the end). */
inline std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t required, size_t optional = 0) {
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

/** A 32-bit integer argument. */
inline int readInt(napi_env env, napi_value value, const char* what) {
  int32_t v = 0;
  if (napi_get_value_int32(env, value, &v) != napi_ok) throw JsError{JsError::Type, std::string(what) + " must be a number"};
  return v;
}

/** A Uint8Array's bytes, in place (callers check the length and alignment their layout needs). */
struct Uint8View {
  void* data = nullptr;
  size_t length = 0;
};

inline Uint8View readUint8Array(napi_env env, napi_value value, const std::string& what) {
  bool typed = false;
  NAPI_OK(napi_is_typedarray(env, value, &typed));
  if (!typed) throw JsError{JsError::Type, what + " must be a Uint8Array"};
  napi_typedarray_type type;
  Uint8View view;
  napi_value buffer;
  size_t offset = 0;
  NAPI_OK(napi_get_typedarray_info(env, value, &type, &view.length, &view.data, &buffer, &offset));
  if (type != napi_uint8_array) throw JsError{JsError::Type, what + " must be a Uint8Array"};
  return view;
}

/** An array argument's length; a TypeError "<what> must be <expected>" when it is not an array. */
inline uint32_t arrayLength(napi_env env, napi_value value, const std::string& what, const char* expected = "an array") {
  bool isArray = false;
  NAPI_OK(napi_is_array(env, value, &isArray));
  if (!isArray) throw JsError{JsError::Type, what + " must be " + expected};
  uint32_t n = 0;
  NAPI_OK(napi_get_array_length(env, value, &n));
  return n;
}

/** A new Buffer holding a copy of `length` bytes. */
inline napi_value bufferOf(napi_env env, const void* data, size_t length) {
  napi_value out;
  void* copy = nullptr;
  NAPI_OK(napi_create_buffer_copy(env, length, length ? data : "", &copy, &out));
  return out;
}

/** F with its C++ exceptions turned into the matching JS exceptions (nothing may unwind into Node). */
template <napi_callback F>
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

/** One entry of a registration table: `name` calls F through guarded(). */
template <napi_callback F>
napi_property_descriptor method(const char* name) {
  return {name, nullptr, guarded<F>, nullptr, nullptr, nullptr, napi_default, nullptr};
}

template <size_t N>
void defineMethods(napi_env env, napi_value exports, const napi_property_descriptor (&props)[N]) {
  napi_define_properties(env, exports, N, props);
}

}  // namespace dp
