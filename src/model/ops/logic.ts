/**
 * Comparisons, boolean logic, selection and casts: Equal, Less, LessOrEqual, Greater, GreaterOrEqual, And,
 * Or, Xor, Not, Where, Cast, CastLike.
 *
 * Integer semantics: comparisons bring both operands to one scale with integer multipliers on a shared
 * shift (no rounding: the comparison is of qa*Ma with qb*Mb) and give exact booleans; logic is exact on 0/1;
 * Where selects between data operands on a common scale ({@link movementPlan}); Cast between float types
 * is the identity, float -> integer a table (truncation), integer -> float a rescale.
 */
import { where } from "../errors";
import type { DType, Node, Tensor } from "../ir";
import { isFloatType } from "../ir";
import { map2, mapBroadcast } from "../kernels/broadcast";
import { make } from "../kernels/util";
import { dtypeOf } from "../onnx/decode";
import { clamp, mulShiftRound, quantizeValues, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { isQuantized, movementPlan } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { attrInt, need } from "./types";
import { tablePlan } from "./unary";

type Cmp = (a: number, b: number) => boolean;

/** Fixed-point precision of the scale alignment in comparisons: multipliers are at most 2^30. */
const COMPARE_SHIFT = 30;

function compareRun(f: Cmp) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const r = map2(need(node, inputs, 0), need(node, inputs, 1), (a, b) => (f(a, b) ? 1 : 0), where(node));
    return [make("bool", r.shape, r.data)];
  };
}

function operandScale(q: QuantizeContext, i: number): { scale: number; fixed?: Tensor } {
  if (!q.isConst(i)) return { scale: isQuantized(q, i) ? q.inScale(i) : 1 };
  const c = q.constValue(i);
  if (!isQuantized(q, i)) return { scale: 1, fixed: c };
  return { scale: 0, fixed: c };
}

function comparePlan(q: QuantizeContext, f: Cmp): QuantPlan {
  const a = operandScale(q, 0);
  const b = operandScale(q, 1);
  // A quantized constant operand takes the other operand's scale, so the comparison is against the
  // threshold rounded to that grid (the best any integer comparison can do).
  const resolve = (op: { scale: number; fixed?: Tensor }, other: { scale: number }, i: number) => {
    if (op.scale !== 0) return op;
    let m = 0;
    for (const v of op.fixed!.data) m = Math.max(m, Math.abs(v));
    const scale = other.scale !== 0 ? other.scale : scaleFor(m, q.bits);
    // The runtime operand is b-bit (<= 2^15) at this scale, so clamping the threshold to ±2^22 changes no
    // comparison and keeps qa·Ma, qb·Mb below 2^52 (exact).
    const big = 2 ** 22;
    const data = quantizeValues(op.fixed!.data, scale, -big, big);
    const t = { ...op.fixed!, data };
    q.addWeight(`${q.node.inputs[i]}@${q.node.name}`, t, scale);
    return { scale, fixed: t };
  };
  const ra = resolve(a, b, 0);
  const rb = resolve(b, ra, 1);
  const top = Math.max(ra.scale, rb.scale);
  const ma = Math.round((ra.scale / top) * 2 ** COMPARE_SHIFT);
  const mb = Math.round((rb.scale / top) * 2 ** COMPARE_SHIFT);
  const what = where(q.node);
  return {
    kind: "compare",
    outScales: [1],
    params: { multiplierA: ma, multiplierB: mb },
    exec: (inputs) => {
      const r = map2(ra.fixed ?? inputs[0]!, rb.fixed ?? inputs[1]!, (x, y) => (f(x * ma, y * mb) ? 1 : 0), what);
      return [make("bool", r.shape, r.data)];
    },
  };
}

function cmpOp(op: string, f: Cmp): OpDef {
  const run = compareRun(f);
  return { op, domain: "", attrs: [], run, quantize: (q) => comparePlan(q, f) };
}

function logicOp(op: string, f: (xs: number[]) => number, arity: number): OpDef {
  const run = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const ts = Array.from({ length: arity }, (_, i) => need(node, inputs, i));
    const r = mapBroadcast(ts, f, where(node));
    return [make("bool", r.shape, r.data)];
  };
  return {
    op,
    domain: "",
    attrs: [],
    run,
    quantize(q) {
      const fixed = q.node.inputs.map((n, i) => (n !== "" && q.isConst(i) ? q.constValue(i) : undefined));
      return { kind: "logic", outScales: [1], params: {}, exec: (inputs) => run(q.node, inputs.map((t, i) => fixed[i] ?? t)) };
    },
  };
}

const whereRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const c = need(node, inputs, 0);
  const x = need(node, inputs, 1);
  const y = need(node, inputs, 2);
  const r = mapBroadcast([c, x, y], ([cv, xv, yv]) => (cv !== 0 ? xv : yv), where(node));
  return [make(x.dtype, r.shape, r.data)];
};
/**
 * Where: a selection on the common scale. A constant condition is also committed as the 0/1 weight
 * `<cond>@<node>`, so its prover can open the mask like any weight (src/prover/graph/nodes/where-mask.ts).
 */
function wherePlan(q: QuantizeContext): QuantPlan {
  const plan = movementPlan(q, whereRun, ["index", "data"], "select");
  if (q.isConst(0)) {
    const c = q.constValue(0);
    q.addWeight(`${q.node.inputs[0]}@${q.node.name}`, make("bool", c.shape, c.data.map((v) => (v !== 0 ? 1 : 0))), 1);
  }
  return plan;
}
const Where: OpDef = { op: "Where", domain: "", attrs: [], run: whereRun, quantize: wherePlan };

function castValue(v: number, to: DType): number {
  if (isFloatType(to)) return v;
  if (to === "bool") return v !== 0 ? 1 : 0;
  return Number.isFinite(v) ? Math.trunc(v) : 0;
}

function castTarget(node: Node, inputs: readonly (Tensor | undefined)[]): DType {
  if (node.op === "CastLike") return need(node, inputs, 1).dtype;
  const to = attrInt(node, "to", -1);
  return dtypeOf(to, `${where(node)}, attribute "to"`);
}

const castRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const x = need(node, inputs, 0);
  const to = castTarget(node, inputs);
  return [make(to, x.shape, x.data.map((v) => castValue(v, to)))];
};

function castPlan(q: QuantizeContext): QuantPlan {
  const to = q.outInfo(0).dtype;
  const fromFloat = isQuantized(q, 0);
  if (fromFloat && isFloatType(to)) return movementPlan(q, (n, ins) => [make(to, ins[0]!.shape, ins[0]!.data)], ["data"], "movement");
  if (fromFloat) return tablePlan(q, (v) => castValue(v, to));
  if (!isFloatType(to)) return { kind: "exact", outScales: [1], params: {}, exec: ([x]) => [make(to, x!.shape, x!.data.map((v) => castValue(v, to)))] };
  // integer -> float: exact when the integers fit the b-bit range, otherwise rescaled.
  const outScale = q.outMaxAbs(0) <= q.qmax ? 1 : scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(1 / outScale);
  return {
    kind: "scale",
    outScales: [outScale],
    params: { multiplier: fp.multiplier, shift: fp.shift },
    exec: ([x]) => [make(to, x!.shape, x!.data.map((v) => clamp(mulShiftRound(v, fp.multiplier, fp.shift), q.qmin, q.qmax)))],
  };
}

const Cast: OpDef = { op: "Cast", domain: "", attrs: ["to", "saturate"], run: castRun, quantize: castPlan };
const CastLike: OpDef = {
  op: "CastLike",
  domain: "",
  attrs: ["saturate"],
  run: castRun,
  // Only the dtype of input 1 is read, never its value.
  quantize: castPlan,
};

export const LOGIC_OPS: readonly OpDef[] = [
  cmpOp("Equal", (a, b) => a === b),
  cmpOp("Less", (a, b) => a < b),
  cmpOp("LessOrEqual", (a, b) => a <= b),
  cmpOp("Greater", (a, b) => a > b),
  cmpOp("GreaterOrEqual", (a, b) => a >= b),
  logicOp("And", ([a, b]) => (a !== 0 && b !== 0 ? 1 : 0), 2),
  logicOp("Or", ([a, b]) => (a !== 0 || b !== 0 ? 1 : 0), 2),
  logicOp("Xor", ([a, b]) => ((a !== 0) !== (b !== 0) ? 1 : 0), 2),
  logicOp("Not", ([a]) => (a !== 0 ? 0 : 1), 1),
  Where,
  Cast,
  CastLike,
];
