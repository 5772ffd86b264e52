/**
 * The node registry: plan kind → compiler, step handler name → handler. Adding a kind is one line in each map
 * (see ./types.ts for the interface).
 */
import type { NodeStep } from "../plan";
import { compileAvgPool } from "./avgpool";
import { compileChannelAffine } from "./channel-affine";
import { compileAdd, compileMul, compileScale } from "./elementwise";
import { movementHandler } from "./movement";
import { requantHandler } from "./requant-node";
import { compileLinearKind, convTransposeHandler } from "./conv-transpose";
import { compilePrelu, preluHandler } from "./prelu";
import { compileReduceL2, reduceL2Handler } from "./reduce-l2";
import { causalSoftmaxHandler, compileCausalSoftmax } from "./causal-softmax";
import { embeddingHandler } from "./gather-embedding";
import { compileRmsNorm, rmsNormHandler } from "./rmsnorm";
import { compileRope, ropeHandler } from "./rope";
import { compileReduceSum, reduceSumHandler } from "./reduce-sum";
import { gatherHandler } from "./gather";
import { resizeHandler } from "./resize";
import { compileResizeLinear, resizeLinearHandler } from "./resize-linear";
import { selectHandler } from "./select";
import { argmaxHandler } from "./argmax";
import { compileSoftmax, softmaxHandler } from "./softmax";
import { compileLogSoftmax, compileLogSumExp, logSoftmaxHandler } from "./log-softmax";
import { compileTable, tableHandler } from "./table";
import { compileNorm, normHandler } from "./norm";
import { compileDiv, divHandler } from "./div";
import { whereHandler } from "./where";
import { splitHandler } from "./split";
import { compareHandler } from "./compare";
import { compileLogic, logicHandler } from "./logic";
import { exactHandler } from "./exact";
import { runtimeWhereHandler } from "./where-runtime";
import { maskWhereHandler } from "./where-mask";
import { exactDivHandler } from "./exact-div";
import { intGatherHandler } from "./int-gather";
import { intConcatHandler } from "./int-move";
import { compileExactWithMatMul, intMatMulHandler } from "./int-matmul";
import { compileCompareWithEqual, intEqualHandler } from "./int-equal";
import { compileSelectWithOneHot, intOneHotHandler } from "./int-onehot";
import { compileMovementWithScatter } from "./scatter";
import { topkHandler } from "./topk";
import { runtimeScatterHandler } from "./scatter-runtime";
import type { NodeCompiler, StepHandler } from "./types";

export type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext, WalkContext, WitnessContext } from "./types";

/** Plan kind → compiler. */
export const KIND_COMPILERS: Readonly<Record<string, NodeCompiler>> = {
  linear: compileLinearKind,
  add: compileAdd,
  scale: compileScale,
  mul: compileMul,
  avgpool: compileAvgPool,
  "channel-affine": compileChannelAffine,
  table: compileTable,
  movement: compileMovementWithScatter,
  select: compileSelectWithOneHot,
  "reduce-sum": compileReduceSum,
  "reduce-l2": compileReduceL2,
  prelu: compilePrelu,
  "resize-linear": compileResizeLinear,
  softmax: compileSoftmax,
  rope: compileRope,
  rmsnorm: compileRmsNorm,
  "causal-softmax": compileCausalSoftmax,
  "log-softmax": compileLogSoftmax,
  "reduce-logsumexp": compileLogSumExp,
  norm: compileNorm,
  div: compileDiv,
  compare: compileCompareWithEqual,
  logic: compileLogic,
  exact: compileExactWithMatMul,
};

/** Step handler name → handler. */
export const STEP_HANDLERS: Readonly<Record<string, StepHandler<never>>> = {
  requant: requantHandler as StepHandler<never>,
  table: tableHandler as StepHandler<never>,
  movement: movementHandler as StepHandler<never>,
  select: selectHandler as StepHandler<never>,
  argmax: argmaxHandler as StepHandler<never>,
  "reduce-sum": reduceSumHandler as StepHandler<never>,
  "conv-transpose": convTransposeHandler as StepHandler<never>,
  resize: resizeHandler as StepHandler<never>,
  "reduce-l2": reduceL2Handler as StepHandler<never>,
  prelu: preluHandler as StepHandler<never>,
  "resize-linear": resizeLinearHandler as StepHandler<never>,
  gather: gatherHandler as StepHandler<never>,
  softmax: softmaxHandler as StepHandler<never>,
  rope: ropeHandler as StepHandler<never>,
  rmsnorm: rmsNormHandler as StepHandler<never>,
  embedding: embeddingHandler as StepHandler<never>,
  "causal-softmax": causalSoftmaxHandler as StepHandler<never>,
  "log-softmax": logSoftmaxHandler as StepHandler<never>,
  norm: normHandler as StepHandler<never>,
  div: divHandler as StepHandler<never>,
  where: whereHandler as StepHandler<never>,
  split: splitHandler as StepHandler<never>,
  compare: compareHandler as StepHandler<never>,
  logic: logicHandler as StepHandler<never>,
  exact: exactHandler as StepHandler<never>,
  "where-runtime": runtimeWhereHandler as StepHandler<never>,
  "where-mask": maskWhereHandler as StepHandler<never>,
  "exact-div": exactDivHandler as StepHandler<never>,
  topk: topkHandler as StepHandler<never>,
  "scatter-runtime": runtimeScatterHandler as StepHandler<never>,
  "int-gather": intGatherHandler as StepHandler<never>,
  "int-concat": intConcatHandler as StepHandler<never>,
  "int-matmul": intMatMulHandler as StepHandler<never>,
  "int-equal": intEqualHandler as StepHandler<never>,
  "int-onehot": intOneHotHandler as StepHandler<never>,
};

/** The handler of a step. */
export function handlerOf(step: NodeStep): StepHandler {
  const h = STEP_HANDLERS[step.handler];
  if (!h) throw new RangeError(`node ${step.node}: no handler "${step.handler}"`);
  return h as unknown as StepHandler;
}

/** Why a plan kind without a compiler cannot be proved (the issue that will add it). */
export function unsupportedReason(kind: string): string {
  const known: Record<string, string> = {};
  return known[kind] ?? `plan kind "${kind}" has no prover yet`;
}
