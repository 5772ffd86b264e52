/**
 * The argmax IOP (src/prover/layers/argmax.ts, nodes/argmax.ts): ONNX ArgMax over the last axis proved exactly —
 * completeness (ties resolved to the first maximum, all-negative rows, padding columns), every proof word of an
 * ArgMax-only proof altered, a changed public index, and dishonest provers (another maximum of a tie, a
 * non-maximum) rejected.
 */
import { expect } from "chai";
import { quantizeGraph, quantizeInputs, runInteger, tensor, type Graph, type IntegerTrace } from "../../src/model";
import type { TensorInfo } from "../../src/model/ir";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { proveInference } from "../../src/prover/graph";
import { rejection, graphSrs, proveModel, PROVER, type ProvedModel } from "../prover/graph-helpers";

const ROWS = 5;
const VOCAB = 12;

/** x [rows, vocab] → ArgMax(axis 1) → next (int64 [rows]). */
function argmaxGraph(rows = ROWS, vocab = VOCAB): Graph {
  const x: TensorInfo = { name: "x", dtype: "float32", shape: [rows, vocab] };
  const next: TensorInfo = { name: "next", dtype: "int64", shape: [rows] };
  return {
    name: "argmax",
    opset: 17,
    inputs: [x],
    outputs: [next],
    nodes: [{ name: "next", op: "ArgMax", domain: "", inputs: ["x"], outputs: ["next"], attrs: { axis: { kind: "int", value: 1 }, keepdims: { kind: "int", value: 0 } } }],
    initializers: new Map(),
    values: new Map<string, TensorInfo>([
      ["x", x],
      ["next", next],
    ]),
  };
}

/** Rows with a tie (columns 3 and 7), all-negative values, the maximum in the last column, a tie at the start. */
const INPUT = [
  [0.1, -0.5, 0.2, 0.9, -1, 0.3, 0, 0.9, 0.4, -0.2, 0.5, 0.1],
  [-1, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.35, -0.45, -0.55, -0.65],
  [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
  [1, 1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, -1],
  [-0.2, 0.4, -0.6, 0.8, -1, 0.1, -0.3, 0.5, -0.7, 0.9, -0.05, 0],
];

function proved(): ProvedModel {
  const graph = argmaxGraph();
  const input = tensor("float32", [ROWS, VOCAB], INPUT.flat());
  const model = quantizeGraph(graph, [[input]], DEFAULT_BITS);
  return proveModel(model, runInteger(model, quantizeInputs(model, [input])));
}

/** The trace with the ArgMax output of row `row` replaced by `index` (the logits unchanged). */
function forcedIndex(trace: IntegerTrace, row: number, index: number): IntegerTrace {
  const change = <T extends { data: Float64Array | ArrayLike<number> }>(t: T): T => ({ ...t, data: Float64Array.from(t.data, (v, i) => (i === row ? index : v)) });
  return {
    ...trace,
    steps: trace.steps.map((s) => (s.node !== "next" ? s : { ...s, values: s.values.map((t) => change(t)) })),
    outputs: trace.outputs.map((o) => ({ ...o, tensor: change(o.tensor) })),
  };
}

function setIndex(bytes: Uint8Array, row: number, index: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(4 * row, index, false);
  return out;
}

function statementIndices(p: ProvedModel, statement = p.statement): number[] {
  const view = new DataView(statement.output.buffer, statement.output.byteOffset, statement.output.byteLength);
  return Array.from({ length: ROWS }, (_, i) => view.getInt32(4 * i, false));
}

describe("llm: the argmax IOP (first maximum, proved by range checks)", function () {
  this.timeout(300_000);
  let p: ProvedModel;
  before(() => {
    p = proved();
  });

  it("proves and verifies; ties go to the first maximum, negative rows are not beaten by padding", () => {
    expect(statementIndices(p)).to.deep.equal([3, 7, 11, 0, 9]);
    expect(rejection(p)).to.equal("accepted");
  });

  it("rejects a changed public index", () => {
    for (const [row, index] of [
      [0, 7],
      [1, 12],
      [2, 10],
      [3, 1],
    ]) {
      const output = setIndex(p.statement.output, row, index);
      expect(rejection(p, { ...p.statement, output }), `row ${row} → ${index}`).to.not.equal("accepted");
    }
  });

  for (const [row, index, what] of [
    [0, 7, "the later maximum of a tie"],
    [3, 1, "the later maximum of a tie at the start"],
    [4, 3, "a non-maximum"],
    [1, 12, "a padding column (index = V)"],
    [1, 15, "the last padding column"],
  ] as const) {
    // A negative gap written as in-range limbs makes the derived X~(ρ) false (caught at X's producer, here the
    // public input); a padding index breaks the one-hot's zero-padding term of the batch.
    it(`rejects a dishonest proof choosing ${what} (witness forced)`, () => {
      const bad = forcedIndex(p.trace, row, index);
      const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      expect(statementIndices(p, forged.statement)[row]).to.equal(index);
      expect(rejection(p, forged.statement, forged.proof)).to.match(/^(node next \(ArgMax\)|graph inputs|arena)/);
    });
  }

  it("proves a classifier's ArgMax over one row ([1, 10]: no row variables)", () => {
    const graph = argmaxGraph(1, 10);
    const input = tensor("float32", [1, 10], [0.1, -0.3, 0.7, 0.2, 0.7, -1, 0, 0.5, 0.6, -0.2]);
    const model = quantizeGraph(graph, [[input]], DEFAULT_BITS);
    const one = proveModel(model, runInteger(model, quantizeInputs(model, [input])));
    expect(new DataView(one.statement.output.buffer).getInt32(0, false)).to.equal(2);
    expect(rejection(one)).to.equal("accepted");
    const output = setIndex(one.statement.output, 0, 4);
    expect(rejection(one, { ...one.statement, output })).to.not.equal("accepted");
  });

  it("rejects every proof word altered, the ArgMax step among the rejecters", () => {
    const steps = new Set<string>();
    for (let w = 0; w < p.proof.length / 32; w++) {
      const bad = p.proof.slice();
      bad[32 * w + 31] ^= 1;
      const why = rejection(p, p.statement, bad);
      expect(why, `word ${w}`).to.not.equal("accepted");
      steps.add(why.split(":")[0]);
    }
    expect([...steps]).to.include("node next (ArgMax)");
  });
});
