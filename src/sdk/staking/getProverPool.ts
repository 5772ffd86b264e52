import type { Address } from "viem";
import { readContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface GetProverPoolParameters {
  contracts: Pick<NetworkAddresses, "staking">;
  prover: Address;
}

/** A prover's pool now (amounts in LA wei). */
export interface ProverPool {
  prover: Address;
  registered: boolean;
  /** Registered and self-stake ≥ the minimum: may win work and earn emissions. */
  active: boolean;
  metadataURI: string;
  commissionBps: number;
  /** Scheduled commission change, if any. */
  pendingCommission?: { commissionBps: number; effectiveAt: bigint };
  activeStake: bigint;
  activeShares: bigint;
  selfStake: bigint;
  unbondingAssets: bigint;
  unvestedRewards: bigint;
  commissionOwed: bigint;
  lockedCollateral: bigint;
}

/**
 * Reads a prover's pool.
 * @example
 * const pool = await getProverPool(publicClient, { contracts, prover })
 */
export async function getProverPool(client: NetworkClient, parameters: GetProverPoolParameters): Promise<ProverPool> {
  try {
    const pool = await readContract(client, {
      address: parameters.contracts.staking,
      abi: proverStakingAbi,
      functionName: "poolOf",
      args: [parameters.prover],
    });
    return {
      prover: parameters.prover,
      registered: pool.registered,
      active: pool.active,
      metadataURI: pool.metadataURI,
      commissionBps: pool.commissionBps,
      pendingCommission:
        pool.pendingCommissionAt === 0n
          ? undefined
          : { commissionBps: pool.pendingCommissionBps, effectiveAt: pool.pendingCommissionAt },
      activeStake: pool.activeStake,
      activeShares: pool.activeShares,
      selfStake: pool.selfStake,
      unbondingAssets: pool.unbondingAssets,
      unvestedRewards: pool.unvestedRewards,
      commissionOwed: pool.commissionOwed,
      lockedCollateral: pool.lockedCollateral,
    };
  } catch (error) {
    throw wrapContractError("getProverPool", error);
  }
}
