/**
 * The proof market on the in-process network: token, staking and emission (test/staking/fixture.ts), the
 * registry with a KeccakBoundVerifier model, mock USDC and price feeds, the fee converter (funded with LA) and
 * the market holding the market roles. Two registered provers; clients funded in LA, USDC and ETH.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { clear, type Ask, type Bid, type Clearing } from "../../src/market/dara";
import type { ProofMarket } from "../../typechain-types";
import { LA, deployNetworkFixture } from "../staking/fixture";
import { COMMITMENT_A, boundProof } from "../registry/fixture";

export const TIMING = { batchLength: 3_600, revealLength: 600, settleWindow: 600, minProvingTime: 3_600 };
/** 0.001 LA of self-stake per cycle of revealed capacity. */
export const COLLATERAL_PER_CYCLE = 10n ** 15n;
/** Feed answers with 8 decimals: LA per whole token. */
export const LA_PER_ETH = 2_000n;
export const LA_PER_USDC_X100 = 50n; // 0.5 LA per USDC
export const FEED_DECIMALS = 8;
export const MAX_FEED_AGE = 3_600;
export const SELF_STAKE = 10_000n * LA;

export async function marketFixture(options: { usdc?: "mock" | "reentrant" } = {}) {
  const network = await deployNetworkFixture();
  const { token, staking, emission, admin, prover, prover2, alice, bob, carol, outsider } = network;
  const registry = await ethers.deployContract("InferenceRegistry");
  const verifier = await ethers.deployContract("KeccakBoundVerifier", [COMMITMENT_A]);
  await registry.registerModel(COMMITMENT_A, await verifier.getAddress(), "ipfs://model", admin.address);
  const modelId = 1n;

  const usdc =
    options.usdc === "reentrant"
      ? await ethers.deployContract("ReentrantToken")
      : await ethers.deployContract("MockUSDC");
  const usdcDecimals = options.usdc === "reentrant" ? 18 : 6;
  const ethFeed = await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, LA_PER_ETH * 10n ** 8n]);
  const usdcFeed = await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, (LA_PER_USDC_X100 * 10n ** 8n) / 100n]);
  const converter = await ethers.deployContract("FeeConverter", [await token.getAddress(), admin.address]);
  await converter.setSource(ethers.ZeroAddress, await ethFeed.getAddress(), 18, MAX_FEED_AGE);
  await converter.setSource(await usdc.getAddress(), await usdcFeed.getAddress(), usdcDecimals, MAX_FEED_AGE);
  await token.transfer(await converter.getAddress(), 1_000_000n * LA);

  const genesis = BigInt(await time.latest());
  const market = await ethers.deployContract("ProofMarket", [
    {
      la: await token.getAddress(),
      usdc: await usdc.getAddress(),
      staking: await staking.getAddress(),
      emission: await emission.getAddress(),
      registry: await registry.getAddress(),
      converter: await converter.getAddress(),
      genesis,
      ...TIMING,
    },
    admin.address,
    carol.address,
    COLLATERAL_PER_CYCLE,
  ]);
  const marketAddress = await market.getAddress();
  await staking.grantRole(await staking.MARKET_ROLE(), marketAddress);
  await emission.grantRole(await emission.MARKET_ROLE(), marketAddress);
  await converter.grantRole(await converter.MARKET_ROLE(), marketAddress);

  for (const p of [prover, prover2]) await staking.connect(p).registerProver("ipfs://p", 1_000, SELF_STAKE);
  await token.connect(alice).approve(marketAddress, ethers.MaxUint256);
  if (options.usdc !== "reentrant") {
    const mock = await ethers.getContractAt("MockUSDC", await usdc.getAddress());
    await mock.mint(bob.address, 1_000_000n * 10n ** 6n);
  } else {
    await usdc.transfer(bob.address, 10n ** 24n);
  }
  await usdc.connect(bob).approve(marketAddress, ethers.MaxUint256);

  return {
    ...network,
    registry,
    verifier,
    modelId,
    usdc,
    ethFeed,
    usdcFeed,
    converter,
    market,
    genesis,
    treasury: carol,
    ethClient: outsider,
  };
}

export type MarketFixture = Awaited<ReturnType<typeof marketFixture>>;

/** Start of batch `b`'s reveal phase (= end of its request window). */
export const batchEnd = (fx: MarketFixture, batch: bigint) => fx.genesis + (batch + 1n) * BigInt(TIMING.batchLength);

export const INPUT = "0x0a0b0c0d";
export const OUTPUT = "0x01";

/** A request's parameters with a deadline comfortably after batch 0's settlement. */
export function requestParams(fx: MarketFixture, overrides: Partial<Record<string, unknown>> = {}) {
  return {
    modelId: fx.modelId,
    inputHash: ethers.keccak256(INPUT),
    cycles: 1_000n,
    maxPricePerCycle: 10n ** 15n,
    deadline: batchEnd(fx, 0n) + BigInt(TIMING.revealLength + TIMING.settleWindow + TIMING.minProvingTime),
    payToken: "",
    amountIn: 0n,
    ...overrides,
  };
}

/** Commits an ask in the current batch; returns what the reveal needs. */
export async function commit(market: ProofMarket, prover: HardhatEthersSigner, batch: bigint, price: bigint, capacity: bigint) {
  const salt = ethers.id(`${prover.address}:${batch}:${price}`);
  const commitment = await market.askCommitmentFor(batch, prover.address, price, capacity, salt);
  await market.connect(prover).commitAsk(batch, commitment);
  return { prover, batch, price, capacity, salt };
}

/** The DARA clearing of `batch` as stored on-chain, ready for `settle`. */
export async function clearBatch(market: ProofMarket, batch: bigint): Promise<Clearing> {
  const [requestIds, provers] = await market.getBatch(batch);
  const bids: Bid[] = [];
  for (const id of requestIds) {
    const r = await market.getRequest(id);
    bids.push({ id, cycles: r.cycles, maxPricePerCycle: r.maxPricePerCycle });
  }
  const staking = await ethers.getContractAt("ProverStaking", await market.STAKING());
  const asks: Ask[] = [];
  for (const p of provers) {
    if (!(await staking.isActive(p))) continue; // an inactive prover must not be assigned work
    const a = await market.getAsk(batch, p);
    asks.push({ id: BigInt(p), pricePerCycle: a.pricePerCycle, capacity: a.capacity });
  }
  return clear(bids, asks);
}

/** `settle` arguments for a clearing. */
export const settleArgs = (batch: bigint, c: Clearing) =>
  [batch, c.bids, c.asks, { assignment: c.assignment, buyerPrice: c.buyerPrice, sellerPrice: c.sellerPrice }] as const;

/** The proof the KeccakBoundVerifier accepts from `prover` for the market's test input/output. */
export const proofFor = (prover: string) => boundProof(INPUT, OUTPUT, prover);
