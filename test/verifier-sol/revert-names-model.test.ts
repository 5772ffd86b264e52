import { expect } from "chai";
import { ethers } from "hardhat";
import * as Fr from "../../src/field/fr";
import { importOnnx, type Graph } from "../../src/model";
import { verifierPlan, type InferenceStatement } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import * as requantLayer from "../../src/prover/layers/requant";
import type { RequantTables } from "../../src/prover/layers/requant";
import type { RequantGeometry } from "../../src/prover/layers/requant-spec";
import { writeModel } from "../model/helpers/harness";
import { builtModel, proveCorpus, proveModel, rejection, type ProvedModel } from "../prover/graph-helpers";
import { causalSoftmaxGraph, embeddingGraph, ropeGraph, TinyGraph } from "../prover/llama-helpers";
import type { ModelVerifier, ModelVerifierAttention, ModelVerifierLlm, ModelVerifierSteps, RevertNamesHarness } from "../../typechain-types";
import { argmaxGraph, maskedScores } from "./attention-graphs";
import { deployRevertNames, errorNamesBySelector, wordsReaching, flipWord, nodeWords } from "./revert-names";

/**
 * The whole-model interpreter's checks that a TAMPERED PROOF reaches, each asserted by its name: in an honest
 * proof of a model that has the step, a word of the step's messages whose flip (lowest bit) the on-chain verifier
 * rejects with that check's custom error is found (contracts/test/RevertNamesHarness.sol: one call judges a batch of flipped
 * copies and returns each copy's error selector), and that flipped proof is then verified alone and asserted to
 * revert with the error by name. A check no flipped word reaches fails the test (the word is not found).
 *
 * Which steps: ArgMax (the proved next token), Div → causal Where → Softmax (the division's sum-check, softmax's
 * remainder bound and division check, the merge, Hadamard, selector and requant checks on the way), a causal
 * softmax, tokens → embedding → RMSNorm → Gemm (RMSNorm's check, the MatMul product check), Gemm → RoPE,
 * ConvTranspose and LayerNorm (the norm's row sums). RequantDerivedBound is reached by a dishonest prover instead
 * (a flipped word breaks the arena's check first): a derived arena column ū that is in range but not (hi − lo) − u.
 */
describe("verifier (Solidity): checks a tampered proof reaches, by name", function () {
  this.timeout(300_000);
  let harness: RevertNamesHarness;
  let names: Map<string, string>;
  let lib: ModelVerifier;
  let steps: ModelVerifierSteps;
  let attention: ModelVerifierAttention;
  let llm: ModelVerifierLlm;

  before(async () => {
    const deployed = await deployRevertNames();
    harness = deployed.harness;
    names = await errorNamesBySelector();
    const at = (name: string) => ethers.getContractAt(name, deployed.libraries[name]);
    lib = (await at("ModelVerifier")) as unknown as ModelVerifier;
    steps = (await at("ModelVerifierSteps")) as unknown as ModelVerifierSteps;
    attention = (await at("ModelVerifierAttention")) as unknown as ModelVerifierAttention;
    llm = (await at("ModelVerifierLlm")) as unknown as ModelVerifierLlm;
  });

  const built = (graph: Graph): ProvedModel => {
    const { model, trace } = builtModel(graph);
    return proveModel(model, trace);
  };

  /** A proved model compiled for the interpreter, and the first word each wanted check rejects when flipped. */
  interface Tampered {
    readonly program: Uint8Array;
    readonly statement: InferenceStatement;
    readonly proof: Uint8Array;
    readonly words: Map<string, number>;
  }

  /** Scans the words of the plan's steps of the given kinds (of every step when omitted: not the arena's or the batch opening's). */
  async function tampered(proved: ProvedModel | undefined, wanted: readonly string[], kinds?: readonly string[]): Promise<Tampered | undefined> {
    if (!proved) return undefined;
    const plan = verifierPlan(proved.vk, proved.model);
    const program = modelProgram(plan);
    const { statement, proof } = proved;
    expect(await harness.verify(program, statement.input, statement.output, statement.prover, proof), "the honest proof").to.equal(true);
    const range = nodeWords(plan, statement, proof, kinds);
    const words = await wordsReaching(harness, names, program, statement, proof, wanted, range);
    return { program, statement, proof, words };
  }

  /** Verifies `t`'s proof with the word that reached `error` flipped (the test fails if none did). */
  function flipped(t: Tampered, error: string) {
    const word = t.words.get(error);
    expect(word, `a proof word whose flip is rejected with ${error}`).to.not.equal(undefined);
    const { input, output, prover } = t.statement;
    return harness.verify(t.program, input, output, prover, flipWord(t.proof, word!));
  }

  it("ArgmaxCheckFailed: x → ArgMax (the proved next-token choice)", async function () {
    const t = await tampered(built(argmaxGraph(3, 12)), ["ArgmaxCheckFailed"], ["select"]);
    await expect(flipped(t!, "ArgmaxCheckFailed")).to.be.revertedWithCustomError(llm, "ArgmaxCheckFailed");
  });

  it("Div → causal Where → Softmax: DivCheckFailed, SoftmaxDivisionFailed, SoftmaxRemainderBound, MergeCheckFailed, HadamardCheckFailed, SelectorCheckFailed, RequantCheckFailed", async function () {
    const wanted = ["DivCheckFailed", "SoftmaxDivisionFailed", "SoftmaxRemainderBound", "MergeCheckFailed", "HadamardCheckFailed", "SelectorCheckFailed", "RequantCheckFailed"];
    const t = (await tampered(built(importOnnx(writeModel(maskedScores()))), wanted))!;
    await expect(flipped(t, "DivCheckFailed")).to.be.revertedWithCustomError(attention, "DivCheckFailed");
    await expect(flipped(t, "SoftmaxDivisionFailed")).to.be.revertedWithCustomError(attention, "SoftmaxDivisionFailed");
    await expect(flipped(t, "SoftmaxRemainderBound")).to.be.revertedWithCustomError(attention, "SoftmaxRemainderBound");
    await expect(flipped(t, "MergeCheckFailed")).to.be.revertedWithCustomError(lib, "MergeCheckFailed");
    await expect(flipped(t, "HadamardCheckFailed")).to.be.revertedWithCustomError(lib, "HadamardCheckFailed");
    await expect(flipped(t, "SelectorCheckFailed")).to.be.revertedWithCustomError(lib, "SelectorCheckFailed");
    await expect(flipped(t, "RequantCheckFailed")).to.be.revertedWithCustomError(lib, "RequantCheckFailed");
  });

  it("CausalCheckFailed: a causal softmax [1, 5, 5]", async function () {
    const t = await tampered(built(causalSoftmaxGraph(1, 5, 10)), ["CausalCheckFailed"], ["causal-softmax"]);
    await expect(flipped(t!, "CausalCheckFailed")).to.be.revertedWithCustomError(llm, "CausalCheckFailed");
  });

  it("RmsNormCheckFailed, ProductCheckFailed: tokens → embedding → RMSNorm → Gemm", async function () {
    const t = (await tampered(built(embeddingGraph(3, 12, 8)), ["RmsNormCheckFailed", "ProductCheckFailed"], ["rmsnorm", "linear"]))!;
    await expect(flipped(t, "RmsNormCheckFailed")).to.be.revertedWithCustomError(llm, "RmsNormCheckFailed");
    await expect(flipped(t, "ProductCheckFailed")).to.be.revertedWithCustomError(lib, "ProductCheckFailed");
  });

  it("RopeCheckFailed: x → Gemm → RoPE", async function () {
    const t = await tampered(built(ropeGraph(4, 16, 8, 6)), ["RopeCheckFailed"], ["rope"]);
    await expect(flipped(t!, "RopeCheckFailed")).to.be.revertedWithCustomError(llm, "RopeCheckFailed");
  });

  it("ConvTransposeCheckFailed: 1l_conv_transpose (corpus)", async function () {
    const t = await tampered(proveCorpus("1l_conv_transpose"), ["ConvTransposeCheckFailed"], ["linear"]);
    if (!t) return this.skip();
    await expect(flipped(t, "ConvTransposeCheckFailed")).to.be.revertedWithCustomError(steps, "ConvTransposeCheckFailed");
  });

  /** x [2, 8] → Gemm → Clip(−0.01, 0.02): the Clip's requantization clamps to a range of one limb (ū derived). */
  function narrowClip(): Graph {
    const g = new TinyGraph();
    const y = g.gemm("fc", g.input("x", [2, 8]), 8, 4, 2);
    return g.build([g.node("clip", "Clip", [y, g.weight("lo", [], 0, -0.01), g.weight("hi", [], 0, 0.02)], [2, 4])]);
  }

  it("RequantDerivedBound: a Clip whose derived column ū is not (hi − lo) − u (a dishonest arena witness, each entry in range)", async function () {
    // The prover's RANGE columns of every requantization with a derived ū get one entry of ū changed (v → v xor 1:
    // still on [0, 2^L), so the arena's range lookup holds); nothing else in the proof is touched. The prover's
    // own walk runs the verifier's check on the arena's claims, so while proving it is handed the value it expects.
    const module = requantLayer as {
      requantRangeColumns: typeof requantLayer.requantRangeColumns;
      splitRangeClaims: typeof requantLayer.splitRangeClaims;
    };
    const [honestColumns, honestSplit] = [module.requantRangeColumns, module.splitRangeClaims];
    let derived = 0;
    module.requantRangeColumns = (geo: RequantGeometry, t: RequantTables) => {
      const columns = honestColumns(geo, t);
      if (!requantLayer.hasDerivedUc(geo)) return columns;
      derived++;
      const last = columns[columns.length - 1].slice();
      last[0] ^= 1n;
      return [...columns.slice(0, -1), last];
    };
    module.splitRangeClaims = (geo: RequantGeometry, range: readonly bigint[]) => {
      if (!requantLayer.hasDerivedUc(geo)) return honestSplit(geo, range);
      const u = range[geo.remLimbs + geo.eLimbs];
      return honestSplit(geo, [...range.slice(0, -1), Fr.sub(Fr.fromSigned(geo.hi - geo.lo), u)]);
    };
    let proved: ProvedModel;
    try {
      proved = built(narrowClip());
    } finally {
      module.requantRangeColumns = honestColumns;
      module.splitRangeClaims = honestSplit;
    }
    expect(derived, "requantizations with a derived ū").to.be.greaterThan(0);
    const plan = verifierPlan(proved.vk, proved.model);
    const program = modelProgram(plan);
    const { input, output, prover } = proved.statement;
    expect(rejection(proved), "the TypeScript verifier's reason").to.match(/derived column/);
    await expect(harness.verify(program, input, output, prover, proved.proof)).to.be.revertedWithCustomError(lib, "RequantDerivedBound");
  });

  it("NormSumsFailed: layernorm (corpus)", async function () {
    const t = await tampered(proveCorpus("layernorm"), ["NormSumsFailed"], ["norm"]);
    if (!t) return this.skip();
    await expect(flipped(t, "NormSumsFailed")).to.be.revertedWithCustomError(attention, "NormSumsFailed");
  });
});
