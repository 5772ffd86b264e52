import { expect } from "chai";
import { ethers } from "hardhat";
import { verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { deployInterpreter } from "./interpreter";
import { builtModel, proveCorpus, proveModel, type ProvedModel } from "../prover/graph-helpers";
import { causalSoftmaxGraph, embeddingGraph, ropeGraph, TinyGraph } from "../prover/llama-helpers";
import { importOnnx } from "../../src/model";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import type { ModelVerifierHarness } from "../../typechain-types";
import { argmaxGraph, maskedScores, splitRelu } from "./attention-graphs";
import { solAccepts, tsAccepts } from "./verdicts";

/**
 * The transformer / LLM steps of the extension libraries (contracts/verifier/ModelVerifierAttention.sol,
 * ModelVerifierLlm.sol) against the TypeScript reference verifier (`executePlan`), on whole-model proofs: the honest
 * proof is accepted by both; proof words flipped (a spread sample; every word with S_FULL_TAMPER=1) are rejected by
 * both. Models: 1l_softmax (softmax), logsumexp (reduce-logsumexp), layernorm (norm), masked attention scores (div,
 * constant-mask Where, softmax), a Split (aligned and unaligned parts), a built LogSoftmax, tiny llama-style graphs
 * (RMSNorm, RoPE, token embedding, causal softmax) and an ArgMax (the proved next-token choice). Gas is printed.
 */
describe("verifier (Solidity): transformer and LLM steps (attention extension library)", function () {
  this.timeout(600_000);
  let harness: ModelVerifierHarness;

  before(async () => {
    const at = await deployInterpreter();
    harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as ModelVerifierHarness;
  });

  /** A LogSoftmax over the last axis of x [rows, n] (kind `log-softmax`). */
  function logSoftmaxGraph(rows: number, n: number) {
    const g = new TinyGraph();
    const x = g.input("x", [rows, n]);
    return g.build([g.node("ls", "LogSoftmax", [x], [rows, n], { axis: { kind: "int", value: 1 } })]);
  }

  const builtGraph = (spec: GraphSpec) => importOnnx(writeModel(spec));

  const built = (graph: Parameters<typeof builtModel>[0]): ProvedModel => {
    const { model, trace } = builtModel(graph);
    return proveModel(model, trace);
  };

  const cases: { name: string; kinds: string[]; prove: () => ProvedModel | undefined }[] = [
    { name: "1l_softmax", kinds: ["softmax"], prove: () => proveCorpus("1l_softmax") },
    { name: "logsumexp", kinds: ["reduce-logsumexp"], prove: () => proveCorpus("logsumexp") },
    { name: "layernorm", kinds: ["norm"], prove: () => proveCorpus("layernorm") },
    { name: "Div → causal Where → Softmax", kinds: ["div", "select", "softmax"], prove: () => built(builtGraph(maskedScores())) },
    { name: "LogSoftmax [3, 10]", kinds: ["log-softmax"], prove: () => built(logSoftmaxGraph(3, 10)) },
    { name: "Split [2, 11] → [4, 4, 3] → Relu", kinds: ["movement"], prove: () => built(builtGraph(splitRelu())) },
    { name: "causal softmax [1, 5, 5]", kinds: ["causal-softmax"], prove: () => built(causalSoftmaxGraph(1, 5, 10)) },
    { name: "tokens → embedding → RMSNorm → Gemm", kinds: ["rmsnorm"], prove: () => built(embeddingGraph(3, 12, 8)) },
    { name: "x → Gemm → RoPE", kinds: ["rope"], prove: () => built(ropeGraph(4, 16, 8, 6)) },
    { name: "x → ArgMax (next token)", kinds: ["select"], prove: () => built(argmaxGraph(3, 12)) },
  ];
  /** Words flipped per proof by default (a seeded spread over the whole stream). */
  const SAMPLE = 10;

  for (const c of cases) {
    describe(c.name, function () {
      let proved: ProvedModel | undefined;
      let plan: VerifierPlan;
      let program: Uint8Array;

      before(function () {
        proved = c.prove();
        if (!proved) this.skip();
        plan = verifierPlan(proved.vk, proved.model);
        program = modelProgram(plan);
      });

      it("the honest proof is accepted by both; gas reported", async function () {
        const { statement, proof, model } = proved!;
        expect([...model.plans.values()].map((p) => p.kind)).to.include.members(c.kinds);
        expect(tsAccepts(plan, statement, proof)).to.equal(true);
        expect(await harness.verify(program, statement.input, statement.output, statement.prover, proof)).to.equal(true);
        const gas = await harness.verify.estimateGas(program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${c.name}: proof ${proof.length} bytes, program ${program.length} bytes, harness call ${gas} gas`);
      });

      it("proof words flipped are rejected by both", async function () {
        const { statement, proof } = proved!;
        const words = proof.length / 32;
        // A spread sample (its phase varies per model, so the sections' offsets differ) that always covers the
        // first and last word; every word with S_FULL_TAMPER=1.
        const full = process.env.S_FULL_TAMPER === "1";
        const step = full ? 1 : Math.max(1, Math.floor(words / SAMPLE));
        const picked = new Set<number>([0, words - 1]);
        for (let w = full ? 1 : 1 + (c.name.length % step); w < words; w += step) picked.add(w);
        for (const word of [...picked].sort((a, b) => a - b)) {
          const bad = proof.slice();
          bad[32 * word + 31] ^= 1;
          expect(tsAccepts(plan, statement, bad), `word ${word}: TypeScript`).to.equal(false);
          expect(await solAccepts(harness, program, statement, bad), `word ${word}: Solidity`).to.equal(false);
        }
      });
    });
  }
});
