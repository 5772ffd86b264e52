import type { Address } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, ensureAllowance, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface DelegateParameters {
  contracts: Pick<NetworkAddresses, "token" | "staking">;
  /** The prover whose pool receives the stake; a prover stakes more by delegating to itself. */
  prover: Address;
  /** LA wei to delegate. */
  amount: bigint;
  /** Approve the staking contract for `amount` first if needed (default true). */
  approve?: boolean;
}

/**
 * Delegates LA to a prover's pool; returns the active shares minted.
 * @example
 * const { result: shares } = await delegate(wallet, { contracts, prover, amount: parseEther("500") })
 */
export async function delegate(client: NetworkClient, parameters: DelegateParameters): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "delegate");
  if (parameters.amount <= 0n)
    throw new InvalidParameterError(`delegate: amount must be positive, got ${parameters.amount}`);
  try {
    if (parameters.approve !== false) {
      await ensureAllowance(client, {
        token: parameters.contracts.token,
        spender: parameters.contracts.staking,
        amount: parameters.amount,
      });
    }
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.staking,
      abi: proverStakingAbi,
      functionName: "delegate",
      args: [parameters.prover, parameters.amount],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "delegate", hash);
    const { shares } = eventArgs(receipt, proverStakingAbi, "Delegated");
    return { hash, blockNumber: receipt.blockNumber, result: shares };
  } catch (error) {
    throw wrapContractError("delegate", error);
  }
}
