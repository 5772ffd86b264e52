import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BPS,
  DAY,
  EMISSION_PARAMS,
  INITIAL_SUPPLY,
  LA,
  YEAR,
  atTimestamp,
  registeredFixture,
  type NetworkFixture,
} from "./fixture";

const BUDGET_PER_DAY = (INITIAL_SUPPLY * BigInt(EMISSION_PARAMS.emissionRateBps) * BigInt(DAY)) / (BPS * BigInt(YEAR));
const capFor = (stake: bigint) =>
  (stake * BigInt(EMISSION_PARAMS.maxRewardRateBps) * BigInt(DAY)) / (BPS * BigInt(YEAR));

/** Moves to the start of the next epoch, so that the stake recorded at the epoch's start is the current one. */
async function nextEpoch({ emission }: NetworkFixture): Promise<{ id: bigint; start: bigint; end: bigint }> {
  const id = (await emission.currentEpoch()) + 1n;
  const [start, end] = await emission.epochBounds(id);
  await time.increaseTo(start);
  return { id, start, end };
}

/** Work of `cycles` paid at the price floor exactly. */
const paidWork = (cycles: bigint) => [cycles, cycles * EMISSION_PARAMS.minFeePerCycle] as const;

describe("staking: EmissionController", () => {
  it("numbers epochs from deployment in steps of the epoch length", async () => {
    const { emission } = await loadFixture(registeredFixture);
    const [start0, end0] = await emission.epochBounds(0);
    expect(end0 - start0).to.equal(BigInt(DAY));
    expect(await emission.epochAt(end0 - 1n)).to.equal(0n);
    expect(await emission.epochAt(end0)).to.equal(1n);
    expect(await emission.epochBounds(5)).to.deep.equal([start0 + 5n * BigInt(DAY), start0 + 6n * BigInt(DAY)]);
  });

  it("weighs work as min(cycles, fee / price floor) and ignores inactive provers", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, market, prover, outsider } = fx;
    const { id } = await nextEpoch(fx);
    const floor = EMISSION_PARAMS.minFeePerCycle;
    await expect(emission.connect(market).recordWork(prover.address, 1_000n, 400n * floor))
      .to.emit(emission, "WorkRecorded")
      .withArgs(id, prover.address, 1_000n, 400n * floor, 400n);
    await emission.connect(market).recordWork(prover.address, 1_000n, 10_000n * floor);
    expect(await emission.workOf(id, prover.address)).to.equal(1_400n);
    await expect(emission.connect(market).recordWork(outsider.address, 1_000n, 10_000n * floor))
      .to.emit(emission, "WorkRecorded")
      .withArgs(id, outsider.address, 1_000n, 10_000n * floor, 0n);
    expect((await emission.epoch(id)).totalWork).to.equal(1_400n);
    await expect(emission.connect(outsider).recordWork(prover.address, 1n, floor))
      .to.be.revertedWithCustomError(emission, "AccessControlUnauthorizedAccount")
      .withArgs(outsider.address, await emission.MARKET_ROLE());
  });

  it("finalizes exactly at the epoch's end, not one second before", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, market, prover, outsider } = fx;
    const { id, end } = await nextEpoch(fx);
    await emission.connect(market).recordWork(prover.address, ...paidWork(100n));
    await atTimestamp(end - 1n);
    await expect(emission.connect(outsider).finalizeEpoch(id))
      .to.be.revertedWithCustomError(emission, "EpochNotEnded")
      .withArgs(id, end, end - 1n);
    expect(await emission.reservedBudget()).to.equal(0n);
    await atTimestamp(end);
    await expect(emission.connect(outsider).finalizeEpoch(id))
      .to.emit(emission, "EpochFinalized")
      .withArgs(id, 100n, BUDGET_PER_DAY);
    expect(await emission.reservedBudget()).to.equal(BUDGET_PER_DAY);
    await expect(emission.finalizeEpoch(id))
      .to.be.revertedWithCustomError(emission, "EpochAlreadyFinalized")
      .withArgs(id);
    await expect(emission.finalizeEpoch(id + 1n))
      .to.be.revertedWithCustomError(emission, "EpochHasNoWork")
      .withArgs(id + 1n);
  });

  it("pays budget × work / total work, capped by stake, and mints only what is paid", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, staking, token, market, prover, prover2, outsider } = fx;
    // prover2 has a stake large enough that its share binds; prover's 50,000 LA stake caps its reward
    await staking.connect(prover2).registerProver("p2", 0, 900_000n * LA);
    const { id, end } = await nextEpoch(fx);
    await emission.connect(market).recordWork(prover.address, ...paidWork(1_000n));
    await emission.connect(market).recordWork(prover2.address, ...paidWork(1n));
    await time.increaseTo(end);
    await emission.finalizeEpoch(id);

    const capped = capFor(50_000n * LA);
    const share1 = (BUDGET_PER_DAY * 1_000n) / 1_001n;
    expect(capped).to.be.lessThan(share1);
    const minted0 = await token.totalMinted();
    await expect(emission.connect(outsider).payReward(id, prover.address))
      .to.emit(emission, "RewardPaid")
      .withArgs(id, prover.address, share1, capped);
    const share2 = BUDGET_PER_DAY / 1_001n;
    expect(share2).to.be.lessThan(capFor(900_000n * LA));
    await emission.connect(outsider).payReward(id, prover2.address);
    expect(await token.totalMinted()).to.equal(minted0 + capped + share2);
    expect(await emission.reservedBudget()).to.equal(0n);
    // the prover's pool got the reward: 10 % commission, the rest vesting to the pool
    const pool = await staking.poolOf(prover.address);
    expect(pool.commissionOwed).to.equal((capped * 1_000n) / BPS);
    expect(pool.unvestedRewards + pool.activeStake).to.equal(50_000n * LA + capped - (capped * 1_000n) / BPS);

    await expect(emission.payReward(id, prover.address))
      .to.be.revertedWithCustomError(emission, "RewardAlreadyPaid")
      .withArgs(id, prover.address);
    await expect(emission.payReward(id, outsider.address))
      .to.be.revertedWithCustomError(emission, "NoWork")
      .withArgs(id, outsider.address);
  });

  it("reverts paying an epoch that is not finalized", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, market, prover } = fx;
    const { id } = await nextEpoch(fx);
    await emission.connect(market).recordWork(prover.address, ...paidWork(1n));
    await expect(emission.payReward(id, prover.address))
      .to.be.revertedWithCustomError(emission, "EpochNotFinalized")
      .withArgs(id);
    expect(await emission.pendingReward(id, prover.address)).to.equal(0n);
  });

  it("caps by the smaller of the stake at the epoch's start and end (no reward in the joining epoch)", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, staking, market, prover2 } = fx;
    const { id, end } = await nextEpoch(fx);
    await staking.connect(prover2).registerProver("late", 0, 500_000n * LA);
    await emission.connect(market).recordWork(prover2.address, ...paidWork(10n));
    await time.increaseTo(end);
    await emission.finalizeEpoch(id);
    expect(await emission.stakeCap(id, prover2.address)).to.equal(0n);
    await expect(emission.payReward(id, prover2.address))
      .to.emit(emission, "RewardPaid")
      .withArgs(id, prover2.address, BUDGET_PER_DAY, 0n);
  });

  it("changes the epoch length from the next epoch on", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, outsider } = fx;
    const current = await emission.currentEpoch();
    const [, end] = await emission.epochBounds(current);
    await expect(emission.setEpochLength(2 * DAY))
      .to.emit(emission, "EpochLengthScheduled")
      .withArgs(current + 1n, end, 2 * DAY);
    expect(await emission.epochBounds(current)).to.deep.equal([end - BigInt(DAY), end]);
    expect(await emission.epochBounds(current + 1n)).to.deep.equal([end, end + 2n * BigInt(DAY)]);
    expect(await emission.epochAt(end + 2n * BigInt(DAY) - 1n)).to.equal(current + 1n);
    expect(await emission.epochAt(end + 2n * BigInt(DAY))).to.equal(current + 2n);
    // a second change in the same epoch replaces the pending one
    await emission.setEpochLength(3 * DAY);
    expect(await emission.epochBounds(current + 1n)).to.deep.equal([end, end + 3n * BigInt(DAY)]);
    await time.increaseTo(end + 10n);
    await emission.setEpochLength(DAY);
    expect(await emission.epochBounds(current + 2n)).to.deep.equal([end + 3n * BigInt(DAY), end + 4n * BigInt(DAY)]);
    // only the schedule from the last change's epoch on is kept: older unrecorded epochs and times revert
    await expect(emission.epochBounds(current))
      .to.be.revertedWithCustomError(emission, "EpochBeforeSchedule")
      .withArgs(current, current + 1n);
    await expect(emission.epochAt(end - 1n))
      .to.be.revertedWithCustomError(emission, "BeforeSchedule")
      .withArgs(end - 1n, end);
    await expect(emission.setEpochLength(3_599))
      .to.be.revertedWithCustomError(emission, "ParameterOutOfRange")
      .withArgs(ethers.encodeBytes32String("epochLength"), 3_599, 3_600, 365 * DAY);
    await expect(emission.setEpochLength(365 * DAY + 1)).to.be.revertedWithCustomError(emission, "ParameterOutOfRange");
    await expect(emission.connect(outsider).setEpochLength(DAY)).to.be.revertedWithCustomError(
      emission,
      "AccessControlUnauthorizedAccount"
    );
  });

  it("bounds the emission rate by the token's 4 %, the reward cap by 100 % and the price floor above 0", async () => {
    const { emission, outsider } = await loadFixture(registeredFixture);
    await expect(emission.setEmissionRate(401))
      .to.be.revertedWithCustomError(emission, "ParameterOutOfRange")
      .withArgs(ethers.encodeBytes32String("emissionRateBps"), 401, 0, 400);
    await emission.setEmissionRate(200);
    expect(await emission.emissionRateBps()).to.equal(200n);
    await expect(emission.setMaxRewardRate(10_001))
      .to.be.revertedWithCustomError(emission, "ParameterOutOfRange")
      .withArgs(ethers.encodeBytes32String("maxRewardRateBps"), 10_001, 0, 10_000);
    await expect(emission.setMinFeePerCycle(0))
      .to.be.revertedWithCustomError(emission, "ParameterOutOfRange")
      .withArgs(ethers.encodeBytes32String("minFeePerCycle"), 0, 1, ethers.MaxUint256);
    const asOutsider = emission.connect(outsider);
    for (const call of [
      () => asOutsider.setEmissionRate(1),
      () => asOutsider.setMaxRewardRate(1),
      () => asOutsider.setMinFeePerCycle(1),
    ]) {
      await expect(call()).to.be.revertedWithCustomError(emission, "AccessControlUnauthorizedAccount");
    }
  });

  it("snapshots the emission rate when an epoch's first work is recorded", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, market, prover } = fx;
    const { id, end } = await nextEpoch(fx);
    await emission.connect(market).recordWork(prover.address, ...paidWork(1n));
    await emission.setEmissionRate(100);
    await time.increaseTo(end);
    await expect(emission.finalizeEpoch(id)).to.emit(emission, "EpochFinalized").withArgs(id, 1n, BUDGET_PER_DAY);
  });

  it("pauses finalization and payouts by the guardian, unpaused by governance", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, market, prover, guardian } = fx;
    const { id, end } = await nextEpoch(fx);
    await emission.connect(market).recordWork(prover.address, ...paidWork(1n));
    await time.increaseTo(end);
    await emission.connect(guardian).pause();
    await expect(emission.finalizeEpoch(id)).to.be.revertedWithCustomError(emission, "EnforcedPause");
    await expect(emission.connect(guardian).unpause()).to.be.revertedWithCustomError(
      emission,
      "AccessControlUnauthorizedAccount"
    );
    await emission.unpause();
    await emission.finalizeEpoch(id);
    await emission.connect(guardian).pause();
    await expect(emission.payReward(id, prover.address)).to.be.revertedWithCustomError(emission, "EnforcedPause");
  });

  it("rejects zero addresses at construction", async () => {
    const [admin] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("EmissionController");
    const z = ethers.ZeroAddress;
    const a = admin.address;
    for (const [args, what] of [
      [[z, a, a], "token"],
      [[a, z, a], "staking"],
      [[a, a, z], "admin"],
    ] as const) {
      await expect(ethers.deployContract("EmissionController", [...args, EMISSION_PARAMS]))
        .to.be.revertedWithCustomError(factory, "ZeroAddress")
        .withArgs(what);
    }
  });
});
