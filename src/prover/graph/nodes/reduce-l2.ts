/**
 * Kind `reduce-l2` (ReduceL2): ss = requant(Σ q²; M, s) over the reduced axes, then y = SQRT[ss], a unary table
 * (docs/quantization.md). Three steps, walked output-first:
 * 1. the table: y is an advice column (A), one arena column (ss + c·pad, y) against the plan's SQRT table
 *    (`act:<table id>`, ../tables.ts); claims on y are openings of A, the arena's component 0 (minus c·pad~)
 *    is a claim on the intermediate tensor ss (`<node>:sumsq`, never committed);
 * 2. the requantization of ss (every claim on ss → one claim on acc = Σ q²);
 * 3. the reduction with squares (../../layers/reduce.ts, degree 3) → one claim on X.
 * Stream: the requant messages, then the reduction's sum-check and X~(ρ) (the table step sends nothing).
 */
import * as Fr from "../../../field/fr";
import { proveReduce, reduceAcc, verifyReduce, type ReduceSpec } from "../../layers/reduce";
import { requantWitness } from "../../layers/requant-spec";
import { AXES_INPUT_FROM, reduceAxes } from "../../layers/select-spec";
import { forEachIndex, layoutOf, paddedTable, prefixIndicator, splitPoint } from "../../tensor";
import type { NodeStepBase, PlanRequant } from "../plan";
import { activationTableDef } from "../tables";
import { proveRequantStep, requantSpec, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A ReduceL2 step: the squares' reduction, the requantization to ss, and the SQRT lookup. */
export type ReduceL2NodeStep = NodeStepBase & {
  readonly handler: "reduce-l2";
  readonly spec: ReduceSpec;
  readonly x: string;
  /** The requantization of Σ q²; its tensor (`requant.y`) is ss. */
  readonly requant: PlanRequant;
  /** Output shape, the A slot of y, the arena column (ss + c·pad, y) and c (null when SQRT[0] = 0). */
  readonly shape: readonly number[];
  readonly y: string;
  readonly column: number;
  readonly padOffset: bigint | null;
};

export function compileReduceL2(ctx: CompileContext): ReduceL2NodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { multiplier: number; shift: number; table: string };
  const t = plan.tables?.[p.table];
  if (!t) return ctx.unsupported("a reduce-l2 plan without its SQRT table");
  const x = model.graph.values.get(node.inputs[0])!.shape;
  const axes = reduceAxes(model, node, x.length, AXES_INPUT_FROM);
  if (axes.length === 0) return ctx.unsupported("a reduction over no axes");
  const spec: ReduceSpec = { x, axes, term: "square" };
  const out = node.outputs[0];
  const shape = ctx.shape(out);
  const count = axes.reduce((n, a) => n * x[a], 1);
  const half = 2n ** BigInt(ctx.bits - 1);
  const requant = ctx.requant({ y: `${node.name}:sumsq`, shape, multiplier: BigInt(p.multiplier), shift: p.shift, accBound: BigInt(count) * half * half, tag: "sumsq:" });
  let def;
  try {
    def = activationTableDef(p.table, ctx.bits, t.offset, t.values);
  } catch (e) {
    return ctx.unsupported((e as Error).message);
  }
  ctx.table(def.table);
  const y = ctx.advice("y", shape);
  const column = ctx.arenaColumn(def.table.id, layoutOf(shape).numVars, `${node.name}:sqrt`);
  const padOffset = def.padOffset === null ? null : BigInt(def.padOffset);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "reduce-l2", outputs: [out], spec, x: node.inputs[0], requant, shape, y, column, padOffset };
}

export const reduceL2Handler: StepHandler<ReduceL2NodeStep> = {
  witness(step, ctx) {
    const acc = reduceAcc(step.spec, ctx.value(step.x));
    const ss = { shape: step.shape, data: requantWitness(requantSpec(step.requant), acc).y.map(Number) };
    ctx.setValue(step.requant.y, ss);
    witnessRequant(step.requant, acc, ss, ctx);
    const layout = layoutOf(step.shape);
    const yTable = paddedTable(layout, ctx.value(step.outputs[0]).data, `"${step.outputs[0]}"`);
    const ssTable = paddedTable(layout, ss.data, `"${step.requant.y}"`);
    if (step.padOffset !== null) {
      const real = new Uint8Array(layout.paddedSize);
      forEachIndex(layout, (_, padded) => (real[padded] = 1));
      for (let i = 0; i < ssTable.length; i++) if (!real[i]) ssTable[i] = step.padOffset;
    }
    ctx.setAdvice(step.y, yTable);
    ctx.setColumn(step.column, [ssTable, yTable]);
  },
  prove(step, ctx) {
    tableWalk(step, ctx);
    const acc = proveRequantStep(step.requant, ctx);
    const { proof, claim } = proveReduce({ spec: step.spec, x: ctx.value(step.x), claim: acc, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalar(proof.xValue);
    ctx.claim(step.x, claim);
  },
  verify(step, ctx) {
    tableWalk(step, ctx);
    const acc = verifyRequantStep(step.requant, ctx);
    const what = `reduce-l2 "${step.node}"`;
    const sumcheck = ctx.reader.sumcheck(layoutOf(step.spec.x).numVars, 3, what);
    const xValue = ctx.reader.scalar(`${what}: input value`);
    ctx.claim(step.x, verifyReduce({ spec: step.spec, claim: acc, proof: { sumcheck, xValue }, transcript: ctx.transcript }));
  },
};

/** Claims on y → openings of A; the arena's claim → y (A) and ss (component 0 minus c·pad~(ρ)). */
function tableWalk(step: ReduceL2NodeStep, ctx: WalkContext): void {
  const col = ctx.arenaColumn(step.column);
  ctx.claimAdvice(step.y, { point: col.point, value: col.values[1] });
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.y, c);
  let ss = col.values[0];
  if (step.padOffset !== null) {
    const layout = layoutOf(step.shape);
    const real = splitPoint(layout, col.point).reduce((acc, part, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], part)), 1n);
    ss = Fr.sub(ss, Fr.mul(step.padOffset, Fr.sub(1n, real)));
  }
  ctx.claim(step.requant.y, { point: col.point, value: ss });
}
