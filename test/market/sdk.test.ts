/**
 * The market's viem SDK on a network deployed by the deploy script's code (dev: mock USDC and feeds): a prover
 * stakes, three clients request proofs paying in LA, USDC and ETH, the prover bids through a sealed ask, anyone
 * settles with the DARA clearing, the prover proves (registry) and fulfils, and clients withdraw refunds.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { createWalletClient, custom, defineChain, getAddress, keccak256, parseEther, type EIP1193Provider, type Hex } from "viem";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";
import {
  ContractRevertError,
  DeploymentNotFoundError,
  commitAsk,
  fulfil,
  getRequest,
  registerModel,
  registerProver,
  requestProof,
  revealAsk,
  settleBatch,
  verifyInference,
  withdrawRefund,
} from "../../src/sdk";
import { COMMITMENT_A, boundProof } from "../registry/fixture";

const hardhat = defineChain({
  id: 31_337,
  name: "hardhat",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});
const walletFor = (address: string) =>
  createWalletClient({
    account: getAddress(address),
    chain: hardhat,
    transport: custom(network.provider as unknown as EIP1193Provider, { retryCount: 0 }),
  });

const INPUT: Hex = "0x0a0b";
const OUTPUT: Hex = "0x01";
const P = 10n ** 14n;

async function sdkMarketFixture() {
  const [deployer, prover, alice, bob, carol] = await ethers.getSigners();
  const config = configFor("hardhat");
  const { addresses: contracts, deployments } = await deployNetwork(walletFor(deployer.address), config);
  const token = await ethers.getContractAt("LAToken", contracts.token);
  for (const user of [prover, alice]) await token.transfer(user.address, 100_000n * 10n ** 18n);
  const usdc = await ethers.getContractAt("MockUSDC", deployments.find((d) => d.contractName === "MockUSDC")!.address);
  await usdc.mint(bob.address, 1_000n * 10n ** 6n);
  const verifier = await ethers.deployContract("KeccakBoundVerifier", [COMMITMENT_A]);
  const owner = walletFor(deployer.address);
  await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier: getAddress(await verifier.getAddress()), metadataURI: "" });
  const market = await ethers.getContractAt("ProofMarket", contracts.market!);
  return {
    contracts,
    config,
    market,
    prover: walletFor(prover.address),
    alice: walletFor(alice.address),
    bob: walletFor(bob.address),
    carol: walletFor(carol.address),
  };
}

describe("sdk: market actions", () => {
  it("requests in three currencies, bids, settles, fulfils and refunds", async () => {
    const { contracts, config, market, prover, alice, bob, carol } = await loadFixture(sdkMarketFixture);
    await registerProver(prover, { contracts, metadataURI: "p", commissionBps: 500, selfStake: parseEther("20000") });
    const deadline = BigInt(await time.latest()) + 2n * 86_400n;
    const common = { contracts, modelId: 1n, input: INPUT, deadline };

    const la = await requestProof(alice, { ...common, cycles: 1_000n, maxPricePerCycle: 10n * P, payment: { token: "LA" } });
    expect(la.result).to.deep.include({ requestId: 1n, batch: 0n, escrow: 1_000n * 10n * P });
    // 4 USDC at 0.5 LA and 0.001 ETH at 2,000 LA (the dev feeds).
    const usd = await requestProof(bob, { ...common, cycles: 2_000n, maxPricePerCycle: 9n * P, payment: { token: "USDC", amountIn: 4_000_000n } });
    expect(usd.result.escrow).to.equal(2n * 10n ** 18n);
    const eth = await requestProof(carol, { ...common, cycles: 500n, maxPricePerCycle: 8n * P, payment: { token: "ETH", amountIn: 10n ** 15n } });
    expect(eth.result.escrow).to.equal(2n * 10n ** 18n);

    const { result: ask } = await commitAsk(prover, { contracts, pricePerCycle: 2n * P, capacity: 5_000n });
    expect(ask.salt).to.match(/^0x[0-9a-f]{64}$/);
    const { batchLength, revealLength } = config.proofMarket;
    const end = (await market.GENESIS()) + BigInt(batchLength);
    const early = await settleBatch(carol, { contracts, batch: 0n }).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(ContractRevertError);
    expect((early as ContractRevertError).errorName).to.equal("NotInPhase");
    expect((early as ContractRevertError).hint).to.match(/reveals after it/);

    await time.increaseTo(end);
    await revealAsk(prover, { contracts, ask });
    await time.increaseTo(end + BigInt(revealLength));
    const { result: clearing } = await settleBatch(carol, { contracts, batch: 0n });
    // One ask: every bid fits; the 8P bid is marginal and sets both prices (no unreached ask).
    expect([clearing.winners, clearing.buyerPrice, clearing.sellerPrice]).to.deep.equal([2, 8n * P, 8n * P]);
    const job = await getRequest(carol, { contracts, requestId: 1n });
    expect(job).to.include({ status: "assigned", prover: prover.account.address, buyerPrice: 8n * P });
    expect((await getRequest(carol, { contracts, requestId: 3n })).status).to.equal("unmatched");

    const { result: recorded } = await verifyInference(prover, {
      contracts,
      modelId: 1n,
      input: INPUT,
      output: OUTPUT,
      proof: boundProof(INPUT, OUTPUT, prover.account.address) as Hex,
    });
    const { result: payout } = await fulfil(prover, { contracts, requestId: 1n, inferenceId: recorded.inferenceId });
    expect(payout).to.equal(1_000n * 8n * P);
    expect((await getRequest(alice, { contracts, requestId: 1n })).status).to.equal("fulfilled");
    expect((await withdrawRefund(alice, { contracts })).result).to.equal(1_000n * 2n * P);
    expect((await withdrawRefund(carol, { contracts })).result).to.equal(2n * 10n ** 18n);
    expect(keccak256(INPUT)).to.equal(job.inputHash);
  });

  it("says what is wrong: no market on the network, a payment below the price, an unknown request", async () => {
    const { contracts, alice, bob } = await loadFixture(sdkMarketFixture);
    const noMarket = await requestProof(alice, {
      contracts: { token: contracts.token },
      modelId: 1n,
      input: INPUT,
      cycles: 1n,
      maxPricePerCycle: 1n,
      deadline: 0n,
      payment: { token: "LA" },
    }).catch((e: unknown) => e);
    expect(noMarket).to.be.instanceOf(DeploymentNotFoundError);
    const deadline = BigInt(await time.latest()) + 2n * 86_400n;
    const cheap = await requestProof(bob, {
      contracts,
      modelId: 1n,
      input: INPUT,
      cycles: 1_000n,
      maxPricePerCycle: 10n ** 16n,
      deadline,
      payment: { token: "USDC", amountIn: 1_000_000n },
    }).catch((e: unknown) => e);
    expect(cheap).to.be.instanceOf(ContractRevertError);
    expect((cheap as ContractRevertError).errorName).to.equal("SlippageExceeded");
    expect((cheap as ContractRevertError).hint).to.match(/pay more or lower the price/);
    const missing = await getRequest(alice, { contracts, requestId: 42n }).catch((e: unknown) => e);
    expect(String(missing)).to.match(/no request has id 42/);
  });
});
