/**
 * Kind `select` for MaxPool, GlobalMaxPool, ReduceMax and ReduceMin (../../layers/select.ts): y and the one-hot
 * tap choice s are advice columns (A), one arena column (qmin + D, −s) against the CLAMP table of the model's
 * bit width (the table requantization registers). Walk: the arena's claim and every claim on y → y~(ρ_o), the
 * selector sum-check and X~(ρ′) in the stream; claims on y and s become openings of A, one claim on X goes to
 * its producer. Other `select` operators (ArgMax, TopK, Where, Max/Min of several tensors, …) are refused.
 */
import { proveSelect, selectGeometry, selectWitness, verifySelect, type SelectClaims, type SelectSpec } from "../../layers/select";
import { SELECT_OPS, selectNode } from "../../layers/select-spec";
import { layoutOf, LayoutError, paddedTable } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { clampTableDef, clampTableId } from "../tables";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A max/min step: the spec, its input and output tensors, its A slots and its arena column. */
export type SelectNodeStep = NodeStepBase & {
  readonly handler: "select";
  readonly spec: SelectSpec;
  readonly x: string;
  /** A slots of y (over `spec.out`) and of s (over [out…, kernel…]). */
  readonly advice: { readonly y: string; readonly s: string };
  readonly column: number;
};

export function compileSelect(ctx: CompileContext): SelectNodeStep {
  const { node, plan, model } = ctx;
  if (!(SELECT_OPS as readonly string[]).includes(node.op)) return ctx.unsupported(`${node.op} is not proved yet (the select IOP covers ${SELECT_OPS.join(", ")})`);
  let sel;
  try {
    sel = selectNode(model, node.name);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const geo = selectGeometry(sel.spec);
  const clamp = clampTableDef(ctx.bits);
  ctx.table(clamp);
  const y = ctx.advice("y", sel.spec.out);
  const s = ctx.advice("s", geo.tapLayout.shape);
  const column = ctx.arenaColumn(clampTableId(ctx.bits), geo.tapLayout.numVars, `${node.name}:select`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "select", outputs: [node.outputs[0]], spec: sel.spec, x: sel.x, advice: { y, s }, column };
}

export const selectHandler: StepHandler<SelectNodeStep> = {
  witness(step, ctx) {
    let w;
    try {
      w = selectWitness(step.spec, ctx.value(step.x), ctx.value(step.outputs[0]), ctx.unsafe);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.advice.y, w.y);
    ctx.setAdvice(step.advice.s, w.s);
    ctx.setColumn(step.column, w.column);
  },
  prove(step, ctx) {
    const y = ctx.value(step.outputs[0]);
    const { proof, claims } = proveSelect({
      spec: step.spec,
      x: ctx.value(step.x),
      claims: ctx.take(step.outputs[0]),
      arena: ctx.arenaColumn(step.column),
      y: paddedTable(layoutOf(step.spec.out), y.data, `"${step.outputs[0]}"`),
      transcript: ctx.transcript,
    });
    ctx.writer.scalar(proof.yValue);
    ctx.writer.sumcheck(proof.selector.sumcheck);
    ctx.writer.scalar(proof.selector.xValue);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const what = `select "${step.node}"`;
    const yValue = ctx.reader.scalar(`${what}: y value`);
    const sumcheck = ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 2, what);
    const xValue = ctx.reader.scalar(`${what}: input value`);
    const claims = verifySelect({
      spec: step.spec,
      claims: ctx.take(step.outputs[0]),
      arena: ctx.arenaColumn(step.column),
      proof: { yValue, selector: { sumcheck, xValue } },
      transcript: ctx.transcript,
    });
    route(step, claims, ctx);
  },
};

function route(step: SelectNodeStep, claims: SelectClaims, ctx: WalkContext): void {
  ctx.claim(step.x, claims.x);
  for (const c of claims.y) ctx.claimAdvice(step.advice.y, c);
  for (const c of claims.s) ctx.claimAdvice(step.advice.s, c);
}
