// N-API entry points of the arena kernels (arena.h), added to the addon's exports by addon.cc.
#pragma once
#include <node_api.h>

namespace dp {

/** Defines the arena's entry points (arenaHelperColumn, arenaScale, arenaRoundSums, arenaBind, …) on `exports`. */
void registerArena(napi_env env, napi_value exports);

}  // namespace dp
