/**
 * Kind `softmax` (Softmax; the softmax inside attention) through the softmax IOP (../../layers/softmax.ts):
 * advice m, the one-hot row-max choice, e, S, y and the limbs of rem / t in A; arena columns: the select
 * column (CLAMP_b), (d, e + one·pad) against the node's EXP table (`exp:<table id>`, range column d ∈
 * [−(2^b − 1), 0] and EXP[d] in W), and range columns for y and every limb.
 *
 * Walk (stream order): S~(ρ_row), m~(ρ_row) at the arena point; the division zero-check and its values; the
 * reduction S → e; the select IOP on m. Claims on the output are openings of A (y). Two claims reach the input:
 * q~(ρ) = d~(ρ) + m~(ρ_row)·1_row(ρ) from the EXP column, and the select IOP's.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { normAxis } from "../../../model/kernels/util";
import { attrInt } from "../../../model/ops/types";
import { evaluateMle } from "../../../poly/mle";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { proveReduce, verifyReduce } from "../../layers/reduce";
import { proveSelect, selectWitness, verifySelect, type SelectClaims } from "../../layers/select";
import {
  checkRemainderBound,
  proveSoftmaxDivision,
  realIndicator,
  rowIndicator,
  rowPoint,
  SOFTMAX_DEGREE,
  SOFTMAX_LABELS,
  softmaxGeometry,
  softmaxWitness,
  verifySoftmaxDivision,
  type SoftmaxDivisionClaims,
  type SoftmaxSpec,
  type SoftmaxWitness,
} from "../../layers/softmax";
import { LayoutError, layoutOf } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { clampTableDef, clampTableId, RANGE_TABLE_ID, rangeTableDef, tableSlot, type FixedTable } from "../tables";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A softmax step: the spec, its input, the EXP values (prover side), A slots and arena columns. */
export type SoftmaxNodeStep = NodeStepBase & {
  readonly handler: "softmax";
  readonly spec: SoftmaxSpec;
  readonly x: string;
  /** EXP[−(2^b − 1) + i]: the witness phase computes e from it (the verifier reads the table from W). */
  readonly exp: readonly number[];
  readonly advice: {
    readonly m: string;
    readonly choice: string;
    readonly e: string;
    readonly sum: string;
    readonly y: string;
    readonly rem: readonly string[];
    readonly t: readonly string[];
  };
  readonly columns: { readonly select: number; readonly exp: number; readonly y: number; readonly rem: readonly number[]; readonly t: readonly number[] };
};

/** The row axes as the executor reads them: opset < 13 flattens from `axis` on, later opsets use one axis. */
export function rowAxes(ctx: CompileContext, rank: number): number[] {
  const opset = ctx.model.graph.opset;
  const axis = normAxis(attrInt(ctx.node, "axis", opset < 13 ? 1 : -1), rank, ctx.node);
  return opset < 13 ? Array.from({ length: rank - axis }, (_, k) => axis + k) : [axis];
}

/** The EXP table of a softmax plan: rows d ∈ [−(2^b − 1), 0] (range column) and EXP[d] (W). */
export function expTableDef(planTableId: string, bits: number, offset: number, values: ArrayLike<number>): FixedTable {
  const size = 2 ** bits;
  if (offset !== -(size - 1) || values.length !== size) throw new RangeError(`EXP table "${planTableId}": domain [${offset}, ${offset + values.length}) is not [−(2^${bits} − 1), 0]`);
  const id = `exp:${planTableId}`;
  return { id, numVars: bits, columns: [{ kind: "range", lo: offset }, { kind: "external", slot: tableSlot(id, "y"), values: Array.from(values) }] };
}

export function compileSoftmax(ctx: CompileContext): SoftmaxNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { table?: string; expOne?: number; outMultiplier?: number };
  const t = p.table === undefined ? undefined : plan.tables?.[p.table];
  if (!t || p.expOne === undefined || p.outMultiplier === undefined) return ctx.unsupported("a softmax plan without its EXP table");
  const x = node.inputs[0];
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const shape = ctx.shape(x);
  const spec: SoftmaxSpec = { x: shape, axes: rowAxes(ctx, shape.length), bits: ctx.bits, qmax: p.outMultiplier, expOne: p.expOne };
  let geo;
  let exp;
  try {
    geo = softmaxGeometry(spec);
    exp = expTableDef(p.table!, ctx.bits, t.offset, t.values);
  } catch (e) {
    if (e instanceof LayoutError || e instanceof RangeError) return ctx.unsupported(e.message);
    throw e;
  }
  if (exp.columns[1].kind === "external" && exp.columns[1].values[2 ** ctx.bits - 1] !== p.expOne) return ctx.unsupported("EXP[0] is not the plan's expOne");
  ctx.table(clampTableDef(ctx.bits));
  ctx.table(rangeTableDef());
  ctx.table(exp);
  const n = geo.layout.numVars;
  const limbs = Array.from({ length: geo.limbs }, (_, j) => j);
  const advice = {
    m: ctx.advice("m", geo.rowShape),
    choice: ctx.advice("choice", layoutOf([...geo.select.out, ...geo.select.kernel]).shape),
    e: ctx.advice("e", shape),
    sum: ctx.advice("sum", geo.rowShape),
    y: ctx.advice("y", shape),
    rem: limbs.map((j) => ctx.advice(`rem${j}`, shape)),
    t: limbs.map((j) => ctx.advice(`t${j}`, shape)),
  };
  const columns = {
    select: ctx.arenaColumn(clampTableId(ctx.bits), layoutOf([...geo.select.out, ...geo.select.kernel]).numVars, `${node.name}:max`),
    exp: ctx.arenaColumn(exp.id, n, `${node.name}:exp`),
    y: ctx.arenaColumn(RANGE_TABLE_ID, n, `${node.name}:y`),
    rem: limbs.map((j) => ctx.arenaColumn(RANGE_TABLE_ID, n, `${node.name}:rem${j}`)),
    t: limbs.map((j) => ctx.arenaColumn(RANGE_TABLE_ID, n, `${node.name}:t${j}`)),
  };
  const values = exp.columns[1].kind === "external" ? exp.columns[1].values : [];
  return { node: node.name, op: node.op, kind: plan.kind, handler: "softmax", outputs: [node.outputs[0]], spec, x, exp: values, advice, columns };
}

function scratchKey(step: SoftmaxNodeStep): string {
  return `softmax:${step.node}`;
}

export const softmaxHandler: StepHandler<SoftmaxNodeStep> = {
  witness(step, ctx) {
    const geo = softmaxGeometry(step.spec);
    const q = ctx.value(step.x);
    let w: SoftmaxWitness;
    let sel;
    try {
      w = softmaxWitness(step.spec, step.exp, q, ctx.value(step.outputs[0]), ctx.unsafe);
      sel = selectWitness(geo.select, q, w.m, ctx.unsafe);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    const a = step.advice;
    ctx.setAdvice(a.m, w.tables.m);
    ctx.setAdvice(a.choice, sel.s);
    ctx.setAdvice(a.e, w.tables.e);
    ctx.setAdvice(a.sum, w.tables.s);
    ctx.setAdvice(a.y, w.tables.y);
    a.rem.forEach((slot, j) => ctx.setAdvice(slot, w.tables.rem[j]));
    a.t.forEach((slot, j) => ctx.setAdvice(slot, w.tables.t[j]));
    const c = step.columns;
    ctx.setColumn(c.select, sel.column);
    ctx.setColumn(c.exp, w.tables.exp);
    ctx.setColumn(c.y, [w.tables.y]);
    c.rem.forEach((i, j) => ctx.setColumn(i, [w.tables.rem[j]]));
    c.t.forEach((i, j) => ctx.setColumn(i, [w.tables.t[j]]));
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as SoftmaxWitness | undefined;
    if (!w) throw new RangeError(`softmax "${step.node}": no witness (the witness phase did not run)`);
    const geo = softmaxGeometry(step.spec);
    const rhoRow = rowPoint(step.spec, geo, ctx.arenaColumn(step.columns.exp).point);
    const sValue = evaluateMle(w.tables.s, rhoRow);
    const mValue = evaluateMle(w.tables.m, rhoRow);
    ctx.writer.scalar(sValue);
    ctx.writer.scalar(mValue);
    const mClaim = arenaWalk(step, ctx, sValue, mValue);
    const div = proveSoftmaxDivision(step.spec, w, ctx.transcript);
    ctx.writer.sumcheck(div.proof.sumcheck);
    ctx.writer.scalars([div.proof.e, div.proof.s, div.proof.y, ...div.proof.rem]);
    routeDivision(step, div.claims, ctx);
    const sum = proveReduce({ spec: geo.reduce, x: w.e, claim: div.claims.s, transcript: ctx.transcript });
    ctx.writer.sumcheck(sum.proof.sumcheck);
    ctx.writer.scalar(sum.proof.xValue);
    ctx.claimAdvice(step.advice.e, sum.claim);
    const max = proveSelect({ spec: geo.select, x: ctx.value(step.x), claims: [mClaim], arena: ctx.arenaColumn(step.columns.select), y: w.tables.m, transcript: ctx.transcript });
    ctx.writer.scalar(max.proof.yValue);
    ctx.writer.sumcheck(max.proof.selector.sumcheck);
    ctx.writer.scalar(max.proof.selector.xValue);
    routeSelect(step, max.claims, ctx);
  },
  verify(step, ctx) {
    const what = `softmax "${step.node}"`;
    const geo = softmaxGeometry(step.spec);
    const n = geo.layout.numVars;
    const sValue = ctx.reader.scalar(`${what}: S at the arena point`);
    const mValue = ctx.reader.scalar(`${what}: m at the arena point`);
    const mClaim = arenaWalk(step, ctx, sValue, mValue);
    const sumcheck = ctx.reader.sumcheck(n, SOFTMAX_DEGREE, `${what} division`);
    const [e, s, y, ...rem] = ctx.reader.scalars(3 + geo.limbs, `${what}: division values`);
    const div = verifySoftmaxDivision(step.spec, { sumcheck, e, s, y, rem }, ctx.transcript);
    routeDivision(step, div, ctx);
    const sumProof = { sumcheck: ctx.reader.sumcheck(n, 2, `${what} sum`), xValue: ctx.reader.scalar(`${what}: e at the sum point`) };
    ctx.claimAdvice(step.advice.e, verifyReduce({ spec: geo.reduce, claim: div.s, proof: sumProof, transcript: ctx.transcript }));
    const yValue = ctx.reader.scalar(`${what}: max at the select point`);
    const selSumcheck = ctx.reader.sumcheck(n, 2, `${what} max`);
    const xValue = ctx.reader.scalar(`${what}: input at the max selector point`);
    const claims = verifySelect({ spec: geo.select, claims: [mClaim], arena: ctx.arenaColumn(step.columns.select), proof: { yValue, selector: { sumcheck: selSumcheck, xValue } }, transcript: ctx.transcript });
    routeSelect(step, claims, ctx);
  },
};

/**
 * The arena's claims on the step's columns, with S~ and m~ at ρ_row (already written / read): checks the
 * remainder bound's limbs, turns the column values into openings of A and a claim on the input, routes the
 * claims on the output (openings of y), and returns the claim on m for the select IOP.
 */
function arenaWalk(step: SoftmaxNodeStep, ctx: WalkContext, sValue: bigint, mValue: bigint): Claim {
  const { spec } = step;
  const geo = softmaxGeometry(spec);
  ctx.transcript.absorbScalars(SOFTMAX_LABELS.arena, [sValue, mValue]);
  const exp = ctx.arenaColumn(step.columns.exp);
  const rho = exp.point;
  const same = (i: number) => {
    const c = ctx.arenaColumn(i);
    if (c.point.length !== rho.length || c.point.some((v, k) => v !== rho[k])) throw new LayerProofError(`softmax "${step.node}": arena columns at different points`);
    return c.values[0];
  };
  const yValue = same(step.columns.y);
  const rem = step.columns.rem.map(same);
  const t = step.columns.t.map(same);
  checkRemainderBound(spec, geo, rho, sValue, rem, t);
  const rhoRow = rowPoint(spec, geo, rho);
  const pad = Fr.sub(1n, realIndicator(geo.layout, rho));
  ctx.claimAdvice(step.advice.e, { point: rho, value: Fr.sub(exp.values[1], Fr.mul(Fr.fromSigned(spec.expOne), pad)) });
  ctx.claimAdvice(step.advice.y, { point: rho, value: yValue });
  step.advice.rem.forEach((slot, j) => ctx.claimAdvice(slot, { point: rho, value: rem[j] }));
  step.advice.t.forEach((slot, j) => ctx.claimAdvice(slot, { point: rho, value: t[j] }));
  ctx.claimAdvice(step.advice.sum, { point: rhoRow, value: sValue });
  ctx.claim(step.x, { point: rho, value: Fr.add(exp.values[0], Fr.mul(mValue, rowIndicator(spec, geo, rho))) });
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.advice.y, c);
  return { point: rhoRow, value: mValue };
}

function routeDivision(step: SoftmaxNodeStep, claims: SoftmaxDivisionClaims, ctx: WalkContext): void {
  ctx.claimAdvice(step.advice.e, claims.e);
  ctx.claimAdvice(step.advice.sum, claims.s);
  ctx.claimAdvice(step.advice.y, claims.y);
  step.advice.rem.forEach((slot, j) => ctx.claimAdvice(slot, claims.rem[j]));
}

function routeSelect(step: SoftmaxNodeStep, claims: SelectClaims, ctx: WalkContext): void {
  ctx.claim(step.x, claims.x);
  for (const c of claims.y) ctx.claimAdvice(step.advice.m, c);
  for (const c of claims.s) ctx.claimAdvice(step.advice.choice, c);
}
