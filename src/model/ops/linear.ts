/**
 * Linear layers: MatMul, Gemm, Conv, ConvTranspose.
 *
 * Integer semantics ("linear"): acc = sum qx*qw (+ qbias), exact integers; out = requant(acc) with
 * M = s_x * s_w * alpha / s_out. Weights are b-bit symmetric per tensor; the bias is quantized once at the
 * accumulator scale s_x * s_w * alpha (so it may use more than b bits). The plan refuses shapes whose
 * accumulator could pass 2^53 (exactness of the executor).
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { isFloatType, sizeOf } from "../ir";
import { broadcastShapes } from "../kernels/broadcast";
import { conv, convTranspose, matmul, type ConvGeometry } from "../kernels/linear";
import { expandTo, transpose } from "../kernels/movement";
import { make } from "../kernels/util";
import { requantizeArray, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { roundHalfAway } from "./unary";
import { isQuantized, operand, type Operand } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { attrFloat, attrInt, attrInts, attrString, need, unsupportedValue } from "./types";

/** Largest accumulator magnitude the executor computes exactly in float64. */
const EXACT_LIMIT = 2 ** 53;

function gemmRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  let a = need(node, inputs, 0);
  let b = need(node, inputs, 1);
  if (attrInt(node, "transA", 0)) a = transpose(a, [1, 0]);
  if (attrInt(node, "transB", 0)) b = transpose(b, [1, 0]);
  const alpha = attrFloat(node, "alpha", 1);
  const beta = attrFloat(node, "beta", 1);
  const y = matmul(a, b, where(node));
  if (alpha !== 1) for (let i = 0; i < y.data.length; i++) y.data[i] *= alpha;
  const c = inputs[2];
  if (c) {
    const cc = expandTo(c, broadcastShapes([c.shape, y.shape], where(node)));
    for (let i = 0; i < y.data.length; i++) y.data[i] += beta * cc.data[i];
  }
  return [y];
}

/** Spatial geometry of a Conv node from its attributes and the input/weight shapes. */
export function convGeometry(node: Node, xShape: readonly number[], wShape: readonly number[], transposed: boolean): ConvGeometry {
  const nsp = xShape.length - 2;
  if (nsp < 1 || nsp > 3) throw new UnsupportedError(`${where(node)}: ${nsp}-D convolution is not supported (supported: 1-D, 2-D, 3-D)`);
  const kernel = [...(attrInts(node, "kernel_shape") ?? wShape.slice(2))];
  const strides = [...(attrInts(node, "strides") ?? new Array<number>(nsp).fill(1))];
  const dilations = [...(attrInts(node, "dilations") ?? new Array<number>(nsp).fill(1))];
  const group = attrInt(node, "group", 1);
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  const PADS = ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"];
  if (!PADS.includes(autoPad)) throw unsupportedValue(node, "auto_pad", autoPad, PADS.join(", "));
  let pads = [...(attrInts(node, "pads") ?? new Array<number>(2 * nsp).fill(0))];
  const inSp = xShape.slice(2);
  const eff = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  if (!transposed) {
    if (autoPad === "VALID") pads = new Array<number>(2 * nsp).fill(0);
    if (autoPad.startsWith("SAME")) {
      pads = new Array<number>(2 * nsp).fill(0);
      inSp.forEach((d, i) => {
        const total = Math.max((Math.ceil(d / strides[i]) - 1) * strides[i] + eff[i] - d, 0);
        const small = Math.floor(total / 2);
        pads[i] = autoPad === "SAME_UPPER" ? small : total - small;
        pads[i + nsp] = total - pads[i];
      });
    }
    const outSpatial = inSp.map((d, i) => Math.floor((d + pads[i] + pads[i + nsp] - eff[i]) / strides[i]) + 1);
    if (outSpatial.some((d) => d <= 0)) throw new ModelError(`${where(node)}: kernel larger than the padded input`);
    return { group, kernel, strides, dilations, padsBegin: pads.slice(0, nsp), outSpatial };
  }
  const outPad = [...(attrInts(node, "output_padding") ?? new Array<number>(nsp).fill(0))];
  const outShape = attrInts(node, "output_shape");
  const full = inSp.map((d, i) => strides[i] * (d - 1) + outPad[i] + eff[i]);
  if (outShape || autoPad.startsWith("SAME")) {
    const target = outShape ? outShape.slice(-nsp) : inSp.map((d, i) => d * strides[i]);
    const begin = full.map((f, i) => {
      const total = f - target[i];
      return autoPad === "SAME_UPPER" ? Math.floor(total / 2) : total - Math.floor(total / 2);
    });
    return { group, kernel, strides, dilations, padsBegin: begin, outSpatial: [...target] };
  }
  if (autoPad === "VALID") pads = new Array<number>(2 * nsp).fill(0);
  const outSpatial = full.map((f, i) => f - pads[i] - pads[i + nsp]);
  return { group, kernel, strides, dilations, padsBegin: pads.slice(0, nsp), outSpatial };
}

const CONV_ATTRS = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"];

function convRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const g = convGeometry(node, x.shape, w.shape, false);
  if (x.shape[1] !== w.shape[1] * g.group) {
    throw new ModelError(`${where(node)}: input has ${x.shape[1]} channels, weights expect ${w.shape[1] * g.group}`);
  }
  return [conv(x, w, inputs[2]?.data, g)];
}

function convTransposeRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const g = convGeometry(node, x.shape, w.shape, true);
  if (x.shape[1] !== w.shape[0]) throw new ModelError(`${where(node)}: input has ${x.shape[1]} channels, weights expect ${w.shape[0]}`);
  return [convTranspose(x, w, inputs[2]?.data, g)];
}

/**
 * The shared "linear" plan. `accumulate(x, w, bias)` computes the exact integer accumulator; `terms` is the
 * number of products per output (for the 2^53 bound); `bias` is the index of the bias input (or -1) and
 * `biasFactor`/`alpha` the Gemm coefficients.
 */
function linearPlan(
  q: QuantizeContext,
  accumulate: (x: Tensor, w: Tensor, bias: Tensor | undefined) => Tensor,
  terms: number,
  bias: number,
  alpha = 1,
  biasFactor = 1,
): QuantPlan {
  const x = operand(q, 0);
  const w = operand(q, 1);
  if (!isFloatType(q.outInfo(0).dtype)) return exactLinear(q, accumulate, x, w, bias);
  const accScale = x.scale * w.scale * alpha;
  let qbias: Tensor | undefined;
  let biasMax = 0;
  if (bias >= 0 && q.node.inputs[bias]) {
    if (!q.isConst(bias)) throw new ModelError(`${where(q.node)}: the bias (input ${bias}) must be a constant`);
    const c = q.constValue(bias);
    const data = c.data.map((v) => roundHalfAway((v * biasFactor) / accScale));
    for (const v of data) biasMax = Math.max(biasMax, Math.abs(v));
    qbias = make(c.dtype, c.shape, data);
    q.addWeight(`${q.node.name}:bias`, qbias, accScale);
  }
  const bound = terms * Math.max(-q.qmin, q.qmax) ** 2 + biasMax;
  if (bound >= EXACT_LIMIT) {
    throw new ModelError(`${where(q.node)}: accumulator bound ${bound.toExponential(2)} exceeds 2^53 at ${q.bits} bits; use fewer bits`);
  }
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(accScale / outScale);
  return {
    kind: "linear",
    outScales: [outScale],
    params: { multiplier: fp.multiplier, shift: fp.shift, weight: q.node.inputs[1], bias: qbias ? `${q.node.name}:bias` : null, terms },
    exec: (inputs) => {
      const acc = accumulate(x.fixed ?? inputs[0]!, w.fixed ?? inputs[1]!, qbias);
      return [make(q.outInfo(0).dtype, acc.shape, requantizeArray(acc.data, fp, q.qmin, q.qmax))];
    },
  };
}

/**
 * Integer-typed operands and output (e.g. tree ensembles exported with int8 MatMuls): the product is exact
 * integer arithmetic, as ONNX defines it, with no scale involved.
 */
function exactLinear(q: QuantizeContext, accumulate: (x: Tensor, w: Tensor, bias: Tensor | undefined) => Tensor, x: Operand, w: Operand, bias: number): QuantPlan {
  if (isQuantized(q, 0) || isQuantized(q, 1)) throw new ModelError(`${where(q.node)}: an integer-typed output needs integer-typed operands`);
  const c = bias >= 0 && q.node.inputs[bias] ? q.constValue(bias) : undefined;
  if (bias >= 0 && q.node.inputs[bias] && !q.isConst(bias)) throw new ModelError(`${where(q.node)}: the bias (input ${bias}) must be a constant`);
  return {
    kind: "exact",
    outScales: [1],
    params: {},
    exec: (inputs) => {
      const acc = accumulate(x.fixed ?? inputs[0]!, w.fixed ?? inputs[1]!, c);
      return [make(q.outInfo(0).dtype, acc.shape, acc.data)];
    },
  };
}

const MatMul: OpDef = {
  op: "MatMul",
  domain: "",
  attrs: [],
  run: (node, inputs) => [matmul(need(node, inputs, 0), need(node, inputs, 1), where(node))],
  quantize(q) {
    const k = q.inInfo(0)!.shape.at(-1) ?? 1;
    return linearPlan(q, (a, b) => matmul(a, b, where(q.node)), k, -1);
  },
};

const Gemm: OpDef = {
  op: "Gemm",
  domain: "",
  attrs: ["alpha", "beta", "transA", "transB"],
  run: gemmRun,
  quantize(q) {
    const node = q.node;
    const transA = attrInt(node, "transA", 0) === 1;
    const transB = attrInt(node, "transB", 0) === 1;
    const aShape = q.inInfo(0)!.shape;
    const k = transA ? aShape[0] : aShape[1];
    const alpha = attrFloat(node, "alpha", 1);
    const beta = attrFloat(node, "beta", 1);
    const outShape = q.outInfo(0).shape;
    return linearPlan(
      q,
      (a, b, bias) => {
        const y = matmul(transA ? transpose(a, [1, 0]) : a, transB ? transpose(b, [1, 0]) : b, where(node));
        if (bias) {
          const bb = expandTo(bias, outShape);
          for (let i = 0; i < y.data.length; i++) y.data[i] += bb.data[i];
        }
        return y;
      },
      k,
      2,
      alpha,
      beta,
    );
  },
};

function convBiasPlan(q: QuantizeContext, transposed: boolean): QuantPlan {
  const xShape = q.inInfo(0)!.shape;
  const wShape = q.inInfo(1)!.shape;
  const g = convGeometry(q.node, xShape, wShape, transposed);
  const kernelSize = sizeOf(g.kernel);
  // Products per output: conv sums C/group * kernel; a transposed conv at most C/group * kernel as well.
  const terms = (transposed ? xShape[1] / g.group : wShape[1]) * kernelSize;
  return linearPlan(q, (x, w, bias) => (transposed ? convTranspose : conv)(x, w, bias?.data, g), terms, 2);
}

const Conv: OpDef = { op: "Conv", domain: "", attrs: CONV_ATTRS, run: convRun, quantize: (q) => convBiasPlan(q, false) };
const ConvTranspose: OpDef = {
  op: "ConvTranspose",
  domain: "",
  attrs: [...CONV_ATTRS, "output_padding", "output_shape"],
  run: convTransposeRun,
  quantize: (q) => convBiasPlan(q, true),
};

export const LINEAR_OPS: readonly OpDef[] = [MatMul, Gemm, Conv, ConvTranspose];
