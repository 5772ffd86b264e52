/**
 * Errors of the whole-model prover and verifier. A verifier never returns "false": it throws
 * {@link ProofRejectedError} with a reason naming the step ("node conv1 (Conv): sum-check round 3 …",
 * "batch opening: pairing check failed", "statement: …"), so a rejected proof says where it failed.
 */

/** A proof that does not verify, with the step that rejected it. */
export class ProofRejectedError extends Error {
  override readonly name = "ProofRejectedError";
  constructor(readonly reason: string) {
    super(`proof rejected: ${reason}`);
  }
}

/** A node the whole-model prover cannot prove yet: names the node, its operator and plan kind, and why. */
export class UnsupportedNodeError extends Error {
  override readonly name = "UnsupportedNodeError";
  constructor(
    readonly node: string,
    readonly op: string,
    readonly kind: string,
    why: string,
  ) {
    super(`node "${node}" (${op}, kind ${kind}) cannot be proved yet: ${why}`);
  }
}

/** A prover input that does not fit the model (trace of another model, wrong prover address, …). */
export class ProverInputError extends Error {
  override readonly name = "ProverInputError";
}
