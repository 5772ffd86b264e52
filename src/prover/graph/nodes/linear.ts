/**
 * Kind `linear` (MatMul, Gemm, Conv): acc = Σ qx·qw (+ qbias), y = requant(acc; M, s). The accumulator bound
 * is the plan's: terms·2^(2(b−1)) + max |qbias| (docs/quantization.md).
 */
import { matmulGeometry } from "../../layers/matmul";
import { linearNode } from "../../layers/linear-spec";
import { convNode } from "../../layers/conv-spec";
import { LayoutError } from "../../tensor";
import type { PlanLinear, RequantNodeStep } from "../plan";
import type { CompileContext } from "./types";

export function compileLinear(ctx: CompileContext): RequantNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { multiplier: number; shift: number; bias: string | null; terms: number };
  let linear: PlanLinear;
  try {
    if (node.op === "Conv") {
      const c = convNode(model, node.name);
      linear = { iop: "conv", spec: c.spec, x: c.x, w: c.w, bias: c.bias };
    } else if (node.op === "MatMul" || node.op === "Gemm") {
      const m = linearNode(model, node.name);
      const g = matmulGeometry(m.spec);
      linear = { iop: "matmul", spec: m.spec, x: m.x, w: m.w, bias: m.bias, rounds: g.kVars + g.batch.numVars, degree: g.batchAxes > 0 ? 3 : 2 };
    } else {
      return ctx.unsupported(`${node.op} is not proved yet (MatMul, Gemm and Conv are)`);
    }
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const y = node.outputs[0];
  const bias = linear.bias ? model.weights.get(linear.bias)!.tensor.data : [];
  let maxBias = 0;
  for (const v of Array.from(bias)) maxBias = Math.max(maxBias, Math.abs(v));
  const half = 2n ** BigInt(ctx.bits - 1);
  const accBound = BigInt(p.terms) * half * half + BigInt(maxBias);
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: BigInt(p.multiplier), shift: p.shift, accBound });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "requant", outputs: [y], requant, linear };
}
