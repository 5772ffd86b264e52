/**
 * How the node gets proofs: a `ProofBackend` proves one inference of a registered model for a given prover
 * address (the proof is bound to it, so only that address can record it in the registry). The product backend
 * (./real-backend.ts) runs the whole-model prover on a setup directory; tests plug in doubles that match the
 * test verifiers of contracts/test/.
 */
import type { Address } from "viem";

/** One inference to prove. */
export interface ProofJob {
  /** Registry model id. */
  modelId: bigint;
  /** The packed input bytes (their keccak256 is the request's inputHash). */
  input: Uint8Array;
  /** The address the proof is bound to: the node's account, which submits it. */
  prover: Address;
}

/** A proved inference: the packed output bytes and the proof bytes, as the model's verifier takes them. */
export interface ProvedInference {
  output: Uint8Array;
  proof: Uint8Array;
}

export interface ProofBackend {
  /**
   * Why `input` cannot be proved for `modelId` (wrong size, values out of range, unknown model), or undefined
   * when it can. The node checks every request of a batch before revealing an ask in it.
   */
  checkInput?(modelId: bigint, input: Uint8Array): string | undefined;
  /** Proves `job`; throws when the model is unknown to the backend or the input is malformed. */
  prove(job: ProofJob): Promise<ProvedInference>;
}
