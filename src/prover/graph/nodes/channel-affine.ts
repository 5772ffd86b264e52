/**
 * Kind `channel-affine` (BatchNormalization not folded into a Conv): acc = q ⊙ γ + β with γ at its own scale
 * and β at the accumulator scale, both committed as flat tensors of the input's size (`<node>:gamma`,
 * `<node>:beta`); y = requant(acc; M, s); |acc| ≤ 2^(2(b−1)) + max |β|. Proved when the flat layout and the
 * input's line up (`reshapePoint`: the inner axes are powers of two), refused otherwise.
 */
import type { RequantNodeStep } from "../plan";
import { layoutOf, LayoutError, reshapePoint } from "../../tensor";
import type { CompileContext } from "./types";

export function compileChannelAffine(ctx: CompileContext): RequantNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { affine?: { multiplier: number; shift: number } };
  if (!p.affine) return ctx.unsupported("a channel-affine plan without its multiplier");
  const x = node.inputs[0];
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  const gamma = `${node.name}:gamma`;
  const beta = `${node.name}:beta`;
  const g = model.weights.get(gamma);
  const b = model.weights.get(beta);
  if (!g || !b) return ctx.unsupported("γ / β weights are missing");
  const flatShape = [...g.tensor.shape];
  try {
    reshapePoint(flatShape, shape, new Array<bigint>(layoutOf(shape).numVars).fill(0n));
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(`γ's flat layout does not line up with the input's (${e.message})`);
    throw e;
  }
  let maxBeta = 0;
  for (const v of Array.from(b.tensor.data)) maxBeta = Math.max(maxBeta, Math.abs(v));
  const half = 2n ** BigInt(ctx.bits - 1);
  const requant = ctx.requant({ y, shape, multiplier: BigInt(p.affine.multiplier), shift: p.affine.shift, accBound: half * half + BigInt(maxBeta) });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "requant", outputs: [y], requant, linear: { iop: "affine", outShape: shape, x, gamma, beta, flatShape } };
}
