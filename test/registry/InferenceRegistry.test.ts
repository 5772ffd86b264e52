/**
 * InferenceRegistry: registration, owner actions, verification and its records, every revert path (with the
 * state unchanged), proofs bound to the sender, reentrancy through a hostile verifier, and gas.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  COMMITMENT_A,
  COMMITMENT_B,
  boundProof,
  hashOf,
  registryFixture,
  registrySnapshot,
} from "./fixture";

const INPUT = "0x0102030405";
const OUTPUT = "0xaabbcc";
const bytes32 = (text: string) => ethers.encodeBytes32String(text);

describe("InferenceRegistry: models", () => {
  it("registers models under sequential ids with the verifier's commitment", async () => {
    const { registry, bound, reverting, owner } = await loadFixture(registryFixture);
    expect(await registry.modelCount()).to.equal(2n);
    const a = await registry.getModel(1n);
    expect(a.commitment).to.equal(COMMITMENT_A);
    expect(a.verifier).to.equal(await bound.getAddress());
    expect(a.owner).to.equal(owner.address);
    expect(a.deprecated).to.equal(false);
    expect(a.metadataURI).to.equal("ipfs://model-a");
    expect((await registry.getModel(2n)).verifier).to.equal(await reverting.getAddress());
  });

  it("emits ModelRegistered and lets anyone register for any owner; the same verifier may get a second id", async () => {
    const { registry, bound, other, prover } = await loadFixture(registryFixture);
    await expect(registry.connect(other).registerModel(COMMITMENT_A, await bound.getAddress(), "uri", prover.address))
      .to.emit(registry, "ModelRegistered")
      .withArgs(3n, COMMITMENT_A, await bound.getAddress(), prover.address, "uri");
    expect((await registry.getModel(3n)).owner).to.equal(prover.address);
  });

  it("rejects bad registrations with custom errors and changes nothing", async () => {
    const { registry, bound, owner } = await loadFixture(registryFixture);
    const before = await registrySnapshot(registry);
    const verifier = await bound.getAddress();
    await expect(registry.registerModel(ethers.ZeroHash, verifier, "", owner.address)).to.be.revertedWithCustomError(
      registry,
      "ZeroCommitment"
    );
    await expect(registry.registerModel(COMMITMENT_A, ethers.ZeroAddress, "", owner.address))
      .to.be.revertedWithCustomError(registry, "ZeroAddress")
      .withArgs(bytes32("verifier"));
    await expect(registry.registerModel(COMMITMENT_A, verifier, "", ethers.ZeroAddress))
      .to.be.revertedWithCustomError(registry, "ZeroAddress")
      .withArgs(bytes32("owner"));
    await expect(registry.registerModel(COMMITMENT_A, owner.address, "", owner.address))
      .to.be.revertedWithCustomError(registry, "VerifierHasNoCode")
      .withArgs(owner.address);
    await expect(registry.registerModel(COMMITMENT_B, verifier, "", owner.address))
      .to.be.revertedWithCustomError(registry, "CommitmentMismatch")
      .withArgs(COMMITMENT_B, COMMITMENT_A);
    expect(await registrySnapshot(registry)).to.equal(before);
  });

  it("lets only the owner edit metadata, transfer ownership and deprecate (once)", async () => {
    const { registry, owner, other } = await loadFixture(registryFixture);
    await expect(registry.setModelMetadata(1n, "ipfs://v2")).to.emit(registry, "ModelMetadataUpdated").withArgs(1n, "ipfs://v2");
    expect((await registry.getModel(1n)).metadataURI).to.equal("ipfs://v2");

    const before = await registrySnapshot(registry);
    for (const call of [
      () => registry.connect(other).setModelMetadata(1n, "x"),
      () => registry.connect(other).transferModelOwnership(1n, other.address),
      () => registry.connect(other).deprecateModel(1n),
    ]) {
      await expect(call()).to.be.revertedWithCustomError(registry, "NotModelOwner").withArgs(1n, other.address);
    }
    await expect(registry.transferModelOwnership(1n, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(registry, "ZeroAddress")
      .withArgs(bytes32("newOwner"));
    await expect(registry.setModelMetadata(9n, "x")).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(9n);
    expect(await registrySnapshot(registry)).to.equal(before);

    await expect(registry.transferModelOwnership(1n, other.address))
      .to.emit(registry, "ModelOwnershipTransferred")
      .withArgs(1n, owner.address, other.address);
    await expect(registry.setModelMetadata(1n, "y")).to.be.revertedWithCustomError(registry, "NotModelOwner");
    await expect(registry.connect(other).deprecateModel(1n)).to.emit(registry, "ModelDeprecated").withArgs(1n);
    expect((await registry.getModel(1n)).deprecated).to.equal(true);
    await expect(registry.connect(other).deprecateModel(1n))
      .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
      .withArgs(1n);
  });

  it("has no function that swaps a model's verifier or writes an inference record except verifyInference", async () => {
    const { registry } = await loadFixture(registryFixture);
    const writers = registry.interface.fragments
      .filter((f): f is typeof f & { stateMutability: string; name: string } => f.type === "function")
      .filter((f) => f.stateMutability !== "view" && f.stateMutability !== "pure")
      .map((f) => f.name)
      .sort();
    expect(writers).to.deep.equal([
      "deprecateModel",
      "registerModel",
      "setModelMetadata",
      "transferModelOwnership",
      "verifyInference",
    ]);
  });

  it("getModel reverts for an unknown id", async () => {
    const { registry } = await loadFixture(registryFixture);
    await expect(registry.getModel(0n)).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(0n);
    await expect(registry.getModel(3n)).to.be.revertedWithCustomError(registry, "UnknownModel").withArgs(3n);
  });
});

describe("InferenceRegistry: inferences", () => {
  it("verifies a proof bound to the sender, records it and emits InferenceVerified", async () => {
    const { registry, prover, boundModel } = await loadFixture(registryFixture);
    const proof = boundProof(INPUT, OUTPUT, prover.address);
    expect(await registry.checkInference(boundModel, INPUT, OUTPUT, prover.address, proof)).to.equal(true);
    const tx = registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, proof);
    await expect(tx)
      .to.emit(registry, "InferenceVerified")
      .withArgs(1n, boundModel, prover.address, hashOf(INPUT), hashOf(OUTPUT));
    const receipt = await (await tx).wait();
    const block = await ethers.provider.getBlock(receipt!.blockNumber);

    const record = await registry.getInference(1n);
    expect(record.modelId).to.equal(boundModel);
    expect(record.inputHash).to.equal(hashOf(INPUT));
    expect(record.outputHash).to.equal(hashOf(OUTPUT));
    expect(record.prover).to.equal(prover.address);
    expect(record.blockNumber).to.equal(BigInt(receipt!.blockNumber));
    expect(record.timestamp).to.equal(BigInt(block!.timestamp));
    expect(await registry.isVerified(boundModel, hashOf(INPUT), hashOf(OUTPUT))).to.equal(true);
    expect(await registry.firstInferenceOf(boundModel, hashOf(INPUT), hashOf(OUTPUT))).to.equal(1n);
    expect(await registry.isVerified(boundModel, hashOf(INPUT), hashOf("0xaabbcd"))).to.equal(false);
    expect(await registry.isVerified(2n, hashOf(INPUT), hashOf(OUTPUT))).to.equal(false);
  });

  it("a proof copied by another sender is rejected (front-running a fulfilment is worthless)", async () => {
    const { registry, prover, other, boundModel } = await loadFixture(registryFixture);
    const proof = boundProof(INPUT, OUTPUT, prover.address);
    const before = await registrySnapshot(registry);
    await expect(registry.connect(other).verifyInference(boundModel, INPUT, OUTPUT, proof))
      .to.be.revertedWithCustomError(registry, "ProofRejected")
      .withArgs(boundModel);
    await expect(registry.checkInference(boundModel, INPUT, OUTPUT, other.address, proof)).to.be.revertedWithCustomError(
      registry,
      "ProofRejected"
    );
    // A proof for another output or input is rejected as well.
    await expect(registry.connect(prover).verifyInference(boundModel, INPUT, "0xaabbcd", proof)).to.be.revertedWithCustomError(
      registry,
      "ProofRejected"
    );
    expect(await registrySnapshot(registry)).to.equal(before);
  });

  it("bubbles the verifier's custom error up unchanged and changes nothing", async () => {
    const { registry, bound, reverting, prover, boundModel, revertingModel } = await loadFixture(registryFixture);
    const before = await registrySnapshot(registry);
    const proof = "0xdeadbeef";
    await expect(registry.connect(prover).verifyInference(revertingModel, INPUT, OUTPUT, proof))
      .to.be.revertedWithCustomError(reverting, "SumcheckRoundMismatch")
      .withArgs(5n, ethers.keccak256(proof));
    await expect(registry.checkInference(revertingModel, INPUT, OUTPUT, prover.address, proof))
      .to.be.revertedWithCustomError(reverting, "SumcheckRoundMismatch")
      .withArgs(5n, ethers.keccak256(proof));
    // Byte for byte: the revert data is exactly the verifier's own.
    const expected = reverting.interface.encodeErrorResult("SumcheckRoundMismatch", [5n, ethers.keccak256(proof)]);
    const data = registry.interface.encodeFunctionData("verifyInference", [revertingModel, INPUT, OUTPUT, proof]);
    const raw = await ethers.provider
      .call({ to: await registry.getAddress(), data, from: prover.address })
      .catch((e: { data?: string }) => e.data);
    expect(raw).to.equal(expected);
    await expect(registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, "0x01"))
      .to.be.revertedWithCustomError(bound, "ProofLength")
      .withArgs(1n);
    expect(await registrySnapshot(registry)).to.equal(before);
  });

  it("refuses unknown and deprecated models; earlier records of a deprecated model stay", async () => {
    const { registry, prover, boundModel } = await loadFixture(registryFixture);
    const proof = boundProof(INPUT, OUTPUT, prover.address);
    await expect(registry.connect(prover).verifyInference(7n, INPUT, OUTPUT, proof))
      .to.be.revertedWithCustomError(registry, "UnknownModel")
      .withArgs(7n);
    await registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, proof);
    await registry.deprecateModel(boundModel);
    const before = await registrySnapshot(registry);
    await expect(registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, proof))
      .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
      .withArgs(boundModel);
    await expect(registry.checkInference(boundModel, INPUT, OUTPUT, prover.address, proof))
      .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
      .withArgs(boundModel);
    expect(await registrySnapshot(registry)).to.equal(before);
    expect(await registry.isVerified(boundModel, hashOf(INPUT), hashOf(OUTPUT))).to.equal(true);
    expect((await registry.getInference(1n)).prover).to.equal(prover.address);
  });

  it("gives duplicates their own ids; isVerified points at the first", async () => {
    const { registry, prover, other, boundModel } = await loadFixture(registryFixture);
    await registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, boundProof(INPUT, OUTPUT, prover.address));
    await registry.connect(other).verifyInference(boundModel, INPUT, OUTPUT, boundProof(INPUT, OUTPUT, other.address));
    await registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, boundProof(INPUT, OUTPUT, prover.address));
    expect(await registry.inferenceCount()).to.equal(3n);
    expect((await registry.getInference(2n)).prover).to.equal(other.address);
    expect(await registry.firstInferenceOf(boundModel, hashOf(INPUT), hashOf(OUTPUT))).to.equal(1n);
  });

  it("getInference reverts for ids never recorded", async () => {
    const { registry } = await loadFixture(registryFixture);
    await expect(registry.getInference(0n)).to.be.revertedWithCustomError(registry, "UnknownInference").withArgs(0n);
    await expect(registry.getInference(1n)).to.be.revertedWithCustomError(registry, "UnknownInference").withArgs(1n);
  });

  it("a verifier that reenters to record an inference fails: verifiers run under STATICCALL", async () => {
    const { registry, boundModel, prover } = await loadFixture(registryFixture);
    const commitment = ethers.id("hostile");
    const hostile = await ethers.deployContract("ReentrantVerifier", [commitment, await registry.getAddress()]);
    const hostileAddress = await hostile.getAddress();
    await registry.registerModel(commitment, hostileAddress, "", prover.address);
    // Armed with a proof of model 1 bound to its own address: valid if it were allowed to write.
    await hostile.arm(boundModel, boundProof(INPUT, OUTPUT, hostileAddress));
    const before = await registrySnapshot(registry);
    await expect(registry.connect(prover).verifyInference(3n, INPUT, OUTPUT, "0x")).to.be.reverted;
    await expect(registry.checkInference(3n, INPUT, OUTPUT, prover.address, "0x")).to.be.reverted;
    expect(await registrySnapshot(registry)).to.equal(before);
    // Control: outside a static context the same armed call does record (so the test can fail).
    await hostile.verifyInference(INPUT, OUTPUT, prover.address, "0x");
    expect((await registry.getInference(1n)).prover).to.equal(hostileAddress);
  });

  it("gas: verifyInference of a first and of a repeated statement (registry overhead around the verifier)", async () => {
    const { registry, prover, other, boundModel } = await loadFixture(registryFixture);
    const first = await (
      await registry.connect(prover).verifyInference(boundModel, INPUT, OUTPUT, boundProof(INPUT, OUTPUT, prover.address))
    ).wait();
    const again = await (
      await registry.connect(other).verifyInference(boundModel, INPUT, OUTPUT, boundProof(INPUT, OUTPUT, other.address))
    ).wait();
    // Four new slots for a first statement, three for a repeat (intrinsic gas included); a regression past
    // this bound is a bug.
    expect(first!.gasUsed).to.be.lessThan(175_000n);
    expect(again!.gasUsed).to.be.lessThan(first!.gasUsed);
    console.log(`      verifyInference gas: first ${first!.gasUsed}, repeat ${again!.gasUsed}`);
  });
});
