/**
 * Graphs of the transformer / LLM steps shared by the on-chain differential tests (./attention.test.ts samples
 * their proofs' words, ./attention-sweep.test.ts flips every word) and the prover's tests
 * (test/prover/attention.test.ts), so that all judge the same models.
 */
import type { Graph } from "../../src/model";
import type { TensorInfo } from "../../src/model/ir";
import type { GraphSpec } from "../model/helpers/onnx-builder";

/**
 * Attention scores the way a GPT-2 block masks them: S / (B² + 1) (kind div: a runtime divisor), the causal mask as
 * a constant-condition Where with a constant fill (kind select, handler where), then Softmax.
 */
export function maskedScores(): GraphSpec {
  const T = 4;
  const mask = Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 0 : 1));
  return {
    opset: 13,
    inputs: [
      { name: "S", dims: [1, 2, T, T] },
      { name: "B", dims: [1, 1, T, T] },
    ],
    outputs: [{ name: "P", dims: [1, 2, T, T] }],
    nodes: [
      { op: "Mul", inputs: ["B", "B"], outputs: ["B2"] },
      { op: "Add", inputs: ["B2", "one"], outputs: ["den"] },
      { op: "Div", inputs: ["S", "den"], outputs: ["q"] },
      { op: "Where", inputs: ["M", "F", "q"], outputs: ["sm"] },
      { op: "Softmax", inputs: ["sm"], outputs: ["P"], attrs: { axis: -1 } },
    ],
    initializers: [
      { name: "one", dims: [], values: [1] },
      { name: "M", type: "bool", dims: [1, 1, T, T], values: mask },
      { name: "F", dims: [], values: [-1.5] },
    ],
  };
}

/** x [rows, vocab] → ArgMax(axis 1) → next (int64 [rows]): the proved next-token choice. */
export function argmaxGraph(rows: number, vocab: number): Graph {
  const x: TensorInfo = { name: "x", dtype: "float32", shape: [rows, vocab] };
  const next: TensorInfo = { name: "next", dtype: "int64", shape: [rows] };
  const attrs = { axis: { kind: "int", value: 1 }, keepdims: { kind: "int", value: 0 } } as const;
  const values = new Map<string, TensorInfo>([
    ["x", x],
    ["next", next],
  ]);
  return { name: "argmax", opset: 17, inputs: [x], outputs: [next], nodes: [{ name: "next", op: "ArgMax", domain: "", inputs: ["x"], outputs: ["next"], attrs }], initializers: new Map(), values };
}

/** Split into two aligned parts (point maps) and an unaligned one (a Slice selector), each through a Relu. */
export function splitRelu(): GraphSpec {
  return {
    opset: 13,
    inputs: [{ name: "X", dims: [2, 11] }],
    outputs: [
      { name: "P", dims: [2, 4] },
      { name: "Q", dims: [2, 4] },
      { name: "R", dims: [2, 3] },
    ],
    nodes: [
      { op: "Split", inputs: ["X", "sizes"], outputs: ["P0", "Q0", "R0"], attrs: { axis: 1 } },
      { op: "Relu", inputs: ["P0"], outputs: ["P"] },
      { op: "Relu", inputs: ["Q0"], outputs: ["Q"] },
      { op: "Relu", inputs: ["R0"], outputs: ["R"] },
    ],
    initializers: [{ name: "sizes", type: "int64", dims: [3], values: [4, 4, 3] }],
  };
}
