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
import { builtModel, graphSrs } from "../prover/graph-helpers";
import type { InferenceRegistry, ModelVerifierLlm, RevertNamesHarness } from "../../typechain-types";
import { argmaxGraph } from "./attention-graphs";
import { deployRevertNames, errorNamesBySelector, flipWord, nodeWords, wordsReaching } from "./revert-names";

/**
 * The registry path of a tampered proof, asserted by name: an ArgMax model's generated verifier is deployed,
 * linked to the interpreter libraries and registered; `verifyInference` with a proof word flipped that the step's
 * check rejects reverts with ArgmaxCheckFailed — the verifier's own custom error, bubbled up unchanged by
 * InferenceRegistry — and the registry records nothing (inference count, the statement's verified flag). The
 * honest proof is then recorded.
 */
describe("verifier (Solidity): a tampered proof through the InferenceRegistry reverts by name and changes nothing", function () {
  this.timeout(300_000);
  let harness: RevertNamesHarness;
  let libraries: Record<string, string>;
  let llm: ModelVerifierLlm;
  let registry: InferenceRegistry;
  let owner: HardhatEthersSigner;
  let prover: HardhatEthersSigner;

  before(async () => {
    [owner, prover] = await ethers.getSigners();
    ({ harness, libraries } = await deployRevertNames());
    llm = (await ethers.getContractAt("ModelVerifierLlm", libraries.ModelVerifierLlm)) as unknown as ModelVerifierLlm;
    registry = (await ethers.deployContract("InferenceRegistry")) as unknown as InferenceRegistry;
  });

  it("ArgmaxCheckFailed: x → ArgMax registered; the flipped proof reverts by name, nothing recorded; the honest one is", async () => {
    const { model, trace } = builtModel(argmaxGraph(3, 12));
    const setup = setupModel(model, graphSrs());
    const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
    const address = prover.address as Address;
    const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: address });
    const plan = verifierPlan(vk, model);
    const generated = generateVerifier(plan, { contractName: "Verifier_revert_names_argmax" });
    const compiled = compileVerifier(generated.source, "Verifier_revert_names_argmax");
    const factory = new ethers.ContractFactory(compiled.abi as never, linkBytecode(compiled.bytecode, compiled.linkReferences, libraries as Record<string, Address>), owner);
    const verifier = await factory.deploy();
    await verifier.waitForDeployment();
    await registry.registerModel(plan.digest, await verifier.getAddress(), "deepprove:revert-names-argmax", owner.address);
    const modelId = await registry.modelCount();

    // The word: one of the ArgMax step's whose flip the interpreter rejects with the step's check.
    const names = await errorNamesBySelector();
    const range = nodeWords(plan, statement, proof, ["select"]);
    const found = await wordsReaching(harness, names, generated.program, statement, proof, ["ArgmaxCheckFailed"], range);
    const word = found.get("ArgmaxCheckFailed");
    expect(word, "a proof word whose flip is rejected with ArgmaxCheckFailed").to.not.equal(undefined);

    const file = { digest: plan.digest, prover: address, input: statement.input, output: statement.output, proof };
    const target = await registry.getAddress();
    const countBefore = await registry.inferenceCount();
    const [inputHash, outputHash] = [ethers.keccak256(statement.input), ethers.keccak256(statement.output)];
    const bad = registryCalldata(modelId, { ...file, proof: flipWord(proof, word!) });
    await expect(prover.sendTransaction({ to: target, data: bad })).to.be.revertedWithCustomError(llm, "ArgmaxCheckFailed");
    expect(await registry.inferenceCount()).to.equal(countBefore);
    expect(await registry.isVerified(modelId, inputHash, outputHash)).to.equal(false);

    await expect(prover.sendTransaction({ to: target, data: registryCalldata(modelId, file) })).not.to.be.reverted;
    expect(await registry.inferenceCount()).to.equal(countBefore + 1n);
    expect(await registry.isVerified(modelId, inputHash, outputHash)).to.equal(true);
  });
});
