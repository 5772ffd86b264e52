/**
 * From MaxPool / GlobalMaxPool / ReduceMax / ReduceMin nodes (plan kind "select") to the select IOP's spec
 * (./select.ts). Pool geometry is the executor's own `poolGeometry`; reduction axes follow the executor's rules
 * (attribute before opset 18, constant input after; none = all axes unless noop_with_empty_axes).
 */
import { where } from "../../model/errors";
import type { Node } from "../../model/ir";
import { poolGeometry } from "../../model/ops/pool";
import { attrInt, attrInts } from "../../model/ops/types";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { SelectSpec } from "./select";

/** Operators the select IOP proves. */
export const SELECT_OPS = ["MaxPool", "GlobalMaxPool", "ReduceMax", "ReduceMin"] as const;

/** A select node as the prover sees it: the spec and the value name of its data input. */
export interface SelectNode {
  readonly spec: SelectSpec;
  readonly x: string;
}

/** The select description of node `name`. @throws {LayoutError} for another op or kind, or runtime axes */
export function selectNode(model: QuantizedModel, name: string): SelectNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (!(SELECT_OPS as readonly string[]).includes(node.op) || plan.kind !== "select") {
    throw new LayoutError(`${where(node)}: not a MaxPool/GlobalMaxPool/ReduceMax/ReduceMin with a "select" plan (kind "${plan.kind}")`);
  }
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) throw new LayoutError(`${where(node)}: the plan rescales its input (a requant step the select IOP does not include)`);
  if (node.outputs.length > 1 && node.outputs[1] !== "") throw new LayoutError(`${where(node)}: the Indices output is not proved`);
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const rank = x.length;
  const ones = x.map(() => 1);
  const zeros = x.map(() => 0);
  if (node.op === "MaxPool" || node.op === "GlobalMaxPool") {
    const g = poolGeometry(node, x, node.op === "GlobalMaxPool");
    return {
      spec: {
        x,
        out: [x[0], x[1], ...g.outSpatial],
        kernel: [1, 1, ...g.kernel],
        strides: [1, 1, ...g.strides],
        dilations: [1, 1, ...g.dilations],
        padsBegin: [0, 0, ...g.padsBegin],
        mode: "max",
        bits: model.bits,
      },
      x: node.inputs[0],
    };
  }
  const axes = new Set(reduceAxes(model, node, rank, AXES_INPUT_FROM));
  return {
    spec: {
      x,
      out: x.map((d, a) => (axes.has(a) ? 1 : d)),
      kernel: x.map((d, a) => (axes.has(a) ? d : 1)),
      strides: ones,
      dilations: ones,
      padsBegin: zeros,
      mode: node.op === "ReduceMax" ? "max" : "min",
      bits: model.bits,
    },
    x: node.inputs[0],
  };
}

/** Opset from which ReduceMax/ReduceMin/ReduceMean/… take their axes as an input (ReduceSum: 13). */
export const AXES_INPUT_FROM = 18;

/**
 * A reduction's axes as the executor reads them: the attribute before opset `inputFrom`, a constant second input
 * from it on; none means all axes, unless noop_with_empty_axes (then none).
 */
export function reduceAxes(model: QuantizedModel, node: Node, rank: number, inputFrom: number): number[] {
  let axes: readonly number[] | undefined;
  if (model.graph.opset >= inputFrom) {
    const name = node.inputs[1];
    if (name) {
      const t = model.graph.initializers.get(name);
      if (!t) throw new LayoutError(`${where(node)}: axes ("${name}") must be a constant initializer`);
      if (t.data.length > 0) axes = Array.from(t.data, (v) => Math.trunc(v));
    }
  } else axes = attrInts(node, "axes");
  if (!axes) return attrInt(node, "noop_with_empty_axes", 0) === 1 ? [] : Array.from({ length: rank }, (_, a) => a);
  return axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank) throw new LayoutError(`${where(node)}: axis ${a} out of range for rank ${rank}`);
    return n;
  });
}
