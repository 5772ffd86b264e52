/**
 * contracts/market/DaraCheck.sol against src/market/dara.ts: every honest clearing is accepted with the same
 * winner count; on random instances with random mutations (of the outcome or of the posted orders) both give
 * the same verdict, and every mutated outcome is rejected on-chain with the named custom error. Plus gas.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DaraOutcomeError, clear, verifyOutcome, type Ask, type Bid, type Outcome } from "../../src/market/dara";
import type { DaraCheckHarness } from "../../typechain-types";
import { batchArb } from "./arbitraries";

const RUNS = Number(process.env.DEEPPROVE_PROPERTY_RUNS ?? 60);

async function harnessFixture(): Promise<DaraCheckHarness> {
  return ethers.deployContract("DaraCheckHarness");
}

/** Solidity verdict: the winner count, or the custom error's name. */
async function onChain(harness: DaraCheckHarness, bids: Bid[], asks: Ask[], outcome: Outcome): Promise<number | string> {
  try {
    return Number(await harness.verify(bids, asks, outcome));
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data ? harness.interface.parseError(data) : null;
    if (!parsed) throw error;
    return parsed.name;
  }
}

/** TypeScript verdict, in the same form. */
function offChain(bids: Bid[], asks: Ask[], outcome: Outcome): number | string {
  try {
    return verifyOutcome(bids, asks, outcome);
  } catch (error) {
    if (error instanceof DaraOutcomeError) return error.check;
    throw error;
  }
}

type Mutation =
  | "buyerPrice+1"
  | "buyerPrice-1"
  | "sellerPrice+1"
  | "sellerPrice-1"
  | "assignment+1"
  | "assignment-1"
  | "dropLast"
  | "appendNext"
  | "swapBids"
  | "swapAsks"
  | "bidPrice+1"
  | "capacity-1"
  | "zeroCycles";

/** Mutations that change only the outcome: the honest outcome is unique, so each must be rejected. */
const OUTCOME_MUTATIONS: ReadonlySet<Mutation> = new Set([
  "buyerPrice+1",
  "buyerPrice-1",
  "sellerPrice+1",
  "sellerPrice-1",
  "assignment+1",
  "assignment-1",
  "dropLast",
  "appendNext",
]);

function mutate(
  mutation: Mutation,
  pick: number,
  bids: Bid[],
  asks: Ask[],
  outcome: Outcome
): { bids: Bid[]; asks: Ask[]; outcome: Outcome } | undefined {
  const b = bids.map((x) => ({ ...x }));
  const a = asks.map((x) => ({ ...x }));
  const o: Outcome = { ...outcome, assignment: [...outcome.assignment] };
  const k = o.assignment.length > 0 ? pick % o.assignment.length : -1;
  const MAX_U128 = (1n << 128n) - 1n;
  switch (mutation) {
    case "buyerPrice+1":
      if (o.buyerPrice === MAX_U128) return undefined;
      o.buyerPrice += 1n;
      break;
    case "buyerPrice-1":
      if (o.buyerPrice === 0n) return undefined;
      o.buyerPrice -= 1n;
      break;
    case "sellerPrice+1":
      o.sellerPrice += 1n;
      break;
    case "sellerPrice-1":
      if (o.sellerPrice === 0n) return undefined;
      o.sellerPrice -= 1n;
      break;
    case "assignment+1":
      if (k < 0) return undefined;
      o.assignment[k] += 1;
      break;
    case "assignment-1":
      if (k < 0 || o.assignment[k] === 0) return undefined;
      o.assignment[k] -= 1;
      break;
    case "dropLast":
      if (k < 0) return undefined;
      o.assignment.pop();
      break;
    case "appendNext":
      o.assignment.push(o.assignment.at(-1) ?? 0);
      break;
    case "swapBids":
      if (b.length < 2) return undefined;
      [b[pick % (b.length - 1)], b[(pick % (b.length - 1)) + 1]] = [b[(pick % (b.length - 1)) + 1], b[pick % (b.length - 1)]];
      break;
    case "swapAsks":
      if (a.length < 2) return undefined;
      [a[pick % (a.length - 1)], a[(pick % (a.length - 1)) + 1]] = [a[(pick % (a.length - 1)) + 1], a[pick % (a.length - 1)]];
      break;
    case "bidPrice+1":
      if (b.length === 0) return undefined;
      b[pick % b.length].maxPricePerCycle += 1n;
      break;
    case "capacity-1":
      if (a.length === 0) return undefined;
      a[pick % a.length].capacity -= 1n;
      break;
    case "zeroCycles":
      if (b.length === 0) return undefined;
      b[pick % b.length].cycles = 0n;
      break;
  }
  return { bids: b, asks: a, outcome: o };
}

const mutationArb = fc.constantFrom<Mutation>(
  "buyerPrice+1",
  "buyerPrice-1",
  "sellerPrice+1",
  "sellerPrice-1",
  "assignment+1",
  "assignment-1",
  "dropLast",
  "appendNext",
  "swapBids",
  "swapAsks",
  "bidPrice+1",
  "capacity-1",
  "zeroCycles"
);

describe("DaraCheck.sol: on-chain re-check of a clearing", () => {
  it("accepts every honest outcome with the same winner count", async () => {
    const harness = await loadFixture(harnessFixture);
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ bids, asks }) => {
        const c = clear(bids, asks);
        expect(await onChain(harness, c.bids, c.asks, c)).to.equal(c.winners);
      }),
      { numRuns: RUNS }
    );
  });

  it("agrees with the TypeScript re-check on mutated instances and rejects every mutated outcome", async () => {
    const harness = await loadFixture(harnessFixture);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(batchArb, mutationArb, fc.nat(), async ({ bids, asks }, mutation, pick) => {
        const c = clear(bids, asks);
        const mutated = mutate(mutation, pick, c.bids, c.asks, c);
        fc.pre(mutated !== undefined);
        const ts = offChain(mutated!.bids, mutated!.asks, mutated!.outcome);
        const sol = await onChain(harness, mutated!.bids, mutated!.asks, mutated!.outcome);
        expect(sol, `${mutation}`).to.equal(ts);
        if (OUTCOME_MUTATIONS.has(mutation)) expect(sol, `${mutation} accepted`).to.be.a("string");
        if (typeof sol === "string") seen.add(sol);
      }),
      { numRuns: RUNS * 4 }
    );
    // The mutations reach most checks (a regression that silences one shows up here).
    for (const name of ["NotNextFit", "NotMaximal", "WrongBuyerPrice", "WrongSellerPrice", "BidsNotSorted", "AsksNotSorted"]) {
      expect(seen, `no mutation was rejected with ${name}`).to.include(name);
    }
  });

  it("names each failed check with its arguments", async () => {
    const harness = await loadFixture(harnessFixture);
    const bids: Bid[] = [
      { id: 1n, cycles: 40n, maxPricePerCycle: 10n },
      { id: 2n, cycles: 30n, maxPricePerCycle: 9n },
      { id: 3n, cycles: 50n, maxPricePerCycle: 8n },
      { id: 4n, cycles: 20n, maxPricePerCycle: 6n },
    ];
    const asks: Ask[] = [
      { id: 101n, pricePerCycle: 3n, capacity: 60n },
      { id: 102n, pricePerCycle: 4n, capacity: 80n },
      { id: 103n, pricePerCycle: 7n, capacity: 100n },
    ];
    const c = clear(bids, asks);
    expect(await harness.verify(bids, asks, c)).to.equal(2n);
    await expect(harness.verify(bids, asks, { ...c, buyerPrice: 9n }))
      .to.be.revertedWithCustomError(harness, "WrongBuyerPrice")
      .withArgs(9n, 8n);
    await expect(harness.verify(bids, asks, { ...c, sellerPrice: 8n }))
      .to.be.revertedWithCustomError(harness, "WrongSellerPrice")
      .withArgs(8n, 7n);
    await expect(harness.verify(bids, asks, { ...c, assignment: [0, 2, 2] }))
      .to.be.revertedWithCustomError(harness, "NotNextFit")
      .withArgs(1n, 1n);
    await expect(harness.verify(bids, asks, { ...c, assignment: [0, 1] }))
      .to.be.revertedWithCustomError(harness, "NotMaximal")
      .withArgs(2n);
    await expect(harness.verify(bids, asks, { ...c, assignment: [0, 1, 1, 2] }))
      .to.be.revertedWithCustomError(harness, "AskAboveBid")
      .withArgs(3n);
    await expect(harness.verify(bids, asks, { ...c, assignment: [0, 1, 1, 2, 2] }))
      .to.be.revertedWithCustomError(harness, "TooManyPlaced")
      .withArgs(5n);
    await expect(harness.verify([bids[1], bids[0]], asks, c))
      .to.be.revertedWithCustomError(harness, "BidsNotSorted")
      .withArgs(1n);
    await expect(harness.verify(bids, [asks[0], asks[0]], c))
      .to.be.revertedWithCustomError(harness, "AsksNotSorted")
      .withArgs(1n);
    await expect(harness.verify([{ ...bids[0], cycles: 0n }], asks, c))
      .to.be.revertedWithCustomError(harness, "ZeroCycles")
      .withArgs(0n);
    await expect(harness.verify(bids, [{ ...asks[0], capacity: 0n }], c))
      .to.be.revertedWithCustomError(harness, "ZeroCapacity")
      .withArgs(0n);
  });

  it("gas: re-checking 64 requests against 16 asks", async () => {
    const harness = await loadFixture(harnessFixture);
    const bids: Bid[] = Array.from({ length: 64 }, (_, i) => ({
      id: BigInt(i + 1),
      cycles: 1_000_000n + BigInt((i * 7919) % 500_000),
      maxPricePerCycle: 1_000n - BigInt(i * 10),
    }));
    const asks: Ask[] = Array.from({ length: 16 }, (_, j) => ({
      id: BigInt(0x1000 + j),
      pricePerCycle: 100n + BigInt(j * 40),
      capacity: 5_000_000n,
    }));
    const c = clear(bids, asks);
    expect(c.winners).to.be.greaterThan(10);
    const data = harness.interface.encodeFunctionData("verify", [c.bids, c.asks, c]);
    const gas = await ethers.provider.estimateGas({ to: await harness.getAddress(), data });
    console.log(`      DaraCheck.verify: ${c.bids.length} bids, ${c.asks.length} asks, ${c.winners} winners: ${gas} gas`);
    expect(gas).to.be.lessThan(1_000_000n);
  });
});
