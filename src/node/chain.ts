/** The market, registry and staking reads the node makes (viem), with the market's fixed timing. */
import type { Address, Hex } from "viem";
import { readContract } from "viem/actions";
import { proofMarketAbi, proverStakingAbi } from "../sdk/abis";
import type { NetworkClient } from "../sdk/client";
import type { NetworkAddresses } from "../sdk/deployments";
import { getRequest } from "../sdk/market/jobs";
import type { MarketRequest } from "../sdk/market/types";

/** The market's immutable timing (docs/market.md, "Batches"). */
export interface MarketTiming {
  genesis: bigint;
  batchLength: bigint;
  revealLength: bigint;
  settleWindow: bigint;
}

/** Where batch `batch` stands at time `now`. */
export type BatchPhase = "requests" | "reveal" | "settle" | "cancel";

export function batchPhase(t: MarketTiming, batch: bigint, now: bigint): BatchPhase {
  const end = t.genesis + (batch + 1n) * t.batchLength;
  if (now < end) return "requests";
  if (now < end + t.revealLength) return "reveal";
  if (now < end + t.revealLength + t.settleWindow) return "settle";
  return "cancel";
}

/** The batch accepting requests and commitments at `now` (undefined before genesis). */
export function batchAt(t: MarketTiming, now: bigint): bigint | undefined {
  return now < t.genesis ? undefined : (now - t.genesis) / t.batchLength;
}

export class MarketReader {
  readonly market: Address;

  constructor(
    readonly client: NetworkClient,
    readonly contracts: NetworkAddresses
  ) {
    if (!contracts.market) throw new Error("this network has no ProofMarket in its address book");
    this.market = contracts.market;
  }

  private read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    return readContract(this.client, { address: this.market, abi: proofMarketAbi, functionName, args } as never) as Promise<T>;
  }

  async timing(): Promise<MarketTiming> {
    const [genesis, batchLength, revealLength, settleWindow] = await Promise.all(
      (["GENESIS", "BATCH_LENGTH", "REVEAL_LENGTH", "SETTLE_WINDOW"] as const).map((name) => this.read<bigint>(name))
    );
    return { genesis, batchLength, revealLength, settleWindow };
  }

  async batch(batch: bigint): Promise<{ requestIds: readonly bigint[]; provers: readonly Address[]; closed: boolean }> {
    const [requestIds, provers, closed] = await this.read<[readonly bigint[], readonly Address[], boolean]>("getBatch", [batch]);
    return { requestIds, provers, closed };
  }

  request(requestId: bigint): Promise<MarketRequest> {
    return getRequest(this.client, { contracts: this.contracts, requestId });
  }

  commitmentOf(batch: bigint, prover: Address): Promise<Hex> {
    return this.read<Hex>("askCommitment", [batch, prover]);
  }

  commitmentFor(batch: bigint, prover: Address, price: bigint, capacity: bigint, salt: Hex): Promise<Hex> {
    return this.read<Hex>("askCommitmentFor", [batch, prover, price, capacity, salt]);
  }

  async revealed(batch: bigint, prover: Address): Promise<boolean> {
    return (await this.read<{ revealed: boolean }>("getAsk", [batch, prover])).revealed;
  }

  collateralPerCycle(): Promise<bigint> {
    return this.read<bigint>("collateralPerCycle");
  }

  freeCollateral(prover: Address): Promise<bigint> {
    return readContract(this.client, {
      address: this.contracts.staking,
      abi: proverStakingAbi,
      functionName: "freeCollateral",
      args: [prover],
    });
  }

  isActive(prover: Address): Promise<boolean> {
    return readContract(this.client, {
      address: this.contracts.staking,
      abi: proverStakingAbi,
      functionName: "isActive",
      args: [prover],
    });
  }
}
