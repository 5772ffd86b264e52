/**
 * From Pad, Slice, Concat, Reshape and Flatten nodes to the re-indexing IOPs' specs (./reindex.ts). Shapes come
 * from the graph's static types; index parameters must be constant initializers (the executor refuses runtime
 * ones too). Slice's clamping follows the ONNX rules the executor implements; the corpus test checks that
 * every spec reproduces the trace exactly.
 */
import { where } from "../../model/errors";
import type { Node, Tensor } from "../../model/ir";
import { attrFloat, attrInt, attrInts, attrString } from "../../model/ops/types";
import { roundHalfAway } from "../../model/ops/unary";
import { clamp, qRange } from "../../model/quant/fixed-point";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { ConcatSpec } from "./concat";
import type { ReindexSpec } from "./reindex";

/** A re-indexing node: its spec, its data inputs (value names) and whether the plan rescales an input first. */
export type MovementNode =
  | { readonly kind: "single"; readonly layer: ReindexSpec; readonly input: string; readonly rescaled: boolean }
  | { readonly kind: "concat"; readonly spec: ConcatSpec; readonly inputs: readonly string[]; readonly rescaled: boolean };

/** The re-indexing description of node `name` (Pad, Slice, Concat, Reshape, Flatten with a "movement" plan). */
export function movementNode(model: QuantizedModel, name: string): MovementNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (plan.kind !== "movement") throw new LayoutError(`${where(node)}: not a movement plan (kind "${plan.kind}")`);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  const shape = (value: string) => model.graph.values.get(value)!.shape;
  const x = shape(node.inputs[0]);
  const out = shape(node.outputs[0]);
  const opset = model.graph.opset;
  switch (node.op) {
    case "Reshape":
    case "Flatten":
      return { kind: "single", layer: { op: "reshape", spec: { x, out } }, input: node.inputs[0], rescaled: rescale };
    case "Concat": {
      const inputs = node.inputs.filter((v) => v !== "");
      const rank = x.length;
      const raw = attrInt(node, "axis", 0);
      return { kind: "concat", spec: { inShapes: inputs.map(shape), axis: raw < 0 ? raw + rank : raw }, inputs, rescaled: rescale };
    }
    case "Slice":
      return { kind: "single", layer: { op: "slice", spec: sliceSpec(model, node, x, opset) }, input: node.inputs[0], rescaled: rescale };
    case "Pad":
      return { kind: "single", layer: { op: "pad", spec: padSpec(model, node, x, opset) }, input: node.inputs[0], rescaled: rescale };
    default:
      throw new LayoutError(`${where(node)}: ${node.op} is not a re-indexing layer the prover covers (Pad, Slice, Concat, Reshape, Flatten)`);
  }
}

function constInts(model: QuantizedModel, node: Node, i: number, what: string): number[] | undefined {
  const name = node.inputs[i];
  if (name === undefined || name === "") return undefined;
  const t: Tensor | undefined = model.graph.initializers.get(name);
  if (!t) throw new LayoutError(`${where(node)}: ${what} ("${name}") must be a constant initializer`);
  return Array.from(t.data, (v) => Math.trunc(v));
}

/** ONNX Slice normalization: negative indices wrap, then clamp (to [0, d] forward, [−1, d − 1] backward). */
function sliceSpec(model: QuantizedModel, node: Node, x: readonly number[], opset: number) {
  const rank = x.length;
  const starts = opset < 10 ? [...(attrInts(node, "starts") ?? [])] : constInts(model, node, 1, "starts")!;
  const ends = opset < 10 ? [...(attrInts(node, "ends") ?? [])] : constInts(model, node, 2, "ends")!;
  const axes = opset < 10 ? attrInts(node, "axes") : constInts(model, node, 3, "axes");
  const steps = opset < 10 ? undefined : constInts(model, node, 4, "steps");
  const st = new Array<number>(rank).fill(0);
  const sp = new Array<number>(rank).fill(1);
  const ct = [...x];
  (axes ?? starts.map((_, i) => i)).forEach((axis, i) => {
    const a = axis < 0 ? axis + rank : axis;
    const d = x[a];
    const step = steps ? steps[i] : 1;
    if (step === 0) throw new LayoutError(`${where(node)}: step 0 on axis ${axis}`);
    let s = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    const [lo, hi] = step > 0 ? [0, d] : [-1, d - 1];
    s = Math.min(Math.max(s, lo), hi);
    e = Math.min(Math.max(e, lo), hi);
    st[a] = s;
    sp[a] = step;
    ct[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return { x, starts: st, steps: sp, out: ct };
}

/** ONNX Pad: pads (optionally per listed axes), mode, and the quantized constant value. */
function padSpec(model: QuantizedModel, node: Node, x: readonly number[], opset: number) {
  const rank = x.length;
  const mode = attrString(node, "mode", "constant");
  if (mode !== "constant" && mode !== "edge" && mode !== "reflect") throw new LayoutError(`${where(node)}: pad mode "${mode}" is not supported`);
  let pads: number[];
  let value = 0;
  if (opset < 11) {
    pads = [...(attrInts(node, "pads") ?? [])];
    const { qmin, qmax } = qRange(model.bits);
    // The integer plan quantizes the attribute at the input's scale (round half away, clamped).
    const v = attrFloat(node, "value", 0);
    if (v !== 0) value = clamp(roundHalfAway(v / model.scales.get(node.inputs[0])!), qmin, qmax);
  } else {
    const raw = constInts(model, node, 1, "pads")!;
    const axes = constInts(model, node, 3, "axes");
    if (axes) {
      pads = new Array<number>(2 * rank).fill(0);
      axes.forEach((ax, i) => {
        const a = ax < 0 ? ax + rank : ax;
        pads[a] = raw[i];
        pads[a + rank] = raw[i + axes.length];
      });
    } else pads = raw;
    const valueName = node.inputs[2];
    if (valueName) {
      const q = model.weights.get(`${valueName}@${node.name}`);
      const c = model.graph.initializers.get(valueName);
      if (q) value = q.tensor.data[0] ?? 0;
      else if (c && c.data.length > 0 && c.data[0] !== 0) throw new LayoutError(`${where(node)}: pad value "${valueName}" has no quantized form`);
    }
  }
  if (pads.length !== 2 * rank) throw new LayoutError(`${where(node)}: ${pads.length} pads for rank ${rank}`);
  return { x, begin: pads.slice(0, rank), end: pads.slice(rank), mode: mode as "constant" | "edge" | "reflect", ...(value !== 0 ? { value } : {}) };
}
