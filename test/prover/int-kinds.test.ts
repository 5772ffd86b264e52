/**
 * The integer kinds of the tree models (docs/prover.md, "Integer kinds for the tree models"): Gather /
 * GatherElements at a runtime index and OneHot (one-hot selection), integer MatMul, Equal, ArgMax of a bounded
 * integer tensor, Cast of a bounded integer to float. Completeness: a built decision tree using every kind
 * (both Equal forms, a committed float table and a carried integer table), the corpus `decision_tree`,
 * `linear_svc` and `hummingbird_decision_tree`. Soundness: every 32-byte word of the built tree's proof flipped
 * is rejected; dishonest traces through the driver's unsafe hook (a gathered value, a leaf index, an Equal bit,
 * a MatMul sum, a OneHot row) are refused or rejected, never accepted; malformed one-hot rows are rejected by the
 * rows IOP itself; the Solidity generator compiles the steps (their on-chain twins: test/verifier-sol/tree.test.ts).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { importOnnx, type IntegerTrace } from "../../src/model";
import { modelProgram } from "../../src/compiler/program/model";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import { integerRange } from "../../src/prover/graph/nodes/int-bounds";
import type { IntGatherNodeStep } from "../../src/prover/graph/nodes/int-gather";
import { oneHotTable, proveOneHotRows, verifyOneHotRows, type IntGatherSpec } from "../../src/prover/layers/int-gather";
import { LayerProofError } from "../../src/prover/claims";
import { Transcript } from "../../src/transcript";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { loadCorpusTrace } from "./corpus-helpers";
import { builtModel, graphSrs, proveModel, PROVER, rejected, tamperedOutput, type ProvedModel } from "./graph-helpers";

/** A small decision tree in the shape the hummingbird / sklearn converters emit, with every integer kind. */
const TREE: GraphSpec = {
  opset: 13,
  inputs: [{ name: "X", dims: [1, 4] }],
  outputs: [
    { name: "Z", type: "int64", dims: [1] },
    { name: "Of", dims: [1, 5] },
    { name: "Z1", type: "int64", dims: [1] },
    { name: "Z2", type: "int64", dims: [1] },
  ],
  initializers: [
    { name: "T", dims: [4], values: [0.1, -0.3, 0.5, 0] },
    { name: "M", type: "int8", dims: [4, 5], values: [1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0] },
    { name: "M2", type: "int8", dims: [4, 5], values: [1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0] },
    { name: "E", type: "int64", dims: [5], values: [1, 2, 2, 1, 2] },
    { name: "V", dims: [5, 3], values: [0.5, -1, 0.25, 2, 0.75, -0.5, 1, 1.5, 0, -2, 0.5, 1, 0, 0.25, 3] },
    { name: "C", type: "int64", dims: [3], values: [7, 11, 13] },
    { name: "D", type: "int64", dims: [1], values: [5] },
    { name: "OV", type: "int64", dims: [2], values: [0, 1] },
    { name: "C5", type: "int64", dims: [5], values: [3, 1, 4, 1, 5] },
    { name: "C6", type: "int64", dims: [5], values: [2, 7, 1, 8, 2] },
  ],
  nodes: [
    { op: "Less", inputs: ["X", "T"], outputs: ["L"] },
    { op: "Cast", inputs: ["L"], outputs: ["Li"], attrs: { to: 3 } },
    { op: "MatMul", inputs: ["Li", "M"], outputs: ["P"] },
    { op: "MatMul", inputs: ["Li", "M2"], outputs: ["P2"] },
    { op: "Cast", inputs: ["P"], outputs: ["Pl"], attrs: { to: 7 } },
    { op: "Equal", inputs: ["Pl", "E"], outputs: ["Q"] },
    { op: "Equal", inputs: ["P", "P2"], outputs: ["Q2"] },
    { op: "Or", inputs: ["Q", "Q2"], outputs: ["A"] },
    { op: "Cast", inputs: ["A"], outputs: ["Ai"], attrs: { to: 6 } },
    { op: "ArgMax", inputs: ["Ai"], outputs: ["I"], attrs: { axis: -1, keepdims: 0 } },
    { op: "Gather", inputs: ["V", "I"], outputs: ["G"], attrs: { axis: 0 } },
    { op: "ArgMax", inputs: ["G"], outputs: ["J"], attrs: { axis: 1, keepdims: 0 } },
    { op: "Gather", inputs: ["C", "J"], outputs: ["Z"], attrs: { axis: 0 } },
    { op: "OneHot", inputs: ["I", "D", "OV"], outputs: ["O"], attrs: { axis: -1 } },
    { op: "Cast", inputs: ["O"], outputs: ["Of"], attrs: { to: 1 } },
    // Two more gathers at I over axes of length 5: the second reuses the first one's H. (The gather of the float
    // weight V at I is a token-embedding lookup and declares no H.)
    { op: "Gather", inputs: ["C6", "I"], outputs: ["Z1"], attrs: { axis: 0 } },
    { op: "Gather", inputs: ["C5", "I"], outputs: ["Z2"], attrs: { axis: 0 } },
  ],
};

/** A dishonest proof of `trace` (unsafe hook) is refused by the prover or rejected by the verifier. */
function dishonestFails(honest: ProvedModel, trace: IntegerTrace): void {
  let proved;
  try {
    proved = proveInference({ setup: honest.setup, model: honest.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
  } catch (e) {
    expect(String(e)).to.match(/claim is false|not the sum over the hypercube|multiplicit|not in the table|outside|trace:|the claim/);
    return;
  }
  expect(rejected(honest, proved.statement, proved.proof)).to.equal(true);
}

describe("prover: integer kinds of the tree models (runtime gather, OneHot, integer MatMul, Equal)", function () {
  this.timeout(300_000);
  let tree: ProvedModel;

  before(() => {
    const { model, trace } = builtModel(importOnnx(writeModel(TREE)));
    tree = proveModel(model, trace);
  });

  const nodeOf = (p: ProvedModel, out: string) => p.model.graph.nodes.find((n) => n.outputs[0] === out)!.name;

  it("a built decision tree with every integer kind proves and verifies", () => {
    const steps = verifierPlan(tree.vk, tree.model).nodes;
    const handlers = new Set(steps.map((s) => s.handler));
    for (const h of ["int-gather", "int-matmul", "int-equal", "int-onehot", "argmax", "embedding"]) expect(handlers.has(h), h).to.equal(true);
    // The gathers of C6 and C5 at I share one H: the later one has no arena column and selects with the first one's slot.
    const shared = steps.filter((s) => s.handler === "int-gather" && (s as IntGatherNodeStep).column === null);
    expect(shared.map((s) => s.outputs[0])).to.deep.equal(["Z2"]);
    // Both outcomes of the constant-operand Equal occur, so the proof is not of a constant bit.
    const q = tree.trace.steps.find((s) => s.outputs[0] === "Q")!.values[0].data;
    expect(new Set(Array.from(q))).to.deep.equal(new Set([0, 1]));
    expect(rejected(tree)).to.equal(false);
  });

  it("Equal of a float activation and a committed float constant proves and verifies", () => {
    const spec: GraphSpec = {
      inputs: [{ name: "X", dims: [1, 4] }],
      outputs: [{ name: "Y", type: "bool", dims: [1, 4] }],
      initializers: [{ name: "C", dims: [1, 4], values: [0.5, -0.5, 0.25, 0] }],
      nodes: [{ op: "Equal", inputs: ["X", "C"], outputs: ["Y"] }],
    };
    const { model, trace } = builtModel(importOnnx(writeModel(spec)));
    expect(rejected(proveModel(model, trace))).to.equal(false);
  });

  for (const name of ["decision_tree", "linear_svc", "hummingbird_decision_tree"]) {
    it(`${name}: proves and verifies`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) return this.skip();
      expect(rejected(proveModel(loaded.model, loaded.trace))).to.equal(false);
    });
  }

  it("static integer ranges: bool casts, MatMul by a constant, ArgMax, a gathered integer table, OneHot", () => {
    const m = tree.model;
    expect(integerRange(m, "Li")).to.deep.equal({ lo: 0, hi: 1 });
    expect(integerRange(m, "P")).to.deep.equal({ lo: 0, hi: 3 });
    expect(integerRange(m, "I")).to.deep.equal({ lo: 0, hi: 4 });
    expect(integerRange(m, "Z")).to.deep.equal({ lo: 7, hi: 13 });
    expect(integerRange(m, "O")).to.deep.equal({ lo: 0, hi: 1 });
    expect(integerRange(m, "X")).to.equal(null);
  });

  it("built tree: every 32-byte word of the proof flipped is rejected", () => {
    for (let w = 0; w < tree.proof.length / 32; w++) {
      const bad = Uint8Array.from(tree.proof);
      bad[w * 32 + 31] ^= 1;
      expect(rejected(tree, tree.statement, bad), `word ${w}`).to.equal(true);
    }
  });

  it("built tree: dishonest integer values (gathered class, leaf index, Equal bits, MatMul sum, OneHot row) are refused or rejected", () => {
    const t = tree.trace;
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "Z"), 0, (v) => v + 1));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "Z2"), 0, (v) => v + 1));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "Q"), 0, (v) => 1 - v));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "Q2"), 3, (v) => 1 - v));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "P"), 3, (v) => v + 1));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "Of"), 0, (v) => v + 1));
    dishonestFails(tree, tamperedOutput(t, nodeOf(tree, "I"), 0, (v) => (v + 1) % 5));
  });

  it("one-hot rows IOP: a row that is not the index's unit vector is rejected", () => {
    const spec: IntGatherSpec = { data: [5], index: [3], out: [3], n: 5, k: 3, r: 1 };
    const index = [4, 0, 2];
    const rhoK = [11n, 23n];
    const run = (h: bigint[], idx: number[]) => {
      const p = proveOneHotRows({ spec, hTable: h, index: idx, rhoK, transcript: new Transcript("t") });
      return () => verifyOneHotRows({ spec, rhoK, proof: p.proof, transcript: new Transcript("t") });
    };
    expect(run(oneHotTable(spec, index), index)).not.to.throw();
    // The prover refuses a wrong index or a row of two ones (its sum-check claim is false) …
    const two = oneHotTable(spec, index);
    two[(1 << 3) + 1] = 1n;
    expect(() => run(two, index)).to.throw(LayerProofError, /claim is false/);
    expect(() => run(oneHotTable(spec, index), [3, 0, 2])).to.throw(LayerProofError, /claim is false/);
    // … a dishonest prover that skips that check is rejected by the verifier …
    const dishonest = (h: bigint[], idx: number[]) => {
      const p = proveOneHotRows({ spec, hTable: h, index: idx, rhoK, transcript: new Transcript("t"), unsafe: true });
      return () => verifyOneHotRows({ spec, rhoK, proof: p.proof, transcript: new Transcript("t") });
    };
    expect(dishonest(two, index)).to.throw(LayerProofError, /do not sum to the indices/);
    expect(dishonest(oneHotTable(spec, index), [3, 0, 2])).to.throw(LayerProofError, /do not sum to the indices/);
    const empty = oneHotTable(spec, index);
    empty[(2 << 3) + 2] = 0n; // row 2 all zero: neither a unit vector nor the index
    expect(dishonest(empty, index)).to.throw(LayerProofError, /do not sum to the indices/);
    // … and a proof with a tampered index value or final value is rejected.
    const good = proveOneHotRows({ spec, hTable: oneHotTable(spec, index), index, rhoK, transcript: new Transcript("t") }).proof;
    for (const bad of [{ ...good, index: Fr.add(good.index, 1n) }, { ...good, h: Fr.add(good.h, 1n) }]) {
      expect(() => verifyOneHotRows({ spec, rhoK, proof: bad, transcript: new Transcript("t") })).to.throw(LayerProofError);
    }
  });

  // The on-chain twins (ModelVerifierTree) are tested differentially in test/verifier-sol/tree.test.ts.
  it("the Solidity generator compiles the integer kinds", () => {
    const plan = verifierPlan(tree.vk, tree.model);
    expect(modelProgram(plan).length).to.be.greaterThan(0);
  });
});
