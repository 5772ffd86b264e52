/** Shared fixtures of the whole-model proof tests: corpus / built models, setup, proof, verifying key. */
import { DEFAULT_BITS } from "../../src/model/defaults";
import { quantizeGraph, quantizeInputs, runInteger, type Graph, type IntegerTrace, type QuantizedModel } from "../../src/model";
import { insecureDevSrs, type Srs } from "../../src/pcs/srs";
import { ProofRejectedError, proveInference, verifyInference, type InferenceStatement } from "../../src/prover/graph";
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

/** The reference verifier's verdict on a proof: "accepted", or the reason it was rejected. */
export function rejection(p: ProvedModel, statement: InferenceStatement = p.statement, proof: Uint8Array = p.proof, vk: VerifyingKey = p.vk): string {
  try {
    verifyInference({ vk, model: p.model, statement, proof });
  } catch (e) {
    if (e instanceof ProofRejectedError) return e.reason;
    throw e;
  }
  return "accepted";
}

/** True when the reference verifier rejects the proof. */
export function rejected(p: ProvedModel, statement: InferenceStatement = p.statement, proof: Uint8Array = p.proof): boolean {
  return rejection(p, statement, proof) !== "accepted";
}

/** A copy of the trace with node `node`'s first output changed at flat index `at` by `delta` (graph outputs as they were). */
export function tamperedTrace(trace: IntegerTrace, node: string, at: number, delta: number): IntegerTrace {
  return {
    ...trace,
    steps: trace.steps.map((s) => (s.node !== node ? s : { ...s, values: s.values.map((t, j) => (j === 0 ? { ...t, data: Float64Array.from(t.data, (v, i) => (i === at ? v + delta : v)) } : t)) })),
  };
}

/** What a dishonest prover states: node `node`'s first output at flat index `at` set to `change(v)`, and the graph output too when the node produces one. */
export function tamperedOutput(trace: IntegerTrace, node: string, at: number, change: (v: number) => number): IntegerTrace {
  let name = "";
  let value: IntegerTrace["steps"][number]["values"][number] | undefined;
  const steps = trace.steps.map((s) => {
    if (s.node !== node) return s;
    name = s.outputs[0];
    value = { ...s.values[0], data: Float64Array.from(s.values[0].data, (v, i) => (i === at ? change(v) : v)) };
    return { ...s, values: [value, ...s.values.slice(1)] };
  });
  if (!value) throw new RangeError(`no step ${node}`);
  return { ...trace, steps, outputs: trace.outputs.map((o) => (o.name === name ? { ...o, tensor: value! } : o)) };
}
