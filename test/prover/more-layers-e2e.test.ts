/**
 * The "more layers" node kinds end to end through the graph driver (`proveInference` / `verifyInference`):
 * MaxPool / ReduceMax / ReduceMin (`select`), ReduceMean / ReduceL1 (`reduce-sum`), ReduceL2, ConvTranspose, nearest
 * Resize and copies by a public map (Trilu, Expand) on their corpus models, and small generated graphs for what the corpus lacks (per-channel PRelu, …) —
 * setup, prove, verify. Soundness: every 32-byte word of the `max` and
 * `1l_upsample` proofs flipped in turn (each rejected), and dishonest traces (a pooled output that is not the
 * max, a reduced output off by one, a changed resized element) either cannot be proved at all (an honest
 * sub-prover refuses a false claim: the cheat would need a false sum-check or opening) or, when the driver's
 * unsafe hook pushes a proof through, is rejected. Never accepted.
 */
import { expect } from "chai";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger } from "../../src/model";
import type { IntegerTrace } from "../../src/model/exec/integer";
import { insecureDevSrs } from "../../src/pcs/srs";
import { ProofRejectedError, proveInference, verifyInference } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { setupModel } from "../../src/prover/setup";
import { inputsFor, writeModel } from "../model/helpers/harness";
import { seeded, type GraphSpec } from "../model/helpers/onnx-builder";
import { loadCorpusTrace, type CorpusTrace } from "./corpus-helpers";

const PROVER = "0x00000000000000000000000000000000000000a1" as const;
const srs = insecureDevSrs(1 << 17);

/**
 * Small graphs for what the corpus does not have: a per-channel PRelu, a CNN with MaxPool and GlobalMaxPool
 * between driver kinds, ReduceSumSquare / ReduceMin / ReduceL2 over inner axes (keepdims 0 and 1), nearest Resize
 * with asymmetric coordinates and floor rounding, linear Resize, ConvTranspose with stride 2, pads and output
 * padding.
 */
const SYNTHETIC: Record<string, GraphSpec> = {
  "per-channel PRelu": {
    inputs: [{ name: "X", dims: [1, 3, 4, 4] }],
    outputs: [{ name: "Y", dims: [1, 3, 4, 4] }],
    nodes: [{ op: "PRelu", inputs: ["X", "A"], outputs: ["Y"] }],
    initializers: [{ name: "A", dims: [3, 1, 1], values: [0.25, -0.1, 0.5] }],
  },
  "Conv → Relu → MaxPool → GlobalMaxPool → Gemm": {
    inputs: [{ name: "X", dims: [1, 1, 8, 8] }],
    outputs: [{ name: "Y", dims: [1, 3] }],
    nodes: [
      { op: "Conv", inputs: ["X", "W", "B"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
      { op: "Relu", inputs: ["c"], outputs: ["r"] },
      { op: "MaxPool", inputs: ["r"], outputs: ["m"], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: "GlobalMaxPool", inputs: ["m"], outputs: ["g"] },
      { op: "Flatten", inputs: ["g"], outputs: ["f"] },
      { op: "Gemm", inputs: ["f", "G"], outputs: ["Y"] },
    ],
    initializers: [
      { name: "W", dims: [4, 1, 3, 3], values: seeded(36, 3) },
      { name: "B", dims: [4], values: seeded(4, 4) },
      { name: "G", dims: [4, 3], values: seeded(12, 5) },
    ],
  },
  "ReduceSumSquare, ReduceMin, ReduceL2 over inner axes": {
    inputs: [{ name: "X", dims: [2, 3, 4] }],
    outputs: [
      { name: "Y1", dims: [2, 4] },
      { name: "Y2", dims: [3] },
      { name: "Y3", dims: [2, 3, 1] },
    ],
    nodes: [
      { op: "ReduceSumSquare", inputs: ["X"], outputs: ["Y1"], attrs: { axes: [1], keepdims: 0 } },
      { op: "ReduceMin", inputs: ["X"], outputs: ["Y2"], attrs: { axes: [0, 2], keepdims: 0 } },
      { op: "ReduceL2", inputs: ["X"], outputs: ["Y3"], attrs: { axes: [2] } },
    ],
  },
  "Resize nearest (asymmetric, floor, scales 2 × 1.5)": {
    inputs: [{ name: "X", dims: [1, 2, 3, 4] }],
    outputs: [{ name: "Y", dims: [1, 2, 6, 6] }],
    nodes: [{ op: "Resize", inputs: ["X", "", "S"], outputs: ["Y"], attrs: { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" } }],
    initializers: [{ name: "S", dims: [4], values: [1, 1, 2, 1.5] }],
  },
  "Resize linear (half_pixel, scales 2 × 2)": {
    inputs: [{ name: "X", dims: [1, 2, 3, 4] }],
    outputs: [{ name: "Y", dims: [1, 2, 6, 8] }],
    nodes: [{ op: "Resize", inputs: ["X", "", "S"], outputs: ["Y"], attrs: { mode: "linear" } }],
    initializers: [{ name: "S", dims: [4], values: [1, 1, 2, 2] }],
  },
  "ConvTranspose stride 2, pads 1, output padding 1": {
    inputs: [{ name: "X", dims: [1, 2, 3, 3] }],
    outputs: [{ name: "Y", dims: [1, 3, 6, 6] }],
    nodes: [{ op: "ConvTranspose", inputs: ["X", "W", "B"], outputs: ["Y"], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } }],
    initializers: [
      { name: "W", dims: [2, 3, 3, 3], values: seeded(54, 8) },
      { name: "B", dims: [3], values: seeded(3, 9) },
    ],
  },
};

/** A synthetic graph's 12-bit trace on seeded inputs, shaped like a corpus trace. */
function synthetic(spec: GraphSpec): CorpusTrace {
  const graph = importOnnx(writeModel({ opset: 17, ...spec }));
  const inputs = inputsFor(graph);
  const model = quantizeGraph(graph, [inputs], 12);
  return { graph, model, trace: runInteger(model, quantizeInputs(model, inputs)), env: new Map() };
}

function prepare(loaded: CorpusTrace) {
  const setup = setupModel(loaded.model, srs);
  const vk = parseVerifyingKey(JSON.parse(JSON.stringify(verifyingKeyJson(setup, srs))));
  return { setup, vk };
}

/** A copy of the trace with one element of node `node`'s output (and of the graph output it may be) replaced. */
function tamperTrace(trace: IntegerTrace, node: string, index: number, value: (old: number) => number): IntegerTrace {
  let name = "";
  let replaced: IntegerTrace["steps"][number]["values"][number] | undefined;
  const steps = trace.steps.map((s) => {
    if (s.node !== node) return s;
    const t = s.values[0];
    const data = Float64Array.from(t.data);
    data[index] = value(data[index]);
    name = s.outputs[0];
    replaced = { ...t, data };
    return { ...s, values: [replaced, ...s.values.slice(1)] };
  });
  const outputs = trace.outputs.map((o) => (o.name === name ? { ...o, tensor: replaced! } : o));
  return { ...trace, steps, outputs };
}

function rejected(run: () => void): ProofRejectedError {
  try {
    run();
  } catch (e) {
    expect(e).to.be.instanceOf(ProofRejectedError);
    return e as ProofRejectedError;
  }
  expect.fail("the proof was accepted");
}

describe("prover: more layers end to end (select, reduce-sum, reduce-l2, prelu, ConvTranspose, Resize, resize-linear, gather)", function () {
  this.timeout(300_000);

  for (const name of ["1l_max_pool", "max", "min", "1l_mean", "reducel1", "reducel2", "1l_conv_transpose", "1l_upsample", "tril", "triu", "ltsf", "1l_var"]) {
    it(`${name}: proves and verifies`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      const { setup, vk } = prepare(loaded!);
      const { statement, proof } = proveInference({ setup, model: loaded!.model, srs, trace: loaded!.trace, prover: PROVER });
      verifyInference({ vk, model: loaded!.model, statement, proof });
    });
  }

  for (const [name, spec] of Object.entries(SYNTHETIC)) {
    it(`synthetic ${name}: proves and verifies`, () => {
      const loaded = synthetic(spec);
      const { setup, vk } = prepare(loaded);
      const { statement, proof } = proveInference({ setup, model: loaded.model, srs, trace: loaded.trace, prover: PROVER });
      verifyInference({ vk, model: loaded.model, statement, proof });
    });
  }

  it("synthetic per-channel PRelu: a dishonest output is refused or rejected", () => {
    const loaded = synthetic(SYNTHETIC["per-channel PRelu"]);
    const { setup, vk } = prepare(loaded);
    const step = loaded.trace.steps[0];
    const x = loaded.trace.inputs[0].data;
    const index = Array.from(x).findIndex((v) => v < 0);
    const trace = tamperTrace(loaded.trace, step.node, index, (v) => v + 1);
    let proved;
    try {
      proved = proveInference({ setup, model: loaded.model, srs, trace, prover: PROVER, unsafeDishonest: true });
    } catch (e) {
      expect(String(e)).to.match(/claim is false|not the sum over the hypercube/);
      return;
    }
    rejected(() => verifyInference({ vk, model: loaded.model, statement: proved.statement, proof: proved.proof }));
  });

  for (const name of ["max", "1l_upsample"]) {
    it(`${name}: every 32-byte word of the proof flipped is rejected`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      const { setup, vk } = prepare(loaded!);
      const { statement, proof } = proveInference({ setup, model: loaded!.model, srs, trace: loaded!.trace, prover: PROVER });
      expect(proof.length % 32).to.equal(0);
      for (let w = 0; w < proof.length / 32; w++) {
        const bad = Uint8Array.from(proof);
        bad[w * 32 + 31] ^= 1;
        rejected(() => verifyInference({ vk, model: loaded!.model, statement, proof: bad }));
      }
    });
  }

  /** The largest input value strictly below (smallest strictly above, for min) the true output. */
  const runnerUp = (trace: IntegerTrace, min: boolean) => (v: number) => {
    const xs = Array.from(trace.inputs[0].data).filter((u) => (min ? u > v : u < v));
    return min ? Math.min(...xs) : Math.max(...xs);
  };
  /** [model, what, output index, new value, whether the unsafe prover gets a proof out (then it must be rejected)]. */
  const dishonest: [string, string, number, (trace: IntegerTrace) => (v: number) => number, boolean][] = [
    // Another input's value: a tap attains it, but the true max (min) is on the wrong side (an arena row fails).
    ["max", "the runner-up instead of the max", 0, (t) => runnerUp(t, false), true],
    ["min", "the runner-up instead of the min", 0, (t) => runnerUp(t, true), true],
    // No tap attains these: Σ s = 1 cannot hold (the prover cannot open it).
    ["1l_max_pool", "below the max", 4, () => (v) => v - 1, false],
    ["max", "above the max", 0, () => (v) => v + 1, false],
    ["1l_mean", "mean off by one", 0, () => (v) => v + 1, false],
    ["1l_upsample", "resized element changed", 7, () => (v) => v + 3, false],
  ];
  for (const [name, what, index, change, mustProve] of dishonest) {
    it(`${name}: a dishonest trace (${what}) is rejected`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      const { setup, vk } = prepare(loaded!);
      const step = loaded!.trace.steps.find((s) => ["select", "reduce-sum", "movement"].includes(s.kind))!;
      const trace = tamperTrace(loaded!.trace, step.node, index, change(loaded!.trace));
      let proved;
      try {
        proved = proveInference({ setup, model: loaded!.model, srs, trace, prover: PROVER, unsafeDishonest: true });
      } catch (e) {
        // The prover could not make a proof: some sum-check or opening of a false claim was refused, or the changed
        // output left the range its statement bytes can hold.
        expect(mustProve, String(e)).to.equal(false);
        expect(String(e)).to.match(/claim is false|not the sum over the hypercube|packTensors: "[^"]+"\[\d+\] = -?\d+ is outside its declared range/);
        return;
      }
      rejected(() => verifyInference({ vk, model: loaded!.model, statement: proved.statement, proof: proved.proof }));
    });
  }
});
