/**
 * Kind `reduce-sum` for ReduceSum, ReduceMean, ReduceSumSquare and ReduceL1: acc = Σ over the reduced axes of q,
 * q² or |q|, y = requant(acc; M, s) (ReduceMean's 1/n is in M). Walk: requant (every claim on y → one claim on
 * acc), then the reduction (../../layers/reduce.ts: one sum-check, degree 2 or 3) → one claim on its input.
 *
 * ReduceL1: a = |x| is an advice column (A) and one arena column (x, a) against the table `act:abs:<b>`
 * (|v| on [qmin, qmax]; |0| = 0, so the padding (0, 0) is a row); the sum runs over a, so the reduction's claim
 * is an opening of A, and the arena's claim gives one claim on x (its producer) and one on a (A).
 * Stream: the requant messages, then the reduction's sum-check and its input's value at ρ.
 */
import { proveReduce, reduceAcc, reduceDegree, verifyReduce, type ReduceSpec } from "../../layers/reduce";
import { reduceNode } from "../../layers/reduce-spec";
import { layoutOf, LayoutError, paddedTable, type IntTensor } from "../../tensor";
import type { NodeStepBase, PlanRequant } from "../plan";
import { activationTableDef } from "../tables";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A reduction step: the sum's spec and input, the |x| advice of ReduceL1, and the requantization of the sum. */
export type ReduceSumNodeStep = NodeStepBase & {
  readonly handler: "reduce-sum";
  readonly spec: ReduceSpec;
  readonly x: string;
  /** ReduceL1: the A slot of |x| and its arena column; null otherwise. */
  readonly abs: { readonly slot: string; readonly column: number } | null;
  readonly requant: PlanRequant;
};

export function compileReduceSum(ctx: CompileContext): ReduceSumNodeStep {
  const { node, plan, model } = ctx;
  let r;
  try {
    r = reduceNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  let abs: ReduceSumNodeStep["abs"] = null;
  if (r.abs) {
    const qmin = -(2 ** (ctx.bits - 1));
    const def = activationTableDef(`abs:${ctx.bits}`, ctx.bits, qmin, Array.from({ length: 2 ** ctx.bits }, (_, i) => Math.abs(qmin + i)));
    ctx.table(def.table);
    const slot = ctx.advice("abs", r.spec.x);
    abs = { slot, column: ctx.arenaColumn(def.table.id, layoutOf(r.spec.x).numVars, `${node.name}:abs`) };
  }
  const y = node.outputs[0];
  const half = 2n ** BigInt(ctx.bits - 1);
  const accBound = BigInt(r.count) * (r.spec.term === "square" ? half * half : half);
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: r.multiplier, shift: r.shift, accBound });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "reduce-sum", outputs: [y], spec: r.spec, x: r.x, abs, requant };
}

export const reduceSumHandler: StepHandler<ReduceSumNodeStep> = {
  witness(step, ctx) {
    const x = ctx.value(step.x);
    if (step.abs) {
      const layout = layoutOf(step.spec.x);
      const xTable = paddedTable(layout, x.data, `"${step.x}"`);
      const aTable = paddedTable(layout, absOf(x).data, `|"${step.x}"|`);
      ctx.setAdvice(step.abs.slot, aTable);
      ctx.setColumn(step.abs.column, [xTable, aTable]);
    }
    witnessRequant(step.requant, reduceAcc(step.spec, step.abs ? absOf(x) : x), ctx.value(step.requant.y), ctx);
  },
  prove(step, ctx) {
    const acc = proveRequantStep(step.requant, ctx);
    const x = ctx.value(step.x);
    const { proof, claim } = proveReduce({ spec: step.spec, x: step.abs ? absOf(x) : x, claim: acc, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalar(proof.xValue);
    route(step, claim, ctx);
  },
  verify(step, ctx) {
    const acc = verifyRequantStep(step.requant, ctx);
    const what = `reduce "${step.node}"`;
    const sumcheck = ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, reduceDegree(step.spec), what);
    const xValue = ctx.reader.scalar(`${what}: input value`);
    route(step, verifyReduce({ spec: step.spec, claim: acc, proof: { sumcheck, xValue }, transcript: ctx.transcript }), ctx);
  },
};

/** The reduction's claim goes to x (or to |x| in A); ReduceL1's arena column gives claims on x and on |x|. */
function route(step: ReduceSumNodeStep, claim: { point: readonly bigint[]; value: bigint }, ctx: WalkContext): void {
  if (!step.abs) {
    ctx.claim(step.x, claim);
    return;
  }
  ctx.claimAdvice(step.abs.slot, claim);
  const col = ctx.arenaColumn(step.abs.column);
  ctx.claim(step.x, { point: col.point, value: col.values[0] });
  ctx.claimAdvice(step.abs.slot, { point: col.point, value: col.values[1] });
}

function absOf(x: IntTensor): IntTensor {
  return { shape: x.shape, data: Array.from(x.data, (v) => Math.abs(v)) };
}
