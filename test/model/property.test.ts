import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_BITS } from "../../src/model/pipeline";
import { checkAgainstOrt } from "./helpers/harness";
import { seeded, type GraphSpec, type NodeSpec, type TensorSpec } from "./helpers/onnx-builder";

/** A random MLP: Gemm layers with random activations between them, ending in a Gemm. */
function mlp(widths: number[], acts: string[], seed: number): GraphSpec {
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  let x = "X";
  for (let l = 0; l + 1 < widths.length; l++) {
    initializers.push({ name: `W${l}`, dims: [widths[l], widths[l + 1]], values: seeded(widths[l] * widths[l + 1], seed + 2 * l) });
    initializers.push({ name: `b${l}`, dims: [widths[l + 1]], values: seeded(widths[l + 1], seed + 2 * l + 1) });
    nodes.push({ op: "Gemm", inputs: [x, `W${l}`, `b${l}`], outputs: [`z${l}`] });
    x = `z${l}`;
    if (l + 2 < widths.length) {
      nodes.push({ op: acts[l % acts.length], inputs: [x], outputs: [`a${l}`] });
      x = `a${l}`;
    }
  }
  nodes[nodes.length - 1] = { ...nodes[nodes.length - 1], outputs: ["Y"] };
  return { inputs: [{ name: "X", dims: [1, widths[0]] }], outputs: [{ name: "Y", dims: [] }], nodes, initializers };
}

describe(`model: random MLPs at the default ${DEFAULT_BITS} bits track onnxruntime`, function () {
  this.timeout(120_000);

  it("cosine >= 0.99 for random depths, widths, activations and weights", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 2, max: 12 }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.constantFrom("Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softplus", "Erf"), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (widths, acts, seed) => {
          const report = await checkAgainstOrt(mlp(widths, acts, seed), { bits: DEFAULT_BITS, cosine: 0.99 });
          expect(report.trace.steps.length).to.be.greaterThan(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
