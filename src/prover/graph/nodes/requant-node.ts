/**
 * The handler of every `requant(linear(inputs))` step (kinds linear, add, scale, mul, avgpool): witness = acc
 * from the trace then the requant advice and arena columns; walk = requant (every claim on the output → one
 * claim on acc), then the linear part (acc → inputs, W).
 */
import type { RequantNodeStep } from "../plan";
import { computeAcc, proveLinear, verifyLinear } from "./linear-part";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { StepHandler } from "./types";

export const requantHandler: StepHandler<RequantNodeStep> = {
  witness(step, ctx) {
    const acc = computeAcc(step.linear, (name) => ctx.value(name), step.requant.shape);
    witnessRequant(step.requant, acc, ctx.value(step.requant.y), ctx);
  },
  prove(step, ctx) {
    proveLinear(step.linear, proveRequantStep(step.requant, ctx), step.requant.shape, ctx);
  },
  verify(step, ctx) {
    verifyLinear(step.linear, verifyRequantStep(step.requant, ctx), step.requant.shape, ctx);
  },
};
