/** Shared fixtures of the whole-model proof tests: corpus / built models, setup, proof, verifying key. */
import { DEFAULT_BITS } from "../../src/model/defaults";
import { quantizeGraph, quantizeInputs, runInteger, type Graph, type IntegerTrace, type QuantizedModel } from "../../src/model";
import { insecureDevSrs, type Srs } from "../../src/pcs/srs";
import { proveInference, type InferenceStatement } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson, type VerifyingKey } from "../../src/prover/keys";
import { setupModel, type ModelSetup } from "../../src/prover/setup";
import { inputsFor } from "../model/helpers/harness";
import { loadCorpusTrace } from "./corpus-helpers";

/** SRS size of these tests: the model polynomial holds the CLAMP and activation tables (2^13 entries each at 12 bits). */
export const GRAPH_SRS_SIZE = 2 ** 17;

let srs: Srs | undefined;
/** The cached dev SRS (built once per process). */
export function graphSrs(): Srs {
  srs ??= insecureDevSrs(GRAPH_SRS_SIZE);
  return srs;
}

/** A prover address used by the tests. */
export const PROVER: `0x${string}` = "0x00000000000000000000000000000000000000aa";

/** A set-up model with one honest proof. */
export interface ProvedModel {
  readonly model: QuantizedModel;
  readonly trace: IntegerTrace;
  readonly setup: ModelSetup;
  readonly vk: VerifyingKey;
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
}

/** Sets up and proves a quantized model on a trace. */
export function proveModel(model: QuantizedModel, trace: IntegerTrace): ProvedModel {
  const setup = setupModel(model, graphSrs());
  const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
  const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: PROVER });
  return { model, trace, setup, vk, statement, proof };
}

/** A corpus model's proof, or undefined when the corpus is not beside the repo. */
export function proveCorpus(name: string): ProvedModel | undefined {
  const c = loadCorpusTrace(name);
  return c && proveModel(c.model, c.trace);
}

/** A built graph quantized and run on its seeded input. */
export function builtModel(graph: Graph): { model: QuantizedModel; trace: IntegerTrace } {
  const inputs = inputsFor(graph);
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  return { model, trace: runInteger(model, quantizeInputs(model, inputs)) };
}
