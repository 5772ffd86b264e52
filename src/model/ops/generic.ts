/**
 * The integer plan shared by operators that only move, select or compare elements (Reshape, Transpose,
 * Slice, Concat, Gather, Pad, MaxPool, ReduceMax, ArgMax, Where, ...). Their integer semantics is the float
 * kernel applied to the integers, which is exact. Inputs come in three roles:
 * - data: quantized values; all data inputs are first brought to one common scale (the largest of their
 *   scales) by a requantization, so the kernel compares and copies like with like;
 * - index: integer-typed values (indices, booleans), passed through unchanged;
 * - param: constants read as plain numbers (shapes, axes, pads, k), never quantized.
 * It also holds {@link operand}, the one rule every arithmetic plan uses for its constant operands.
 */
import { ModelError, where } from "../errors";
import type { Tensor } from "../ir";
import { isFloatType } from "../ir";
import { toFixedPoint, quantizeValues, requantizeArray, scaleFor } from "../quant/fixed-point";
import type { QuantizeContext, QuantPlan, RunFloat } from "./types";

/** Role of each input position; positions beyond the list use the last entry. */
export type InputRole = "data" | "index" | "param";

/** True when the value is carried as a quantized real (as opposed to an exact integer). */
export function isQuantized(q: QuantizeContext, i: number): boolean {
  const info = q.inInfo(i);
  return info !== undefined && isFloatType(info.dtype);
}

/**
 * Plan for a data-movement/selection operator.
 * @param roles role of each input position (the last role repeats for variadic ops)
 */
export function movementPlan(q: QuantizeContext, run: RunFloat, roles: readonly InputRole[], kind = "movement"): QuantPlan {
  const { node } = q;
  const roleOf = (i: number): InputRole => roles[Math.min(i, roles.length - 1)];
  const n = node.inputs.length;
  // Common scale of the data inputs: the largest runtime scale, widened to hold every constant data input.
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (node.inputs[i] === "" || roleOf(i) !== "data" || !isQuantized(q, i)) continue;
    if (q.isConst(i)) {
      let m = 0;
      for (const v of q.constValue(i).data) m = Math.max(m, Math.abs(v));
      scale = Math.max(scale, scaleFor(m, q.bits));
    } else scale = Math.max(scale, q.inScale(i));
  }
  if (scale === 0) scale = 1;
  const fixed: (Tensor | undefined)[] = [];
  const rescale: ({ multiplier: number; shift: number } | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    if (node.inputs[i] === "") continue;
    const role = roleOf(i);
    if (role === "param") {
      if (!q.isConst(i)) throw new ModelError(`${where(node)}: input ${i} ("${node.inputs[i]}") must be a constant`);
      fixed[i] = q.constValue(i);
    } else if (q.isConst(i)) {
      const c = q.constValue(i);
      if (role === "data" && isQuantized(q, i)) {
        const data = quantizeValues(c.data, scale, q.qmin, q.qmax);
        const t = { dtype: c.dtype, shape: c.shape, data };
        q.addWeight(`${node.inputs[i]}@${node.name}`, t, scale);
        fixed[i] = t;
      } else fixed[i] = c;
    } else if (role === "data" && isQuantized(q, i) && q.inScale(i) !== scale) {
      rescale[i] = toFixedPoint(q.inScale(i) / scale);
    }
  }
  const outScales = node.outputs.map((_, j) => (isFloatType(q.outInfo(j).dtype) ? scale : 1));
  const { qmin, qmax, opset } = q;
  return {
    kind,
    outScales,
    params: {
      rescale: Array.from(rescale, (r) => r ?? null),
    },
    exec(inputs) {
      const args = inputs.map((t, i) => {
        if (fixed[i] !== undefined) return fixed[i];
        const r = rescale[i];
        if (t !== undefined && r !== undefined) return { ...t, data: requantizeArray(Float64Array.from(t.data), r, qmin, qmax) };
        return t;
      });
      return run(node, args, opset);
    },
  };
}

/** An operand of an arithmetic plan: runtime values pass through, constants are fixed at plan time. */
export interface Operand {
  /** The integer tensor of a constant operand. */
  readonly fixed?: Tensor;
  /** Its scale (1 for integer-typed values). */
  readonly scale: number;
}

/**
 * Input i as an {@link Operand}: a runtime value keeps its scale; a float constant is quantized to b bits
 * at its own symmetric scale and registered as a weight; an integer constant is exact (scale 1).
 */
export function operand(q: QuantizeContext, i: number): Operand {
  if (!q.isConst(i)) return { scale: isQuantized(q, i) ? q.inScale(i) : 1 };
  const c = q.constValue(i);
  if (!isQuantized(q, i)) return { fixed: c, scale: 1 };
  let m = 0;
  for (const v of c.data) m = Math.max(m, Math.abs(v));
  const scale = scaleFor(m, q.bits);
  const t = { dtype: c.dtype, shape: c.shape, data: quantizeValues(c.data, scale, q.qmin, q.qmax) };
  q.addWeight(q.node.inputs[i], t, scale);
  return { fixed: t, scale };
}
