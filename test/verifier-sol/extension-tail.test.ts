import { expect } from "chai";
import { ethers } from "hardhat";
import { STEP_OP } from "../../src/compiler/program/steps";
import type { ModelVerifierSteps } from "../../typechain-types";
import { deployLibraries } from "./revert-names";

/**
 * Extension.sol's proof argument is the unread tail of the proof, based at the frame's proof offset: an extension
 * library must count every offset — the cursor it hands back and every revert's byte offset — from the whole
 * proof's first byte, whatever the base (including one above the tail's calldata offset, where the stream's
 * virtual start wraps modulo 2^256: ProofStream.openAt). Driven by crafted calls straight to
 * ModelVerifierSteps.run (the call the interpreter's EXT instruction makes). The whole-model tests cover the
 * interpreter's side (a tampered word inside an EXT step reverts there with its offset in the whole proof).
 */
describe("verifier (Solidity): extension calls read the proof's tail at its base offset", function () {
  let steps: ModelVerifierSteps;
  /** Bases: the proof's start, a typical offset, and two that wrap the virtual start below zero. */
  const BASES = [0n, 4096n, 1n << 200n, (1n << 256n) - 64n];
  const R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

  before(async () => {
    const at = await deployLibraries(["ModelVerifierSteps"]);
    steps = (await ethers.getContractAt("ModelVerifierSteps", at.ModelVerifierSteps)) as unknown as ModelVerifierSteps;
  });

  /** The frame [state, proof offset, k, per claim n, point…, value] of one claim without variables. */
  const frame = (base: bigint, value = 5n): bigint[] => [7n, base, 1n, 0n, value];
  const word = (v: bigint): Uint8Array => ethers.getBytes(ethers.toBeHex(v, 32));

  it("the frame returned keeps the base when the step reads nothing (INDEX of an empty gather)", async () => {
    for (const base of BASES) {
      const out = await steps.run(frame(base), Uint8Array.from([STEP_OP.index, 0]), new Uint8Array(96));
      expect(out[1], `base ${base}`).to.equal(base);
      expect(out[0]).to.equal(7n);
    }
  });

  it("a non-canonical scalar names its offset in the whole proof (AFFINE's β, the tail's first word)", async () => {
    for (const base of BASES) {
      await expect(steps.run(frame(base), Uint8Array.from([STEP_OP.affine]), word(R)))
        .to.be.revertedWithCustomError(steps, "ProofScalarNotCanonical")
        .withArgs(base);
    }
  });

  it("a tail too short names the offset where the missing message starts (ProofTruncated)", async () => {
    for (const base of BASES) {
      await expect(steps.run(frame(base), Uint8Array.from([STEP_OP.affine]), new Uint8Array(16)))
        .to.be.revertedWithCustomError(steps, "ProofTruncated")
        .withArgs(base, 32);
    }
  });
});
