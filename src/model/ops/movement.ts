/**
 * Shape and data-movement operators: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity, Slice,
 * Split, Concat, Expand, Tile, Pad, Gather, GatherElements, GatherND, ScatterND, ScatterElements (none, max,
 * min reductions on runtime data), Trilu, DepthToSpace, SpaceToDepth. Integer semantics: {@link movementPlan}
 * (exact copies). Resize and Upsample live in ./resize.ts.
 */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { sizeOf, stridesOf } from "../ir";
import { broadcastShapes } from "../kernels/broadcast";
import { concat, expandTo, gatherBy, stridedSlice, transpose } from "../kernels/movement";
import { intList, make, normAxis } from "../kernels/util";
import { clamp } from "../quant/fixed-point";
import { movementPlan, type InputRole } from "./generic";
import { roundHalfAway } from "./unary";
import type { OpDef, RunFloat } from "./types";
import { attrFloat, attrInt, attrInts, attrString, need, unsupportedValue } from "./types";

function def(op: string, attrs: string[], roles: InputRole[], run: RunFloat): OpDef {
  return { op, domain: "", attrs, run, quantize: (q) => movementPlan(q, run, roles) };
}

function reshapeTo(t: Tensor, shape: readonly number[]): Tensor {
  return make(t.dtype, shape, t.data);
}

/** Reshape target resolution: 0 copies the input dim (unless allowzero), -1 is inferred. */
function resolveReshape(node: Node, inShape: readonly number[], spec: readonly number[], allowZero: boolean): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? inShape[i] : d));
  const total = sizeOf(inShape);
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const known = out.reduce((p, d, i) => (i === minus ? p : p * d), 1);
    out[minus] = known === 0 ? 0 : total / known;
  }
  if (sizeOf(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ModelError(`${where(node)}: cannot reshape [${inShape.join(", ")}] to [${spec.join(", ")}]`);
  }
  return out;
}

const Reshape = def("Reshape", ["allowzero"], ["data", "param"], (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const spec = opset < 5 ? [...(attrInts(node, "shape") ?? [])] : intList(need(node, inputs, 1));
  return [reshapeTo(x, resolveReshape(node, x.shape, spec, attrInt(node, "allowzero", 0) === 1))];
});

const Flatten = def("Flatten", ["axis"], ["data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const axis = attrInt(node, "axis", 1);
  const a = axis < 0 ? axis + x.shape.length : axis;
  return [reshapeTo(x, [sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a))])];
});

function axesFrom(node: Node, inputs: readonly (Tensor | undefined)[], opset: number, inputFrom: number): number[] | undefined {
  if (opset >= inputFrom) return inputs[1] ? intList(inputs[1]) : undefined;
  const a = attrInts(node, "axes");
  return a ? [...a] : undefined;
}

const Squeeze = def("Squeeze", ["axes"], ["data", "param"], (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const axes = axesFrom(node, inputs, opset, 13);
  const rank = x.shape.length;
  const drop = new Set(axes ? axes.map((a) => normAxis(a, rank, node)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of drop) if (x.shape[a] !== 1) throw new ModelError(`${where(node)}: cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [reshapeTo(x, x.shape.filter((_, i) => !drop.has(i)))];
});

const Unsqueeze = def("Unsqueeze", ["axes"], ["data", "param"], (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const axes = axesFrom(node, inputs, opset, 13);
  if (!axes) throw new ModelError(`${where(node)}: axes are required`);
  const rank = x.shape.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(a, rank, node)));
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(set.has(i) ? 1 : x.shape[j++]);
  return [reshapeTo(x, shape)];
});

const Transpose = def("Transpose", ["perm"], ["data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const perm = attrInts(node, "perm") ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  return [transpose(x, perm)];
});

const Identity = def("Identity", [], ["data"], (node, inputs) => [need(node, inputs, 0)]);

/** ONNX Slice index clamping for one axis. */
function sliceAxis(dim: number, start: number, end: number, step: number): { start: number; count: number } {
  if (step === 0) throw new ModelError("Slice step must not be 0");
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = Math.min(Math.max(s, -1), dim - 1);
  e = Math.min(Math.max(e, -1), dim - 1);
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

const Slice = def("Slice", ["starts", "ends", "axes"], ["data", "param"], (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (opset < 10) {
    starts = [...(attrInts(node, "starts") ?? [])];
    ends = [...(attrInts(node, "ends") ?? [])];
    axes = attrInts(node, "axes") ? [...attrInts(node, "axes")!] : undefined;
  } else {
    starts = intList(need(node, inputs, 1));
    ends = intList(need(node, inputs, 2));
    axes = inputs[3] ? intList(inputs[3]) : undefined;
    steps = inputs[4] ? intList(inputs[4]) : undefined;
  }
  const rank = x.shape.length;
  const st = new Array<number>(rank).fill(0);
  const sp = new Array<number>(rank).fill(1);
  const ct = [...x.shape];
  (axes ?? starts.map((_, i) => i)).forEach((axis, i) => {
    const a = normAxis(axis, rank, node);
    const step = steps ? steps[i] : 1;
    if (step === 0) throw new ModelError(`${where(node)}: step 0 on axis ${axis}`);
    const r = sliceAxis(x.shape[a], starts[i], ends[i], step);
    st[a] = r.start;
    sp[a] = step;
    ct[a] = r.count;
  });
  return [stridedSlice(x, st, sp, ct)];
});

const Split = def("Split", ["axis", "split", "num_outputs"], ["data", "param"], (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const axis = normAxis(attrInt(node, "axis", 0), x.shape.length, node);
  const dim = x.shape[axis];
  const parts = node.outputs.length;
  let sizes: number[];
  if (opset >= 13 && inputs[1]) sizes = intList(inputs[1]);
  else if (attrInts(node, "split")) sizes = [...attrInts(node, "split")!];
  else {
    const chunk = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== dim) throw new ModelError(`${where(node)}: split sizes [${sizes.join(", ")}] do not sum to ${dim}`);
  let start = 0;
  return sizes.map((len) => {
    const st = x.shape.map(() => 0);
    st[axis] = start;
    const ct = [...x.shape];
    ct[axis] = len;
    start += len;
    return stridedSlice(x, st, x.shape.map(() => 1), ct);
  });
});

const Concat = def("Concat", ["axis"], ["data"], (node, inputs) => {
  const ts = inputs.filter((t): t is Tensor => t !== undefined);
  const axis = normAxis(attrInt(node, "axis", 0), ts[0].shape.length, node);
  for (const t of ts) {
    if (t.shape.length !== ts[0].shape.length || t.shape.some((d, i) => i !== axis && d !== ts[0].shape[i])) {
      throw new ModelError(`${where(node)}: input shapes ${ts.map((u) => `[${u.shape.join(", ")}]`).join(", ")} differ off axis ${axis}`);
    }
  }
  return [concat(ts.filter((t) => sizeOf(t.shape) > 0 || ts.length === 1), axis)];
});

const Expand = def("Expand", [], ["data", "param"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const shape = broadcastShapes([x.shape, intList(need(node, inputs, 1))], where(node));
  return [expandTo(x, shape)];
});

const Tile = def("Tile", [], ["data", "param"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const reps = intList(need(node, inputs, 1));
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const strides = stridesOf(x.shape);
  return [gatherBy(x, outShape, (c) => c.reduce((s, v, i) => s + (v % x.shape[i]) * strides[i], 0), 0)];
});

const PAD_MODES = ["constant", "reflect", "edge"];
const padRun: RunFloat = (node, inputs, opset) => {
  const x = need(node, inputs, 0);
  const mode = attrString(node, "mode", "constant");
  if (!PAD_MODES.includes(mode)) throw unsupportedValue(node, "mode", mode, PAD_MODES.join(", "));
  const rank = x.shape.length;
  let pads: number[];
  let value = 0;
  if (opset < 11) {
    pads = [...(attrInts(node, "pads") ?? [])];
    value = attrFloat(node, "value", 0);
  } else {
    const raw = intList(need(node, inputs, 1));
    if (inputs[2] && inputs[2].data.length > 0) value = inputs[2].data[0];
    if (inputs[3]) {
      const axes = intList(inputs[3]).map((a) => normAxis(a, rank, node));
      pads = new Array<number>(2 * rank).fill(0);
      axes.forEach((a, i) => {
        pads[a] = raw[i];
        pads[a + rank] = raw[i + axes.length];
      });
    } else pads = raw;
  }
  if (pads.length !== 2 * rank) throw new ModelError(`${where(node)}: ${pads.length} pads for rank ${rank}`);
  if (pads.some((p) => p < 0)) throw unsupportedValue(node, "pads", pads, "non-negative pads");
  const outShape = x.shape.map((d, i) => d + pads[i] + pads[i + rank]);
  const strides = stridesOf(x.shape);
  return [
    gatherBy(x, outShape, (c) => {
      let off = 0;
      for (let a = 0; a < rank; a++) {
        let i = c[a] - pads[a];
        const d = x.shape[a];
        if (i < 0 || i >= d) {
          if (mode === "constant") return -1;
          if (mode === "edge") i = i < 0 ? 0 : d - 1;
          else i = i < 0 ? -i : 2 * (d - 1) - i;
        }
        off += i * strides[a];
      }
      return off;
    }, value),
  ];
};

/**
 * Pad. Before opset 11 the pad value is an attribute, which the generic plan cannot see: the integer plan
 * quantizes it at the input's scale (round half away from zero, clamped) so the padding is the quantized value.
 */
const Pad: OpDef = {
  op: "Pad",
  domain: "",
  attrs: ["mode", "pads", "value"],
  run: padRun,
  quantize(q) {
    const roles: InputRole[] = ["data", "param", "data", "param"];
    if (q.opset >= 11 || attrFloat(q.node, "value", 0) === 0) return movementPlan(q, padRun, roles);
    const v = roundHalfAway(attrFloat(q.node, "value", 0) / q.inScale(0));
    const node: Node = { ...q.node, attrs: { ...q.node.attrs, value: { kind: "float", value: clamp(v, q.qmin, q.qmax) } } };
    return movementPlan(q, (_n, inputs, opset) => padRun(node, inputs, opset), roles);
  },
};

const Gather = def("Gather", ["axis"], ["data", "index"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  const axis = normAxis(attrInt(node, "axis", 0), x.shape.length, node);
  const dim = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Float64Array(outer * idx.data.length * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx.data) {
      const i = raw < 0 ? raw + dim : raw;
      if (i < 0 || i >= dim) throw new ModelError(`${where(node)}: index ${raw} out of range for axis of size ${dim}`);
      out.set(x.data.subarray((o * dim + i) * inner, (o * dim + i + 1) * inner), p);
      p += inner;
    }
  }
  return [make(x.dtype, [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], out)];
});

const GatherElements = def("GatherElements", ["axis"], ["data", "index"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  const axis = normAxis(attrInt(node, "axis", 0), x.shape.length, node);
  const strides = stridesOf(x.shape);
  const istrides = stridesOf(idx.shape);
  return [
    gatherBy(x, idx.shape, (c) => {
      let off = 0;
      let flat = 0;
      for (let a = 0; a < c.length; a++) flat += c[a] * istrides[a];
      for (let a = 0; a < c.length; a++) {
        let i = a === axis ? idx.data[flat] : c[a];
        if (i < 0) i += x.shape[a];
        if (i < 0 || i >= x.shape[a]) throw new ModelError(`${where(node)}: index out of range on axis ${a}`);
        off += i * strides[a];
      }
      return off;
    }, 0),
  ];
});

const GatherND = def("GatherND", ["batch_dims"], ["data", "index"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  if (attrInt(node, "batch_dims", 0) !== 0) throw unsupportedValue(node, "batch_dims", attrInt(node, "batch_dims", 0), "0");
  const k = idx.shape[idx.shape.length - 1];
  const lead = idx.shape.slice(0, -1);
  const rest = x.shape.slice(k);
  const inner = sizeOf(rest);
  const strides = stridesOf(x.shape);
  const n = sizeOf(lead);
  const out = new Float64Array(n * inner);
  for (let j = 0; j < n; j++) {
    let off = 0;
    for (let a = 0; a < k; a++) {
      let i = idx.data[j * k + a];
      if (i < 0) i += x.shape[a];
      if (i < 0 || i >= x.shape[a]) throw new ModelError(`${where(node)}: index out of range on axis ${a}`);
      off += i * strides[a];
    }
    out.set(x.data.subarray(off, off + inner), j * inner);
  }
  return [make(x.dtype, [...lead, ...rest], out)];
});

const Trilu = def("Trilu", ["upper"], ["data", "param"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const k = inputs[1] ? intList(inputs[1])[0] : 0;
  const upper = attrInt(node, "upper", 1) === 1;
  const rank = x.shape.length;
  const strides = stridesOf(x.shape);
  return [
    gatherBy(x, x.shape, (c) => {
      const i = c[rank - 2];
      const j = c[rank - 1];
      const keep = upper ? j - i >= k : j - i <= k;
      return keep ? c.reduce((s, v, a) => s + v * strides[a], 0) : -1;
    }, 0),
  ];
});

const DepthToSpace = def("DepthToSpace", ["blocksize", "mode"], ["data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const b = attrInt(node, "blocksize", 1);
  const mode = attrString(node, "mode", "DCR");
  const [n, c, h, w] = x.shape;
  const oc = c / (b * b);
  const tmp = mode === "DCR" ? make(x.dtype, [n, b, b, oc, h, w], x.data) : make(x.dtype, [n, oc, b, b, h, w], x.data);
  const t = transpose(tmp, mode === "DCR" ? [0, 3, 4, 1, 5, 2] : [0, 1, 4, 2, 5, 3]);
  return [make(x.dtype, [n, oc, h * b, w * b], t.data)];
});

const SpaceToDepth = def("SpaceToDepth", ["blocksize"], ["data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const b = attrInt(node, "blocksize", 1);
  const [n, c, h, w] = x.shape;
  const t = transpose(make(x.dtype, [n, c, h / b, b, w / b, b], x.data), [0, 3, 5, 1, 2, 4]);
  return [make(x.dtype, [n, c * b * b, h / b, w / b], t.data)];
});

function scatterReduction(node: Node): (old: number, v: number) => number {
  const r = node.attrs.reduction?.kind === "string" ? node.attrs.reduction.value : "none";
  const FNS: Record<string, (old: number, v: number) => number> = {
    none: (_, v) => v,
    add: (a, v) => a + v,
    mul: (a, v) => a * v,
    max: (a, v) => Math.max(a, v),
    min: (a, v) => Math.min(a, v),
  };
  const f = FNS[r];
  if (!f) throw unsupportedValue(node, "reduction", r, Object.keys(FNS).join(", "));
  // Only "none", "max" and "min" stay selections on integers; add/mul would need a requantization.
  return f;
}

const ScatterND = def("ScatterND", ["reduction"], ["data", "index", "data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  const upd = need(node, inputs, 2);
  const f = scatterReduction(node);
  const k = idx.shape[idx.shape.length - 1];
  const n = sizeOf(idx.shape.slice(0, -1));
  const inner = sizeOf(x.shape.slice(k));
  const strides = stridesOf(x.shape);
  const out = Float64Array.from(x.data);
  for (let j = 0; j < n; j++) {
    let off = 0;
    for (let a = 0; a < k; a++) {
      let i = idx.data[j * k + a];
      if (i < 0) i += x.shape[a];
      if (i < 0 || i >= x.shape[a]) throw new ModelError(`${where(node)}: index out of range on axis ${a}`);
      off += i * strides[a];
    }
    for (let e = 0; e < inner; e++) out[off + e] = f(out[off + e], upd.data[j * inner + e]);
  }
  return [make(x.dtype, x.shape, out)];
});

const ScatterElements = def("ScatterElements", ["axis", "reduction"], ["data", "index", "data"], (node, inputs) => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  const upd = need(node, inputs, 2);
  const f = scatterReduction(node);
  const axis = normAxis(attrInt(node, "axis", 0), x.shape.length, node);
  const strides = stridesOf(x.shape);
  const rank = idx.shape.length;
  const out = Float64Array.from(x.data);
  const c = new Array<number>(rank).fill(0);
  for (let k = 0; k < idx.data.length; k++) {
    let off = 0;
    for (let a = 0; a < rank; a++) {
      let i = a === axis ? idx.data[k] : c[a];
      if (a === axis && i < 0) i += x.shape[a];
      if (i < 0 || i >= x.shape[a]) throw new ModelError(`${where(node)}: index out of range on axis ${a}`);
      off += i * strides[a];
    }
    out[off] = f(out[off], upd.data[k]);
    for (let a = rank - 1; a >= 0; a--) {
      if (++c[a] < idx.shape[a]) break;
      c[a] = 0;
    }
  }
  return [make(x.dtype, x.shape, out)];
});

/** Scatter with add/mul reductions would need a requantization on integers; only selections are planned. */
function selectionScatter(d: OpDef): OpDef {
  return {
    ...d,
    quantize: (q) => {
      const r = q.node.attrs.reduction?.kind === "string" ? q.node.attrs.reduction.value : "none";
      if (r !== "none" && r !== "max" && r !== "min") throw unsupportedValue(q.node, "reduction", r, "none, max, min (on runtime data)");
      return d.quantize!(q);
    },
  };
}

export const MOVEMENT_OPS: readonly OpDef[] = [
  Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity, Slice, Split, Concat, Expand, Tile, Pad, Gather,
  GatherElements, GatherND, selectionScatter(ScatterND), selectionScatter(ScatterElements), Trilu, DepthToSpace,
  SpaceToDepth,
];
