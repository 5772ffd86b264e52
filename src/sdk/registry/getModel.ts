import { readContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import { requireId, type ModelRecord, type RegistryContracts } from "./types";

export interface GetModelParameters extends RegistryContracts {
  modelId: bigint;
}

/**
 * Reads a registered model; throws {@link ContractRevertError} `UnknownModel` if there is none.
 * @example
 * const model = await getModel(publicClient, { contracts, modelId: 1n })
 */
export async function getModel(client: NetworkClient, parameters: GetModelParameters): Promise<ModelRecord> {
  const modelId = requireId("getModel", "modelId", parameters.modelId);
  try {
    const model = await readContract(client, {
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "getModel",
      args: [modelId],
    });
    return {
      modelId,
      commitment: model.commitment,
      verifier: model.verifier,
      owner: model.owner,
      deprecated: model.deprecated,
      registeredAt: model.registeredAt,
      metadataURI: model.metadataURI,
    };
  } catch (error) {
    throw wrapContractError("getModel", error);
  }
}
