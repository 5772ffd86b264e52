/**
 * The public copy map of one input of a node whose every output element copies one input element once its other
 * operands are fixed (Where with a constant condition, ScatterND / ScatterElements with constant indices): read off
 * the executor's own float kernel with probes — element i of input j holds i + 1 and every other copied input
 * zeros, so output o holds map[o] + 1, or 0 where another input wins — so the map resolves broadcasting and
 * duplicate indices exactly as the executor does.
 */
import { where as whereOf } from "../../../model/errors";
import type { Tensor } from "../../../model/ir";
import { opFor } from "../../../model/ops";
import { checkGatherSpec, type GatherSpec } from "../../layers/gather";
import { LayoutError } from "../../tensor";
import type { CompileContext } from "./types";

/**
 * The gather spec of input j into the output of shape `out`: the node's inputs at the positions of `fixed` are
 * those tensors (the constant condition or indices), every other one a probe. A 0-d input is seen as [1] (same
 * single entry, no variables), since a gather input needs an axis.
 * @throws LayoutError when the kernel's output shape is not `out`, or the map is not a gather spec.
 */
export function probedCopyMap(ctx: CompileContext, j: number, out: readonly number[], fixed: ReadonlyMap<number, Tensor>): GatherSpec {
  const { node, model } = ctx;
  const shapeOf = (v: string) => model.graph.values.get(v)?.shape ?? model.graph.initializers.get(v)!.shape;
  const inputs = node.inputs.map((value, k): Tensor => {
    const constant = fixed.get(k);
    if (constant) return constant;
    const shape = [...shapeOf(value)];
    const size = shape.reduce((p, d) => p * d, 1);
    return { dtype: "float32", shape, data: Float64Array.from({ length: size }, (_, i) => (k === j ? i + 1 : 0)) };
  });
  const [y] = opFor(node).run(node, inputs, model.graph.opset);
  if (y.shape.length !== out.length || y.shape.some((d, a) => d !== out[a])) throw new LayoutError(`${whereOf(node)}: the kernel's output shape differs from the graph's`);
  const shape = inputs[j].shape;
  const spec: GatherSpec = { x: shape.length === 0 ? [1] : [...shape], out, map: Array.from(y.data, (v) => v - 1) };
  checkGatherSpec(spec);
  return spec;
}
