/**
 * The main job on the embedded in-process Hardhat network (Osaka rules, EIP-7825 gas cap): `npm run demo`.
 *
 * Runs the most complete flow the toolkit has today, end to end, with real cryptography and real contracts:
 *   1. front end: import `examples/mlp` (ONNX), quantize to 12 bits, run it with integers, compare with
 *      onnxruntime;
 *   2. commitment: commit the quantized weights with HyperKZG (INSECURE dev SRS — the demo says so);
 *   3. opening: open the weight polynomial at a Fiat–Shamir point bound to the statement (commitment, input,
 *      output, prover address), verify it in TypeScript and on-chain with the Solidity HyperKZG verifier;
 *   4. network: deploy LA token, staking, emission controller, timelock and governor; register a prover with
 *      self-stake and delegate to it from a second account.
 * The inference proof itself (layer sum-checks + lookups) is the next capability; see README "Status".
 */
import hre from "hardhat";
import { join } from "node:path";
import { createWalletClient, custom, formatEther, getAddress, parseEther, type Address, type EIP1193Provider } from "viem";
import * as Fr from "../src/field/fr";
import { importOnnx, readInputs, runAndCompare, DEFAULT_BITS } from "../src/model";
import { HyperKZG } from "../src/pcs/hyperkzg";
import { insecureDevSrs } from "../src/pcs/srs";
import { Transcript } from "../src/transcript";
import {
  g1Words,
  hyperKzgInverseHint,
  hyperKzgProofWords,
  hyperKzgVerifierKeyWords,
} from "../src/compiler/hyperkzg-calldata";
import { delegate, getProverPool, registerProver } from "../src/sdk";
import { deployNetwork } from "./lib/deploy-network";
import { configFor } from "./lib/network-config";

const MODEL_DIR = join(__dirname, "..", "examples", "mlp");
const DOMAIN = "deepprove-evm/demo/v1";

function section(title: string): void {
  console.log(`\n== ${title}`);
}

async function main(): Promise<void> {
  const provider = hre.network.provider as unknown as EIP1193Provider;
  const accounts = ((await provider.request({ method: "eth_accounts" })) as Address[]).map((a) => getAddress(a));
  const [deployer, prover, delegator] = accounts;
  console.log(`network: ${hre.network.name} (hardfork ${(hre.network.config as { hardfork?: string }).hardfork})`);

  section("1. front end: ONNX import, 12-bit quantization, integer run vs onnxruntime");
  const modelPath = join(MODEL_DIR, "network.onnx");
  const graph = importOnnx(modelPath);
  const inputs = readInputs(join(MODEL_DIR, "input.json"), graph);
  const report = await runAndCompare(modelPath, graph, inputs, DEFAULT_BITS);
  const output = report.trace.outputs[0].tensor.data;
  console.log(`model ${modelPath}: ${graph.nodes.map((n) => n.op).join(" -> ")}`);
  console.log(`cosine ${report.cosine.toFixed(6)}, max abs error ${report.max_abs_error.toExponential(3)}, argmax agrees: ${report.argmax_agree}`);

  section("2. model commitment (HyperKZG over BN254)");
  const weights: bigint[] = [];
  for (const { tensor } of report.model.weights.values()) for (const v of tensor.data) weights.push(Fr.fromSigned(v));
  const srs = insecureDevSrs(1 << Math.ceil(Math.log2(weights.length)));
  console.log(`SRS: ${srs.origin} — for demos and tests only, never for a deployment that matters`);
  const commitment = HyperKZG.commit(srs, weights);
  console.log(`${weights.length} quantized weights committed: C = (${g1Words(commitment).map((w) => `0x${w.toString(16).slice(0, 12)}…`).join(", ")})`);

  section("3. opening bound to the statement, verified in TypeScript and on-chain");
  const statement = new Transcript(DOMAIN);
  statement.absorbPoint("statement.model", commitment);
  statement.absorbScalars("statement.input", [...report.trace.inputs[0].data].map(Fr.fromSigned));
  statement.absorbScalars("statement.output", [...output].map(Fr.fromSigned));
  statement.absorbUints("statement.prover", [BigInt(prover)]);
  const numVars = Math.ceil(Math.log2(weights.length));
  const point = statement.challengeScalars("statement.point", numVars);
  const { value, proof } = HyperKZG.open({ srs, evals: weights, point, transcript: new Transcript(DOMAIN), commitment });
  const vk = HyperKZG.verifierKey(srs);
  const t0 = performance.now();
  const tsValid = HyperKZG.verify({ vk, commitment, point, value, proof, transcript: new Transcript(DOMAIN) });
  console.log(`TypeScript verifier: ${tsValid} (${(performance.now() - t0).toFixed(1)} ms)`);
  const verifier = await hre.ethers.deployContract("VerifierHarness");
  const args = [
    hre.ethers.encodeBytes32String(DOMAIN),
    g1Words(commitment),
    point,
    value,
    hyperKzgProofWords(proof),
    hyperKzgInverseHint(new Transcript(DOMAIN), commitment, point, value, proof),
    hyperKzgVerifierKeyWords(vk),
  ] as const;
  await verifier.hyperkzgVerify(...args);
  const gas = await verifier.hyperkzgVerify.estimateGas(...args);
  console.log(`Solidity verifier: accepted; transaction gas ${gas} for ${numVars} variables (${hyperKzgProofWords(proof).length * 32} proof bytes)`);
  const tampered = [...args] as unknown as typeof args;
  (tampered as unknown as unknown[])[3] = Fr.add(value, 1n);
  const rejected = await verifier.hyperkzgVerify(...tampered).then(() => false, () => true);
  console.log(`a wrong claimed value is rejected on-chain: ${rejected}`);
  if (!tsValid || !rejected) throw new Error("demo: verification disagreed");

  section("4. network: LA token, staking, emission, governance");
  const chain = { id: Number(await provider.request({ method: "eth_chainId" })), name: hre.network.name, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [] } } };
  const wallet = (account: Address) => createWalletClient({ account, chain, transport: custom(provider) });
  const { addresses } = await deployNetwork(wallet(deployer), configFor(hre.network.name, { initialHolder: deployer }));
  for (const [name, address] of Object.entries(addresses)) console.log(`${name.padEnd(18)} ${address}`);
  const token = await hre.ethers.getContractAt("LAToken", addresses.token);
  await (await token.transfer(prover, parseEther("50000"))).wait();
  await (await token.transfer(delegator, parseEther("20000"))).wait();
  const contracts = { token: addresses.token, staking: addresses.staking };
  await registerProver(wallet(prover), { contracts, metadataURI: "https://prover.example/deepprove", commissionBps: 1_000, selfStake: parseEther("20000") });
  await delegate(wallet(delegator), { contracts, prover, amount: parseEther("5000") });
  const pool = await getProverPool(wallet(delegator), { contracts, prover });
  console.log(`prover ${prover}: active ${pool.active}, stake ${formatEther(pool.activeStake)} LA (self ${formatEther(pool.selfStake)}), commission ${pool.commissionBps / 100}%`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
