/**
 * Operators that produce constants or read only static shapes: Constant, ConstantOfShape, Shape, Size,
 * Range, NonZero, EyeLike, OneHot. They have no integer plan: constant folding must remove them (their inputs
 * are constant or only their static shape is read); one left in the graph is reported as unsupported on
 * runtime data. OneHot is the exception: on runtime indices it is a selection between constants.
 */
import { ModelError, where } from "../errors";
import type { Tensor } from "../ir";
import { sizeOf } from "../ir";
import { intList, make, normAxis } from "../kernels/util";
import { movementPlan } from "./generic";
import type { OpDef, RunFloat } from "./types";
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor, need } from "./types";

const Constant: OpDef = {
  op: "Constant",
  domain: "",
  attrs: ["value", "value_float", "value_floats", "value_int", "value_ints"],
  run(node) {
    const t = attrTensor(node, "value");
    if (t) return [t];
    if (node.attrs.value_float) return [make("float32", [], Float64Array.of(attrFloat(node, "value_float", 0)))];
    if (node.attrs.value_int) return [make("int64", [], Float64Array.of(attrInt(node, "value_int", 0)))];
    const fs = attrFloats(node, "value_floats");
    if (fs) return [make("float32", [fs.length], Float64Array.from(fs))];
    const is = attrInts(node, "value_ints");
    if (is) return [make("int64", [is.length], Float64Array.from(is))];
    throw new ModelError(`${where(node)}: no supported value attribute (supported: value, value_float(s), value_int(s))`);
  },
};

const ConstantOfShape: OpDef = {
  op: "ConstantOfShape",
  domain: "",
  attrs: ["value"],
  run(node, inputs) {
    const shape = intList(need(node, inputs, 0));
    const v = attrTensor(node, "value");
    const data = new Float64Array(sizeOf(shape)).fill(v ? v.data[0] : 0);
    return [make(v ? v.dtype : "float32", shape, data)];
  },
};

const Shape: OpDef = {
  op: "Shape",
  domain: "",
  attrs: ["start", "end"],
  run(node, inputs) {
    const x = need(node, inputs, 0);
    const r = x.shape.length;
    const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
    const s = clampAxis(attrInt(node, "start", 0));
    const e = clampAxis(attrInt(node, "end", r));
    const dims = x.shape.slice(s, Math.max(s, e));
    return [make("int64", [dims.length], Float64Array.from(dims))];
  },
};

const Size: OpDef = {
  op: "Size",
  domain: "",
  attrs: [],
  run: (node, inputs) => [make("int64", [], Float64Array.of(sizeOf(need(node, inputs, 0).shape)))],
};

const Range: OpDef = {
  op: "Range",
  domain: "",
  attrs: [],
  run(node, inputs) {
    const [start, limit, delta] = [0, 1, 2].map((i) => need(node, inputs, i).data[0]);
    const n = Math.max(Math.ceil((limit - start) / delta), 0);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = start + i * delta;
    return [make(need(node, inputs, 0).dtype, [n], data)];
  },
};

const NonZero: OpDef = {
  op: "NonZero",
  domain: "",
  attrs: [],
  run(node, inputs) {
    const x = need(node, inputs, 0);
    const rank = x.shape.length;
    const hits: number[][] = [];
    const c = new Array<number>(rank).fill(0);
    for (let k = 0; k < x.data.length; k++) {
      if (x.data[k] !== 0) hits.push([...c]);
      for (let a = rank - 1; a >= 0; a--) {
        if (++c[a] < x.shape[a]) break;
        c[a] = 0;
      }
    }
    const out = new Float64Array(rank * hits.length);
    for (let a = 0; a < rank; a++) for (let j = 0; j < hits.length; j++) out[a * hits.length + j] = hits[j][a];
    return [make("int64", [rank, hits.length], out)];
  },
};

const EyeLike: OpDef = {
  op: "EyeLike",
  domain: "",
  attrs: ["k", "dtype"],
  run(node, inputs) {
    const x = need(node, inputs, 0);
    const [r, c] = x.shape;
    const k = attrInt(node, "k", 0);
    const data = new Float64Array(r * c);
    for (let i = 0; i < r; i++) if (i + k >= 0 && i + k < c) data[i * c + i + k] = 1;
    return [make(x.dtype, [r, c], data)];
  },
};

const oneHotRun: RunFloat = (node, inputs) => {
    const idx = need(node, inputs, 0);
    const depth = need(node, inputs, 1).data[0];
    const values: Tensor = need(node, inputs, 2);
    const rank = idx.shape.length + 1;
    const axis = normAxis(attrInt(node, "axis", -1), rank, node);
    const outShape = [...idx.shape.slice(0, axis), depth, ...idx.shape.slice(axis)];
    const inner = sizeOf(idx.shape.slice(axis));
    const outer = sizeOf(idx.shape.slice(0, axis));
    const out = new Float64Array(sizeOf(outShape)).fill(values.data[0]);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let v = idx.data[o * inner + i];
        if (v < 0) v += depth;
        if (v >= 0 && v < depth) out[(o * depth + v) * inner + i] = values.data[1];
      }
    }
    return [make(values.dtype, outShape, out)];
};

/** OneHot selects between its two constant values by runtime indices: a selection on integers. */
const OneHot: OpDef = {
  op: "OneHot",
  domain: "",
  attrs: ["axis"],
  run: oneHotRun,
  quantize: (q) => movementPlan(q, oneHotRun, ["index", "param", "data"], "select"),
};

export const CONSTANT_OPS: readonly OpDef[] = [Constant, ConstantOfShape, Shape, Size, Range, NonZero, EyeLike, OneHot];
