/**
 * The contract every operator implements: float reference semantics (shape inference, constant folding and
 * calibration all run it) and, for operators that can run on non-constant data in the quantized graph, an
 * integer plan. One file per operator family under `src/model/ops/`, registered in `./index.ts`.
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { Attribute, Node, Tensor, TensorInfo } from "../ir";

/** Float (reference) execution of one node. Absent optional inputs are `undefined`. */
export type RunFloat = (node: Node, inputs: readonly (Tensor | undefined)[], opset: number) => Tensor[];

/** What an operator's quantizer can ask about the node it plans. */
export interface QuantizeContext {
  readonly node: Node;
  readonly opset: number;
  /** Bit width b of activations and weights. */
  readonly bits: number;
  readonly qmin: number;
  readonly qmax: number;
  /** Static type of input i (undefined when absent). */
  inInfo(i: number): TensorInfo | undefined;
  /** Static type of output j. */
  outInfo(j: number): TensorInfo;
  /** Scale of runtime input i (real = integer * scale); 1 for integer-typed values. */
  inScale(i: number): number;
  /** True when input i is a constant (initializer or folded). */
  isConst(i: number): boolean;
  /** The float value of constant input i (throws if not constant). */
  constValue(i: number): Tensor;
  /** Largest |value| output j took during calibration (0 if always zero). */
  outMaxAbs(j: number): number;
  /** Largest |value| of any named value during calibration (for internal intermediates: `${node}:${tag}`). */
  maxAbsOf(name: string): number;
  /** Registers an integer weight tensor the prover commits; returns its name. */
  addWeight(name: string, t: Tensor, scale: number): string;
}

/** An integer plan: what the executor runs for one node, plus the metadata the prover needs. */
export interface QuantPlan {
  /** Kind of integer computation (documented in docs/quantization.md), e.g. "linear", "table". */
  readonly kind: string;
  /** Scale of each output (real = integer * scale); exactly 1 for integer-typed outputs. */
  readonly outScales: readonly number[];
  /** Integer parameters: multipliers, shifts, table ids, weight names. JSON-serialisable except tables. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Lookup tables this node uses, by id: `table[i]` is the output for input `offset + i`. */
  readonly tables?: Readonly<Record<string, { offset: number; values: Int32Array }>>;
  /** Integer execution on runtime inputs (constants are captured by the plan). */
  exec(inputs: readonly (Tensor | undefined)[]): Tensor[];
}

/** Builds the integer plan of a node. */
export type Quantize = (q: QuantizeContext) => QuantPlan;

/** One operator. */
export interface OpDef {
  readonly op: string;
  /** `""` for ONNX; `ai.deepprove` for project ops. */
  readonly domain: string;
  /** Attribute names the implementation reads; any other attribute on a node is rejected. */
  readonly attrs: readonly string[];
  readonly run: RunFloat;
  /** Absent: the op is supported only when constant folding removes it (e.g. Shape on static shapes). */
  readonly quantize?: Quantize;
  /** Calibration hook: extra named intermediates to record (e.g. a softmax's exp sums). */
  readonly calibrate?: (node: Node, inputs: readonly (Tensor | undefined)[], outputs: readonly Tensor[], opset: number) => Record<string, number>;
}

/** Attribute readers with defaults and type checks. */
export function attrInt(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.kind !== "int") throw badAttr(node, name, a, "int");
  return a.value;
}
export function attrFloat(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.kind === "int") return a.value;
  if (a.kind !== "float") throw badAttr(node, name, a, "float");
  return a.value;
}
export function attrInts(node: Node, name: string): readonly number[] | undefined {
  const a = node.attrs[name];
  if (a === undefined) return undefined;
  if (a.kind !== "ints") throw badAttr(node, name, a, "ints");
  return a.value;
}
export function attrFloats(node: Node, name: string): readonly number[] | undefined {
  const a = node.attrs[name];
  if (a === undefined) return undefined;
  if (a.kind !== "floats") throw badAttr(node, name, a, "floats");
  return a.value;
}
export function attrString(node: Node, name: string, dflt: string): string {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.kind !== "string") throw badAttr(node, name, a, "string");
  return a.value;
}
export function attrTensor(node: Node, name: string): Tensor | undefined {
  const a = node.attrs[name];
  if (a === undefined) return undefined;
  if (a.kind !== "tensor") throw badAttr(node, name, a, "tensor");
  return a.value;
}

function badAttr(node: Node, name: string, a: Attribute, want: string): Error {
  return new ModelError(`${where(node)}: attribute "${name}" has type ${a.kind}, expected ${want}`);
}

/** Error for an attribute value the implementation does not handle. */
export function unsupportedValue(node: Node, name: string, value: unknown, supported: string): Error {
  return new UnsupportedError(`${where(node)}: attribute "${name}" = ${JSON.stringify(value)} is not supported (supported: ${supported})`);
}

/** Throws unless input i is present. */
export function need(node: Node, inputs: readonly (Tensor | undefined)[], i: number): Tensor {
  const t = inputs[i];
  if (t === undefined) throw new ModelError(`${where(node)}: input ${i} is required`);
  return t;
}
