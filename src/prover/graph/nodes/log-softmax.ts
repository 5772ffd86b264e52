/**
 * Kind `log-softmax` (LogSoftmax; docs/prover.md, "Log-softmax"). Per row, as the executor: m = max q,
 * d = q − m, e = EXP[d], S = Σ e (shared with softmax: the select IOP on m, the EXP column, one reduction);
 * v = floor((S + h)/2^k) with h = 2^(k−1) (0 when k = 0) — never above 2^(b−1), so the executor's
 * min(·, 2^b − 1) never binds; L = LOG[v]; y = clamp(mulShiftRound(d, M, s) − L) = requant(acc; 1, s) with
 * acc = M·d − 2^s·L (broadcast along the row).
 *
 * Advice: m, choice, e, S, v, L, f, f′ (row tensors except choice and e). Arena: the select column, the EXP
 * column (d, e + EXP[0]·pad), the LOG column (v, L + LOG[0]·pad_row) over the row layout, and f, f′ ∈ [0, 2^L)
 * with S + h·1_real = 2^k·v + f and f′ = (2^k − 1)·1_real − f (checked at the arena's row point), so
 * 0 ≤ f < 2^k; then the requantization of acc to y.
 *
 * Stream: m~(ρ_row), S~(ρ_r) at the arena points | the requant's messages | m~(ρ′_row), L~(ρ′_row) at the
 * requant's point | the reduction S → e | the select IOP on m (two claims).
 *
 * Kind `reduce-logsumexp` (ReduceLogSumExp) is the same step with a row-shaped output:
 * y = clamp(mulShiftRound(m, M, s) + L) = requant(acc; 1, s), acc = M·m + 2^s·L over the row layout; at the
 * requant's point only m~(ρ′) is sent (L~(ρ′) = (acc − M·m)/2^s).
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { evaluateMle } from "../../../poly/mle";
import { LayerProofError, type Claim } from "../../claims";
import { proveReduce, verifyReduce } from "../../layers/reduce";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { proveSelect, selectWitness, verifySelect, type SelectClaims } from "../../layers/select";
import { expColumn, paddedWith, realIndicator, rowExpWitness, rowIndicator, rowPoint, softmaxGeometry, type SoftmaxSpec } from "../../layers/softmax";
import { LayoutError, layoutOf, paddedTable } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanRequant } from "../plan";
import { clampTableDef, clampTableId, RANGE_TABLE_ID, rangeTableDef, tableSlot, type FixedTable } from "../tables";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import { AXES_INPUT_FROM, reduceAxes } from "../../layers/select-spec";
import { expTableDef, rowAxes } from "./softmax";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** Transcript labels of the log-softmax step. */
export const LOG_SOFTMAX_LABELS = { arena: "log-softmax.arena", acc: "log-softmax.acc" } as const;

/** Largest k = ⌈log2 n⌉ whose remainder f < 2^k fits one range lookup (the shared L-bit limb table). */
const MAX_SUM_SHIFT = REQUANT_LIMB_BITS;

/** A log-softmax step. */
export type LogSoftmaxNodeStep = NodeStepBase & {
  readonly handler: "log-softmax";
  /** True for ReduceLogSumExp (output = the row tensor), false for LogSoftmax. */
  readonly reduce: boolean;
  readonly spec: SoftmaxSpec;
  readonly x: string;
  /** EXP and LOG values (prover side: the witness phase reads them; the verifier's are in W). */
  readonly exp: readonly number[];
  readonly log: readonly number[];
  readonly sumShift: number;
  readonly multiplier: bigint;
  readonly shift: number;
  /** y = requant(acc; 1, shift). */
  readonly requant: PlanRequant;
  readonly advice: { readonly m: string; readonly choice: string; readonly e: string; readonly sum: string; readonly v: string; readonly log: string; readonly f: string; readonly fc: string };
  readonly columns: { readonly select: number; readonly exp: number; readonly log: number; readonly f: number; readonly fc: number };
};

/** The LOG table: rows v ∈ [0, 2^b − 1] (range column) and LOG[v] (W). */
function logTableDef(planTableId: string, bits: number, offset: number, values: ArrayLike<number>): FixedTable {
  if (offset !== 0 || values.length !== 2 ** bits) throw new RangeError(`LOG table "${planTableId}": domain [${offset}, ${offset + values.length}) is not [0, 2^${bits})`);
  const id = `log:${planTableId}`;
  return { id, numVars: bits, columns: [{ kind: "range", lo: 0 }, { kind: "external", slot: tableSlot(id, "y"), values: Array.from(values) }] };
}

/** Kind `log-softmax`. */
export function compileLogSoftmax(ctx: CompileContext): LogSoftmaxNodeStep {
  return compileLogExp(ctx, false);
}

/** Kind `reduce-logsumexp`. */
export function compileLogSumExp(ctx: CompileContext): LogSoftmaxNodeStep {
  return compileLogExp(ctx, true);
}

function compileLogExp(ctx: CompileContext, reduce: boolean): LogSoftmaxNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as { expTable?: string; logTable?: string; sumShift?: number; multiplier?: number; shift?: number };
  const te = p.expTable === undefined ? undefined : plan.tables?.[p.expTable];
  const tl = p.logTable === undefined ? undefined : plan.tables?.[p.logTable];
  if (!te || !tl || p.sumShift === undefined || p.multiplier === undefined || p.shift === undefined) return ctx.unsupported("a log-softmax plan without its tables or multiplier");
  if (p.sumShift > MAX_SUM_SHIFT) return ctx.unsupported(`rows longer than 2^${MAX_SUM_SHIFT}`);
  if (p.multiplier === 0) return ctx.unsupported("a zero multiplier");
  const x = node.inputs[0];
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const shape = ctx.shape(x);
  const half = 2 ** (ctx.bits - 1);
  let axes;
  try {
    axes = reduce ? reduceAxes(model, node, shape.length, AXES_INPUT_FROM) : rowAxes(ctx, shape.length);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (axes.length === 0) return ctx.unsupported("a reduction over no axes");
  const spec: SoftmaxSpec = { x: shape, axes: [...axes].sort((a, b) => a - b), bits: ctx.bits, qmax: half - 1, expOne: half };
  let geo;
  let exp;
  let log;
  try {
    geo = softmaxGeometry(spec);
    exp = expTableDef(p.expTable!, ctx.bits, te.offset, te.values);
    log = logTableDef(p.logTable!, ctx.bits, tl.offset, tl.values);
  } catch (e) {
    if (e instanceof LayoutError || e instanceof RangeError) return ctx.unsupported(e.message);
    throw e;
  }
  if (te.values[te.values.length - 1] !== half) return ctx.unsupported("EXP[0] is not 2^(b−1)");
  // Why v = floor((S + h)/2^k) needs no min(·, 2^b − 1): every EXP value is at most 2^(b−1), so S ≤ 2^k·2^(b−1).
  if (Array.from(te.values).some((v) => v < 0 || v > half)) return ctx.unsupported("an EXP value outside [0, 2^(b−1)]");
  if (2 ** p.sumShift < geo.n) return ctx.unsupported(`sumShift ${p.sumShift} is below log2 of the row length ${geo.n}`);
  const multiplier = BigInt(p.multiplier);
  const absM = multiplier < 0n ? -multiplier : multiplier;
  // LogSoftmax: |M·d| ≤ |M|·(2^b − 1); logsumexp: |M·m| ≤ |M|·2^(b−1); both with |2^s·L| ≤ 2^s·2^(b−1).
  const accBound = absM * BigInt(reduce ? half : 2 ** ctx.bits - 1) + (BigInt(half) << BigInt(p.shift));
  const outShape = ctx.shape(node.outputs[0]);
  if (reduce && layoutOf(outShape).numVars !== geo.rowLayout.numVars) return ctx.unsupported("the output's layout is not the row layout");
  let requant;
  try {
    requant = ctx.requant({ y: node.outputs[0], shape: reduce ? outShape : shape, multiplier: 1n, shift: p.shift, accBound });
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(clampTableDef(ctx.bits));
  ctx.table(rangeTableDef());
  ctx.table(exp);
  ctx.table(log);
  const tap = layoutOf([...geo.select.out, ...geo.select.kernel]);
  const advice = {
    m: ctx.advice("m", geo.rowShape),
    choice: ctx.advice("choice", tap.shape),
    e: ctx.advice("e", shape),
    sum: ctx.advice("sum", geo.rowShape),
    v: ctx.advice("v", geo.rowShape),
    log: ctx.advice("log", geo.rowShape),
    f: ctx.advice("f", geo.rowShape),
    fc: ctx.advice("fc", geo.rowShape),
  };
  const rowVars = geo.rowLayout.numVars;
  const columns = {
    select: ctx.arenaColumn(clampTableId(ctx.bits), tap.numVars, `${node.name}:max`),
    exp: ctx.arenaColumn(exp.id, geo.layout.numVars, `${node.name}:exp`),
    log: ctx.arenaColumn(log.id, rowVars, `${node.name}:log`),
    f: ctx.arenaColumn(RANGE_TABLE_ID, rowVars, `${node.name}:f`),
    fc: ctx.arenaColumn(RANGE_TABLE_ID, rowVars, `${node.name}:fc`),
  };
  return {
    node: node.name,
    op: node.op,
    kind: plan.kind,
    handler: "log-softmax",
    reduce,
    outputs: [node.outputs[0]],
    spec,
    x,
    exp: Array.from(te.values),
    log: Array.from(tl.values),
    sumShift: p.sumShift,
    multiplier,
    shift: p.shift,
    requant,
    advice,
    columns,
  };
}

interface Scratch {
  readonly m: readonly bigint[];
  readonly log: readonly bigint[];
  readonly s: readonly bigint[];
  readonly e: { readonly shape: readonly number[]; readonly data: readonly number[] };
}

function scratchKey(step: LogSoftmaxNodeStep): string {
  return `log-softmax:${step.node}`;
}

export const logSoftmaxHandler: StepHandler<LogSoftmaxNodeStep> = {
  witness(step, ctx) {
    const { spec } = step;
    const geo = softmaxGeometry(spec);
    const q = ctx.value(step.x);
    let r;
    let sel;
    try {
      r = rowExpWitness(spec, step.exp, q);
      sel = selectWitness(geo.select, q, { shape: geo.rowShape, data: r.m }, ctx.unsafe);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    const k = step.sumShift;
    const h = k === 0 ? 0 : 2 ** (k - 1);
    const v = r.s.map((S) => Math.floor((S + h) / 2 ** k));
    const f = r.s.map((S, o) => S + h - 2 ** k * v[o]);
    const fc = f.map((x) => 2 ** k - 1 - x);
    const L = v.map((x) => step.log[x]);
    const M = Number(step.multiplier);
    const acc = step.reduce ? r.m.map((m, o) => M * m + 2 ** step.shift * L[o]) : r.d.map((d, i) => M * d - 2 ** step.shift * L[r.rowOf[i]]);
    const bad = acc.findIndex((a) => !Number.isSafeInteger(a));
    if (bad >= 0) throw new ProverInputError(`trace: node ${step.node}: accumulator at flat index ${bad} is not a safe integer`);
    witnessRequant(step.requant, { shape: step.requant.shape, data: acc }, ctx.value(step.outputs[0]), ctx);
    const a = step.advice;
    const row = geo.rowLayout;
    const tables = { m: paddedTable(row, r.m), e: paddedTable(geo.layout, r.e), s: paddedTable(row, r.s), v: paddedTable(row, v), log: paddedTable(row, L) };
    ctx.setAdvice(a.m, tables.m);
    ctx.setAdvice(a.choice, sel.s);
    ctx.setAdvice(a.e, tables.e);
    ctx.setAdvice(a.sum, tables.s);
    ctx.setAdvice(a.v, tables.v);
    ctx.setAdvice(a.log, tables.log);
    ctx.setAdvice(a.f, paddedTable(row, f));
    ctx.setAdvice(a.fc, paddedTable(row, fc));
    const c = step.columns;
    ctx.setColumn(c.select, sel.column);
    ctx.setColumn(c.exp, expColumn(geo.layout, r.d, r.e, spec.expOne));
    ctx.setColumn(c.log, [tables.v, paddedWith(row, L, Fr.fromSigned(step.log[0]))]);
    ctx.setColumn(c.f, [paddedTable(row, f)]);
    ctx.setColumn(c.fc, [paddedTable(row, fc)]);
    ctx.scratch.set(scratchKey(step), { m: tables.m, log: tables.log, s: tables.s, e: { shape: spec.x, data: r.e } } satisfies Scratch);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as Scratch | undefined;
    if (!w) throw new RangeError(`log-softmax "${step.node}": no witness (the witness phase did not run)`);
    const geo = softmaxGeometry(step.spec);
    const mValue = evaluateMle(w.m, rowPoint(step.spec, geo, ctx.arenaColumn(step.columns.exp).point));
    const sValue = evaluateMle(w.s, ctx.arenaColumn(step.columns.log).point);
    ctx.writer.scalars([mValue, sValue]);
    const { m1, s } = arenaWalk(step, ctx, mValue, sValue);
    const acc = proveRequantStep(step.requant, ctx);
    const rowAcc = step.reduce ? acc.point : rowPoint(step.spec, geo, acc.point);
    const m2 = evaluateMle(w.m, rowAcc);
    const L = evaluateMle(w.log, rowAcc);
    ctx.writer.scalars(step.reduce ? [m2] : [m2, L]);
    const m2Claim = accWalk(step, ctx, acc, m2, L);
    const sum = proveReduce({ spec: geo.reduce, x: w.e, claim: s, transcript: ctx.transcript });
    ctx.writer.sumcheck(sum.proof.sumcheck);
    ctx.writer.scalar(sum.proof.xValue);
    ctx.claimAdvice(step.advice.e, sum.claim);
    const max = proveSelect({ spec: geo.select, x: ctx.value(step.x), claims: [m1, m2Claim], arena: ctx.arenaColumn(step.columns.select), y: w.m, transcript: ctx.transcript });
    ctx.writer.scalar(max.proof.yValue);
    ctx.writer.sumcheck(max.proof.selector.sumcheck);
    ctx.writer.scalar(max.proof.selector.xValue);
    routeSelect(step, max.claims, ctx);
  },
  verify(step, ctx) {
    const what = `log-softmax "${step.node}"`;
    const geo = softmaxGeometry(step.spec);
    const n = geo.layout.numVars;
    const [mValue, sValue] = ctx.reader.scalars(2, `${what}: m and S at the arena points`);
    const { m1, s } = arenaWalk(step, ctx, mValue, sValue);
    const acc = verifyRequantStep(step.requant, ctx);
    const [m2, L] = step.reduce ? [ctx.reader.scalar(`${what}: m at the requant point`), null] : ctx.reader.scalars(2, `${what}: m and LOG at the requant point`);
    const m2Claim = accWalk(step, ctx, acc, m2, L);
    const sumProof = { sumcheck: ctx.reader.sumcheck(n, 2, `${what} sum`), xValue: ctx.reader.scalar(`${what}: e at the sum point`) };
    ctx.claimAdvice(step.advice.e, verifyReduce({ spec: geo.reduce, claim: s, proof: sumProof, transcript: ctx.transcript }));
    const yValue = ctx.reader.scalar(`${what}: max at the select point`);
    const selSumcheck = ctx.reader.sumcheck(n, 2, `${what} max`);
    const xValue = ctx.reader.scalar(`${what}: input at the max selector point`);
    const claims = verifySelect({ spec: geo.select, claims: [m1, m2Claim], arena: ctx.arenaColumn(step.columns.select), proof: { yValue, selector: { sumcheck: selSumcheck, xValue } }, transcript: ctx.transcript });
    routeSelect(step, claims, ctx);
  },
};

/**
 * The arena's claims: e (EXP column, ρ) and the input q~(ρ) = d + m~(ρ_row)·1_row; v, L, f, f′ at the row point
 * ρ_r with the sum relation checked there. Returns the claim on m (for the select IOP) and on S (for the sum).
 */
function arenaWalk(step: LogSoftmaxNodeStep, ctx: WalkContext, mValue: bigint, sValue: bigint): { m1: Claim; s: Claim } {
  const { spec } = step;
  const geo = softmaxGeometry(spec);
  ctx.transcript.absorbScalars(LOG_SOFTMAX_LABELS.arena, [mValue, sValue]);
  const exp = ctx.arenaColumn(step.columns.exp);
  const rho = exp.point;
  const pad = Fr.sub(1n, realIndicator(geo.layout, rho));
  ctx.claimAdvice(step.advice.e, { point: rho, value: Fr.sub(exp.values[1], Fr.mul(Fr.fromSigned(spec.expOne), pad)) });
  ctx.claim(step.x, { point: rho, value: Fr.add(exp.values[0], Fr.mul(mValue, rowIndicator(spec, geo, rho))) });
  const log = ctx.arenaColumn(step.columns.log);
  const rr = log.point;
  const same = (i: number) => {
    const c = ctx.arenaColumn(i);
    if (c.point.length !== rr.length || c.point.some((v, k) => v !== rr[k])) throw new LayerProofError(`log-softmax "${step.node}": arena columns at different points`);
    return c.values[0];
  };
  const f = same(step.columns.f);
  const fc = same(step.columns.fc);
  const realRow = realIndicator(geo.rowLayout, rr);
  const k = step.sumShift;
  const h = k === 0 ? 0n : 1n << BigInt(k - 1);
  const v = log.values[0];
  if (Fr.add(sValue, Fr.mul(h, realRow)) !== Fr.add(Fr.mul(1n << BigInt(k), v), f)) throw new LayerProofError(`log-softmax "${step.node}": S + h ≠ 2^k·v + f at the arena point`);
  if (fc !== Fr.sub(Fr.mul((1n << BigInt(k)) - 1n, realRow), f)) throw new LayerProofError(`log-softmax "${step.node}": f′ ≠ 2^k − 1 − f at the arena point`);
  const padRow = Fr.sub(1n, realRow);
  ctx.claimAdvice(step.advice.v, { point: rr, value: v });
  ctx.claimAdvice(step.advice.log, { point: rr, value: Fr.sub(log.values[1], Fr.mul(Fr.fromSigned(step.log[0]), padRow)) });
  ctx.claimAdvice(step.advice.f, { point: rr, value: f });
  ctx.claimAdvice(step.advice.fc, { point: rr, value: fc });
  const s = { point: rr, value: sValue };
  ctx.claimAdvice(step.advice.sum, s);
  return { m1: { point: rowPoint(spec, geo, rho), value: mValue }, s };
}

/**
 * LogSoftmax: acc~(ρ′) = M·(q~(ρ′) − m·1_row) − 2^s·L·1_row → the claim on q; logsumexp: acc~(ρ′) = M·m + 2^s·L
 * (L derived, `L` null). L → A; returns the claim on m.
 */
function accWalk(step: LogSoftmaxNodeStep, ctx: WalkContext, acc: Claim, m: bigint, L: bigint | null): Claim {
  const geo = softmaxGeometry(step.spec);
  const scale = 1n << BigInt(step.shift);
  const M = Fr.fromSigned(step.multiplier);
  if (step.reduce) {
    ctx.transcript.absorbScalars(LOG_SOFTMAX_LABELS.acc, [m]);
    ctx.claimAdvice(step.advice.log, { point: acc.point, value: Fr.div(Fr.sub(acc.value, Fr.mul(M, m)), scale) });
    return { point: acc.point, value: m };
  }
  if (L === null) throw new RangeError("log-softmax: the LOG value at the requant point is missing");
  ctx.transcript.absorbScalars(LOG_SOFTMAX_LABELS.acc, [m, L]);
  const ind = rowIndicator(step.spec, geo, acc.point);
  const row = rowPoint(step.spec, geo, acc.point);
  const d = Fr.div(Fr.add(acc.value, Fr.mul(Fr.mul(scale, L), ind)), M);
  ctx.claim(step.x, { point: acc.point, value: Fr.add(d, Fr.mul(m, ind)) });
  ctx.claimAdvice(step.advice.log, { point: row, value: L });
  return { point: row, value: m };
}

function routeSelect(step: LogSoftmaxNodeStep, claims: SelectClaims, ctx: WalkContext): void {
  ctx.claim(step.x, claims.x);
  for (const c of claims.y) ctx.claimAdvice(step.advice.m, c);
  for (const c of claims.s) ctx.claimAdvice(step.advice.choice, c);
}
