/**
 * Shared deployment for the token, staking and emission tests: the three contracts wired as in production, but
 * with a plain account (`admin`) holding governance's role so that parameters can be set directly, and a plain
 * account (`market`) holding the market role that issue 9's contract will hold.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

export const LA = 10n ** 18n;
export const DAY = 86_400;
export const YEAR = 365 * DAY;
export const BPS = 10_000n;
export const INITIAL_SUPPLY = 1_000_000_000n * LA;

/** Parameters used unless a test overrides them; tests read them from here rather than repeating numbers. */
export const STAKING_PARAMS = {
  minSelfStake: 1_000n * LA,
  unbondingPeriod: 14 * DAY,
  commissionDelay: 7 * DAY,
  rewardVesting: 7 * DAY,
  slashFractionBps: 1_000,
  slashRecipient: ethers.ZeroAddress,
};

export const EMISSION_PARAMS = {
  epochLength: DAY,
  emissionRateBps: 400,
  maxRewardRateBps: 2_000,
  minFeePerCycle: 10n ** 9n,
};

export type StakingOverrides = Partial<typeof STAKING_PARAMS>;

/** Deploys LAToken, ProverStaking and EmissionController with roles granted; funds six users with 1M LA. */
export async function deployNetworkFixture(stakingOverrides: StakingOverrides = {}) {
  const [admin, market, guardian, prover, prover2, alice, bob, carol, outsider] = await ethers.getSigners();
  const token = await ethers.deployContract("LAToken", [admin.address, INITIAL_SUPPLY, admin.address]);
  const staking = await ethers.deployContract("ProverStaking", [
    await token.getAddress(),
    admin.address,
    { ...STAKING_PARAMS, ...stakingOverrides },
  ]);
  const emission = await ethers.deployContract("EmissionController", [
    await token.getAddress(),
    await staking.getAddress(),
    admin.address,
    EMISSION_PARAMS,
  ]);
  await token.grantRole(await token.MINTER_ROLE(), await emission.getAddress());
  await staking.grantRole(await staking.EMISSION_ROLE(), await emission.getAddress());
  await staking.grantRole(await staking.MARKET_ROLE(), market.address);
  await emission.grantRole(await emission.MARKET_ROLE(), market.address);
  await staking.grantRole(await staking.GUARDIAN_ROLE(), guardian.address);
  await emission.grantRole(await emission.GUARDIAN_ROLE(), guardian.address);
  const users = [prover, prover2, alice, bob, carol, outsider];
  for (const user of users) {
    await token.transfer(user.address, 1_000_000n * LA);
    await token.connect(user).approve(await staking.getAddress(), ethers.MaxUint256);
  }
  return { token, staking, emission, admin, market, guardian, prover, prover2, alice, bob, carol, outsider };
}

export type NetworkFixture = Awaited<ReturnType<typeof deployNetworkFixture>>;

/** The fixture with `prover` registered (10 % commission, 10,000 LA self-stake) and `alice` delegating 40,000 LA. */
export async function registeredFixture() {
  const fx = await deployNetworkFixture();
  await fx.staking.connect(fx.prover).registerProver("ipfs://prover", 1_000, 10_000n * LA);
  await fx.staking.connect(fx.alice).delegate(fx.prover.address, 40_000n * LA);
  return fx;
}

/** Timestamp of the latest block. */
export async function now(): Promise<number> {
  return time.latest();
}

/** Makes the next transaction run at exactly `timestamp` (the next block's time). */
export async function atTimestamp(timestamp: number | bigint): Promise<void> {
  await time.setNextBlockTimestamp(timestamp);
}
