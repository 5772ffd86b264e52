// A background MSM queue (docs/msm.md, "The background queue"): MSMs handed over by the JS thread run one after
// another on one worker thread while the JS thread goes on (the prover's witness phase overlaps the commitment
// of the advice columns it has finished: src/msm/queue.ts, src/prover/graph/advice.ts).
#pragma once
#include <node_api.h>

namespace dp {

/** Adds msmQueueOpen, msmQueuePush, msmQueueWait and msmQueueClose to the exports. */
void registerMsmQueue(napi_env env, napi_value exports);

}  // namespace dp
