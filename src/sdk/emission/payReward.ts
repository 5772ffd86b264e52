import type { Address } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { emissionControllerAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface PayRewardParameters {
  contracts: Pick<NetworkAddresses, "emission">;
  epoch: bigint;
  prover: Address;
}

/**
 * Mints a prover's reward for a finalized epoch into its pool (anyone may); returns the LA wei paid.
 * @example
 * await payReward(wallet, { contracts, epoch: 12n, prover })
 */
export async function payReward(client: NetworkClient, parameters: PayRewardParameters): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "payReward");
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.emission,
      abi: emissionControllerAbi,
      functionName: "payReward",
      args: [parameters.epoch, parameters.prover],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "payReward", hash);
    const { paid } = eventArgs(receipt, emissionControllerAbi, "RewardPaid");
    return { hash, blockNumber: receipt.blockNumber, result: paid };
  } catch (error) {
    throw wrapContractError("payReward", error);
  }
}
