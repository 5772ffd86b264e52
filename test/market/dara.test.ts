/**
 * DARA clearing (src/market/dara.ts): the worked example of docs/dara.md, input errors, and fast-check
 * properties — feasibility, all-or-nothing, individual rationality, weak budget balance, trade reduction,
 * maximality, determinism, the re-check accepting every honest outcome, and in the unit regime (McAfee's
 * setting) monotonicity and threshold payments.
 */
import { expect } from "chai";
import fc from "fast-check";
import { DaraInputError, clear, verifyOutcome, type Ask, type Bid, type Clearing } from "../../src/market/dara";
import { batchArb, unitBatchArb } from "./arbitraries";

const RUNS = Number(process.env.DEEPPROVE_PROPERTY_RUNS ?? 300);

const bid = (id: number, cycles: number, price: number): Bid => ({
  id: BigInt(id),
  cycles: BigInt(cycles),
  maxPricePerCycle: BigInt(price),
});
const ask = (id: number, price: number, capacity: number): Ask => ({
  id: BigInt(id),
  pricePerCycle: BigInt(price),
  capacity: BigInt(capacity),
});
const winnerIds = (c: Clearing) => c.bids.slice(0, c.winners).map((b) => b.id);

describe("DARA clearing: the worked example of docs/dara.md", () => {
  it("clears the example batch exactly as documented", () => {
    const bids = [bid(1, 40, 10), bid(2, 30, 9), bid(3, 50, 8), bid(4, 20, 6), bid(5, 30, 5), bid(6, 10, 2)];
    const asks = [ask(101, 3, 60), ask(102, 4, 80), ask(103, 7, 100), ask(104, 9, 50)];
    const c = clear(bids, asks);
    expect(c.assignment).to.deep.equal([0, 1, 1]);
    expect(c.winners).to.equal(2);
    expect(winnerIds(c)).to.deep.equal([1n, 2n]);
    expect(c.buyerPrice).to.equal(8n);
    expect(c.sellerPrice).to.equal(7n);
    expect(c.used).to.deep.equal([40n, 30n, 0n, 0n]);
    expect([c.tradedCycles, c.collected, c.paidOut, c.surplus]).to.deep.equal([70n, 560n, 490n, 70n]);
    expect(verifyOutcome(c.bids, c.asks, c)).to.equal(2);
  });

  it("keeps a surplus when the next unused ask is cheaper than the marginal bid", () => {
    const c = clear([bid(1, 10, 20), bid(2, 10, 15), bid(3, 10, 12)], [ask(7, 2, 20), ask(8, 5, 10), ask(9, 14, 10)]);
    // Placed: bids 1, 2 on ask 7 (20 cycles), bid 3 on ask 8; bid 3 is marginal. Next ask after 8 is 9 at 14.
    expect(c.assignment).to.deep.equal([0, 0, 1]);
    expect([c.winners, c.buyerPrice, c.sellerPrice, c.surplus]).to.deep.equal([2, 12n, 12n, 0n]);
    const d = clear([bid(1, 10, 20), bid(2, 10, 15), bid(3, 10, 12)], [ask(7, 2, 10), ask(8, 5, 20), ask(9, 10, 10)]);
    // Bid 1 on ask 7, bids 2, 3 on ask 8; marginal bid 3 on ask 8, next ask 9 at 10 < 12.
    expect(d.assignment).to.deep.equal([0, 1, 1]);
    expect([d.winners, d.buyerPrice, d.sellerPrice, d.surplus]).to.deep.equal([2, 12n, 10n, 40n]);
  });

  it("does not trade with fewer than two placeable bids, or without asks", () => {
    expect(clear([bid(1, 5, 9)], [ask(1, 1, 10)])).to.include({ winners: 0, buyerPrice: 0n, sellerPrice: 0n });
    expect(clear([bid(1, 5, 9), bid(2, 5, 8)], [])).to.include({ winners: 0, tradedCycles: 0n });
    expect(clear([], [ask(1, 1, 10)]).assignment).to.deep.equal([]);
    // Both fit in capacity but the second bid is below every ask: only one placed, nothing trades.
    expect(clear([bid(1, 5, 9), bid(2, 5, 0)], [ask(1, 1, 10)])).to.include({ winners: 0 });
  });

  it("rejects malformed orders naming the order and field", () => {
    expect(() => clear([bid(1, 0, 5)], [])).to.throw(DaraInputError, /bid 0 \(id 1\): cycles/);
    expect(() => clear([], [ask(3, 1, 0)])).to.throw(DaraInputError, /ask 0 \(id 3\): capacity/);
    expect(() => clear([bid(1, 1, 5), bid(1, 2, 6)], [])).to.throw(DaraInputError, /bid 1: duplicate id 1/);
    expect(() => clear([{ ...bid(1, 1, 1), maxPricePerCycle: 1n << 128n }], [])).to.throw(DaraInputError, /maxPricePerCycle/);
    expect(() => clear([], [{ ...ask(1, 1, 1), pricePerCycle: -1n }])).to.throw(DaraInputError, /pricePerCycle/);
  });
});

describe("DARA clearing: properties", () => {
  it("is feasible and all-or-nothing: each winner on one ask, no capacity exceeded", () => {
    fc.assert(
      fc.property(batchArb, ({ bids, asks }) => {
        const c = clear(bids, asks);
        const load = c.asks.map(() => 0n);
        for (let k = 0; k < c.winners; k++) load[c.assignment[k]] += c.bids[k].cycles;
        expect(load).to.deep.equal(c.used);
        c.asks.forEach((a, j) => expect(c.used[j] <= a.capacity).to.equal(true));
        expect(c.tradedCycles).to.equal(c.bids.slice(0, c.winners).reduce((s, b) => s + b.cycles, 0n));
      }),
      { numRuns: RUNS }
    );
  });

  it("is individually rational on both sides and weakly budget balanced", () => {
    fc.assert(
      fc.property(batchArb, ({ bids, asks }) => {
        const c = clear(bids, asks);
        for (let k = 0; k < c.winners; k++) {
          expect(c.bids[k].maxPricePerCycle >= c.buyerPrice, "buyer IR").to.equal(true);
          expect(c.asks[c.assignment[k]].pricePerCycle <= c.sellerPrice, "seller IR").to.equal(true);
        }
        expect(c.sellerPrice <= c.buyerPrice).to.equal(true);
        expect(c.collected).to.equal(c.tradedCycles * c.buyerPrice);
        expect(c.paidOut).to.equal(c.used.reduce((s, u) => s + u, 0n) * c.sellerPrice);
        expect(c.surplus >= 0n && c.collected - c.paidOut === c.surplus).to.equal(true);
      }),
      { numRuns: RUNS }
    );
  });

  it("reduces the marginal trade away and places a maximal prefix", () => {
    fc.assert(
      fc.property(batchArb, ({ bids, asks }) => {
        const c = clear(bids, asks);
        const placed = c.assignment.length;
        if (placed >= 2) {
          expect(c.winners).to.equal(placed - 1);
          expect(c.buyerPrice).to.equal(c.bids[placed - 1].maxPricePerCycle);
        } else expect([c.winners, c.buyerPrice, c.sellerPrice]).to.deep.equal([0, 0n, 0n]);
        // Without trade reduction the marginal bid would trade: it was placed on an eligible ask.
        if (placed >= 1) {
          expect(c.asks[c.assignment[placed - 1]].pricePerCycle <= c.bids[placed - 1].maxPricePerCycle).to.equal(true);
        }
        // Maximal: the clearing of the bids with the first unplaced one moved into the prefix is no longer valid.
        if (placed < c.bids.length) {
          expect(() => verifyOutcome(c.bids, c.asks, { ...c, assignment: [...c.assignment, c.assignment.at(-1) ?? 0] })).to.throw();
        }
      }),
      { numRuns: RUNS }
    );
  });

  it("is deterministic: the order orders arrive in does not matter", () => {
    fc.assert(
      fc.property(
        batchArb.chain((b) => fc.record({ batch: fc.constant(b), bidOrder: fc.shuffledSubarray(b.bids, { minLength: b.bids.length }), askOrder: fc.shuffledSubarray(b.asks, { minLength: b.asks.length }) })),
        ({ batch, bidOrder, askOrder }) => {
          const a = clear(batch.bids, batch.asks);
          const b = clear(bidOrder, askOrder);
          expect(JSON.stringify(b, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).to.equal(
            JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? v.toString() : v))
          );
        }
      ),
      { numRuns: RUNS }
    );
  });

  it("its own re-check accepts every honest outcome", () => {
    fc.assert(
      fc.property(batchArb, ({ bids, asks }) => {
        const c = clear(bids, asks);
        expect(verifyOutcome(c.bids, c.asks, c)).to.equal(c.winners);
      }),
      { numRuns: RUNS }
    );
  });
});

describe("DARA clearing: the unit regime (McAfee's setting)", () => {
  it("outside it, packing can break monotonicity: the documented counterexample", () => {
    // docs/dara.md, "What is not guaranteed": request 3 raising its bid reorders next-fit and nothing trades.
    const asks = [ask(101, 0, 3), ask(102, 0, 7)];
    const truthful = clear([bid(1, 1, 0), bid(2, 3, 6), bid(3, 5, 2)], asks);
    expect(winnerIds(truthful)).to.deep.equal([2n, 3n]);
    const raised = clear([bid(1, 1, 0), bid(2, 3, 6), bid(3, 5, 7)], asks);
    expect(raised.assignment).to.deep.equal([1]);
    expect(raised.winners).to.equal(0);
  });

  it("raising a winner's bid never loses the allocation nor changes its price", () => {
    fc.assert(
      fc.property(unitBatchArb, fc.nat(), fc.bigInt(0n, 40n), ({ bids, asks }, pick, raise) => {
        const c = clear(bids, asks);
        fc.pre(c.winners > 0);
        const winner = c.bids[pick % c.winners];
        const raised = bids.map((b) => (b.id === winner.id ? { ...b, maxPricePerCycle: b.maxPricePerCycle + raise } : b));
        const r = clear(raised, asks);
        expect(winnerIds(r)).to.include(winner.id);
        expect(r.buyerPrice).to.equal(c.buyerPrice);
      }),
      { numRuns: RUNS }
    );
  });

  it("a winner pays exactly its threshold: it wins bidding just above the price and loses just below", () => {
    fc.assert(
      fc.property(unitBatchArb, fc.nat(), ({ bids, asks }, pick) => {
        const c = clear(bids, asks);
        fc.pre(c.winners > 0);
        const winner = c.bids[pick % c.winners];
        const withBid = (price: bigint) =>
          clear(
            bids.map((b) => (b.id === winner.id ? { ...b, maxPricePerCycle: price } : b)),
            asks
          );
        const above = withBid(c.buyerPrice + 1n);
        expect(winnerIds(above)).to.include(winner.id);
        expect(above.buyerPrice).to.equal(c.buyerPrice);
        if (c.buyerPrice > 0n) expect(winnerIds(withBid(c.buyerPrice - 1n))).to.not.include(winner.id);
      }),
      { numRuns: RUNS }
    );
  });
});
