/**
 * Pooling: MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool (p = 1, 2).
 *
 * Integer semantics: MaxPool is a selection (exact, {@link movementPlan}); AveragePool is "avgpool":
 * sum of the window, then requant with the multiplier for the window's element count (one multiplier per
 * distinct count, M_c = s_in / (c * s_out)).
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { make } from "../kernels/util";
import { pool, type PoolGeometry } from "../kernels/pool";
import { clamp, mulShiftRound, scaleFor, toFixedPoint, type FixedPoint } from "../quant/fixed-point";
import { movementPlan } from "./generic";
import type { OpDef, QuantizeContext, QuantPlan } from "./types";
import { attrInt, attrInts, attrString, need, unsupportedValue } from "./types";

const AUTO_PADS = ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"];

/** Pool geometry from the attributes; global pools cover the whole spatial extent. */
export function poolGeometry(node: Node, xShape: readonly number[], global: boolean): PoolGeometry {
  const sp = xShape.slice(2);
  const nsp = sp.length;
  if (nsp < 1 || nsp > 3) throw new ModelError(`${where(node)}: ${nsp}-D pooling is not supported (supported: 1-D, 2-D, 3-D)`);
  if (global) {
    return { kernel: sp, strides: sp.map(() => 1), dilations: sp.map(() => 1), padsBegin: sp.map(() => 0), padsEnd: sp.map(() => 0), outSpatial: sp.map(() => 1) };
  }
  const kernel = attrInts(node, "kernel_shape");
  if (!kernel) throw new ModelError(`${where(node)}: attribute "kernel_shape" is required`);
  const strides = [...(attrInts(node, "strides") ?? sp.map(() => 1))];
  const dilations = [...(attrInts(node, "dilations") ?? sp.map(() => 1))];
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  if (!AUTO_PADS.includes(autoPad)) throw unsupportedValue(node, "auto_pad", autoPad, AUTO_PADS.join(", "));
  const ceil = attrInt(node, "ceil_mode", 0) === 1;
  let pads = [...(attrInts(node, "pads") ?? new Array<number>(2 * nsp).fill(0))];
  const eff = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  if (autoPad === "VALID") pads = new Array<number>(2 * nsp).fill(0);
  if (autoPad.startsWith("SAME")) {
    sp.forEach((d, i) => {
      const total = Math.max((Math.ceil(d / strides[i]) - 1) * strides[i] + eff[i] - d, 0);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === "SAME_UPPER" ? small : total - small;
      pads[i + nsp] = total - pads[i];
    });
  }
  const outSpatial = sp.map((d, i) => {
    const span = d + pads[i] + pads[i + nsp] - eff[i];
    let o = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    // A window must start inside the input or its leading padding (PyTorch/ONNX ceil_mode rule).
    if (ceil && (o - 1) * strides[i] >= d + pads[i]) o--;
    return o;
  });
  return { kernel: [...kernel], strides, dilations, padsBegin: pads.slice(0, nsp), padsEnd: pads.slice(nsp), outSpatial };
}

function maxRun(global: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const x = need(node, inputs, 0);
    if (node.outputs.length > 1 && node.outputs[1] !== "") throw new ModelError(`${where(node)}: the Indices output is not supported`);
    const r = pool(x, poolGeometry(node, x.shape, global));
    return [make(x.dtype, r.shape, r.max)];
  };
}

function avgRun(global: boolean) {
  return (node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] => {
    const x = need(node, inputs, 0);
    const includePad = attrInt(node, "count_include_pad", 0) === 1;
    const r = pool(x, poolGeometry(node, x.shape, global));
    const out = r.sum.map((s, i) => s / (includePad ? r.padded[i] : r.count[i]));
    return [make(x.dtype, r.shape, out)];
  };
}

function avgPlan(q: QuantizeContext, global: boolean): QuantPlan {
  const node = q.node;
  const includePad = attrInt(node, "count_include_pad", 0) === 1;
  const geometry = poolGeometry(node, q.inInfo(0)!.shape, global);
  const inScale = q.inScale(0);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const byCount = new Map<number, FixedPoint>();
  const fpFor = (c: number): FixedPoint => {
    let fp = byCount.get(c);
    if (!fp) {
      fp = toFixedPoint(inScale / (c * outScale));
      byCount.set(c, fp);
    }
    return fp;
  };
  // Precompute the multipliers for every count the geometry can produce, so params list them all.
  const probe = pool(make("float32", q.inInfo(0)!.shape, new Float64Array(q.inInfo(0)!.shape.reduce((a, b) => a * b, 1))), geometry);
  for (const c of includePad ? probe.padded : probe.count) fpFor(c);
  return {
    kind: "avgpool",
    outScales: [outScale],
    params: { multipliers: Object.fromEntries([...byCount].map(([c, fp]) => [c, fp])), countIncludePad: includePad },
    exec: ([x]) => {
      const r = pool(x!, geometry);
      const counts = includePad ? r.padded : r.count;
      const out = r.sum.map((s, i) => {
        const fp = fpFor(counts[i]);
        return clamp(mulShiftRound(s, fp.multiplier, fp.shift), q.qmin, q.qmax);
      });
      return [make(x!.dtype, r.shape, out)];
    },
  };
}

const POOL_ATTRS = ["auto_pad", "ceil_mode", "kernel_shape", "pads", "strides", "dilations"];

const MaxPool: OpDef = {
  op: "MaxPool",
  domain: "",
  attrs: [...POOL_ATTRS, "storage_order"],
  run: maxRun(false),
  quantize: (q) => movementPlan(q, maxRun(false), ["data"], "select"),
};
const GlobalMaxPool: OpDef = { op: "GlobalMaxPool", domain: "", attrs: [], run: maxRun(true), quantize: (q) => movementPlan(q, maxRun(true), ["data"], "select") };
const AveragePool: OpDef = { op: "AveragePool", domain: "", attrs: [...POOL_ATTRS, "count_include_pad"], run: avgRun(false), quantize: (q) => avgPlan(q, false) };
const GlobalAveragePool: OpDef = { op: "GlobalAveragePool", domain: "", attrs: [], run: avgRun(true), quantize: (q) => avgPlan(q, true) };

export const POOL_OPS: readonly OpDef[] = [MaxPool, GlobalMaxPool, AveragePool, GlobalAveragePool];
