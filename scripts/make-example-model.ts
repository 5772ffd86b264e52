/**
 * Writes the example model the demo runs: `examples/mlp/network.onnx` (a 16-32-10 MLP with our own seeded
 * weights: Gemm, Relu, Gemm) and `examples/mlp/input.json` (EZKL's input format). Regenerate with
 *   npx ts-node --transpile-only scripts/make-example-model.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildOnnx, seeded } from "../test/model/helpers/onnx-builder";

const DIR = join(__dirname, "..", "examples", "mlp");
const [IN, HIDDEN, OUT] = [16, 32, 10];

mkdirSync(DIR, { recursive: true });
const onnx = buildOnnx({
  opset: 13,
  inputs: [{ name: "x", dims: ["batch_size", IN] }],
  outputs: [{ name: "logits", dims: ["batch_size", OUT] }],
  initializers: [
    { name: "w1", dims: [HIDDEN, IN], values: seeded(HIDDEN * IN, 11).map((v) => v / 2) },
    { name: "b1", dims: [HIDDEN], values: seeded(HIDDEN, 12).map((v) => v / 10) },
    { name: "w2", dims: [OUT, HIDDEN], values: seeded(OUT * HIDDEN, 13).map((v) => v / 3) },
    { name: "b2", dims: [OUT], values: seeded(OUT, 14).map((v) => v / 10) },
  ],
  nodes: [
    { op: "Gemm", name: "fc1", inputs: ["x", "w1", "b1"], outputs: ["h"], attrs: { transB: 1 } },
    { op: "Relu", name: "relu1", inputs: ["h"], outputs: ["a"] },
    { op: "Gemm", name: "fc2", inputs: ["a", "w2", "b2"], outputs: ["logits"], attrs: { transB: 1 } },
  ],
});
writeFileSync(join(DIR, "network.onnx"), onnx);
writeFileSync(join(DIR, "input.json"), `${JSON.stringify({ input_data: [seeded(IN, 15)] })}\n`);
console.log(`wrote ${DIR}/network.onnx (${onnx.length} bytes) and input.json`);
