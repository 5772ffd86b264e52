/**
 * The front end end to end: import an ONNX file, quantize it on calibration inputs, run the integer graph,
 * run the float reference and report accuracy. The CLI (`deepprove inspect`, `deepprove run`) and the corpus
 * script are thin wrappers over these functions.
 */
import { ModelError, UnsupportedError } from "./errors";
import type { Graph, Node, Tensor } from "./ir";
import { formatShape, parameterCount } from "./ir";
import { foldGraph } from "./fold";
import { decodeOnnx } from "./onnx/decode";
import { readModelFile } from "./onnx/import";
import { findOp } from "./ops";
import { quantizeGraph, type QuantizedModel } from "./quant/quantize";
import { dequantize, quantizeInputs, runInteger, type IntegerTrace } from "./exec/integer";
import { runReference } from "./reference";
import { compareOutput, type OutputAccuracy } from "./accuracy";

export { DEFAULT_BITS } from "./defaults";

/** What `inspect` reports. */
export interface ModelSummary {
  readonly name: string;
  readonly opset: number;
  readonly inputs: readonly { name: string; dtype: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; dtype: string; shape: readonly number[] }[];
  readonly parameters: number;
  /** Operator counts in the file as written. */
  readonly ops: Readonly<Record<string, number>>;
  /** Operator counts after constant folding (what is quantized and proved); empty if preparation failed. */
  readonly provedOps: Readonly<Record<string, number>>;
  /** Unsupported operators/attributes, one clear message each (empty when the model is supported). */
  readonly unsupported: readonly string[];
}

function countOps(nodes: readonly Node[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.op] = (counts[n.op] ?? 0) + 1;
  return counts;
}

/** Summarises a model file without running it. */
export function inspectModel(path: string): ModelSummary {
  const raw = decodeOnnx(readModelFile(path), path);
  const unsupported: string[] = [];
  const missing = new Set<string>();
  for (const n of raw.nodes) {
    if (!findOp(n.domain, n.op) && !missing.has(n.op)) {
      missing.add(n.op);
      unsupported.push(`operator ${n.op}${n.domain ? ` (domain ${n.domain})` : ""} is not supported (first at node "${n.name}")`);
    }
  }
  let graph: Graph = raw;
  let provedOps: Record<string, number> = {};
  if (unsupported.length === 0) {
    try {
      graph = foldGraph(raw);
      provedOps = countOps(graph.nodes);
      for (const n of graph.nodes) {
        if (!findOp(n.domain, n.op)?.quantize) unsupported.push(`node "${n.name}" (${n.op}): supported only on constant inputs, and its inputs are not constant`);
      }
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      unsupported.push(error.message);
    }
  }
  const info = (t: { name: string; dtype: string; shape: readonly number[] }) => ({ name: t.name, dtype: t.dtype, shape: t.shape });
  return {
    name: raw.name,
    opset: raw.opset,
    inputs: raw.inputs.map(info),
    outputs: graph.outputs.map(info),
    parameters: parameterCount(raw),
    ops: countOps(raw.nodes),
    provedOps,
    unsupported,
  };
}

/** Result of a quantized run beside the reference. */
export interface RunReport {
  readonly bits: number;
  readonly model: QuantizedModel;
  readonly trace: IntegerTrace;
  /** Dequantized outputs of the integer run. */
  readonly outputs: readonly Float64Array[];
  readonly reference: readonly Float64Array[];
  readonly accuracy: readonly OutputAccuracy[];
  /** Worst figures over all outputs. */
  readonly cosine: number;
  readonly max_abs_error: number;
  readonly argmax_agree: boolean;
}

/**
 * Quantizes `graph` (calibrated on `inputs`), runs it with integers and compares with onnxruntime on the
 * original file.
 */
export async function runAndCompare(path: string, graph: Graph, inputs: readonly Tensor[], bits: number, calibration: readonly (readonly Tensor[])[] = [inputs]): Promise<RunReport> {
  const model = quantizeGraph(graph, calibration, bits);
  const trace = runInteger(model, quantizeInputs(model, inputs));
  const outputs = trace.outputs.map((o) => dequantize(o.tensor, o.scale));
  const reference = await runReference(path, graph, inputs);
  const accuracy = graph.outputs.map((o, i) => compareOutput(o.name, outputs[i], reference[i]));
  return {
    bits,
    model,
    trace,
    outputs,
    reference,
    accuracy,
    cosine: Math.min(...accuracy.map((a) => a.cosine)),
    max_abs_error: Math.max(...accuracy.map((a) => a.max_abs_error)),
    argmax_agree: accuracy.every((a) => a.argmax_agree),
  };
}

/** One-line description of a value for CLI output. */
export function describeValue(v: { name: string; dtype: string; shape: readonly number[] }): string {
  return `${v.name}: ${v.dtype} ${formatShape(v.shape)}`;
}

export { UnsupportedError };
