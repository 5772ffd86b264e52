/**
 * One requantization inside the graph driver (plan: `PlanRequant`): witness → advice p, q, limbs into A and
 * the RANGE columns into the arena; walk → the arena's claims on those columns (the limbs: openings of A; u and
 * ū: two more claims on y, y = lo + u and y = hi − ū, last), then every claim on y through `layers/requant.ts`
 * to one claim on acc, whose advice values at ρ′ become openings of A. Stream: the requant sum-check, then acc,
 * p, q, rem…, e…, u…, ū… at ρ′.
 */
import type { Claim } from "../../claims";
import { boundClaims, flatEvals, proveRequant, requantEvalCount, requantRangeColumns, requantTables, splitRangeClaims, unflatten, verifyRequant, type RequantEvals, type RequantProof, type RequantTables } from "../../layers/requant";
import { clampWitness, requantGeometry, requantWitness, type RequantSpec, type RequantWitness } from "../../layers/requant-spec";
import type { IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { PlanRequant } from "../plan";
import type { ProveContext, VerifyContext, WalkContext, WitnessContext } from "./types";

/** The requant spec of a plan entry. */
export function requantSpec(plan: PlanRequant): RequantSpec {
  return { shape: plan.shape, multiplier: plan.multiplier, shift: plan.shift, bits: plan.bits, accBound: plan.accBound, lo: plan.lo, hi: plan.hi, limbBits: plan.limbBits };
}

interface RequantScratch {
  readonly acc: IntTensor;
  readonly tables: RequantTables;
  /** The test's dishonest prover (`ctx.unsafe`): the IOP proves whatever the witness sums to. */
  readonly unsafe: boolean;
}

/**
 * Witness phase: the advice and arena columns from acc. The trace's y must be what requantizing acc gives
 * (else the trace is not this model's run: {@link ProverInputError}), unless `ctx.unsafe` (a test's dishonest
 * prover: y taken from the trace, σ and e absorbing the difference).
 */
export function witnessRequant(plan: PlanRequant, acc: IntTensor, y: IntTensor, ctx: WitnessContext): void {
  const spec = requantSpec(plan);
  let w = requantWitness(spec, acc);
  const mismatch = w.y.findIndex((v, i) => v !== BigInt(y.data[i]));
  if (mismatch >= 0) {
    if (!ctx.unsafe) throw new ProverInputError(`trace: "${plan.y}"[${mismatch}] = ${y.data[mismatch]}, but requantizing its accumulator gives ${w.y[mismatch]}`);
    w = dishonestWitness(spec, w, y);
  }
  const tables = requantTables(spec, w);
  const a = plan.advice;
  ctx.setAdvice(a.p, tables.p);
  ctx.setAdvice(a.q, tables.q);
  const limbs: [readonly string[], bigint[][]][] = [[a.rem, tables.rem], [a.e, tables.e], [a.u, tables.u], [a.uc, tables.uc]];
  for (const [slots, values] of limbs) slots.forEach((slot, i) => ctx.setAdvice(slot, values[i]));
  requantRangeColumns(requantGeometry(spec), tables).forEach((col, k) => ctx.setColumn(plan.rangeColumns[k], [col]));
  ctx.scratch.set(scratchKey(plan), { acc, tables, unsafe: ctx.unsafe } satisfies RequantScratch);
}

/** Prove phase: every claim on y → the acc claim (returned). */
export function proveRequantStep(plan: PlanRequant, ctx: ProveContext): Claim {
  const s = ctx.scratch.get(scratchKey(plan)) as RequantScratch | undefined;
  if (!s) throw new RangeError(`requant of "${plan.y}": no witness (the witness phase did not run)`);
  const claims = collectClaims(plan, ctx);
  const { proof, claims: out } = proveRequant({ spec: requantSpec(plan), acc: s.acc, tables: s.tables, claims, transcript: ctx.transcript, unsafe: s.unsafe });
  ctx.writer.sumcheck(proof.sumcheck);
  ctx.writer.scalars(flatEvals(proof.evals));
  routeEvals(plan, out.point, out.evals, ctx);
  return out.acc;
}

/** Verify phase: the same claims from the proof stream. */
export function verifyRequantStep(plan: PlanRequant, ctx: VerifyContext): Claim {
  const claims = collectClaims(plan, ctx);
  const geo = requantGeometry(requantSpec(plan));
  const sumcheck = ctx.reader.sumcheck(plan.numVars, plan.degree, `requant of "${plan.y}"`);
  const flat = ctx.reader.scalars(requantEvalCount(geo), `requant of "${plan.y}": evaluations`);
  const proof: RequantProof = { sumcheck, evals: unflatten(geo, flat) };
  const out = verifyRequant({ spec: requantSpec(plan), claims, proof, transcript: ctx.transcript });
  routeEvals(plan, out.point, out.evals, ctx);
  return out.acc;
}

/**
 * The arena's claims on the step's RANGE columns (every limb → A at the arena point ρ_a; the scaled top limb
 * checked) and the claims on y: every collected claim, then y = lo + u and y = hi − ū at ρ_a (last: the flags'
 * zero-check runs at the last claim's point).
 */
function collectClaims(plan: PlanRequant, ctx: WalkContext): Claim[] {
  const geo = requantGeometry(requantSpec(plan));
  const cols = plan.rangeColumns.map((i) => ctx.arenaColumn(i));
  const point = cols[0].point;
  const range = splitRangeClaims(geo, cols.map((c) => c.values[0]));
  const a = plan.advice;
  const pairs: [readonly string[], readonly bigint[]][] = [[a.rem, range.rem], [a.e, range.e], [a.u, range.u], [a.uc, range.uc]];
  for (const [slots, values] of pairs) values.forEach((v, i) => ctx.claimAdvice(slots[i], { point, value: v }));
  return [...ctx.take(plan.y), ...boundClaims(geo, point, range.u, range.uc)];
}

/** The advice values at ρ′ → openings of A (p, q, rem, e, u, ū). */
function routeEvals(plan: PlanRequant, point: readonly bigint[], ev: RequantEvals, ctx: WalkContext): void {
  const a = plan.advice;
  ctx.claimAdvice(a.p, { point, value: ev.p });
  ctx.claimAdvice(a.q, { point, value: ev.q });
  const pairs: [readonly string[], readonly bigint[]][] = [[a.rem, ev.rem], [a.e, ev.e], [a.u, ev.u], [a.uc, ev.uc]];
  for (const [slots, values] of pairs) values.forEach((v, i) => ctx.claimAdvice(slots[i], { point, value: v }));
}

function scratchKey(plan: PlanRequant): string {
  return `requant:${plan.y}`;
}

/**
 * A dishonest prover's witness: y from the trace, u and ū following it. With s > 0 the difference t − y goes into
 * rem (rem + 2^s·(t − y): the linear identity and the flags' zero-check hold, a rem limb leaves the range table,
 * which the arena must catch); with s = 0 it goes into the flags and e (the zero-check must catch it).
 */
function dishonestWitness(spec: RequantSpec, w: RequantWitness, y: IntTensor): RequantWitness {
  const geo = requantGeometry(spec);
  const t = w.y.map((v, i) => v + (w.p[i] - w.q[i]) * w.e[i]);
  const ys = Array.from(y.data, (v) => BigInt(v));
  if (spec.shift === 0) return clampWitness(geo, ys, t, w.rem);
  const zero = ys.map(() => 0n);
  const rem = w.rem.map((r, i) => r + (t[i] - ys[i]) * (1n << BigInt(spec.shift)));
  return { y: ys, rem, p: zero, q: zero, e: zero, u: ys.map((v) => v - geo.lo), uc: ys.map((v) => geo.hi - v) };
}
