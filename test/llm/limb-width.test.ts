/**
 * The requantizations' limb width of a llama graph (src/prover/graph/compile.ts, `chooseLimbBits`): the largest
 * tensor's variables + 3, clamped to [REQUANT_LIMB_BITS, MAX_LIMB_BITS] — so stories260K's generation model at
 * 128 positions (scores [8, 128, 128] = 2^17) gets 20-bit limbs and its advice polynomial A fits 2^24 entries
 * (19.5 M → 15.7 M; docs/gguf.md, "Limb widths of the generation model"). A llama-kind graph with limbs wider than
 * 12 bits proves and verifies in TypeScript and in Solidity (RequantStep reads L from the program), and flipped
 * proof words are rejected by both.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { requiredSrsSize } from "../../src/artifacts/setup-dir";
import { modelProgram } from "../../src/compiler/program/model";
import { quantizeGenerator } from "../../src/llm/model";
import { loadLlamaModel } from "../../src/model/gguf/generate";
import { DEFAULT_GGUF_BITS } from "../../src/model/gguf/defaults";
import { verifierPlan } from "../../src/prover/graph";
import { chooseLimbBits, compileGraph, type GraphPlan } from "../../src/prover/graph/compile";
import type { PlanRequant } from "../../src/prover/graph/plan";
import { MAX_LIMB_BITS, REQUANT_LIMB_BITS } from "../../src/prover/layers/requant-spec";
import { layoutOf } from "../../src/prover/tensor";
import { slotLayout } from "../../src/poly/slots";
import type { ModelVerifierHarness } from "../../typechain-types";
import { builtModel, proveModel, type ProvedModel } from "../prover/graph-helpers";
import { ropeGraph } from "../prover/llama-helpers";
import { deployInterpreter } from "../verifier-sol/interpreter";
import { solAccepts, tsAccepts } from "../verifier-sol/verdicts";

const STORIES = resolve(__dirname, "../../../shared/models/gguf/stories260K.gguf");

/** Every requantization of a plan (node steps that carry one). */
function requants(plan: GraphPlan): PlanRequant[] {
  return plan.nodes.flatMap((n) => ("requant" in n && n.requant ? [n.requant as PlanRequant] : []));
}

/** Variables of the advice polynomial A of a plan. */
function adviceVars(plan: GraphPlan): number {
  return slotLayout(plan.advice.map((a) => ({ name: a.name, numVars: layoutOf(a.shape).numVars }))).numVars;
}

describe("llm: limb width of a llama graph's requantizations", function () {
  this.timeout(600_000);

  it("a small llama graph keeps 12-bit limbs; a larger one gets its largest tensor's variables + 3", () => {
    // x [4, 16]: 6 variables → 9, clamped up to 12 (RMSNorm / softmax / ArgMax use range:12 anyway).
    expect(chooseLimbBits(builtModel(ropeGraph(4, 16, 8, 6)).model)).to.equal(REQUANT_LIMB_BITS);
    // x [64, 32]: 11 variables → 14.
    const { model } = builtModel(ropeGraph(64, 32, 8, 6));
    const plan = compileGraph(model);
    expect(plan.limbBits).to.equal(14);
    expect(requants(plan).map((r) => r.limbBits)).to.deep.equal([14, 14]);
    expect(plan.tables.map((t) => t.id)).to.include("range:14");
  });

  describe("stories260K's generation model (when ../shared/models is present)", function () {
    let llama: Awaited<ReturnType<typeof loadLlamaModel>>;
    before(async function () {
      if (!existsSync(STORIES)) this.skip();
      llama = await loadLlamaModel(STORIES);
    });

    it("at 128 positions: 20-bit limbs, A within 2^24 entries, an SRS of 2^24 points", () => {
      const { model } = quantizeGenerator(llama, DEFAULT_GGUF_BITS, 128);
      const plan = compileGraph(model);
      expect(plan.limbBits).to.equal(MAX_LIMB_BITS);
      expect(requants(plan).every((r) => r.limbBits === MAX_LIMB_BITS)).to.equal(true);
      expect(adviceVars(plan)).to.equal(24);
      expect(requiredSrsSize(model)).to.equal(2 ** 24);
    });

    it("at 32 positions (16 tokens): 17-bit limbs, A at 2^22", () => {
      const plan = compileGraph(quantizeGenerator(llama, DEFAULT_GGUF_BITS, 32).model);
      expect(plan.limbBits).to.equal(17);
      expect(adviceVars(plan)).to.equal(22);
    });
  });

  describe("14-bit limbs prove and verify (TypeScript and Solidity)", function () {
    let proved: ProvedModel;
    let harness: ModelVerifierHarness;
    let program: Uint8Array;
    let plan: ReturnType<typeof verifierPlan>;

    before(async () => {
      const { model, trace } = builtModel(ropeGraph(64, 32, 8, 6));
      proved = proveModel(model, trace);
      plan = verifierPlan(proved.vk, proved.model);
      program = modelProgram(plan);
      const at = await deployInterpreter();
      harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as ModelVerifierHarness;
    });

    it("the honest proof is accepted by both", async () => {
      const { statement, proof } = proved;
      expect(tsAccepts(plan, statement, proof)).to.equal(true);
      expect(await harness.verify(program, statement.input, statement.output, statement.prover, proof)).to.equal(true);
    });

    it("flipped proof words are rejected by both", async () => {
      const { statement, proof } = proved;
      const words = proof.length / 32;
      const step = Math.max(1, Math.floor(words / 12));
      for (let word = 0; word < words; word += step) {
        const bad = proof.slice();
        bad[32 * word + 31] ^= 1;
        expect(tsAccepts(plan, statement, bad), `word ${word}: TypeScript`).to.equal(false);
        expect(await solAccepts(harness, program, statement, bad), `word ${word}: Solidity`).to.equal(false);
      }
    });
  });
});
