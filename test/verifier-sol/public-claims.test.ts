import { expect } from "chai";
import { ethers } from "hardhat";
import { importOnnx } from "../../src/model";
import { verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram, publicInputClaims } from "../../src/compiler/program/model";
import { builtModel, proveModel, rejection, type ProvedModel } from "../prover/graph-helpers";
import { fanOutGraph } from "../prover/public-claims-graphs";
import { writeModel } from "../model/helpers/harness";
import type { ModelVerifier, SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { sweepEveryWord } from "./sweep";
import { solAccepts, tsAccepts } from "./verdicts";

/**
 * Graph-input claims merged before the public input is evaluated (src/prover/graph/public-claims.ts; on-chain TAKE,
 * MERGEMANY, INPUT in ModelVerifierOps.sol) against the TypeScript reference verifier: the honest proof is accepted
 * by both; EVERY proof word flipped — the merge's sum-check rounds and merged value among them — is rejected by both
 * (the full sweep, ./sweep.ts, on the first model); each merge word flipped reverts with MergeStep's
 * MergeCheckFailed. A large input with
 * two claims (X [32, 32] read by two MatMuls) and a small one with six (X [1, 4] read by six) are merged; a small
 * one with two (X [1, 3]) is evaluated per claim, as before.
 */
describe("verifier (Solidity): graph-input claims merged before INPUT", function () {
  this.timeout(900_000);
  let harness: SweepHarness;
  let lib: ModelVerifier;

  before(async () => {
    const at = await deployInterpreter();
    lib = (await ethers.getContractAt("ModelVerifier", at.ModelVerifier)) as unknown as ModelVerifier;
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
  });

  /** `full`: every proof word flipped (the sweep); otherwise the words of the proof's tail, where a merge of X's claims sits. */
  const cases: { rows: number; cols: number; readers: number; merged: boolean; full: boolean }[] = [
    { rows: 32, cols: 32, readers: 2, merged: true, full: true },
    { rows: 1, cols: 4, readers: 6, merged: true, full: false },
    { rows: 1, cols: 3, readers: 2, merged: false, full: false },
  ];
  /**
   * Words at the proof's end scanned for the merge: more than the merge (≤ 2·10 + 1 words here) and the batch
   * opening (≤ 4·17 + 3 words at the tests' SRS of 2^17) together.
   */
  const TAIL_WORDS = 160;

  for (const c of cases) {
    describe(`X [${c.rows}, ${c.cols}] read by ${c.readers} MatMuls (${c.merged ? "merged" : "evaluated per claim"})`, function () {
      let proved: ProvedModel;
      let plan: VerifierPlan;
      let program: Uint8Array;

      before(() => {
        const { model, trace } = builtModel(importOnnx(writeModel(fanOutGraph(c.rows, c.cols, c.readers))));
        proved = proveModel(model, trace);
        plan = verifierPlan(proved.vk, proved.model);
        program = modelProgram(plan);
        expect(publicInputClaims(plan).get("X")).to.equal(c.readers);
      });

      it(c.full ? "the honest proof is accepted by both and EVERY proof word flipped is rejected by both" : "the honest proof is accepted by both", async function () {
        const { statement, proof } = proved;
        expect(tsAccepts(plan, statement, proof)).to.equal(true);
        expect(await solAccepts(harness, program, statement, proof)).to.equal(true);
        if (!c.full) return;
        const gas = await harness.verify.estimateGas(program, statement.input, statement.output, statement.prover, proof);
        const r = await sweepEveryWord(harness, plan, program, statement, proof, gas);
        console.log(`      proof ${proof.length} bytes, harness call ${gas} gas, ${r.words} words flipped`);
        expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
        expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
        expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
      });

      it(c.merged ? "each merge word flipped reverts with MergeCheckFailed" : "no proof word belongs to a merge of X's claims", async () => {
        const { statement, proof } = proved;
        // The merge's words: those whose flip the TypeScript verifier rejects at "graph inputs" (the last words before
        // the batch opening: the rounds, then the merged value).
        const words: number[] = [];
        const total = proof.length / 32;
        for (let w = Math.max(0, total - TAIL_WORDS); w < total; w++) {
          const bad = proof.slice();
          bad[32 * w + 31] ^= 1;
          if (rejection(proved, statement, bad).startsWith("graph inputs")) words.push(w);
        }
        if (!c.merged) return expect(words).to.deep.equal([]);
        const vars = Math.ceil(Math.log2(c.rows)) + Math.ceil(Math.log2(c.cols));
        expect(words.length).to.equal(2 * vars + 1);
        expect(words[words.length - 1] - words[0]).to.equal(2 * vars);
        for (const w of words) {
          const bad = proof.slice();
          bad[32 * w + 31] ^= 1;
          expect(tsAccepts(plan, statement, bad), `word ${w}: TypeScript`).to.equal(false);
          await expect(harness.verify(program, statement.input, statement.output, statement.prover, bad), `word ${w}`).to.be.revertedWithCustomError(lib, "MergeCheckFailed");
        }
      });
    });
  }
});
