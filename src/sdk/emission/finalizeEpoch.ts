import { simulateContract, writeContract } from "viem/actions";
import { emissionControllerAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface FinalizeEpochParameters {
  contracts: Pick<NetworkAddresses, "emission">;
  epoch: bigint;
}

/**
 * Finalizes an ended epoch (anyone may), reserving its budget; returns the budget in LA wei.
 * @example
 * await finalizeEpoch(wallet, { contracts, epoch: 12n })
 */
export async function finalizeEpoch(
  client: NetworkClient,
  parameters: FinalizeEpochParameters
): Promise<WriteResult<bigint>> {
  const account = requireAccount(client, "finalizeEpoch");
  try {
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.emission,
      abi: emissionControllerAbi,
      functionName: "finalizeEpoch",
      args: [parameters.epoch],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "finalizeEpoch", hash);
    const { budget } = eventArgs(receipt, emissionControllerAbi, "EpochFinalized");
    return { hash, blockNumber: receipt.blockNumber, result: budget };
  } catch (error) {
    throw wrapContractError("finalizeEpoch", error);
  }
}
