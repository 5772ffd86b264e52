/**
 * Named steps of the batch opening's prover (E_p, the pair sum-check, G, each HyperKZG fold and MSM, B, the
 * quotients), reported to one optional observer: `scripts/profile-llm.ts --opening-steps` records CPU time,
 * wall time and RSS around each. Without an observer a step is a plain call: the prover carries no timing of
 * its own and the proof does not depend on whether anyone is watching.
 */

/** Told when each step begins and ends (nested steps nest). */
export interface OpeningStepObserver {
  begin(step: string): void;
  end(step: string): void;
}

let observer: OpeningStepObserver | undefined;

/** Installs `next` (or none) as the observer; returns the previous one. */
export function setOpeningStepObserver(next: OpeningStepObserver | undefined): OpeningStepObserver | undefined {
  const previous = observer;
  observer = next;
  return previous;
}

/** Runs `body` as the step `name`. */
export function openingStep<T>(name: string, body: () => T): T {
  const o = observer;
  if (!o) return body();
  o.begin(name);
  try {
    return body();
  } finally {
    o.end(name);
  }
}
