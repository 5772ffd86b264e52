/**
 * Tables sized by the model (issue 5): clamp-like activations (ReLU, Clip) proved without a table — fused into
 * their producer's requantization or as a requantization of their input — and the model's limb width.
 * Completeness and soundness of the proofs themselves: test/prover/requant.test.ts, graph*.test.ts.
 */
import { expect } from "chai";
import { compileGraph } from "../../src/prover/graph/compile";
import type { RequantNodeStep } from "../../src/prover/graph/plan";
import { clampLikeBounds } from "../../src/prover/graph/tables";
import { MIN_LIMB_BITS, REQUANT_LIMB_BITS } from "../../src/prover/layers/requant-spec";
import { requantSpec } from "../../src/prover/graph/nodes/requant-step";
import { loadCorpusTrace } from "./corpus-helpers";

describe("prover: tables sized by the model", () => {
  it("clampLikeBounds recognizes clamp tables only (bounds around 0)", () => {
    const bits = 4;
    const domain = Array.from({ length: 16 }, (_, i) => i - 8);
    expect(clampLikeBounds(bits, -8, domain.map((x) => Math.max(x, 0)))).to.deep.equal({ lo: 0, hi: 7 });
    expect(clampLikeBounds(bits, -8, domain.map((x) => Math.min(Math.max(x, -3), 5)))).to.deep.equal({ lo: -3, hi: 5 });
    expect(clampLikeBounds(bits, -8, domain)).to.deep.equal({ lo: -8, hi: 7 });
    expect(clampLikeBounds(bits, -8, domain.map((x) => Math.max(x, 0) >> 1)), "a rescaling ReLU").to.equal(null);
    expect(clampLikeBounds(bits, -8, domain.map((x) => Math.min(Math.max(x, 1), 5))), "bounds above 0").to.equal(null);
    expect(clampLikeBounds(bits, -8, domain.map(() => 0)), "a constant").to.equal(null);
    expect(clampLikeBounds(bits, -7, domain.slice(1)), "not the b-bit domain").to.equal(null);
  });

  it("a ReLU after Gemm is fused: one requantization clamping to [0, qmax], no table but limb ranges", function () {
    const mlp = loadCorpusTrace("1l_mlp");
    if (!mlp) return this.skip();
    const plan = compileGraph(mlp.model);
    expect(plan.nodes.map((n) => n.node)).to.deep.equal(["Gemm_0"]);
    const step = plan.nodes[0] as RequantNodeStep;
    const relu = mlp.model.graph.nodes.find((n) => n.op === "Relu")!;
    expect(step.outputs).to.deep.equal(relu.outputs);
    expect(step.requant.y).to.equal(relu.outputs[0]);
    expect([step.requant.lo, step.requant.hi]).to.deep.equal([0n, 2047n]);
    expect(plan.limbBits).to.equal(MIN_LIMB_BITS);
    // range:6 for full limbs, range:4 for rem's top limb (s = 40: 6 × 6 + 4 bits).
    expect(plan.tables.map((t) => t.id)).to.deep.equal(["range:4", `range:${MIN_LIMB_BITS}`]);
    // The executor's ReLU output is exactly the fused requantization of Gemm's accumulator.
    const gemm = mlp.trace.steps.find((s) => s.node === "Gemm_0")!;
    const reluOut = mlp.trace.steps.find((s) => s.node === relu.name)!.values[0];
    const x = gemm.values[0];
    expect(Array.from(reluOut.data)).to.deep.equal(Array.from(x.data, (v) => Math.max(v, 0)));
    expect(requantSpec(step.requant)).to.include({ lo: 0n, hi: 2047n, limbBits: MIN_LIMB_BITS });
  });

  it("a ReLU on a graph input is a requantization of its input (M = 1, s = 0, identity linear part)", function () {
    const relu = loadCorpusTrace("1l_relu");
    if (!relu) return this.skip();
    const plan = compileGraph(relu.model);
    expect(plan.nodes).to.have.length(1);
    const step = plan.nodes[0] as RequantNodeStep;
    expect(step.handler).to.equal("requant");
    expect(step.linear).to.deep.equal({ iop: "identity", x: relu.model.graph.inputs[0].name });
    expect([step.requant.multiplier, step.requant.shift, step.requant.lo]).to.deep.equal([1n, 0, 0n]);
  });

  it("a Clip keeps the input's scale; one whose bounds exclude 0 keeps its table (the padding's y = 0 must be in range)", function () {
    const clip = loadCorpusTrace("clip");
    if (!clip) return this.skip();
    const node = clip.model.graph.nodes.find((n) => n.op === "Clip")!;
    const params = clip.model.plans.get(node.name)!.params as { inScale: number; outScale: number };
    expect(params.outScale).to.equal(params.inScale);
    const plan = compileGraph(clip.model);
    expect(plan.nodes.map((n) => n.handler)).to.deep.equal(["table"]);
  });

  it("the limb width follows the model: 6 bits for tiny tensors, 12 for the CNN", function () {
    const cnn = loadCorpusTrace("3l_relu_conv_fc");
    if (!cnn) return this.skip();
    const plan = compileGraph(cnn.model);
    expect(plan.limbBits).to.equal(REQUANT_LIMB_BITS);
    expect(plan.nodes.every((n) => n.handler !== "table")).to.equal(true);
    // Limb ranges only: [0, 2^12), rem's top limbs (7 and 9 bits), the fused ReLUs' u on [0, 2^11) (no ū).
    expect(plan.tables.map((t) => t.id)).to.deep.equal(["range:11", `range:${REQUANT_LIMB_BITS}`, "range:7", "range:9"]);
  });
});
