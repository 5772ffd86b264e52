/**
 * Element-wise functions of one input, all proved as lookup tables: Relu, LeakyRelu, Elu, Celu, Selu,
 * Sigmoid, HardSigmoid, HardSwish, Tanh, Erf, Gelu, Exp, Log, Softplus, Softsign, Sqrt, Reciprocal, Neg,
 * Abs, Sign, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Floor, Ceil, Round, Clip, Mish, ThresholdedRelu,
 * Shrink.
 *
 * Integer semantics ("table"): input q in the signed b-bit range at scale s_in, output at scale s_out (from
 * calibration); T[q] = clamp(roundHalfAway(f(q * s_in) / s_out), qmin, qmax), non-finite or NaN f values
 * map to the clamp bound of their sign (NaN to 0). The table covers the whole b-bit input domain, so no
 * input clamping is needed: every activation is already in range.
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { isFloatType } from "../ir";
import { make } from "../kernels/util";
import { clamp, scaleFor } from "../quant/fixed-point";
import { isQuantized } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { attrFloat, attrString, need, unsupportedValue } from "./types";

/**
 * The error function to near float64 accuracy (absolute error below 1e-13): the Maclaurin series for |x| < 2.5, the
 * continued fraction of erfc (modified Lentz) above, and ±1 beyond 6 where erf rounds to ±1 in float64.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc (Lentz), accurate for x >= 2.5.
  let f = ax;
  let c = ax;
  let d = 0;
  const tiny = 1e-300;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : d;
    c = ax + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

/** ONNX Round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Fn = (x: number) => number;
type FnFactory = (node: Node, inputs: readonly (Tensor | undefined)[], opset: number) => Fn;

const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

const softplus: Fn = (x) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Clip bounds: attributes before opset 11, optional inputs after. */
function clipBounds(node: Node, inputs: readonly (Tensor | undefined)[], opset: number): [number, number] {
  if (opset < 11) return [attrFloat(node, "min", -Infinity), attrFloat(node, "max", Infinity)];
  const lo = inputs[1] && inputs[1].data.length > 0 ? inputs[1].data[0] : -Infinity;
  const hi = inputs[2] && inputs[2].data.length > 0 ? inputs[2].data[0] : Infinity;
  return [lo, hi];
}

const FUNCTIONS: Record<string, { attrs: string[]; f: FnFactory }> = {
  Relu: { attrs: [], f: () => (x) => Math.max(x, 0) },
  LeakyRelu: { attrs: ["alpha"], f: (n) => { const a = attrFloat(n, "alpha", 0.01); return (x) => (x >= 0 ? x : a * x); } },
  Elu: { attrs: ["alpha"], f: (n) => { const a = attrFloat(n, "alpha", 1); return (x) => (x >= 0 ? x : a * Math.expm1(x)); } },
  Celu: { attrs: ["alpha"], f: (n) => { const a = attrFloat(n, "alpha", 1); return (x) => Math.max(0, x) + Math.min(0, a * Math.expm1(x / a)); } },
  Selu: {
    attrs: ["alpha", "gamma"],
    f: (n) => {
      const a = attrFloat(n, "alpha", SELU_ALPHA);
      const g = attrFloat(n, "gamma", SELU_GAMMA);
      return (x) => (x > 0 ? g * x : g * a * Math.expm1(x));
    },
  },
  ThresholdedRelu: { attrs: ["alpha"], f: (n) => { const a = attrFloat(n, "alpha", 1); return (x) => (x > a ? x : 0); } },
  Shrink: {
    attrs: ["bias", "lambd"],
    f: (n) => {
      const b = attrFloat(n, "bias", 0);
      const l = attrFloat(n, "lambd", 0.5);
      return (x) => (x < -l ? x + b : x > l ? x - b : 0);
    },
  },
  Sigmoid: { attrs: [], f: () => (x) => 1 / (1 + Math.exp(-x)) },
  HardSigmoid: {
    attrs: ["alpha", "beta"],
    f: (n) => {
      const a = attrFloat(n, "alpha", 0.2);
      const b = attrFloat(n, "beta", 0.5);
      return (x) => Math.max(0, Math.min(1, a * x + b));
    },
  },
  HardSwish: { attrs: [], f: () => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)) },
  Tanh: { attrs: [], f: () => Math.tanh },
  Erf: { attrs: [], f: () => erf },
  Gelu: {
    attrs: ["approximate"],
    f: (n) => {
      const mode = attrString(n, "approximate", "none");
      if (mode === "tanh") return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      if (mode !== "none") throw unsupportedValue(n, "approximate", mode, "none, tanh");
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    },
  },
  Exp: { attrs: [], f: () => Math.exp },
  Log: { attrs: [], f: () => Math.log },
  Softplus: { attrs: [], f: () => softplus },
  Softsign: { attrs: [], f: () => (x) => x / (1 + Math.abs(x)) },
  Mish: { attrs: [], f: () => (x) => x * Math.tanh(softplus(x)) },
  Sqrt: { attrs: [], f: () => Math.sqrt },
  Reciprocal: { attrs: [], f: () => (x) => 1 / x },
  Neg: { attrs: [], f: () => (x) => -x },
  Abs: { attrs: [], f: () => Math.abs },
  Sign: { attrs: [], f: () => Math.sign },
  Sin: { attrs: [], f: () => Math.sin },
  Cos: { attrs: [], f: () => Math.cos },
  Tan: { attrs: [], f: () => Math.tan },
  Asin: { attrs: [], f: () => Math.asin },
  Acos: { attrs: [], f: () => Math.acos },
  Atan: { attrs: [], f: () => Math.atan },
  Sinh: { attrs: [], f: () => Math.sinh },
  Cosh: { attrs: [], f: () => Math.cosh },
  Floor: { attrs: [], f: () => Math.floor },
  Ceil: { attrs: [], f: () => Math.ceil },
  Round: { attrs: [], f: () => roundHalfEven },
  Clip: {
    attrs: ["min", "max"],
    f: (n, inputs, opset) => {
      const [lo, hi] = clipBounds(n, inputs, opset);
      return (x) => Math.min(Math.max(x, lo), hi);
    },
  },
};

/** Rounds half away from zero (the rule for every table entry and weight). */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/** Range of 32-bit table entries (integer-typed outputs are not limited to b bits). */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The lookup table of `f` for inputs q in [qmin, qmax] at `inScale`, outputs at `outScale` clamped to
 * [lo, hi] (the b-bit range for quantized outputs). `values[q - qmin]` is the output for q.
 */
export function buildTable(f: Fn, inScale: number, outScale: number, qmin: number, qmax: number, lo = qmin, hi = qmax): Int32Array {
  const values = new Int32Array(qmax - qmin + 1);
  for (let q = qmin; q <= qmax; q++) {
    const y = f(q * inScale) / outScale;
    values[q - qmin] = Number.isNaN(y) ? 0 : clamp(roundHalfAway(y), lo, hi);
  }
  return values;
}

/** Applies a table to quantized data. */
export function applyTable(x: Tensor, values: Int32Array, qmin: number, dtype = x.dtype): Tensor {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = values[x.data[i] - qmin];
  return make(dtype, x.shape, out);
}

/**
 * Ops whose output keeps the input's scale: f(x) is x or a constant bound (ReLU, Clip), so at the input scale
 * the table is exactly clamp(q, lo, hi) — no information is lost (the input carries no finer detail), and the
 * prover needs no table: the clamp is proved as, or fused into, a requantization (docs/prover.md).
 */
const SCALE_KEEPING_OPS = new Set(["Relu", "Clip"]);

/**
 * A table plan for `f` on input 0 (quantized) or an exact map for integer-typed input. `keepScale`: a float
 * output at the input's scale (SCALE_KEEPING_OPS) instead of its calibrated one.
 */
export function tablePlan(q: QuantizeContext, f: Fn, kind = "table", keepScale = false): QuantPlan {
  const outFloat = isFloatType(q.outInfo(0).dtype);
  if (!isQuantized(q, 0)) {
    // Integer-typed input (indices, booleans): the value is exact, apply f and quantize the result directly.
    const outScale = outFloat ? scaleFor(q.outMaxAbs(0), q.bits) : 1;
    return {
      kind: "exact-map",
      outScales: [outScale],
      params: { outScale },
      exec: ([x]) => {
        const out = new Float64Array(x!.data.length);
        for (let i = 0; i < out.length; i++) out[i] = outFloat ? clamp(roundHalfAway(f(x!.data[i]) / outScale), q.qmin, q.qmax) : f(x!.data[i]);
        return [make(q.outInfo(0).dtype, x!.shape, out)];
      },
    };
  }
  const inScale = q.inScale(0);
  const outScale = outFloat ? (keepScale ? inScale : scaleFor(q.outMaxAbs(0), q.bits)) : 1;
  // Integer-typed outputs (Cast to int, QuantizeLinear) keep f's own range; quantized ones clamp to b bits.
  const values = outFloat ? buildTable(f, inScale, outScale, q.qmin, q.qmax) : buildTable(f, inScale, 1, q.qmin, q.qmax, INT32_MIN, INT32_MAX);
  const id = `${q.node.name}:table`;
  const dtype = q.outInfo(0).dtype;
  return {
    kind,
    outScales: [outScale],
    params: { table: id, inScale, outScale },
    tables: { [id]: { offset: q.qmin, values } },
    exec: ([x]) => [applyTable(x!, values, q.qmin, dtype)],
  };
}

function unaryOp(op: string, attrs: string[], factory: FnFactory): OpDef {
  return {
    op,
    domain: "",
    attrs,
    run(node, inputs, opset) {
      const x = need(node, inputs, 0);
      const f = factory(node, inputs, opset);
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
      return [make(x.dtype, x.shape, out)];
    },
    quantize(q) {
      for (let i = 1; i < q.node.inputs.length; i++) {
        if (q.node.inputs[i] !== "" && !q.isConst(i)) {
          throw new ModelError(`${where(q.node)}: input ${i} ("${q.node.inputs[i]}") must be a constant`);
        }
      }
      const consts = q.node.inputs.map((name, i) => (name !== "" && i > 0 ? q.constValue(i) : undefined));
      return tablePlan(q, factory(q.node, consts, q.opset), "table", SCALE_KEEPING_OPS.has(op));
    },
  };
}

export const UNARY_OPS: readonly OpDef[] = Object.entries(FUNCTIONS).map(([op, { attrs, f }]) => unaryOp(op, attrs, f));
