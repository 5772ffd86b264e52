/**
 * The viem SDK against the in-process Hardhat network (through its EIP-1193 provider), on contracts deployed
 * by the deploy script's own code: every action once, plus the error messages a user sees.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { createWalletClient, custom, defineChain, getAddress, parseEther, type EIP1193Provider } from "viem";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";
import {
  ContractRevertError,
  DeploymentNotFoundError,
  AccountMissingError,
  claimCommission,
  delegate,
  finalizeEpoch,
  getDelegatorPosition,
  getEpoch,
  getEpochRewards,
  getProverPool,
  payReward,
  readNetworkAddresses,
  registerProver,
  setCommission,
  undelegate,
  withdraw,
  writeContractDeployment,
} from "../../src/sdk";

// Not `viem/chains`: importing it makes tsc type-check ox's WebAuthn sources, which need the DOM lib.
const hardhat = defineChain({
  id: 31_337,
  name: "hardhat",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});
const provider = () => network.provider as unknown as EIP1193Provider;
const walletFor = (address: string) =>
  createWalletClient({ account: getAddress(address), chain: hardhat, transport: custom(provider(), { retryCount: 0 }) });

async function sdkFixture() {
  const [deployer, market, prover, alice] = await ethers.getSigners();
  const config = configFor("hardhat", { market: getAddress(market.address) });
  const { addresses, deployments } = await deployNetwork(walletFor(deployer.address), config);
  const token = await ethers.getContractAt("LAToken", addresses.token);
  for (const user of [prover, alice]) await token.transfer(user.address, 1_000_000n * 10n ** 18n);
  const emission = await ethers.getContractAt("EmissionController", addresses.emission);
  return {
    addresses,
    deployments,
    config,
    market,
    emission,
    prover: walletFor(prover.address),
    alice: walletFor(alice.address),
  };
}

describe("sdk: staking and emission actions", () => {
  it("registers, delegates, undelegates, withdraws and reads positions", async () => {
    const { addresses: contracts, prover, alice, config } = await loadFixture(sdkFixture);
    const proverAddress = prover.account.address;
    await registerProver(prover, {
      contracts,
      metadataURI: "https://p.example",
      commissionBps: 1_000,
      selfStake: parseEther("20000"),
    });
    const { result: shares } = await delegate(alice, { contracts, prover: proverAddress, amount: parseEther("5000") });
    expect(shares).to.be.greaterThan(0n);

    const pool = await getProverPool(alice, { contracts, prover: proverAddress });
    expect(pool).to.include({ registered: true, active: true, metadataURI: "https://p.example", commissionBps: 1_000 });
    expect(pool.activeStake).to.equal(parseEther("25000"));
    expect(pool.selfStake).to.equal(parseEther("20000"));

    const { result } = await undelegate(alice, { contracts, prover: proverAddress, amount: parseEther("1000") });
    expect(result.id).to.equal(1n);
    let position = await getDelegatorPosition(alice, {
      contracts,
      delegator: alice.account.address,
      provers: [proverAddress],
    });
    expect(position.stakes[0].assets).to.be.closeTo(parseEther("4000"), 10n ** 6n);
    expect(position.unbonding).to.have.length(1);
    expect(position.unbonding[0].assets).to.be.closeTo(parseEther("1000"), 10n ** 6n);

    // withdrawing early fails with the contract's error and a hint saying when
    const early = await withdraw(alice, { contracts, id: 1n }).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(ContractRevertError);
    expect((early as ContractRevertError).errorName).to.equal("UnbondingNotMatured");
    expect((early as Error).message).to.match(
      /withdraw reverted: UnbondingNotMatured\(1, \d+, \d+\)\nRequest 1 can be withdrawn from 20/
    );

    await time.increase(config.staking.unbondingPeriod);
    const { result: paid } = await withdraw(alice, { contracts, id: 1n });
    expect(paid).to.be.closeTo(parseEther("1000"), 10n ** 6n);
    await undelegate(alice, { contracts, prover: proverAddress, all: true });
    position = await getDelegatorPosition(alice, {
      contracts,
      delegator: alice.account.address,
      provers: [proverAddress],
    });
    expect(position.stakes[0].shares).to.equal(0n);
  });

  it("schedules commission, pays epoch rewards and claims commission", async () => {
    const { addresses: contracts, prover, market, emission } = await loadFixture(sdkFixture);
    const proverAddress = prover.account.address;
    await registerProver(prover, {
      contracts,
      metadataURI: "p",
      commissionBps: 2_000,
      selfStake: parseEther("100000"),
    });
    const { result: effectiveAt } = await setCommission(prover, { contracts, commissionBps: 3_000 });
    expect((await getProverPool(prover, { contracts, prover: proverAddress })).pendingCommission).to.deep.equal({
      commissionBps: 3_000,
      effectiveAt,
    });

    const next = (await getEpoch(prover, { contracts })).id + 1n;
    const { start, end } = await getEpoch(prover, { contracts, epoch: next });
    await time.increaseTo(start);
    await emission.connect(market).recordWork(proverAddress, 1_000n, 10n ** 12n);
    expect((await getEpoch(prover, { contracts })).totalWork).to.equal(1_000n);
    await time.increaseTo(end);
    await finalizeEpoch(prover, { contracts, epoch: next });
    const rewards = await getEpochRewards(prover, { contracts, epoch: next, prover: proverAddress });
    expect(rewards.pending).to.equal(rewards.stakeCap);
    const { result: minted } = await payReward(prover, { contracts, epoch: next, prover: proverAddress });
    expect(minted).to.equal(rewards.pending);
    const { result: commission } = await claimCommission(prover, { contracts });
    expect(commission).to.equal((minted * 2_000n) / 10_000n);
    const again = await claimCommission(prover, { contracts }).catch((e: unknown) => e);
    expect((again as Error).message).to.match(/NothingToClaim/);
  });

  it("says what to do when the account is missing or the prover is unknown", async () => {
    const { addresses: contracts, alice } = await loadFixture(sdkFixture);
    const readOnly = createWalletClient({ chain: hardhat, transport: custom(provider()) });
    const missing = await delegate(readOnly, { contracts, prover: alice.account.address, amount: 1n }).catch(
      (e: unknown) => e
    );
    expect(missing).to.be.instanceOf(AccountMissingError);
    const unknown = await delegate(alice, { contracts, prover: getAddress(`0x${"12".repeat(20)}`), amount: 1n }).catch(
      (e: unknown) => e
    );
    expect((unknown as ContractRevertError).errorName).to.equal("ProverNotRegistered");
    expect((unknown as Error).message).to.match(/is not a registered prover/);
  });

  it("writes and reads the address book, naming the missing file or bad field", async () => {
    const { deployments, addresses } = await loadFixture(sdkFixture);
    const dir = mkdtempSync(join(tmpdir(), "deployments-"));
    try {
      for (const record of deployments) writeContractDeployment(dir, "testnet", record);
      expect(readNetworkAddresses(dir, "testnet")).to.deep.equal(addresses);
      const stored = JSON.parse(readFileSync(join(dir, "testnet", "ProverStaking.json"), "utf8"));
      expect(stored).to.include.keys("address", "abi", "transactionHash", "blockNumber", "args");
      expect(() => readNetworkAddresses(dir, "other")).to.throw(DeploymentNotFoundError, /LAToken on "other".*missing/);
      writeFileSync(join(dir, "testnet", "LAToken.json"), JSON.stringify({ abi: [], address: "0x12" }));
      expect(() => readNetworkAddresses(dir, "testnet")).to.throw(/field "address"/);
      expect(() => readNetworkAddresses(dir, "../x")).to.throw(/not a plain name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
