import type { Address, Hex } from "viem";
import { readContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import type { NetworkClient } from "../client";
import { ContractRevertError, DeepproveSdkError, InvalidParameterError, wrapContractError } from "../errors";
import { requireBytes, requireId, type RegistryContracts, type VerifierErrors } from "./types";

export interface CheckInferenceParameters extends RegistryContracts, VerifierErrors {
  modelId: bigint;
  input: Hex;
  output: Hex;
  proof: Hex;
  /** The address the proof is bound to (default: the client's account). */
  prover?: Address;
}

/** The verdict of {@link checkInference}: accepted, or rejected with the reason the contracts gave. */
export type InferenceCheck = { accepted: true } | { accepted: false; reason: DeepproveSdkError };

/**
 * Asks the registry, by `eth_call` (free, nothing recorded), whether `verifyInference` would accept the proof
 * for `prover`. A rejection is returned, not thrown; a failure to reach the node is thrown.
 * @example
 * const check = await checkInference(publicClient, { contracts, modelId, input, output, proof, prover })
 * if (!check.accepted) console.error(check.reason.shortMessage)
 */
export async function checkInference(
  client: NetworkClient,
  parameters: CheckInferenceParameters
): Promise<InferenceCheck> {
  const prover = parameters.prover ?? client.account?.address;
  if (!prover) {
    throw new InvalidParameterError("checkInference: give `prover` (the address the proof is bound to)", {
      hint: "Or use a client with an account: that account is assumed to be the prover.",
    });
  }
  const args = [
    requireId("checkInference", "modelId", parameters.modelId),
    requireBytes("checkInference", "input", parameters.input),
    requireBytes("checkInference", "output", parameters.output),
    prover,
    requireBytes("checkInference", "proof", parameters.proof),
  ] as const;
  try {
    await readContract(client, {
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "checkInference",
      args,
    });
    return { accepted: true };
  } catch (error) {
    const wrapped = wrapContractError("checkInference", error, parameters.verifierAbi);
    if (wrapped instanceof ContractRevertError || isRevert(error)) return { accepted: false, reason: wrapped };
    throw wrapped;
  }
}

/** Whether viem saw the call revert (with data it could not decode), as opposed to a transport failure. */
function isRevert(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === "ContractFunctionRevertedError" || cause.name === "CallExecutionError") return true;
  }
  return false;
}
