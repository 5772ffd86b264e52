/**
 * Runtime gathers beyond the narrow form (docs/prover.md, "GatherElements over wide data axes", "GatherND at a
 * runtime index", "Exact integer movement"): GatherElements over data axes of any size, GatherND through TF's
 * index lowering (an integer Concat with a constant, a Cast, a Slice). Completeness: built graphs with every data
 * kind (activation, carried integer table, committed float table), non-power-of-two axes, an index narrower than
 * the data off the gathered axis, GatherND with one and two components; the corpus `gather_elements` and
 * `gather_nd`. Soundness: every 32-byte word of each built proof flipped is rejected; dishonest traces through the
 * driver's unsafe hook (a gathered value, an index component, a Concat or Slice output) are refused or rejected;
 * the rows IOP with two components rejects a row at the wrong coordinates.
 */
import { expect } from "chai";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type Graph, type IntegerTrace, type Tensor } from "../../src/model";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import type { IntGatherNodeStep } from "../../src/prover/graph/nodes/int-gather";
import { proveRows, verifyRows, type OneHotRowsView } from "../../src/prover/layers/int-gather";
import { LayerProofError } from "../../src/prover/claims";
import { Transcript } from "../../src/transcript";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { graphSrs, proveCorpus, proveModel, PROVER, rejected, rejection, tamperedOutput, type ProvedModel } from "./graph-helpers";

/** Wide GatherElements: an activation, a carried integer table and a committed float table, on non-power-of-two axes. */
const ELEMENTS: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "X", dims: [3, 5, 6] },
    { name: "I", type: "int64", dims: [2, 4, 3] },
    { name: "J", type: "int64", dims: [2, 4] },
    { name: "K", type: "int64", dims: [2, 3] },
  ],
  outputs: [
    { name: "G", dims: [2, 4, 3] },
    { name: "H", type: "int64", dims: [2, 4] },
    { name: "F", dims: [2, 3] },
  ],
  initializers: [
    { name: "C", type: "int64", dims: [3, 4], values: [7, -2, 5, 9, 1, 4, -6, 8, 3, 0, 2, 11] },
    { name: "W", dims: [2, 7], values: [0.5, -1, 0.25, 2, 0.75, -0.5, 1, 1.5, 0, -2, 0.5, 1, 0, 0.25] },
  ],
  nodes: [
    { op: "GatherElements", inputs: ["X", "I"], outputs: ["G"], attrs: { axis: 1 } },
    { op: "GatherElements", inputs: ["C", "J"], outputs: ["H"], attrs: { axis: 0 } },
    { op: "GatherElements", inputs: ["W", "K"], outputs: ["F"], attrs: { axis: -1 } },
  ],
};

/** GatherND as TF lowers it: Concat(constant batch index, runtime index) → Cast → GatherND; a Slice of the index → GatherND of depth 1; depth 2 into rank-2 data. */
const ND: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "X", dims: [3, 5, 4] },
    { name: "Z", dims: [3, 2] },
    { name: "Q", dims: [3, 5] },
    { name: "J", type: "int64", dims: [4, 1] },
  ],
  outputs: [
    { name: "Y", dims: [4, 4] },
    { name: "V", dims: [4, 2] },
    { name: "U", dims: [4] },
    { name: "T3", type: "int64", dims: [4, 3] },
  ],
  initializers: [
    { name: "B", type: "int64", dims: [4, 1], values: [0, 2, 1, 2] },
    { name: "s0", type: "int64", dims: [1], values: [0] },
    { name: "s1", type: "int64", dims: [1], values: [1] },
  ],
  nodes: [
    { op: "Concat", inputs: ["B", "J"], outputs: ["T"], attrs: { axis: 1 } },
    { op: "Cast", inputs: ["T"], outputs: ["T32"], attrs: { to: 6 } },
    { op: "GatherND", inputs: ["X", "T32"], outputs: ["Y"] },
    { op: "Slice", inputs: ["T", "s0", "s1", "s1"], outputs: ["S"] },
    { op: "GatherND", inputs: ["Z", "S"], outputs: ["V"] },
    // Depth = the data's rank: one element per index row.
    { op: "GatherND", inputs: ["Q", "T32"], outputs: ["U"] },
    // A Concat of two activations around a constant: the prover sends the first activation's part.
    { op: "Concat", inputs: ["J", "B", "J"], outputs: ["T3"], attrs: { axis: 1 } },
  ],
};

/** A seeded float in [-2, 2). */
function floats(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 4 - 2;
  });
}

/** The graph quantized and run on its float inputs (seeded) and the given integer inputs. */
function built(spec: GraphSpec, ints: Record<string, number[]>): { model: ReturnType<typeof quantizeGraph>; trace: IntegerTrace } {
  const graph: Graph = importOnnx(writeModel(spec));
  const inputs: Tensor[] = graph.inputs.map((info, i) => {
    const size = info.shape.reduce((p, d) => p * d, 1);
    return { dtype: info.dtype, shape: info.shape, data: Float64Array.from(ints[info.name] ?? floats(size, 11 + i)) };
  });
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  return { model, trace: runInteger(model, quantizeInputs(model, inputs)) };
}

/** A dishonest proof of `trace` (unsafe hook) is refused by the prover or rejected by the verifier. */
function dishonestFails(honest: ProvedModel, trace: IntegerTrace): void {
  let proved;
  try {
    proved = proveInference({ setup: honest.setup, model: honest.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
  } catch (e) {
    expect(String(e)).to.match(/claim is false|not the sum over the hypercube|outside|trace:|the claim/);
    return;
  }
  expect(rejected(honest, proved.statement, proved.proof)).to.equal(true);
}

function everyWordRejected(p: ProvedModel): void {
  for (let w = 0; w < p.proof.length / 32; w++) {
    const bad = Uint8Array.from(p.proof);
    bad[w * 32 + 31] ^= 1;
    expect(rejected(p, p.statement, bad), `word ${w}`).to.equal(true);
  }
}

const nodeOf = (p: ProvedModel, out: string) => p.model.graph.nodes.find((n) => n.outputs[0] === out)!.name;

describe("prover: runtime GatherElements over wide axes, GatherND and exact integer movement", function () {
  this.timeout(300_000);
  let elements: ProvedModel;
  let nd: ProvedModel;

  before(() => {
    const e = built(ELEMENTS, { I: [4, 0, 2, 1, 3, 3, 0, 4, 1, 2, 2, 0, 0, 1, 4, 3, 2, 1, 4, 4, 0, 1, 0, 3], J: [2, 0, 1, 1, 0, 2, 2, 1], K: [6, 0, 3, 1, 5, 2] });
    elements = proveModel(e.model, e.trace);
    const n = built(ND, { J: [4, 0, 3, 1] });
    nd = proveModel(n.model, n.trace);
  });

  const gathers = (p: ProvedModel) => verifierPlan(p.vk, p.model).nodes.filter((s) => s.handler === "int-gather") as IntGatherNodeStep[];

  it("wide GatherElements (activation data, a carried integer table, a committed float table) proves and verifies", () => {
    const steps = gathers(elements);
    expect(steps.map((s) => s.elements?.axis)).to.have.members([1, 0, 1]);
    expect(steps.every((s) => s.column !== null)).to.equal(true);
    expect(rejection(elements)).to.equal("accepted");
  });

  it("GatherND through an integer Concat with a constant, a Cast and a Slice proves and verifies", () => {
    const plan = verifierPlan(nd.vk, nd.model).nodes;
    expect(plan.filter((s) => s.handler === "int-concat").map((s) => s.outputs[0])).to.have.members(["T", "T3"]);
    expect(gathers(nd).map((s) => s.nd?.dims)).to.have.deep.members([[3, 5], [3], [3, 5]]);
    expect(rejection(nd)).to.equal("accepted");
  });

  for (const name of ["gather_elements", "gather_nd"]) {
    it(`${name}: proves and verifies`, function () {
      const p = proveCorpus(name);
      if (!p) return this.skip();
      expect(rejection(p)).to.equal("accepted");
    });
  }

  it("every 32-byte word of both proofs flipped is rejected", () => {
    everyWordRejected(elements);
    everyWordRejected(nd);
  });

  it("dishonest gathered values, index components and integer moves are refused or rejected", () => {
    const e = elements.trace;
    dishonestFails(elements, tamperedOutput(e, nodeOf(elements, "G"), 5, (v) => v + 1));
    dishonestFails(elements, tamperedOutput(e, nodeOf(elements, "H"), 3, (v) => v + 1));
    dishonestFails(elements, tamperedOutput(e, nodeOf(elements, "F"), 0, (v) => v - 1));
    const t = nd.trace;
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "Y"), 6, (v) => v + 1));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "V"), 1, (v) => v + 1));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "U"), 2, (v) => v - 1));
    // The index itself: the batch component (from the constant), the runtime component, the Slice, the Cast.
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "T"), 2, (v) => (v + 1) % 3));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "T"), 3, (v) => (v + 1) % 5));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "S"), 1, (v) => (v + 1) % 3));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "T32"), 1, (v) => (v + 2) % 5));
    dishonestFails(nd, tamperedOutput(t, nodeOf(nd, "T3"), 4, (v) => v + 1));
  });

  it("a one-hot H forged to read another data entry (unsafe hook) passes the selection and is rejected by the rows IOP", () => {
    // G[0, 1, 2] reads X[0, I = 3, 2]; the forgery states X[0, j, 2] for another j, and H's row follows it.
    const x = elements.trace.inputs[0].data;
    const j = [0, 1, 2, 4].find((c) => x[c * 6 + 2] !== x[3 * 6 + 2])!;
    const forged = tamperedOutput(elements.trace, nodeOf(elements, "G"), 5, () => x[j * 6 + 2]);
    const p = proveInference({ setup: elements.setup, model: elements.model, srs: graphSrs(), trace: forged, prover: PROVER, unsafeDishonest: true });
    expect(rejection(elements, p.statement, p.proof)).to.match(/do not sum to the indices/);
    // Y[0, :] reads X[0, 4, :]; the forgery states the row X[1, 2, :] (both index components differ).
    const xn = nd.trace.inputs[0].data;
    let t = nd.trace;
    for (let e = 0; e < 4; e++) t = tamperedOutput(t, nodeOf(nd, "Y"), e, () => xn[(1 * 5 + 2) * 4 + e]);
    const q = proveInference({ setup: nd.setup, model: nd.model, srs: graphSrs(), trace: t, prover: PROVER, unsafeDishonest: true });
    expect(rejection(nd, q.statement, q.proof)).to.match(/do not sum to the indices/);
  });

  it("rows IOP with two components: a row at the wrong coordinates is rejected", () => {
    // H [3, 3·8] over (c0 ∈ [0, 3), c1 ∈ [0, 5)); rows at (2, 4), (0, 1), (1, 0).
    const view: OneHotRowsView = { kShape: [3], componentBits: [2, 3] };
    const comps = [
      [2, 0, 1],
      [4, 1, 0],
    ];
    const table = (rows: [number, number][]) => {
      const h = new Array<bigint>(4 * 32).fill(0n);
      rows.forEach(([a, b], k) => (h[k * 32 + a * 8 + b] = 1n));
      return h;
    };
    const rhoK = [5n, 9n];
    const run = (h: bigint[], unsafe: boolean) => {
      const p = proveRows({ view, hTable: h, components: comps, rhoK, transcript: new Transcript("t"), unsafe });
      return () => verifyRows({ view, rhoK, proof: p.proof, transcript: new Transcript("t") });
    };
    expect(run(table([[2, 4], [0, 1], [1, 0]]), false)).not.to.throw();
    // Swapped coordinates of one row, and a row one column off: refused by the honest prover, rejected when forced.
    expect(() => run(table([[2, 4], [1, 0], [1, 0]]), false)).to.throw(LayerProofError, /claim is false/);
    expect(run(table([[2, 4], [1, 0], [1, 0]]), true)).to.throw(LayerProofError, /do not sum to the indices/);
    expect(run(table([[2, 3], [0, 1], [1, 0]]), true)).to.throw(LayerProofError, /do not sum to the indices/);
    const good = proveRows({ view, hTable: table([[2, 4], [0, 1], [1, 0]]), components: comps, rhoK, transcript: new Transcript("t") }).proof;
    const bad = { ...good, indices: [good.indices[1], good.indices[0]] };
    expect(() => verifyRows({ view, rhoK, proof: bad, transcript: new Transcript("t") })).to.throw(LayerProofError);
  });
});
