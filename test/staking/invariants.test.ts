/**
 * Property tests: long random sequences of staking operations (fast-check driving the in-process network),
 * with the accounting invariants checked after every step. Bounded (runs × steps) to keep the suite short.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { BPS, DAY, EMISSION_PARAMS, LA, STAKING_PARAMS, deployNetworkFixture, type NetworkFixture } from "./fixture";

const RUNS = Number(process.env.DEEPPROVE_PROPERTY_RUNS ?? 30);
const MAX_STEPS = 40;
/** Rounding any one operation may cost a bystander or the actor (floor divisions; see ShareMath). */
const DUST = 3n;

type Op =
  | { kind: "delegate"; who: number; pool: number; amount: bigint }
  | { kind: "undelegate"; who: number; pool: number; fraction: number }
  | { kind: "withdraw"; who: number; pick: number }
  | { kind: "slash"; pool: number }
  | { kind: "reward"; pool: number; amount: bigint }
  | { kind: "claim"; pool: number }
  | { kind: "commission"; pool: number; bps: number }
  | { kind: "time"; seconds: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("delegate" as const),
      who: fc.nat(4),
      pool: fc.nat(1),
      amount: fc.bigInt(1n, 50_000n * LA),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("undelegate" as const),
      who: fc.nat(4),
      pool: fc.nat(1),
      fraction: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), who: fc.nat(4), pick: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("slash" as const), pool: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("reward" as const), pool: fc.nat(1), amount: fc.bigInt(1n, 5_000n * LA) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("claim" as const), pool: fc.nat(1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("commission" as const),
      pool: fc.nat(1),
      bps: fc.integer({ min: 0, max: 5_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("time" as const), seconds: fc.integer({ min: 1, max: 3 * DAY }) }),
  }
);

/** Short unbonding and vesting periods so that random time jumps cross them often. */
const RUN_STAKING_PARAMS = { unbondingPeriod: 2 * DAY, rewardVesting: DAY, commissionDelay: DAY };

async function stakingRunFixture() {
  const fx = await deployNetworkFixture(RUN_STAKING_PARAMS);
  await fx.staking.connect(fx.prover).registerProver("p1", 1_000, 10_000n * LA);
  await fx.staking.connect(fx.prover2).registerProver("p2", 2_500, 10_000n * LA);
  for (const [who, pool] of [
    [fx.alice, fx.prover],
    [fx.bob, fx.prover2],
    [fx.carol, fx.prover],
  ] as const) {
    await fx.staking.connect(who).delegate(pool.address, 20_000n * LA);
  }
  await fx.staking.grantRole(await fx.staking.EMISSION_ROLE(), fx.admin.address);
  await fx.token.approve(await fx.staking.getAddress(), ethers.MaxUint256);
  return fx;
}

describe("staking: invariants over random operation sequences", () => {
  it("keeps positions, balances, rewards and losses consistent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: MAX_STEPS }), async (ops) => {
        const fx = await loadFixture(stakingRunFixture);
        const { staking, token, admin, market } = fx;
        const pools = [fx.prover, fx.prover2];
        const actors: HardhatEthersSigner[] = [fx.prover, fx.prover2, fx.alice, fx.bob, fx.carol];
        const stakingAddress = await staking.getAddress();

        const valueOf = async (who: HardhatEthersSigner) => {
          let value = 0n;
          for (const pool of pools) value += await staking.stakeOf(pool.address, who.address);
          for (const id of await staking.pendingUnbondings(who.address)) value += await staking.unbondingAssetsOf(id);
          return value;
        };

        const checkInvariants = async () => {
          let pooled = 0n;
          let claimable = 0n;
          for (const pool of pools) {
            const view = await staking.poolOf(pool.address);
            pooled += view.activeStake + view.unvestedRewards + view.unbondingAssets;
            claimable += view.commissionOwed;
            let shares = 0n;
            let stakes = 0n;
            for (const who of actors) {
              shares += await staking.sharesOf(pool.address, who.address);
              stakes += await staking.stakeOf(pool.address, who.address);
            }
            // total staked equals the sum of positions (shares exactly, assets up to one wei per holder + offset)
            expect(shares).to.equal(view.activeShares);
            expect(stakes).to.be.at.most(view.activeStake);
            const offsetShare = ((view.activeStake + 1n) * 10n ** 6n) / (view.activeShares + 10n ** 6n) + 1n;
            expect(view.activeStake - stakes).to.be.at.most(BigInt(actors.length) + offsetShare);
            claimable += stakes;
          }
          for (const who of actors) {
            for (const id of await staking.pendingUnbondings(who.address))
              claimable += await staking.unbondingAssetsOf(id);
          }
          const balance = await token.balanceOf(stakingAddress);
          expect(await staking.totalPooled()).to.equal(pooled);
          expect(balance).to.equal(pooled + (await staking.totalCommissionOwed()));
          // claimable never exceeds the contract's balance
          expect(claimable).to.be.at.most(balance);
        };

        for (const op of ops) {
          const before = await Promise.all(actors.map(valueOf));
          const bookBefore = (await staking.totalPooled()) + (await staking.totalCommissionOwed());
          let actor = -1;
          let expectedDelta = 0n;
          let slashed = false;
          switch (op.kind) {
            case "delegate": {
              await staking.connect(actors[op.who]).delegate(pools[op.pool].address, op.amount);
              actor = op.who;
              expectedDelta = op.amount;
              break;
            }
            case "undelegate": {
              const held = await staking.sharesOf(pools[op.pool].address, actors[op.who].address);
              const shares = (held * BigInt(op.fraction)) / 100n;
              if (shares === 0n || (await staking.convertToAssets(pools[op.pool].address, shares)) === 0n) continue;
              await staking.connect(actors[op.who]).undelegate(pools[op.pool].address, shares);
              actor = op.who;
              break;
            }
            case "withdraw": {
              // withdraw one pending request, jumping to exactly its release time if it has not matured yet
              const ids = await staking.pendingUnbondings(actors[op.who].address);
              if (ids.length === 0) continue;
              const id = ids[op.pick % ids.length];
              const { releaseAt } = await staking.unbonding(id);
              if (releaseAt > BigInt(await time.latest())) await time.setNextBlockTimestamp(releaseAt);
              const receipt = await (await staking.connect(actors[op.who]).withdraw(id)).wait();
              const event = receipt!.logs
                .map((l) => staking.interface.parseLog(l))
                .find((l) => l?.name === "Withdrawn");
              actor = op.who;
              expectedDelta = 0n - BigInt(event!.args.assets);
              break;
            }
            case "slash":
              await staking.connect(market).slash(pools[op.pool].address, ethers.ZeroHash);
              slashed = true;
              break;
            case "reward": {
              await staking.connect(admin).distributeReward(pools[op.pool].address, op.amount, await time.latest());
              const bookAfter = (await staking.totalPooled()) + (await staking.totalCommissionOwed());
              expect(bookAfter - bookBefore).to.equal(op.amount); // rewards are conserved
              break;
            }
            case "claim": {
              if ((await staking.poolOf(pools[op.pool].address)).commissionOwed === 0n) continue;
              await staking.connect(pools[op.pool]).claimCommission();
              break;
            }
            case "commission":
              await staking.connect(pools[op.pool]).setCommission(op.bps);
              break;
            case "time":
              await time.increase(op.seconds);
              break;
          }
          const after = await Promise.all(actors.map(valueOf));
          for (let i = 0; i < actors.length; i++) {
            // no delegator loses more than rounding dust except by a slash (which takes at most its fraction)
            const expected = before[i] + (i === actor ? expectedDelta : 0n);
            const floor = slashed
              ? (before[i] * (BPS - BigInt(STAKING_PARAMS.slashFractionBps))) / BPS - DUST
              : expected - DUST;
            expect(after[i]).to.be.at.least(floor);
          }
          await checkInvariants();
        }
      }),
      { numRuns: RUNS, endOnFailure: true }
    );
  });
});

describe("emission: invariants over random epochs", () => {
  type EmissionOp =
    | { kind: "work"; pool: number; cycles: bigint; feeCycles: bigint }
    | { kind: "time"; seconds: number }
    | { kind: "finalize" }
    | { kind: "pay"; pick: number }
    | { kind: "rate"; bps: number }
    | { kind: "length"; hours: number };

  const emissionOpArb: fc.Arbitrary<EmissionOp> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("work" as const),
        pool: fc.nat(2),
        cycles: fc.bigInt(1n, 10n ** 9n),
        feeCycles: fc.bigInt(0n, 10n ** 9n),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant("time" as const), seconds: fc.integer({ min: 60, max: 3 * DAY }) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("finalize" as const) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("pay" as const), pick: fc.nat(99) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("rate" as const), bps: fc.integer({ min: 0, max: 400 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("length" as const), hours: fc.integer({ min: 1, max: 72 }) }),
    }
  );

  async function emissionRunFixture() {
    const fx = await deployNetworkFixture();
    // large stakes so that the stake cap does not always bind
    await fx.staking.connect(fx.prover).registerProver("p1", 1_000, 900_000n * LA);
    await fx.staking.connect(fx.prover2).registerProver("p2", 0, 500_000n * LA);
    await fx.staking.connect(fx.alice).registerProver("p3", 5_000, 1_000n * LA);
    await fx.emission.setMaxRewardRate(10_000);
    // start in a fresh epoch so that the provers' stake is recorded at its start
    const [start] = await fx.emission.epochBounds((await fx.emission.currentEpoch()) + 1n);
    await time.increaseTo(start);
    return fx;
  }

  it("never mints beyond the token's cap, and pays each share at most once and at most its cap", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(emissionOpArb, { minLength: 5, maxLength: MAX_STEPS }), async (ops) => {
        const fx: NetworkFixture = await loadFixture(emissionRunFixture);
        const { emission, token, staking, market } = fx;
        const pools = [fx.prover, fx.prover2, fx.alice];
        const epochs = new Set<bigint>();
        const stakingBalance0 = await token.balanceOf(await staking.getAddress());
        const minted0 = await token.totalMinted();
        let paidTotal = 0n;
        for (const op of ops) {
          switch (op.kind) {
            case "work": {
              const id = await emission.currentEpoch();
              await emission
                .connect(market)
                .recordWork(pools[op.pool].address, op.cycles, op.feeCycles * EMISSION_PARAMS.minFeePerCycle);
              epochs.add(id);
              break;
            }
            case "time":
              await time.increase(op.seconds);
              break;
            case "finalize": {
              const now = BigInt(await time.latest()) + 1n;
              for (const id of epochs) {
                const rec = await emission.epoch(id);
                if (rec.totalWork > 0n && !rec.finalized && rec.end <= now) {
                  await emission.finalizeEpoch(id);
                  break;
                }
              }
              break;
            }
            case "pay": {
              const candidates: [bigint, string][] = [];
              for (const id of epochs) {
                if (!(await emission.epoch(id)).finalized) continue;
                for (const p of pools) {
                  if ((await emission.workOf(id, p.address)) > 0n && !(await emission.isPaid(id, p.address)))
                    candidates.push([id, p.address]);
                }
              }
              if (candidates.length === 0) continue;
              const [id, prover] = candidates[op.pick % candidates.length];
              const expected = await emission.pendingReward(id, prover);
              const cap = await emission.stakeCap(id, prover);
              await emission.payReward(id, prover);
              expect(expected).to.be.at.most(cap);
              paidTotal += expected;
              break;
            }
            case "rate":
              await emission.setEmissionRate(op.bps);
              break;
            case "length":
              await emission.setEpochLength(op.hours * 3_600);
              break;
          }
          // minted never exceeds the cap at any time; reservations never exceed the headroom
          expect(await token.totalMinted()).to.be.at.most(await token.mintCap());
          expect(await emission.reservedBudget()).to.be.at.most(await token.mintable());
          expect((await token.totalMinted()) - minted0).to.equal(paidTotal);
          expect((await token.balanceOf(await staking.getAddress())) - stakingBalance0).to.equal(paidTotal);
          let reserved = 0n;
          for (const id of epochs) {
            const rec = await emission.epoch(id);
            expect(rec.paid).to.be.at.most(rec.budget);
            if (rec.finalized) {
              reserved += rec.claimedWork === rec.totalWork ? 0n : rec.budget - rec.releasedBudget;
              const byRate =
                ((await token.INITIAL_SUPPLY()) * 400n * (rec.end - rec.start)) / (BPS * 365n * BigInt(DAY));
              expect(rec.budget).to.be.at.most(byRate);
            }
          }
          expect(await emission.reservedBudget()).to.equal(reserved);
        }
      }),
      { numRuns: RUNS, endOnFailure: true }
    );
  });
});
