/**
 * Graphs of the constant-condition Where (handler `where-mask`, src/prover/graph/nodes/where-mask.ts) shared by the
 * prover's tests (./where-mask.test.ts) and the on-chain differential tests (test/verifier-sol/where-mask.test.ts):
 * a fill on either side, broadcast masks, padded (non-power-of-two) axes, two runtime inputs one of them rescaled, a
 * constant tensor (not one element) as a data input, and an output read twice (the claims are merged).
 */
import type { QuantizedModel } from "../../src/model";
import { compileGraph } from "../../src/prover/graph/compile";
import { proveInference, type InferenceStatement } from "../../src/prover/graph";
import type { MaskWhereNodeStep } from "../../src/prover/graph/nodes/where-mask";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { graphSrs, PROVER, tamperedOutput, type ProvedModel } from "./graph-helpers";

/** Lower-triangular T × T (1 on and below the diagonal), row-major. */
export const lowerTriangle = (T: number): number[] => Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0));

/** Y = Where(M [1, 1, T, T], F (0-d), S [1, 2, T, T]): the causal mask's shape with the fill on the TRUE side. */
export function fillTrue(T: number): GraphSpec {
  return {
    opset: 13,
    inputs: [{ name: "S", dims: [1, 2, T, T] }],
    outputs: [{ name: "Y", dims: [1, 2, T, T] }],
    nodes: [{ op: "Where", inputs: ["M", "F", "S"], outputs: ["Y"] }],
    initializers: [
      { name: "M", type: "bool", dims: [1, 1, T, T], values: lowerTriangle(T).map((v) => 1 - v) },
      { name: "F", dims: [], values: [-1.5] },
    ],
  };
}

/** Y = Where(M [T], S [3, T], F [1]): a mask broadcast over the rows, the fill on the FALSE side. */
export function fillFalse(T: number): GraphSpec {
  return {
    opset: 13,
    inputs: [{ name: "S", dims: [3, T] }],
    outputs: [{ name: "Y", dims: [3, T] }],
    nodes: [{ op: "Where", inputs: ["M", "S", "F"], outputs: ["Y"] }],
    initializers: [
      { name: "M", type: "bool", dims: [T], values: Array.from({ length: T }, (_, i) => (i % 2 === 0 ? 1 : 0)) },
      { name: "F", dims: [1], values: [0.75] },
    ],
  };
}

/**
 * Y = Where(M [T, T], A [2, T, T], 3·B [T]): two runtime inputs broadcast differently; 3·B's scale is larger than
 * A's, so the plan rescales A first (a requantization after the step).
 */
export function twoRuntime(T: number): GraphSpec {
  return {
    opset: 13,
    inputs: [
      { name: "A", dims: [2, T, T] },
      { name: "B", dims: [T] },
    ],
    outputs: [{ name: "Y", dims: [2, T, T] }],
    nodes: [
      { op: "Mul", inputs: ["B", "K"], outputs: ["B3"] },
      { op: "Where", inputs: ["M", "A", "B3"], outputs: ["Y"] },
    ],
    initializers: [
      { name: "M", type: "bool", dims: [T, T], values: lowerTriangle(T) },
      { name: "K", dims: [T], values: new Array<number>(T).fill(3) },
    ],
  };
}

/** Y = Where(M [2, 3], C [3] (a constant tensor: opened in W), S [2, 3]), then Z = Relu(Y): Y read twice. */
export function constantTensor(): GraphSpec {
  return {
    opset: 13,
    inputs: [{ name: "S", dims: [2, 3] }],
    outputs: [
      { name: "Y", dims: [2, 3] },
      { name: "Z", dims: [2, 3] },
    ],
    nodes: [
      { op: "Where", inputs: ["M", "C", "S"], outputs: ["Y"] },
      { op: "Relu", inputs: ["Y"], outputs: ["Z"] },
    ],
    initializers: [
      { name: "M", type: "bool", dims: [2, 3], values: [1, 0, 0, 0, 1, 1] },
      { name: "C", dims: [3], values: [0.5, -0.25, 1] },
    ],
  };
}

/** The one where-mask step of a model's plan. */
export function maskStep(model: QuantizedModel): MaskWhereNodeStep {
  const steps = compileGraph(model).nodes.filter((s) => s.handler === "where-mask");
  if (steps.length !== 1) throw new RangeError(`expected one where-mask step, found ${steps.length}`);
  return steps[0] as MaskWhereNodeStep;
}

/**
 * A CONSISTENT lie on {@link fillTrue}(3): the prover uses the mask with entry 1 flipped (1 → 0, so y keeps S
 * there, in both heads) in its witness AND in the trace, against the honest setup (whose W commits the true mask).
 * Every step's arithmetic holds; only the opening of W at the mask's claim can catch it. Null when the prover
 * refuses (it must not: the lie is consistent).
 */
export function flippedMaskProof(honest: ProvedModel): { statement: InferenceStatement; proof: Uint8Array } {
  const { model, trace } = honest;
  const step = maskStep(model);
  if (step.data[1].rescale !== null) throw new RangeError("the lie assumes S is used as it is");
  const mask = model.weights.get(step.mask.tensor)!;
  if (mask.tensor.data[1] !== 1) throw new RangeError("the lie flips a 1 of the mask");
  const lieMask = { ...mask, tensor: { ...mask.tensor, data: Float64Array.from(mask.tensor.data, (v, i) => (i === 1 ? 0 : v)) } };
  const lying: QuantizedModel = { ...model, weights: new Map([...model.weights, [step.mask.tensor, lieMask]]) };
  const where = model.graph.nodes[0].name;
  const s = trace.inputs[0].data;
  const T = 3;
  const lie = tamperedOutput(tamperedOutput(trace, where, 1, () => s[1]), where, T * T + 1, () => s[T * T + 1]);
  return proveInference({ setup: honest.setup, model: lying, srs: graphSrs(), trace: lie, prover: PROVER, unsafeDishonest: true });
}
