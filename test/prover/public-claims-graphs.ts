/**
 * Graphs whose graph input carries several claims when the walk ends (one per node reading it), shared by the
 * prover's tests (./public-claims.test.ts) and the on-chain differential tests
 * (test/verifier-sol/public-claims.test.ts), so that both judge the same models.
 */
import type { GraphSpec, NodeSpec, TensorSpec } from "../model/helpers/onnx-builder";

/** Deterministic small weights in (−1, 1) (a seeded LCG), `count` of them. */
function weights(count: number, seed: number): number[] {
  let x = seed >>> 0;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return ((x >>> 8) % 2001) / 1000 - 1;
  });
}

/**
 * X [rows, cols] read by `readers` MatMuls (X·W_i, W_i [cols, 4]) whose outputs are summed: X carries `readers`
 * claims at the end of the walk (one per MatMul), each at another point.
 */
export function fanOutGraph(rows: number, cols: number, readers: number): GraphSpec {
  const out = 4;
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  for (let i = 0; i < readers; i++) {
    nodes.push({ op: "MatMul", inputs: ["X", `W${i}`], outputs: [`Y${i}`] });
    initializers.push({ name: `W${i}`, dims: [cols, out], values: weights(cols * out, 17 + i) });
  }
  let sum = "Y0";
  for (let i = 1; i < readers; i++) {
    const next = i === readers - 1 ? "Z" : `S${i}`;
    nodes.push({ op: "Add", inputs: [sum, `Y${i}`], outputs: [next] });
    sum = next;
  }
  if (readers === 1) nodes.push({ op: "Relu", inputs: ["Y0"], outputs: ["Z"] });
  return { opset: 13, inputs: [{ name: "X", dims: [rows, cols] }], outputs: [{ name: "Z", dims: [rows, out] }], nodes, initializers };
}
