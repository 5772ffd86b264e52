import { simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface SetCommissionParameters {
  contracts: Pick<NetworkAddresses, "staking">;
  /** New commission in basis points (≤ 5,000). */
  commissionBps: number;
}

/**
 * Schedules the client's (a prover's) commission change; returns the timestamp from which it applies.
 * @example
 * const { result: effectiveAt } = await setCommission(proverWallet, { contracts, commissionBps: 1500 })
 */
export async function setCommission(
  client: NetworkClient,
  parameters: SetCommissionParameters
): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "setCommission");
  const { commissionBps } = parameters;
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 65_535) {
    throw new InvalidParameterError(
      `setCommission: commissionBps must be an integer in basis points, got ${commissionBps}`
    );
  }
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.staking,
      abi: proverStakingAbi,
      functionName: "setCommission",
      args: [commissionBps],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "setCommission", hash);
    const { effectiveAt } = eventArgs(receipt, proverStakingAbi, "CommissionChangeScheduled");
    return { hash, blockNumber: receipt.blockNumber, result: BigInt(effectiveAt) };
  } catch (error) {
    throw wrapContractError("setCommission", error);
  }
}
