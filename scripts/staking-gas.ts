/**
 * Gas of every staking and emission operation on the in-process Osaka network, as JSON on stdout:
 *   npx hardhat run scripts/staking-gas.ts
 * Each figure is the receipt's gasUsed of one representative call (warm pool, second call of its kind where
 * storage was first written by an earlier call), so it is what a user pays in steady state.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

const LA = 10n ** 18n;
const DAY = 86_400;

async function gas(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

async function main(): Promise<void> {
  const [admin, market, prover, alice, bob] = await ethers.getSigners();
  const token = await ethers.deployContract("LAToken", [admin.address, 1_000_000_000n * LA, admin.address]);
  const staking = await ethers.deployContract("ProverStaking", [
    await token.getAddress(),
    admin.address,
    {
      minSelfStake: 1_000n * LA,
      unbondingPeriod: 14 * DAY,
      commissionDelay: 7 * DAY,
      rewardVesting: 7 * DAY,
      slashFractionBps: 1_000,
      slashRecipient: ethers.ZeroAddress,
    },
  ]);
  const emission = await ethers.deployContract("EmissionController", [
    await token.getAddress(),
    await staking.getAddress(),
    admin.address,
    { epochLength: DAY, emissionRateBps: 400, maxRewardRateBps: 2_000, minFeePerCycle: 10n ** 9n },
  ]);
  await token.grantRole(await token.MINTER_ROLE(), await emission.getAddress());
  await staking.grantRole(await staking.EMISSION_ROLE(), await emission.getAddress());
  await staking.grantRole(await staking.MARKET_ROLE(), market.address);
  await emission.grantRole(await emission.MARKET_ROLE(), market.address);
  for (const user of [prover, alice, bob]) {
    await token.transfer(user.address, 1_000_000n * LA);
    await token.connect(user).approve(await staking.getAddress(), ethers.MaxUint256);
  }
  const figures: Record<string, number> = {};
  figures.registerProver = await gas(
    staking.connect(prover).registerProver("https://prover.example", 1_000, 10_000n * LA)
  );
  await staking.connect(alice).delegate(prover.address, 1_000n * LA);
  figures.delegate = await gas(staking.connect(bob).delegate(prover.address, 5_000n * LA));
  figures.delegateTopUp = await gas(staking.connect(alice).delegate(prover.address, 1_000n * LA));
  figures.undelegate = await gas(staking.connect(alice).undelegate(prover.address, 10n ** 20n));
  figures.setCommission = await gas(staking.connect(prover).setCommission(1_500));
  const next = (await emission.currentEpoch()) + 1n;
  const [start, end] = await emission.epochBounds(next);
  await time.increaseTo(start);
  figures.recordWorkFirstInEpoch = await gas(emission.connect(market).recordWork(prover.address, 1_000n, 10n ** 12n));
  figures.recordWork = await gas(emission.connect(market).recordWork(prover.address, 1_000n, 10n ** 12n));
  await time.increaseTo(end);
  figures.finalizeEpoch = await gas(emission.finalizeEpoch(next));
  figures.payReward = await gas(emission.payReward(next, prover.address));
  figures.claimCommission = await gas(staking.connect(prover).claimCommission());
  figures.slash = await gas(staking.connect(market).slash(prover.address, ethers.ZeroHash));
  await time.increase(14 * DAY);
  figures.withdraw = await gas(staking.connect(alice).withdraw(1n));
  figures.lockCollateral = await gas(staking.connect(market).lockCollateral(prover.address, 100n * LA));
  console.log(JSON.stringify({ network: "hardhat (osaka)", gasUsed: figures }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
