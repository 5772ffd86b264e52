/**
 * Named attacks on staking and emission. Each test plays the attack and checks that it fails or is bounded as
 * docs/contracts/staking.md and emission.md claim.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BPS,
  DAY,
  EMISSION_PARAMS,
  INITIAL_SUPPLY,
  LA,
  STAKING_PARAMS,
  YEAR,
  atTimestamp,
  deployNetworkFixture,
  registeredFixture,
  type NetworkFixture,
} from "./fixture";

const BUDGET_PER_DAY = (INITIAL_SUPPLY * BigInt(EMISSION_PARAMS.emissionRateBps) * BigInt(DAY)) / (BPS * BigInt(YEAR));

/** Records `cycles` of work paid at the floor for `prover` in a fresh epoch, closes and finalizes it. */
async function epochWithWork(fx: NetworkFixture, work: [string, bigint][]) {
  const { emission, market } = fx;
  const id = (await emission.currentEpoch()) + 1n;
  const [start, end] = await emission.epochBounds(id);
  await time.increaseTo(start);
  for (const [prover, cycles] of work) {
    await emission.connect(market).recordWork(prover, cycles, cycles * EMISSION_PARAMS.minFeePerCycle);
  }
  await time.increaseTo(end);
  await emission.finalizeEpoch(id);
  return { id, end };
}

describe("staking: named attacks", () => {
  it("just-in-time delegation before a reward earns only for the seconds it stays bonded", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, staking, prover, bob } = fx;
    const { id } = await epochWithWork(fx, [[prover.address, 1_000n]]);
    const reward = await emission.pendingReward(id, prover.address);
    expect(reward).to.be.greaterThan(0n);
    // bob front-runs the payout with a delegation ten times the pool, then leaves right after it
    const deposit = 500_000n * LA;
    await staking.connect(bob).delegate(prover.address, deposit);
    await emission.payReward(id, prover.address);
    const shares = await staking.sharesOf(prover.address, bob.address);
    await staking.connect(bob).undelegate(prover.address, shares);
    const queued = await staking.unbondingAssetsOf(1n);
    // two seconds of vesting out of seven days, shared with the pool: at most the vested fraction of the reward
    const vestedBound = (reward * 2n) / BigInt(STAKING_PARAMS.rewardVesting) + 1n;
    expect(queued - deposit).to.be.at.most(vestedBound);
    // the stake cap looks at the stake at the epoch's start and end: the late deposit did not raise it
    expect(await emission.stakeCap(id, prover.address)).to.equal(
      (50_000n * LA * BigInt(EMISSION_PARAMS.maxRewardRateBps) * BigInt(DAY)) / (BPS * BigInt(YEAR))
    );
  });

  it("donation/inflation: a tiny first pool plus a huge direct transfer does not rob the next delegator", async () => {
    const fx = await loadFixture(deployNetworkFixture);
    const { staking, token, prover, alice } = fx;
    await staking.setMinSelfStake(0);
    await staking.connect(prover).registerProver("attacker", 0, 1n); // 1 wei pool
    await token.connect(prover).transfer(await staking.getAddress(), 900_000n * LA); // donation
    const shares = await staking.connect(alice).delegate.staticCall(prover.address, 1_000n * LA);
    expect(shares).to.be.greaterThan(0n);
    await staking.connect(alice).delegate(prover.address, 1_000n * LA);
    expect(await staking.stakeOf(prover.address, alice.address)).to.be.closeTo(1_000n * LA, 1n);
    // the attacker cannot get the victim's deposit: its 1 wei of shares is worth at most 1 wei + rounding
    expect(await staking.stakeOf(prover.address, prover.address)).to.be.at.most(2n);
    expect(await staking.totalPooled()).to.equal(1_000n * LA + 1n);
  });

  it("commission raised just before a payout does not apply to the epoch already worked", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, staking, market, prover } = fx;
    const id = (await emission.currentEpoch()) + 1n;
    const [start, end] = await emission.epochBounds(id);
    await time.increaseTo(start);
    await emission.connect(market).recordWork(prover.address, 1_000n, 1_000n * EMISSION_PARAMS.minFeePerCycle);
    await atTimestamp(end - 1n);
    await staking.connect(prover).setCommission(5_000); // the maximum, one second before the epoch ends
    // even paid after the new rate is in force, the reward uses the rate in force at the epoch's end
    await time.increaseTo(end + BigInt(STAKING_PARAMS.commissionDelay));
    await emission.finalizeEpoch(id);
    const reward = await emission.pendingReward(id, prover.address);
    await expect(emission.payReward(id, prover.address))
      .to.emit(staking, "RewardDistributed")
      .withArgs(prover.address, reward, (reward * 1_000n) / BPS, 1_000);
    expect(await staking.commissionAt(prover.address, await time.latest())).to.equal(5_000n);
  });

  it("undelegating does not escape a slash while the stake is unbonding", async () => {
    const fx = await loadFixture(registeredFixture);
    const { staking, market, alice, prover, token } = fx;
    const shares = await staking.sharesOf(prover.address, alice.address);
    await staking.connect(alice).undelegate(prover.address, shares); // sees the slash coming
    await time.increase(STAKING_PARAMS.unbondingPeriod - 10);
    await staking.connect(market).slash(prover.address, ethers.id("invalid proof"));
    await time.increase(10);
    const before = await token.balanceOf(alice.address);
    await staking.connect(alice).withdraw(1n);
    const received = (await token.balanceOf(alice.address)) - before;
    const expected = (40_000n * LA * (BPS - BigInt(STAKING_PARAMS.slashFractionBps))) / BPS;
    expect(received).to.be.closeTo(expected, 2n);
    expect(received).to.be.at.most(expected);
  });

  it("reentrancy through a token hook is refused by every guarded entry point", async () => {
    const [admin, prover, alice] = await ethers.getSigners();
    const token = await ethers.deployContract("ReentrantToken");
    const staking = await ethers.deployContract("ProverStaking", [
      await token.getAddress(),
      admin.address,
      STAKING_PARAMS,
    ]);
    const stakingAddress = await staking.getAddress();
    for (const user of [prover, alice]) {
      await token.transfer(user.address, 100_000n * LA);
      await token.connect(user).approve(stakingAddress, ethers.MaxUint256);
    }
    await staking.connect(prover).registerProver("p", 0, 10_000n * LA);
    await staking.connect(alice).delegate(prover.address, 10_000n * LA);
    await staking.connect(alice).undelegate(prover.address, await staking.sharesOf(prover.address, alice.address));
    await time.increase(STAKING_PARAMS.unbondingPeriod);
    const reentries = [
      staking.interface.encodeFunctionData("withdraw", [1n]),
      staking.interface.encodeFunctionData("delegate", [prover.address, 1n]),
      staking.interface.encodeFunctionData("undelegate", [prover.address, 1n]),
      staking.interface.encodeFunctionData("claimCommission"),
    ];
    for (const payload of reentries) {
      await token.arm(stakingAddress, payload);
      await expect(staking.connect(alice).withdraw(1n)).to.be.revertedWithCustomError(
        staking,
        "ReentrancyGuardReentrantCall"
      );
    }
    await token.arm(ethers.ZeroAddress, "0x");
    await staking.connect(alice).withdraw(1n);
    expect(await token.balanceOf(alice.address)).to.equal(100_000n * LA);
  });

  it("a prover farming emissions with self-requested proofs gains weight only by paying fees and never beyond its stake cap", async () => {
    const fx = await loadFixture(registeredFixture);
    const { emission, staking, market, prover, prover2 } = fx;
    await staking.connect(prover2).registerProver("farmer", 0, 10_000n * LA);
    const id = (await emission.currentEpoch()) + 1n;
    const [start, end] = await emission.epochBounds(id);
    await time.increaseTo(start);
    const floor = EMISSION_PARAMS.minFeePerCycle;
    // honest work: 10^6 cycles paid at the floor by real clients
    await emission.connect(market).recordWork(prover.address, 1_000_000n, 1_000_000n * floor);
    // the farmer claims huge cycles on proofs it requested itself but pays almost nothing for them
    await emission.connect(market).recordWork(prover2.address, 10n ** 12n, 10n * floor);
    expect(await emission.workOf(id, prover2.address)).to.equal(10n);
    // to weigh as much as the honest prover it must pay as much in fees
    await emission.connect(market).recordWork(prover2.address, 10n ** 12n, 999_990n * floor);
    expect(await emission.workOf(id, prover2.address)).to.equal(1_000_000n);
    await time.increaseTo(end);
    await emission.finalizeEpoch(id);
    const share = BUDGET_PER_DAY / 2n;
    const cap = (10_000n * LA * BigInt(EMISSION_PARAMS.maxRewardRateBps) * BigInt(DAY)) / (BPS * BigInt(YEAR));
    // the reward is bounded by the farmer's stake: 20 %/year on 10,000 LA, whatever its work weight
    await expect(emission.payReward(id, prover2.address))
      .to.emit(emission, "RewardPaid")
      .withArgs(id, prover2.address, share, cap);
    expect(cap).to.be.lessThan(share);
    // the part of its share above the cap is not minted at all
    expect((await emission.epoch(id)).paid).to.equal(cap);
  });
});
