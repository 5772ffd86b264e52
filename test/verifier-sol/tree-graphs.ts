/**
 * A built decision tree for the on-chain tests of the tree models' integer kinds (test/verifier-sol/tree*.test.ts):
 * every form of every step ModelVerifierTree.sol runs, in the shape the hummingbird / sklearn converters emit.
 *
 *   int-matmul   Li·M, Li·M2 (carried constants), Liᵀ·Li (both operands activations)
 *   int-equal    Equal(Pl, E) (a carried constant), Equal(P, P2) (two tensors)
 *   int-gather   C6[I] (owns H: the rows IOP), C5[I] (shares H, carried constant), TF[I] (shares H, a committed float
 *                table), Pl[J] (GatherElements of an activation; owns its H)
 *   int-onehot   OneHot(I, 5, [0, 1])
 */
import type { GraphSpec } from "../model/helpers/onnx-builder";

export const TREE_GRAPH: GraphSpec = {
  opset: 13,
  inputs: [{ name: "X", dims: [1, 4] }],
  outputs: [
    { name: "Z1", type: "int64", dims: [1] },
    { name: "Z2", type: "int64", dims: [1] },
    { name: "F", dims: [1] },
    { name: "Of", dims: [1, 5] },
    { name: "G", type: "int64", dims: [1, 1] },
    { name: "Ra", type: "int64", dims: [4, 4] },
  ],
  initializers: [
    { name: "T", dims: [4], values: [0.1, -0.3, 0.5, 0] },
    { name: "M", type: "int8", dims: [4, 5], values: [1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0] },
    { name: "M2", type: "int8", dims: [4, 5], values: [1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0] },
    { name: "E", type: "int64", dims: [5], values: [1, 2, 2, 1, 2] },
    { name: "D", type: "int64", dims: [1], values: [5] },
    { name: "OV", type: "int64", dims: [2], values: [0, 1] },
    { name: "C5", type: "int64", dims: [5], values: [3, 1, 4, 1, 5] },
    { name: "C6", type: "int64", dims: [5], values: [2, 7, 1, 8, -2] },
    { name: "TF", dims: [5], values: [0.5, -1, 0.25, 2, 0.75] },
    { name: "S11", type: "int64", dims: [2], values: [1, 1] },
  ],
  nodes: [
    { op: "Less", inputs: ["X", "T"], outputs: ["L"] },
    { op: "Cast", inputs: ["L"], outputs: ["Li"], attrs: { to: 3 } },
    { op: "MatMul", inputs: ["Li", "M"], outputs: ["P"] },
    { op: "MatMul", inputs: ["Li", "M2"], outputs: ["P2"] },
    { op: "Transpose", inputs: ["Li"], outputs: ["LiT"], attrs: { perm: [1, 0] } },
    { op: "MatMul", inputs: ["LiT", "Li"], outputs: ["Pa"] },
    { op: "Cast", inputs: ["Pa"], outputs: ["Ra"], attrs: { to: 7 } },
    { op: "Cast", inputs: ["P"], outputs: ["Pl"], attrs: { to: 7 } },
    { op: "Equal", inputs: ["Pl", "E"], outputs: ["Q"] },
    { op: "Equal", inputs: ["P", "P2"], outputs: ["Q2"] },
    { op: "Or", inputs: ["Q", "Q2"], outputs: ["A"] },
    { op: "Cast", inputs: ["A"], outputs: ["Ai"], attrs: { to: 6 } },
    { op: "ArgMax", inputs: ["Ai"], outputs: ["I"], attrs: { axis: -1, keepdims: 0 } },
    { op: "Gather", inputs: ["C6", "I"], outputs: ["Z1"], attrs: { axis: 0 } },
    { op: "Gather", inputs: ["C5", "I"], outputs: ["Z2"], attrs: { axis: 0 } },
    { op: "Gather", inputs: ["TF", "I"], outputs: ["F"], attrs: { axis: 0 } },
    { op: "OneHot", inputs: ["I", "D", "OV"], outputs: ["O"], attrs: { axis: -1 } },
    { op: "Cast", inputs: ["O"], outputs: ["Of"], attrs: { to: 1 } },
    { op: "ArgMax", inputs: ["Ai"], outputs: ["J0"], attrs: { axis: -1, keepdims: 1 } },
    { op: "Cast", inputs: ["J0"], outputs: ["J1"], attrs: { to: 7 } },
    { op: "Reshape", inputs: ["J1", "S11"], outputs: ["J"] },
    { op: "GatherElements", inputs: ["Pl", "J"], outputs: ["G"], attrs: { axis: 1 } },
  ],
};

/**
 * The session-5 runtime-gather forms on-chain (test/verifier-sol/tree-forms.test.ts): every data kind of each form
 * and TF's GatherND index lowering, on non-power-of-two axes.
 *
 *   elements     X[I] axis 1 (an activation; I narrower than X off the axis), C[J] axis 0 (a carried integer
 *                table), W[K] axis −1 (a committed float table)
 *   nd           Xn[T] (depth 2 of 3, an activation), Cn[T] (depth = rank, a carried integer table)
 *   int-concat   T = Concat(B, L) (a non-zero constant, one activation), T3 = Concat(L, B, L) (two activations:
 *                the prover sends the first one's part)
 */
export const FORMS_GRAPH: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "X", dims: [2, 5, 3] },
    { name: "I", type: "int64", dims: [2, 3, 3] },
    { name: "J", type: "int64", dims: [2, 4] },
    { name: "K", type: "int64", dims: [2, 3] },
    { name: "Xn", dims: [3, 5, 4] },
    { name: "L", type: "int64", dims: [4, 1] },
  ],
  outputs: [
    { name: "G", dims: [2, 3, 3] },
    { name: "H", type: "int64", dims: [2, 4] },
    { name: "F", dims: [2, 3] },
    { name: "Y", dims: [4, 4] },
    { name: "U", type: "int64", dims: [4] },
    { name: "T3", type: "int64", dims: [4, 3] },
  ],
  initializers: [
    { name: "C", type: "int64", dims: [3, 4], values: [7, -2, 5, 9, 1, 4, -6, 8, 3, 0, 2, 11] },
    { name: "W", dims: [2, 7], values: [0.5, -1, 0.25, 2, 0.75, -0.5, 1, 1.5, 0, -2, 0.5, 1, 0, 0.25] },
    { name: "B", type: "int64", dims: [4, 1], values: [0, 2, 1, 2] },
    { name: "Cn", type: "int64", dims: [3, 5], values: [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, 5, 8, -9, 7, 9] },
  ],
  nodes: [
    { op: "GatherElements", inputs: ["X", "I"], outputs: ["G"], attrs: { axis: 1 } },
    { op: "GatherElements", inputs: ["C", "J"], outputs: ["H"], attrs: { axis: 0 } },
    { op: "GatherElements", inputs: ["W", "K"], outputs: ["F"], attrs: { axis: -1 } },
    { op: "Concat", inputs: ["B", "L"], outputs: ["T"], attrs: { axis: 1 } },
    { op: "Cast", inputs: ["T"], outputs: ["T32"], attrs: { to: 6 } },
    { op: "GatherND", inputs: ["Xn", "T32"], outputs: ["Y"] },
    { op: "GatherND", inputs: ["Cn", "T32"], outputs: ["U"] },
    { op: "Concat", inputs: ["L", "B", "L"], outputs: ["T3"], attrs: { axis: 1 } },
  ],
};

/** FORMS_GRAPH's integer inputs (every index in range; the float inputs are seeded). */
export const FORMS_INDICES: Readonly<Record<string, readonly number[]>> = {
  I: [4, 0, 2, 1, 3, 3, 0, 4, 1, 2, 2, 0, 0, 1, 4, 3, 2, 1],
  J: [2, 0, 1, 1, 0, 2, 2, 1],
  K: [6, 0, 3, 1, 5, 2],
  L: [4, 0, 3, 1],
};
