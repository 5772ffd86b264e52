import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { calldataCost, registryCalldata } from "../../src/compiler/calldata";
import { generateVerifier, VERIFIER_CODE_OVERHEAD } from "../../src/compiler/verifier-gen";
import { proveInference, verifierPlan, verifyInference } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { setupModel } from "../../src/prover/setup";
import { loadCorpusTrace } from "../prover/corpus-helpers";
import { graphSrs } from "../prover/graph-helpers";
import { deployInterpreter } from "../verifier-sol/interpreter";
import type { InferenceRegistry } from "../../typechain-types";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string, options?: { import(path: string): { contents?: string; error?: string } }): string };

const CONTRACTS = join(__dirname, "..", "..", "contracts");

/** Compiles a generated verifier (saved as contracts/generated/<name>.sol) with the project's solc settings. */
function compileGenerated(name: string, source: string): { abi: unknown[]; bytecode: string; linkRefs: Record<string, Record<string, { start: number; length: number }[]>> } {
  const file = `contracts/generated/${name}.sol`;
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: { evmVersion: "osaka", optimizer: { enabled: true, runs: 200 }, outputSelection: { [file]: { [name]: ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences"] } } },
  };
  const out = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (path) => {
        try {
          return { contents: readFileSync(join(CONTRACTS, "..", path), "utf8") };
        } catch {
          return { error: `not found: ${path}` };
        }
      },
    }),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> } } }>> };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts[file][name];
  return { abi: c.abi, bytecode: c.evm.bytecode.object, linkRefs: c.evm.bytecode.linkReferences };
}

/** Replaces every library placeholder of `bytecode` by the library's address. */
function link(bytecode: string, refs: Record<string, Record<string, { start: number; length: number }[]>>, addresses: Record<string, string>): string {
  let code = bytecode;
  for (const [, libs] of Object.entries(refs)) {
    for (const [lib, places] of Object.entries(libs)) {
      const address = addresses[lib].toLowerCase().replace(/^0x/, "");
      for (const { start, length } of places) code = code.slice(0, 2 * start) + address + code.slice(2 * (start + length));
    }
  }
  return code;
}

/**
 * End to end on the in-process network (Osaka, EIP-7825 cap): set up a corpus model, prove one inference for the
 * sender's address, generate its verifier with `generateVerifier`, compile and deploy it (ModelVerifier and
 * the other interpreter libraries linked), register it in the InferenceRegistry, verify the inference there and query it; a
 * rejected proof, and a packed input of the wrong length (`StatementLength`), revert and change nothing. Reports
 * gas (receipt gasUsed: intrinsic, data and EIP-7623 floor included), calldata and bytecode sizes.
 */
describe("e2e: setup → prove → calldata → generated verifier → InferenceRegistry", function () {
  let libraries: Record<string, string>;
  let registry: InferenceRegistry;
  let owner: HardhatEthersSigner;
  let prover: HardhatEthersSigner;

  before(async () => {
    [owner, prover] = await ethers.getSigners();
    libraries = await deployInterpreter();
    registry = (await ethers.deployContract("InferenceRegistry")) as unknown as InferenceRegistry;
  });

  // 1l_gelu_tanh_appx: its input carries 5 claims, merged before the one evaluation (src/prover/graph/public-claims.ts).
  for (const name of ["2l_relu_fc", "3l_relu_conv_fc", "1l_max_pool", "1l_softmax", "1l_gelu_tanh_appx"]) {
    it(`${name}: the registry records a verified inference; a rejected proof changes nothing`, async function () {
      const corpus = loadCorpusTrace(name);
      if (!corpus) this.skip();
      const { model, trace } = corpus!;
      const setup = setupModel(model, graphSrs());
      const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
      const address = prover.address as `0x${string}`;
      const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: address });
      verifyInference({ vk, model, statement, proof });

      const plan = verifierPlan(vk, model);
      const contractName = `Verifier_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
      const generated = generateVerifier(plan, { contractName, contractsImport: ".." });
      const compiled = compileGenerated(contractName, generated.source);
      const factory = new ethers.ContractFactory(compiled.abi as never, link(compiled.bytecode, compiled.linkRefs, libraries), owner);
      const verifier = await factory.deploy();
      await verifier.waitForDeployment();
      const verifierAddress = await verifier.getAddress();
      const code = await ethers.provider.getCode(verifierAddress);
      const codeBytes = (code.length - 2) / 2;
      expect(codeBytes).to.be.at.most(generated.program.length + VERIFIER_CODE_OVERHEAD);

      await registry.registerModel(plan.digest, verifierAddress, `deepprove:${name}`, owner.address);
      const modelId = await registry.modelCount();

      const file = { digest: plan.digest, prover: address, input: statement.input, output: statement.output, proof };
      const data = registryCalldata(modelId, file);
      const target = await registry.getAddress();

      // A rejected proof (one word flipped) reverts with the verifier's error and changes nothing.
      const before = await registry.inferenceCount();
      const bad = proof.slice();
      bad[proof.length - 40] ^= 1;
      await expect(prover.sendTransaction({ to: target, data: registryCalldata(modelId, { ...file, proof: bad }) })).to.be.reverted;
      expect(await registry.inferenceCount()).to.equal(before);
      // Statement bytes of the wrong length (a packed input one byte short, one byte long) revert with the
      // interpreter's named error, bubbled up by the registry, and change nothing.
      const interpreter = await ethers.getContractAt("ModelVerifier", libraries.ModelVerifier);
      const n = statement.input.length;
      for (const input of [statement.input.slice(0, n - 1), Uint8Array.from([...statement.input, 0])]) {
        await expect(prover.sendTransaction({ to: target, data: registryCalldata(modelId, { ...file, input }) }))
          .to.be.revertedWithCustomError(interpreter, "StatementLength")
          .withArgs(0, input.length, n);
      }
      expect(await registry.inferenceCount()).to.equal(before);
      // Bound to the prover: another sender is refused.
      await expect(owner.sendTransaction({ to: target, data })).to.be.reverted;
      expect(await registry.inferenceCount()).to.equal(before);

      const tx = await prover.sendTransaction({ to: target, data });
      const receipt = await tx.wait();
      expect(receipt!.status).to.equal(1);
      const id = await registry.inferenceCount();
      expect(id).to.equal(before + 1n);
      const stored = await registry.getInference(id);
      expect(stored.prover).to.equal(prover.address);
      expect(await registry.isVerified(modelId, ethers.keccak256(statement.input), ethers.keccak256(statement.output))).to.equal(true);

      const cost = calldataCost(Buffer.from(data.slice(2), "hex"));
      const view = await (verifier as unknown as { verifyInference: { estimateGas(...a: unknown[]): Promise<bigint> } }).verifyInference.estimateGas(
        statement.input,
        statement.output,
        address,
        proof,
      );
      console.log(
        `      ${name}: registry.verifyInference gasUsed ${receipt!.gasUsed} (verifier alone ${view}); calldata ${cost.bytes} bytes ` +
          `(proof ${proof.length}); EIP-7623 floor ${cost.floorGas}; verifier bytecode ${codeBytes} bytes (program ${generated.program.length}); ` +
          `estimate ${generated.estimate.total}`,
      );
      // The generator's refusal rests on the estimate: it must track the real cost.
      const ratio = generated.estimate.total / Number(receipt!.gasUsed);
      expect(ratio, "estimate / gasUsed").to.be.within(0.85, 1.3);
    });
  }
});
