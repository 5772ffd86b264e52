import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ModelError, UnsupportedError } from "../../src/model/errors";
import { convertTensor, decodeOnnx } from "../../src/model/onnx/decode";
import { ONNX_DATA_TYPE } from "../../src/model/onnx/schema";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { parseInputs } from "../../src/model/input";
import { inspectModel } from "../../src/model/pipeline";
import { parameterCount } from "../../src/model/ir";
import { buildOnnx, type GraphSpec } from "./helpers/onnx-builder";
import { writeModel } from "./helpers/harness";

const relu: GraphSpec = {
  inputs: [{ name: "X", dims: ["batch_size", 3] }],
  outputs: [{ name: "Y", dims: ["batch_size", 3] }],
  nodes: [{ op: "Relu", inputs: ["X"], outputs: ["Y"], name: "act" }],
};

function expectError(fn: () => unknown, type: typeof ModelError, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected an error").to.be.instanceOf(type);
  expect((caught as Error).message).to.match(pattern);
}

describe("model: ONNX import", () => {
  it("turns a symbolic batch dimension into 1 and infers static output shapes", () => {
    const g = importOnnxBytes(buildOnnx(relu));
    expect(g.inputs[0].shape).to.deep.equal([1, 3]);
    expect(g.outputs[0].shape).to.deep.equal([1, 3]);
    expect(g.nodes.map((n) => n.op)).to.deep.equal(["Relu"]);
  });

  it("rejects an empty file, random bytes and a truncated model with clear errors", () => {
    const bytes = buildOnnx(relu);
    expectError(() => decodeOnnx(new Uint8Array(0), "empty.onnx"), ModelError, /empty.onnx: empty file/);
    expectError(() => decodeOnnx(Buffer.from("\u0000\u0003\u00ff definitely not protobuf"), "x.onnx"), ModelError, /x.onnx: not a valid ONNX model/);
    expectError(() => decodeOnnx(Buffer.from("GGUF\u0003\u0000\u0000\u0000"), "m.gguf"), ModelError, /m.gguf: this is a GGUF file, not ONNX/);
    expectError(() => decodeOnnx(bytes.subarray(0, bytes.length - 7), "cut.onnx"), ModelError, /cut.onnx: not a valid ONNX model.*truncated/);
  });

  it("rejects a file that decodes as protobuf but is not a ModelProto", () => {
    // A valid protobuf message (field 1 varint) with no graph.
    expectError(() => decodeOnnx(Uint8Array.of(0x08, 0x01), "tiny.onnx"), ModelError, /no ir_version or graph/);
  });

  it("names the operator, the node and the supported list for an unsupported operator", () => {
    const spec: GraphSpec = { ...relu, nodes: [{ op: "Bernoulli", inputs: ["X"], outputs: ["Y"], name: "coin" }] };
    expectError(() => importOnnxBytes(buildOnnx(spec)), UnsupportedError, /node "coin" \(Bernoulli\): operator Bernoulli is not supported \(supported: .*Conv.*Relu/);
  });

  it("names the attribute for an unsupported attribute or attribute value", () => {
    const attr: GraphSpec = { ...relu, nodes: [{ op: "Relu", inputs: ["X"], outputs: ["Y"], name: "act", attrs: { colour: 3 } }] };
    expectError(() => importOnnxBytes(buildOnnx(attr)), UnsupportedError, /node "act" \(Relu\): attribute "colour" is not supported \(supported attributes of Relu: none\)/);
    const mode: GraphSpec = {
      inputs: [{ name: "X", dims: [1, 1, 2, 2] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "S", dims: [4], values: [1, 1, 2, 2] }, { name: "R", dims: [0], values: [] }],
      nodes: [{ op: "Resize", inputs: ["X", "R", "S"], outputs: ["Y"], name: "up", attrs: { mode: "cubic" } }],
    };
    expectError(() => importOnnxBytes(buildOnnx(mode)), UnsupportedError, /node "up" \(Resize\): attribute "mode" = "cubic" is not supported \(supported: nearest, linear\)/);
  });

  it("reports mismatched shapes with the node", () => {
    const spec: GraphSpec = {
      inputs: [{ name: "X", dims: [2, 3] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "B", dims: [4, 2], values: new Array(8).fill(1) }],
      nodes: [{ op: "MatMul", inputs: ["X", "B"], outputs: ["Y"], name: "mm" }],
    };
    expectError(() => importOnnxBytes(buildOnnx(spec)), ModelError, /node "mm" \(MatMul\).*cannot multiply \[1?,? ?2, 3\] by \[4, 2\]/);
  });

  it("reports a graph output whose declared shape disagrees with the graph", () => {
    const spec: GraphSpec = { ...relu, outputs: [{ name: "Y", dims: ["batch_size", 4] }] };
    expectError(() => importOnnxBytes(buildOnnx(spec)), ModelError, /graph output "Y": declared shape \[\?, 4\] but the graph computes \[1, 3\]/);
  });

  it("reports a node reading an undefined value", () => {
    const spec: GraphSpec = { ...relu, nodes: [{ op: "Relu", inputs: ["nope"], outputs: ["Y"], name: "act" }] };
    expectError(() => decodeOnnx(buildOnnx(spec), "m.onnx"), ModelError, /node "act" \(Relu\) reads undefined value\(s\) "nope"/);
  });

  it("folds Shape/Gather/Unsqueeze/Concat chains, Constant and ConstantOfShape away", () => {
    const spec: GraphSpec = {
      opset: 11,
      inputs: [{ name: "X", dims: ["batch", 2, 3] }],
      outputs: [{ name: "Y", dims: [] }],
      nodes: [
        { op: "Shape", inputs: ["X"], outputs: ["s"] },
        { op: "Constant", inputs: [], outputs: ["i0"], attrs: { value: { tensor: { dims: [], type: "int64", values: [0] } } } },
        { op: "Gather", inputs: ["s", "i0"], outputs: ["b"], attrs: { axis: 0 } },
        { op: "Unsqueeze", inputs: ["b"], outputs: ["b1"], attrs: { axes: [0] } },
        { op: "Constant", inputs: [], outputs: ["m1"], attrs: { value: { tensor: { dims: [1], type: "int64", values: [-1] } } } },
        { op: "Concat", inputs: ["b1", "m1"], outputs: ["shape"], attrs: { axis: 0 } },
        { op: "Reshape", inputs: ["X", "shape"], outputs: ["flat"] },
        { op: "ConstantOfShape", inputs: ["shape2"], outputs: ["ones"], attrs: { value: { tensor: { dims: [1], values: [1] } } } },
        { op: "Add", inputs: ["flat", "ones"], outputs: ["Y"] },
      ],
      initializers: [{ name: "shape2", dims: [2], type: "int64", values: [1, 6] }],
    };
    const g = importOnnxBytes(buildOnnx(spec));
    expect(g.nodes.map((n) => n.op)).to.deep.equal(["Reshape", "Add"]);
    expect([...g.initializers.get("shape")!.data]).to.deep.equal([1, -1]);
    expect(g.outputs[0].shape).to.deep.equal([1, 6]);
  });

  it("folds a BatchNormalization into the preceding Conv and keeps fan-out", () => {
    const spec: GraphSpec = {
      inputs: [{ name: "X", dims: [1, 1, 3, 3] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [
        { name: "W", dims: [2, 1, 1, 1], values: [1, -2] },
        { name: "g", dims: [2], values: [2, 3] },
        { name: "b", dims: [2], values: [0.5, 0] },
        { name: "m", dims: [2], values: [0, 1] },
        { name: "v", dims: [2], values: [1, 4] },
      ],
      nodes: [
        { op: "Conv", inputs: ["X", "W"], outputs: ["c"], name: "conv" },
        { op: "BatchNormalization", inputs: ["c", "g", "b", "m", "v"], outputs: ["n"], name: "bn" },
        { op: "Relu", inputs: ["n"], outputs: ["r"] },
        { op: "Add", inputs: ["r", "n"], outputs: ["Y"] },
      ],
    };
    const g = importOnnxBytes(buildOnnx(spec));
    expect(g.nodes.map((n) => n.op)).to.deep.equal(["Conv", "Relu", "Add"]);
    expect(g.nodes[0].name).to.equal("conv+bn");
    expect(g.nodes.filter((n) => n.inputs.includes("n"))).to.have.length(2);
  });

  it("drops nodes no output depends on and counts parameters", () => {
    const spec: GraphSpec = {
      ...relu,
      initializers: [{ name: "C", dims: [3], values: [1, 2, 3] }],
      nodes: [
        { op: "Relu", inputs: ["X"], outputs: ["Y"], name: "act" },
        { op: "Add", inputs: ["X", "C"], outputs: ["unused"], name: "dead" },
      ],
    };
    const raw = decodeOnnx(buildOnnx(spec));
    expect(parameterCount(raw)).to.equal(3);
    expect(importOnnxBytes(buildOnnx(spec)).nodes.map((n) => n.name)).to.deep.equal(["act"]);
  });

  it("inspect lists inputs, outputs, parameters, ops and unsupported operators", () => {
    const ok = inspectModel(writeModel(relu));
    expect(ok.unsupported).to.deep.equal([]);
    expect(ok.inputs[0]).to.deep.include({ name: "X", shape: [1, 3] });
    expect(ok.ops).to.deep.equal({ Relu: 1 });
    const bad = inspectModel(writeModel({ ...relu, nodes: [{ op: "Bernoulli", inputs: ["X"], outputs: ["Y"], name: "coin" }] }));
    expect(bad.unsupported.join()).to.match(/Bernoulli is not supported \(first at node "coin"\)/);
  });

  it("decodes raw_data tensors from a real exporter file", () => {
    const g = decodeOnnx(readFileSync(`${__dirname}/../../../shared/models/1l_conv/network.onnx`), "conv.onnx");
    expect(g.initializers.size).to.be.greaterThan(0);
  });
});

describe("model: ONNX tensor decoding", () => {
  const base = { floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringData: [], name: "t", externalData: [], dataLocation: 0 };

  it("decodes float16, bfloat16 and int64 raw data", () => {
    const half = convertTensor({ ...base, dims: [3], dataType: ONNX_DATA_TYPE.FLOAT16, rawData: Uint8Array.of(0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00) }, "t");
    expect([...half.data]).to.deep.equal([1, -2, 2 ** -24]);
    const bf = convertTensor({ ...base, dims: [1], dataType: ONNX_DATA_TYPE.BFLOAT16, rawData: Uint8Array.of(0xc0, 0x3f) }, "t");
    expect([...bf.data]).to.deep.equal([1.5]);
    const raw = new Uint8Array(16);
    new DataView(raw.buffer).setBigInt64(0, -5n, true);
    new DataView(raw.buffer).setBigInt64(8, 9223372036854775807n, true);
    const i64 = convertTensor({ ...base, dims: [2], dataType: ONNX_DATA_TYPE.INT64, rawData: raw }, "t");
    expect(i64.data[0]).to.equal(-5);
    expect(i64.data[1]).to.be.greaterThan(2 ** 62);
  });

  it("rejects wrong raw sizes, unrepresentable int64 and external data, naming the tensor", () => {
    expect(() => convertTensor({ ...base, dims: [2], dataType: ONNX_DATA_TYPE.FLOAT, rawData: new Uint8Array(7) }, "init \"w\"")).to.throw(ModelError, /init "w": raw data has 7 bytes, expected 8 for 2 float32 values/);
    const raw = new Uint8Array(8);
    new DataView(raw.buffer).setBigInt64(0, 2n ** 54n + 1n, true);
    expect(() => convertTensor({ ...base, dims: [1], dataType: ONNX_DATA_TYPE.INT64, rawData: raw }, "t")).to.throw(ModelError, /int64 value .* is not exactly representable/);
    expect(() => convertTensor({ ...base, dims: [1], dataType: ONNX_DATA_TYPE.FLOAT, dataLocation: 1 }, "t")).to.throw(ModelError, /external file is not supported/);
    expect(() => convertTensor({ ...base, dims: [1], dataType: ONNX_DATA_TYPE.STRING }, "t")).to.throw(ModelError, /element type STRING is not supported/);
    expect(() => convertTensor({ ...base, dims: [3], dataType: ONNX_DATA_TYPE.FLOAT, floatData: [1, 2] }, "t")).to.throw(ModelError, /has 2 values, shape \[3\] needs 3/);
  });
});

describe("model: input files", () => {
  const g = importOnnxBytes(buildOnnx(relu));
  const two = importOnnxBytes(buildOnnx({
    inputs: [{ name: "a", dims: [2] }, { name: "b", dims: [1, 2] }],
    outputs: [{ name: "Y", dims: [] }],
    nodes: [{ op: "Add", inputs: ["a", "b"], outputs: ["Y"] }],
  }));

  it("accepts EZKL input_data and plain arrays", () => {
    expect([...parseInputs('{"input_data": [[1, 2, 3]]}', g)[0].data]).to.deep.equal([1, 2, 3]);
    expect([...parseInputs("[1, 2, 3]", g)[0].data]).to.deep.equal([1, 2, 3]);
    expect([...parseInputs("[[1, 2, 3]]", g)[0].data]).to.deep.equal([1, 2, 3]);
    const t = parseInputs('{"input_data": [[1, 2], [[3, 4]]]}', two);
    expect(t.map((x) => [...x.data])).to.deep.equal([[1, 2], [3, 4]]);
  });

  it("names the input and its expected shape when sizes are wrong", () => {
    expectError(() => parseInputs('{"input_data": [[1, 2]]}', g, "in.json"), ModelError, /in.json: input "X" has 2 values, expected 3 for shape \[1, 3\]/);
    expectError(() => parseInputs('{"input_data": [[1, 2]]}', two, "in.json"), ModelError, /the model has 2 input\(s\) \("a" \[2\], "b" \[1, 2\]\)/);
  });

  it("requires integers for integer-typed inputs and booleans for bool inputs", () => {
    const typed = importOnnxBytes(buildOnnx({
      inputs: [{ name: "i", type: "int64", dims: [2] }, { name: "b", type: "bool", dims: [2] }],
      outputs: [{ name: "Y", type: "bool", dims: [] }],
      nodes: [{ op: "Cast", inputs: ["i"], outputs: ["ib"], attrs: { to: 9 } }, { op: "And", inputs: ["ib", "b"], outputs: ["Y"] }],
    }));
    expect(parseInputs("[[1, 2], [true, false]]", typed).map((t) => [...t.data])).to.deep.equal([[1, 2], [1, 0]]);
    expectError(() => parseInputs("[[1.5, 2], [true, false]]", typed, "in.json"), ModelError, /input "i" is int64, value 0 \(1.5\) is not an integer/);
    expectError(() => parseInputs("[[1, 2], [2, 0]]", typed, "in.json"), ModelError, /input "b" is bool, value 0 \(2\) is not a boolean/);
  });

  it("rejects malformed JSON and non-numbers", () => {
    expectError(() => parseInputs("{oops", g, "in.json"), ModelError, /in.json: not valid JSON/);
    expectError(() => parseInputs('{"input_data": [[1, "x", 3]]}', g, "in.json"), ModelError, /input "X"\[1\] is not a finite number/);
    expectError(() => parseInputs('{"data": []}', g, "in.json"), ModelError, /expected \{"input_data"/);
  });
});
