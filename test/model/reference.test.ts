/**
 * The onnxruntime reference: a file onnxruntime cannot load is refused with ReferenceUnavailableError (bench and
 * the corpus script then fall back to this project's float executor, naming why).
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { importOnnxBytes, readInputs } from "../../src/model";
import { ReferenceUnavailableError, runReference } from "../../src/model/reference";

const MODELS = resolve(__dirname, "../../../shared/models");

describe("model: onnxruntime reference", function () {
  this.timeout(60_000);

  it("runs a model onnxruntime loads", async function () {
    const dir = resolve(MODELS, "1l_relu");
    if (!existsSync(dir)) this.skip();
    const graph = importOnnxBytes(readFileSync(resolve(dir, "network.onnx")));
    const [out] = await runReference(resolve(dir, "network.onnx"), graph, readInputs(resolve(dir, "input.json"), graph));
    expect(out.length).to.be.greaterThan(0);
  });

  it("names a file onnxruntime cannot load (self_attention: Equal on floats) with ReferenceUnavailableError", async function () {
    const dir = resolve(MODELS, "self_attention");
    if (!existsSync(dir)) this.skip();
    const graph = importOnnxBytes(readFileSync(resolve(dir, "network.onnx")));
    const inputs = readInputs(resolve(dir, "input.json"), graph);
    const err = await runReference(resolve(dir, "network.onnx"), graph, inputs).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ReferenceUnavailableError);
    expect((err as Error).message).to.match(/self_attention\/network\.onnx: onnxruntime cannot load the model/);
  });
});
