import type { GraphSpec } from "../model/helpers/onnx-builder";

/**
 * Graphs of the indexed kinds (exact Div, runtime Where, TopK, runtime Scatter) shared by the prover's tests
 * (test/prover/misc.test.ts) and the Solidity twins' (test/verifier-sol/indexed.test.ts). The SMALL_ ones are
 * one-node graphs for the word-flip sweeps: integer or bool inputs only, so no requantization or table words
 * dilute the step's own.
 */

/** Where(X < T, X, 2Y) with 2Y broadcast (X rescaled to its scale), then Where(X > 0, ·, 0.5) (docs/prover.md). */
export const WHERE_GRAPH: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "X", dims: [2, 3, 4] },
    { name: "Y", dims: [3, 1] },
  ],
  outputs: [{ name: "Z", dims: [2, 3, 4] }],
  initializers: [
    { name: "T", dims: [4], values: [-0.5, 0, 0.25, 1] },
    { name: "Two", dims: [], values: [2] },
    { name: "Zero", dims: [], values: [0] },
    { name: "Half", dims: [], values: [0.5] },
  ],
  nodes: [
    { op: "Less", inputs: ["X", "T"], outputs: ["C"] },
    { op: "Mul", inputs: ["Y", "Two"], outputs: ["Y2"] },
    { op: "Where", inputs: ["C", "X", "Y2"], outputs: ["W"] },
    { op: "Greater", inputs: ["X", "Zero"], outputs: ["G"] },
    { op: "Where", inputs: ["G", "W", "Half"], outputs: ["Z"] },
  ],
};
/** Where(C, X, 0): a bool input condition, a 0-d committed constant operand. */
export const SMALL_WHERE: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "C", type: "bool", dims: [2, 4] },
    { name: "X", dims: [2, 4] },
  ],
  outputs: [{ name: "Z", dims: [2, 4] }],
  initializers: [{ name: "Zero", dims: [], values: [0] }],
  nodes: [{ op: "Where", inputs: ["C", "X", "Zero"], outputs: ["Z"] }],
};
/** ScatterElements of U [2, 2] into D [2, 5] along axis 1 at runtime I, all int64. */
export const SMALL_SCATTER: GraphSpec = {
  opset: 16,
  inputs: [
    { name: "D", type: "int64", dims: [2, 5] },
    { name: "I", type: "int64", dims: [2, 2] },
    { name: "U", type: "int64", dims: [2, 2] },
  ],
  outputs: [{ name: "Y", type: "int64", dims: [2, 5] }],
  nodes: [{ op: "ScatterElements", inputs: ["D", "I", "U"], outputs: ["Y"], attrs: { axis: 1 } }],
};
/** TopK (k = 3, largest) of X int64 [2, 5] with a tie. */
export const SMALL_TOPK: GraphSpec = {
  opset: 13,
  inputs: [{ name: "X", type: "int64", dims: [2, 5] }],
  outputs: [
    { name: "V", type: "int64", dims: [2, 3] },
    { name: "I", type: "int64", dims: [2, 3] },
  ],
  initializers: [{ name: "K", type: "int64", dims: [1], values: [3] }],
  nodes: [{ op: "TopK", inputs: ["X", "K"], outputs: ["V", "I"] }],
};
