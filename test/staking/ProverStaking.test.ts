import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BPS,
  DAY,
  LA,
  STAKING_PARAMS,
  atTimestamp,
  deployNetworkFixture,
  registeredFixture,
  type NetworkFixture,
} from "./fixture";

/** Everything a failed call could have touched, to compare before and after a revert. */
async function snapshot({ staking, token, prover, alice }: NetworkFixture) {
  const pool = await staking.poolOf(prover.address);
  return JSON.stringify(
    {
      pool: [
        pool.activeStake,
        pool.activeShares,
        pool.selfStake,
        pool.unbondingAssets,
        pool.unbondingShares,
        pool.unvestedRewards,
        pool.commissionOwed,
        pool.lockedCollateral,
        pool.commissionBps,
        pool.metadataURI,
      ],
      alice: await staking.sharesOf(prover.address, alice.address),
      pooled: await staking.totalPooled(),
      owed: await staking.totalCommissionOwed(),
      balance: await token.balanceOf(await staking.getAddress()),
      pending: await staking.pendingUnbondings(alice.address),
    },
    (_k, v) => (typeof v === "bigint" ? v.toString() : v)
  );
}

async function expectNoStateChange(fx: NetworkFixture, failing: () => Promise<unknown>) {
  const before = await snapshot(fx);
  await failing();
  expect(await snapshot(fx)).to.equal(before);
}

/**
 * Pays `amount` into `prover`'s pool through the emission role, as the emission controller does; with `at`, the
 * payout transaction runs at exactly that second and uses the commission in force then.
 */
async function payReward(fx: NetworkFixture, amount: bigint, at?: number) {
  const { staking, token, admin } = fx;
  if (!(await staking.hasRole(await staking.EMISSION_ROLE(), admin.address))) {
    await staking.grantRole(await staking.EMISSION_ROLE(), admin.address);
    await token.approve(await staking.getAddress(), ethers.MaxUint256);
  }
  if (at !== undefined) await atTimestamp(at);
  return staking.distributeReward(fx.prover.address, amount, at ?? (await time.latest()));
}

describe("staking: ProverStaking", () => {
  describe("registration", () => {
    it("registers a prover with its self-stake, commission and metadata", async () => {
      const { staking, prover } = await loadFixture(deployNetworkFixture);
      await expect(staking.connect(prover).registerProver("ipfs://p", 500, 2_000n * LA))
        .to.emit(staking, "ProverRegistered")
        .withArgs(prover.address, "ipfs://p", 500, 2_000n * LA);
      const pool = await staking.poolOf(prover.address);
      expect(pool.registered).to.equal(true);
      expect(pool.active).to.equal(true);
      expect(pool.metadataURI).to.equal("ipfs://p");
      expect(pool.commissionBps).to.equal(500n);
      expect(pool.selfStake).to.equal(2_000n * LA);
      expect(await staking.totalPooled()).to.equal(2_000n * LA);
    });

    it("reverts a second registration, a commission above the max and a self-stake below the minimum", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, prover, prover2 } = fx;
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(prover).registerProver("x", 0, 5_000n * LA))
          .to.be.revertedWithCustomError(staking, "ProverAlreadyRegistered")
          .withArgs(prover.address);
        await expect(staking.connect(prover2).registerProver("x", 5_001, 5_000n * LA))
          .to.be.revertedWithCustomError(staking, "CommissionTooHigh")
          .withArgs(5_001, 5_000);
        await expect(staking.connect(prover2).registerProver("x", 0, STAKING_PARAMS.minSelfStake - 1n))
          .to.be.revertedWithCustomError(staking, "SelfStakeBelowMinimum")
          .withArgs(STAKING_PARAMS.minSelfStake - 1n, STAKING_PARAMS.minSelfStake);
      });
      await staking.connect(prover2).registerProver("x", 5_000, STAKING_PARAMS.minSelfStake);
      expect(await staking.isActive(prover2.address)).to.equal(true);
    });

    it("updates metadata for registered provers only", async () => {
      const { staking, prover, outsider } = await loadFixture(registeredFixture);
      await expect(staking.connect(prover).setMetadataURI("https://new")).to.emit(staking, "MetadataUpdated");
      expect((await staking.poolOf(prover.address)).metadataURI).to.equal("https://new");
      await expect(staking.connect(outsider).setMetadataURI("x"))
        .to.be.revertedWithCustomError(staking, "ProverNotRegistered")
        .withArgs(outsider.address);
    });
  });

  describe("delegation and undelegation", () => {
    it("mints shares at the pool rate and tracks the delegator's stake", async () => {
      const { staking, prover, alice, bob } = await loadFixture(registeredFixture);
      await staking.connect(bob).delegate(prover.address, 25_000n * LA);
      expect(await staking.stakeOf(prover.address, bob.address)).to.equal(25_000n * LA);
      expect(await staking.stakeOf(prover.address, alice.address)).to.equal(40_000n * LA);
      expect(await staking.activeStake(prover.address)).to.equal(75_000n * LA);
    });

    it("reverts delegating to an unregistered prover or zero", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, alice, outsider, prover } = fx;
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(alice).delegate(outsider.address, LA))
          .to.be.revertedWithCustomError(staking, "ProverNotRegistered")
          .withArgs(outsider.address);
        await expect(staking.connect(alice).delegate(prover.address, 0)).to.be.revertedWithCustomError(
          staking,
          "ZeroAmount"
        );
      });
    });

    it("reverts undelegating zero, more than held, or an amount worth zero assets", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, alice, prover } = fx;
      const held = await staking.sharesOf(prover.address, alice.address);
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(alice).undelegate(prover.address, 0)).to.be.revertedWithCustomError(
          staking,
          "ZeroAmount"
        );
        await expect(staking.connect(alice).undelegate(prover.address, held + 1n))
          .to.be.revertedWithCustomError(staking, "InsufficientShares")
          .withArgs(prover.address, held, held + 1n);
        await expect(staking.connect(alice).undelegate(prover.address, 1n))
          .to.be.revertedWithCustomError(staking, "AmountRoundsToZero")
          .withArgs(1n);
      });
    });

    it("queues undelegated assets until exactly the end of the unbonding period", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, token, alice, prover } = fx;
      const shares = await staking.sharesOf(prover.address, alice.address);
      const tx = await staking.connect(alice).undelegate(prover.address, shares / 4n);
      const releaseAt = (await time.latest()) + STAKING_PARAMS.unbondingPeriod;
      await expect(tx)
        .to.emit(staking, "Undelegated")
        .withArgs(prover.address, alice.address, 1n, shares / 4n, 10_000n * LA, releaseAt);
      expect(await staking.pendingUnbondings(alice.address)).to.deep.equal([1n]);
      expect(await staking.activeStake(prover.address)).to.equal(40_000n * LA);
      await atTimestamp(releaseAt - 1);
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(alice).withdraw(1n))
          .to.be.revertedWithCustomError(staking, "UnbondingNotMatured")
          .withArgs(1n, releaseAt, releaseAt - 1);
      });
      await atTimestamp(releaseAt);
      const before = await token.balanceOf(alice.address);
      await expect(staking.connect(alice).withdraw(1n))
        .to.emit(staking, "Withdrawn")
        .withArgs(prover.address, alice.address, 1n, 10_000n * LA);
      expect(await token.balanceOf(alice.address)).to.equal(before + 10_000n * LA);
      expect(await staking.pendingUnbondings(alice.address)).to.deep.equal([]);
    });

    it("reverts withdrawing a request that is not the caller's or does not exist", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, alice, bob, prover } = fx;
      await staking.connect(alice).undelegate(prover.address, 10n ** 20n);
      await time.increase(STAKING_PARAMS.unbondingPeriod);
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(bob).withdraw(1n))
          .to.be.revertedWithCustomError(staking, "UnbondingNotFound")
          .withArgs(1n, bob.address);
        await expect(staking.connect(alice).withdraw(2n))
          .to.be.revertedWithCustomError(staking, "UnbondingNotFound")
          .withArgs(2n, alice.address);
      });
      await staking.connect(alice).withdraw(1n);
      await expect(staking.connect(alice).withdraw(1n))
        .to.be.revertedWithCustomError(staking, "UnbondingNotFound")
        .withArgs(1n, alice.address);
    });

    it("deactivates a prover whose self-stake falls below the minimum and reactivates it on top-up", async () => {
      const { staking, prover } = await loadFixture(registeredFixture);
      const shares = await staking.sharesOf(prover.address, prover.address);
      const keep = await staking.convertToShares(prover.address, STAKING_PARAMS.minSelfStake - LA);
      await expect(staking.connect(prover).undelegate(prover.address, shares - keep)).to.emit(
        staking,
        "ProverDeactivated"
      );
      expect(await staking.isActive(prover.address)).to.equal(false);
      await staking.connect(prover).delegate(prover.address, 2n * LA);
      expect(await staking.isActive(prover.address)).to.equal(true);
    });

    it("ignores tokens sent to the contract directly (no share price change)", async () => {
      const { staking, token, prover, bob } = await loadFixture(registeredFixture);
      const before = await staking.convertToAssets(prover.address, 10n ** 24n);
      await token.connect(bob).transfer(await staking.getAddress(), 500_000n * LA);
      expect(await staking.convertToAssets(prover.address, 10n ** 24n)).to.equal(before);
      expect(await staking.totalPooled()).to.equal(50_000n * LA);
    });
  });

  describe("commission", () => {
    it("applies a scheduled commission exactly at the end of the delay", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, prover } = fx;
      const tx = await staking.connect(prover).setCommission(3_000);
      const effectiveAt = (await time.latest()) + STAKING_PARAMS.commissionDelay;
      await expect(tx).to.emit(staking, "CommissionChangeScheduled").withArgs(prover.address, 3_000, effectiveAt);
      expect(await staking.commissionAt(prover.address, effectiveAt - 1)).to.equal(1_000n);
      expect(await staking.commissionAt(prover.address, effectiveAt)).to.equal(3_000n);
      expect((await staking.poolOf(prover.address)).pendingCommissionAt).to.equal(BigInt(effectiveAt));
      // a payout at one second before uses the old rate, a payout at the second uses the new one
      await payReward(fx, 1_000n * LA, effectiveAt - 1);
      expect((await staking.poolOf(prover.address)).commissionOwed).to.equal(100n * LA);
      await payReward(fx, 1_000n * LA, effectiveAt);
      expect((await staking.poolOf(prover.address)).commissionOwed).to.equal(400n * LA);
    });

    it("keeps the rate history when a matured change is followed by another", async () => {
      const { staking, prover } = await loadFixture(registeredFixture);
      await staking.connect(prover).setCommission(2_000);
      const first = (await time.latest()) + STAKING_PARAMS.commissionDelay;
      await time.increase(STAKING_PARAMS.commissionDelay + 10);
      await staking.connect(prover).setCommission(4_000);
      const second = (await time.latest()) + STAKING_PARAMS.commissionDelay;
      expect(await staking.commissionAt(prover.address, first - 1)).to.equal(1_000n);
      expect(await staking.commissionAt(prover.address, first)).to.equal(2_000n);
      expect(await staking.commissionAt(prover.address, second - 1)).to.equal(2_000n);
      expect(await staking.commissionAt(prover.address, second)).to.equal(4_000n);
    });

    it("reverts a commission above the max or from a non-prover", async () => {
      const { staking, prover, outsider } = await loadFixture(registeredFixture);
      await expect(staking.connect(prover).setCommission(5_001))
        .to.be.revertedWithCustomError(staking, "CommissionTooHigh")
        .withArgs(5_001, 5_000);
      await expect(staking.connect(outsider).setCommission(1))
        .to.be.revertedWithCustomError(staking, "ProverNotRegistered")
        .withArgs(outsider.address);
    });

    it("pays the prover its commission and reverts a claim with nothing owed", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, token, prover } = fx;
      await expect(staking.connect(prover).claimCommission())
        .to.be.revertedWithCustomError(staking, "NothingToClaim")
        .withArgs(prover.address);
      await payReward(fx, 1_000n * LA);
      const before = await token.balanceOf(prover.address);
      await expect(staking.connect(prover).claimCommission())
        .to.emit(staking, "CommissionClaimed")
        .withArgs(prover.address, 100n * LA);
      expect(await token.balanceOf(prover.address)).to.equal(before + 100n * LA);
      expect(await staking.totalCommissionOwed()).to.equal(0n);
    });
  });

  describe("rewards", () => {
    it("vests the delegators' part linearly over the vesting period, raising the share price", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, prover, alice } = fx;
      await payReward(fx, 1_000n * LA);
      const paidAt = await time.latest();
      expect(await staking.activeStake(prover.address)).to.equal(50_000n * LA);
      await time.increaseTo(paidAt + STAKING_PARAMS.rewardVesting / 2);
      expect(await staking.activeStake(prover.address)).to.equal(50_450n * LA);
      await time.increaseTo(paidAt + STAKING_PARAMS.rewardVesting);
      expect(await staking.activeStake(prover.address)).to.equal(50_900n * LA);
      // alice holds 4/5 of the shares: 4/5 of the 900 LA after commission, less rounding
      const alicesStake = await staking.stakeOf(prover.address, alice.address);
      expect(alicesStake).to.be.closeTo(40_720n * LA, 10n);
      expect(alicesStake).to.be.at.most(40_720n * LA);
    });

    it("finishes vesting exactly at the end of the vesting period", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, prover } = fx;
      const paidAt = (await time.latest()) + 10;
      await payReward(fx, 7n * BigInt(DAY), paidAt); // 6.3 wei per second after commission
      const vestingEnd = paidAt + STAKING_PARAMS.rewardVesting;
      await time.increaseTo(vestingEnd - 1);
      expect((await staking.poolOf(prover.address)).unvestedRewards).to.be.greaterThan(0n);
      await time.increaseTo(vestingEnd);
      expect((await staking.poolOf(prover.address)).unvestedRewards).to.equal(0n);
      expect(await staking.activeStake(prover.address)).to.equal(50_000n * LA + (7n * BigInt(DAY) * 9n) / 10n);
    });

    it("pays the whole reward as commission when the pool has no active shares left", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, prover, alice } = fx;
      await staking.connect(alice).undelegate(prover.address, await staking.sharesOf(prover.address, alice.address));
      await staking.connect(prover).undelegate(prover.address, await staking.sharesOf(prover.address, prover.address));
      await expect(payReward(fx, 1_000n * LA))
        .to.emit(staking, "RewardDistributed")
        .withArgs(prover.address, 1_000n * LA, 1_000n * LA, 1_000);
      expect((await staking.poolOf(prover.address)).commissionOwed).to.equal(1_000n * LA);
    });

    it("reverts a reward from an account without the emission role, to an unregistered prover or of zero", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, admin, outsider, prover } = fx;
      await expect(staking.connect(outsider).distributeReward(prover.address, 1n, 0))
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await staking.EMISSION_ROLE());
      await staking.grantRole(await staking.EMISSION_ROLE(), admin.address);
      await expect(staking.distributeReward(outsider.address, 1n, 0))
        .to.be.revertedWithCustomError(staking, "ProverNotRegistered")
        .withArgs(outsider.address);
      await expect(staking.distributeReward(prover.address, 0n, 0)).to.be.revertedWithCustomError(
        staking,
        "ZeroAmount"
      );
    });

    it("records active stake history for the emission controller", async () => {
      const { staking, prover, bob } = await loadFixture(registeredFixture);
      const t0 = await time.latest();
      await time.increase(100);
      await staking.connect(bob).delegate(prover.address, 5_000n * LA);
      const t1 = await time.latest();
      expect(await staking.activeStakeAt(prover.address, t0)).to.equal(50_000n * LA);
      expect(await staking.activeStakeAt(prover.address, t1 - 1)).to.equal(50_000n * LA);
      expect(await staking.activeStakeAt(prover.address, t1)).to.equal(55_000n * LA);
    });
  });

  describe("slashing", () => {
    it("burns the slash fraction of active, unbonding and unvested stake alike", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, token, market, alice, prover } = fx;
      await staking
        .connect(alice)
        .undelegate(prover.address, (await staking.sharesOf(prover.address, alice.address)) / 2n);
      await payReward(fx, 1_000n * LA); // 900 LA unvested
      const supply = await token.totalSupply();
      const reason = ethers.id("missed deadline");
      // one second of vesting folds ~0.0015 LA of the reward into the active pool before the slash
      const near = (target: bigint) => (x: bigint) => x >= target && x - target < LA / 100n;
      await expect(staking.connect(market).slash(prover.address, reason))
        .to.emit(staking, "Slashed")
        .withArgs(
          prover.address,
          reason,
          near(3_000n * LA),
          2_000n * LA,
          near(90n * LA - LA / 100n),
          ethers.ZeroAddress
        );
      expect(await token.totalSupply()).to.be.closeTo(supply - 5_090n * LA, 1n);
      expect(await staking.unbondingAssetsOf(1n)).to.be.closeTo(18_000n * LA, 1n);
      expect(await staking.activeStake(prover.address)).to.be.closeTo(27_000n * LA, LA / 100n);
      expect((await staking.poolOf(prover.address)).unvestedRewards).to.be.closeTo(810n * LA, LA / 100n);
    });

    it("sends slashed stake to the configured recipient instead of burning it", async () => {
      const { staking, token, market, admin, prover, carol } = await loadFixture(registeredFixture);
      await expect(staking.setSlashRecipient(carol.address))
        .to.emit(staking, "ParameterSet")
        .withArgs(ethers.encodeBytes32String("slashRecipient"), BigInt(carol.address));
      const before = await token.balanceOf(carol.address);
      await staking.connect(market).slash(prover.address, ethers.ZeroHash);
      expect(await token.balanceOf(carol.address)).to.equal(before + 5_000n * LA);
      expect(admin.address).to.not.equal(carol.address);
    });

    it("deactivates a prover pushed below the minimum self-stake by a slash", async () => {
      const { staking, market, prover2 } = await loadFixture(registeredFixture);
      await staking.connect(prover2).registerProver("p2", 0, STAKING_PARAMS.minSelfStake);
      await expect(staking.connect(market).slash(prover2.address, ethers.ZeroHash))
        .to.emit(staking, "ProverDeactivated")
        .withArgs(prover2.address, (STAKING_PARAMS.minSelfStake * 9n) / 10n, STAKING_PARAMS.minSelfStake);
      expect(await staking.isActive(prover2.address)).to.equal(false);
    });

    it("reverts a slash from a non-market account or of an unregistered prover", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, market, outsider, prover } = fx;
      await expectNoStateChange(fx, async () => {
        await expect(staking.connect(outsider).slash(prover.address, ethers.ZeroHash))
          .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, await staking.MARKET_ROLE());
        await expect(staking.connect(market).slash(outsider.address, ethers.ZeroHash))
          .to.be.revertedWithCustomError(staking, "ProverNotRegistered")
          .withArgs(outsider.address);
      });
    });
  });

  describe("market collateral", () => {
    it("locks self-stake the prover then cannot undelegate, and unlocks it", async () => {
      const { staking, market, prover } = await loadFixture(registeredFixture);
      await expect(staking.connect(market).lockCollateral(prover.address, 6_000n * LA))
        .to.emit(staking, "CollateralChanged")
        .withArgs(prover.address, 6_000n * LA, true, 6_000n * LA);
      expect(await staking.freeCollateral(prover.address)).to.equal(4_000n * LA);
      const shares = await staking.sharesOf(prover.address, prover.address);
      await expect(staking.connect(prover).undelegate(prover.address, shares / 2n))
        .to.be.revertedWithCustomError(staking, "CollateralLocked")
        .withArgs(prover.address, 6_000n * LA, 5_000n * LA);
      await expect(staking.connect(market).lockCollateral(prover.address, 4_000n * LA + 1n))
        .to.be.revertedWithCustomError(staking, "InsufficientFreeCollateral")
        .withArgs(prover.address, 4_000n * LA, 4_000n * LA + 1n);
      await expect(staking.connect(market).unlockCollateral(prover.address, 6_000n * LA + 1n))
        .to.be.revertedWithCustomError(staking, "CollateralUnderflow")
        .withArgs(prover.address, 6_000n * LA, 6_000n * LA + 1n);
      await staking.connect(market).unlockCollateral(prover.address, 6_000n * LA);
      await staking.connect(prover).undelegate(prover.address, shares / 2n);
    });

    it("refuses to lock collateral of an inactive prover and to non-market callers", async () => {
      const { staking, market, outsider, prover } = await loadFixture(registeredFixture);
      await expect(staking.connect(market).lockCollateral(outsider.address, 1n))
        .to.be.revertedWithCustomError(staking, "ProverInactive")
        .withArgs(outsider.address);
      await expect(staking.connect(outsider).lockCollateral(prover.address, 1n))
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await staking.MARKET_ROLE());
      await expect(staking.connect(outsider).unlockCollateral(prover.address, 0n))
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await staking.MARKET_ROLE());
    });
  });

  describe("governance parameters and pausing", () => {
    const bounds: [string, string, bigint][] = [
      ["setUnbondingPeriod", "unbondingPeriod", 365n * BigInt(DAY)],
      ["setCommissionDelay", "commissionDelay", 90n * BigInt(DAY)],
      ["setRewardVesting", "rewardVesting", 90n * BigInt(DAY)],
      ["setSlashFraction", "slashFractionBps", BPS / 2n],
    ];
    for (const [setter, name, max] of bounds) {
      it(`${setter}: accepts the bound, reverts above it and for non-governance callers`, async () => {
        const { staking, outsider } = await loadFixture(deployNetworkFixture);
        const call = (signer: typeof outsider | undefined, value: bigint) =>
          (signer ? staking.connect(signer) : staking).getFunction(setter)(value);
        await expect(call(undefined, max + 1n))
          .to.be.revertedWithCustomError(staking, "ParameterOutOfRange")
          .withArgs(ethers.encodeBytes32String(name), max + 1n, max);
        await expect(call(outsider, max))
          .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, ethers.ZeroHash);
        await expect(call(undefined, max))
          .to.emit(staking, "ParameterSet")
          .withArgs(ethers.encodeBytes32String(name), max);
        expect(await staking.getFunction(name)()).to.equal(max);
      });
    }

    it("raising the minimum self-stake deactivates provers below it at once", async () => {
      const { staking, prover, outsider } = await loadFixture(registeredFixture);
      await expect(staking.connect(outsider).setMinSelfStake(1n)).to.be.revertedWithCustomError(
        staking,
        "AccessControlUnauthorizedAccount"
      );
      await staking.setMinSelfStake(10_000n * LA + 1n);
      expect(await staking.isActive(prover.address)).to.equal(false);
    });

    it("lets the guardian pause but only governance unpause", async () => {
      const fx = await loadFixture(registeredFixture);
      const { staking, guardian, alice, prover, market, outsider } = fx;
      await expect(staking.connect(outsider).pause())
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await staking.GUARDIAN_ROLE());
      await staking.connect(guardian).pause();
      await expect(staking.connect(alice).delegate(prover.address, LA)).to.be.revertedWithCustomError(
        staking,
        "EnforcedPause"
      );
      await expect(staking.connect(alice).undelegate(prover.address, 10n ** 20n)).to.be.revertedWithCustomError(
        staking,
        "EnforcedPause"
      );
      await expect(staking.connect(alice).withdraw(1n)).to.be.revertedWithCustomError(staking, "EnforcedPause");
      await expect(staking.connect(prover).claimCommission()).to.be.revertedWithCustomError(staking, "EnforcedPause");
      await expect(staking.connect(fx.prover2).registerProver("x", 0, 10_000n * LA)).to.be.revertedWithCustomError(
        staking,
        "EnforcedPause"
      );
      // accountability continues while paused
      await staking.connect(market).slash(prover.address, ethers.ZeroHash);
      await expect(staking.connect(guardian).unpause())
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, ethers.ZeroHash);
      await expect(staking.connect(guardian).setMinSelfStake(0)).to.be.revertedWithCustomError(
        staking,
        "AccessControlUnauthorizedAccount"
      );
      await staking.unpause();
      await staking.connect(alice).delegate(prover.address, LA);
    });

    it("rejects zero addresses at construction", async () => {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ProverStaking");
      await expect(ethers.deployContract("ProverStaking", [ethers.ZeroAddress, admin.address, STAKING_PARAMS]))
        .to.be.revertedWithCustomError(factory, "ZeroAddress")
        .withArgs("token");
      await expect(ethers.deployContract("ProverStaking", [admin.address, ethers.ZeroAddress, STAKING_PARAMS]))
        .to.be.revertedWithCustomError(factory, "ZeroAddress")
        .withArgs("admin");
    });
  });
});
