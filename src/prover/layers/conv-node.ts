/**
 * What Conv (./conv-spec.ts) and ConvTranspose (./conv-transpose-spec.ts) read from a graph node alike: the
 * node and its "linear" plan, the X and W shapes, the geometry from the executor's own `convGeometry` (so
 * prover and executor cannot disagree), and the bias weight named by the plan's params.
 */
import { where } from "../../model/errors";
import type { Node } from "../../model/ir";
import type { ConvGeometry } from "../../model/kernels/linear";
import { convGeometry } from "../../model/ops/linear";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";

/** A convolution node read for the prover. */
export interface ConvLikeNode {
  readonly node: Node;
  /** Value names of X and W. */
  readonly x: string;
  readonly w: string;
  readonly xShape: readonly number[];
  readonly wShape: readonly number[];
  readonly geometry: ConvGeometry;
  /** Name of the bias weight, or null. */
  readonly bias: string | null;
  /** The bias weight's shape, or null without a bias. */
  readonly biasShape: readonly number[] | null;
}

/** Reads node `name`, which must be an `op` node with a "linear" plan. @throws {LayoutError} */
export function readConvLikeNode(model: QuantizedModel, name: string, op: "Conv" | "ConvTranspose"): ConvLikeNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if (node.op !== op || plan.kind !== "linear") throw new LayoutError(`${where(node)}: not a ${op} with a "linear" plan (kind "${plan.kind}")`);
  const shape = (value: string) => model.graph.values.get(value)!.shape;
  const xShape = shape(node.inputs[0]);
  const wShape = shape(node.inputs[1]);
  const geometry = convGeometry(node, xShape, wShape, op === "ConvTranspose");
  const biasName = (plan.params as { bias?: string | null }).bias ?? null;
  const bias = biasName === null ? null : model.weights.get(biasName);
  if (biasName !== null && !bias) throw new LayoutError(`${where(node)}: bias weight "${biasName}" is missing`);
  return { node, x: node.inputs[0], w: node.inputs[1], xShape, wShape, geometry, bias: biasName, biasShape: bias ? bias.tensor.shape : null };
}
