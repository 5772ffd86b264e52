import { simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface WithdrawParameters {
  contracts: Pick<NetworkAddresses, "staking">;
  /** Unbonding request id returned by {@link undelegate} (or listed by getDelegatorPosition). */
  id: bigint;
}

/**
 * Withdraws a matured unbonding request; returns the LA wei paid (net of slashes while it was queued).
 * @example
 * const { result: paid } = await withdraw(wallet, { contracts, id: 3n })
 */
export async function withdraw(client: NetworkClient, parameters: WithdrawParameters): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "withdraw");
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.staking,
      abi: proverStakingAbi,
      functionName: "withdraw",
      args: [parameters.id],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "withdraw", hash);
    const { assets } = eventArgs(receipt, proverStakingAbi, "Withdrawn");
    return { hash, blockNumber: receipt.blockNumber, result: assets };
  } catch (error) {
    throw wrapContractError("withdraw", error);
  }
}
