/**
 * MSMs in the background: {@link MsmQueue} hands packed MSMs to the native addon's worker thread (one after
 * another, each on its own thread count) and returns at once, so the JS thread can compute the next input while
 * the previous ones are summed — on two cores the prover's witness phase and the commitment of the advice
 * columns it has finished run side by side (src/prover/graph/advice.ts; docs/msm.md, "The background queue").
 *
 * The results are the points {@link msm} returns for the same inputs (the same kernel, in push order). Without
 * the native backend, or with an addon built before the queue, every push runs at once on the calling thread.
 */
import type { G1Point } from "../curve/bn254";
import { requireNative, selectedBackend, threadCount } from "./backend";
import { G1Bases } from "./bases";
import { msm } from "./index";
import { canonicalPointAt, POINT_BYTES, WORD_BYTES } from "./layout";

/** A queue of MSMs; {@link MsmQueue.wait} collects them in push order. Close it when abandoning it. */
export class MsmQueue {
  private handle: unknown;
  /** Results of the pushes run at once (no native queue), in push order. */
  private readonly inline: G1Point[] = [];
  private pushed = 0;

  constructor() {
    const native = selectedBackend() === "native" ? requireNative() : undefined;
    this.handle = native?.msmQueueOpen ? native.msmQueueOpen() : undefined;
  }

  /** Whether pushes run in the background (the native queue), not on the calling thread. */
  get background(): boolean {
    return this.handle !== undefined;
  }

  /**
   * Queues Σ_i scalars[i]·bases[offset + i] (scalars: packed 32-byte canonical words). The queue reads `scalars`
   * until {@link wait}: the caller must not write them before. `threads`: native threads for this MSM (1 while
   * the caller keeps computing).
   * @throws {RangeError} when the bases end before the scalars
   */
  push(bases: G1Bases, offset: number, scalars: Uint8Array, threads = 1): void {
    const count = scalars.length / WORD_BYTES;
    if (!Number.isInteger(count)) throw new RangeError(`msm queue: packed scalars of ${scalars.length} bytes are not whole 32-byte words`);
    if (!Number.isInteger(offset) || offset < 0 || offset + count > bases.length) {
      throw new RangeError(`msm queue: ${count} scalars at base ${offset}, but only ${bases.length} bases`);
    }
    this.pushed++;
    if (this.handle === undefined) {
      this.inline.push(msm(offset === 0 ? bases : basesFrom(bases, offset, count), scalars));
      return;
    }
    const mont = bases.montgomeryBytes().subarray(offset * POINT_BYTES, (offset + count) * POINT_BYTES);
    try {
      requireNative().msmQueuePush!(this.handle, mont, scalars, threads);
    } catch (error) {
      throw error instanceof Error && !(error instanceof TypeError) ? new RangeError(`msm queue: ${error.message}`) : error;
    }
  }

  /**
   * Every pushed MSM's point, in push order; the queue is empty afterwards. MSMs not started yet run on
   * `threads` threads (default: every core, the caller now waits).
   * @throws {RangeError} naming the first MSM that failed (a non-canonical scalar)
   */
  wait(threads = threadCount()): G1Point[] {
    const count = this.pushed;
    this.pushed = 0;
    if (this.handle === undefined) return this.inline.splice(0);
    let bytes: Uint8Array;
    try {
      bytes = requireNative().msmQueueWait!(this.handle, threads);
    } catch (error) {
      throw error instanceof Error ? new RangeError(`msm queue: ${error.message}`) : error;
    }
    if (bytes.length !== count * POINT_BYTES) throw new RangeError(`msm queue: ${bytes.length / POINT_BYTES} results for ${count} MSMs (internal error)`);
    return Array.from({ length: count }, (_, i) => canonicalPointAt(bytes, i));
  }

  /** Drops the MSMs not started, waits for the running one and releases the inputs. Idempotent. */
  close(): void {
    this.pushed = 0;
    this.inline.length = 0;
    if (this.handle !== undefined) requireNative().msmQueueClose!(this.handle);
  }
}

/** Bases offset … offset + count − 1 (no copy of the native bytes; they were checked when `bases` was made). */
function basesFrom(bases: G1Bases, offset: number, count: number): G1Bases {
  if (selectedBackend() !== "native") return G1Bases.fromPoints(bases.toPoints().slice(offset, offset + count));
  return G1Bases.fromMontgomeryBytes(bases.montgomeryBytes().subarray(offset * POINT_BYTES, (offset + count) * POINT_BYTES), { trusted: true });
}
