/**
 * The prover node against the in-process network: the network deployed by the deploy script's code (dev
 * config), a KeccakBoundVerifier model (the test verifier stands in for a generated one), two registered
 * provers with local keys, and a test backend whose proofs that verifier accepts.
 */
import { network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createWalletClient,
  custom,
  defineChain,
  encodeAbiParameters,
  hexToBytes,
  keccak256,
  parseEther,
  toHex,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deployContract, readContract, waitForTransactionReceipt } from "viem/actions";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";
import { registerModel, registerProver, requestProof, type NetworkAddresses } from "../../src/sdk";
import type { ProofBackend } from "../../src/node/backend";
import { ProverNode } from "../../src/node/node";
import { COMMITMENT_A } from "../registry/fixture";

const MNEMONIC = "test test test test test test test test test test test junk";
export const chain = defineChain({
  id: 31_337,
  name: "hardhat",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});
export const walletOf = (index: number) =>
  createWalletClient({
    account: mnemonicToAccount(MNEMONIC, { addressIndex: index }),
    chain,
    transport: custom(network.provider as unknown as EIP1193Provider, { retryCount: 0 }),
    pollingInterval: 50,
  });

export const LA = 10n ** 18n;
export const MODEL_ID = 1n;

/** The test backend: output = keccak256(input); proof = what KeccakBoundVerifier accepts from `prover`. */
export const keccakBackend = (calls: { count: number } = { count: 0 }): ProofBackend => ({
  async prove({ input, prover }) {
    calls.count++;
    const output = hexToBytes(keccak256(input));
    const proof = keccak256(encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "address" }], [toHex(input), toHex(output), prover]));
    return { output, proof: hexToBytes(proof) };
  },
});

/** Input bytes of the `i`-th test request. */
export const inputOf = (i: number): Hex => toHex(`input #${i}`);

export interface NodeFixture {
  contracts: NetworkAddresses;
  deployer: ReturnType<typeof walletOf>;
  provers: ReturnType<typeof walletOf>[];
  clients: ReturnType<typeof walletOf>[];
  timing: { batchLength: number; revealLength: number; settleWindow: number; minProvingTime: number };
  genesis: bigint;
}

/** Deploys the network and the test model; registers two provers (20,000 LA self-stake each). */
export async function nodeFixture(): Promise<NodeFixture> {
  const deployer = walletOf(0);
  const config = configFor("hardhat");
  const { addresses: contracts } = await deployNetwork(deployer, config);
  const artifact = JSON.parse(readFileSync(join(__dirname, "..", "..", "artifacts", "contracts", "test", "KeccakBoundVerifier.sol", "KeccakBoundVerifier.json"), "utf8"));
  const hash = await deployContract(deployer, { abi: artifact.abi, bytecode: artifact.bytecode, args: [COMMITMENT_A] });
  const verifier = (await waitForTransactionReceipt(deployer, { hash })).contractAddress!;
  await registerModel(deployer, { contracts, commitment: COMMITMENT_A as Hex, verifier, metadataURI: "test model" });
  const provers = [walletOf(1), walletOf(2)];
  const clients = [walletOf(3), walletOf(4)];
  const { laTokenAbi } = await import("../../src/sdk/abis");
  for (const user of [...provers, ...clients]) {
    const tx = await deployer.writeContract({ address: contracts.token, abi: laTokenAbi, functionName: "transfer", args: [user.account.address, 100_000n * LA] });
    await waitForTransactionReceipt(deployer, { hash: tx });
  }
  for (const p of provers) await registerProver(p, { contracts, metadataURI: "node", commissionBps: 1_000, selfStake: parseEther("20000") });
  const { proofMarketAbi } = await import("../../src/sdk/abis");
  const genesis = await readContract(deployer, { address: contracts.market!, abi: proofMarketAbi, functionName: "GENESIS" });
  return { contracts, deployer, provers, clients, timing: config.proofMarket, genesis };
}

/** End of batch `batch`'s request window (= start of its reveal phase). */
export const batchEnd = (fx: NodeFixture, batch: bigint) => fx.genesis + (batch + 1n) * BigInt(fx.timing.batchLength);

/** Requests `count` proofs in the current batch (1,000 cycles each, falling prices), inputs published. */
export async function requestProofs(fx: NodeFixture, count: number, first = 0): Promise<bigint[]> {
  const timestamp = BigInt(await time.latest());
  const batch = (timestamp - fx.genesis) / BigInt(fx.timing.batchLength);
  const deadline = batchEnd(fx, batch) + BigInt(fx.timing.revealLength + fx.timing.settleWindow + fx.timing.minProvingTime) + 3_600n;
  const ids: bigint[] = [];
  for (let i = first; i < first + count; i++) {
    const { result } = await requestProof(fx.clients[i % 2], {
      contracts: fx.contracts,
      modelId: MODEL_ID,
      input: inputOf(i),
      cycles: 1_000n,
      maxPricePerCycle: (20n - BigInt(i)) * 10n ** 12n,
      deadline,
      payment: { token: "LA" },
    });
    ids.push(result.requestId);
  }
  return ids;
}

/** A fresh state file path. */
export const stateFile = () => join(mkdtempSync(join(tmpdir(), "deepprove-node-")), "state.json");

/** Starts a node for prover `index` (0 or 1) of the fixture. */
export function startNode(
  fx: NodeFixture,
  index: number,
  options: { stateFile: string; price: bigint; capacity: bigint; failpoint?: (point: string) => void; calls?: { count: number }; lines?: string[] }
) {
  return ProverNode.start({
    client: fx.provers[index],
    contracts: fx.contracts,
    backend: keccakBackend(options.calls),
    config: { pricePerCycle: options.price, capacity: options.capacity, models: new Map([[MODEL_ID, { setup: "", minCycles: 1n }]]), settle: true },
    stateFile: options.stateFile,
    log: (line) => options.lines?.push(line),
    failpoint: options.failpoint,
  });
}

/** Moves the chain's clock to `t` (mining a block). */
export const timeTo = async (t: bigint) => time.increaseTo(t);
