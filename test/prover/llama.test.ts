/**
 * LLM layers in the whole-model proof (docs/gguf.md, "LLM layers"): token embedding, RMSNorm, RoPE, causal
 * softmax and SwiGLU (SiLU table · Mul) end to end on tiny llama-style graphs and a whole tiny llama — completeness, every proof word altered, a changed output, dishonest
 * provers (a wrong RMSNorm / RoPE output) rejected, and the RoPE / RMSNorm IOPs' own messages tampered.
 */
import { expect } from "chai";
import { executePlan, proveInference, verifierPlan } from "../../src/prover/graph";
import { rejection, tamperedTrace, builtModel, graphSrs, proveModel, PROVER, type ProvedModel } from "./graph-helpers";
import { causalSoftmaxGraph, embeddingGraph, llamaMlpGraph, llamaSrs, proveLlama, rmsNormGraph, ropeGraph, tinyLlamaGraph } from "./llama-helpers";

function proved(graph: Parameters<typeof builtModel>[0]): ProvedModel {
  const { model, trace } = builtModel(graph);
  return proveModel(model, trace);
}

/** Flips the low bit of every 32-byte word: each must be rejected; returns the steps that rejected. */
function everyWordRejected(p: ProvedModel): Set<string> {
  const steps = new Set<string>();
  for (let w = 0; w < p.proof.length / 32; w++) {
    const bad = p.proof.slice();
    bad[32 * w + 31] ^= 1;
    const why = rejection(p, p.statement, bad);
    expect(why, `word ${w}`).to.not.equal("accepted");
    steps.add(why.split(":")[0]);
  }
  return steps;
}

describe("prover: LLM layers (embedding, RMSNorm, RoPE, causal softmax, SwiGLU)", function () {
  this.timeout(600_000);
  let block: ProvedModel;

  before(() => {
    block = proved(llamaMlpGraph(4, 16, 24, 8, 6));
  });

  it("proves and verifies a llama block without attention (RMSNorm, Gemm, RoPE, Add, SiLU·Mul)", () => {
    const kinds = [...block.model.plans.values()].map((p) => p.kind);
    expect(kinds).to.include.members(["rmsnorm", "rope", "table", "mul", "add", "linear"]);
    expect(rejection(block)).to.equal("accepted");
  });

  it("RoPE: every proof word of a RoPE-only proof altered is rejected, the RoPE step among the rejecters", () => {
    const p = proved(ropeGraph(3, 8, 4, 4));
    expect(rejection(p)).to.equal("accepted");
    expect([...everyWordRejected(p)]).to.include("node q_rope (RoPE)");
  });

  it("RMSNorm: every proof word of an RMSNorm-only proof altered is rejected, the RMSNorm step among the rejecters", () => {
    const p = proved(rmsNormGraph(3, 6));
    expect(rejection(p)).to.equal("accepted");
    expect([...everyWordRejected(p)]).to.include("node norm (RMSNorm)");
  });

  it("rejects a changed output value", () => {
    const output = block.statement.output.slice();
    output[3] ^= 1;
    expect(rejection(block, { ...block.statement, output })).to.not.equal("accepted");
  });

  for (const node of ["attn_norm", "q_rope", "ffn_norm"]) {
    for (const delta of [1]) {
      it(`rejects a dishonest proof of a ${node} output off by ${delta}`, () => {
        const bad = tamperedTrace(block.trace, node, 5, delta);
        const forged = proveInference({ setup: block.setup, model: block.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
        expect(rejection(block, forged.statement, forged.proof)).to.not.equal("accepted");
      });
    }
  }

  describe("token embedding (Gather at runtime indices)", () => {
    let emb: ProvedModel;
    before(() => {
      emb = proved(embeddingGraph(3, 12, 8));
    });

    it("proves and verifies tokens → embedding → RMSNorm → Gemm", () => {
      expect(rejection(emb)).to.equal("accepted");
    });

    it("rejects the proof for other public tokens", () => {
      for (const at of [3, 7, 11]) {
        const input = emb.statement.input.slice();
        input[at] ^= 1;
        expect(rejection(emb, { ...emb.statement, input }), `byte ${at}`).to.not.equal("accepted");
      }
    });

    it("rejects every proof word altered", () => {
      everyWordRejected(emb);
    });

    it("rejects a dishonest proof of an embedding row that is not the token's", () => {
      const bad = tamperedTrace(emb.trace, "embed", 2, 1);
      const forged = proveInference({ setup: emb.setup, model: emb.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      expect(rejection(emb, forged.statement, forged.proof)).to.match(/^arena/);
    });
  });

  describe("causal softmax", () => {
    it("every proof word of a causal-softmax-only proof altered is rejected, the step among the rejecters", () => {
      const p = proved(causalSoftmaxGraph(1, 17, 10));
      expect(rejection(p)).to.equal("accepted");
      expect([...everyWordRejected(p)]).to.include("node probs (CausalSoftmax)");
    });

    it("rejects a dishonest proof of a masked probability made nonzero", () => {
      const p = proved(causalSoftmaxGraph(1, 17, 10));
      const bad = tamperedTrace(p.trace, "probs", 1, 1); // row 0, column 1: masked
      const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      expect(rejection(p, forged.statement, forged.proof)).to.not.equal("accepted");
    });
  });

  describe("a whole tiny llama (embedding, attention with RoPE and causal softmax, SwiGLU, logits)", () => {
    let llama: ProvedModel;
    before(() => {
      const { model, trace } = builtModel(tinyLlamaGraph({ T: 20, V: 12, D: 16, F: 24, heads: 2, kvHeads: 1, layers: 1 }));
      llama = proveLlama(model, trace);
    });

    it("proves and verifies every node of the graph", () => {
      expect([...llama.model.plans.values()].map((p) => p.kind)).to.include.members(["causal-softmax", "rope", "rmsnorm", "movement", "linear"]);
      expect(rejection(llama)).to.equal("accepted");
    });

    it("its verifier plan is plain data: it re-executes after a JSON round trip", () => {
      const plan = verifierPlan(llama.vk, llama.model);
      const json = JSON.stringify(plan, (_, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));
      const back = JSON.parse(json, (_, v: unknown) => (v && typeof v === "object" && "bigint" in v ? BigInt((v as { bigint: string }).bigint) : v)) as typeof plan;
      expect(back.nodes.map((n) => n.handler)).to.include.members(["causal-softmax", "rope", "rmsnorm", "embedding"]);
      executePlan(back, llama.statement, llama.proof);
    });

    it("rejects a changed logit", () => {
      const output = llama.statement.output.slice();
      output[output.length - 1] ^= 1;
      expect(rejection(llama, { ...llama.statement, output })).to.not.equal("accepted");
    });

    it("rejects a dishonest proof of an attention probability off by one", () => {
      const bad = tamperedTrace(llama.trace, "blk.0.probs", 25, 1);
      const forged = proveInference({ setup: llama.setup, model: llama.model, srs: llamaSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      expect(rejection(llama, forged.statement, forged.proof)).to.not.equal("accepted");
    });
  });
});
