/** A prover's sealed ask: commit during the batch, reveal in its reveal phase (keep the salt in between). */
import { bytesToHex, type Hex } from "viem";
import { readContract, simulateContract, writeContract } from "viem/actions";
import { proofMarketAbi } from "../abis";
import { confirm, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { wrapContractError } from "../errors";
import { marketAddress, type MarketContracts } from "./types";

export interface AskTerms {
  /** LA wei per cycle. */
  pricePerCycle: bigint;
  /** Cycles the prover can prove in the batch. */
  capacity: bigint;
}

/** Everything the reveal needs: store it (the salt is the secret). */
export interface CommittedAsk extends AskTerms {
  batch: bigint;
  salt: Hex;
  commitment: Hex;
}

/**
 * Commits a sealed ask for the market's current batch with a fresh random salt (or `salt`).
 * @example
 * const { result: ask } = await commitAsk(prover, { contracts, pricePerCycle: 10n ** 13n, capacity: 1_000_000n })
 */
export async function commitAsk(
  client: NetworkClient,
  parameters: MarketContracts & AskTerms & { salt?: Hex }
): Promise<WriteResult<CommittedAsk>> {
  const account = requireAccount(client, "commitAsk");
  const market = marketAddress("commitAsk", parameters.contracts);
  const salt = parameters.salt ?? bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  try {
    const batch = await readContract(client, { address: market, abi: proofMarketAbi, functionName: "currentBatch" });
    const commitment = await readContract(client, {
      address: market,
      abi: proofMarketAbi,
      functionName: "askCommitmentFor",
      args: [batch, account.address, parameters.pricePerCycle, parameters.capacity, salt],
    });
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "commitAsk",
      args: [batch, commitment],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "commitAsk", hash);
    return {
      hash,
      blockNumber: receipt.blockNumber,
      result: { batch, salt, commitment, pricePerCycle: parameters.pricePerCycle, capacity: parameters.capacity },
    };
  } catch (error) {
    throw wrapContractError("commitAsk", error);
  }
}

/** Reveals a committed ask (in the batch's reveal phase); locks the collateral for its capacity. */
export async function revealAsk(
  client: NetworkClient,
  parameters: MarketContracts & { ask: Omit<CommittedAsk, "commitment"> }
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "revealAsk");
  const market = marketAddress("revealAsk", parameters.contracts);
  const { ask } = parameters;
  try {
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "revealAsk",
      args: [ask.batch, ask.pricePerCycle, ask.capacity, ask.salt],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "revealAsk", hash);
    return { hash, blockNumber: receipt.blockNumber, result: undefined };
  } catch (error) {
    throw wrapContractError("revealAsk", error);
  }
}
