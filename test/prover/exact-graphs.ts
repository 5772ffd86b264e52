/**
 * The built graphs of the exact integer kinds (compare, logic, exact), shared by the prover's tests
 * (test/prover/exact.test.ts) and the on-chain differential tests (test/verifier-sol/exact.test.ts), so that both
 * prove the same models.
 */
import type { GraphSpec } from "../model/helpers/onnx-builder";

/** X [2, 3, 4] `op` Y [2, 3, 1] (broadcast) or T (a float constant [4], committed) as the bool output. */
export function compareGraph(op: string, b: "Y" | "T"): GraphSpec {
  return {
    opset: 13,
    inputs: [
      { name: "X", dims: [2, 3, 4] },
      { name: "Y", dims: [2, 3, 1] },
    ],
    outputs: [{ name: "Z", type: "bool", dims: [2, 3, 4] }],
    initializers: [{ name: "T", dims: [4], values: [-0.5, 0, 0.25, 1] }],
    nodes: [{ op, inputs: b === "Y" ? ["X", "Y"] : ["X", "T"], outputs: ["Z"] }],
  };
}

/** X, Y → L = X < Y, H = X > Y, then `op` of them (Not of L; Add / Sub / Mul of their int64 casts) as the output. */
export function logicGraph(op: string, out: "bool" | "int64"): GraphSpec {
  const tail =
    op === "Not"
      ? [{ op, inputs: ["L"], outputs: ["Z"] }]
      : out === "int64"
        ? [
            { op: "Cast", inputs: ["L"], outputs: ["Li"], attrs: { to: 7 } },
            { op: "Cast", inputs: ["H"], outputs: ["Hi"], attrs: { to: 7 } },
            { op: "Add", inputs: ["Li", "Hi"], outputs: ["S"] },
            { op, inputs: ["S", "Hi"], outputs: ["Z"] },
          ]
        : [{ op, inputs: ["L", "H"], outputs: ["Z"] }];
  return {
    opset: 13,
    inputs: [
      { name: "X", dims: [2, 3, 4] },
      { name: "Y", dims: [2, 3, 4] },
    ],
    outputs: [{ name: "Z", type: out, dims: [2, 3, 4] }],
    nodes: [{ op: "Less", inputs: ["X", "Y"], outputs: ["L"] }, { op: "Greater", inputs: ["X", "Y"], outputs: ["H"] }, ...tail],
  };
}

/**
 * Every comparison (broadcast Y, a committed float threshold T), Or / Xor / And (And also broadcast) / Not, Cast
 * of bools to int64, exact Add / Sub / Mul of tensors, Mul by / Add / Sub of int64 constants (broadcast), and a
 * Reshape of the int64 result. The comparisons' outputs are L (X < Y), G (X ≥ T), E (Y ≤ X), H (X > Y).
 */
export const EVERY_EXACT_OP: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "X", dims: [2, 3, 4] },
    { name: "Y", dims: [2, 3, 1] },
  ],
  outputs: [{ name: "Z", type: "int64", dims: [6, 4] }],
  initializers: [
    { name: "T", dims: [4], values: [-0.5, 0, 0.25, 1] },
    { name: "T0", dims: [], values: [0.1] },
    { name: "K", type: "int64", dims: [4], values: [3, -2, 5, 7] },
    { name: "J", type: "int64", dims: [3, 1], values: [-300, 0, 70000] },
    { name: "R", type: "int64", dims: [2], values: [6, 4] },
  ],
  nodes: [
    { op: "Less", inputs: ["X", "Y"], outputs: ["L"] },
    { op: "GreaterOrEqual", inputs: ["X", "T"], outputs: ["G"] },
    { op: "LessOrEqual", inputs: ["Y", "X"], outputs: ["E"] },
    { op: "Greater", inputs: ["X", "Y"], outputs: ["H"] },
    { op: "Less", inputs: ["Y", "T0"], outputs: ["Lb"] },
    { op: "Or", inputs: ["L", "G"], outputs: ["O"] },
    { op: "Xor", inputs: ["O", "E"], outputs: ["Q"] },
    { op: "And", inputs: ["Q", "H"], outputs: ["A0"] },
    { op: "And", inputs: ["A0", "Lb"], outputs: ["A"] },
    { op: "Not", inputs: ["A"], outputs: ["N"] },
    { op: "Cast", inputs: ["N"], outputs: ["C"], attrs: { to: 7 } },
    { op: "Cast", inputs: ["H"], outputs: ["Hi"], attrs: { to: 7 } },
    { op: "Add", inputs: ["C", "Hi"], outputs: ["S"] },
    { op: "Mul", inputs: ["S", "K"], outputs: ["M"] },
    { op: "Sub", inputs: ["M", "C"], outputs: ["D"] },
    { op: "Add", inputs: ["J", "D"], outputs: ["P"] },
    { op: "Sub", inputs: ["P", "K"], outputs: ["F"] },
    { op: "Mul", inputs: ["F", "Hi"], outputs: ["U"] },
    { op: "Reshape", inputs: ["U", "R"], outputs: ["Z"] },
  ],
};
