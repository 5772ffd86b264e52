/**
 * The demo's network part (`npm run demo`, scripts/demo.ts): on the in-process network, deploy every contract,
 * register the model's verifier, let a client buy a proof with mock USDC, two in-process prover nodes bid
 * through DARA, the winner proves, the registry verifies the inference on-chain, the prover is paid in LA, and
 * an emission epoch pays the prover and its delegator. Returns what the summary prints.
 *
 * The proof itself comes from the `ProofBackend` and verifier the caller passes (the whole-model prover and the
 * model's generated verifier when available).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createWalletClient,
  custom,
  defineChain,
  formatEther,
  formatUnits,
  keccak256,
  parseEther,
  type Abi,
  type Address,
  type EIP1193Provider,
  type Hash,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { getBlock, getTransactionReceipt, readContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { ProverNode } from "../../src/node/node";
import type { ProofBackend } from "../../src/node/backend";
import {
  checkInference,
  delegate,
  finalizeEpoch,
  getDelegatorPosition,
  getInference,
  getRequest,
  laTokenAbi,
  mockPriceFeedAbi,
  mockUSDCAbi,
  payReward,
  registerModel,
  registerProver,
  requestProof,
  withdrawRefund,
  emissionControllerAbi,
  type NetworkAddresses,
} from "../../src/sdk";
import { deployNetwork } from "./deploy-network";
import { DEV_PRICES, configFor } from "./network-config";

/** Hardhat's default accounts (the in-process network funds them); the nodes sign locally with these keys. */
const MNEMONIC = "test test test test test test test test test test test junk";
const ROLES = ["deployer", "client", "second client", "prover A", "prover B", "delegator"] as const;
type Role = (typeof ROLES)[number];

export interface DemoModel {
  /** How the proof is made and checked, for the printout. */
  label: string;
  /** Deploys the model's verifier (as the deployer) and returns its address; its `modelCommitment()` is registered. */
  deployVerifier: (deployer: ReturnType<typeof walletFor>) => Promise<Address>;
  /** Custom errors of the verifier, to name a rejection. */
  verifierErrors?: Abi;
  /** The prover nodes' backend, once the model is registered under `modelId`. */
  backendFor: (modelId: bigint) => ProofBackend;
  /** Packed input of the client's request, and of the second client's (cheaper) request. */
  inputs: [Hex, Hex];
  /** Cycles a request pays for. */
  cycles: bigint;
}

/** IInferenceVerifier.modelCommitment, what the registry checks a model's registration against. */
const MODEL_COMMITMENT_ABI = [
  { type: "function", name: "modelCommitment", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "bytes32" }] },
] as const;

function walletFor(provider: EIP1193Provider, index: number) {
  const chain = defineChain({
    id: 31_337,
    name: "hardhat",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
  return createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: index }), chain, transport: custom(provider), pollingInterval: 50 });
}

export interface DemoSummary {
  accounts: Record<Role, Address>;
  contracts: NetworkAddresses;
  modelId: bigint;
  requestId: bigint;
  inferenceId: bigint;
  outputHash: Hex;
  /** [step, gas] in order. */
  gas: [string, bigint][];
  /** [who, what] lines. */
  payments: [string, string][];
  nodeLines: string[];
  winner: Address;
  /** Size of the winner's proof (the verifier's calldata). */
  proofBytes: number;
  /** What the registry said to the winner's proof submitted from the other prover's address. */
  copiedVerdict: string;
}

/** Runs the market flow; see the file header. */
export async function runMarketDemo(provider: EIP1193Provider, model: DemoModel, say: (line: string) => void): Promise<DemoSummary> {
  const wallets = Object.fromEntries(ROLES.map((role, i) => [role, walletFor(provider, i)])) as Record<Role, ReturnType<typeof walletFor>>;
  const accounts = Object.fromEntries(ROLES.map((role) => [role, wallets[role].account.address])) as Record<Role, Address>;
  const gas: [string, bigint][] = [];
  const gasOf = async (step: string, hash: Hash) => gas.push([step, (await getTransactionReceipt(wallets.deployer, { hash })).gasUsed]);
  const advanceTo = async (t: bigint) => {
    await provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(t)] } as never);
    await provider.request({ method: "evm_mine", params: [] } as never);
  };

  const { addresses: contracts, deployments } = await deployNetwork(wallets.deployer, configFor("hardhat"));
  const usdc = deployments.find((d) => d.contractName === "MockUSDC")!.address;
  say(`deployed ${deployments.length} contracts (token, staking, emission, governance, registry, fee converter, market, mock USDC and feeds)`);

  const verifier = await model.deployVerifier(wallets.deployer);
  const commitment = await readContract(wallets.deployer, { address: verifier, abi: MODEL_COMMITMENT_ABI, functionName: "modelCommitment" });
  const registered = await registerModel(wallets.deployer, { contracts, commitment, verifier, metadataURI: "examples/mlp" });
  const modelId = registered.result;
  await gasOf("registerModel", registered.hash);
  say(`model ${modelId} registered: commitment ${commitment}, verifier ${verifier}`);

  for (const role of ["prover A", "prover B", "delegator", "second client"] as const) {
    const hash = await writeContract(wallets.deployer, { address: contracts.token, abi: laTokenAbi, functionName: "transfer", args: [accounts[role], parseEther("50000")] });
    await waitForTransactionReceipt(wallets.deployer, { hash });
  }
  for (const role of ["prover A", "prover B"] as const) {
    const r = await registerProver(wallets[role], { contracts, metadataURI: `https://${role.replace(" ", "-")}.example`, commissionBps: 1_000, selfStake: parseEther("20000") });
    await gasOf(`registerProver (${role})`, r.hash);
  }
  await delegate(wallets.delegator, { contracts, prover: accounts["prover A"], amount: parseEther("10000") });
  await delegate(wallets.delegator, { contracts, prover: accounts["prover B"], amount: parseEther("10000") });
  say("two provers staked 20,000 LA each; a delegator put 10,000 LA behind each");
  // Rewards are capped by the stake a prover had when the epoch began: start the market in the next epoch.
  const stakedIn = await readContract(wallets.deployer, { address: contracts.emission, abi: emissionControllerAbi, functionName: "currentEpoch" });
  const [, stakedEpochEnd] = await readContract(wallets.deployer, { address: contracts.emission, abi: emissionControllerAbi, functionName: "epochBounds", args: [stakedIn] });
  await advanceTo(stakedEpochEnd);
  // A day later the mock oracle is stale: it posts the dev price again, as a live feed would have.
  const usdcFeed = deployments.find((d) => d.contractName === "UsdcPriceFeed")!.address;
  const refresh = await writeContract(wallets.deployer, { address: usdcFeed, abi: mockPriceFeedAbi, functionName: "setAnswer", args: [DEV_PRICES.laPerUsdc] });
  await waitForTransactionReceipt(wallets.deployer, { hash: refresh });

  const nodeLines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "deepprove-demo-"));
  const startNode = (role: "prover A" | "prover B", pricePerCycle: bigint) =>
    ProverNode.start({
      client: wallets[role],
      contracts,
      backend: model.backendFor(modelId),
      config: { pricePerCycle, capacity: 4n * model.cycles, models: new Map([[modelId, { setup: "", minCycles: 1n }]]), settle: true },
      stateFile: join(dir, `${role.replace(" ", "-")}.json`),
      log: (line) => nodeLines.push(`[${role}] ${line}`),
    });
  const nodes = [await startNode("prover A", parseEther("0.0001")), await startNode("prover B", parseEther("0.0002"))];
  const tickAll = async () => {
    for (const node of nodes) await node.tick();
  };

  // The client pays in mock USDC: minted to it, converted to LA by the fee converter at the mock oracle price.
  const mint = await writeContract(wallets.deployer, { address: usdc, abi: mockUSDCAbi, functionName: "mint", args: [accounts.client, 100n * 10n ** 6n] });
  await waitForTransactionReceipt(wallets.deployer, { hash: mint });
  const { timestamp } = await getBlock(wallets.deployer);
  const deadline = timestamp + 3n * 86_400n;
  const maxPrice = parseEther("0.0005");
  const usdcIn = 20n * 10n ** 6n;
  const request = await requestProof(wallets.client, { contracts, modelId, input: model.inputs[0], cycles: model.cycles, maxPricePerCycle: maxPrice, deadline, payment: { token: "USDC", amountIn: usdcIn } });
  await gasOf("requestProof (USDC → LA escrow)", request.hash);
  if (request.result.inputPublication) await gasOf("publishInput", request.result.inputPublication);
  // DARA's trade reduction never trades the marginal request: a second, cheaper request lets the first trade.
  const second = await requestProof(wallets["second client"], { contracts, modelId, input: model.inputs[1], cycles: model.cycles, maxPricePerCycle: parseEther("0.0003"), deadline, payment: { token: "LA" } });
  const requestId = request.result.requestId;
  say(`request ${requestId}: ${formatUnits(usdcIn, 6)} USDC → ${formatEther(request.result.escrow)} LA escrow; a second client's request ${second.result.requestId} at a lower price`);

  const timing = nodes[0].timing;
  const batch = request.result.batch;
  const end = timing.genesis + (batch + 1n) * timing.batchLength;
  await tickAll(); // sealed asks
  await advanceTo(end);
  await tickAll(); // reveals
  await advanceTo(end + timing.revealLength);
  await tickAll(); // settlement by DARA, proving, registry verification, fulfilment
  await tickAll();
  for (const node of nodes) {
    for (const tx of Object.values(node.state.txs)) gas.push([`${tx.key} (${node.address === accounts["prover A"] ? "prover A" : "prover B"})`, BigInt(tx.gasUsed ?? 0)]);
  }

  const job = await getRequest(wallets.client, { contracts, requestId });
  if (job.status !== "fulfilled") throw new Error(`demo: request ${requestId} ended ${job.status}, expected fulfilled`);
  const inference = await getInference(wallets.client, { contracts, inferenceId: job.inferenceId });
  if (inference.inputHash !== keccak256(model.inputs[0])) throw new Error("demo: the recorded inference is for another input");

  // A copied proof is worthless: the winner's proof, submitted from the other prover's address, is rejected.
  const winnerNode = nodes.find((n) => n.address === job.prover)!;
  const loser = nodes.find((n) => n.address !== job.prover)!.address;
  const proved = JSON.parse(readFileSync(winnerNode.state.jobs[requestId.toString()].proofFile!, "utf8")) as { input: Hex; output: Hex; proof: Hex };
  const copied = await checkInference(wallets.client, { contracts, modelId, input: proved.input, output: proved.output, proof: proved.proof, prover: loser, verifierAbi: model.verifierErrors });
  const copiedVerdict = copied.accepted ? "ACCEPTED (unexpected)" : `rejected (${copied.reason.message})`;
  if (copied.accepted) throw new Error("demo: a proof copied to another address was accepted");

  // Refunds: the client's escrow above the fee, the second client's whole escrow (its request was reduced away).
  const refundClient = await withdrawRefund(wallets.client, { contracts });
  const refundSecond = await withdrawRefund(wallets["second client"], { contracts });

  // Emission: the epoch of the fulfilment ends, is finalized, and the winner's reward is minted into its pool.
  const epochId = await readContract(wallets.deployer, { address: contracts.emission, abi: emissionControllerAbi, functionName: "currentEpoch" });
  const [, epochEnd] = await readContract(wallets.deployer, { address: contracts.emission, abi: emissionControllerAbi, functionName: "epochBounds", args: [epochId] });
  const before = await getDelegatorPosition(wallets.delegator, { contracts, delegator: accounts.delegator, provers: [job.prover] });
  await advanceTo(epochEnd + 1n);
  const finalized = await finalizeEpoch(wallets.deployer, { contracts, epoch: epochId });
  await gasOf("finalizeEpoch", finalized.hash);
  const reward = await payReward(wallets.deployer, { contracts, epoch: epochId, prover: job.prover });
  await gasOf("payReward", reward.hash);
  const vesting = configFor("hardhat").staking.rewardVesting;
  await advanceTo(epochEnd + 2n + BigInt(vesting));
  const after = await getDelegatorPosition(wallets.delegator, { contracts, delegator: accounts.delegator, provers: [job.prover] });

  const who = job.prover === accounts["prover A"] ? "prover A" : "prover B";
  const fee = job.cycles * job.buyerPrice;
  const payout = job.cycles * job.sellerPrice;
  const payments: [string, string][] = [
    ["client", `${formatUnits(usdcIn, 6)} USDC in → ${formatEther(request.result.escrow)} LA escrow; fee ${formatEther(fee)} LA; refund ${formatEther(refundClient.result)} LA`],
    ["second client", `request reduced away by DARA (marginal bid): refund ${formatEther(refundSecond.result)} LA`],
    [who, `paid ${formatEther(payout)} LA for ${job.cycles} cycles at ${formatEther(job.sellerPrice)} LA/cycle`],
    ["treasury (timelock)", `clearing surplus ${formatEther(fee - payout)} LA`],
    [`${who}'s pool`, `epoch ${epochId} reward ${formatEther(reward.result)} LA minted (10% commission to the prover, the rest to delegators)`],
    ["delegator", `stake in ${who}'s pool ${formatEther(before.stakes[0].assets)} → ${formatEther(after.stakes[0].assets)} LA after vesting`],
  ];
  return {
    accounts,
    contracts,
    modelId,
    requestId,
    inferenceId: job.inferenceId,
    outputHash: inference.outputHash,
    proofBytes: (proved.proof.length - 2) / 2,
    copiedVerdict,
    gas,
    payments,
    nodeLines,
    winner: job.prover,
  };
}
