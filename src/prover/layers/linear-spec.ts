/**
 * From a graph node to the MatMul IOP's static description: which inputs are X and W, Gemm's transposes, and
 * the bias weight (quantized at accumulator scale by the front end, named in the plan's params).
 */
import { where } from "../../model/errors";
import type { QuantizedModel } from "../../model/quant/quantize";
import { LayoutError } from "../tensor";
import type { MatMulSpec } from "./matmul";

/** A MatMul/Gemm node as the prover sees it. */
export interface LinearNode {
  readonly spec: MatMulSpec;
  /** Value names of X and W (either may be a weight: check `model.weights`). */
  readonly x: string;
  readonly w: string;
  /** Name of the bias weight, or null. */
  readonly bias: string | null;
}

/** The MatMul description of node `name` (a MatMul or Gemm with plan kind "linear"). */
export function linearNode(model: QuantizedModel, name: string): LinearNode {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new LayoutError(`no node named "${name}"`);
  const plan = model.plans.get(name)!;
  if ((node.op !== "MatMul" && node.op !== "Gemm") || plan.kind !== "linear") {
    throw new LayoutError(`${where(node)}: not a MatMul/Gemm with a "linear" plan (kind "${plan.kind}")`);
  }
  const shape = (value: string) => model.graph.values.get(value)!.shape;
  const flag = (attr: string) => {
    const a = node.attrs[attr];
    return a !== undefined && a.kind === "int" && a.value === 1;
  };
  const biasName = (plan.params as { bias?: string | null }).bias ?? null;
  const bias = biasName === null ? null : model.weights.get(biasName);
  if (biasName !== null && !bias) throw new LayoutError(`${where(node)}: bias weight "${biasName}" is missing`);
  const spec: MatMulSpec = {
    x: shape(node.inputs[0]),
    w: shape(node.inputs[1]),
    transA: node.op === "Gemm" && flag("transA"),
    transB: node.op === "Gemm" && flag("transB"),
    ...(bias ? { bias: bias.tensor.shape } : {}),
  };
  return { spec, x: node.inputs[0], w: node.inputs[1], bias: biasName };
}
