/**
 * ConvTranspose (kind `linear`, group 1): acc = the transposed convolution (../../layers/conv-transpose.ts),
 * y = requant(acc; M, s) with the plan's bound terms·2^(2(b−1)) + max |qbias|. Walk: requant (claims on y → one
 * claim on acc), then the ConvTranspose IOP → claims on X (its producer), W and the bias (openings of W).
 * Stream: the requant messages, then [bias value], the MatMul sum-check (degree 2), u, w, the gather selector's
 * sum-check (degree 2) and X~(ρ).
 *
 * The `linear` kind is the driver's (./linear.ts); {@link compileLinearKind} routes ConvTranspose here and
 * every other operator there, so the registry keeps one compiler per kind.
 */
import { convTransposeAcc, proveConvTranspose, verifyConvTranspose, type ConvTransposeSpec } from "../../layers/conv-transpose";
import { convTransposeNode } from "../../layers/conv-transpose-spec";
import { layoutOf, LayoutError } from "../../tensor";
import type { NodeStep, NodeStepBase, PlanRequant } from "../plan";
import { compileLinear } from "./linear";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A ConvTranspose step: the IOP's spec, its operands (value names) and the requantization of acc. */
export type ConvTransposeNodeStep = NodeStepBase & {
  readonly handler: "conv-transpose";
  readonly spec: ConvTransposeSpec;
  readonly x: string;
  readonly w: string;
  readonly bias: string | null;
  readonly requant: PlanRequant;
};

/** The `linear` kind: ConvTranspose here, MatMul/Gemm/Conv by the driver's compiler. */
export function compileLinearKind(ctx: CompileContext): NodeStep {
  return ctx.node.op === "ConvTranspose" ? compileConvTranspose(ctx) : compileLinear(ctx);
}

export function compileConvTranspose(ctx: CompileContext): ConvTransposeNodeStep {
  const { node, plan, model } = ctx;
  let c;
  try {
    c = convTransposeNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (!ctx.isWeight(c.w)) return ctx.unsupported(`the weight "${c.w}" is not a committed constant`);
  const p = plan.params as { multiplier: number; shift: number; terms: number };
  let maxBias = 0;
  if (c.bias) for (const v of Array.from(model.weights.get(c.bias)!.tensor.data)) maxBias = Math.max(maxBias, Math.abs(v));
  const half = 2n ** BigInt(ctx.bits - 1);
  const y = node.outputs[0];
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: BigInt(p.multiplier), shift: p.shift, accBound: BigInt(p.terms) * half * half + BigInt(maxBias) });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "conv-transpose", outputs: [y], spec: c.spec, x: c.x, w: c.w, bias: c.bias, requant };
}

export const convTransposeHandler: StepHandler<ConvTransposeNodeStep> = {
  witness(step, ctx) {
    const acc = convTransposeAcc(step.spec, ctx.value(step.x), ctx.value(step.w), step.bias ? ctx.value(step.bias) : undefined);
    witnessRequant(step.requant, acc, ctx.value(step.requant.y), ctx);
  },
  prove(step, ctx) {
    const acc = proveRequantStep(step.requant, ctx);
    const { proof, claims } = proveConvTranspose({
      spec: step.spec,
      x: ctx.value(step.x),
      w: ctx.value(step.w),
      ...(step.bias ? { bias: ctx.value(step.bias) } : {}),
      claim: acc,
      transcript: ctx.transcript,
    });
    if (proof.biasValue !== null) ctx.writer.scalar(proof.biasValue);
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.uValue, proof.wValue]);
    ctx.writer.sumcheck(proof.gather.sumcheck);
    ctx.writer.scalar(proof.gather.xValue);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const acc = verifyRequantStep(step.requant, ctx);
    const what = `conv-transpose "${step.node}"`;
    const { reader } = ctx;
    const biasValue = step.bias ? reader.scalar(`${what}: bias value`) : null;
    const kVars = layoutOf([step.spec.w[0], ...step.spec.w.slice(2)]).numVars;
    const sumcheck = reader.sumcheck(kVars, 2, what);
    const [uValue, wValue] = reader.scalars(2, `${what}: U and W values`);
    const gather = reader.sumcheck(layoutOf(step.spec.x).numVars, 2, `${what} gather`);
    const xValue = reader.scalar(`${what}: input value`);
    const claims = verifyConvTranspose({ spec: step.spec, claim: acc, proof: { biasValue, sumcheck, uValue, wValue, gather: { sumcheck: gather, xValue } }, transcript: ctx.transcript });
    route(step, claims, ctx);
  },
};

function route(step: ConvTransposeNodeStep, claims: ReturnType<typeof verifyConvTranspose>, ctx: WalkContext): void {
  ctx.claim(step.x, claims.x);
  ctx.claim(step.w, claims.w);
  if (step.bias) ctx.claim(step.bias, claims.bias!);
}
