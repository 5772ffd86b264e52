import type { Hex } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import { requireBytes, requireId, type RegistryContracts, type VerifierErrors } from "./types";

export interface VerifyInferenceParameters extends RegistryContracts, VerifierErrors {
  modelId: bigint;
  /** Packed input tensors the proof is for. */
  input: Hex;
  /** Packed output tensors the proof is for. */
  output: Hex;
  /** The compiled proof, bound to the client's account (the transaction's sender). */
  proof: Hex;
}

/** What a verification recorded. */
export interface VerifiedInference {
  inferenceId: bigint;
  inputHash: Hex;
  outputHash: Hex;
}

/**
 * Submits a proof to the registry: the model's verifier checks it with the client's account as the prover, and
 * the inference is recorded. A rejected proof throws {@link ContractRevertError} with the verifier's reason
 * (decoded by name when `verifierAbi` is given) and nothing is sent: the call is simulated first.
 * @example
 * const { result } = await verifyInference(wallet, { contracts, modelId: 1n, input, output, proof })
 */
export async function verifyInference(
  client: NetworkClient,
  parameters: VerifyInferenceParameters
): Promise<WriteResult<VerifiedInference>> {
  const account = requireAccount(client, "verifyInference");
  const args = [
    requireId("verifyInference", "modelId", parameters.modelId),
    requireBytes("verifyInference", "input", parameters.input),
    requireBytes("verifyInference", "output", parameters.output),
    requireBytes("verifyInference", "proof", parameters.proof),
  ] as const;
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "verifyInference",
      args,
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "verifyInference", hash);
    const { inferenceId, inputHash, outputHash } = eventArgs(receipt, inferenceRegistryAbi, "InferenceVerified");
    return { hash, blockNumber: receipt.blockNumber, result: { inferenceId, inputHash, outputHash } };
  } catch (error) {
    throw wrapContractError("verifyInference", error, parameters.verifierAbi);
  }
}

/** Alias of {@link verifyInference}: a prover submits its proof. */
export const submitProof = verifyInference;
