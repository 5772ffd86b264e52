/**
 * Normalisations: LayerNormalization, InstanceNormalization, BatchNormalization (inference form).
 *
 * Integer semantics ("norm", per group of n elements q_i at scale s; see docs/quantization.md):
 *   mu = roundDiv(sum q, n);  c = q - mu;  V = roundDiv(sum c^2, n);
 *   v = min(floor((V + 2^(2t-1)) / 2^(2t)), 2^b - 1)      (t >= 0 fixed per node from calibration; no
 *                                                           rounding term when t = 0)
 *   r = RSQRT[v] = roundHalfAway(2^F / sqrt(max(v + eps / (s^2 2^(2t)), 1/4)))
 *   z = requant(c * r) with M = 2^(-F-t) / s_z              (the normalised value at scale s_z)
 *   y = requant(z * G + B) with G, B the b-bit gamma and the bias at scale s_z * s_G  ("channel-affine")
 * BatchNormalization is a "channel-affine" alone: y = requant(q * A_c + B_c) with
 * A = scale / sqrt(var + eps), B = bias - mean * A (folded into a preceding Conv/Gemm when possible).
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { sizeOf } from "../ir";
import { expandTo } from "../kernels/movement";
import { make, normAxis } from "../kernels/util";
import { clamp, mulShiftRound, quantizeValues, requantizeArray, roundDiv, scaleFor, toFixedPoint } from "../quant/fixed-point";
import type { OpDef, QuantPlan, QuantizeContext } from "./types";
import { attrFloat, attrInt, need } from "./types";
import { roundHalfAway } from "./unary";

/** Bits of the reciprocal-square-root table's fixed point (R < 2^(RSQRT_BITS + 1)). */
const RSQRT_BITS = 29;

/** Elements are grouped as [outer, n]; gamma/beta broadcast over a per-element pattern. */
interface NormLayout {
  outer: number;
  n: number;
  /** Shape gamma/beta broadcast to (the input shape). */
  shape: readonly number[];
}

function layerLayout(node: Node, shape: readonly number[]): NormLayout {
  const axis = normAxis(attrInt(node, "axis", -1), shape.length, node);
  return { outer: sizeOf(shape.slice(0, axis)), n: sizeOf(shape.slice(axis)), shape };
}

function instanceLayout(shape: readonly number[]): NormLayout {
  return { outer: shape[0] * shape[1], n: sizeOf(shape.slice(2)), shape };
}

/** Broadcasts an instance-norm per-channel vector [C] to [N, C, spatial...]. */
function channelView(t: Tensor, rank: number): Tensor {
  return make(t.dtype, [t.shape[0], ...new Array<number>(rank - 2).fill(1)], t.data);
}

function affineOperands(node: Node, inputs: readonly (Tensor | undefined)[], layout: NormLayout, instance: boolean): { g: Float64Array; b: Float64Array } {
  const rank = layout.shape.length;
  const view = (t: Tensor) => (instance ? channelView(t, rank) : t);
  const g = expandTo(view(need(node, inputs, 1)), layout.shape).data;
  const bt = inputs[2];
  const b = bt ? expandTo(view(bt), layout.shape).data : new Float64Array(g.length);
  return { g, b };
}

function normRun(instance: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const x = need(node, inputs, 0);
    if (node.outputs.slice(1).some((o) => o !== "")) throw new ModelError(`${where(node)}: the Mean/InvStdDev outputs are not supported`);
    const eps = attrFloat(node, "epsilon", 1e-5);
    const layout = instance ? instanceLayout(x.shape) : layerLayout(node, x.shape);
    const { g, b } = affineOperands(node, inputs, layout, instance);
    const out = new Float64Array(x.data.length);
    const { outer, n } = layout;
    for (let o = 0; o < outer; o++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x.data[o * n + i];
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x.data[o * n + i] - mean) ** 2;
      v /= n;
      const inv = 1 / Math.sqrt(v + eps);
      for (let i = 0; i < n; i++) {
        const k = o * n + i;
        out[k] = (x.data[k] - mean) * inv * g[k] + b[k];
      }
    }
    return [make(x.dtype, x.shape, out)];
  };
}

/** Calibration: the largest group variance and the largest normalised magnitude. */
function normCalibrate(instance: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Record<string, number> => {
    const x = need(node, inputs, 0);
    const eps = attrFloat(node, "epsilon", 1e-5);
    const { outer, n } = instance ? instanceLayout(x.shape) : layerLayout(node, x.shape);
    let maxVar = 0;
    let maxNorm = 0;
    for (let o = 0; o < outer; o++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x.data[o * n + i];
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x.data[o * n + i] - mean) ** 2;
      v /= n;
      maxVar = Math.max(maxVar, v);
      for (let i = 0; i < n; i++) maxNorm = Math.max(maxNorm, Math.abs(x.data[o * n + i] - mean) / Math.sqrt(v + eps));
    }
    return { [`${node.name}:var`]: maxVar, [`${node.name}:norm`]: maxNorm };
  };
}

/** Quantizes gamma/beta as a channel-affine after a value at scale `inScale`. */
function affinePlan(q: QuantizeContext, gamma: Float64Array, beta: Float64Array, inScale: number, tag: string) {
  let gm = 0;
  for (const v of gamma) gm = Math.max(gm, Math.abs(v));
  const gScale = scaleFor(gm, q.bits);
  const gq = quantizeValues(gamma, gScale, q.qmin, q.qmax);
  const accScale = inScale * gScale;
  const bq = beta.map((v) => roundHalfAway(v / accScale));
  q.addWeight(`${q.node.name}:${tag}gamma`, make("float32", [gq.length], gq), gScale);
  q.addWeight(`${q.node.name}:${tag}beta`, make("float32", [bq.length], bq), accScale);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(accScale / outScale);
  return {
    outScale,
    fp,
    apply(z: Float64Array): Float64Array {
      const acc = new Float64Array(z.length);
      for (let k = 0; k < z.length; k++) acc[k] = z[k] * gq[k] + bq[k];
      return requantizeArray(acc, fp, q.qmin, q.qmax);
    },
  };
}

function normPlan(q: QuantizeContext, instance: boolean): QuantPlan {
  const node = q.node;
  for (const i of [1, 2]) if (node.inputs[i] && !q.isConst(i)) throw new ModelError(`${where(node)}: input ${i} (scale/bias) must be a constant`);
  const shape = q.inInfo(0)!.shape;
  const layout = instance ? instanceLayout(shape) : layerLayout(node, shape);
  const consts = [undefined, q.constValue(1), node.inputs[2] ? q.constValue(2) : undefined];
  const { g, b } = affineOperands(node, consts, layout, instance);
  const s = q.inScale(0);
  const eps = attrFloat(node, "epsilon", 1e-5);
  const { bits, qmin, qmax } = q;
  const tableMax = 2 ** bits - 1;
  // t: shift the integer variance V = var / s^2 into the table domain [0, 2^b - 1].
  const vMax = q.maxAbsOf(`${node.name}:var`) / (s * s);
  const t = Math.max(0, Math.ceil((Math.log2(vMax + 1) - bits) / 2));
  const epsInt = eps / (s * s * 2 ** (2 * t));
  const table = new Int32Array(tableMax + 1);
  for (let v = 0; v <= tableMax; v++) table[v] = roundHalfAway(2 ** RSQRT_BITS / Math.sqrt(Math.max(v + epsInt, 0.25)));
  const zScale = scaleFor(q.maxAbsOf(`${node.name}:norm`), bits);
  const zfp = toFixedPoint(2 ** (-RSQRT_BITS - t) / zScale);
  const affine = affinePlan(q, g, b, zScale, "");
  const id = `${node.name}:rsqrt`;
  const div = 2 ** (2 * t);
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "norm",
    outScales: [affine.outScale],
    params: { varianceShift: 2 * t, rsqrtBits: RSQRT_BITS, table: id, normalize: zfp, affine: affine.fp, groups: layout.outer, groupSize: layout.n },
    tables: { [id]: { offset: 0, values: table } },
    exec: ([x]) => {
      const z = new Float64Array(x!.data.length);
      const { outer, n } = layout;
      for (let o = 0; o < outer; o++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += x!.data[o * n + i];
        const mu = roundDiv(sum, n, 0);
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (x!.data[o * n + i] - mu) ** 2;
        const V = roundDiv(ss, n, 0);
        const v = Math.min(t === 0 ? V : Math.floor((V + div / 2) / div), tableMax);
        const r = table[v];
        for (let i = 0; i < n; i++) {
          const k = o * n + i;
          z[k] = clamp(mulShiftRound((x!.data[k] - mu) * r, zfp.multiplier, zfp.shift), qmin, qmax);
        }
      }
      return [make(dtype, x!.shape, affine.apply(z))];
    },
  };
}

const LayerNormalization: OpDef = {
  op: "LayerNormalization",
  domain: "",
  attrs: ["axis", "epsilon", "stash_type"],
  run: normRun(false),
  quantize: (q) => normPlan(q, false),
  calibrate: normCalibrate(false),
};

const InstanceNormalization: OpDef = {
  op: "InstanceNormalization",
  domain: "",
  attrs: ["epsilon"],
  run: normRun(true),
  quantize: (q) => normPlan(q, true),
  calibrate: normCalibrate(true),
};

/** BatchNormalization's per-channel affine a, b from scale, bias, mean, var. */
export function batchNormAffine(node: Node, inputs: readonly (Tensor | undefined)[]): { a: Float64Array; b: Float64Array } {
  const eps = attrFloat(node, "epsilon", 1e-5);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(node, inputs, i).data);
  const a = scale.map((g, c) => g / Math.sqrt(variance[c] + eps));
  const b = bias.map((v, c) => v - mean[c] * a[c]);
  return { a, b };
}

const bnRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const x = need(node, inputs, 0);
  if (attrInt(node, "training_mode", 0) !== 0) throw new ModelError(`${where(node)}: training_mode = 1 is not supported (supported: 0)`);
  const { a, b } = batchNormAffine(node, inputs);
  const C = x.shape[1];
  const inner = sizeOf(x.shape.slice(2));
  const out = new Float64Array(x.data.length);
  for (let k = 0; k < out.length; k++) {
    const c = Math.floor(k / inner) % C;
    out[k] = x.data[k] * a[c] + b[c];
  }
  return [make(x.dtype, x.shape, out)];
};

const BatchNormalization: OpDef = {
  op: "BatchNormalization",
  domain: "",
  attrs: ["epsilon", "momentum", "training_mode", "spatial"],
  run: bnRun,
  quantize(q) {
    for (const i of [1, 2, 3, 4]) if (!q.isConst(i)) throw new ModelError(`${where(q.node)}: input ${i} must be a constant`);
    const { a, b } = batchNormAffine(q.node, [undefined, 1, 2, 3, 4].map((i) => (i === undefined ? undefined : q.constValue(i))));
    const shape = q.inInfo(0)!.shape;
    const view = (v: Float64Array) => expandTo(make("float32", [v.length, ...new Array<number>(shape.length - 2).fill(1)], v), shape).data;
    const affine = affinePlan(q, view(a), view(b), q.inScale(0), "");
    const dtype = q.outInfo(0).dtype;
    return {
      kind: "channel-affine",
      outScales: [affine.outScale],
      params: { affine: affine.fp },
      exec: ([x]) => [make(dtype, x!.shape, affine.apply(x!.data))],
    };
  },
};

export const NORM_OPS: readonly OpDef[] = [LayerNormalization, InstanceNormalization, BatchNormalization];
