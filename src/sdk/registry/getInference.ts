import { readContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import { requireId, type InferenceRecord, type RegistryContracts } from "./types";

export interface GetInferenceParameters extends RegistryContracts {
  inferenceId: bigint;
}

/**
 * Reads a verified inference; throws {@link ContractRevertError} `UnknownInference` if there is none.
 * @example
 * const inference = await getInference(publicClient, { contracts, inferenceId: 1n })
 */
export async function getInference(client: NetworkClient, parameters: GetInferenceParameters): Promise<InferenceRecord> {
  const inferenceId = requireId("getInference", "inferenceId", parameters.inferenceId);
  try {
    const record = await readContract(client, {
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "getInference",
      args: [inferenceId],
    });
    return {
      inferenceId,
      modelId: record.modelId,
      inputHash: record.inputHash,
      outputHash: record.outputHash,
      prover: record.prover,
      blockNumber: record.blockNumber,
      timestamp: record.timestamp,
    };
  } catch (error) {
    throw wrapContractError("getInference", error);
  }
}
