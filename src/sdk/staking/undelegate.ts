import type { Address } from "viem";
import { readContract, simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export type UndelegateParameters = {
  contracts: Pick<NetworkAddresses, "staking">;
  prover: Address;
} & (
  | { /** Active shares to burn. */ shares: bigint }
  | { /** LA wei to queue; converted to shares at the current rate, rounded up, at most all held. */ amount: bigint }
  | { /** Undelegate every share held. */ all: true }
);

export interface UndelegateReturnType {
  /** Unbonding request id, for {@link withdraw}. */
  id: bigint;
  /** Shares burned. */
  shares: bigint;
}

/**
 * Queues (part of) a delegation for withdrawal after the unbonding period; the queued stake earns nothing and
 * stays slashable until withdrawn.
 * @example
 * const { result } = await undelegate(wallet, { contracts, prover, all: true }) // result.id → withdraw later
 */
export async function undelegate(
  client: NetworkClient,
  parameters: UndelegateParameters
): Promise<WriteResult<UndelegateReturnType>> {
  const account = requireAccount(client, "undelegate");
  const staking = parameters.contracts.staking;
  try {
    const held = await readContract(client, {
      address: staking,
      abi: proverStakingAbi,
      functionName: "sharesOf",
      args: [parameters.prover, account.address],
    });
    let shares: bigint;
    if ("shares" in parameters) shares = parameters.shares;
    else if ("all" in parameters) shares = held;
    else {
      if (parameters.amount <= 0n) {
        throw new InvalidParameterError(`undelegate: amount must be positive, got ${parameters.amount}`);
      }
      const perShare = await readContract(client, {
        address: staking,
        abi: proverStakingAbi,
        functionName: "convertToShares",
        args: [parameters.prover, parameters.amount],
      });
      shares = perShare + 1n > held ? held : perShare + 1n;
    }
    if (shares === 0n) {
      throw new InvalidParameterError(`undelegate: no shares of prover ${parameters.prover} to undelegate`, {
        hint: "Check the prover address and your position (getDelegatorPosition).",
      });
    }
    const { request } = await simulateContract(client, {
      account,
      address: staking,
      abi: proverStakingAbi,
      functionName: "undelegate",
      args: [parameters.prover, shares],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "undelegate", hash);
    const { id } = eventArgs(receipt, proverStakingAbi, "Undelegated");
    return { hash, blockNumber: receipt.blockNumber, result: { id, shares } };
  } catch (error) {
    throw wrapContractError("undelegate", error);
  }
}
