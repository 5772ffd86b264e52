import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { ethers } from "hardhat";
import { EXT_OP, EXT_TAIL } from "../../src/compiler/program/extension";
import { modelProgram } from "../../src/compiler/program/model";
import { STEP_OP } from "../../src/compiler/program/steps";
import { verifierPlan } from "../../src/prover/graph";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";
import { deployInterpreter } from "./interpreter";
import type { ExtensionHarness, ModelVerifierHarness } from "../../typechain-types";

/**
 * The proof window of an extension call and of the arena (docs/verifier-gen.md, "The program"): every EXT
 * instruction carries the number of proof bytes its step reads, the interpreter sends the library only those and
 * checks that the step read exactly them; the arena's section carries its own. A program that claims a wrong
 * count — too many bytes or too few — is rejected with ExtensionReadMismatch / ArenaReadMismatch, never accepted,
 * and a proof that is really too short still reverts with ProofTruncated at its own offset.
 */
describe("verifier (Solidity): extension calls send only the step's proof window", function () {
  let libraries: Record<string, string>;
  let ext: ExtensionHarness;

  before(async () => {
    libraries = await deployInterpreter();
    ext = (await ethers.deployContract("ExtensionHarness", { libraries: { ModelVerifierSteps: libraries.ModelVerifierSteps } })) as unknown as ExtensionHarness;
  });

  const selector = (sig: string) => `0x${Buffer.from(keccak_256(sig)).subarray(0, 4).toString("hex")}`;
  const source = (...path: string[]) => readFileSync(join(__dirname, "..", "..", "contracts", ...path), "utf8");
  const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  const word = (v: bigint): number[] => [...ethers.getBytes(ethers.toBeHex(v, 32))];

  it("the selectors the interpreter hard-codes in assembly match the errors", () => {
    const extension = source("verifier", "layers", "Extension.sol");
    expect(extension).to.contain(selector("ProofTruncated(uint256,uint256)"));
    const verifier = source("verifier", "ModelVerifier.sol");
    expect(verifier).to.contain(selector("ArenaProofTruncated(uint256,uint256,uint256)"));
    expect(verifier).to.contain(selector("ArenaReadMismatch(uint256,uint256,uint256)"));
  });

  /**
   * AFFINE on a claim without variables (value 7): β, then a Hadamard of 0 rounds (a, b) — 3 words. β = 1,
   * a·b = 7 − 1 is an honest transcript; 4 more words follow so that a window cut short is not the proof's end.
   */
  const section = [STEP_OP.affine, 0, 0, 0, 0, 0, 0];
  const proof = Uint8Array.from([...word(1n), ...word(2n), ...word(3n), ...new Array<number>(128).fill(0)]);
  const code = (bytes: number) => Uint8Array.from([...u32(section.length), ...section, ...u32(bytes)]);

  it("the program's exact count: accepted, the step's claims handed back, the whole instruction read", async () => {
    const [, out, read] = await ext.measure(proof, code(96), 1, 0);
    expect(out.length).to.equal(3);
    expect(out.map((c) => c.value)).to.deep.equal([1n, 2n, 3n]);
    expect(read).to.equal(BigInt(code(96).length));
  });

  it("the tail (Extension.TAIL) is still a valid count: the step reads what it needs", async () => {
    const [, out] = await ext.measure(proof, code(EXT_TAIL), 1, 0);
    expect(out.length).to.equal(3);
  });

  it("a count above what the step reads: ExtensionReadMismatch(op, step, offset, expected, read)", async () => {
    await expect(ext.measure(proof, code(128), 1, 0)).to.be.revertedWithCustomError(ext, "ExtensionReadMismatch").withArgs(EXT_OP.steps, STEP_OP.affine, 0, 128, 96);
  });

  it("a count below it (the window cut short of the proof's end): ExtensionReadMismatch, not ProofTruncated", async () => {
    // `read`: where the first read past the window ends (β's word for 0 bytes, (a, b) after β otherwise).
    for (const [bytes, read] of [
      [0, 32],
      [32, 96],
      [64, 96],
    ]) {
      await expect(ext.measure(proof, code(bytes), 1, 0), `${bytes} bytes`)
        .to.be.revertedWithCustomError(ext, "ExtensionReadMismatch")
        .withArgs(EXT_OP.steps, STEP_OP.affine, 0, bytes, read);
    }
  });

  it("a proof that really ends inside the step: ProofTruncated at its own offset (the count is not blamed)", async () => {
    const steps = await ethers.getContractAt("ModelVerifierSteps", libraries.ModelVerifierSteps);
    await expect(ext.measure(proof.slice(0, 64), code(96), 1, 0)).to.be.revertedWithCustomError(steps, "ProofTruncated").withArgs(32, 64);
  });

  describe("whole model (1l_mean: an arena, a REDUCE step in ModelVerifierSteps)", function () {
    let proved: ProvedModel | undefined;
    let program: Uint8Array;
    let harness: ModelVerifierHarness;

    before(async function () {
      proved = proveCorpus("1l_mean");
      if (!proved) this.skip();
      program = modelProgram(verifierPlan(proved.vk, proved.model));
      harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: libraries.ModelVerifier } })) as unknown as ModelVerifierHarness;
    });

    const readU32 = (p: Uint8Array, at: number) => ((p[at] << 24) | (p[at + 1] << 16) | (p[at + 2] << 8) | p[at + 3]) >>> 0;
    const withU32 = (p: Uint8Array, at: number, v: number) => {
      const q = p.slice();
      q.set(u32(v), at);
      return q;
    };

    /** The offset of the REDUCE instruction's proof byte count: 0x30, u32 length, the section (REDUCE first), u32. */
    function reduceCount(p: Uint8Array): number {
      for (let i = 0; i + 9 < p.length; i++) {
        if (p[i] !== EXT_OP.steps || p[i + 5] !== STEP_OP.reduce) continue;
        const at = i + 5 + readU32(p, i + 1);
        if (at + 4 <= p.length && readU32(p, at) > 0 && readU32(p, at) % 32 === 0) return at;
      }
      throw new Error("no REDUCE instruction");
    }

    /** The offset of the arena's proof byte count, after the header's slot tables and the arena's section. */
    function arenaCount(p: Uint8Array): number {
      let at = 1 + 32 + 64 + 256 + 8;
      at += 1 + 16 * p[at] + 4 + 2; // input ranges, record words, tensors
      at += 3 + 5 * ((p[at + 1] << 8) | p[at + 2]); // W slots
      if (p[at++] === 1) at += 3 + 5 * ((p[at + 1] << 8) | p[at + 2]); // A slots
      expect(p[at++], "arena present").to.equal(1);
      return at + 4 + readU32(p, at);
    }

    const verify = (p: Uint8Array) => harness.verify(p, proved!.statement.input, proved!.statement.output, proved!.statement.prover, proved!.proof);

    it("the honest program is accepted", async () => {
      expect(await verify(program)).to.equal(true);
    });

    it("an EXT step's count off by a word either way: ExtensionReadMismatch naming the step", async () => {
      const verifier = await ethers.getContractAt("ModelVerifier", libraries.ModelVerifier);
      const at = reduceCount(program);
      const bytes = readU32(program, at);
      for (const wrong of [bytes - 32, bytes + 32]) {
        await expect(verify(withU32(program, at, wrong)), `${wrong} bytes`)
          .to.be.revertedWithCustomError(verifier, "ExtensionReadMismatch")
          .withArgs(EXT_OP.steps, STEP_OP.reduce, (offset: bigint) => offset > 0n && offset % 32n === 0n, wrong, bytes);
      }
    });

    it("the arena's count off by a word either way: ArenaReadMismatch", async () => {
      const verifier = await ethers.getContractAt("ModelVerifier", libraries.ModelVerifier);
      const at = arenaCount(program);
      const bytes = readU32(program, at);
      expect(bytes).to.be.greaterThan(0);
      for (const wrong of [bytes - 32, bytes + 32]) {
        await expect(verify(withU32(program, at, wrong)), `${wrong} bytes`)
          .to.be.revertedWithCustomError(verifier, "ArenaReadMismatch")
          .withArgs((offset: bigint) => offset >= 0n, wrong, bytes);
      }
    });
  });
});
