import { expect } from "chai";
import { ethers } from "hardhat";
import { importOnnx, type Graph } from "../../src/model";
import { verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { builtModel, proveCorpus, proveModel, type ProvedModel } from "../prover/graph-helpers";
import { embeddingGraph, ropeGraph } from "../prover/llama-helpers";
import { writeModel } from "../model/helpers/harness";
import type { SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { sweepEveryWord } from "./sweep";
import { solAccepts, tsAccepts } from "./verdicts";
import { argmaxGraph, maskedScores } from "./attention-graphs";

/**
 * Full tamper sweeps of the transformer / LLM steps on-chain (ModelVerifierAttention, ModelVerifierLlm) against the
 * TypeScript reference verifier: EVERY 32-byte word of each proof flipped (its lowest bit) is rejected by both —
 * layernorm (norm), attention scores S / (B² + 1) → causal Where → Softmax (div, constant-mask Where), tokens →
 * embedding → RMSNorm → Gemm, Gemm → RoPE, and an ArgMax. test/verifier-sol/attention.test.ts flips a spread
 * sample of these proofs' words; this file flips all of them. The Solidity verdicts are batched through
 * contracts/test/SweepHarness.sol (./sweep.ts: one eth_call runs as many flipped copies as its gas allows), which
 * is what keeps ~1,900 flipped proofs within the test budget; the TypeScript verdicts are one `executePlan` each.
 */
describe("verifier (Solidity): full tamper sweeps of the transformer / LLM steps", function () {
  this.timeout(900_000);
  let harness: SweepHarness;

  before(async () => {
    const at = await deployInterpreter();
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
  });

  const built = (graph: Graph): ProvedModel => {
    const { model, trace } = builtModel(graph);
    return proveModel(model, trace);
  };

  const cases: { name: string; kinds: string[]; prove: () => ProvedModel | undefined }[] = [
    { name: "layernorm", kinds: ["norm"], prove: () => proveCorpus("layernorm") },
    { name: "Div → causal Where → Softmax", kinds: ["div", "select", "softmax"], prove: () => built(importOnnx(writeModel(maskedScores()))) },
    { name: "tokens → embedding → RMSNorm → Gemm", kinds: ["rmsnorm"], prove: () => built(embeddingGraph(3, 12, 8)) },
    { name: "x → Gemm → RoPE", kinds: ["rope"], prove: () => built(ropeGraph(4, 16, 8, 6)) },
    { name: "x → ArgMax (next token)", kinds: ["select"], prove: () => built(argmaxGraph(3, 12)) },
  ];

  for (const c of cases) {
    it(`${c.name}: the honest proof is accepted and EVERY proof word flipped is rejected, by both`, async function () {
      const proved = c.prove();
      if (!proved) return this.skip();
      const { statement, proof, model } = proved;
      expect([...model.plans.values()].map((p) => p.kind)).to.include.members(c.kinds);
      const plan: VerifierPlan = verifierPlan(proved.vk, model);
      const program = modelProgram(plan);
      expect(tsAccepts(plan, statement, proof)).to.equal(true);
      expect(await solAccepts(harness, program, statement, proof)).to.equal(true);
      const gas = await harness.verify.estimateGas(program, statement.input, statement.output, statement.prover, proof);
      const r = await sweepEveryWord(harness, plan, program, statement, proof, gas);
      console.log(`      ${c.name}: ${r.words} words flipped`);
      expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
      expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
      expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
    });
  }
});
