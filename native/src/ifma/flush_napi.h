// N-API entry points of the MSM flush switch (ifma/flush.h), added to the addon's exports by addon.cc.
#pragma once
#include <node_api.h>

namespace dp {

/** Defines msmFlush, ifmaSupported and ifmaBatches on `exports`. */
void registerMsmFlush(napi_env env, napi_value exports);

}  // namespace dp
