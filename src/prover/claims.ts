/**
 * Claims: the currency of the backwards (GKR-style) prover. A claim says "the MLE of some tensor takes
 * `value` at `point`" (point in the tensor's axis-padded layout, ./tensor.ts). Every layer IOP consumes a claim
 * on its output and produces claims on its inputs and on committed polynomials.
 */
import * as Fr from "../field/fr";
import type { Transcript } from "../transcript";

/** f~(point) = value for the tensor the context names. */
export interface Claim {
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** A layer proof that does not verify (or is malformed), with the layer and the reason. */
export class LayerProofError extends Error {
  override readonly name = "LayerProofError";
}

/**
 * Absorbs a claim as one message [point..., value]. Every layer IOP absorbs its input claim(s) first, so it
 * is sound on its own even when the claim did not come out of this transcript.
 */
export function absorbClaim(transcript: Transcript, label: string, claim: Claim): void {
  transcript.absorbScalars(label, [...claim.point, claim.value]);
}

/** Throws {@link LayerProofError} unless `x` is a canonical field element. */
export function checkScalar(x: unknown, what: string): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= Fr.MODULUS) throw new LayerProofError(`${what} is not a canonical field element`);
  return x;
}

/** Throws {@link LayerProofError} unless the claim's point has `numVars` canonical coordinates. */
export function checkClaim(claim: Claim, numVars: number, what: string): void {
  if (claim.point.length !== numVars) {
    throw new LayerProofError(`${what}: claim point has ${claim.point.length} coordinates, expected ${numVars}`);
  }
  claim.point.forEach((x, j) => checkScalar(x, `${what}: claim point[${j}]`));
  checkScalar(claim.value, `${what}: claim value`);
}

/**
 * Runs an honest prover's sum-check, turning the sum-check's refusal of a false claim into a
 * {@link LayerProofError} that names the layer; other errors pass through.
 */
export function provingTrueClaim<T>(what: string, prove: () => T): T {
  try {
    return prove();
  } catch (e) {
    if (e instanceof RangeError && e.message.includes("not the sum over the hypercube")) {
      throw new LayerProofError(`${what}: the claim is false (the prover refuses to prove it)`);
    }
    throw e;
  }
}
