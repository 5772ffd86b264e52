/**
 * Progress lines for a whole-model proof: `proveInference` reports (stage, done, total) as it goes; the CLI
 * wants one line a finished stage with the milliseconds it took. Shared by ./inference.ts and ../llm/prove.ts.
 */
import { performance } from "node:perf_hooks";

/**
 * The `onProgress` callback for `proveInference` that prints "<stage> done (<ms> ms)" when a stage finishes,
 * timing the first stage from `start` (a `performance.now()` reading); undefined without a line sink.
 */
export function stageProgress(onProgress: ((line: string) => void) | undefined, start: number): ((stage: string, done: number, total: number) => void) | undefined {
  if (!onProgress) return undefined;
  let stageStart = start;
  return (stage, done, total) => {
    if (done !== total) return;
    const now = performance.now();
    onProgress(`${stage} done (${Math.round(now - stageStart)} ms)`);
    stageStart = now;
  };
}
