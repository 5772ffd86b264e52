/**
 * The main job on the embedded in-process Hardhat network (Osaka rules, EIP-7825 gas cap): `npm run demo`.
 *
 * End to end, with real cryptography and real contracts:
 *   1. front end: import `examples/mlp` (ONNX), quantize to 12 bits, run it with integers, compare with
 *      onnxruntime;
 *   2. setup: quantize and commit the model once (`deepprove setup`: a setup directory with its keys; INSECURE
 *      development SRS — the demo says so);
 *   3. proof market (scripts/lib/demo-market.ts): deploy every contract and the model's generated verifier,
 *      register the model; a client requests a proof paying in mock USDC; two in-process prover nodes
 *      (src/node) bid through DARA; the winner proves the inference with the whole-model prover and the registry
 *      verifies it on-chain; the prover is paid in LA; an emission epoch pays the prover and its delegator;
 *   4. a summary: who paid what, gas per step, the inference id, and a copied proof rejected.
 */
import hre from "hardhat";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EIP1193Provider } from "viem";
import { createSetupDir, loadSetupDir } from "../src/artifacts/setup-dir";
import { importOnnx, quantizeInputs, readInputs, runAndCompare, DEFAULT_BITS } from "../src/model";
import { INSECURE_SRS_WARNING } from "../src/cli/commands/setup";
import { runMarketDemo } from "./lib/demo-market";
import { provedModel } from "./lib/demo-proved";

const MODEL_DIR = join(__dirname, "..", "examples", "mlp");

function section(title: string): void {
  console.log(`\n== ${title}`);
}

async function main(): Promise<void> {
  console.log(`network: ${hre.network.name} (hardfork ${(hre.network.config as { hardfork?: string }).hardfork})`);

  section("1. front end: ONNX import, 12-bit quantization, integer run vs onnxruntime");
  const modelPath = join(MODEL_DIR, "network.onnx");
  const inputPath = join(MODEL_DIR, "input.json");
  const graph = importOnnx(modelPath);
  const report = await runAndCompare(modelPath, graph, readInputs(inputPath, graph), DEFAULT_BITS);
  console.log(`model ${modelPath}: ${graph.nodes.map((n) => n.op).join(" -> ")}`);
  console.log(`cosine ${report.cosine.toFixed(6)}, max abs error ${report.max_abs_error.toExponential(3)}, argmax agrees: ${report.argmax_agree}`);

  section("2. setup: quantize and commit the model once (HyperKZG over BN254)");
  console.log(INSECURE_SRS_WARNING);
  const setupDir = join(mkdtempSync(join(tmpdir(), "deepprove-demo-setup-")), "mlp");
  createSetupDir({ model: modelPath, calibration: inputPath, out: setupDir, bits: DEFAULT_BITS });
  const setup = loadSetupDir(setupDir);
  console.log(`setup directory ${setupDir}: model digest ${setup.vk.digest}, ${setup.manifest.bits} bits, SRS ${setup.manifest.srs.origin}`);

  section("3. proof market: request in USDC, two prover nodes bid through DARA, prove, verify on-chain, pay, emit");
  const model = provedModel(setupDir, setup, quantizeInputs(setup.model, readInputs(inputPath, setup.graph)));
  console.log(`proof: ${model.label}`);
  const summary = await runMarketDemo(hre.network.provider as unknown as EIP1193Provider, model, (line) => console.log(line));
  for (const line of summary.nodeLines) console.log(line);

  section("4. summary");
  console.log(`inference id ${summary.inferenceId} (model ${summary.modelId}, request ${summary.requestId}), proved by ${summary.winner}`);
  console.log(`output hash ${summary.outputHash}; proof ${summary.proofBytes} bytes of calldata`);
  console.log(`the same proof sent from the other prover's address: ${summary.copiedVerdict}`);
  for (const [who, what] of summary.payments) console.log(`${who.padEnd(20)} ${what}`);
  console.log("gas per step:");
  for (const [step, gasUsed] of summary.gas) console.log(`  ${step.padEnd(34)} ${gasUsed.toLocaleString("en-US")}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
