import { simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface ClaimCommissionParameters {
  contracts: Pick<NetworkAddresses, "staking">;
}

/**
 * Pays the client's account (a prover) the commission it has earned; returns the LA wei paid. Delegators have
 * nothing to claim: their rewards raise their pool's share price and are paid when they undelegate.
 * @example
 * const { result: paid } = await claimCommission(proverWallet, { contracts })
 */
export async function claimCommission(
  client: NetworkClient,
  parameters: ClaimCommissionParameters
): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "claimCommission");
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.staking,
      abi: proverStakingAbi,
      functionName: "claimCommission",
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "claimCommission", hash);
    const { amount } = eventArgs(receipt, proverStakingAbi, "CommissionClaimed");
    return { hash, blockNumber: receipt.blockNumber, result: amount };
  } catch (error) {
    throw wrapContractError("claimCommission", error);
  }
}
