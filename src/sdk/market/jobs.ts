/** Jobs after settlement: fulfil, expire, refunds, and reading a request. */
import type { Hash } from "viem";
import { readContract, simulateContract, writeContract } from "viem/actions";
import { proofMarketAbi } from "../abis";
import { confirm, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import { REQUEST_STATUS, marketAddress, type MarketContracts, type MarketRequest } from "./types";

/** Reads request `requestId`; throws when it does not exist. */
export async function getRequest(
  client: NetworkClient,
  parameters: MarketContracts & { requestId: bigint }
): Promise<MarketRequest> {
  const market = marketAddress("getRequest", parameters.contracts);
  let r;
  try {
    r = await readContract(client, {
      address: market,
      abi: proofMarketAbi,
      functionName: "getRequest",
      args: [parameters.requestId],
    });
  } catch (error) {
    throw wrapContractError("getRequest", error);
  }
  if (r.status === 0) throw new InvalidParameterError(`getRequest: no request has id ${parameters.requestId}`);
  return {
    requestId: parameters.requestId,
    client: r.client,
    batch: r.batch,
    deadline: r.deadline,
    status: REQUEST_STATUS[r.status],
    cycles: r.cycles,
    maxPricePerCycle: r.maxPricePerCycle,
    modelId: r.modelId,
    inputHash: r.inputHash,
    escrow: r.escrow,
    prover: r.prover,
    buyerPrice: r.buyerPrice,
    sellerPrice: r.sellerPrice,
    collateral: r.collateral,
    inferenceId: r.inferenceId,
  };
}

/** Simulates, sends and confirms one market call. */
async function send(
  client: NetworkClient,
  action: string,
  write: (account: ReturnType<typeof requireAccount>) => Promise<Hash>
) {
  const account = requireAccount(client, action);
  try {
    const hash = await write(account);
    return { hash, receipt: await confirm(client, action, hash) };
  } catch (error) {
    throw wrapContractError(action, error);
  }
}

/**
 * Fulfils an assigned request with the prover's own registry inference (see verifyInference); pays the prover.
 * @returns the LA paid to the prover.
 */
export async function fulfil(
  client: NetworkClient,
  parameters: MarketContracts & { requestId: bigint; inferenceId: bigint }
): Promise<WriteResult<bigint>> {
  const market = marketAddress("fulfil", parameters.contracts);
  const { hash, receipt } = await send(client, "fulfil", async (account) => {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "fulfil",
      args: [parameters.requestId, parameters.inferenceId],
    });
    return writeContract(client, request);
  });
  return { hash, blockNumber: receipt.blockNumber, result: eventArgs(receipt, proofMarketAbi, "JobFulfilled").payout };
}

/**
 * Expires an assigned request past its deadline: slashes the prover and credits the client's fee back.
 * @returns the LA credited to the client.
 */
export async function expireRequest(
  client: NetworkClient,
  parameters: MarketContracts & { requestId: bigint }
): Promise<WriteResult<bigint>> {
  const market = marketAddress("expireRequest", parameters.contracts);
  const { hash, receipt } = await send(client, "expireRequest", async (account) => {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "expire",
      args: [parameters.requestId],
    });
    return writeContract(client, request);
  });
  return { hash, blockNumber: receipt.blockNumber, result: eventArgs(receipt, proofMarketAbi, "JobExpired").refund };
}

/**
 * Withdraws the client's accrued refunds.
 * @returns the LA paid.
 */
export async function withdrawRefund(client: NetworkClient, parameters: MarketContracts): Promise<WriteResult<bigint>> {
  const market = marketAddress("withdrawRefund", parameters.contracts);
  const { hash, receipt } = await send(client, "withdrawRefund", async (account) => {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "withdrawRefund",
    });
    return writeContract(client, request);
  });
  return { hash, blockNumber: receipt.blockNumber, result: eventArgs(receipt, proofMarketAbi, "RefundWithdrawn").amount };
}
