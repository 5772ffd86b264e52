/**
 * Input availability: a request stores only the hash of its input; the bytes are published in a market log
 * (`InputPublished`) that provers read. The hash check on both sides means nobody can publish or accept a wrong
 * input.
 */
import { keccak256, type Hex } from "viem";
import { getContractEvents, simulateContract, writeContract } from "viem/actions";
import { proofMarketAbi } from "../abis";
import { confirm, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import { requireBytes } from "../registry/types";
import { marketAddress, type MarketContracts } from "./types";

/** Publishes the input bytes of request `requestId` (they must hash to the request's `inputHash`). */
export async function publishInput(
  client: NetworkClient,
  parameters: MarketContracts & { requestId: bigint; input: Hex }
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "publishInput");
  const market = marketAddress("publishInput", parameters.contracts);
  const input = requireBytes("publishInput", "input", parameters.input);
  try {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "publishInput",
      args: [parameters.requestId, input],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "publishInput", hash);
    return { hash, blockNumber: receipt.blockNumber, result: undefined };
  } catch (error) {
    throw wrapContractError("publishInput", error);
  }
}

/**
 * The published input of request `requestId` whose hash is `inputHash`, or undefined when none was published
 * (from `fromBlock`, default 0). Logs whose bytes do not hash to `inputHash` are ignored (the contract refuses
 * them, so there are none unless the node lies).
 */
export async function getPublishedInput(
  client: NetworkClient,
  parameters: MarketContracts & { requestId: bigint; inputHash: Hex; fromBlock?: bigint }
): Promise<Hex | undefined> {
  const market = marketAddress("getPublishedInput", parameters.contracts);
  try {
    const logs = await getContractEvents(client, {
      address: market,
      abi: proofMarketAbi,
      eventName: "InputPublished",
      args: { requestId: parameters.requestId },
      fromBlock: parameters.fromBlock ?? 0n,
      toBlock: "latest",
      strict: true,
    });
    const wanted = parameters.inputHash.toLowerCase();
    return logs.map((log) => log.args.input).find((input) => keccak256(input).toLowerCase() === wanted);
  } catch (error) {
    throw wrapContractError("getPublishedInput", error);
  }
}
