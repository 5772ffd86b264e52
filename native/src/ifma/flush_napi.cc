// N-API surface of the batch-affine flush switch (flush.h): which flush the MSM's affine buckets run, and
// whether this CPU has the IFMA one. Tests use it to cover both flushes in one process.
#include "flush_napi.h"
#include <string>
#include "../napi_glue.h"
#include "flush.h"

namespace dp {
namespace {

/**
 * msmFlush(name?) -> the flush MSMs use, "ifma" or "scalar". With a name ("auto", "ifma" or "scalar") it
 * switches first: a RangeError for an unknown name or for "ifma" on a CPU without AVX-512 IFMA.
 */
napi_value MsmFlush(napi_env env, napi_callback_info info) {
  auto argv = args(env, info, 0, 1);
  if (!argv.empty()) {
    size_t length = 0;
    char name[16] = {0};
    if (napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &length) != napi_ok) {
      throw JsError{JsError::Type, "msmFlush: the name must be a string"};
    }
    if (!ifma::setFlush(name)) {
      throw JsError{JsError::Range, std::string("msmFlush: \"") + name + "\" is not one of auto, ifma, scalar" +
                                        (ifma::supported() ? "" : " (ifma needs a CPU with AVX-512 F and IFMA)")};
    }
  }
  napi_value out;
  NAPI_OK(napi_create_string_utf8(env, ifma::active() ? "ifma" : "scalar", NAPI_AUTO_LENGTH, &out));
  return out;
}

/** ifmaSupported() -> whether this CPU has AVX-512 F and IFMA (the "ifma" flush can run). */
napi_value IfmaSupported(napi_env env, napi_callback_info) {
  napi_value out;
  NAPI_OK(napi_get_boolean(env, ifma::supported(), &out));
  return out;
}

/** ifmaBatches() -> batches run on the IFMA flush since the addon loaded (a number; tests check it moves). */
napi_value IfmaBatches(napi_env env, napi_callback_info) {
  napi_value out;
  NAPI_OK(napi_create_double(env, double(ifma::batches()), &out));
  return out;
}

}  // namespace

void registerMsmFlush(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {method<MsmFlush>("msmFlush"), method<IfmaSupported>("ifmaSupported"),
                                            method<IfmaBatches>("ifmaBatches")};
  defineMethods(env, exports, props);
}

}  // namespace dp
