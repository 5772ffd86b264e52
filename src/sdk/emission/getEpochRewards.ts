import type { Address } from "viem";
import { readContract } from "viem/actions";
import { emissionControllerAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface GetEpochRewardsParameters {
  contracts: Pick<NetworkAddresses, "emission">;
  epoch: bigint;
  prover: Address;
}

/** A prover's standing in one epoch (amounts in LA wei). */
export interface EpochRewards {
  epoch: bigint;
  prover: Address;
  /** Work weight recorded for the prover. */
  work: bigint;
  /** Largest reward its stake allows for the epoch. */
  stakeCap: bigint;
  /** What {@link payReward} would mint now (0 before finalization and once paid). */
  pending: bigint;
  paid: boolean;
}

/**
 * Reads a prover's work and reward in an epoch.
 * @example
 * const rewards = await getEpochRewards(publicClient, { contracts, epoch: 12n, prover })
 */
export async function getEpochRewards(
  client: NetworkClient,
  parameters: GetEpochRewardsParameters
): Promise<EpochRewards> {
  const address = parameters.contracts.emission;
  const args = [parameters.epoch, parameters.prover] as const;
  try {
    const [work, stakeCap, pending, paid] = await Promise.all([
      readContract(client, { address, abi: emissionControllerAbi, functionName: "workOf", args }),
      readContract(client, { address, abi: emissionControllerAbi, functionName: "stakeCap", args }),
      readContract(client, { address, abi: emissionControllerAbi, functionName: "pendingReward", args }),
      readContract(client, { address, abi: emissionControllerAbi, functionName: "isPaid", args }),
    ]);
    return { epoch: parameters.epoch, prover: parameters.prover, work, stakeCap, pending, paid };
  } catch (error) {
    throw wrapContractError("getEpochRewards", error);
  }
}
