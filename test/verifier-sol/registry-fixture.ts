import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Address } from "viem";
import { registryCalldata } from "../../src/compiler/calldata";
import { compileVerifier, linkBytecode } from "../../src/compiler/compile-verifier";
import { generateVerifier, type GeneratedVerifier } from "../../src/compiler/verifier-gen";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { setupModel } from "../../src/prover/setup";
import { loadCorpusTrace } from "../prover/corpus-helpers";
import { graphSrs } from "../prover/graph-helpers";
import type { InferenceRegistry } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import type { ProofFileContents } from "../../src/artifacts/proof-file";

/** A corpus model set up, proved for the prover signer, its generated verifier deployed and registered. */
export interface RegisteredModel {
  readonly modelId: bigint;
  readonly file: ProofFileContents;
  readonly generated: GeneratedVerifier;
  readonly plan: ReturnType<typeof verifierPlan>;
}

/**
 * The in-process network's registry e2e fixture shared by the extension libraries' tests: signers, the interpreter
 * libraries and one InferenceRegistry, deployed once (call {@link RegistryFixture.deploy} in `before`).
 */
export class RegistryFixture {
  owner!: HardhatEthersSigner;
  prover!: HardhatEthersSigner;
  registry!: InferenceRegistry;
  private libraries!: Record<string, string>;

  async deploy(): Promise<void> {
    [this.owner, this.prover] = await ethers.getSigners();
    this.libraries = await deployInterpreter();
    this.registry = (await ethers.deployContract("InferenceRegistry")) as unknown as InferenceRegistry;
  }

  /**
   * Sets up and proves corpus model `name` for the prover, generates, compiles, links and deploys its verifier and
   * registers it; undefined when the corpus is not on this machine (the caller skips).
   */
  async register(name: string): Promise<RegisteredModel | undefined> {
    const corpus = loadCorpusTrace(name);
    if (!corpus) return undefined;
    const { model, trace } = corpus;
    const setup = setupModel(model, graphSrs());
    const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
    const address = this.prover.address as Address;
    const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: address });
    const plan = verifierPlan(vk, model);
    const contractName = `Verifier_${name}`;
    const generated = generateVerifier(plan, { contractName });
    const compiled = compileVerifier(generated.source, contractName);
    const bytecode = linkBytecode(compiled.bytecode, compiled.linkReferences, this.libraries as Record<string, Address>);
    const verifier = await new ethers.ContractFactory(compiled.abi as never, bytecode, this.owner).deploy();
    await verifier.waitForDeployment();
    await this.registry.registerModel(plan.digest, await verifier.getAddress(), `deepprove:${name}`, this.owner.address);
    const modelId = await this.registry.modelCount();
    return { modelId, plan, generated, file: { digest: plan.digest, prover: address, input: statement.input, output: statement.output, proof } };
  }

  /** Each wrong file reverts in the registry and records nothing. */
  async expectRejected(modelId: bigint, wrong: readonly ProofFileContents[]): Promise<void> {
    const before = await this.registry.inferenceCount();
    const to = await this.registry.getAddress();
    for (const file of wrong) await expect(this.prover.sendTransaction({ to, data: registryCalldata(modelId, file) })).to.be.reverted;
    expect(await this.registry.inferenceCount()).to.equal(before);
  }

  /** The honest file is recorded as one verified inference; returns the transaction's gasUsed (printed). */
  async expectRecorded(name: string, m: RegisteredModel): Promise<bigint> {
    const before = await this.registry.inferenceCount();
    const to = await this.registry.getAddress();
    const receipt = await (await this.prover.sendTransaction({ to, data: registryCalldata(m.modelId, m.file) })).wait();
    expect(receipt!.status).to.equal(1);
    expect(await this.registry.inferenceCount()).to.equal(before + 1n);
    expect(await this.registry.isVerified(m.modelId, ethers.keccak256(m.file.input), ethers.keccak256(m.file.output))).to.equal(true);
    const { proof } = m.file;
    console.log(`      ${name}: registry.verifyInference gasUsed ${receipt!.gasUsed}; proof ${proof.length} bytes; program ${m.generated.program.length} bytes; estimate ${m.generated.estimate.total}`);
    return receipt!.gasUsed;
  }
}

/** The proof with one bit of a word near its end flipped. */
export function flippedProof(proof: Uint8Array): Uint8Array {
  const bad = proof.slice();
  bad[proof.length - 40] ^= 1;
  return bad;
}
