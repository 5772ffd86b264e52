/**
 * Element-wise arithmetic with broadcasting: Add, Sub, Mul, Div, Pow, Max, Min, Sum, Mean, Mod, PRelu.
 *
 * Integer semantics (see docs/quantization.md):
 * - "add": out = requant(qa*Ma + qb*Mb) with both multipliers on one shift (Sub negates Mb); a constant
 *   operand is a b-bit weight at its own scale.
 * - "mul": out = requant(qa*qb*M); a scalar constant factor (Mul or Div by a constant) folds into the
 *   multiplier ("scale": out = requant(qa*M)).
 * - "div": out = clamp(roundDiv(qa*M, qb*2^s)) for a runtime divisor.
 * - Pow by a constant: exponent 2 is "mul" of the input with itself, 1 a "scale", anything else a table.
 * - integer-typed operands (indices) compute exactly.
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { isFloatType } from "../ir";
import { map2, mapBroadcast } from "../kernels/broadcast";
import { make } from "../kernels/util";
import { clamp, mulShiftRound, requantizeArray, roundDiv, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { isQuantized, movementPlan, operand, type Operand } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { need } from "./types";
import { tablePlan } from "./unary";

type Bin = (a: number, b: number) => number;

function isIntDtype(t: Tensor): boolean {
  return !isFloatType(t.dtype);
}

function binaryRun(fFloat: Bin, fInt?: Bin) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const a = need(node, inputs, 0);
    const b = need(node, inputs, 1);
    const f = fInt && isIntDtype(a) ? fInt : fFloat;
    const r = map2(a, b, f, where(node));
    return [make(a.dtype, r.shape, r.data)];
  };
}

function pick(op: Operand, x: Tensor | undefined): Tensor {
  return op.fixed ?? x!;
}

/** Scalar value of a constant input, or undefined if the input is not a constant with one distinct value. */
function constScalar(q: QuantizeContext, i: number): number | undefined {
  if (!q.isConst(i)) return undefined;
  const c = q.constValue(i);
  if (c.data.length === 0) return undefined;
  const v = c.data[0];
  return c.data.every((x) => x === v) ? v : undefined;
}

/** True when every operand is integer-typed: the node computes exactly on integers. */
function allExact(q: QuantizeContext): boolean {
  return q.node.inputs.every((n, i) => n === "" || !isQuantized(q, i)) && !isFloatType(q.outInfo(0).dtype);
}

function exactPlan(q: QuantizeContext, run: (node: Node, inputs: readonly (Tensor | undefined)[], opset: number) => Tensor[]): QuantPlan {
  const fixed = q.node.inputs.map((n, i) => (n !== "" && q.isConst(i) ? q.constValue(i) : undefined));
  return {
    kind: "exact",
    outScales: q.node.outputs.map(() => 1),
    params: {},
    exec: (inputs) => run(q.node, inputs.map((t, i) => fixed[i] ?? t), q.opset),
  };
}

/** "scale": out = requant(qa * M) with M = ratio. */
function scalePlan(q: QuantizeContext, input: number, factor: number): QuantPlan {
  const a = operand(q, input);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint((a.scale * factor) / outScale);
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "scale",
    outScales: [outScale],
    params: { multiplier: fp.multiplier, shift: fp.shift },
    exec: (inputs) => {
      const x = pick(a, inputs[input]);
      return [make(dtype, x.shape, requantizeArray(Float64Array.from(x.data), fp, q.qmin, q.qmax))];
    },
  };
}

/** "add": requant(qa*Ma + qb*Mb) on a shared shift; sign = -1 for Sub. */
function addPlan(q: QuantizeContext, sign: 1 | -1): QuantPlan {
  const a = operand(q, 0);
  const b = operand(q, 1);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const ra = a.scale / outScale;
  const rb = b.scale / outScale;
  const lead = toFixedPoint(Math.max(ra, rb));
  const ma = Math.round(ra * 2 ** lead.shift);
  const mb = sign * Math.round(rb * 2 ** lead.shift);
  const shift = lead.shift;
  const dtype = q.outInfo(0).dtype;
  const what = where(q.node);
  return {
    kind: "add",
    outScales: [outScale],
    params: { multiplierA: ma, multiplierB: mb, shift },
    exec: (inputs) => {
      const r = map2(pick(a, inputs[0]), pick(b, inputs[1]), (x, y) => clamp(mulShiftRound(x * ma + y * mb, 1, shift), q.qmin, q.qmax), what);
      return [make(dtype, r.shape, r.data)];
    },
  };
}

/** "mul": requant(qa*qb*M). */
function mulPlan(q: QuantizeContext, ia: number, ib: number): QuantPlan {
  const a = operand(q, ia);
  const b = operand(q, ib);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint((a.scale * b.scale) / outScale);
  const dtype = q.outInfo(0).dtype;
  const what = where(q.node);
  return {
    kind: "mul",
    outScales: [outScale],
    params: { multiplier: fp.multiplier, shift: fp.shift },
    exec: (inputs) => {
      const r = map2(pick(a, inputs[ia]), pick(b, inputs[ib]), (x, y) => clamp(mulShiftRound(x * y, fp.multiplier, fp.shift), q.qmin, q.qmax), what);
      return [make(dtype, r.shape, r.data)];
    },
  };
}

/** "div": clamp(roundDiv(qa*M, qb*2^s)). */
function divPlan(q: QuantizeContext): QuantPlan {
  const a = operand(q, 0);
  const b = operand(q, 1);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(a.scale / (b.scale * outScale));
  const pow = 2 ** fp.shift;
  const dtype = q.outInfo(0).dtype;
  const what = where(q.node);
  return {
    kind: "div",
    outScales: [outScale],
    params: { multiplier: fp.multiplier, shift: fp.shift },
    exec: (inputs) => {
      const r = map2(pick(a, inputs[0]), pick(b, inputs[1]), (x, y) => clamp(roundDiv(x * fp.multiplier, y * pow, q.qmax), q.qmin, q.qmax), what);
      return [make(dtype, r.shape, r.data)];
    },
  };
}

function requireFloatOut(q: QuantizeContext): void {
  if (!isFloatType(q.outInfo(0).dtype)) {
    throw new ModelError(`${where(q.node)}: integer arithmetic mixing quantized and integer values is not supported`);
  }
}

const addRun = binaryRun((a, b) => a + b);
const subRun = binaryRun((a, b) => a - b);
const mulRun = binaryRun((a, b) => a * b);
const divRun = binaryRun((a, b) => a / b, (a, b) => Math.trunc(a / b));
const powRun = binaryRun((a, b) => a ** b);
const modRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const fmod = node.attrs.fmod?.kind === "int" && node.attrs.fmod.value === 1;
  return binaryRun((a, b) => (fmod ? a % b : a - b * Math.floor(a / b)))(node, inputs);
};

const Add: OpDef = { op: "Add", domain: "", attrs: [], run: addRun, quantize: (q) => (allExact(q) ? exactPlan(q, addRun) : (requireFloatOut(q), addPlan(q, 1))) };
const Sub: OpDef = { op: "Sub", domain: "", attrs: [], run: subRun, quantize: (q) => (allExact(q) ? exactPlan(q, subRun) : (requireFloatOut(q), addPlan(q, -1))) };

const Mul: OpDef = {
  op: "Mul",
  domain: "",
  attrs: [],
  run: mulRun,
  quantize(q) {
    if (allExact(q)) return exactPlan(q, mulRun);
    requireFloatOut(q);
    const sa = constScalar(q, 0);
    const sb = constScalar(q, 1);
    const shapeOk = (i: number) => q.outInfo(0).shape.length === q.inInfo(i)!.shape.length && q.outInfo(0).shape.every((d, k) => d === q.inInfo(i)!.shape[k]);
    if (sb !== undefined && !q.isConst(0) && shapeOk(0)) return scalePlan(q, 0, sb);
    if (sa !== undefined && !q.isConst(1) && shapeOk(1)) return scalePlan(q, 1, sa);
    return mulPlan(q, 0, 1);
  },
};

const Div: OpDef = {
  op: "Div",
  domain: "",
  attrs: [],
  run: divRun,
  quantize(q) {
    if (allExact(q)) return exactPlan(q, divRun);
    requireFloatOut(q);
    const sb = constScalar(q, 1);
    const shapeOk = q.outInfo(0).shape.length === q.inInfo(0)!.shape.length && q.outInfo(0).shape.every((d, k) => d === q.inInfo(0)!.shape[k]);
    if (sb !== undefined && sb !== 0 && shapeOk) return scalePlan(q, 0, 1 / sb);
    return divPlan(q);
  },
};

const Pow: OpDef = {
  op: "Pow",
  domain: "",
  attrs: [],
  run: powRun,
  quantize(q) {
    if (allExact(q)) return exactPlan(q, powRun);
    const e = constScalar(q, 1);
    const outShape = q.outInfo(0).shape;
    const sameShape = (i: number) => outShape.length === q.inInfo(i)!.shape.length && outShape.every((d, k) => d === q.inInfo(i)!.shape[k]);
    if (e !== undefined && !q.isConst(0) && sameShape(0)) {
      if (e === 1) return scalePlan(q, 0, 1);
      if (e === 2) return mulPlan(q, 0, 0);
      return tablePlan(q, (x) => x ** e);
    }
    const base = constScalar(q, 0);
    if (base !== undefined && !q.isConst(1) && sameShape(1)) {
      // c ** x: a table on the exponent. The table plan reads input 0, so swap roles through a view.
      const view: QuantizeContext = { ...q, inScale: () => q.inScale(1), inInfo: () => q.inInfo(1) };
      const plan = tablePlan(view, (x) => base ** x);
      return { ...plan, exec: (inputs) => plan.exec([inputs[1]]) };
    }
    throw new ModelError(`${where(q.node)}: Pow needs a constant scalar exponent or a constant scalar base`);
  },
};

/** Max/Min/Sum/Mean are variadic with broadcasting. */
function variadicRun(f: (xs: number[]) => number) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const ts = inputs.filter((t): t is Tensor => t !== undefined);
    const r = mapBroadcast(ts, f, where(node));
    return [make(ts[0].dtype, r.shape, r.data)];
  };
}
const maxRun = variadicRun((xs) => Math.max(...xs));
const minRun = variadicRun((xs) => Math.min(...xs));
const sumRun = variadicRun((xs) => xs.reduce((s, x) => s + x, 0));
const Max: OpDef = { op: "Max", domain: "", attrs: [], run: maxRun, quantize: (q) => movementPlan(q, maxRun, ["data"], "select") };
const Min: OpDef = { op: "Min", domain: "", attrs: [], run: minRun, quantize: (q) => movementPlan(q, minRun, ["data"], "select") };
const Sum: OpDef = {
  op: "Sum",
  domain: "",
  attrs: [],
  run: sumRun,
  quantize(q) {
    if (q.node.inputs.length === 1) return scalePlan(q, 0, 1);
    if (q.node.inputs.length === 2) return addPlan(q, 1);
    throw new ModelError(`${where(q.node)}: Sum of more than two runtime tensors is not supported; chain Adds`);
  },
};
const Mod: OpDef = {
  op: "Mod",
  domain: "",
  attrs: ["fmod"],
  run: modRun,
  quantize(q) {
    if (allExact(q)) return exactPlan(q, modRun);
    throw new ModelError(`${where(q.node)}: Mod on quantized values is not supported by the integer executor (supported: Mod on integer-typed values)`);
  },
};

/** PRelu: x >= 0 ? x : slope * x, slope a constant broadcast tensor. */
const preluRun = binaryRun((x, a) => (x >= 0 ? x : a * x));
const PRelu: OpDef = {
  op: "PRelu",
  domain: "",
  attrs: [],
  run: preluRun,
  quantize(q) {
    const s = constScalar(q, 1);
    if (s !== undefined) return tablePlan(q, (x) => (x >= 0 ? x : s * x));
    if (!q.isConst(1)) throw new ModelError(`${where(q.node)}: the slope must be a constant`);
    // Two fixed-point paths on the sign of x: the positive branch rescales, the negative multiplies by the
    // quantized slope. Kind "prelu" in docs/quantization.md.
    const slope = operand(q, 1);
    const inScale = q.inScale(0);
    const outScale = scaleFor(q.outMaxAbs(0), q.bits);
    const pos = toFixedPoint(inScale / outScale);
    const neg = toFixedPoint((inScale * slope.scale) / outScale);
    const dtype = q.outInfo(0).dtype;
    const what = where(q.node);
    return {
      kind: "prelu",
      outScales: [outScale],
      params: { positive: pos, negative: neg },
      exec: ([x]) => {
        const r = map2(x!, slope.fixed!, (v, a) =>
          clamp(v >= 0 ? mulShiftRound(v, pos.multiplier, pos.shift) : mulShiftRound(v * a, neg.multiplier, neg.shift), q.qmin, q.qmax), what);
        return [make(dtype, r.shape, r.data)];
      },
    };
  },
};

export const ARITHMETIC_OPS: readonly OpDef[] = [Add, Sub, Mul, Div, Pow, Max, Min, Sum, Mod, PRelu];
