/**
 * Reductions: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare, ReduceProd,
 * ReduceLogSumExp, ArgMax, ArgMin, TopK.
 *
 * Integer semantics:
 * - "reduce-sum" (Sum, Mean, L1, SumSquare): acc = sum of q (of |q| for L1, of q^2 for SumSquare), exact;
 *   out = requant(acc) with M = s_in / (n * s_out) (n = 1 except Mean; s_in^2 for SumSquare).
 * - "reduce-l2": acc = sum of q^2, requantized to b bits at a calibrated scale, then a sqrt table.
 * - Max, Min, ArgMax, ArgMin, TopK: selections, exact ({@link movementPlan}).
 * - "reduce-logsumexp": an exp table on q - max, a sum, a shift and a log table (see {@link logSumExpPlan}).
 * - ReduceProd runs in the float reference only.
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { isFloatType, sizeOf, stridesOf } from "../ir";
import { make, normAxis, intList } from "../kernels/util";
import { clamp, mulShiftRound, requantizeArray, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { movementPlan } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { attrInt, attrInts, need } from "./types";
import { applyTable, buildTable } from "./unary";

/** The reduced axes: attribute before `inputFrom`, optional input after; none means all (unless noop). */
function reduceAxes(node: Node, inputs: readonly (Tensor | undefined)[], opset: number, rank: number, inputFrom: number): number[] {
  let axes: number[] | undefined;
  if (opset >= inputFrom) axes = inputs[1] && inputs[1].data.length > 0 ? intList(inputs[1]) : undefined;
  else axes = attrInts(node, "axes") ? [...attrInts(node, "axes")!] : undefined;
  if (!axes) return attrInt(node, "noop_with_empty_axes", 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => normAxis(a, rank, node));
}

interface Reduced {
  outShape: number[];
  /** Output index of each input element. */
  target: Int32Array;
  /** Elements per output. */
  n: number;
}

function reduceMap(shape: readonly number[], axes: readonly number[], keepdims: boolean): Reduced {
  const set = new Set(axes);
  const keptShape = shape.map((d, i) => (set.has(i) ? 1 : d));
  const outStrides = stridesOf(keptShape);
  const total = sizeOf(shape);
  const target = new Int32Array(total);
  const rank = shape.length;
  const c = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let o = 0;
    for (let a = 0; a < rank; a++) if (!set.has(a)) o += c[a] * outStrides[a];
    target[k] = o;
    for (let a = rank - 1; a >= 0; a--) {
      if (++c[a] < shape[a]) break;
      c[a] = 0;
    }
  }
  const outShape = keepdims ? keptShape : shape.filter((_, i) => !set.has(i));
  return { outShape, target, n: axes.reduce((p, a) => p * shape[a], 1) };
}

type Reducer = { init: number; step: (acc: number, v: number) => number; finish: (acc: number, n: number) => number };

const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { init: 0, step: (a, v) => a + v, finish: (a) => a },
  ReduceMean: { init: 0, step: (a, v) => a + v, finish: (a, n) => a / n },
  ReduceMax: { init: -Infinity, step: (a, v) => (v > a ? v : a), finish: (a) => a },
  ReduceMin: { init: Infinity, step: (a, v) => (v < a ? v : a), finish: (a) => a },
  ReduceProd: { init: 1, step: (a, v) => a * v, finish: (a) => a },
  ReduceL1: { init: 0, step: (a, v) => a + Math.abs(v), finish: (a) => a },
  ReduceL2: { init: 0, step: (a, v) => a + v * v, finish: (a) => Math.sqrt(a) },
  ReduceSumSquare: { init: 0, step: (a, v) => a + v * v, finish: (a) => a },
  ReduceLogSumExp: { init: 0, step: (a, v) => a + Math.exp(v), finish: (a) => Math.log(a) },
};

/** Opset from which each reduction takes axes as an input. */
function axesInputFrom(op: string): number {
  return op === "ReduceSum" ? 13 : 18;
}

function reduceWith(node: Node, x: Tensor, axes: number[], r: Reducer): Tensor {
  const keep = attrInt(node, "keepdims", 1) === 1;
  const m = reduceMap(x.shape, axes, keep);
  const out = new Float64Array(sizeOf(m.outShape)).fill(r.init);
  for (let k = 0; k < x.data.length; k++) out[m.target[k]] = r.step(out[m.target[k]], x.data[k]);
  for (let i = 0; i < out.length; i++) out[i] = r.finish(out[i], m.n);
  return make(x.dtype, m.outShape, out);
}

function reduceRun(op: string) {
  return (node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Tensor[] => {
    const x = need(node, inputs, 0);
    const axes = reduceAxes(node, inputs, opset, x.shape.length, axesInputFrom(op));
    if (axes.length === 0) return [x];
    return [reduceWith(node, x, axes, REDUCERS[op])];
  };
}

const SUM_LIKE: Record<string, { term: (v: number) => number; squares: boolean; mean: boolean }> = {
  ReduceSum: { term: (v) => v, squares: false, mean: false },
  ReduceMean: { term: (v) => v, squares: false, mean: true },
  ReduceL1: { term: Math.abs, squares: false, mean: false },
  ReduceSumSquare: { term: (v) => v * v, squares: true, mean: false },
};

function reducePlan(op: string, q: QuantizeContext): QuantPlan {
  const node = q.node;
  const rank = q.inInfo(0)!.shape.length;
  const axesIn = node.inputs[1] ? [undefined, q.constValue(1)] : [];
  const axes = reduceAxes(node, axesIn, q.opset, rank, axesInputFrom(op));
  const keep = attrInt(node, "keepdims", 1) === 1;
  const m = reduceMap(q.inInfo(0)!.shape, axes, keep);
  if (!isFloatType(q.outInfo(0).dtype)) {
    // Integer-typed data (counts, indices): the reduction is exact, as ONNX computes it.
    const run = reduceRun(op);
    return { kind: "exact", outScales: [1], params: {}, exec: ([x]) => run(node, [x, ...axesIn.slice(1)], q.opset) };
  }
  const inScale = q.inScale(0);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const dtype = q.outInfo(0).dtype;
  const sumOf = (x: Tensor, term: (v: number) => number): Float64Array => {
    const acc = new Float64Array(sizeOf(m.outShape));
    for (let k = 0; k < x.data.length; k++) acc[m.target[k]] += term(x.data[k]);
    return acc;
  };
  if (op in SUM_LIKE) {
    const { term, squares, mean } = SUM_LIKE[op];
    const fp = toFixedPoint((squares ? inScale * inScale : inScale) / ((mean ? m.n : 1) * outScale));
    return {
      kind: "reduce-sum",
      outScales: [outScale],
      params: { multiplier: fp.multiplier, shift: fp.shift, count: m.n, term: op === "ReduceL1" ? "abs" : squares ? "square" : "value" },
      exec: ([x]) => [make(dtype, m.outShape, requantizeArray(sumOf(x!, term), fp, q.qmin, q.qmax))],
    };
  }
  if (op === "ReduceL2") {
    const ssScale = scaleFor(q.maxAbsOf(`${node.name}:sumsq`), q.bits);
    const fp = toFixedPoint((inScale * inScale) / ssScale);
    const table = buildTable(Math.sqrt, ssScale, outScale, q.qmin, q.qmax);
    const id = `${node.name}:sqrt`;
    return {
      kind: "reduce-l2",
      outScales: [outScale],
      params: { multiplier: fp.multiplier, shift: fp.shift, table: id },
      tables: { [id]: { offset: q.qmin, values: table } },
      exec: ([x]) => {
        const ss = sumOf(x!, (v) => v * v).map((v) => clamp(mulShiftRound(v, fp.multiplier, fp.shift), q.qmin, q.qmax));
        return [applyTable(make(dtype, m.outShape, ss), table, q.qmin)];
      },
    };
  }
  if (op === "ReduceLogSumExp") return logSumExpPlan(q, m, dtype, inScale, outScale);
  throw new ModelError(`${where(node)}: ${op} on runtime data is not supported by the integer executor (supported: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSumExp)`);
}

/**
 * "reduce-logsumexp": per group, mx = max q; e = EXP[q - mx] = roundHalfAway(exp((q - mx) s_in) 2^(b-1));
 * S = sum e; v = min(floor((S + 2^(k-1)) / 2^k), 2^b - 1) with k = ceil(log2 n) (no rounding term for k = 0);
 * out = clamp(requant(mx) + LOG[v]) where LOG[v] = roundHalfAway(ln(max(v, 1) 2^k / 2^(b-1)) / s_out).
 */
function logSumExpPlan(q: QuantizeContext, m: Reduced, dtype: Tensor["dtype"], inScale: number, outScale: number): QuantPlan {
  const { bits, qmin, qmax, node } = q;
  const one = 2 ** (bits - 1);
  const lo = -(2 ** bits - 1);
  const exp = new Int32Array(-lo + 1);
  for (let d = lo; d <= 0; d++) exp[d - lo] = Math.round(Math.exp(d * inScale) * one);
  const k = Math.max(0, Math.ceil(Math.log2(m.n)));
  const top = 2 ** bits - 1;
  const log = new Int32Array(top + 1);
  for (let v = 0; v <= top; v++) log[v] = clamp(Math.round(Math.log((Math.max(v, 1) * 2 ** k) / one) / outScale), qmin, qmax);
  const fp = toFixedPoint(inScale / outScale);
  const groups = sizeOf(m.outShape);
  const expId = `${node.name}:exp`;
  const logId = `${node.name}:log`;
  return {
    kind: "reduce-logsumexp",
    outScales: [outScale],
    params: { expTable: expId, logTable: logId, sumShift: k, multiplier: fp.multiplier, shift: fp.shift },
    tables: { [expId]: { offset: lo, values: exp }, [logId]: { offset: 0, values: log } },
    exec: ([x]) => {
      const mx = new Float64Array(groups).fill(-Infinity);
      for (let i = 0; i < x!.data.length; i++) mx[m.target[i]] = Math.max(mx[m.target[i]], x!.data[i]);
      const sum = new Float64Array(groups);
      for (let i = 0; i < x!.data.length; i++) sum[m.target[i]] += exp[x!.data[i] - mx[m.target[i]] - lo];
      const out = new Float64Array(groups);
      for (let g = 0; g < groups; g++) {
        const v = Math.min(k === 0 ? sum[g] : mulShiftRound(sum[g], 1, k), top);
        out[g] = clamp(mulShiftRound(mx[g], fp.multiplier, fp.shift) + log[v], qmin, qmax);
      }
      return [make(dtype, m.outShape, out)];
    },
  };
}

function reduceOp(op: string): OpDef {
  const run = reduceRun(op);
  const selection = op === "ReduceMax" || op === "ReduceMin";
  return {
    op,
    domain: "",
    attrs: ["axes", "keepdims", "noop_with_empty_axes"],
    run,
    quantize: (q) => (selection ? movementPlan(q, run, ["data", "param"], "select") : reducePlan(op, q)),
    calibrate:
      op === "ReduceL2"
        ? (node, inputs, outputs) => {
            let m = 0;
            for (const v of outputs[0].data) m = Math.max(m, v * v);
            return { [`${node.name}:sumsq`]: m };
          }
        : undefined,
  };
}

function argRun(max: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const x = need(node, inputs, 0);
    const axis = normAxis(attrInt(node, "axis", 0), x.shape.length, node);
    const keep = attrInt(node, "keepdims", 1) === 1;
    const last = attrInt(node, "select_last_index", 0) === 1;
    const dim = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    const out = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bv = x.data[o * dim * inner + i];
        for (let j = 1; j < dim; j++) {
          const v = x.data[(o * dim + j) * inner + i];
          if (max ? v > bv || (last && v === bv) : v < bv || (last && v === bv)) {
            bv = v;
            best = j;
          }
        }
        out[o * inner + i] = best;
      }
    }
    const shape = keep ? x.shape.map((d, a) => (a === axis ? 1 : d)) : x.shape.filter((_, a) => a !== axis);
    return [make("int64", shape, out)];
  };
}

const topKRun = (node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Tensor[] => {
  const x = need(node, inputs, 0);
  const k = opset < 10 ? attrInt(node, "k", 1) : intList(need(node, inputs, 1))[0];
  const axis = normAxis(attrInt(node, "axis", -1), x.shape.length, node);
  const largest = attrInt(node, "largest", 1) === 1;
  const dim = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outer = sizeOf(x.shape.slice(0, axis));
  const shape = x.shape.map((d, a) => (a === axis ? k : d));
  const vals = new Float64Array(outer * k * inner);
  const idxs = new Float64Array(outer * k * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const order = Array.from({ length: dim }, (_, j) => j);
      const at = (j: number) => x.data[(o * dim + j) * inner + i];
      // Stable: equal values keep the lower index first (ONNX TopK tie rule).
      order.sort((a, b) => (largest ? at(b) - at(a) : at(a) - at(b)) || a - b);
      for (let j = 0; j < k; j++) {
        vals[(o * k + j) * inner + i] = at(order[j]);
        idxs[(o * k + j) * inner + i] = order[j];
      }
    }
  }
  return [make(x.dtype, shape, vals), make("int64", shape, idxs)];
};

export const REDUCE_OPS: readonly OpDef[] = [
  ...Object.keys(REDUCERS).map(reduceOp),
  { op: "ArgMax", domain: "", attrs: ["axis", "keepdims", "select_last_index"], run: argRun(true), quantize: (q) => movementPlan(q, argRun(true), ["data"], "select") },
  { op: "ArgMin", domain: "", attrs: ["axis", "keepdims", "select_last_index"], run: argRun(false), quantize: (q) => movementPlan(q, argRun(false), ["data"], "select") },
  { op: "TopK", domain: "", attrs: ["axis", "largest", "sorted", "k"], run: topKRun, quantize: (q) => movementPlan(q, topKRun, ["data", "param"], "select") },
];
