/** Loads a corpus model's quantized trace for the prover's corpus tests (`../shared/models`). */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { importOnnx, quantizeGraph, quantizeInputs, readInputs, runInteger } from "../../src/model";
import type { Graph, IntegerTrace, QuantizedModel, Tensor } from "../../src/model";

export const CORPUS = resolve(__dirname, "../../../shared/models");

export interface CorpusTrace {
  readonly graph: Graph;
  readonly model: QuantizedModel;
  readonly trace: IntegerTrace;
  /** Every integer tensor by value name: graph inputs and quantized weights (plus constant outputs if asked). */
  readonly env: Map<string, Tensor>;
}

/** The model's 12-bit trace on its own input, or undefined when the corpus is not beside the repo. */
export function loadCorpusTrace(name: string, withConstantOutputs = false): CorpusTrace | undefined {
  const path = join(CORPUS, name, "network.onnx");
  if (!existsSync(path)) return undefined;
  const graph = importOnnx(path);
  const inputs = readInputs(join(CORPUS, name, "input.json"), graph);
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  const trace = runInteger(model, quantizeInputs(model, inputs));
  const env = new Map<string, Tensor>();
  graph.inputs.forEach((info, i) => env.set(info.name, trace.inputs[i]));
  for (const [w, q] of model.weights) env.set(w, q.tensor);
  if (withConstantOutputs) for (const [w, q] of model.constantOutputs) env.set(w, q.tensor);
  return { graph, model, trace, env };
}
