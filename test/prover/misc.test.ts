/**
 * The remaining corpus kinds of session 4 (docs/prover.md, "Remaining corpus kinds"): rank-1 ArgMax, Pow of a
 * constant base, a runtime-condition Where, integer Div by a constant, ScatterND / ScatterElements at constant and
 * at runtime indices, TopK, Cast of an integer graph input, and EZKL input files of pruned torch arguments.
 * Completeness: the ten corpus models these unlock, and built graphs with negative dividends and divisors, int32
 * extremes, broadcast and rescaled Where operands, rescaled and integer scatters (a carried constant), TopK with
 * ties (largest and smallest, rank 1 and 2, float and integer inputs).
 * Soundness: every 32-byte word flipped of the integer-Div proof and of one-node runtime-Where, runtime-scatter and
 * TopK proofs is rejected; dishonest traces (the driver's unsafe witness hook) — a quotient ± 1, a Where or Scatter
 * output ± 1, a forced duplicate scatter index, a wrong argmax, swapped or tied TopK outputs, an index out of range —
 * are refused by the prover's IOPs or rejected by the verifier, never accepted; the on-chain generator compiles
 * every new handler.
 */
import { expect } from "chai";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type Graph, type IntegerTrace, type QuantizedModel, type Tensor } from "../../src/model";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { parseInputs } from "../../src/model/input";
import { modelProgram } from "../../src/compiler/program/model";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import { compileGraph } from "../../src/prover/graph/compile";
import type { RuntimeWhereNodeStep } from "../../src/prover/graph/nodes/where-runtime";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { SMALL_SCATTER, SMALL_TOPK, SMALL_WHERE, WHERE_GRAPH } from "./indexed-graphs";
import { loadCorpusTrace } from "./corpus-helpers";
import { builtModel, graphSrs, proveModel, PROVER, rejected, rejection, tamperedOutput, type ProvedModel } from "./graph-helpers";

/** X int64 [2, 6] → trunc(X / −3) and trunc(X / 7) (ONNX integer Div), both graph outputs. */
const DIV_GRAPH = {
  opset: 13,
  inputs: [{ name: "X", type: "int64" as const, dims: [2, 6] }],
  outputs: [
    { name: "Q", type: "int64" as const, dims: [2, 6] },
    { name: "P", type: "int64" as const, dims: [2, 6] },
  ],
  initializers: [
    { name: "D", type: "int64" as const, dims: [], values: [-3] },
    { name: "E", type: "int64" as const, dims: [], values: [7] },
  ],
  nodes: [
    { op: "Div", inputs: ["X", "D"], outputs: ["Q"] },
    { op: "Div", inputs: ["X", "E"], outputs: ["P"] },
  ],
};

/** Negative and positive dividends, exact multiples, zeros and the int32 extremes. */
const DIV_INPUT = [-2147483648, -17, -9, -7, -1, 0, 1, 3, 6, 14, 20, 2147483647];


/** ScatterND (rows 1 and 3 of X replaced by U) then ScatterElements (columns by a constant index tensor). */
const SCATTER_GRAPH = {
  opset: 16,
  inputs: [
    { name: "X", dims: [4, 3] },
    { name: "U", dims: [2, 3] },
    { name: "V", dims: [4, 1] },
  ],
  outputs: [{ name: "Z", dims: [4, 3] }],
  initializers: [
    { name: "I", type: "int64" as const, dims: [2, 1], values: [1, 3] },
    { name: "J", type: "int64" as const, dims: [4, 1], values: [2, 0, 1, 2] },
  ],
  nodes: [
    { op: "ScatterND", inputs: ["X", "I", "U"], outputs: ["S"] },
    { op: "ScatterElements", inputs: ["S", "J", "V"], outputs: ["Z"], attrs: { axis: 1 } },
  ],
};


/** The proof of a small graph on fixed inputs (indices distinct per row; values with a tie). */
function smallProof(spec: GraphSpec, handler: string): ProvedModel {
  const graph = importOnnx(writeModel(spec));
  const fixed: Record<string, number[]> = { C: [1, 0, 0, 1, 1, 1, 0, 0], I: [4, 0, 2, 3], U: [7, -8, 9, -10], D: [1, -2, 3, -4, 5, -6, 7, -8, 9, -10] };
  const inputs: Tensor[] = graph.inputs.map((info) => {
    const size = info.shape.reduce((p, d) => p * d, 1);
    const data = fixed[info.name] ?? Array.from({ length: size }, (_, k) => (info.dtype === "int64" ? [3, -1, 3, 8, 0][k % 5] + k : (k % 5) / 2 - 1));
    return { dtype: info.dtype, shape: info.shape, data: Float64Array.from(data.slice(0, size)) };
  });
  const { model, trace } = modelOn(graph, inputs);
  expect(compileGraph(model).nodes.map((n) => n.handler)).to.deep.equal([handler]);
  const p = proveModel(model, trace);
  expect(rejection(p)).to.equal("accepted");
  return p;
}

/** Quantizes a graph on given inputs (calibrated on them) and runs it. */
function modelOn(graph: Graph, inputs: Tensor[]): { model: QuantizedModel; trace: IntegerTrace } {
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  return { model, trace: runInteger(model, quantizeInputs(model, inputs)) };
}

function divModel(): { model: QuantizedModel; trace: IntegerTrace } {
  const graph = importOnnx(writeModel(DIV_GRAPH));
  return modelOn(graph, [{ dtype: "int64", shape: [2, 6], data: Float64Array.from(DIV_INPUT) }]);
}

/** Every 32-byte word of the proof flipped (its last byte) is rejected. */
function everyWordRejected(p: ProvedModel): void {
  for (let w = 0; w < p.proof.length / 32; w++) {
    const bad = Uint8Array.from(p.proof);
    bad[w * 32 + 31] ^= 1;
    expect(rejected(p, p.statement, bad), `word ${w}`).to.equal(true);
  }
}

/** A dishonest proof of `trace` (unsafe hook) is refused by one of the prover's IOPs or rejected by the verifier. */
function dishonestFails(honest: ProvedModel, trace: IntegerTrace): string {
  let proved;
  try {
    proved = proveInference({ setup: honest.setup, model: honest.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
  } catch (e) {
    expect(String(e)).to.match(/claim is false|not the sum over the hypercube|multiplicit|not in the table|outside|linear combination|hadamard/);
    return String(e);
  }
  const why = rejection(honest, proved.statement, proved.proof);
  expect(why).to.not.equal("accepted");
  return why;
}

/**
 * The on-chain program generator compiles the plan (the step's Solidity twin is in ModelVerifierIndexed; the
 * differential tests are test/verifier-sol/indexed*.test.ts).
 */
function compiledOnChain(p: ProvedModel, handler: string): void {
  const plan = verifierPlan(p.vk, p.model);
  expect(plan.nodes.map((s) => s.handler)).to.include(handler);
  expect(modelProgram(plan).length).to.be.greaterThan(0);
}

const nodeOf = (model: QuantizedModel, output: string) => model.graph.nodes.find((n) => n.outputs[0] === output)!.name;

describe("prover: remaining corpus kinds (rank-1 ArgMax, constant-base Pow, runtime Where, integer Div, Scatter)", function () {
  this.timeout(300_000);

  for (const name of ["hard_max", "general_exp", "bitwise_ops", "1l_where", "integer_div", "bitshift", "hierarchical_risk"]) {
    it(`${name}: proves and verifies`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) return this.skip();
      const p = proveModel(loaded.model, loaded.trace);
      expect(rejection(p)).to.equal("accepted");
    });
  }

  it("hard_max: a dishonest index (the rank-1 argmax) is refused or rejected", function () {
    const loaded = loadCorpusTrace("hard_max");
    if (!loaded) return this.skip();
    const honest = proveModel(loaded.model, loaded.trace);
    const argmax = loaded.model.graph.nodes.find((n) => n.op === "ArgMax")!.name;
    for (const change of [(v: number) => (v + 1) % 8, (v: number) => (v + 7) % 8]) dishonestFails(honest, tamperedOutput(loaded.trace, argmax, 0, change));
  });

  it("general_exp: a dishonest c ** x table output is refused or rejected", function () {
    const loaded = loadCorpusTrace("general_exp");
    if (!loaded) return this.skip();
    const honest = proveModel(loaded.model, loaded.trace);
    dishonestFails(honest, tamperedOutput(loaded.trace, loaded.model.graph.nodes[0].name, 3, (v) => v + 1));
  });

  describe("integer Div by a constant", () => {
    let honest: ProvedModel;
    before(() => {
      const { model, trace } = divModel();
      honest = proveModel(model, trace);
    });

    it("truncates toward zero for negative dividends and divisors and the int32 extremes, and verifies", () => {
      const q = honest.trace.outputs.find((o) => o.name === "Q")!.tensor.data;
      expect(Array.from(q)).to.deep.equal(DIV_INPUT.map((x) => Math.trunc(x / -3) + 0));
      expect(rejection(honest)).to.equal("accepted");
    });

    it("every 32-byte word of the proof flipped is rejected", () => everyWordRejected(honest));

    it("the on-chain generator compiles the step", () => compiledOnChain(honest, "exact-div"));

    it("a dishonest quotient (± 1, at a negative, a zero and a positive dividend) is refused or rejected", () => {
      for (const output of ["Q", "P"]) {
        for (const at of [1, 5, 9]) for (const delta of [1, -1]) dishonestFails(honest, tamperedOutput(honest.trace, nodeOf(honest.model, output), at, (v) => v + delta));
      }
    });

    it("a zero divisor is refused at compile time, naming the node", () => {
      const spec = { ...DIV_GRAPH, initializers: [{ name: "D", type: "int64" as const, dims: [], values: [0] }, DIV_GRAPH.initializers[1]] };
      const graph = importOnnx(writeModel(spec));
      const inputs = [{ dtype: "int64" as const, shape: [2, 6], data: Float64Array.from(DIV_INPUT.map((v) => (v === 0 ? 1 : v))) }];
      let err: unknown;
      try {
        const { model, trace } = modelOn(graph, inputs);
        proveModel(model, trace);
      } catch (e) {
        err = e;
      }
      expect(String(err)).to.match(/node "Div_0" \(Div, kind exact\).*the divisor 0 is not a non-zero integer/);
    });
  });

  describe("Where with a runtime condition", () => {
    let honest: ProvedModel;
    before(() => {
      const { model, trace } = builtModel(importOnnx(writeModel(WHERE_GRAPH)));
      honest = proveModel(model, trace);
    });

    it("proves and verifies (both condition values occur; a rescaled, a broadcast and a constant operand)", () => {
      const steps = compileGraph(honest.model).nodes.filter((s) => s.op === "Where") as RuntimeWhereNodeStep[];
      expect(steps.map((s) => s.handler)).to.deep.equal(["where-runtime", "where-runtime"]);
      // Z = Where(G, W, 0.5): a committed constant; W = Where(C, X, 2Y): X rescaled to 2Y's scale, 2Y broadcast.
      expect(steps.map((s) => s.data.map((d) => [d.shape, d.rescale !== null]))).to.deep.equal([
        [[[2, 3, 4], false], [[1], false]],
        [[[2, 3, 4], true], [[3, 1], false]],
      ]);
      const c = honest.trace.steps.find((s) => s.outputs[0] === "C")!.values[0].data;
      expect(new Set(Array.from(c))).to.deep.equal(new Set([0, 1]));
      expect(rejection(honest)).to.equal("accepted");
    });

    it("every 32-byte word of a small runtime-Where proof (bool input condition, 0-d constant operand) flipped is rejected", () => everyWordRejected(smallProof(SMALL_WHERE, "where-runtime")));

    it("the on-chain generator compiles the step", () => compiledOnChain(honest, "where-runtime"));

    it("a dishonest output (± 1 where c = 1 and where c = 0) is refused or rejected", () => {
      for (const out of ["W", "Z"]) for (const at of [0, 7, 13]) dishonestFails(honest, tamperedOutput(honest.trace, nodeOf(honest.model, out), at, (v) => v + 1));
    });
  });

  describe("ScatterND / ScatterElements with constant indices", () => {
    let honest: ProvedModel;
    before(() => {
      const { model, trace } = builtModel(importOnnx(writeModel(SCATTER_GRAPH)));
      honest = proveModel(model, trace);
    });

    it("proves and verifies", () => expect(rejection(honest)).to.equal("accepted"));

    it("a dishonest output (a scattered and a kept entry) is refused or rejected", () => {
      for (const out of ["S", "Z"]) for (const at of [0, 4]) dishonestFails(honest, tamperedOutput(honest.trace, nodeOf(honest.model, out), at, (v) => v + 1));
    });
  });

  describe("ScatterElements / ScatterND at runtime indices", () => {
    /** ScatterElements of V [3, 2] into X [3, 5] along axis 1 at runtime I, then ScatterND of W [2] into the int constant Z [6] at J [2, 1]. */
    const spec = {
      opset: 16,
      inputs: [
        { name: "X", dims: [3, 5] },
        { name: "I", type: "int64" as const, dims: [3, 2] },
        { name: "V", dims: [3, 2] },
        { name: "J", type: "int64" as const, dims: [2, 1] },
        { name: "W", type: "int64" as const, dims: [2] },
      ],
      outputs: [
        { name: "Y", dims: [3, 5] },
        { name: "Q", type: "int64" as const, dims: [6] },
      ],
      initializers: [{ name: "Z", type: "int64" as const, dims: [6], values: [0, -1, 2, -3, 4, -5] }],
      nodes: [
        { op: "ScatterElements", inputs: ["X", "I", "V"], outputs: ["Y"], attrs: { axis: 1 } },
        { op: "ScatterND", inputs: ["Z", "J", "W"], outputs: ["Q"] },
      ],
    };
    const inputsWith = (i: number[], j: number[]): Tensor[] => [
      { dtype: "float32", shape: [3, 5], data: Float64Array.from({ length: 15 }, (_, k) => (k % 7) / 4 - 0.5) },
      { dtype: "int64", shape: [3, 2], data: Float64Array.from(i) },
      { dtype: "float32", shape: [3, 2], data: Float64Array.from([1.5, -2, 0.75, 3, -1, 2.5]) },
      { dtype: "int64", shape: [2, 1], data: Float64Array.from(j) },
      { dtype: "int64", shape: [2], data: Float64Array.from([40, -7]) },
    ];
    let honest: ProvedModel;
    before(() => {
      const { model, trace } = modelOn(importOnnx(writeModel(spec)), inputsWith([4, 0, 1, 2, 3, 4], [5, 2]));
      honest = proveModel(model, trace);
    });

    it("proves and verifies (a rescaled float scatter, an integer scatter into a carried constant)", () => {
      expect(Array.from(honest.trace.outputs.find((o) => o.name === "Q")!.tensor.data)).to.deep.equal([0, -1, -7, -3, 4, 40]);
      expect(rejection(honest)).to.equal("accepted");
    });

    it("every 32-byte word of a small integer runtime-scatter proof flipped is rejected", () => everyWordRejected(smallProof(SMALL_SCATTER, "scatter-runtime")));

    it("the on-chain generator compiles the step", () => compiledOnChain(honest, "scatter-runtime"));

    it("a dishonest output (a scattered and a kept entry) is refused or rejected", () => {
      for (const out of ["Y", "Q"]) for (const at of [0, 2, 4]) dishonestFails(honest, tamperedOutput(honest.trace, nodeOf(honest.model, out), at, (v) => v + 1));
    });

    it("a duplicate index forced through the unsafe hook (a hit count of 2) is refused or rejected", () => {
      const trace = runInteger(honest.model, quantizeInputs(honest.model, inputsWith([4, 4, 1, 2, 3, 4], [2, 2])));
      dishonestFails(honest, trace);
    });

    it("a duplicate or negative index is refused by the prover with a clear error, naming the node", () => {
      for (const [i, why] of [
        [[4, 4, 1, 2, 3, 4], /column 4 is written twice/],
        [[-1, 0, 1, 2, 3, 4], /index 0 is -1: outside \[0, 5\)/],
      ] as const) {
        const { model, trace } = modelOn(importOnnx(writeModel(spec)), inputsWith([...i], [5, 2]));
        expect(() => proveModel(model, trace)).to.throw(new RegExp(`node ${nodeOf(model, "Y")}: .*${why.source}`));
      }
    });
  });

  describe("input files of pruned torch arguments", () => {
    const graphOf = (names: string[]) => importOnnx(writeModel({ opset: 13, inputs: names.map((name) => ({ name, type: "bool" as const, dims: [1, 2] })), outputs: [{ name: "Z", type: "bool" as const, dims: [1, 2] }], nodes: [{ op: "Or", inputs: names, outputs: ["Z"] }] }));
    const file = JSON.stringify({ input_data: [[true, true], [false, true], [true, false], [false, false]] });

    it('reads "input<k>" from list k and ignores the other lists', () => {
      const t = parseInputs(file, graphOf(["input1", "input3"]), "f.json");
      expect(t.map((x) => Array.from(x.data))).to.deep.equal([[0, 1], [0, 0]]);
      expect(parseInputs(file, graphOf(["input", "input2"]), "f.json").map((x) => Array.from(x.data))).to.deep.equal([[1, 1], [1, 0]]);
    });

    it("refuses other names, positions beyond the file and decreasing positions with the count error", () => {
      for (const names of [["a", "b"], ["input2", "input4"], ["input3", "input1"]]) {
        expect(() => parseInputs(file, graphOf(names), "f.json")).to.throw(/f\.json: the model has 2 input\(s\).*the file gives 4/);
      }
    });
  });
});

/** TopK (k = 3) largest and smallest of X [3, 5] with ties; values and indices both reach the outputs. */
const TOPK_GRAPH = {
  opset: 13,
  inputs: [
    { name: "X", dims: [3, 5] },
    { name: "Y", type: "int64" as const, dims: [6] },
  ],
  outputs: [
    { name: "A", dims: [3, 3] },
    { name: "IA", type: "int64" as const, dims: [3, 3] },
    { name: "B", dims: [3, 3] },
    { name: "IB", type: "int64" as const, dims: [3, 3] },
    { name: "C", type: "int64" as const, dims: [4] },
  ],
  initializers: [
    { name: "K", type: "int64" as const, dims: [1], values: [3] },
    { name: "K4", type: "int64" as const, dims: [1], values: [4] },
  ],
  nodes: [
    { op: "TopK", inputs: ["X", "K"], outputs: ["A", "IA"] },
    { op: "TopK", inputs: ["X", "K"], outputs: ["B", "IB"], attrs: { largest: 0 } },
    { op: "TopK", inputs: ["Y", "K4"], outputs: ["C", "IC"] },
  ],
};

/** Rows with ties (equal values keep the lower index first), negatives, and an all-equal row; Y int with ties. */
const TOPK_X = [0.5, -1, 0.5, 2, -1, 1, 1, 1, 1, 1, -2, 0.25, -0.75, 1.5, 0.25];
const TOPK_Y = [2, 1, 5, 4, 8, 5];

describe("prover: TopK (values and indices, exact)", function () {
  this.timeout(300_000);
  let honest: ProvedModel;
  before(() => {
    const graph = importOnnx(writeModel(TOPK_GRAPH));
    const { model, trace } = modelOn(graph, [
      { dtype: "float32", shape: [3, 5], data: Float64Array.from(TOPK_X) },
      { dtype: "int64", shape: [6], data: Float64Array.from(TOPK_Y) },
    ]);
    honest = proveModel(model, trace);
  });

  it("1l_topk: proves and verifies", function () {
    const loaded = loadCorpusTrace("1l_topk");
    if (!loaded) return this.skip();
    expect(rejection(proveModel(loaded.model, loaded.trace))).to.equal("accepted");
  });

  it("largest / smallest with ties, rank 1 and rank 2, float and integer inputs: the executor's order, verified", () => {
    const out = (name: string) => Array.from(honest.trace.outputs.find((o) => o.name === name)!.tensor.data);
    expect(out("IA")).to.deep.equal([3, 0, 2, 0, 1, 2, 3, 1, 4]);
    expect(out("IB")).to.deep.equal([1, 4, 0, 0, 1, 2, 0, 2, 1]);
    expect(out("C")).to.deep.equal([8, 5, 5, 4]);
    expect(rejection(honest)).to.equal("accepted");
  });

  it("every 32-byte word of a one-node TopK proof flipped is rejected", () => everyWordRejected(smallProof(SMALL_TOPK, "topk")));

  it("the on-chain generator compiles the step", () => compiledOnChain(honest, "topk"));

  it("dishonest outputs (the tied index swapped, two outputs swapped, the next value, an index out of range) are refused or rejected", () => {
    const topA = nodeOf(honest.model, "A");
    const topB = nodeOf(honest.model, "B");
    const swap = (trace: IntegerTrace, node: string, which: 0 | 1, a: number, b: number): IntegerTrace => ({
      ...trace,
      steps: trace.steps.map((s) => {
        if (s.node !== node) return s;
        const values = s.values.map((t, j) => {
          if (j !== which) return t;
          const d = Float64Array.from(t.data);
          [d[a], d[b]] = [d[b], d[a]];
          return { ...t, data: d };
        });
        return { ...s, values };
      }),
      outputs: trace.outputs.map((o) => {
        const s = trace.steps.find((t) => t.node === node)!;
        if (o.name !== s.outputs[which]) return o;
        const d = Float64Array.from(o.tensor.data);
        [d[a], d[b]] = [d[b], d[a]];
        return { ...o, tensor: { ...o.tensor, data: d } };
      }),
    });
    const indicesOf = (node: string, at: number, change: (v: number) => number): IntegerTrace => {
      const t = honest.trace;
      const s = t.steps.find((x) => x.node === node)!;
      const values = s.values.map((v, j) => (j === 1 ? { ...v, data: Float64Array.from(v.data, (x, i) => (i === at ? change(x) : x)) } : v));
      return { ...t, steps: t.steps.map((x) => (x === s ? { ...s, values } : x)), outputs: t.outputs.map((o) => (o.name === s.outputs[1] ? { ...o, tensor: values[1] } : o)) };
    };
    // Row 0 of A: x[3] = 2, then the tie x[0] = x[2] = 0.5: indices [3, 0, 2]; swapping the tie keeps the values.
    dishonestFails(honest, swap(honest.trace, topA, 1, 1, 2));
    dishonestFails(honest, swap(honest.trace, topA, 0, 0, 1));
    dishonestFails(honest, swap(honest.trace, topB, 1, 3, 4));
    dishonestFails(honest, tamperedOutput(honest.trace, topA, 8, (v) => v - 1));
    dishonestFails(honest, indicesOf(topA, 2, () => 4));
    dishonestFails(honest, indicesOf(topB, 0, () => 7));
  });
});
