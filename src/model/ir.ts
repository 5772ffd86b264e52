/**
 * The model graph IR: the one data structure every front end (ONNX, GGUF) produces and every later stage
 * (constant folding, quantization, the integer executor, the prover) consumes.
 *
 * Shape of the IR:
 * - A {@link Graph} is a DAG of {@link Node}s in topological order. Values are named; a node reads its
 *   `inputs` by name and defines its `outputs`. A value may be read by any number of nodes (fan-out and
 *   residual branches are kept exactly as the source graph has them, never duplicated).
 * - Every value has static {@link TensorInfo} (dtype + shape) in `graph.values`; a symbolic dimension of a
 *   graph input (e.g. ONNX `batch_size`) becomes 1 at import.
 * - Weights and other constants live in `graph.initializers` as {@link Tensor}s. A name is either a graph
 *   input, an initializer, or the output of exactly one node.
 * - The empty string in `node.inputs` marks an absent optional input (ONNX convention).
 *
 * Operators: `node.op` is the operator name. Standard ONNX operators keep their ONNX name and attribute
 * names (domain `""`); operators that ONNX lacks (e.g. the llama graph's `RMSNorm`, `RoPE`) use their own
 * name with domain {@link DEEPPROVE_DOMAIN}. Each operator's float and integer semantics live in one file
 * under `src/model/ops/`, registered in `src/model/ops/index.ts`.
 *
 * Numbers: tensor data is a `Float64Array` whatever the dtype; integer dtypes hold exact integers (int64
 * values beyond 2^53 are not representable and are rejected at import, except sentinels of magnitude
 * >= 2^62 such as Slice's INT64_MAX, kept as huge numbers that index computations clamp), `bool` holds
 * 0/1. The dtype says how a value behaves (integer division truncates, Cast rounds toward zero, ...).
 *
 * Stability: this file is shared with the GGUF front end. Changes are additive only.
 */

/** Element types the IR knows. Floats of every width compute as float64 in the float reference. */
export type DType =
  | "float32"
  | "float16"
  | "bfloat16"
  | "float64"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

/** Domain of operators defined by this project rather than by ONNX. */
export const DEEPPROVE_DOMAIN = "ai.deepprove";

/** A static shape: one non-negative integer per axis, row-major (last axis fastest). `[]` is a scalar. */
export type Shape = readonly number[];

/** The static type of a named value. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** A concrete tensor: row-major data of `product(shape)` elements. */
export interface Tensor {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly data: Float64Array;
}

/** A node attribute, tagged with its ONNX attribute type. */
export type Attribute =
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "tensor"; readonly value: Tensor }
  | { readonly kind: "floats"; readonly value: readonly number[] }
  | { readonly kind: "ints"; readonly value: readonly number[] }
  | { readonly kind: "strings"; readonly value: readonly string[] }
  /** A sub-graph attribute (If/Loop bodies). Kept so errors can name it; no supported op executes one. */
  | { readonly kind: "graph"; readonly value: string };

/** One operator application. */
export interface Node {
  /** Unique, human-readable; used in every error message about this node. */
  readonly name: string;
  /** Operator name (`"Conv"`, `"RMSNorm"`, ...). */
  readonly op: string;
  /** `""` for ONNX operators, {@link DEEPPROVE_DOMAIN} for project-defined ones. */
  readonly domain: string;
  /** Input value names; `""` marks an absent optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, Attribute>>;
}

/** A model graph. */
export interface Graph {
  readonly name: string;
  /** ONNX default-domain opset the graph was written against (selects attribute-vs-input forms). */
  readonly opset: number;
  /** Runtime inputs, in order (initializers never appear here). */
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Nodes in topological order. */
  readonly nodes: readonly Node[];
  /** Constant tensors (weights, biases, folded constants), by value name. */
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Static type of every value: graph inputs, initializers and every node output. */
  readonly values: ReadonlyMap<string, TensorInfo>;
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True for the floating-point dtypes. */
export function isFloatType(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float16" || dtype === "bfloat16" || dtype === "float64";
}

/** Builds a tensor, checking that the data length matches the shape. */
export function tensor(dtype: DType, shape: Shape, data: Float64Array | readonly number[]): Tensor {
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  if (arr.length !== sizeOf(shape)) {
    throw new Error(`tensor of shape [${shape.join(", ")}] needs ${sizeOf(shape)} values, got ${arr.length}`);
  }
  return { dtype, shape: [...shape], data: arr };
}

/** Number of trainable parameters: elements of every floating-point initializer. */
export function parameterCount(graph: Graph): number {
  let n = 0;
  for (const t of graph.initializers.values()) if (isFloatType(t.dtype)) n += t.data.length;
  return n;
}

/** Formats a shape for messages: `[1, 3, 224, 224]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}
