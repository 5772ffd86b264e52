/**
 * ONNX bytes -> IR graph, before constant folding: decodes the protobuf, converts tensors and attributes,
 * and fixes graph-input shapes (a symbolic dimension becomes 1). No operator semantics here.
 */
import type Long from "long";
import { ModelError } from "../errors";
import type { Attribute, DType, Graph, Node, Tensor, TensorInfo } from "../ir";
import { sizeOf } from "../ir";
import { ONNX_ATTRIBUTE_TYPE, ONNX_DATA_TYPE, modelProtoType } from "./schema";

type Int64 = number | Long;

interface TensorProto {
  dims: Int64[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  int64Data: Int64[];
  doubleData: number[];
  uint64Data: Int64[];
  stringData: Uint8Array[];
  rawData?: Uint8Array;
  name: string;
  externalData: unknown[];
  dataLocation: number;
}
interface AttributeProto {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  refAttrName: string;
}
interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: AttributeProto[];
}
interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: Int64; dimParam?: string }[] } } };
}
interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  sparseInitializer: unknown[];
}
interface ModelProto {
  irVersion: Int64;
  opsetImport: { domain: string; version: Int64 }[];
  graph?: GraphProto;
}

/** The ONNX default-domain opset assumed when a file declares none (the first release with every op). */
const DEFAULT_OPSET = 1;

const DTYPE_OF: Record<number, DType> = {
  [ONNX_DATA_TYPE.FLOAT]: "float32",
  [ONNX_DATA_TYPE.DOUBLE]: "float64",
  [ONNX_DATA_TYPE.FLOAT16]: "float16",
  [ONNX_DATA_TYPE.BFLOAT16]: "bfloat16",
  [ONNX_DATA_TYPE.INT8]: "int8",
  [ONNX_DATA_TYPE.UINT8]: "uint8",
  [ONNX_DATA_TYPE.INT16]: "int16",
  [ONNX_DATA_TYPE.UINT16]: "uint16",
  [ONNX_DATA_TYPE.INT32]: "int32",
  [ONNX_DATA_TYPE.UINT32]: "uint32",
  [ONNX_DATA_TYPE.INT64]: "int64",
  [ONNX_DATA_TYPE.UINT64]: "uint64",
  [ONNX_DATA_TYPE.BOOL]: "bool",
};

/** Converts an ONNX element type number to an IR dtype. */
export function dtypeOf(code: number, what: string): DType {
  const d = DTYPE_OF[code];
  if (d === undefined) {
    const name = Object.entries(ONNX_DATA_TYPE).find(([, v]) => v === code)?.[0] ?? String(code);
    throw new ModelError(`${what}: element type ${name} is not supported (supported: ${Object.values(DTYPE_OF).join(", ")})`);
  }
  return d;
}

/** ONNX element type number of an IR dtype. */
export function onnxTypeOf(dtype: DType): number {
  for (const [code, d] of Object.entries(DTYPE_OF)) if (d === dtype) return Number(code);
  throw new ModelError(`dtype ${dtype} has no ONNX element type`);
}

function num(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloatToFloat(h: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, h << 16);
  return buf.getFloat32(0);
}

function fromRaw(raw: Uint8Array, dtype: DType, n: number, what: string): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width: Record<DType, number> = {
    float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2,
    int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
  };
  if (raw.byteLength !== n * width[dtype]) {
    throw new ModelError(`${what}: raw data has ${raw.byteLength} bytes, expected ${n * width[dtype]} for ${n} ${dtype} values`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case "float32": out[i] = view.getFloat32(4 * i, true); break;
      case "float64": out[i] = view.getFloat64(8 * i, true); break;
      case "float16": out[i] = halfToFloat(view.getUint16(2 * i, true)); break;
      case "bfloat16": out[i] = bfloatToFloat(view.getUint16(2 * i, true)); break;
      case "int8": out[i] = view.getInt8(i); break;
      case "uint8": case "bool": out[i] = view.getUint8(i); break;
      case "int16": out[i] = view.getInt16(2 * i, true); break;
      case "uint16": out[i] = view.getUint16(2 * i, true); break;
      case "int32": out[i] = view.getInt32(4 * i, true); break;
      case "uint32": out[i] = view.getUint32(4 * i, true); break;
      case "int64": out[i] = Number(view.getBigInt64(8 * i, true)); break;
      case "uint64": out[i] = Number(view.getBigUint64(8 * i, true)); break;
    }
  }
  return out;
}

/** Converts a TensorProto to an IR tensor. */
export function convertTensor(t: TensorProto, what: string): Tensor {
  const dtype = dtypeOf(t.dataType, what);
  const shape = t.dims.map(num);
  const n = sizeOf(shape);
  if (t.dataLocation === 1 || t.externalData.length > 0) {
    throw new ModelError(`${what}: tensor data stored in an external file is not supported; re-export with the weights embedded`);
  }
  let data: Float64Array;
  if (t.rawData && t.rawData.length > 0) {
    data = fromRaw(t.rawData, dtype, n, what);
  } else {
    let src: readonly (number | Long)[];
    if (dtype === "float32") src = t.floatData;
    else if (dtype === "float64") src = t.doubleData;
    else if (dtype === "int64") src = t.int64Data;
    else if (dtype === "uint64" || dtype === "uint32") src = t.uint64Data;
    else src = t.int32Data;
    data = Float64Array.from(src, (v) => num(v));
    if (dtype === "float16") data = data.map(halfToFloat);
    if (dtype === "bfloat16") data = data.map(bfloatToFloat);
    if (n === 0 && data.length === 0) data = new Float64Array(0);
    if (data.length !== n) {
      throw new ModelError(`${what}: has ${data.length} values, shape [${shape.join(", ")}] needs ${n}`);
    }
  }
  if (dtype === "int64" || dtype === "uint64") {
    // Values beyond 2^53 are sentinels in practice (Slice's INT64_MAX): keep them as huge numbers, which every
    // index computation clamps; anything else would be silently rounded, which the IR forbids.
    for (const v of data) {
      if (!Number.isSafeInteger(v) && Math.abs(v) < 2 ** 62) {
        throw new ModelError(`${what}: int64 value ${v} is not exactly representable`);
      }
    }
  }
  return { dtype, shape, data };
}

function convertAttribute(a: AttributeProto, nodeWhat: string): Attribute {
  const what = `${nodeWhat}, attribute "${a.name}"`;
  if (a.refAttrName) throw new ModelError(`${what}: attribute references (functions) are not supported`);
  const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
  switch (a.type) {
    case ONNX_ATTRIBUTE_TYPE.FLOAT: return { kind: "float", value: a.f };
    case ONNX_ATTRIBUTE_TYPE.INT: return { kind: "int", value: num(a.i) };
    case ONNX_ATTRIBUTE_TYPE.STRING: return { kind: "string", value: text(a.s) };
    case ONNX_ATTRIBUTE_TYPE.TENSOR: return { kind: "tensor", value: convertTensor(a.t!, what) };
    case ONNX_ATTRIBUTE_TYPE.FLOATS: return { kind: "floats", value: [...a.floats] };
    case ONNX_ATTRIBUTE_TYPE.INTS: return { kind: "ints", value: a.ints.map(num) };
    case ONNX_ATTRIBUTE_TYPE.STRINGS: return { kind: "strings", value: a.strings.map(text) };
    case ONNX_ATTRIBUTE_TYPE.GRAPH: return { kind: "graph", value: a.g?.name ?? "" };
    default:
      throw new ModelError(`${what}: attribute type ${a.type} is not supported (supported: float, int, string, tensor, floats, ints, strings)`);
  }
}

function convertValueInfo(v: ValueInfoProto, where: string, symbolicToOne: boolean): TensorInfo {
  const tt = v.type?.tensorType;
  if (!tt) throw new ModelError(`${where} "${v.name}": only tensor-typed values are supported`);
  const dims = tt.shape?.dim ?? [];
  const shape = dims.map((d) => {
    const value = num(d.dimValue);
    if (d.dimParam || value <= 0) {
      if (!symbolicToOne) return -1;
      return 1;
    }
    return value;
  });
  return { name: v.name, dtype: dtypeOf(tt.elemType, `${where} "${v.name}"`), shape };
}

/** Decodes the raw protobuf, with clear errors for bytes that are not an ONNX model. */
function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  if (bytes.length === 0) throw new ModelError(`${file}: empty file, not an ONNX model`);
  if (bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).toString("latin1") === "GGUF") {
    throw new ModelError(`${file}: this is a GGUF file, not ONNX (use \`deepprove generate\` for GGUF models)`);
  }
  let model: ModelProto;
  try {
    model = modelProtoType().decode(bytes) as unknown as ModelProto;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelError(`${file}: not a valid ONNX model (protobuf decoding failed: ${reason}); the file may be truncated or not ONNX`);
  }
  if (!model.graph || num(model.irVersion) <= 0) {
    throw new ModelError(`${file}: not a valid ONNX model (no ir_version or graph in the ModelProto)`);
  }
  if (model.graph.output.length === 0) throw new ModelError(`${file}: the graph declares no outputs`);
  return model;
}

/**
 * Decodes ONNX bytes into an IR graph whose `values` hold only graph inputs and initializers; node output
 * types are filled in by shape inference ({@link import("../fold").foldGraph}).
 *
 * @param bytes the `.onnx` file contents
 * @param file name used in error messages
 * @throws ModelError for bytes that are not a well-formed ONNX model
 */
export function decodeOnnx(bytes: Uint8Array, file = "model"): Graph {
  const model = decodeModel(bytes, file);
  const g = model.graph!;
  const opsetEntry = model.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx");
  const opset = opsetEntry ? num(opsetEntry.version) : DEFAULT_OPSET;
  if (g.sparseInitializer.length > 0) throw new ModelError(`${file}: sparse initializers are not supported`);

  const initializers = new Map<string, Tensor>();
  const values = new Map<string, TensorInfo>();
  for (const t of g.initializer) {
    const tensor = convertTensor(t, `${file}: initializer "${t.name}"`);
    initializers.set(t.name, tensor);
    values.set(t.name, { name: t.name, dtype: tensor.dtype, shape: tensor.shape });
  }
  const inputs: TensorInfo[] = [];
  for (const v of g.input) {
    if (initializers.has(v.name)) continue;
    const info = convertValueInfo(v, `${file}: graph input`, true);
    inputs.push(info);
    values.set(v.name, info);
  }
  const outputs = g.output.map((v) => {
    const info = convertValueInfo(v, `${file}: graph output`, false);
    return info;
  });

  const usedNames = new Set<string>();
  const nodes: Node[] = g.node.map((n, i) => {
    let name = n.name || `${n.opType}_${i}`;
    while (usedNames.has(name)) name = `${name}_${i}`;
    usedNames.add(name);
    const what = `${file}: node "${name}" (${n.opType})`;
    const attrs: Record<string, Attribute> = {};
    for (const a of n.attribute) attrs[a.name] = convertAttribute(a, what);
    const domain = n.domain === "ai.onnx" ? "" : n.domain;
    return { name, op: n.opType, domain, inputs: [...n.input], outputs: [...n.output], attrs };
  });
  return { name: g.name || file, opset, inputs, outputs, nodes: sortTopologically(nodes, values, file), initializers, values };
}

/** ONNX requires topological order but some exporters do not honour it; sorting is cheap and safe. */
function sortTopologically(nodes: Node[], known: ReadonlyMap<string, TensorInfo>, file: string): Node[] {
  const available = new Set<string>([...known.keys(), ""]);
  const pending = [...nodes];
  const sorted: Node[] = [];
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const n = pending[i];
      if (n.inputs.every((x) => available.has(x))) {
        sorted.push(n);
        for (const o of n.outputs) available.add(o);
        pending.splice(i, 1);
      } else i++;
    }
    if (pending.length === before) {
      const n = pending[0];
      const missing = n.inputs.filter((x) => !available.has(x));
      throw new ModelError(`${file}: node "${n.name}" (${n.op}) reads undefined value(s) ${missing.map((m) => `"${m}"`).join(", ")} (or the graph has a cycle)`);
    }
  }
  return sorted;
}
