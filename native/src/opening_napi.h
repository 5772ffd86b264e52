// N-API bindings of the batch opening's in-place kernels (opening.h), added to the addon's exports by Init.
#pragma once
#include <node_api.h>

namespace dp {

/**
 * Defines openingEqSumInto, openingPairFoldSums, openingEqPairSumcheck, openingQuotientZ, openingQuotientL, frFoldInto,
 * frLinearCombinationInto and openingRelease on `exports`.
 */
void registerOpeningKernels(napi_env env, napi_value exports);

}  // namespace dp
