/**
 * The float reference: onnxruntime-node runs the original ONNX file (CPU). Inputs are given at the static
 * shapes the importer chose (symbolic dimensions = 1).
 */
import * as ort from "onnxruntime-node";
import { ModelError } from "./errors";
import type { DType, Graph, Tensor } from "./ir";

const ORT_TYPE: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: "float32",
  float64: "float64",
  int64: "int64",
  int32: "int32",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  bool: "bool",
};

/** onnxruntime refuses to load the ONNX file (e.g. an operator it lacks for these input types). */
export class ReferenceUnavailableError extends ModelError {
  override readonly name = "ReferenceUnavailableError";
}

function toOrt(t: Tensor, name: string): ort.Tensor {
  const type = ORT_TYPE[t.dtype];
  if (!type) throw new ModelError(`input "${name}": dtype ${t.dtype} is not supported by the reference runner`);
  const dims = [...t.shape];
  switch (type) {
    case "float32": return new ort.Tensor(type, Float32Array.from(t.data), dims);
    case "float64": return new ort.Tensor(type, Float64Array.from(t.data), dims);
    case "int64": return new ort.Tensor(type, BigInt64Array.from(t.data, (v) => BigInt(Math.trunc(v))), dims);
    case "int32": return new ort.Tensor(type, Int32Array.from(t.data), dims);
    case "int8": return new ort.Tensor(type, Int8Array.from(t.data), dims);
    case "uint8": return new ort.Tensor(type, Uint8Array.from(t.data), dims);
    case "int16": return new ort.Tensor(type, Int16Array.from(t.data), dims);
    case "uint16": return new ort.Tensor(type, Uint16Array.from(t.data), dims);
    case "bool": return new ort.Tensor(type, Uint8Array.from(t.data, (v) => (v !== 0 ? 1 : 0)), dims);
    default: throw new ModelError(`input "${name}": unsupported reference dtype ${type}`);
  }
}

function fromOrt(t: ort.Tensor): Float64Array {
  const d = t.data as ArrayLike<number | bigint | boolean>;
  return Float64Array.from({ length: d.length }, (_, i) => Number(d[i]));
}

/**
 * Runs the ONNX file with onnxruntime on `inputs` (graph-input order of `graph`) and returns each graph
 * output as float64 values, in `graph.outputs` order.
 */
export async function runReference(path: string, graph: Graph, inputs: readonly Tensor[]): Promise<Float64Array[]> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { graphOptimizationLevel: "disabled", logSeverityLevel: 3 });
  } catch (error) {
    throw new ReferenceUnavailableError(`${path}: onnxruntime cannot load the model (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    graph.inputs.forEach((info, i) => {
      feeds[info.name] = toOrt(inputs[i], info.name);
    });
    const result = await session.run(feeds);
    return graph.outputs.map((o) => {
      const t = result[o.name];
      if (!t) throw new ModelError(`onnxruntime produced no output "${o.name}"`);
      return fromOrt(t);
    });
  } finally {
    await session.release();
  }
}
