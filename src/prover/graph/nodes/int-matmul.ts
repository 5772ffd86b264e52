/**
 * Integer MatMul (kind `exact`, no requantization; docs/prover.md, "Integer kinds for the tree models"): the
 * output is the exact integer product Y = X·W, so a claim on Y is the MatMul IOP's claim on acc (../../layers/
 * matmul.ts: sum-check over K, degree 2, then X~ and W~), one run per claim in take order. W is an integer
 * constant carried in the step (at most MAX_CONSTANT_SIZE entries, bound by the plan hash; the quantizer leaves
 * integer constants uncommitted): the verifier evaluates W~ at the IOP's point itself. Or both operands are
 * activations (claims on both go to their producers). No range check: the product is an identity over ℤ of the
 * executor's exact values (|Y| < 2^53 ≪ r/2), pinned once X (and W) are; a consumer that needs Y's range reads
 * it from ./int-bounds.ts.
 */
import { isFloatType } from "../../../model/ir";
import { LayerProofError } from "../../claims";
import { matmulGeometry, proveMatMul, verifyMatMul, type MatMulSpec } from "../../layers/matmul";
import { evaluateTensor, LayoutError, layoutOf } from "../../tensor";
import type { NodeStep, NodeStepBase } from "../plan";
import { MAX_CONSTANT_SIZE } from "./exact";
import { compileExactWithDiv } from "./exact-div";
import type { CompileContext, NodeCompiler, StepHandler } from "./types";

/** An integer MatMul step: the MatMul spec, X, W (an activation) or the constant W. */
export type IntMatMulNodeStep = NodeStepBase & {
  readonly handler: "int-matmul";
  readonly spec: MatMulSpec;
  readonly x: string;
  readonly w: string;
  readonly constant?: { readonly data: readonly number[] };
};

/** True when an `exact` node is an integer MatMul proved here. */
export function provesIntMatMul(op: string, kind: string): boolean {
  return kind === "exact" && op === "MatMul";
}

/** Kind `exact`: MatMul here, Div to ./exact-div.ts, Add / Sub / Mul / Cast to ./exact.ts. */
export const compileExactWithMatMul: NodeCompiler = (ctx): NodeStep => (provesIntMatMul(ctx.node.op, ctx.plan.kind) ? compileIntMatMul(ctx) : compileExactWithDiv(ctx));

export function compileIntMatMul(ctx: CompileContext): IntMatMulNodeStep {
  const { node, plan, model } = ctx;
  const [x, w] = node.inputs;
  if (model.graph.initializers.has(x)) return ctx.unsupported("a constant left operand of an integer MatMul");
  for (const v of [x, w]) if (isFloatType(model.graph.values.get(v)!.dtype)) return ctx.unsupported(`operand "${v}" is float-typed in an integer MatMul`);
  const spec: MatMulSpec = { x: ctx.shape(x), w: ctx.shape(w) };
  try {
    matmulGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const init = model.graph.initializers.get(w);
  if (init && init.data.length > MAX_CONSTANT_SIZE) return ctx.unsupported(`constant operand of ${init.data.length} entries (at most ${MAX_CONSTANT_SIZE} are carried in the plan)`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "int-matmul", outputs: [node.outputs[0]], spec, x, w, ...(init ? { constant: { data: Array.from(init.data) } } : {}) };
}

export const intMatMulHandler: StepHandler<IntMatMulNodeStep> = {
  witness() {
    // No advice: Y is the exact product of its operands.
  },
  prove(step, ctx) {
    const w = step.constant ? { shape: step.spec.w, data: step.constant.data } : ctx.value(step.w);
    for (const claim of ctx.take(step.outputs[0])) {
      const { proof, claims } = proveMatMul({ spec: step.spec, x: ctx.value(step.x), w, claim, transcript: ctx.transcript });
      ctx.writer.sumcheck(proof.sumcheck);
      ctx.writer.scalars([proof.xValue, proof.wValue]);
      ctx.claim(step.x, claims.x);
      if (!step.constant) ctx.claim(step.w, claims.w);
    }
  },
  verify(step, ctx) {
    const what = `MatMul "${step.node}"`;
    const g = matmulGeometry(step.spec);
    for (const claim of ctx.take(step.outputs[0])) {
      const sumcheck = ctx.reader.sumcheck(g.kVars + g.batch.numVars, g.batchAxes > 0 ? 3 : 2, what);
      const [xValue, wValue] = ctx.reader.scalars(2, `${what}: X, W`);
      const claims = verifyMatMul({ spec: step.spec, claim, proof: { biasValue: null, sumcheck, xValue, wValue }, transcript: ctx.transcript });
      ctx.claim(step.x, claims.x);
      if (!step.constant) ctx.claim(step.w, claims.w);
      else if (evaluateTensor(layoutOf(step.spec.w), step.constant.data, claims.w.point) !== claims.w.value) throw new LayerProofError(`${what}: the constant operand's value is wrong`);
    }
  },
};
