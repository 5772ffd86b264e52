/**
 * Property test of the market's accounting: random batches (requests in LA, USDC or ETH with random sizes and
 * prices, asks from two provers), settled with the DARA clearing, then random fulfilments, expiries and refund
 * withdrawals. After every step the market's LA balance equals the escrow of open requests plus the fees of
 * assigned jobs plus the refunds owed, and each prover's locked collateral equals that of its open jobs (of its
 * revealed asks before settlement).
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  INPUT,
  OUTPUT,
  TIMING,
  batchEnd,
  clearBatch,
  commit,
  marketFixture,
  proofFor,
  requestParams,
  settleArgs,
  type MarketFixture,
} from "./fixture";

const RUNS = Number(process.env.DEEPPROVE_PROPERTY_RUNS ?? 20);
const P = 10n ** 14n;

const requestArb = fc.record({
  pay: fc.constantFrom("LA", "USDC", "ETH"),
  cycles: fc.bigInt(100n, 3_000n),
  price: fc.bigInt(1n, 10n),
});
const askArb = fc.record({ price: fc.bigInt(0n, 10n), capacity: fc.bigInt(500n, 6_000n) });
const afterArb = fc.array(fc.record({ kind: fc.constantFrom("fulfil", "withdraw"), pick: fc.nat() }), { maxLength: 6 });

async function checkAccounting(fx: MarketFixture) {
  const { market, token, staking } = fx;
  const count = await market.requestCount();
  let held = 0n;
  const clients = new Set<string>();
  const locked = new Map<string, bigint>();
  for (let id = 1n; id <= count; id++) {
    const r = await market.getRequest(id);
    clients.add(r.client);
    if (r.status === 1n) held += r.escrow;
    if (r.status === 2n) {
      held += r.cycles * r.buyerPrice;
      locked.set(r.prover, (locked.get(r.prover) ?? 0n) + r.collateral);
    }
  }
  for (const client of clients) held += await market.refundOf(client);
  // Before settlement the revealed asks hold their whole capacity's collateral instead of jobs.
  const [, provers, closed] = await market.getBatch(0n);
  if (!closed) {
    for (const p of provers) {
      const ask = await market.getAsk(0n, p);
      locked.set(p, (locked.get(p) ?? 0n) + ask.capacity * ask.collateralPerCycle);
    }
  }
  expect(await token.balanceOf(await market.getAddress())).to.equal(held);
  for (const p of [fx.prover, fx.prover2]) {
    expect((await staking.poolOf(p.address)).lockedCollateral).to.equal(locked.get(p.address) ?? 0n);
  }
}

describe("ProofMarket: accounting over random batches", () => {
  it("keeps escrow, fees, refunds and collateral consistent after every step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(requestArb, { minLength: 1, maxLength: 5 }),
        fc.tuple(askArb, askArb),
        afterArb,
        fc.boolean(),
        async (requests, asks, after, expireRest) => {
          const fx = await loadFixture(marketFixture);
          const { market, token, usdc } = fx;
          const clients = { LA: fx.alice, USDC: fx.bob, ETH: fx.ethClient };
          for (const r of requests) {
            const maxPricePerCycle = r.price * P;
            const required = r.cycles * maxPricePerCycle;
            // Pay 10 % over the requirement through the converter (0.5 LA per USDC, 2,000 LA per ETH).
            const amountIn = r.pay === "USDC" ? (required * 22n) / 10n ** 13n : (required * 11n) / 20_000n;
            const payToken = r.pay === "LA" ? await token.getAddress() : r.pay === "USDC" ? await usdc.getAddress() : ethers.ZeroAddress;
            await market
              .connect(clients[r.pay as keyof typeof clients])
              .requestProof(requestParams(fx, { cycles: r.cycles, maxPricePerCycle, payToken, amountIn }), {
                value: r.pay === "ETH" ? amountIn : 0n,
              });
            await checkAccounting(fx);
          }
          const committed = [
            await commit(market, fx.prover, 0n, asks[0].price * P, asks[0].capacity),
            await commit(market, fx.prover2, 0n, asks[1].price * P, asks[1].capacity),
          ];
          await time.increaseTo(batchEnd(fx, 0n));
          for (const a of committed) await market.connect(a.prover).revealAsk(0n, a.price, a.capacity, a.salt);
          await checkAccounting(fx);
          await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
          const clearing = await clearBatch(market, 0n);
          await market.settle(...settleArgs(0n, clearing));
          await checkAccounting(fx);

          const jobs = clearing.bids.slice(0, clearing.winners).map((b) => b.id);
          for (const step of after) {
            if (step.kind === "fulfil" && jobs.length > 0) {
              const id = jobs.splice(step.pick % jobs.length, 1)[0];
              const r = await market.getRequest(id);
              const signer = r.prover === fx.prover.address ? fx.prover : fx.prover2;
              await fx.registry.connect(signer).verifyInference(fx.modelId, INPUT, OUTPUT, proofFor(signer.address));
              await market.fulfil(id, await fx.registry.inferenceCount());
            } else if (step.kind === "withdraw") {
              const client = Object.values(clients)[step.pick % 3];
              if ((await market.refundOf(client.address)) > 0n) await market.connect(client).withdrawRefund();
            }
            await checkAccounting(fx);
          }
          if (expireRest && jobs.length > 0) {
            await time.increaseTo((await market.getRequest(jobs[0])).deadline + 1n);
            for (const id of jobs) await market.expire(id);
            await checkAccounting(fx);
          }
        }
      ),
      { numRuns: RUNS }
    );
  });
});
