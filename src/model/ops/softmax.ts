/**
 * Softmax and LogSoftmax.
 *
 * Integer semantics of Softmax ("softmax", per row of the softmax axis):
 *   m = max q;  d = q - m  (in [-(2^b - 1), 0], inside the table domain by construction);
 *   e = EXP[d] = roundHalfAway(exp(d * s_in) * 2^(b-1));  S = sum e  (S >= 2^(b-1) since d = 0 occurs);
 *   out = roundDiv(e * qmax, S), at the fixed output scale 1/qmax.
 *
 * LogSoftmax ("log-softmax", per row): d and EXP as above, S = sum e;
 *   v = min(floor((S + 2^(k-1)) / 2^k), 2^b - 1) with k = ceil(log2 n) (no rounding term for k = 0);
 *   LOG[v] = clamp(round(ln(max(v, 1) 2^k / 2^(b-1)) / s_out));  out = clamp(requant(d; s_in/s_out) - LOG[v]).
 */
import type { Node, Tensor } from "../ir";
import { sizeOf } from "../ir";
import { make, normAxis } from "../kernels/util";
import { clamp, mulShiftRound, roundDiv, scaleFor, toFixedPoint } from "../quant/fixed-point";
import type { OpDef, QuantPlan, QuantizeContext } from "./types";
import { attrInt, need } from "./types";
import { roundHalfAway } from "./unary";

/** Rows of a softmax: opset < 13 flattens at `axis` (2-D coercion), later opsets reduce one axis. */
function layout(node: Node, shape: readonly number[], opset: number): { outer: number; dim: number; inner: number } {
  const axis = normAxis(attrInt(node, "axis", opset < 13 ? 1 : -1), shape.length, node);
  if (opset < 13) return { outer: sizeOf(shape.slice(0, axis)), dim: sizeOf(shape.slice(axis)), inner: 1 };
  return { outer: sizeOf(shape.slice(0, axis)), dim: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

function softmaxRun(log: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Tensor[] => {
    const x = need(node, inputs, 0);
    const { outer, dim, inner } = layout(node, x.shape, opset);
    const out = new Float64Array(x.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (j: number) => (o * dim + j) * inner + i;
        let m = -Infinity;
        for (let j = 0; j < dim; j++) m = Math.max(m, x.data[at(j)]);
        let s = 0;
        for (let j = 0; j < dim; j++) s += Math.exp(x.data[at(j)] - m);
        for (let j = 0; j < dim; j++) out[at(j)] = log ? x.data[at(j)] - m - Math.log(s) : Math.exp(x.data[at(j)] - m) / s;
      }
    }
    return [make(x.dtype, x.shape, out)];
  };
}

function softmaxPlan(q: QuantizeContext): QuantPlan {
  const { node, bits, qmax } = q;
  const shape = q.inInfo(0)!.shape;
  const { outer, dim, inner } = layout(node, shape, q.opset);
  const inScale = q.inScale(0);
  const one = 2 ** (bits - 1);
  const lo = -(2 ** bits - 1);
  const table = new Int32Array(-lo + 1);
  for (let d = lo; d <= 0; d++) table[d - lo] = roundHalfAway(Math.exp(d * inScale) * one);
  const id = `${node.name}:exp`;
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "softmax",
    outScales: [1 / qmax],
    params: { table: id, expOne: one, outMultiplier: qmax },
    tables: { [id]: { offset: lo, values: table } },
    exec: ([x]) => {
      const out = new Float64Array(x!.data.length);
      const e = new Float64Array(dim);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * dim * inner + i;
          let m = -Infinity;
          for (let j = 0; j < dim; j++) m = Math.max(m, x!.data[base + j * inner]);
          let s = 0;
          for (let j = 0; j < dim; j++) {
            e[j] = table[x!.data[base + j * inner] - m - lo];
            s += e[j];
          }
          for (let j = 0; j < dim; j++) out[base + j * inner] = roundDiv(e[j] * qmax, s, qmax);
        }
      }
      return [make(dtype, x!.shape, out)];
    },
  };
}

function logSoftmaxPlan(q: QuantizeContext): QuantPlan {
  const { node, bits, qmin, qmax } = q;
  const { outer, dim, inner } = layout(node, q.inInfo(0)!.shape, q.opset);
  const inScale = q.inScale(0);
  const outScale = scaleFor(q.outMaxAbs(0), bits);
  const one = 2 ** (bits - 1);
  const lo = -(2 ** bits - 1);
  const exp = new Int32Array(-lo + 1);
  for (let d = lo; d <= 0; d++) exp[d - lo] = roundHalfAway(Math.exp(d * inScale) * one);
  const k = Math.max(0, Math.ceil(Math.log2(dim)));
  const top = 2 ** bits - 1;
  const log = new Int32Array(top + 1);
  for (let v = 0; v <= top; v++) log[v] = clamp(Math.round(Math.log((Math.max(v, 1) * 2 ** k) / one) / outScale), qmin, qmax);
  const fp = toFixedPoint(inScale / outScale);
  const expId = `${node.name}:exp`;
  const logId = `${node.name}:log`;
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "log-softmax",
    outScales: [outScale],
    params: { expTable: expId, logTable: logId, sumShift: k, multiplier: fp.multiplier, shift: fp.shift },
    tables: { [expId]: { offset: lo, values: exp }, [logId]: { offset: 0, values: log } },
    exec: ([x]) => {
      const out = new Float64Array(x!.data.length);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * dim * inner + i;
          let m = -Infinity;
          for (let j = 0; j < dim; j++) m = Math.max(m, x!.data[base + j * inner]);
          let sum = 0;
          for (let j = 0; j < dim; j++) sum += exp[x!.data[base + j * inner] - m - lo];
          const v = Math.min(k === 0 ? sum : mulShiftRound(sum, 1, k), top);
          for (let j = 0; j < dim; j++) {
            out[base + j * inner] = clamp(mulShiftRound(x!.data[base + j * inner] - m, fp.multiplier, fp.shift) - log[v], qmin, qmax);
          }
        }
      }
      return [make(dtype, x!.shape, out)];
    },
  };
}

const Softmax: OpDef = { op: "Softmax", domain: "", attrs: ["axis"], run: softmaxRun(false), quantize: softmaxPlan };
const LogSoftmax: OpDef = { op: "LogSoftmax", domain: "", attrs: ["axis"], run: softmaxRun(true), quantize: logSoftmaxPlan };

export const SOFTMAX_OPS: readonly OpDef[] = [Softmax, LogSoftmax];
