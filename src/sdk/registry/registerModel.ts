import type { Address, Hex } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import type { RegistryContracts } from "./types";

export interface RegisterModelParameters extends RegistryContracts {
  /** The model commitment; must equal `verifier.modelCommitment()`. */
  commitment: Hex;
  /** The model's deployed, generated verifier. */
  verifier: Address;
  /** Where the model is described (name, layout, verifying key); informative only. */
  metadataURI: string;
  /** Who may edit metadata, transfer and deprecate the model (default: the client's account). */
  owner?: Address;
}

/**
 * Registers a model under the next id.
 * @example
 * const { result: modelId } = await registerModel(wallet, { contracts, commitment, verifier, metadataURI: "ipfs://…" })
 */
export async function registerModel(
  client: NetworkClient,
  parameters: RegisterModelParameters
): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "registerModel");
  if (!/^0x[0-9a-fA-F]{64}$/.test(parameters.commitment)) {
    throw new InvalidParameterError(`registerModel: commitment must be 32 bytes of hex, got ${parameters.commitment}`);
  }
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "registerModel",
      args: [parameters.commitment, parameters.verifier, parameters.metadataURI, parameters.owner ?? account.address],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "registerModel", hash);
    const { modelId } = eventArgs(receipt, inferenceRegistryAbi, "ModelRegistered");
    return { hash, blockNumber: receipt.blockNumber, result: modelId };
  } catch (error) {
    throw wrapContractError("registerModel", error);
  }
}
