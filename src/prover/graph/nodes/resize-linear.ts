/**
 * Kind `resize-linear` (Resize / Upsample in linear mode): acc = Σ_t W·X[tap] (../../layers/resize-linear.ts),
 * y = requant(acc; M, s) with the bound 2^(b−1)·max_o Σ_t |W[o, t]|. Walk: requant (claims on y → one claim on
 * acc), then one weighted selector sum-check → one claim on X. Stream: the requant messages, the selector
 * sum-check (n_X rounds, degree 2), X~(ρ).
 */
import { proveResizeLinear, resizeLinearAcc, verifyResizeLinear, type ResizeLinearSpec } from "../../layers/resize-linear";
import { resizeLinearNode } from "../../layers/resize-linear-spec";
import { layoutOf, LayoutError } from "../../tensor";
import type { NodeStepBase, PlanRequant } from "../plan";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler } from "./types";

/** A linear-Resize step: the spec (tap indices and integer weights), its input, the requantization. */
export type ResizeLinearNodeStep = NodeStepBase & {
  readonly handler: "resize-linear";
  readonly spec: ResizeLinearSpec;
  readonly x: string;
  readonly requant: PlanRequant;
};

export function compileResizeLinear(ctx: CompileContext): ResizeLinearNodeStep {
  const { node, plan, model } = ctx;
  let r;
  try {
    r = resizeLinearNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (model.graph.initializers.has(r.x)) return ctx.unsupported(`constant data input "${r.x}" (not committed)`);
  const taps = 2 ** r.spec.axes.length;
  let maxRow = 0;
  for (let i = 0; i < r.spec.weights.length; i += taps) {
    let s = 0;
    for (let t = 0; t < taps; t++) s += Math.abs(r.spec.weights[i + t]);
    maxRow = Math.max(maxRow, s);
  }
  const y = node.outputs[0];
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: r.multiplier, shift: r.shift, accBound: 2n ** BigInt(ctx.bits - 1) * BigInt(maxRow) });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "resize-linear", outputs: [y], spec: r.spec, x: r.x, requant };
}

export const resizeLinearHandler: StepHandler<ResizeLinearNodeStep> = {
  witness(step, ctx) {
    witnessRequant(step.requant, resizeLinearAcc(step.spec, ctx.value(step.x)), ctx.value(step.requant.y), ctx);
  },
  prove(step, ctx) {
    const acc = proveRequantStep(step.requant, ctx);
    const r = proveResizeLinear({ spec: step.spec, x: ctx.value(step.x), claim: acc, transcript: ctx.transcript });
    ctx.writer.sumcheck(r.proof.sumcheck);
    ctx.writer.scalar(r.proof.xValue);
    ctx.claim(step.x, r.claim);
  },
  verify(step, ctx) {
    const acc = verifyRequantStep(step.requant, ctx);
    const what = `linear resize "${step.node}"`;
    const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 2, what), xValue: ctx.reader.scalar(`${what}: input value`) };
    ctx.claim(step.x, verifyResizeLinear({ spec: step.spec, claim: acc, proof, transcript: ctx.transcript }));
  },
};
