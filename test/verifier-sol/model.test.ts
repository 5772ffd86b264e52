import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { verifierPlan, type InferenceStatement, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";
import type { ModelVerifier, ModelVerifierHarness, ModelVerifierPcs } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";

/**
 * The on-chain model interpreter (contracts/verifier/ModelVerifier.sol) against the TypeScript reference verifier
 * (`executePlan`, src/prover/graph/verify.ts) on whole-model proofs of corpus models: the honest proof is accepted
 * by both; every 32-byte word of the proof stream flipped (its lowest bit) is rejected by both; every byte of the
 * packed input and output flipped, a changed prover address and a truncated or extended stream are rejected by
 * both. Gas is reported.
 */
describe("verifier (Solidity): whole-model interpreter vs executePlan", function () {
  let harness: ModelVerifierHarness;
  let lib: ModelVerifier;
  let pcs: ModelVerifierPcs;

  before(async () => {
    const libraries = await deployInterpreter();
    pcs = (await ethers.getContractAt("ModelVerifierPcs", libraries.ModelVerifierPcs)) as unknown as ModelVerifierPcs;
    lib = (await ethers.getContractAt("ModelVerifier", libraries.ModelVerifier)) as unknown as ModelVerifier;
    harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: await lib.getAddress() } })) as unknown as ModelVerifierHarness;
  });


  it("the hand-encoded arena call of ModelVerifier.sol names ModelVerifierPcs.arena's selector", function () {
    const source = readFileSync(join(__dirname, "..", "..", "contracts", "verifier", "ModelVerifier.sol"), "utf8");
    const selector = pcs.interface.getFunction("arena")!.selector;
    expect(pcs.interface.getFunction("arena")!.format()).to.equal("arena(bytes32,bytes,bytes,uint256,uint256)");
    expect(source).to.contain(`ARENA_SELECTOR = ${selector};`);
  });

  for (const name of ["2l_relu_fc", "3l_relu_conv_fc"]) {
    describe(name, function () {
      let proved: ProvedModel | undefined;
      let plan: VerifierPlan;
      let program: Uint8Array;

      before(function () {
        proved = proveCorpus(name);
        if (!proved) this.skip();
        plan = verifierPlan(proved.vk, proved.model);
        program = modelProgram(plan);
      });

      it("the honest proof is accepted by both; gas, calldata and program size reported", async function () {
        const { statement, proof } = proved!;
        expect(tsAccepts(plan, statement, proof)).to.equal(true);
        expect(await harness.verify(program, statement.input, statement.output, statement.prover, proof)).to.equal(true);
        const gas = await harness.verify.estimateGas(program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${name}: proof ${proof.length} bytes, program ${program.length} bytes, harness call ${gas} gas (program passed as calldata too)`);
      });

      it("a program that reserves no record words is accepted too (the arena's records grow the book)", async function () {
        const { statement, proof } = proved!;
        // Header: version, digest, W commitment (2 words), G2 elements (8 words), u32 input and output bytes, u8
        // input ranges (16 bytes each), then the u32 record words (docs/verifier-gen.md).
        const at = 1 + 32 + 64 + 256 + 8;
        const field = at + 1 + 16 * program[at];
        expect(new DataView(program.buffer, program.byteOffset).getUint32(field)).to.be.greaterThan(0);
        const lean = Uint8Array.from(program);
        lean.set([0, 0, 0, 0], field);
        expect(await harness.verify(lean, statement.input, statement.output, statement.prover, proof)).to.equal(true);
      });

      it("proof words flipped are rejected by both (every word with S_FULL_TAMPER=1, else a seeded sample)", async function () {
        const { statement, proof } = proved!;
        const words = proof.length / 32;
        // The sample always covers the first and last word of the stream (advice point, the opening's W') and
        // ~48 words spread over every section in between; the full sweep runs every one (slow: ~2 min).
        const full = process.env.S_FULL_TAMPER === "1";
        const step = full ? 1 : Math.max(1, Math.floor(words / 48));
        const picked = new Set<number>([0, words - 1]);
        for (let w = 1; w < words; w += step) picked.add(w);
        for (const word of [...picked].sort((a, b) => a - b)) {
          const at = 32 * word;
          const bad = proof.slice();
          bad[at + 31] ^= 1;
          expect(tsAccepts(plan, statement, bad), `word ${at / 32}: TypeScript`).to.equal(false);
          expect(await solAccepts(harness, program, statement, bad), `word ${at / 32}: Solidity`).to.equal(false);
        }
        expect(picked.size).to.be.at.least(Math.min(words, 40));
      });

      it("malformed input reverts with the named custom error", async function () {
        const { statement: st, proof } = proved!;
        const call = (program: Uint8Array, input: Uint8Array, output: Uint8Array, bytes: Uint8Array) => harness.verify(program, input, output, st.prover, bytes);
        await expect(call(program, st.input.slice(4), st.output, proof))
          .to.be.revertedWithCustomError(lib, "StatementLength")
          .withArgs(0, st.input.length - 4, st.input.length);
        await expect(call(program, st.input, Uint8Array.from([...st.output, 0, 0, 0, 0]), proof))
          .to.be.revertedWithCustomError(lib, "StatementLength")
          .withArgs(1, st.output.length + 4, st.output.length);
        await expect(call(program, st.input, st.output, Uint8Array.from([...proof, ...new Uint8Array(32)])))
          .to.be.revertedWithCustomError(pcs, "ProofTrailingBytes")
          .withArgs(32);
        // Word 0 is the advice commitment's x: a point off the curve.
        const offCurve = proof.slice();
        offCurve[31] ^= 1;
        await expect(call(program, st.input, st.output, offCurve)).to.be.revertedWithCustomError(lib, "ProofPointInvalid").withArgs(0);
        await expect(call(program, st.input, st.output, proof.slice(0, 32))).to.be.revertedWithCustomError(lib, "ProofTruncated").withArgs(0, 64);
        // A public input value outside the 12-bit range (4000, inside its 2-byte width): refused before anything else.
        expect(plan.inputs[0]).to.include({ width: 2, lo: -2048, hi: 2047 });
        const idx = Math.min(5, st.input.length / 2 - 1);
        const outOfRange = st.input.slice();
        new DataView(outOfRange.buffer).setInt16(2 * idx, 4000, false);
        expect(tsAccepts(plan, { ...st, input: outOfRange }, proof)).to.equal(false);
        await expect(call(program, outOfRange, st.output, proof)).to.be.revertedWithCustomError(lib, "InputOutOfRange").withArgs(0, idx);
        const badVersion = program.slice();
        badVersion[0] = 9;
        await expect(call(badVersion, st.input, st.output, proof)).to.be.revertedWithCustomError(lib, "ProgramVersion").withArgs(9);
      });

      it("every byte of the packed input and output flipped is rejected by both (3l: a seeded sample unless S_FULL_TAMPER=1)", async function () {
        const { statement, proof } = proved!;
        const full = process.env.S_FULL_TAMPER === "1" || name === "2l_relu_fc";
        for (const side of ["input", "output"] as const) {
          const bytes = statement[side];
          const step = full ? 1 : Math.max(1, Math.floor(bytes.length / 24));
          const picked = new Set<number>([0, bytes.length - 1]);
          for (let i = 1; i < bytes.length; i += step) picked.add(i);
          for (const i of picked) {
            const bad = bytes.slice();
            bad[i] ^= i % 2 === 0 ? 0x01 : 0x80;
            const st = { ...statement, [side]: bad };
            expect(tsAccepts(plan, st, proof), `${side} byte ${i}: TypeScript`).to.equal(false);
            expect(await solAccepts(harness, program, st, proof), `${side} byte ${i}: Solidity`).to.equal(false);
          }
        }
      });

      it("a changed statement, a truncated and an extended stream are rejected by both", async function () {
        const { statement, proof } = proved!;
        const input = statement.input.slice();
        input[input.length - 1] ^= 1;
        const output = statement.output.slice();
        output[output.length - 1] ^= 1;
        const cases: { what: string; st: InferenceStatement; proof: Uint8Array }[] = [
          { what: "input", st: { ...statement, input }, proof },
          { what: "output", st: { ...statement, output }, proof },
          { what: "prover", st: { ...statement, prover: "0x00000000000000000000000000000000000000bb" }, proof },
          { what: "truncated", st: statement, proof: proof.slice(0, proof.length - 32) },
          { what: "extended", st: statement, proof: Uint8Array.from([...proof, ...new Uint8Array(32)]) },
        ];
        for (const c of cases) {
          expect(tsAccepts(plan, c.st, c.proof), `${c.what}: TypeScript`).to.equal(false);
          expect(await solAccepts(harness, program, c.st, c.proof), `${c.what}: Solidity`).to.equal(false);
        }
      });
    });
  }
});
