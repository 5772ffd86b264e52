import { expect } from "chai";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { quantizeGraph } from "../../src/model/quant/quantize";
import { quantizeInputs, runInteger } from "../../src/model/exec/integer";
import { ModelError } from "../../src/model/errors";
import { buildOnnx, seeded, type GraphSpec } from "./helpers/onnx-builder";
import { inputsFor } from "./helpers/harness";

const mlp: GraphSpec = {
  inputs: [{ name: "X", dims: [1, 4] }],
  outputs: [{ name: "Y", dims: [] }],
  initializers: [
    { name: "W1", dims: [4, 6], values: seeded(24, 1) },
    { name: "b1", dims: [6], values: seeded(6, 2) },
    { name: "W2", dims: [6, 3], values: seeded(18, 3) },
  ],
  nodes: [
    { op: "MatMul", inputs: ["X", "W1"], outputs: ["h"], name: "fc1" },
    { op: "Add", inputs: ["h", "b1"], outputs: ["hb"], name: "bias1" },
    { op: "Relu", inputs: ["hb"], outputs: ["r"], name: "act" },
    { op: "MatMul", inputs: ["r", "W2"], outputs: ["z"], name: "fc2" },
    { op: "Softmax", inputs: ["z"], outputs: ["Y"], name: "prob", attrs: { axis: -1 } },
  ],
};

describe("model: quantization and the integer trace", () => {
  const graph = importOnnxBytes(buildOnnx(mlp));
  const inputs = inputsFor(graph);

  it("records every node with integer outputs, scales and plan metadata", () => {
    const model = quantizeGraph(graph, [inputs], 8);
    const trace = runInteger(model, quantizeInputs(model, inputs));
    expect(trace.steps.map((s) => [s.node, s.kind])).to.deep.equal([
      ["fc1", "linear"],
      ["bias1", "add"],
      ["act", "table"],
      ["fc2", "linear"],
      ["prob", "softmax"],
    ]);
    for (const s of trace.steps) {
      for (const v of s.values[0].data) expect(Number.isInteger(v) && v >= -128 && v <= 127).to.equal(true);
      expect(s.outScales[0]).to.be.greaterThan(0);
    }
    const fc1 = trace.steps[0].plan.params as { multiplier: number; shift: number; weight: string };
    expect(fc1.weight).to.equal("W1");
    expect(model.weights.get("W1")!.tensor.data.every((v) => Number.isInteger(v) && Math.abs(v) <= 128)).to.equal(true);
    const table = trace.steps[2].plan.tables!["act:table"];
    expect(table.values.length).to.equal(256);
    expect(table.offset).to.equal(-128);
  });

  it("is deterministic and depends on the bit width", () => {
    const a = quantizeGraph(graph, [inputs], 12);
    const t1 = runInteger(a, quantizeInputs(a, inputs));
    const t2 = runInteger(a, quantizeInputs(a, inputs));
    expect([...t1.outputs[0].tensor.data]).to.deep.equal([...t2.outputs[0].tensor.data]);
    const b = quantizeGraph(graph, [inputs], 8);
    expect(b.scales.get("h")).to.not.equal(a.scales.get("h"));
  });

  it("rejects bad bit widths and wrongly shaped quantized inputs", () => {
    expect(() => quantizeGraph(graph, [inputs], 7)).to.throw(ModelError, /--bits must be an integer from 8 to 16/);
    expect(() => quantizeGraph(graph, [inputs], 17)).to.throw(ModelError, /8 to 16/);
    const model = quantizeGraph(graph, [inputs], 8);
    expect(() => runInteger(model, [{ dtype: "float32", shape: [2, 4], data: new Float64Array(8) }])).to.throw(ModelError, /input "X" must have shape \[1, 4\]/);
  });

  it("refuses an accumulator that could pass 2^53", () => {
    // K = 2^23 + 1 products of two 16-bit values can pass 2^53; two runtime operands keep the file tiny.
    const K = 2 ** 23 + 1;
    const wide: GraphSpec = {
      inputs: [{ name: "X", dims: [1, K] }, { name: "W", dims: [K, 1] }],
      outputs: [{ name: "Y", dims: [] }],
      nodes: [{ op: "MatMul", inputs: ["X", "W"], outputs: ["Y"], name: "huge" }],
    };
    const g = importOnnxBytes(buildOnnx(wide));
    const ones = (shape: number[]) => ({ dtype: "float32" as const, shape, data: new Float64Array(K).fill(1) });
    expect(() => quantizeGraph(g, [[ones([1, K]), ones([K, 1])]], 16)).to.throw(ModelError, /node "huge" \(MatMul\): accumulator bound .* exceeds 2\^53/);
    expect(() => quantizeGraph(g, [[ones([1, K]), ones([K, 1])]], 8)).to.not.throw();
  });

  it("fails clearly for an operator that has no integer plan on runtime data", () => {
    const prod: GraphSpec = {
      inputs: [{ name: "X", dims: [1, 4] }],
      outputs: [{ name: "Y", dims: [] }],
      nodes: [{ op: "ReduceProd", inputs: ["X"], outputs: ["Y"], name: "prod" }],
    };
    const g1 = importOnnxBytes(buildOnnx(prod));
    expect(() => quantizeGraph(g1, [inputsFor(g1)], 8)).to.throw(ModelError, /node "prod" \(ReduceProd\): ReduceProd on runtime data is not supported by the integer executor/);
    const nz: GraphSpec = {
      inputs: [{ name: "X", dims: [4] }],
      outputs: [{ name: "Y", type: "int64", dims: [] }],
      nodes: [{ op: "NonZero", inputs: ["X"], outputs: ["Y"], name: "nz" }],
    };
    const g2 = importOnnxBytes(buildOnnx(nz));
    expect(() => quantizeGraph(g2, [inputsFor(g2)], 8)).to.throw(ModelError, /node "nz" \(NonZero\): NonZero is supported only on constant inputs/);
  });

  it("calibrates on several samples: scales cover the largest value seen", () => {
    const big = inputs.map((t) => ({ ...t, data: t.data.map((v) => v * 10) }));
    const one = quantizeGraph(graph, [inputs], 8);
    const both = quantizeGraph(graph, [inputs, big], 8);
    expect(both.scales.get("X")!).to.be.closeTo(one.scales.get("X")! * 10, 1e-12);
  });
});
