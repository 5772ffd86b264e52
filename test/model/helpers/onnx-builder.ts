/**
 * Builds tiny ONNX files for tests with protobufjs and the importer's own schema descriptor (field numbers
 * from onnx.proto). Values are encoded in the typed fields (float_data, int64_data) rather than raw_data, so
 * both decoding paths get exercised (the corpus files use raw_data).
 */
import { ONNX_ATTRIBUTE_TYPE, ONNX_DATA_TYPE, modelProtoType } from "../../../src/model/onnx/schema";

export type AttrValue = number | string | number[] | string[] | { float: number } | { floats: number[] } | { tensor: TensorSpec };

export interface TensorSpec {
  name?: string;
  type?: "float" | "int64" | "bool" | "int32" | "int8" | "uint8" | "double";
  dims: number[];
  values: number[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrValue>;
}

export interface ValueSpec {
  name: string;
  type?: "float" | "int64" | "bool";
  /** A string is a symbolic dimension. */
  dims: (number | string)[];
}

export interface GraphSpec {
  opset?: number;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
}

const TYPE: Record<string, number> = {
  float: ONNX_DATA_TYPE.FLOAT,
  int64: ONNX_DATA_TYPE.INT64,
  bool: ONNX_DATA_TYPE.BOOL,
  int32: ONNX_DATA_TYPE.INT32,
  double: ONNX_DATA_TYPE.DOUBLE,
  int8: ONNX_DATA_TYPE.INT8,
  uint8: ONNX_DATA_TYPE.UINT8,
};

function tensorProto(t: TensorSpec) {
  const type = t.type ?? "float";
  const base = { name: t.name ?? "", dims: t.dims, dataType: TYPE[type] };
  if (type === "float") return { ...base, floatData: t.values };
  if (type === "double") return { ...base, doubleData: t.values };
  if (type === "int64") return { ...base, int64Data: t.values };
  return { ...base, int32Data: t.values };
}

function attrProto(name: string, v: AttrValue) {
  if (typeof v === "number") return Number.isInteger(v) ? { name, type: ONNX_ATTRIBUTE_TYPE.INT, i: v } : { name, type: ONNX_ATTRIBUTE_TYPE.FLOAT, f: v };
  if (typeof v === "string") return { name, type: ONNX_ATTRIBUTE_TYPE.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === "string") return { name, type: ONNX_ATTRIBUTE_TYPE.STRINGS, strings: (v as string[]).map((x) => Buffer.from(x)) };
    return { name, type: ONNX_ATTRIBUTE_TYPE.INTS, ints: v as number[] };
  }
  if ("float" in v) return { name, type: ONNX_ATTRIBUTE_TYPE.FLOAT, f: v.float };
  if ("floats" in v) return { name, type: ONNX_ATTRIBUTE_TYPE.FLOATS, floats: v.floats };
  return { name, type: ONNX_ATTRIBUTE_TYPE.TENSOR, t: tensorProto(v.tensor) };
}

function valueInfo(v: ValueSpec) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: TYPE[v.type ?? "float"],
        shape: { dim: v.dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Encodes a graph as ONNX model bytes. */
export function buildOnnx(g: GraphSpec): Uint8Array {
  const type = modelProtoType();
  const msg = type.fromObject({
    irVersion: 8,
    opsetImport: [{ domain: "", version: g.opset ?? 17 }],
    producerName: "deepprove-test",
    graph: {
      name: "test",
      node: g.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? "",
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attrProto(k, v)),
      })),
      initializer: (g.initializers ?? []).map(tensorProto),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  return type.encode(msg).finish();
}

/** Deterministic pseudo-random values in [-1, 1) (xorshift32). */
export function seeded(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  });
}
