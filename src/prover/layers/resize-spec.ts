/**
 * From a nearest Resize / Upsample node (plan kind "movement") to the Resize IOP's spec (./resize.ts). The
 * per-axis index maps are read off the executor itself: running the node's own float kernel on a probe whose
 * values are the index along axis a gives, at every output, the input index it copies on that axis (nearest
 * resizing is separable per axis). So every rounding mode and coordinate transform the executor supports is
 * covered, and prover and executor cannot disagree.
 */
import { where } from "../../model/errors";
import type { Tensor } from "../../model/ir";
import { RESIZE_OPS } from "../../model/ops/resize";
import { attrString } from "../../model/ops/types";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import { checkResizeSpec, type ResizeSpec } from "./resize";

/** A nearest Resize node: the spec and its data input. */
export interface ResizeNode {
  readonly spec: ResizeSpec;
  readonly x: string;
}

/** The nearest-Resize description of node `name`. @throws {LayoutError} for linear mode or runtime scales */
export function resizeNode(model: QuantizedModel, name: string): ResizeNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  const op = RESIZE_OPS.find((d) => d.op === node.op);
  if (!op || plan.kind !== "movement") throw new LayoutError(`${where(node)}: not a nearest Resize/Upsample with a "movement" plan (kind "${plan.kind}")`);
  if (attrString(node, "mode", "nearest") !== "nearest") throw new LayoutError(`${where(node)}: only nearest mode is a movement`);
  const consts = node.inputs.slice(1).map((v) => {
    if (v === "") return undefined;
    const t = model.graph.initializers.get(v);
    if (!t) throw new LayoutError(`${where(node)}: "${v}" must be a constant initializer`);
    return t;
  });
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const out = model.graph.values.get(node.outputs[0])!.shape;
  const size = x.reduce((p, d) => p * d, 1);
  const maps = x.map((_, a) => {
    const stride = x.slice(a + 1).reduce((p, d) => p * d, 1);
    const probe: Tensor = { dtype: "float32", shape: [...x], data: Float64Array.from({ length: size }, (_, f) => Math.floor(f / stride) % x[a]) };
    const [y] = op.run(node, [probe, ...consts], model.graph.opset);
    if (y.shape.length !== out.length || y.shape.some((d, i) => d !== out[i])) throw new LayoutError(`${where(node)}: the kernel's output shape differs from the graph's`);
    const outStride = out.slice(a + 1).reduce((p, d) => p * d, 1);
    return Array.from({ length: out[a] }, (_, o) => y.data[o * outStride]);
  });
  const spec = { x, out, maps };
  checkResizeSpec(spec);
  return { spec, x: node.inputs[0] };
}
