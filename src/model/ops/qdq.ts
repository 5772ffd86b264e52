/**
 * ONNX's own quantization operators, so pre-quantized (QDQ) exports import: QuantizeLinear and
 * DequantizeLinear with a per-tensor scale and zero point (per-axis and blocked forms run in the float
 * reference only).
 *
 * Integer semantics: QuantizeLinear is a table from the quantized input to its integer output
 * (`clamp(roundHalfEven(v / y_scale) + zp, type range)`, exact integers, not limited to b bits);
 * DequantizeLinear is "dequantize": y = requant((q - zp) · M) with M = x_scale / s_out.
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { DType, Node, Tensor } from "../ir";
import { sizeOf } from "../ir";
import { expandTo } from "../kernels/movement";
import { make, normAxis } from "../kernels/util";
import { clamp, mulShiftRound, scaleFor, toFixedPoint } from "../quant/fixed-point";
import type { OpDef, QuantizeContext } from "./types";
import { attrInt, need } from "./types";
import { tablePlan } from "./unary";

const RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/** ONNX rounds QuantizeLinear half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Broadcasts a per-axis parameter (1-D along `axis`) or a scalar to the input shape. */
function perElement(node: Node, t: Tensor, shape: readonly number[]): Float64Array {
  if (t.data.length === 1) return new Float64Array(sizeOf(shape)).fill(t.data[0]);
  if (node.attrs.block_size) throw new UnsupportedError(`${where(node)}: attribute "block_size" (blocked quantization) is not supported`);
  const axis = normAxis(attrInt(node, "axis", 1), shape.length, node);
  const view = make(t.dtype, shape.map((d, i) => (i === axis ? d : 1)), t.data);
  return expandTo(view, shape).data;
}

function outType(node: Node, inputs: readonly (Tensor | undefined)[]): DType {
  const zp = inputs[2];
  if (zp) return zp.dtype;
  const attr = attrInt(node, "output_dtype", 0);
  if (attr !== 0) throw new UnsupportedError(`${where(node)}: attribute "output_dtype" is not supported; give a zero point instead`);
  return "uint8";
}

const quantizeRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const x = need(node, inputs, 0);
  const dtype = outType(node, inputs);
  const range = RANGE[dtype];
  if (!range) throw new UnsupportedError(`${where(node)}: output type ${dtype} is not supported (supported: ${Object.keys(RANGE).join(", ")})`);
  const s = perElement(node, need(node, inputs, 1), x.shape);
  const zp = inputs[2] ? perElement(node, inputs[2], x.shape) : new Float64Array(x.data.length);
  const out = x.data.map((v, i) => clamp(roundHalfEven(v / s[i]) + zp[i], range[0], range[1]));
  return [make(dtype, x.shape, out)];
};

const dequantizeRun = (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
  const x = need(node, inputs, 0);
  const s = perElement(node, need(node, inputs, 1), x.shape);
  const zp = inputs[2] ? perElement(node, inputs[2], x.shape) : new Float64Array(x.data.length);
  return [make(need(node, inputs, 1).dtype, x.shape, x.data.map((v, i) => (v - zp[i]) * s[i]))];
};

/** The scalar value of constant input i (scale or zero point), or an error naming the node. */
function scalarConst(q: QuantizeContext, i: number, dflt: number): number {
  if (!q.node.inputs[i]) return dflt;
  if (!q.isConst(i)) throw new ModelError(`${where(q.node)}: input ${i} must be a constant`);
  const t = q.constValue(i);
  if (t.data.length !== 1) throw new UnsupportedError(`${where(q.node)}: per-axis quantization parameters are not supported on runtime data (supported: one scale and zero point per tensor)`);
  return t.data[0];
}

const QuantizeLinear: OpDef = {
  op: "QuantizeLinear",
  domain: "",
  attrs: ["axis", "saturate", "block_size", "output_dtype"],
  run: quantizeRun,
  quantize(q) {
    const scale = scalarConst(q, 1, 1);
    const zp = scalarConst(q, 2, 0);
    const [lo, hi] = RANGE[q.outInfo(0).dtype]!;
    return tablePlan(q, (v) => clamp(roundHalfEven(v / scale) + zp, lo, hi));
  },
};

const DequantizeLinear: OpDef = {
  op: "DequantizeLinear",
  domain: "",
  attrs: ["axis", "block_size"],
  run: dequantizeRun,
  quantize(q) {
    const scale = scalarConst(q, 1, 1);
    const zp = scalarConst(q, 2, 0);
    const outScale = scaleFor(q.outMaxAbs(0), q.bits);
    const fp = toFixedPoint(scale / outScale);
    const dtype = q.outInfo(0).dtype;
    const x = q.isConst(0) ? q.constValue(0) : undefined;
    return {
      kind: "dequantize",
      outScales: [outScale],
      params: { zeroPoint: zp, multiplier: fp.multiplier, shift: fp.shift },
      exec: (inputs) => {
        const t = x ?? inputs[0]!;
        return [make(dtype, t.shape, t.data.map((v) => clamp(mulShiftRound(v - zp, fp.multiplier, fp.shift), q.qmin, q.qmax)))];
      },
    };
  },
};

export const QDQ_OPS: readonly OpDef[] = [QuantizeLinear, DequantizeLinear];
