/**
 * ProofMarket end to end on the in-process network: escrow in LA, USDC and ETH (through the fee converter),
 * sealed asks bound to batch and sender, settlement re-checked by DaraCheck, fulfilment through the registry
 * (copied proofs worthless), payment in LA, surplus to the treasury, work reported to emission, refunds,
 * missed deadlines slashed and refunded, unsettled batches cancelled, reentrancy through token callbacks.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { LA } from "../staking/fixture";
import {
  COLLATERAL_PER_CYCLE,
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

const P = 10n ** 14n; // price unit: 0.0001 LA per cycle
const USDC = 10n ** 6n;

/** Batch 0 with three requests (LA, USDC, ETH) and two sealed asks, not yet revealed. */
async function requestedFixture() {
  const fx = await marketFixture();
  const { market, token, usdc, alice, bob, ethClient, prover, prover2 } = fx;
  await market.connect(alice).requestProof(requestParams(fx, { cycles: 1_000n, maxPricePerCycle: 10n * P, payToken: await token.getAddress() }));
  await market.connect(bob).requestProof(
    requestParams(fx, { cycles: 2_000n, maxPricePerCycle: 9n * P, payToken: await usdc.getAddress(), amountIn: 4n * USDC })
  );
  await market
    .connect(ethClient)
    .requestProof(requestParams(fx, { cycles: 500n, maxPricePerCycle: 8n * P, payToken: ethers.ZeroAddress, amountIn: 3n * 10n ** 14n }), {
      value: 3n * 10n ** 14n,
    });
  const asks = [await commit(market, prover, 0n, 2n * P, 5_000n), await commit(market, prover2, 0n, 6n * P, 5_000n)];
  return { ...fx, asks };
}

async function revealedFixture() {
  const fx = await requestedFixture();
  await time.increaseTo(batchEnd(fx, 0n));
  for (const a of fx.asks) await fx.market.connect(a.prover).revealAsk(0n, a.price, a.capacity, a.salt);
  return fx;
}

async function settledFixture() {
  const fx = await revealedFixture();
  await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
  const clearing = await clearBatch(fx.market, 0n);
  await fx.market.settle(...settleArgs(0n, clearing));
  return { ...fx, clearing };
}

const reentrantUsdcFixture = () => marketFixture({ usdc: "reentrant" });

/** The prover records its own verification of the request's input in the registry; returns the id. */
async function verifyAs(fx: MarketFixture, signer: typeof fx.prover): Promise<bigint> {
  await fx.registry.connect(signer).verifyInference(fx.modelId, INPUT, OUTPUT, proofFor(signer.address));
  return fx.registry.inferenceCount();
}

describe("ProofMarket: escrow", () => {
  it("escrows LA directly and buys LA with USDC and ETH at the oracle price", async () => {
    const fx = await loadFixture(requestedFixture);
    const { market, converter, usdc } = fx;
    expect((await market.getRequest(1n)).escrow).to.equal(1_000n * 10n * P);
    // 4 USDC at 0.5 LA each; 3e14 wei at 2,000 LA per ETH.
    expect((await market.getRequest(2n)).escrow).to.equal(2n * LA);
    expect((await market.getRequest(3n)).escrow).to.equal(6n * 10n ** 17n);
    expect(await usdc.balanceOf(await converter.getAddress())).to.equal(4n * USDC);
    expect(await ethers.provider.getBalance(await converter.getAddress())).to.equal(3n * 10n ** 14n);
    expect(await fx.token.balanceOf(await market.getAddress())).to.equal(10n ** 18n + 2n * LA + 6n * 10n ** 17n);
    const [ids] = await market.getBatch(0n);
    expect(ids).to.deep.equal([1n, 2n, 3n]);
  });

  it("refuses a payment below the client's price, a wrong value, an unknown token, a stale feed, a bad model or deadline", async () => {
    const fx = await loadFixture(marketFixture);
    const { market, usdc, bob, ethClient, alice, converter, ethFeed } = fx;
    const usdcAddress = await usdc.getAddress();
    await expect(market.connect(bob).requestProof(requestParams(fx, { maxPricePerCycle: 10n * P, payToken: usdcAddress, amountIn: 1n * USDC })))
      .to.be.revertedWithCustomError(converter, "SlippageExceeded")
      .withArgs(LA / 2n, 1_000n * 10n * P);
    await expect(
      market.connect(ethClient).requestProof(requestParams(fx, { payToken: ethers.ZeroAddress, amountIn: 10n ** 15n }), { value: 1n })
    )
      .to.be.revertedWithCustomError(market, "WrongValue")
      .withArgs(1n, 10n ** 15n);
    await expect(market.connect(alice).requestProof(requestParams(fx, { payToken: alice.address })))
      .to.be.revertedWithCustomError(market, "UnsupportedPayment")
      .withArgs(alice.address);
    await ethFeed.setAnswerAt(2_000n * 10n ** 8n, (await time.latest()) - 4_000);
    await expect(
      market.connect(ethClient).requestProof(requestParams(fx, { payToken: ethers.ZeroAddress, amountIn: 10n ** 15n }), { value: 10n ** 15n })
    ).to.be.revertedWithCustomError(converter, "StalePrice");
    const la = await fx.token.getAddress();
    await expect(market.connect(alice).requestProof(requestParams(fx, { modelId: 9n, payToken: la }))).to.be.revertedWithCustomError(
      fx.registry,
      "UnknownModel"
    );
    await expect(market.connect(alice).requestProof(requestParams(fx, { deadline: 1n, payToken: la }))).to.be.revertedWithCustomError(
      market,
      "DeadlineTooSoon"
    );
    await expect(market.connect(alice).requestProof(requestParams(fx, { cycles: 0n, payToken: la }))).to.be.revertedWithCustomError(
      market,
      "ZeroCyclesRequested"
    );
    await fx.registry.deprecateModel(fx.modelId);
    await expect(market.connect(alice).requestProof(requestParams(fx, { payToken: la })))
      .to.be.revertedWithCustomError(market, "ModelUnavailable")
      .withArgs(fx.modelId);
    expect(await market.requestCount()).to.equal(0n);
  });

  it("only the market may convert", async () => {
    const { converter, alice } = await loadFixture(marketFixture);
    await expect(converter.connect(alice).convert(ethers.ZeroAddress, 1n, 0n, alice.address, { value: 1n })).to.be.revertedWithCustomError(
      converter,
      "AccessControlUnauthorizedAccount"
    );
  });
});

describe("ProofMarket: sealed asks", () => {
  it("binds a commitment to batch and sender; reveals only in the reveal phase, once; locks collateral", async () => {
    const fx = await loadFixture(requestedFixture);
    const { market, staking, prover, prover2, asks } = fx;
    const [mine] = asks;
    await expect(market.connect(prover).revealAsk(0n, mine.price, mine.capacity, mine.salt))
      .to.be.revertedWithCustomError(market, "NotInPhase")
      .withArgs(0n, ethers.encodeBytes32String("reveal"));
    await time.increaseTo(batchEnd(fx, 0n));
    await expect(market.connect(prover).revealAsk(0n, mine.price + 1n, mine.capacity, mine.salt))
      .to.be.revertedWithCustomError(market, "CommitmentMismatch")
      .withArgs(0n, prover.address);
    // prover2's own commitment is for other terms: copying prover's reveal does not match it.
    await expect(market.connect(prover2).revealAsk(0n, mine.price, mine.capacity, mine.salt)).to.be.revertedWithCustomError(
      market,
      "CommitmentMismatch"
    );
    await expect(market.connect(fx.alice).revealAsk(0n, mine.price, mine.capacity, mine.salt))
      .to.be.revertedWithCustomError(market, "NoCommitment")
      .withArgs(0n, fx.alice.address);
    await expect(market.connect(prover).commitAsk(0n, ethers.ZeroHash)).to.be.revertedWithCustomError(market, "NotInPhase");

    await expect(market.connect(prover).revealAsk(0n, mine.price, mine.capacity, mine.salt))
      .to.emit(market, "AskRevealed")
      .withArgs(0n, prover.address, mine.price, mine.capacity);
    expect((await staking.poolOf(prover.address)).lockedCollateral).to.equal(mine.capacity * COLLATERAL_PER_CYCLE);
    await expect(market.connect(prover).revealAsk(0n, mine.price, mine.capacity, mine.salt)).to.be.revertedWithCustomError(
      market,
      "AlreadyRevealed"
    );
  });

  it("refuses commitments from inactive provers", async () => {
    const fx = await loadFixture(marketFixture);
    await expect(fx.market.connect(fx.alice).commitAsk(0n, ethers.id("x")))
      .to.be.revertedWithCustomError(fx.market, "ProverInactive")
      .withArgs(fx.alice.address);
  });
});

describe("ProofMarket: settlement", () => {
  it("settles with the DARA clearing: assigns winners, refunds the rest, releases unused collateral", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, staking, clearing, prover, prover2, alice, bob, ethClient } = fx;
    // Bids 10P and 9P win on the cheapest prover; the 8P bid is the marginal trade; prover2 (6P) sets the seller price.
    expect([clearing.winners, clearing.buyerPrice, clearing.sellerPrice]).to.deep.equal([2, 8n * P, 6n * P]);
    const alicesJob = await market.getRequest(1n);
    expect(alicesJob.status).to.equal(2n); // Assigned
    expect(alicesJob.prover).to.equal(prover.address);
    expect((await market.getRequest(3n)).status).to.equal(5n); // Unmatched
    expect(await market.refundOf(alice.address)).to.equal(1_000n * 2n * P);
    expect(await market.refundOf(bob.address)).to.equal(2n * LA - 2_000n * 8n * P);
    expect(await market.refundOf(ethClient.address)).to.equal(6n * 10n ** 17n);
    expect((await staking.poolOf(prover.address)).lockedCollateral).to.equal(3_000n * COLLATERAL_PER_CYCLE);
    expect((await staking.poolOf(prover2.address)).lockedCollateral).to.equal(0n);

    const before = await fx.token.balanceOf(ethClient.address);
    await expect(market.connect(ethClient).withdrawRefund()).to.emit(market, "RefundWithdrawn").withArgs(ethClient.address, 6n * 10n ** 17n);
    expect(await fx.token.balanceOf(ethClient.address)).to.equal(before + 6n * 10n ** 17n);
    await expect(market.connect(ethClient).withdrawRefund()).to.be.revertedWithCustomError(market, "NothingToWithdraw");
    await expect(market.settle(...settleArgs(0n, clearing))).to.be.revertedWithCustomError(market, "BatchClosed").withArgs(0n);
  });

  it("rejects posted orders that are not the batch's and outcomes that are not the rule's, changing nothing", async () => {
    const fx = await loadFixture(revealedFixture);
    const { market } = fx;
    const clearing = await clearBatch(market, 0n);
    await expect(market.settle(...settleArgs(0n, clearing))).to.be.revertedWithCustomError(market, "NotInPhase");
    await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
    const [batch, bids, asks, outcome] = settleArgs(0n, clearing);
    await expect(market.settle(batch, bids.slice(1), asks, outcome))
      .to.be.revertedWithCustomError(market, "WrongOrderCount")
      .withArgs(ethers.encodeBytes32String("bids"), 2n, 3n);
    const cheaper = bids.map((b, i) => (i === 2 ? { ...b, maxPricePerCycle: b.maxPricePerCycle - 1n } : b));
    await expect(market.settle(batch, cheaper, asks, outcome)).to.be.revertedWithCustomError(market, "UnknownBid").withArgs(2n, 3n);
    const bigger = asks.map((a, j) => (j === 0 ? { ...a, capacity: a.capacity + 1n } : a));
    await expect(market.settle(batch, bids, bigger, outcome)).to.be.revertedWithCustomError(market, "UnknownAsk");
    await expect(market.settle(batch, bids, asks, { ...outcome, sellerPrice: outcome.sellerPrice + 1n }))
      .to.be.revertedWithCustomError(market, "WrongSellerPrice")
      .withArgs(outcome.sellerPrice + 1n, outcome.sellerPrice);
    await expect(market.settle(batch, bids, asks, { ...outcome, assignment: [0, 1, 1] })).to.be.revertedWithCustomError(
      market,
      "NotNextFit"
    );
    await expect(market.settle(batch, [bids[1], bids[0], bids[2]], asks, outcome)).to.be.revertedWithCustomError(market, "BidsNotSorted");
    expect((await market.getRequest(1n)).status).to.equal(1n); // still Open
    await market.settle(batch, bids, asks, outcome);
  });

  it("leaves out the ask of a prover that became inactive after revealing, and releases its collateral", async () => {
    const fx = await loadFixture(revealedFixture);
    const { market, staking, admin, prover, prover2 } = fx;
    // The cheap prover tops up its self-stake; raising the minimum then deactivates only prover2.
    await staking.connect(prover).delegate(prover.address, 5_000n * LA);
    await staking.connect(admin).setMinSelfStake(12_000n * LA);
    expect([await staking.isActive(prover.address), await staking.isActive(prover2.address)]).to.deep.equal([true, false]);
    await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
    const clearing = await clearBatch(market, 0n);
    expect(clearing.asks.map((a) => a.id)).to.deep.equal([BigInt(prover.address)]);
    // Posting the inactive prover's ask anyway is refused.
    const withInactive = {
      ...clearing,
      asks: [...clearing.asks, { id: BigInt(prover2.address), pricePerCycle: 6n * P, capacity: 5_000n }],
    };
    await expect(market.settle(...settleArgs(0n, withInactive)))
      .to.be.revertedWithCustomError(market, "WrongOrderCount")
      .withArgs(ethers.encodeBytes32String("asks"), 2n, 1n);
    await market.settle(...settleArgs(0n, clearing));
    expect((await staking.poolOf(prover2.address)).lockedCollateral).to.equal(0n);
    expect((await market.getRequest(1n)).prover).to.equal(prover.address);
  });

  it("cancels a batch nobody settled in time: refunds everyone, releases all collateral", async () => {
    const fx = await loadFixture(revealedFixture);
    const { market, staking, prover, alice } = fx;
    await expect(market.cancelBatch(0n)).to.be.revertedWithCustomError(market, "NotInPhase");
    await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength + TIMING.settleWindow));
    const clearing = await clearBatch(market, 0n);
    await expect(market.settle(...settleArgs(0n, clearing))).to.be.revertedWithCustomError(market, "NotInPhase");
    await expect(market.cancelBatch(0n)).to.emit(market, "BatchCancelled").withArgs(0n);
    expect(await market.refundOf(alice.address)).to.equal(1_000n * 10n * P);
    expect((await staking.poolOf(prover.address)).lockedCollateral).to.equal(0n);
    await expect(market.cancelBatch(0n)).to.be.revertedWithCustomError(market, "BatchClosed");
  });
});

describe("ProofMarket: fulfilment", () => {
  it("pays the assigned prover in LA for its own registry record, the surplus to the treasury, and reports the work", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, token, staking, emission, prover, treasury } = fx;
    const inferenceId = await verifyAs(fx, prover);
    const [proverBefore, treasuryBefore] = [await token.balanceOf(prover.address), await token.balanceOf(treasury.address)];
    await expect(market.connect(treasury).fulfil(1n, inferenceId))
      .to.emit(market, "JobFulfilled")
      .withArgs(1n, prover.address, inferenceId, 1_000n * 6n * P)
      .and.to.emit(emission, "WorkRecorded");
    expect(await token.balanceOf(prover.address)).to.equal(proverBefore + 1_000n * 6n * P);
    expect(await token.balanceOf(treasury.address)).to.equal(treasuryBefore + 1_000n * 2n * P);
    expect((await staking.poolOf(prover.address)).lockedCollateral).to.equal(2_000n * COLLATERAL_PER_CYCLE);
    const job = await market.getRequest(1n);
    expect([job.status, job.inferenceId]).to.deep.equal([3n, inferenceId]);
    await expect(market.fulfil(1n, inferenceId)).to.be.revertedWithCustomError(market, "WrongStatus");
    // One record pays for one job only.
    await expect(market.fulfil(2n, inferenceId)).to.be.revertedWithCustomError(market, "InferenceAlreadyUsed").withArgs(inferenceId);
    await market.fulfil(2n, await verifyAs(fx, prover));
    // The market holds exactly the refunds still owed.
    const owed = (await market.refundOf(fx.alice.address)) + (await market.refundOf(fx.bob.address)) + (await market.refundOf(fx.ethClient.address));
    expect(await token.balanceOf(await market.getAddress())).to.equal(owed);
  });

  it("a copied proof is worthless: it fails in the registry, and another prover's record does not fulfil", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, registry, prover, prover2 } = fx;
    await expect(registry.connect(prover2).verifyInference(fx.modelId, INPUT, OUTPUT, proofFor(prover.address))).to.be.revertedWithCustomError(
      registry,
      "ProofRejected"
    );
    const theirs = await verifyAs(fx, prover2);
    await expect(market.connect(prover2).fulfil(1n, theirs)).to.be.revertedWithCustomError(market, "WrongInference").withArgs(1n, theirs);
  });

  it("a missed deadline slashes the prover, releases the job's collateral and refunds the client's fee", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, staking, prover, alice } = fx;
    const job = await market.getRequest(1n);
    await expect(market.expire(1n)).to.be.revertedWithCustomError(market, "DeadlineNotPassed");
    await time.increaseTo(job.deadline + 1n);
    const inferenceId = await verifyAs(fx, prover);
    await expect(market.fulfil(1n, inferenceId)).to.be.revertedWithCustomError(market, "DeadlinePassed");
    const stakeBefore = (await staking.poolOf(prover.address)).activeStake;
    const refundBefore = await market.refundOf(alice.address);
    await expect(market.expire(1n)).to.emit(staking, "Slashed").and.to.emit(market, "JobExpired");
    expect((await staking.poolOf(prover.address)).activeStake).to.be.lessThan(stakeBefore);
    expect(await market.refundOf(alice.address)).to.equal(refundBefore + 1_000n * 8n * P);
    expect((await staking.poolOf(prover.address)).lockedCollateral).to.equal(2_000n * COLLATERAL_PER_CYCLE);
    expect((await market.getRequest(1n)).status).to.equal(4n); // Expired
    await expect(market.expire(1n)).to.be.revertedWithCustomError(market, "WrongStatus");
  });
});

describe("ProofMarket: deadlines and batch limits", () => {
  it("pays a proof recorded by the deadline even if the fulfilment lands after it, until someone expires the job", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, prover } = fx;
    const job = await market.getRequest(1n);
    await time.setNextBlockTimestamp(job.deadline);
    const inferenceId = await verifyAs(fx, prover);
    await time.increaseTo(job.deadline + 100n);
    await expect(market.fulfil(1n, inferenceId)).to.emit(market, "JobFulfilled");
    await expect(market.expire(1n)).to.be.revertedWithCustomError(market, "WrongStatus");
  });

  it("does not slash when the model was deprecated after the request (no proof could be recorded)", async () => {
    const fx = await loadFixture(settledFixture);
    const { market, staking, registry, prover, alice } = fx;
    await registry.deprecateModel(fx.modelId);
    await time.increaseTo((await market.getRequest(1n)).deadline + 1n);
    const stake = (await staking.poolOf(prover.address)).activeStake;
    await expect(market.expire(1n)).to.emit(market, "JobExpired").withArgs(1n, prover.address, 0n, 1_000n * 8n * P).and.not.to.emit(staking, "Slashed");
    expect((await staking.poolOf(prover.address)).activeStake).to.equal(stake);
    expect(await market.refundOf(alice.address)).to.equal(1_000n * 10n * P);
  });

  it("caps a batch at MAX_BATCH_REQUESTS requests, and a full batch settles well within the transaction gas cap", async function () {
    this.timeout(120_000);
    const fx = await loadFixture(marketFixture);
    const { market, token, alice, prover, prover2 } = fx;
    const max = await market.MAX_BATCH_REQUESTS();
    const la = await token.getAddress();
    for (let i = 0n; i < max; i++) {
      await market.connect(alice).requestProof(requestParams(fx, { cycles: 10n + i, maxPricePerCycle: (1n + (i % 7n)) * P, payToken: la }));
    }
    await expect(market.connect(alice).requestProof(requestParams(fx, { payToken: la })))
      .to.be.revertedWithCustomError(market, "BatchFull")
      .withArgs(0n, ethers.encodeBytes32String("requests"));
    // Worst case: every request but the marginal one wins (capacity for all, every bid above every ask).
    const asks = [await commit(market, prover, 0n, 1n * P, 6_000n), await commit(market, prover2, 0n, 1n * P, 6_000n)];
    await time.increaseTo(batchEnd(fx, 0n));
    for (const a of asks) await market.connect(a.prover).revealAsk(0n, a.price, a.capacity, a.salt);
    await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
    const clearing = await clearBatch(market, 0n);
    expect(clearing.winners).to.equal(Number(max) - 1);
    const receipt = await (await market.settle(...settleArgs(0n, clearing))).wait();
    console.log(`      settle: ${max} bids, 2 asks, ${clearing.winners} winners: ${receipt!.gasUsed} gas`);
    expect(receipt!.gasUsed).to.be.lessThan((16_777_216n * 3n) / 4n);
  });
});

describe("ProofMarket: reentrancy and governance", () => {
  it("a token callback cannot reenter the market", async () => {
    const fx = await loadFixture(reentrantUsdcFixture);
    const { market, usdc, bob } = fx;
    const token = await ethers.getContractAt("ReentrantToken", await usdc.getAddress());
    await token.arm(await market.getAddress(), market.interface.encodeFunctionData("withdrawRefund"));
    await expect(
      market.connect(bob).requestProof(requestParams(fx, { payToken: await usdc.getAddress(), amountIn: 10n ** 19n }))
    ).to.be.revertedWithCustomError(market, "ReentrancyGuardReentrantCall");
    expect(await market.requestCount()).to.equal(0n);
  });

  it("governance sets the collateral rate within bounds and the treasury", async () => {
    const { market, admin, alice } = await loadFixture(marketFixture);
    await expect(market.connect(alice).setCollateralPerCycle(1n)).to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount");
    await expect(market.connect(admin).setCollateralPerCycle(101n * LA))
      .to.be.revertedWithCustomError(market, "ParameterOutOfRange")
      .withArgs(ethers.encodeBytes32String("collateralPerCycle"), 101n * LA, 100n * LA);
    await market.connect(admin).setCollateralPerCycle(0n);
    expect(await market.collateralPerCycle()).to.equal(0n);
    await expect(market.connect(admin).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(market, "ZeroAddress");
    await market.connect(admin).setTreasury(alice.address);
    expect(await market.treasury()).to.equal(alice.address);
  });
});

describe("ProofMarket: gas", () => {
  it("measures every step of a batch (3 requests, 2 asks)", async () => {
    const fx = await loadFixture(marketFixture);
    const { market, token, usdc, alice, bob, ethClient, prover, prover2 } = fx;
    const gas: Record<string, bigint> = {};
    const measure = async (name: string, tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
      gas[name] = (await (await tx).wait())!.gasUsed;
    };
    await measure("requestProof (LA)", market.connect(alice).requestProof(requestParams(fx, { payToken: await token.getAddress() })));
    await measure(
      "requestProof (USDC)",
      market.connect(bob).requestProof(requestParams(fx, { maxPricePerCycle: 9n * P, payToken: await usdc.getAddress(), amountIn: 4n * USDC }))
    );
    await measure(
      "requestProof (ETH)",
      market.connect(ethClient).requestProof(requestParams(fx, { maxPricePerCycle: 8n * P, payToken: ethers.ZeroAddress, amountIn: 10n ** 15n }), {
        value: 10n ** 15n,
      })
    );
    const a = await commit(market, prover, 0n, 2n * P, 5_000n);
    const b = await commit(market, prover2, 0n, 6n * P, 5_000n);
    await measure("commitAsk (replacing)", market.connect(prover2).commitAsk(0n, await market.askCommitmentFor(0n, prover2.address, b.price, b.capacity, b.salt)));
    await time.increaseTo(batchEnd(fx, 0n));
    await measure("revealAsk", market.connect(prover).revealAsk(0n, a.price, a.capacity, a.salt));
    await market.connect(prover2).revealAsk(0n, b.price, b.capacity, b.salt);
    await time.increaseTo(batchEnd(fx, 0n) + BigInt(TIMING.revealLength));
    await measure("settle (3 bids, 2 asks)", market.settle(...settleArgs(0n, await clearBatch(market, 0n))));
    await measure("fulfil", market.fulfil(1n, await verifyAs(fx, prover)));
    await time.increaseTo((await market.getRequest(2n)).deadline + 1n);
    await measure("expire (with slash)", market.expire(2n));
    await measure("withdrawRefund", market.connect(bob).withdrawRefund());
    for (const [name, used] of Object.entries(gas)) console.log(`      ${name.padEnd(26)} ${used}`);
    for (const used of Object.values(gas)) expect(used).to.be.lessThan(600_000n);
  });
});
