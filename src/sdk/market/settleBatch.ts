import { simulateContract, readContract, writeContract } from "viem/actions";
import { clear, type Ask, type Bid, type Clearing } from "../../market/dara";
import { proofMarketAbi, proverStakingAbi } from "../abis";
import { confirm, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import { marketAddress, type MarketContracts } from "./types";

/**
 * The DARA clearing of `batch` computed from the orders stored on-chain (no transaction): every request, and
 * the revealed asks of provers still active (the only ones the market accepts).
 */
export async function clearMarketBatch(
  client: NetworkClient,
  parameters: MarketContracts & { batch: bigint }
): Promise<Clearing> {
  const market = marketAddress("clearMarketBatch", parameters.contracts);
  try {
    const [requestIds, provers] = await readContract(client, {
      address: market,
      abi: proofMarketAbi,
      functionName: "getBatch",
      args: [parameters.batch],
    });
    const bids: Bid[] = await Promise.all(
      requestIds.map(async (id) => {
        const r = await readContract(client, { address: market, abi: proofMarketAbi, functionName: "getRequest", args: [id] });
        return { id, cycles: r.cycles, maxPricePerCycle: r.maxPricePerCycle };
      })
    );
    const staking = await readContract(client, { address: market, abi: proofMarketAbi, functionName: "STAKING" });
    const asks: (Ask | undefined)[] = await Promise.all(
      provers.map(async (prover) => {
        // The market only takes asks of provers still active at settlement.
        const active = await readContract(client, {
          address: staking,
          abi: proverStakingAbi,
          functionName: "isActive",
          args: [prover],
        });
        if (!active) return undefined;
        const a = await readContract(client, {
          address: market,
          abi: proofMarketAbi,
          functionName: "getAsk",
          args: [parameters.batch, prover],
        });
        return { id: BigInt(prover), pricePerCycle: a.pricePerCycle, capacity: a.capacity };
      })
    );
    return clear(bids, asks.filter((a): a is Ask => a !== undefined));
  } catch (error) {
    throw wrapContractError("clearMarketBatch", error);
  }
}

/**
 * Clears `batch` off-chain and settles it (anyone may, in its settlement window); the contract re-checks the
 * outcome, so a wrong one could only revert.
 * @returns the clearing that was posted.
 */
export async function settleBatch(
  client: NetworkClient,
  parameters: MarketContracts & { batch: bigint }
): Promise<WriteResult<Clearing>> {
  const account = requireAccount(client, "settleBatch");
  const market = marketAddress("settleBatch", parameters.contracts);
  const clearing = await clearMarketBatch(client, parameters);
  try {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "settle",
      args: [
        parameters.batch,
        clearing.bids,
        clearing.asks,
        { assignment: clearing.assignment, buyerPrice: clearing.buyerPrice, sellerPrice: clearing.sellerPrice },
      ],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "settleBatch", hash);
    return { hash, blockNumber: receipt.blockNumber, result: clearing };
  } catch (error) {
    throw wrapContractError("settleBatch", error);
  }
}
