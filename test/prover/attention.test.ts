/**
 * What `self_attention` needs beyond the division (test/prover/div.test.ts): Where with a constant condition
 * (the causal mask: a constant fill or a second runtime tensor, a rescaled input), Split into aligned and
 * unaligned parts, and a small GPT-2 attention block built like the corpus model (decomposed LayerNorm with its
 * Div, c_attn MatMul, Split, heads by Reshape/Transpose, QKᵀ, scale, causal Where, Softmax, ·V, merge heads,
 * c_proj) — each proved and verified through the driver. Soundness: a masked value changed by a dishonest
 * prover (the driver's unsafe hook) is refused or rejected; every word of the Where proof flipped is rejected.
 * The corpus `self_attention` itself is measured by `deepprove bench` (docs/prover.md), not here.
 */
import { expect } from "chai";
import { importOnnx } from "../../src/model";
import { executePlan, proveInference, verifierPlan } from "../../src/prover/graph";
import { writeModel } from "../model/helpers/harness";
import { seeded, type GraphSpec } from "../model/helpers/onnx-builder";
import { splitRelu } from "../verifier-sol/attention-graphs";
import { rejected, tamperedOutput, builtModel, graphSrs, proveModel, PROVER } from "./graph-helpers";

const T = 4;
/** Lower-triangular causal mask of T × T as a bool tensor [1, 1, T, T] (1 = keep the score). */
const MASK = Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0));

const WHERE_CONSTANT_FILL: GraphSpec = {
  opset: 13,
  inputs: [{ name: "S", dims: [1, 2, T, T] }],
  outputs: [{ name: "Y", dims: [1, 2, T, T] }],
  nodes: [{ op: "Where", inputs: ["M", "F", "S"], outputs: ["Y"] }],
  initializers: [
    { name: "M", type: "bool", dims: [1, 1, T, T], values: MASK.map((v) => 1 - v) },
    { name: "F", dims: [], values: [-1.5] },
  ],
};

const WHERE_TWO_RUNTIME: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "A", dims: [2, T, T] },
    { name: "B", dims: [T] },
  ],
  outputs: [{ name: "Y", dims: [2, T, T] }],
  nodes: [
    { op: "Mul", inputs: ["B", "K"], outputs: ["B2"] },
    { op: "Where", inputs: ["M", "A", "B2"], outputs: ["Y"] },
  ],
  initializers: [
    { name: "M", type: "bool", dims: [T, T], values: MASK },
    // B2 = 3·B: a larger scale than A's, so the plan rescales A to the common scale first.
    { name: "K", dims: [T], values: [3, 3, 3, 3] },
  ],
};

const E = 8; // embedding
const H = 2; // heads
const D = E / H;

/** A GPT-2 attention block (corpus `self_attention`'s operators) on [1, T, E]. */
const ATTENTION: GraphSpec = {
  opset: 13,
  inputs: [{ name: "X", dims: [1, T, E] }],
  outputs: [{ name: "Y", dims: [1, T, E] }],
  nodes: [
    { op: "ReduceMean", inputs: ["X"], outputs: ["mu"], attrs: { axes: [-1] } },
    { op: "Sub", inputs: ["X", "mu"], outputs: ["xc"] },
    { op: "Pow", inputs: ["xc", "two"], outputs: ["sq"] },
    { op: "ReduceMean", inputs: ["sq"], outputs: ["var"], attrs: { axes: [-1] } },
    { op: "Add", inputs: ["var", "eps"], outputs: ["ve"] },
    { op: "Sqrt", inputs: ["ve"], outputs: ["sd"] },
    { op: "Div", inputs: ["xc", "sd"], outputs: ["xn"] },
    { op: "Mul", inputs: ["xn", "gamma"], outputs: ["xg"] },
    { op: "Add", inputs: ["xg", "beta"], outputs: ["ln"] },
    { op: "MatMul", inputs: ["ln", "Wqkv"], outputs: ["qkv"] },
    { op: "Split", inputs: ["qkv", "sizes"], outputs: ["q", "k", "v"], attrs: { axis: 2 } },
    { op: "Reshape", inputs: ["q", "heads"], outputs: ["qh"] },
    { op: "Reshape", inputs: ["k", "heads"], outputs: ["kh"] },
    { op: "Reshape", inputs: ["v", "heads"], outputs: ["vh"] },
    { op: "Transpose", inputs: ["qh"], outputs: ["qt"], attrs: { perm: [0, 2, 1, 3] } },
    { op: "Transpose", inputs: ["kh"], outputs: ["kt"], attrs: { perm: [0, 2, 3, 1] } },
    { op: "Transpose", inputs: ["vh"], outputs: ["vt"], attrs: { perm: [0, 2, 1, 3] } },
    { op: "MatMul", inputs: ["qt", "kt"], outputs: ["s"] },
    { op: "Mul", inputs: ["s", "scale"], outputs: ["ss"] },
    { op: "Where", inputs: ["mask", "fill", "ss"], outputs: ["sm"] },
    { op: "Softmax", inputs: ["sm"], outputs: ["p"], attrs: { axis: -1 } },
    { op: "MatMul", inputs: ["p", "vt"], outputs: ["o"] },
    { op: "Transpose", inputs: ["o"], outputs: ["ot"], attrs: { perm: [0, 2, 1, 3] } },
    { op: "Reshape", inputs: ["ot", "merged"], outputs: ["om"] },
    { op: "MatMul", inputs: ["om", "Wo"], outputs: ["Y"] },
  ],
  initializers: [
    { name: "two", dims: [], values: [2] },
    { name: "eps", dims: [], values: [1e-5] },
    { name: "gamma", dims: [E], values: seeded(E, 11).map((v) => 1 + v / 4) },
    { name: "beta", dims: [E], values: seeded(E, 12).map((v) => v / 4) },
    { name: "Wqkv", dims: [E, 3 * E], values: seeded(3 * E * E, 13) },
    { name: "sizes", type: "int64", dims: [3], values: [E, E, E] },
    { name: "heads", type: "int64", dims: [4], values: [1, T, H, D] },
    { name: "merged", type: "int64", dims: [3], values: [1, T, E] },
    { name: "scale", dims: [], values: [1 / Math.sqrt(D)] },
    { name: "mask", type: "bool", dims: [1, 1, T, T], values: MASK.map((v) => 1 - v) },
    { name: "fill", dims: [], values: [-1] },
    { name: "Wo", dims: [E, E], values: seeded(E * E, 14) },
  ],
};

function built(spec: GraphSpec) {
  return builtModel(importOnnx(writeModel(spec)));
}

describe("prover: attention pieces (Where with a constant mask, Split, an attention block)", function () {
  this.timeout(300_000);

  it("Where with a constant condition and a constant fill: proves, verifies; every word flipped is rejected", () => {
    const { model, trace } = built(WHERE_CONSTANT_FILL);
    expect(model.plans.get(model.graph.nodes[0].name)!.kind).to.equal("select");
    const p = proveModel(model, trace);
    expect(rejected(p)).to.equal(false);
    for (let w = 0; w < p.proof.length / 32; w++) {
      const bad = Uint8Array.from(p.proof);
      bad[w * 32 + 31] ^= 1;
      expect(rejected(p, p.statement, bad), `word ${w}`).to.equal(true);
    }
  });

  it("Where with a constant condition over two runtime inputs, one rescaled: proves and verifies", () => {
    const { model, trace } = built(WHERE_TWO_RUNTIME);
    const where = model.graph.nodes.find((n) => n.op === "Where")!;
    const rescale = (model.plans.get(where.name)!.params as { rescale: unknown[] }).rescale;
    expect(rescale.some((r) => r !== null && r !== undefined)).to.equal(true);
    expect(rejected(proveModel(model, trace))).to.equal(false);
  });

  for (const [what, index, delta] of [
    ["a masked entry (the fill) changed", 1, 1],
    ["a kept entry changed", 0, -1],
  ] as const) {
    it(`Where: a dishonest prover (${what}) is refused or rejected`, () => {
      const { model, trace } = built(WHERE_CONSTANT_FILL);
      const honest = proveModel(model, trace);
      const bad = tamperedOutput(trace, model.graph.nodes[0].name, index, (v) => v + delta);
      let proved;
      try {
        proved = proveInference({ setup: honest.setup, model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      } catch (e) {
        expect(String(e)).to.match(/claim is false|not the sum over the hypercube/);
        return;
      }
      expect(rejected(honest, proved.statement, proved.proof)).to.equal(true);
    });
  }

  it("Split into aligned and unaligned parts: proves and verifies", () => {
    const { model, trace } = built(splitRelu());
    expect(rejected(proveModel(model, trace))).to.equal(false);
  });

  it("a GPT-2 attention block (decomposed LayerNorm, Split, causal Where, Softmax): proves, verifies, the plan re-executes from JSON", () => {
    const { model, trace } = built(ATTENTION);
    const kinds = new Set(model.graph.nodes.map((n) => model.plans.get(n.name)!.kind));
    for (const k of ["div", "select", "softmax", "movement", "linear"]) expect(kinds.has(k), k).to.equal(true);
    const p = proveModel(model, trace);
    expect(rejected(p)).to.equal(false);
    // The steps are plain data (what the Solidity generator serializes): a JSON round trip re-executes.
    const plan = verifierPlan(p.vk, p.model);
    expect(plan.nodes.map((n) => n.handler)).to.include.members(["div", "where-mask", "split"]);
    const json = JSON.stringify(plan, (_, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));
    const back = JSON.parse(json, (_, v: unknown) => (v && typeof v === "object" && "bigint" in v ? BigInt((v as { bigint: string }).bigint) : v)) as typeof plan;
    executePlan(back, p.statement, p.proof);
  });
});
