/** Model owner actions: replace the metadata URI, transfer ownership, deprecate (one-way). */
import type { Address, Hash } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import { confirm, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import { requireId, type RegistryContracts } from "./types";

/** Runs `send` (simulate + write) for `action`, confirms it and wraps errors the SDK way. */
async function ownerTx(client: NetworkClient, action: string, send: () => Promise<Hash>): Promise<WriteResult<void>> {
  try {
    const hash = await send();
    const receipt = await confirm(client, action, hash);
    return { hash, blockNumber: receipt.blockNumber, result: undefined };
  } catch (error) {
    throw wrapContractError(action, error);
  }
}

/** Replaces a model's metadata URI (model owner only). */
export async function setModelMetadata(
  client: NetworkClient,
  parameters: RegistryContracts & { modelId: bigint; metadataURI: string }
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "setModelMetadata");
  const modelId = requireId("setModelMetadata", "modelId", parameters.modelId);
  return ownerTx(client, "setModelMetadata", async () => {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "setModelMetadata",
      args: [modelId, parameters.metadataURI],
    });
    return writeContract(client, request);
  });
}

/** Gives a model to `newOwner` (model owner only). */
export async function transferModelOwnership(
  client: NetworkClient,
  parameters: RegistryContracts & { modelId: bigint; newOwner: Address }
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "transferModelOwnership");
  const modelId = requireId("transferModelOwnership", "modelId", parameters.modelId);
  return ownerTx(client, "transferModelOwnership", async () => {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "transferModelOwnership",
      args: [modelId, parameters.newOwner],
    });
    return writeContract(client, request);
  });
}

/** Deprecates a model for good: new inferences are refused, records stay (model owner only). */
export async function deprecateModel(
  client: NetworkClient,
  parameters: RegistryContracts & { modelId: bigint }
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "deprecateModel");
  const modelId = requireId("deprecateModel", "modelId", parameters.modelId);
  return ownerTx(client, "deprecateModel", async () => {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "deprecateModel",
      args: [modelId],
    });
    return writeContract(client, request);
  });
}
