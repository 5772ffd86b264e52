import { expect } from "chai";
import { checkAgainstOrt } from "./helpers/harness";
import { seeded, type GraphSpec, type NodeSpec, type TensorSpec } from "./helpers/onnx-builder";

/** A one-node graph: input X of `dims`, output Y, optional constant inputs. */
function single(op: string, dims: number[], opts: { attrs?: NodeSpec["attrs"]; consts?: TensorSpec[]; opset?: number; extraInputs?: string[]; outDims?: number[] } = {}): GraphSpec {
  const consts = opts.consts ?? [];
  return {
    opset: opts.opset ?? 17,
    inputs: [{ name: "X", dims }],
    outputs: [{ name: "Y", dims: opts.outDims ?? [] }],
    initializers: consts,
    nodes: [{ op, inputs: ["X", ...(opts.extraInputs ?? consts.map((c) => c.name!))], outputs: ["Y"], attrs: opts.attrs }],
  };
}

function w(name: string, dims: number[], seed = 3, type: TensorSpec["type"] = "float"): TensorSpec {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, type, values: seeded(n, seed) };
}
function ints(name: string, values: number[]): TensorSpec {
  return { name, dims: [values.length], type: "int64", values };
}

describe("model: operators against onnxruntime (float reference and 16-bit integer run)", function () {
  this.timeout(60_000);

  const cases: [string, GraphSpec][] = [
    ["Gemm transB with bias", single("Gemm", [2, 4], { attrs: { transB: 1, alpha: 0.5, beta: { float: 2 } }, consts: [w("B", [3, 4]), w("C", [3], 5)] })],
    ["MatMul batched", single("MatMul", [2, 3, 4], { consts: [w("B", [4, 5])] })],
    ["Conv strides/pads/dilations", single("Conv", [1, 2, 7, 7], { attrs: { strides: [2, 1], pads: [1, 2, 1, 0], dilations: [1, 2] }, consts: [w("W", [3, 2, 3, 3]), w("Bc", [3], 9)] })],
    ["Conv groups", single("Conv", [1, 4, 5, 5], { attrs: { group: 2, pads: [1, 1, 1, 1] }, consts: [w("W", [4, 2, 3, 3])] })],
    ["Conv auto_pad SAME_UPPER 1-D", single("Conv", [1, 2, 9], { attrs: { auto_pad: "SAME_UPPER", strides: [2] }, consts: [w("W", [2, 2, 4])] })],
    ["ConvTranspose strides/pads/output_padding", single("ConvTranspose", [1, 2, 3, 3], { attrs: { strides: [2, 2], pads: [1, 0, 1, 0], output_padding: [1, 1] }, consts: [w("W", [2, 3, 3, 3]), w("Bc", [3], 4)] })],
    ["Relu", single("Relu", [2, 5])],
    ["LeakyRelu", single("LeakyRelu", [2, 5], { attrs: { alpha: 0.1 } })],
    ["PRelu per channel", single("PRelu", [1, 3, 2, 2], { consts: [{ name: "S", dims: [3, 1, 1], values: [0.1, -0.5, 2] }] })],
    ["Elu", single("Elu", [2, 5], { attrs: { alpha: 0.7 } })],
    ["Sigmoid", single("Sigmoid", [2, 5])],
    ["Tanh", single("Tanh", [2, 5])],
    ["Erf", single("Erf", [2, 5])],
    ["Gelu (opset 20, tanh form)", single("Gelu", [2, 5], { opset: 20, attrs: { approximate: "tanh" } })],
    ["Softmax axis 1 (opset 13)", single("Softmax", [2, 3, 4], { attrs: { axis: 1 } })],
    ["LogSoftmax", single("LogSoftmax", [2, 3, 5], { attrs: { axis: -1 } })],
    ["Softmax coerced 2-D (opset 11)", single("Softmax", [2, 3, 4], { opset: 11, attrs: { axis: 1 } })],
    ["LayerNormalization", single("LayerNormalization", [2, 3, 8], { consts: [w("G", [8], 2), w("Bn", [8], 4)] })],
    ["InstanceNormalization", single("InstanceNormalization", [1, 3, 4, 4], { consts: [w("G", [3], 2), w("Bn", [3], 4)] })],
    ["BatchNormalization", single("BatchNormalization", [1, 3, 2, 2], { consts: [w("G", [3], 2), w("Bn", [3], 4), w("M", [3], 5), { name: "V", dims: [3], values: [0.5, 1, 2] }] })],
    ["Add broadcast constant", single("Add", [2, 3], { consts: [w("C", [3])] })],
    ["Sub", single("Sub", [2, 3], { consts: [w("C", [2, 1])] })],
    ["Mul by scalar", single("Mul", [2, 3], { consts: [{ name: "C", dims: [], values: [-3.5] }] })],
    ["Div by constant", single("Div", [2, 3], { consts: [{ name: "C", dims: [], values: [0.25] }] })],
    ["Pow 2", single("Pow", [2, 3], { consts: [{ name: "C", dims: [], values: [2] }] })],
    ["Pow 3", single("Pow", [2, 3], { consts: [{ name: "C", dims: [], values: [3] }] })],
    ["Reshape with -1 and 0", single("Reshape", [2, 3, 4], { consts: [ints("S", [0, -1])] })],
    ["Flatten", single("Flatten", [2, 3, 4], { attrs: { axis: 2 } })],
    ["Transpose", single("Transpose", [2, 3, 4], { attrs: { perm: [2, 0, 1] } })],
    ["Slice (opset 13 inputs, negative step)", single("Slice", [4, 6], { consts: [ints("s", [3, 1]), ints("e", [0, 6]), ints("a", [0, 1]), ints("st", [-1, 2])] })],
    ["Slice (opset 9 attributes)", single("Slice", [4, 6], { opset: 9, attrs: { starts: [1], ends: [100], axes: [1] } })],
    ["Gather embedding", single("Gather", [5, 3], { consts: [ints("I", [4, 0, 2])] })],
    ["Squeeze (opset 13)", single("Squeeze", [1, 3, 1], { consts: [ints("A", [0, 2])] })],
    ["Unsqueeze (opset 11 attribute)", single("Unsqueeze", [3, 2], { opset: 11, attrs: { axes: [0, 3] } })],
    ["Expand", single("Expand", [3, 1], { consts: [ints("S", [2, 3, 4])] })],
    ["Tile", single("Tile", [2, 3], { consts: [ints("R", [2, 2])] })],
    ["Pad reflect (opset 13)", single("Pad", [1, 2, 3, 3], { attrs: { mode: "reflect" }, consts: [ints("P", [0, 0, 1, 2, 0, 0, 2, 1])] })],
    ["Pad constant (opset 2 attributes)", single("Pad", [2, 3], { opset: 2, attrs: { pads: [1, 0, 0, 2], value: { float: 0.5 } } })],
    ["MaxPool ceil_mode", single("MaxPool", [1, 2, 5, 5], { attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } })],
    ["AveragePool pads excluded", single("AveragePool", [1, 2, 5, 5], { attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] } })],
    ["AveragePool count_include_pad", single("AveragePool", [1, 2, 4, 4], { attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } })],
    ["GlobalAveragePool", single("GlobalAveragePool", [1, 3, 4, 4])],
    ["ReduceMean (opset 13 attribute)", single("ReduceMean", [2, 3, 4], { opset: 13, attrs: { axes: [1], keepdims: 0 } })],
    ["ReduceSum (opset 13 input)", single("ReduceSum", [2, 3, 4], { opset: 13, consts: [ints("A", [-1])] })],
    ["ReduceMax (opset 18 input)", single("ReduceMax", [2, 3, 4], { opset: 18, consts: [ints("A", [0, 2])] })],
    ["ReduceMin", single("ReduceMin", [2, 3, 4], { attrs: { axes: [2] } })],
    ["Clip (opset 13 inputs)", single("Clip", [2, 5], { consts: [{ name: "lo", dims: [], values: [-0.5] }, { name: "hi", dims: [], values: [1] }] })],
    ["Clip (opset 6 attributes)", single("Clip", [2, 5], { opset: 6, attrs: { min: { float: -0.5 }, max: { float: 0.25 } } })],
    ["Identity", single("Identity", [2, 5])],
    ["Sqrt", { ...single("Sqrt", [2, 5]), nodes: [{ op: "Abs", inputs: ["X"], outputs: ["A"] }, { op: "Sqrt", inputs: ["A"], outputs: ["Y"] }] }],
    ["Reciprocal", { ...single("Reciprocal", [2, 5]), initializers: [{ name: "one", dims: [], values: [3] }], nodes: [{ op: "Add", inputs: ["X", "one"], outputs: ["A"] }, { op: "Reciprocal", inputs: ["A"], outputs: ["Y"] }] }],
  ];

  cases.push(
    ["HardSigmoid", single("HardSigmoid", [2, 5], { attrs: { alpha: { float: 0.3 } } })],
    ["Softplus", single("Softplus", [2, 5])],
    ["Resize nearest (scales, asymmetric floor)", single("Resize", [1, 1, 2, 3], { attrs: { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" }, consts: [{ name: "roi", dims: [0], values: [] }, { name: "sc", dims: [4], values: [1, 1, 2, 1.5] }] })],
    ["Resize linear half_pixel (sizes)", single("Resize", [1, 2, 3, 4], { attrs: { mode: "linear" }, consts: [{ name: "roi", dims: [0], values: [] }, { name: "sc", dims: [0], values: [] }, ints("sz", [1, 2, 5, 7])] })],
    ["Resize linear align_corners (scales)", single("Resize", [1, 1, 3, 3], { attrs: { mode: "linear", coordinate_transformation_mode: "align_corners" }, consts: [{ name: "roi", dims: [0], values: [] }, { name: "sc", dims: [4], values: [1, 1, 2, 2] }] })],
    ["DepthToSpace CRD", single("DepthToSpace", [1, 8, 2, 3], { attrs: { blocksize: 2, mode: "CRD" } })],
    ["GatherElements", single("GatherElements", [3, 4], { attrs: { axis: 1 }, consts: [{ name: "I", dims: [3, 2], type: "int64", values: [0, 3, 1, 1, 2, 0] }] })],
    ["ReduceL2", single("ReduceL2", [2, 3, 4], { attrs: { axes: [2] } })],
    ["ReduceLogSumExp", single("ReduceLogSumExp", [2, 3, 4], { attrs: { axes: [1] } })],
    ["Conv 3-D", single("Conv", [1, 2, 4, 4, 4], { attrs: { pads: [1, 0, 1, 1, 0, 1] }, consts: [w("W", [2, 2, 2, 3, 3])] })],
    ["MaxPool 1-D with dilation", single("MaxPool", [1, 2, 9], { attrs: { kernel_shape: [3], dilations: [2] } })],
    ["Trilu lower with k", single("Trilu", [3, 4], { attrs: { upper: 0 }, consts: [{ name: "k", dims: [], type: "int64", values: [1] }] })],
  );

  for (const [name, spec] of cases) {
    it(name, async () => {
      await checkAgainstOrt(spec);
    });
  }

  it("Split (opset 13 sizes input) into two outputs", async () => {
    await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 5] }],
      outputs: [{ name: "A", dims: [] }, { name: "B", dims: [] }],
      initializers: [ints("S", [2, 3])],
      nodes: [{ op: "Split", inputs: ["X", "S"], outputs: ["A", "B"], attrs: { axis: 1 } }],
    });
  });

  it("Split (opset 11 attribute)", async () => {
    await checkAgainstOrt({
      opset: 11,
      inputs: [{ name: "X", dims: [4, 2] }],
      outputs: [{ name: "A", dims: [] }, { name: "B", dims: [] }],
      nodes: [{ op: "Split", inputs: ["X"], outputs: ["A", "B"], attrs: { axis: 0, split: [1, 3] } }],
    });
  });

  it("Concat of two runtime tensors with different scales", async () => {
    await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 3] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "k", dims: [], values: [10] }],
      nodes: [
        { op: "Mul", inputs: ["X", "k"], outputs: ["X10"] },
        { op: "Concat", inputs: ["X", "X10"], outputs: ["Y"], attrs: { axis: 1 } },
      ],
    });
  });

  it("element-wise Mul, Div and Add of two runtime tensors (residual fan-out)", async () => {
    const report = await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 4] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "two", dims: [], values: [2] }],
      nodes: [
        { op: "Sigmoid", inputs: ["X"], outputs: ["S"] },
        { op: "Add", inputs: ["S", "two"], outputs: ["D"] },
        { op: "Mul", inputs: ["X", "S"], outputs: ["M"] },
        { op: "Div", inputs: ["M", "D"], outputs: ["Q"] },
        { op: "Add", inputs: ["Q", "X"], outputs: ["Y"] },
      ],
    });
    expect(report.trace.steps.map((s) => s.kind)).to.deep.equal(["table", "add", "mul", "div", "add"]);
  });

  it("GELU, exact form decomposed with Erf (as exported by PyTorch)", async () => {
    await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 6] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "r2", dims: [], values: [Math.SQRT2] }, { name: "one", dims: [], values: [1] }, { name: "half", dims: [], values: [0.5] }],
      nodes: [
        { op: "Div", inputs: ["X", "r2"], outputs: ["a"] },
        { op: "Erf", inputs: ["a"], outputs: ["b"] },
        { op: "Add", inputs: ["b", "one"], outputs: ["c"] },
        { op: "Mul", inputs: ["X", "c"], outputs: ["d"] },
        { op: "Mul", inputs: ["d", "half"], outputs: ["Y"] },
      ],
    });
  });

  it("LayerNormalization decomposed (ReduceMean/Sub/Pow/Sqrt/Div)", async () => {
    await checkAgainstOrt({
      opset: 13,
      inputs: [{ name: "X", dims: [3, 8] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "two", dims: [], values: [2] }, { name: "eps", dims: [], values: [1e-5] }],
      nodes: [
        { op: "ReduceMean", inputs: ["X"], outputs: ["m"], attrs: { axes: [-1] } },
        { op: "Sub", inputs: ["X", "m"], outputs: ["c"] },
        { op: "Pow", inputs: ["c", "two"], outputs: ["sq"] },
        { op: "ReduceMean", inputs: ["sq"], outputs: ["v"], attrs: { axes: [-1] } },
        { op: "Add", inputs: ["v", "eps"], outputs: ["ve"] },
        { op: "Sqrt", inputs: ["ve"], outputs: ["s"] },
        { op: "Div", inputs: ["c", "s"], outputs: ["Y"] },
      ],
    }, { cosine: 0.999 });
  });

  it("ArgMax (integer output) after a Gemm", async () => {
    const r = await checkAgainstOrt({
      inputs: [{ name: "X", dims: [3, 4] }],
      outputs: [{ name: "Y", type: "int64", dims: [] }],
      initializers: [w("B", [4, 6])],
      nodes: [
        { op: "MatMul", inputs: ["X", "B"], outputs: ["Z"] },
        { op: "ArgMax", inputs: ["Z"], outputs: ["Y"], attrs: { axis: 1, keepdims: 0 } },
      ],
    });
    expect(r.outputs[0]).to.deep.equal(r.reference[0]);
  });

  it("Where with a constant causal mask", async () => {
    const mask = Array.from({ length: 16 }, (_, k) => (k % 4 <= Math.floor(k / 4) ? 1 : 0));
    await checkAgainstOrt({
      inputs: [{ name: "X", dims: [4, 4] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "M", dims: [4, 4], type: "bool", values: mask }, { name: "neg", dims: [], values: [-3] }],
      nodes: [
        { op: "Where", inputs: ["M", "X", "neg"], outputs: ["W"] },
        { op: "Softmax", inputs: ["W"], outputs: ["Y"], attrs: { axis: -1 } },
      ],
    });
  });

  it("Cast float -> int64 -> float", async () => {
    await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 5] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "k", dims: [], values: [4] }],
      nodes: [
        { op: "Mul", inputs: ["X", "k"], outputs: ["a"] },
        { op: "Cast", inputs: ["a"], outputs: ["b"], attrs: { to: 7 } },
        { op: "Cast", inputs: ["b"], outputs: ["Y"], attrs: { to: 1 } },
      ],
    });
  });

  it("LSTM (unrolled into primitive nodes)", async () => {
    const H = 3;
    const r = await checkAgainstOrt({
      opset: 14,
      inputs: [{ name: "X", dims: [4, 1, 2] }],
      outputs: [{ name: "Y", dims: [] }, { name: "Yh", dims: [] }],
      initializers: [w("W", [1, 4 * H, 2], 11), w("R", [1, 4 * H, H], 12), w("B", [1, 8 * H], 13)],
      nodes: [{ op: "LSTM", inputs: ["X", "W", "R", "B"], outputs: ["Y", "Yh"], attrs: { hidden_size: H } }],
    });
    expect(r.trace.steps.some((s) => s.op === "LSTM")).to.equal(false);
  });

  it("attention core: MatMul of two runtime tensors, Softmax, MatMul", async () => {
    await checkAgainstOrt({
      inputs: [{ name: "Q", dims: [2, 4, 8] }, { name: "K", dims: [2, 4, 8] }, { name: "V", dims: [2, 4, 8] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [{ name: "scale", dims: [], values: [1 / Math.sqrt(8)] }],
      nodes: [
        { op: "Transpose", inputs: ["K"], outputs: ["Kt"], attrs: { perm: [0, 2, 1] } },
        { op: "MatMul", inputs: ["Q", "Kt"], outputs: ["S"] },
        { op: "Mul", inputs: ["S", "scale"], outputs: ["Ss"] },
        { op: "Softmax", inputs: ["Ss"], outputs: ["A"], attrs: { axis: -1 } },
        { op: "MatMul", inputs: ["A", "V"], outputs: ["Y"] },
      ],
    });
  });

  it("TopK values and indices, OneHot and ScatterND on runtime data", async () => {
    const r = await checkAgainstOrt({
      inputs: [{ name: "X", dims: [2, 6] }],
      outputs: [{ name: "V", dims: [] }, { name: "I", type: "int64", dims: [] }, { name: "H", dims: [] }, { name: "S", dims: [] }],
      initializers: [
        ints("k", [3]),
        { name: "depth", dims: [], type: "int64", values: [6] },
        { name: "onoff", dims: [2], values: [-1, 2] },
        { name: "idx", dims: [1, 1], type: "int64", values: [1] },
        ints("s0", [0]),
        ints("s1", [1]),
      ],
      nodes: [
        { op: "TopK", inputs: ["X", "k"], outputs: ["V", "I"], attrs: { axis: 1 } },
        { op: "OneHot", inputs: ["I", "depth", "onoff"], outputs: ["H"] },
        { op: "Slice", inputs: ["X", "s0", "s1", "s0"], outputs: ["row"] },
        { op: "Neg", inputs: ["row"], outputs: ["upd"] },
        { op: "ScatterND", inputs: ["X", "idx", "upd"], outputs: ["S"] },
      ],
    });
    expect(r.outputs[1]).to.deep.equal(r.reference[1]);
  });

  it("decision-tree pattern: comparisons, integer MatMul and ReduceSum stay exact", async () => {
    const r = await checkAgainstOrt({
      inputs: [{ name: "X", dims: [1, 4] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [
        { name: "thr", dims: [4], values: [0.1, -0.3, 0.7, 0] },
        { name: "paths", dims: [4, 3], type: "int32", values: [1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1] },
      ],
      nodes: [
        { op: "Less", inputs: ["X", "thr"], outputs: ["lt"] },
        { op: "Cast", inputs: ["lt"], outputs: ["li"], attrs: { to: 6 } },
        { op: "MatMul", inputs: ["li", "paths"], outputs: ["hits"] },
        { op: "ReduceSum", inputs: ["hits"], outputs: ["total"], attrs: { keepdims: 1 } },
        { op: "Cast", inputs: ["total"], outputs: ["Y"], attrs: { to: 1 } },
      ],
      opset: 11,
    });
    expect(r.trace.steps.map((s) => s.kind)).to.deep.equal(["compare", "exact", "exact", "exact", "scale"]);
    expect(r.outputs[0]).to.deep.equal(r.reference[0]);
  });

  it("QDQ: QuantizeLinear -> DequantizeLinear around a Conv with int8 weights", async () => {
    const r = await checkAgainstOrt({
      opset: 13,
      inputs: [{ name: "X", dims: [1, 2, 4, 4] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [
        { name: "xs", dims: [], values: [0.02] },
        { name: "xz", dims: [], type: "int8", values: [3] },
        { name: "Wq", dims: [3, 2, 3, 3], type: "int8", values: seeded(54, 4).map((v) => Math.round(v * 100)) },
        { name: "ws", dims: [], values: [0.01] },
        { name: "wz", dims: [], type: "int8", values: [0] },
      ],
      nodes: [
        { op: "QuantizeLinear", inputs: ["X", "xs", "xz"], outputs: ["Xq"] },
        { op: "DequantizeLinear", inputs: ["Xq", "xs", "xz"], outputs: ["Xd"] },
        { op: "DequantizeLinear", inputs: ["Wq", "ws", "wz"], outputs: ["Wd"] },
        { op: "Conv", inputs: ["Xd", "Wd"], outputs: ["C"], attrs: { pads: [1, 1, 1, 1] } },
        { op: "Relu", inputs: ["C"], outputs: ["Y"] },
      ],
    });
    expect(r.trace.steps.map((s) => s.kind)).to.deep.equal(["table", "dequantize", "linear", "table"]);
  });

  it("Einsum: attention scores, a batched matmul with a constant, a transpose and a row sum", async () => {
    const two = (eq: string, a: number[], b: number[]): GraphSpec => ({
      inputs: [{ name: "A", dims: a }, { name: "B", dims: b }],
      outputs: [{ name: "Y", dims: [] }],
      nodes: [{ op: "Einsum", inputs: ["A", "B"], outputs: ["Y"], attrs: { equation: eq } }],
    });
    await checkAgainstOrt(two("bhqd,bhkd->bhqk", [1, 2, 3, 4], [1, 2, 5, 4]));
    await checkAgainstOrt(two("ij,ij->i", [3, 5], [3, 5]));
    await checkAgainstOrt(single("Einsum", [2, 3, 4], { attrs: { equation: "bij,jk" }, consts: [w("K", [4, 5])] }));
    const r = await checkAgainstOrt(single("Einsum", [3, 4], { attrs: { equation: "ij->ji" } }));
    expect(r.trace.steps[0].kind).to.equal("movement");
    await checkAgainstOrt(single("Einsum", [3, 4], { attrs: { equation: "ij->i" } }));
  });

  it("GRU bidirectional, linear_before_reset = 0", async () => {
    const H = 2;
    await checkAgainstOrt({
      opset: 14,
      inputs: [{ name: "X", dims: [3, 1, 2] }],
      outputs: [{ name: "Y", dims: [] }],
      initializers: [w("W", [2, 3 * H, 2], 21), w("R", [2, 3 * H, H], 22), w("B", [2, 6 * H], 23)],
      nodes: [{ op: "GRU", inputs: ["X", "W", "R", "B"], outputs: ["Y"], attrs: { hidden_size: H, direction: "bidirectional" } }],
    });
  });
});
