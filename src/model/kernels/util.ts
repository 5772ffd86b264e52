/** Small helpers shared by the kernels: axis normalisation, integer lists from tensors. */
import { ModelError, where } from "../errors";
import type { Node, Tensor } from "../ir";

/** Normalises a possibly negative axis against `rank`, or throws naming the node. */
export function normAxis(axis: number, rank: number, node: Pick<Node, "name" | "op">): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ModelError(`${where(node)}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/** The values of a 0-D or 1-D tensor as JS integers. */
export function intList(t: Tensor): number[] {
  return Array.from(t.data, (v) => Math.trunc(v));
}

/** A new tensor. */
export function make(dtype: Tensor["dtype"], shape: readonly number[], data: Float64Array): Tensor {
  return { dtype, shape: [...shape], data };
}
