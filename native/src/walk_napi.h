// N-API entry point of the walk kernels (walk.h), added to the addon's exports by addon.cc.
#pragma once
#include <node_api.h>

namespace dp {

/** Defines walkProductRoundSums and walkKronecker on `exports`. */
void registerWalk(napi_env env, napi_value exports);

}  // namespace dp
