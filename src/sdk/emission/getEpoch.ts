import { readContract } from "viem/actions";
import { emissionControllerAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface GetEpochParameters {
  contracts: Pick<NetworkAddresses, "emission">;
  /** Epoch number; the current epoch when omitted. */
  epoch?: bigint;
}

/** An emission epoch: its bounds and what has been recorded and paid in it (amounts in LA wei). */
export interface EpochInfo {
  id: bigint;
  start: bigint;
  /** Exclusive end: the epoch can be finalized from this timestamp on. */
  end: bigint;
  totalWork: bigint;
  finalized: boolean;
  /** Budget reserved at finalization (0 before). */
  budget: bigint;
  /** Minted into pools so far. */
  paid: bigint;
}

/**
 * Reads an epoch (the current one by default).
 * @example
 * const epoch = await getEpoch(publicClient, { contracts })
 */
export async function getEpoch(client: NetworkClient, parameters: GetEpochParameters): Promise<EpochInfo> {
  const address = parameters.contracts.emission;
  try {
    const id =
      parameters.epoch ??
      (await readContract(client, { address, abi: emissionControllerAbi, functionName: "currentEpoch" }));
    const [start, end] = await readContract(client, {
      address,
      abi: emissionControllerAbi,
      functionName: "epochBounds",
      args: [id],
    });
    const record = await readContract(client, {
      address,
      abi: emissionControllerAbi,
      functionName: "epoch",
      args: [id],
    });
    return {
      id,
      start: BigInt(start),
      end: BigInt(end),
      totalWork: record.totalWork,
      finalized: record.finalized,
      budget: record.budget,
      paid: record.paid,
    };
  } catch (error) {
    throw wrapContractError("getEpoch", error);
  }
}
