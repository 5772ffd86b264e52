import type { Hex } from "viem";
import { readContract } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import { requireId, statementHash, type RegistryContracts } from "./types";

export interface IsVerifiedParameters extends RegistryContracts {
  modelId: bigint;
  /** Packed input bytes (hashed here), or give `inputHash`. */
  input?: Hex;
  inputHash?: Hex;
  /** Packed output bytes (hashed here), or give `outputHash`. */
  output?: Hex;
  outputHash?: Hex;
}

/** Whether the statement was verified, and the first inference that recorded it (0n when none). */
export interface VerificationStatus {
  verified: boolean;
  firstInferenceId: bigint;
}

/**
 * Whether model `modelId` was proved (by anyone) to map the input to the output.
 * @example
 * const { verified } = await isVerified(publicClient, { contracts, modelId: 1n, input, output })
 */
export async function isVerified(client: NetworkClient, parameters: IsVerifiedParameters): Promise<VerificationStatus> {
  const modelId = requireId("isVerified", "modelId", parameters.modelId);
  const inputHash = statementHash("isVerified", "input", { bytes: parameters.input, hash: parameters.inputHash });
  const outputHash = statementHash("isVerified", "output", { bytes: parameters.output, hash: parameters.outputHash });
  try {
    const firstInferenceId = await readContract(client, {
      address: parameters.contracts.registry,
      abi: inferenceRegistryAbi,
      functionName: "firstInferenceOf",
      args: [modelId, inputHash, outputHash],
    });
    return { verified: firstInferenceId !== 0n, firstInferenceId };
  } catch (error) {
    throw wrapContractError("isVerified", error);
  }
}
