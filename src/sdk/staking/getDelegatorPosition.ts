import type { Address } from "viem";
import { readContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface GetDelegatorPositionParameters {
  contracts: Pick<NetworkAddresses, "staking">;
  delegator: Address;
  /** Pools to report the active stake in (unbonding requests are listed for every pool). */
  provers: readonly Address[];
}

/** One unbonding request of the delegator. */
export interface PendingUnbonding {
  id: bigint;
  prover: Address;
  /** LA wei it would pay now. */
  assets: bigint;
  releaseAt: bigint;
}

export interface DelegatorPosition {
  delegator: Address;
  /** Active stake per requested prover (shares and their current LA value). */
  stakes: { prover: Address; shares: bigint; assets: bigint }[];
  unbonding: PendingUnbonding[];
}

/**
 * Reads a delegator's active stakes in the given pools and all its pending unbonding requests.
 * @example
 * const position = await getDelegatorPosition(publicClient, { contracts, delegator, provers: [prover] })
 */
export async function getDelegatorPosition(
  client: NetworkClient,
  parameters: GetDelegatorPositionParameters
): Promise<DelegatorPosition> {
  const { staking } = parameters.contracts;
  try {
    const stakes = [];
    for (const prover of parameters.provers) {
      const shares = await readContract(client, {
        address: staking,
        abi: proverStakingAbi,
        functionName: "sharesOf",
        args: [prover, parameters.delegator],
      });
      const assets = await readContract(client, {
        address: staking,
        abi: proverStakingAbi,
        functionName: "convertToAssets",
        args: [prover, shares],
      });
      stakes.push({ prover, shares, assets });
    }
    const ids = await readContract(client, {
      address: staking,
      abi: proverStakingAbi,
      functionName: "pendingUnbondings",
      args: [parameters.delegator],
    });
    const unbonding: PendingUnbonding[] = [];
    for (const id of ids) {
      const request = await readContract(client, {
        address: staking,
        abi: proverStakingAbi,
        functionName: "unbonding",
        args: [id],
      });
      const assets = await readContract(client, {
        address: staking,
        abi: proverStakingAbi,
        functionName: "unbondingAssetsOf",
        args: [id],
      });
      unbonding.push({ id, prover: request.prover, assets, releaseAt: request.releaseAt });
    }
    return { delegator: parameters.delegator, stakes, unbonding };
  } catch (error) {
    throw wrapContractError("getDelegatorPosition", error);
  }
}
