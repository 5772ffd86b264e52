/**
 * Resize (opset 10+: scales or sizes inputs) and the deprecated Upsample, in nearest and linear modes.
 *
 * Integer semantics: nearest is a copy ({@link movementPlan}). Linear ("resize-linear") interpolates each
 * output from up to 2^A inputs (A = interpolated axes) with fixed-point weights fixed at quantization time:
 *   W = roundHalfAway(w · 2^RESIZE_WEIGHT_BITS) for the float weight w (product of the per-axis weights);
 *   y = requant(Σ W·q; M = s_in / (2^RESIZE_WEIGHT_BITS · s_out)).
 * Coordinates follow ONNX: x_in = transform(x_out), clamped to [0, in − 1]; taps floor(x_in) and
 * min(floor(x_in) + 1, in − 1) with weights 1 − frac and frac.
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { sizeOf, stridesOf } from "../ir";
import { gatherBy } from "../kernels/movement";
import { intList, make } from "../kernels/util";
import { requantizeArray, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { movementPlan } from "./generic";
import type { OpDef, QuantPlan, QuantizeContext, RunFloat } from "./types";
import { attrFloats, attrInt, attrInts, attrString, need, unsupportedValue } from "./types";
import { roundHalfAway } from "./unary";

/** Fixed-point bits of linear-interpolation weights. */
export const RESIZE_WEIGHT_BITS = 14;

const RESIZE_ATTRS = ["mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias", "keep_aspect_ratio_policy", "axes", "scales"];
const MODES = ["nearest", "linear"];
const CTMS: Record<string, string[]> = {
  nearest: ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"],
  linear: ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"],
};
const NEAREST_MODES = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];

/** Source coordinate of output index o on one axis. */
function sourceCoord(ctm: string, o: number, inD: number, outD: number, scale: number): number {
  if (ctm === "asymmetric") return o / scale;
  if (ctm === "align_corners") return outD === 1 ? 0 : (o * (inD - 1)) / (outD - 1);
  if (ctm === "tf_half_pixel_for_nn") return (o + 0.5) / scale;
  if (ctm === "pytorch_half_pixel") return outD > 1 ? (o + 0.5) / scale - 0.5 : 0;
  return (o + 0.5) / scale - 0.5;
}

interface Geometry {
  mode: string;
  ctm: string;
  outShape: number[];
  scales: number[];
}

function geometry(node: Node, x: Tensor, scalesIn: number[] | undefined, sizes: number[] | undefined): Geometry {
  const mode = attrString(node, "mode", "nearest");
  if (!MODES.includes(mode)) throw unsupportedValue(node, "mode", mode, MODES.join(", "));
  const ctm = attrString(node, "coordinate_transformation_mode", "half_pixel");
  if (!CTMS[mode].includes(ctm)) throw unsupportedValue(node, "coordinate_transformation_mode", ctm, CTMS[mode].join(", "));
  if (attrInt(node, "antialias", 0) !== 0) throw unsupportedValue(node, "antialias", 1, "0");
  if (attrInts(node, "axes")) throw unsupportedValue(node, "axes", attrInts(node, "axes"), "all axes (attribute absent)");
  const policy = attrString(node, "keep_aspect_ratio_policy", "stretch");
  if (policy !== "stretch") throw unsupportedValue(node, "keep_aspect_ratio_policy", policy, "stretch");
  if (sizes) return { mode, ctm, outShape: sizes, scales: sizes.map((s, i) => s / x.shape[i]) };
  if (scalesIn) return { mode, ctm, outShape: x.shape.map((d, i) => Math.floor(d * scalesIn[i])), scales: scalesIn };
  throw new ModelError(`${where(node)}: needs scales or sizes`);
}

function nearest(node: Node, x: Tensor, g: Geometry): Tensor {
  const nm = attrString(node, "nearest_mode", "round_prefer_floor");
  if (!NEAREST_MODES.includes(nm)) throw unsupportedValue(node, "nearest_mode", nm, NEAREST_MODES.join(", "));
  const strides = stridesOf(x.shape);
  const src = (a: number, o: number): number => {
    const c = sourceCoord(g.ctm, o, x.shape[a], g.outShape[a], g.scales[a]);
    let i: number;
    if (nm === "floor") i = Math.floor(c);
    else if (nm === "ceil") i = Math.ceil(c);
    else if (nm === "round_prefer_ceil") i = Math.floor(c + 0.5);
    else i = Number.isInteger(c - 0.5) ? c - 0.5 : Math.round(c);
    return Math.min(Math.max(i, 0), x.shape[a] - 1);
  };
  return gatherBy(x, g.outShape, (c) => c.reduce((acc, v, a) => acc + src(a, v) * strides[a], 0), 0);
}

/** Per output element: flat input indices and float weights of its linear-interpolation taps. */
function linearTaps(x: Tensor, g: Geometry): { index: Int32Array; weight: Float64Array; taps: number } {
  const rank = x.shape.length;
  // Per axis and output coordinate: (i0, i1, frac); axes that keep their size and scale 1 are copies.
  const axisTaps = x.shape.map((inD, a) =>
    Array.from({ length: g.outShape[a] }, (_, o) => {
      if (inD === g.outShape[a] && g.scales[a] === 1) return { i0: o, i1: o, f: 0 };
      const c = Math.min(Math.max(sourceCoord(g.ctm, o, inD, g.outShape[a], g.scales[a]), 0), inD - 1);
      const i0 = Math.floor(c);
      return { i0, i1: Math.min(i0 + 1, inD - 1), f: c - i0 };
    }),
  );
  const interp = x.shape.map((inD, a) => !(inD === g.outShape[a] && g.scales[a] === 1));
  const axes = interp.flatMap((v, a) => (v ? [a] : []));
  const taps = 2 ** axes.length;
  const n = sizeOf(g.outShape);
  const index = new Int32Array(n * taps);
  const weight = new Float64Array(n * taps);
  const strides = stridesOf(x.shape);
  const c = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < taps; t++) {
      let off = 0;
      let w = 1;
      for (let a = 0; a < rank; a++) {
        const tap = axisTaps[a][c[a]];
        const j = axes.indexOf(a);
        const upper = j >= 0 && ((t >> j) & 1) === 1;
        off += (upper ? tap.i1 : tap.i0) * strides[a];
        if (j >= 0) w *= upper ? tap.f : 1 - tap.f;
      }
      index[k * taps + t] = off;
      weight[k * taps + t] = w;
    }
    for (let a = rank - 1; a >= 0; a--) {
      if (++c[a] < g.outShape[a]) break;
      c[a] = 0;
    }
  }
  return { index, weight, taps };
}

function linear(x: Tensor, g: Geometry): Tensor {
  const { index, weight, taps } = linearTaps(x, g);
  const out = new Float64Array(index.length / taps);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let t = 0; t < taps; t++) s += weight[k * taps + t] * x.data[index[k * taps + t]];
    out[k] = s;
  }
  return make(x.dtype, g.outShape, out);
}

function resizeGeometry(node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Geometry {
  const x = need(node, inputs, 0);
  if (node.op === "Upsample") {
    const scales = opset < 9 ? [...(attrFloats(node, "scales") ?? [])] : Array.from(need(node, inputs, 1).data);
    // Upsample's nearest mode is Resize's asymmetric/floor; its linear mode is asymmetric too.
    const mode = attrString(node, "mode", "nearest");
    if (!MODES.includes(mode)) throw unsupportedValue(node, "mode", mode, MODES.join(", "));
    return { mode, ctm: "asymmetric", outShape: x.shape.map((d, i) => Math.floor(d * scales[i])), scales };
  }
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (opset < 11) scales = inputs[1] ? Array.from(inputs[1].data) : undefined;
  else {
    if (inputs[2] && inputs[2].data.length > 0) scales = Array.from(inputs[2].data);
    if (inputs[3] && inputs[3].data.length > 0) sizes = intList(inputs[3]);
  }
  return geometry(node, x, scales, sizes);
}

const run: RunFloat = (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const g = resizeGeometry(node, inputs, opset);
  if (g.mode === "linear") return [linear(x, g)];
  const n = node.op === "Upsample" ? { ...node, attrs: { ...node.attrs, nearest_mode: { kind: "string" as const, value: "floor" } } } : node;
  return [nearest(n, x, g)];
};

function quantize(q: QuantizeContext): QuantPlan {
  const consts = q.node.inputs.map((name, i) => (name !== "" && i > 0 ? q.constValue(i) : undefined));
  const shape = q.inInfo(0)!.shape;
  const probe = make("float32", shape, new Float64Array(sizeOf(shape)));
  const g = resizeGeometry(q.node, [probe, ...consts.slice(1)], q.opset);
  if (g.mode !== "linear") return movementPlan(q, run, ["data", "param"]);
  const { index, weight, taps } = linearTaps(probe, g);
  const w = weight.map((v) => roundHalfAway(v * 2 ** RESIZE_WEIGHT_BITS));
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(q.inScale(0) / (2 ** RESIZE_WEIGHT_BITS * outScale));
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "resize-linear",
    outScales: [outScale],
    params: { weightBits: RESIZE_WEIGHT_BITS, taps, multiplier: fp.multiplier, shift: fp.shift },
    exec: ([x]) => {
      const acc = new Float64Array(index.length / taps);
      for (let k = 0; k < acc.length; k++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += w[k * taps + t] * x!.data[index[k * taps + t]];
        acc[k] = s;
      }
      return [make(dtype, g.outShape, requantizeArray(acc, fp, q.qmin, q.qmax))];
    },
  };
}

export const RESIZE_OPS: readonly OpDef[] = [
  { op: "Resize", domain: "", attrs: RESIZE_ATTRS, run, quantize },
  { op: "Upsample", domain: "", attrs: ["mode", "scales"], run, quantize },
];
