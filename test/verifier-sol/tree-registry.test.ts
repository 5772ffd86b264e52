import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Address } from "viem";
import { registryCalldata } from "../../src/compiler/calldata";
import { compileVerifier, linkBytecode } from "../../src/compiler/compile-verifier";
import { generateVerifier } from "../../src/compiler/verifier-gen";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { setupModel } from "../../src/prover/setup";
import { loadCorpusTrace } from "../prover/corpus-helpers";
import { graphSrs } from "../prover/graph-helpers";
import type { InferenceRegistry } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";

/**
 * The two smallest tree models end to end on the in-process network (Osaka, EIP-7825 cap): `linear_svc` (a class
 * lookup at a runtime index) and `decision_tree` (integer MatMuls, Equal, runtime gathers): set up, prove for the
 * sender, generate the verifier (`generateVerifier` no longer refuses the tree kinds), compile, link to the
 * interpreter libraries (ModelVerifierTree among them), register in the InferenceRegistry, verify the inference
 * there and query it; a proof with one word flipped reverts and records nothing; the generator's estimate stays
 * within 0.85–1.3× of the registry transaction's gasUsed (both printed: the figures docs/verifier-gen.md quotes). The other tree models are
 * measured by `scripts/gas-table.ts --only <names>` (docs/verifier-gen.md, "ModelVerifierTree").
 */
describe("e2e: tree models through the InferenceRegistry", function () {
  this.timeout(600_000);
  let libraries: Record<string, string>;
  let registry: InferenceRegistry;
  let owner: HardhatEthersSigner;
  let prover: HardhatEthersSigner;

  before(async () => {
    [owner, prover] = await ethers.getSigners();
    libraries = await deployInterpreter();
    registry = (await ethers.deployContract("InferenceRegistry")) as unknown as InferenceRegistry;
  });

  for (const name of ["linear_svc", "decision_tree"]) {
    it(`${name}: the registry records a verified inference; a flipped proof word changes nothing`, async function () {
      const corpus = loadCorpusTrace(name);
      if (!corpus) return this.skip();
      const { model, trace } = corpus;
      const setup = setupModel(model, graphSrs());
      const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
      const address = prover.address as Address;
      const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: address });
      const plan = verifierPlan(vk, model);
      const contractName = `Verifier_${name}`;
      const generated = generateVerifier(plan, { contractName });
      const compiled = compileVerifier(generated.source, contractName);
      const factory = new ethers.ContractFactory(compiled.abi as never, linkBytecode(compiled.bytecode, compiled.linkReferences, libraries as Record<string, Address>), owner);
      const verifier = await factory.deploy();
      await verifier.waitForDeployment();
      await registry.registerModel(plan.digest, await verifier.getAddress(), `deepprove:${name}`, owner.address);
      const modelId = await registry.modelCount();
      const file = { digest: plan.digest, prover: address, input: statement.input, output: statement.output, proof };
      const target = await registry.getAddress();

      const before = await registry.inferenceCount();
      const bad = proof.slice();
      bad[proof.length - 40] ^= 1;
      await expect(prover.sendTransaction({ to: target, data: registryCalldata(modelId, { ...file, proof: bad }) })).to.be.reverted;
      expect(await registry.inferenceCount()).to.equal(before);

      const receipt = await (await prover.sendTransaction({ to: target, data: registryCalldata(modelId, file) })).wait();
      expect(receipt!.status).to.equal(1);
      expect(await registry.inferenceCount()).to.equal(before + 1n);
      expect(await registry.isVerified(modelId, ethers.keccak256(statement.input), ethers.keccak256(statement.output))).to.equal(true);
      console.log(`      ${name}: registry.verifyInference gasUsed ${receipt!.gasUsed}; proof ${proof.length} bytes; program ${generated.program.length} bytes; estimate ${generated.estimate.total}`);
      // The generator's estimate (src/compiler/tree-estimate.ts for the tree steps) stays close to the receipt.
      const ratio = generated.estimate.total / Number(receipt!.gasUsed);
      expect(ratio, "estimate / gasUsed").to.be.within(0.85, 1.3);
    });
  }
});
