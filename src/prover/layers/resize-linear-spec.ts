/**
 * From a linear Resize / Upsample node (plan kind "resize-linear") to the IOP's spec (./resize-linear.ts). The
 * executor's tap rule is restated here — coordinates `transform(o)` clamped to [0, in − 1], taps floor(c) and
 * min(floor(c) + 1, in − 1), float weights 1 − frac / frac multiplied in axis order, W = roundHalfAway(w·2^14)
 * (src/model/ops/resize.ts) — with the same float operations in the same order, so the integers agree exactly;
 * the tests check every spec against the trace (a wrong W makes the requantized accumulator differ).
 */
import { where } from "../../model/errors";
import type { Node } from "../../model/ir";
import { attrFloats, attrString } from "../../model/ops/types";
import { roundHalfAway } from "../../model/ops/unary";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import { checkResizeLinearSpec, type ResizeLinearSpec } from "./resize-linear";

/** A linear Resize node: the spec, its data input, and the requantization of the accumulator. */
export interface ResizeLinearNode {
  readonly spec: ResizeLinearSpec;
  readonly x: string;
  readonly multiplier: bigint;
  readonly shift: number;
}

/** The description of node `name`. @throws {LayoutError} for another kind or runtime scales/sizes */
export function resizeLinearNode(model: QuantizedModel, name: string): ResizeLinearNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if ((node.op !== "Resize" && node.op !== "Upsample") || plan.kind !== "resize-linear") throw new LayoutError(`${where(node)}: not a linear Resize/Upsample (kind "${plan.kind}")`);
  const p = plan.params as { weightBits: number; multiplier: number; shift: number };
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const { ctm, scales, sizes } = scalesOf(model, node, x.length);
  const out = sizes ?? x.map((d, a) => Math.floor(d * scales![a]));
  const scale = sizes ? sizes.map((s, a) => s / x[a]) : scales!;
  const axes = x.flatMap((d, a) => (d === out[a] && scale[a] === 1 ? [] : [a]));
  if (axes.length === 0) throw new LayoutError(`${where(node)}: no axis is interpolated`);
  const perAxis = axes.map((a) =>
    Array.from({ length: out[a] }, (_, o) => {
      const c = Math.min(Math.max(sourceCoord(ctm, o, x[a], out[a], scale[a]), 0), x[a] - 1);
      const i0 = Math.floor(c);
      return { i0, i1: Math.min(i0 + 1, x[a] - 1), f: c - i0 };
    }),
  );
  const weights: number[] = [];
  const coords = new Array<number>(axes.length).fill(0);
  const rows = axes.reduce((n, a) => n * out[a], 1);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < 2 ** axes.length; t++) {
      let w = 1;
      axes.forEach((_, j) => {
        const tap = perAxis[j][coords[j]];
        w *= (t >> j) & 1 ? tap.f : 1 - tap.f;
      });
      weights.push(roundHalfAway(w * 2 ** p.weightBits));
    }
    for (let j = axes.length - 1; j >= 0; j--) {
      if (++coords[j] < out[axes[j]]) break;
      coords[j] = 0;
    }
  }
  const spec: ResizeLinearSpec = { x, out, axes, lower: perAxis.map((l) => l.map((v) => v.i0)), upper: perAxis.map((l) => l.map((v) => v.i1)), weights };
  checkResizeLinearSpec(spec);
  const graphOut = model.graph.values.get(node.outputs[0])!.shape;
  if (graphOut.join(",") !== out.join(",")) throw new LayoutError(`${where(node)}: output shape [${out.join(", ")}] differs from the graph's [${graphOut.join(", ")}]`);
  return { spec, x: node.inputs[0], multiplier: BigInt(p.multiplier), shift: p.shift };
}

/** The executor's source coordinate of output index o on one axis. */
function sourceCoord(ctm: string, o: number, inD: number, outD: number, scale: number): number {
  if (ctm === "asymmetric") return o / scale;
  if (ctm === "align_corners") return outD === 1 ? 0 : (o * (inD - 1)) / (outD - 1);
  if (ctm === "pytorch_half_pixel") return outD > 1 ? (o + 0.5) / scale - 0.5 : 0;
  if (ctm === "half_pixel") return (o + 0.5) / scale - 0.5;
  throw new LayoutError(`linear resize: coordinate transformation "${ctm}" is not supported`);
}

/** Scales or sizes as the executor reads them (constant inputs only), and the coordinate transformation. */
function scalesOf(model: QuantizedModel, node: Node, rank: number): { ctm: string; scales?: number[]; sizes?: number[] } {
  const constant = (i: number) => {
    const v = node.inputs[i];
    if (v === undefined || v === "") return undefined;
    const t = model.graph.initializers.get(v);
    if (!t) throw new LayoutError(`${where(node)}: "${v}" must be a constant initializer`);
    return t.data.length > 0 ? Array.from(t.data) : undefined;
  };
  const opset = model.graph.opset;
  let out: { ctm: string; scales?: number[]; sizes?: number[] };
  if (node.op === "Upsample") out = { ctm: "asymmetric", scales: opset < 9 ? [...(attrFloats(node, "scales") ?? [])] : constant(1) };
  else if (opset < 11) out = { ctm: attrString(node, "coordinate_transformation_mode", "half_pixel"), scales: constant(1) };
  else {
    const sizes = constant(3)?.map((v) => Math.trunc(v));
    out = { ctm: attrString(node, "coordinate_transformation_mode", "half_pixel"), ...(sizes ? { sizes } : { scales: constant(2) }) };
  }
  const list = out.sizes ?? out.scales;
  if (!list || list.length !== rank) throw new LayoutError(`${where(node)}: needs ${rank} scales or sizes`);
  return out;
}
