/**
 * One corpus model end to end through the InferenceRegistry on Hardhat's in-process network (Osaka: every
 * transaction capped at EIP-7825's 16,777,216 gas): setup (or the setup directory cached in DIR/setup), the
 * TypeScript proof for the sender's address and its TypeScript verification, the generated verifier compiled
 * with the project's solc and linked to the interpreter libraries (from Hardhat's artifacts: run
 * `npx hardhat compile` first), `registerModel`, then ONE `InferenceRegistry.verifyInference` transaction. Prints
 * one JSON line: the receipt's gasUsed, whether the registry records the inference as verified, the generator's
 * estimate, proof / calldata / program sizes, the calldata's EIP-7623 standard and floor gas, prove time.
 * The heavy models (`self_attention`: a 5-minute proof) are why this is a script and not a test.
 *
 *   REGISTRY_GAS_MODEL=<corpus name> [REGISTRY_GAS_DIR=<dir>] npx hardhat run --no-compile scripts/registry-gas.ts
 */
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { createSetupDir, loadSetupDir, loadSetupSrs } from "../src/artifacts/setup-dir";
import { proveWithSetup, readSetupInputs, verifyWithSetup } from "../src/artifacts/inference";
import { generateVerifier } from "../src/compiler/verifier-gen";
import { compileVerifier, linkBytecode } from "../src/compiler/compile-verifier";
import { calldataCost, registryCalldata } from "../src/compiler/calldata";
import { verifierPlan } from "../src/prover/graph";
import { deployInterpreter } from "../test/verifier-sol/interpreter";
import type { InferenceRegistry } from "../typechain-types";

async function main(): Promise<void> {
  const name = process.env.REGISTRY_GAS_MODEL;
  if (!name) throw new Error("set REGISTRY_GAS_MODEL to a corpus model name (../shared/models/<name>)");
  const dir = process.env.REGISTRY_GAS_DIR ?? join(tmpdir(), `deepprove-registry-gas-${name}`);
  const corpus = join(__dirname, "..", "..", "shared", "models", name);
  const setupDir = join(dir, "setup");
  if (!existsSync(join(corpus, "network.onnx"))) throw new Error(`${corpus}: no network.onnx`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(setupDir, "setup.json"))) createSetupDir({ model: join(corpus, "network.onnx"), calibration: join(corpus, "input.json"), out: setupDir, force: true });
  const setup = loadSetupDir(setupDir, { provingKey: true });
  const [owner, prover] = await ethers.getSigners();
  const address = prover.address as `0x${string}`;
  const t0 = Date.now();
  const proved = proveWithSetup(setup, loadSetupSrs(setup), readSetupInputs(setup, join(corpus, "input.json")), address);
  const proveS = (Date.now() - t0) / 1000;
  const file = { ...proved.statement, proof: proved.proof };
  const verdict = verifyWithSetup(setup, file);
  if (!verdict.valid) throw new Error(`TypeScript verifier rejected: ${verdict.reason}`);

  const libraries = await deployInterpreter();
  const registry = (await ethers.deployContract("InferenceRegistry")) as unknown as InferenceRegistry;
  const plan = verifierPlan(setup.vk, setup.model);
  const generated = generateVerifier(plan);
  const compiled = compileVerifier(generated.source, generated.contractName);
  const factory = new ethers.ContractFactory(compiled.abi as never, linkBytecode(compiled.bytecode, compiled.linkReferences, libraries as Record<string, `0x${string}`>), owner);
  const verifier = await factory.deploy();
  await verifier.waitForDeployment();
  await registry.registerModel(plan.digest, await verifier.getAddress(), `deepprove:${name}`, owner.address);
  const modelId = await registry.modelCount();
  const data = registryCalldata(modelId, file);
  const tx = await prover.sendTransaction({ to: await registry.getAddress(), data });
  const receipt = await tx.wait();
  const cost = calldataCost(Buffer.from(data.slice(2), "hex"));
  const verified = await registry.isVerified(modelId, ethers.keccak256(file.input), ethers.keccak256(file.output));
  console.log(
    JSON.stringify({
      model: name,
      status: receipt!.status,
      verified,
      registryGasUsed: Number(receipt!.gasUsed),
      estimate: generated.estimate.total,
      proofBytes: file.proof.length,
      calldataBytes: cost.bytes,
      calldataFloorGas: cost.floorGas,
      calldataStandardGas: cost.standardGas,
      programBytes: generated.program.length,
      proveSeconds: proveS,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
