/**
 * The requantizations' batched zero-check on-chain (contracts/verifier/layers/RequantBatch.sol, REQUANTS; the walk
 * part RequantStep.sol, REQUANT) against the TypeScript verifier (src/prover/graph/requant-batch.ts), on whole-model
 * proofs: `2l_relu_fc` (requantizations of equal size) and `3l_relu_conv_fc` (a convolution's and the dense layers':
 * different sizes, N = the largest). The program starts with REQUANTS listing the plan's requantizations in batch
 * order; the batch's words sit right after the arena (2N rounds, then every step's evaluations); EVERY one of them
 * flipped is rejected by both verifiers, as are the batch's words moved (two steps' evaluations swapped).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { arenaProofWords } from "../../src/lookup/arena-encoding";
import { modelProgram, MODEL_OP } from "../../src/compiler/program/model";
import { verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { planRequants, requantBatchWords } from "../../src/prover/graph/requant-batch";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";
import type { ModelVerifierHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";

/** The batch's proof words [first, end): right after A's point and the arena's words (docs/prover.md, stream step 3b). */
function batchWordRange(plan: VerifierPlan): [number, number] {
  const first = (plan.advice ? 2 : 0) + (plan.arena.columns.length > 0 ? arenaProofWords(plan.arena) : 0);
  return [first, first + requantBatchWords(planRequants(plan))];
}

describe("verifier (Solidity): the requantizations' batched zero-check vs the TypeScript verifier", function () {
  let harness: ModelVerifierHarness;

  before(async () => {
    const libraries = await deployInterpreter();
    harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: libraries.ModelVerifier } })) as unknown as ModelVerifierHarness;
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

      it("the plan's requantizations, in batch order, and the REQUANTS instruction naming them", function () {
        const requants = planRequants(plan);
        expect(requants.length).to.be.greaterThan(0);
        const firsts = requants.map((r) => r.rangeColumns[0]);
        expect(firsts).to.deep.equal([...firsts].sort((a, b) => a - b));
        const n = Math.max(...requants.map((r) => r.numVars));
        // REQUANTS, u16 steps, u8 N: in the program (the instruction stream's first; found by its bytes).
        const needle = [MODEL_OP.requants, requants.length >> 8, requants.length & 0xff, n];
        const at = program.findIndex((_, i) => needle.every((b, k) => program[i + k] === b));
        expect(at).to.be.greaterThan(0);
        console.log(`      ${name}: ${requants.length} requantizations of ${requants.map((r) => r.numVars).join(", ")} variables: ${n} rounds, ${requantBatchWords(requants)} words`);
      });

      it("every word of the batch flipped is rejected by both verifiers", async function () {
        const { statement, proof } = proved!;
        const [first, end] = batchWordRange(plan);
        expect(end).to.be.greaterThan(first);
        expect(tsAccepts(plan, statement, proof)).to.equal(true);
        for (let k = first; k < end; k++) {
          const bad = proof.slice();
          bad[32 * k + 31] ^= 1;
          expect(tsAccepts(plan, statement, bad), `word ${k}: TypeScript`).to.equal(false);
          expect(await solAccepts(harness, program, statement, bad), `word ${k}: Solidity`).to.equal(false);
        }
      });

      it("the last round's words swapped and two evaluation words swapped are rejected by both", async function () {
        const { statement, proof } = proved!;
        const [first, end] = batchWordRange(plan);
        const n = Math.max(...planRequants(plan).map((r) => r.numVars));
        const swap = (i: number, j: number) => {
          const bad = proof.slice();
          bad.set(proof.subarray(32 * i, 32 * i + 32), 32 * j);
          bad.set(proof.subarray(32 * j, 32 * j + 32), 32 * i);
          return bad;
        };
        for (const bad of [swap(first + 2 * n - 2, first + 2 * n - 1), swap(first + 2 * n, end - 1)]) {
          expect(tsAccepts(plan, statement, bad)).to.equal(false);
          expect(await solAccepts(harness, program, statement, bad)).to.equal(false);
        }
      });
    });
  }
});
