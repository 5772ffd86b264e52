/**
 * DARA clearing: a double auction for proving cycles with all-or-nothing requests, next-fit packing and
 * McAfee-style trade reduction. The exact rule, its properties and a worked example are in docs/dara.md; the
 * Solidity twin that re-checks a posted outcome is contracts/market/DaraCheck.sol (same steps, same error names
 * as {@link verifyOutcome}).
 *
 * Units: cycles as measured by the executor; prices in the payment unit's base units per cycle (integers).
 */

/** A proof request: `cycles` all or nothing, at most `maxPricePerCycle` per cycle. */
export interface Bid {
  /** Unique among the batch's bids (the market's request id); breaks price ties, lower first. */
  id: bigint;
  cycles: bigint;
  maxPricePerCycle: bigint;
}

/** A prover's ask: up to `capacity` cycles in the batch, at no less than `pricePerCycle` per cycle. */
export interface Ask {
  /** Unique among the batch's asks (the prover's address as an integer); breaks price ties, lower first. */
  id: bigint;
  pricePerCycle: bigint;
  capacity: bigint;
}

/**
 * What is posted on-chain: bids and asks in canonical order, the ask index of each placed bid (winners first,
 * then the marginal bid whose trade is reduced away), and the two prices.
 */
export interface Outcome {
  /** Ask index (into the sorted asks) of sorted bid k, for every placed bid k; `placed = assignment.length`. */
  assignment: number[];
  /** What each winner pays per cycle. */
  buyerPrice: bigint;
  /** What each winning prover receives per cycle. */
  sellerPrice: bigint;
}

/** The clearing with everything derived from it. */
export interface Clearing extends Outcome {
  /** Bids sorted by price descending, then id ascending. */
  bids: Bid[];
  /** Asks sorted by price ascending, then id ascending. */
  asks: Ask[];
  /** Number of winning bids: the sorted bids `0..winners-1` trade (`placed - 1`, or 0). */
  winners: number;
  /** Cycles assigned to each ask (same order as `asks`), winners only. */
  used: bigint[];
  /** Σ winners' cycles. */
  tradedCycles: bigint;
  /** Σ cycles × buyerPrice: what the winners pay. */
  collected: bigint;
  /** Σ cycles × sellerPrice: what the provers receive. */
  paidOut: bigint;
  /** `collected - paidOut` ≥ 0: kept by the protocol (weak budget balance). */
  surplus: bigint;
}

/** Bounds shared with the Solidity types (uint64 cycles, uint128 prices). */
export const MAX_CYCLES = (1n << 64n) - 1n;
export const MAX_PRICE = (1n << 128n) - 1n;
/** Largest batch side the on-chain check accepts (indices are uint32 there). */
export const MAX_ORDERS = 0xffff_ffff;

/** A malformed bid or ask: names the side, the position in the input and the field. */
export class DaraInputError extends Error {
  override name = "DaraInputError";
}

/** A posted outcome that is not the rule's: `check` is the failed check's name, as in DaraCheck.sol. */
export class DaraOutcomeError extends Error {
  override name = "DaraOutcomeError";
  constructor(
    readonly check: OutcomeCheck,
    readonly index: number,
    message: string
  ) {
    super(`${check} at ${index}: ${message}`);
  }
}

/** Names of the checks {@link verifyOutcome} makes, equal to DaraCheck.sol's custom errors. */
export type OutcomeCheck =
  | "BidsNotSorted"
  | "AsksNotSorted"
  | "ZeroCycles"
  | "ZeroCapacity"
  | "TooManyPlaced"
  | "NotNextFit"
  | "AskAboveBid"
  | "NotMaximal"
  | "WrongBuyerPrice"
  | "WrongSellerPrice";

const inRange = (value: bigint, max: bigint) => typeof value === "bigint" && value >= 0n && value <= max;

function validate(bids: readonly Bid[], asks: readonly Ask[]): void {
  if (bids.length > MAX_ORDERS || asks.length > MAX_ORDERS) throw new DaraInputError("too many orders in one batch");
  const seen = { bid: new Set<bigint>(), ask: new Set<bigint>() };
  bids.forEach((bid, i) => {
    if (!inRange(bid.id, (1n << 256n) - 1n)) throw new DaraInputError(`bid ${i}: id must be a uint256`);
    if (!inRange(bid.cycles, MAX_CYCLES) || bid.cycles === 0n) {
      throw new DaraInputError(`bid ${i} (id ${bid.id}): cycles must be in 1..2^64-1, got ${bid.cycles}`);
    }
    if (!inRange(bid.maxPricePerCycle, MAX_PRICE)) {
      throw new DaraInputError(`bid ${i} (id ${bid.id}): maxPricePerCycle must be in 0..2^128-1`);
    }
    if (seen.bid.has(bid.id)) throw new DaraInputError(`bid ${i}: duplicate id ${bid.id}`);
    seen.bid.add(bid.id);
  });
  asks.forEach((ask, j) => {
    if (!inRange(ask.id, (1n << 256n) - 1n)) throw new DaraInputError(`ask ${j}: id must be a uint256`);
    if (!inRange(ask.capacity, MAX_CYCLES) || ask.capacity === 0n) {
      throw new DaraInputError(`ask ${j} (id ${ask.id}): capacity must be in 1..2^64-1, got ${ask.capacity}`);
    }
    if (!inRange(ask.pricePerCycle, MAX_PRICE)) {
      throw new DaraInputError(`ask ${j} (id ${ask.id}): pricePerCycle must be in 0..2^128-1`);
    }
    if (seen.ask.has(ask.id)) throw new DaraInputError(`ask ${j}: duplicate id ${ask.id}`);
    seen.ask.add(ask.id);
  });
}

/** Canonical bid order: willingness to pay per cycle descending, then id ascending. */
export function compareBids(a: Bid, b: Bid): number {
  if (a.maxPricePerCycle !== b.maxPricePerCycle) return a.maxPricePerCycle > b.maxPricePerCycle ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** Canonical ask order: cost per cycle ascending, then id ascending. */
export function compareAsks(a: Ask, b: Ask): number {
  if (a.pricePerCycle !== b.pricePerCycle) return a.pricePerCycle < b.pricePerCycle ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/**
 * Next-fit over the sorted asks: a pointer that only moves forward. Returns the pointer for a bid of `cycles`
 * (advancing past asks whose remaining capacity is too small) or `asks.length` when none is left.
 */
class NextFit {
  ptr = 0;
  remaining: bigint;

  constructor(private readonly asks: readonly Ask[]) {
    this.remaining = asks.length > 0 ? asks[0].capacity : 0n;
  }

  /** Moves the pointer to the first ask (from the current one on) with room for `cycles`. */
  seek(cycles: bigint): number {
    while (this.ptr < this.asks.length && this.remaining < cycles) {
      this.ptr++;
      this.remaining = this.ptr < this.asks.length ? this.asks[this.ptr].capacity : 0n;
    }
    return this.ptr;
  }

  /** Whether the current ask is within `bound` (all asks used so far are at or below it: sorted ascending). */
  eligible(bound: bigint): boolean {
    return this.ptr < this.asks.length && this.asks[this.ptr].pricePerCycle <= bound;
  }
}

/** The two prices of a clearing that placed `placed` bids, the last on ask `lastAsk` (see docs/dara.md). */
function pricesFor(bids: readonly Bid[], asks: readonly Ask[], placed: number, lastAsk: number) {
  if (placed < 2) return { buyerPrice: 0n, sellerPrice: 0n };
  const buyerPrice = bids[placed - 1].maxPricePerCycle;
  const next = lastAsk + 1 < asks.length ? asks[lastAsk + 1].pricePerCycle : buyerPrice;
  return { buyerPrice, sellerPrice: next < buyerPrice ? next : buyerPrice };
}

/**
 * Clears one batch. Deterministic: the result depends only on the multisets of bids and asks.
 * @throws DaraInputError for a malformed order (zero cycles or capacity, out-of-range value, duplicate id).
 */
export function clear(bidsIn: readonly Bid[], asksIn: readonly Ask[]): Clearing {
  validate(bidsIn, asksIn);
  const bids = [...bidsIn].sort(compareBids);
  const asks = [...asksIn].sort(compareAsks);

  // Place bids in order while the prefix stays feasible: the bid fits next-fit and every ask used so far is
  // priced at or below it (the lowest bid of the prefix). Feasibility is monotone in the prefix length, so the
  // first failure marks the largest feasible prefix.
  const fit = new NextFit(asks);
  const assignment: number[] = [];
  for (const bid of bids) {
    fit.seek(bid.cycles);
    if (!fit.eligible(bid.maxPricePerCycle)) break;
    assignment.push(fit.ptr);
    fit.remaining -= bid.cycles;
  }

  const placed = assignment.length;
  const winners = placed < 2 ? 0 : placed - 1; // trade reduction: the marginal (last placed) bid never trades
  const { buyerPrice, sellerPrice } = pricesFor(bids, asks, placed, assignment[placed - 1] ?? -1);
  const used = asks.map(() => 0n);
  let tradedCycles = 0n;
  for (let k = 0; k < winners; k++) {
    used[assignment[k]] += bids[k].cycles;
    tradedCycles += bids[k].cycles;
  }
  const collected = tradedCycles * buyerPrice;
  const paidOut = tradedCycles * sellerPrice;
  return {
    bids,
    asks,
    assignment,
    buyerPrice,
    sellerPrice,
    winners,
    used,
    tradedCycles,
    collected,
    paidOut,
    surplus: collected - paidOut,
  };
}

/**
 * Re-checks a posted outcome exactly as DaraCheck.sol does, in O(bids + asks): canonical order, next-fit
 * placement, maximality of the placed prefix, and both prices. An outcome passes iff it is {@link clear}'s.
 * @returns the number of winners.
 * @throws DaraOutcomeError naming the first failed check (the Solidity custom error's name) and its index.
 */
export function verifyOutcome(bids: readonly Bid[], asks: readonly Ask[], outcome: Outcome): number {
  const fail = (check: OutcomeCheck, index: number, message: string): never => {
    throw new DaraOutcomeError(check, index, message);
  };
  bids.forEach((bid, i) => {
    if (bid.cycles === 0n) fail("ZeroCycles", i, "a bid asks for zero cycles");
    if (i > 0 && compareBids(bids[i - 1], bid) >= 0) fail("BidsNotSorted", i, "bids are not in canonical order");
  });
  asks.forEach((ask, j) => {
    if (ask.capacity === 0n) fail("ZeroCapacity", j, "an ask offers zero capacity");
    if (j > 0 && compareAsks(asks[j - 1], ask) >= 0) fail("AsksNotSorted", j, "asks are not in canonical order");
  });
  const placed = outcome.assignment.length;
  if (placed > bids.length) fail("TooManyPlaced", placed, "more placements than bids");

  const fit = new NextFit(asks);
  for (let k = 0; k < placed; k++) {
    fit.seek(bids[k].cycles);
    if (fit.ptr === asks.length || outcome.assignment[k] !== fit.ptr) {
      fail("NotNextFit", k, `bid placed on ask ${outcome.assignment[k]}, next-fit gives ${fit.ptr}`);
    }
    if (!fit.eligible(bids[k].maxPricePerCycle)) fail("AskAboveBid", k, "the prefix uses an ask priced above the bid");
    fit.remaining -= bids[k].cycles;
  }
  if (placed < bids.length) {
    fit.seek(bids[placed].cycles);
    if (fit.eligible(bids[placed].maxPricePerCycle)) fail("NotMaximal", placed, "the next bid could also be placed");
  }

  const expected = pricesFor(bids, asks, placed, outcome.assignment[placed - 1] ?? -1);
  if (outcome.buyerPrice !== expected.buyerPrice) {
    fail("WrongBuyerPrice", placed, `buyer price ${outcome.buyerPrice}, the rule gives ${expected.buyerPrice}`);
  }
  if (outcome.sellerPrice !== expected.sellerPrice) {
    fail("WrongSellerPrice", placed, `seller price ${outcome.sellerPrice}, the rule gives ${expected.sellerPrice}`);
  }
  return placed < 2 ? 0 : placed - 1;
}
