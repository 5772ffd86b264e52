/**
 * One requantization inside the graph driver (plan: `PlanRequant`): witness → advice σ / limbs into A and the
 * CLAMP / RANGE columns into the arena; walk → the arena's claims on those columns (σ and the limbs: openings of
 * A; y: one more claim on y), then every claim on y through `layers/requant.ts` to one claim on acc, whose
 * advice values at ρ′ become openings of A. Stream: the requant sum-check, then acc, σ, rem…, e… at ρ′.
 */
import type { Claim } from "../../claims";
import { proveRequant, requantRangeColumns, requantTables, splitRangeClaims, verifyRequant, type RequantProof, type RequantTables } from "../../layers/requant";
import { requantGeometry, requantWitness, type RequantSpec, type RequantWitness } from "../../layers/requant-spec";
import type { IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { PlanRequant } from "../plan";
import type { ProveContext, VerifyContext, WalkContext, WitnessContext } from "./types";

/** The requant spec of a plan entry. */
export function requantSpec(plan: PlanRequant): RequantSpec {
  return { shape: plan.shape, multiplier: plan.multiplier, shift: plan.shift, bits: plan.bits, accBound: plan.accBound };
}

interface RequantScratch {
  readonly acc: IntTensor;
  readonly tables: RequantTables;
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
    w = dishonestWitness(w, y);
  }
  const tables = requantTables(spec, w);
  ctx.setAdvice(plan.advice.sigma, tables.sigma);
  plan.advice.rem.forEach((slot, i) => ctx.setAdvice(slot, tables.rem[i]));
  plan.advice.e.forEach((slot, j) => ctx.setAdvice(slot, tables.e[j]));
  ctx.setColumn(plan.clampColumn, [tables.y, tables.sigma]);
  requantRangeColumns(requantGeometry(spec), tables).forEach((col, k) => ctx.setColumn(plan.rangeColumns[k], [col]));
  ctx.scratch.set(scratchKey(plan), { acc, tables } satisfies RequantScratch);
}

/** Prove phase: every claim on y → the acc claim (returned). */
export function proveRequantStep(plan: PlanRequant, ctx: ProveContext): Claim {
  const s = ctx.scratch.get(scratchKey(plan)) as RequantScratch | undefined;
  if (!s) throw new RangeError(`requant of "${plan.y}": no witness (the witness phase did not run)`);
  const claims = collectClaims(plan, ctx);
  const { proof, claims: out } = proveRequant({ spec: requantSpec(plan), acc: s.acc, tables: s.tables, claims, transcript: ctx.transcript });
  ctx.writer.sumcheck(proof.sumcheck);
  ctx.writer.scalars([proof.evals.acc, proof.evals.sigma, ...proof.evals.rem, ...proof.evals.e]);
  routeEvals(plan, out.point, out.evals, ctx);
  return out.acc;
}

/** Verify phase: the same claims from the proof stream. */
export function verifyRequantStep(plan: PlanRequant, ctx: VerifyContext): Claim {
  const claims = collectClaims(plan, ctx);
  const sumcheck = ctx.reader.sumcheck(plan.numVars, plan.degree, `requant of "${plan.y}"`);
  const [acc, sigma, ...limbs] = ctx.reader.scalars(2 + plan.remLimbs + plan.eLimbs, `requant of "${plan.y}": evaluations`);
  const proof: RequantProof = { sumcheck, evals: { acc, sigma, rem: limbs.slice(0, plan.remLimbs), e: limbs.slice(plan.remLimbs) } };
  const out = verifyRequant({ spec: requantSpec(plan), claims, proof, transcript: ctx.transcript });
  routeEvals(plan, out.point, out.evals, ctx);
  return out.acc;
}

/**
 * The arena's claims on the step's columns (σ and limbs → A at the arena point; the scaled top limb checked)
 * followed by the claims on y: every collected claim, then the CLAMP column's y claim.
 */
function collectClaims(plan: PlanRequant, ctx: WalkContext): Claim[] {
  const geo = requantGeometry(requantSpec(plan));
  const clamp = ctx.arenaColumn(plan.clampColumn);
  ctx.claimAdvice(plan.advice.sigma, { point: clamp.point, value: clamp.values[1] });
  if (plan.rangeColumns.length > 0) {
    const cols = plan.rangeColumns.map((i) => ctx.arenaColumn(i));
    const { rem, e } = splitRangeClaims(geo, cols.map((c) => c.values[0]));
    rem.forEach((v, i) => ctx.claimAdvice(plan.advice.rem[i], { point: cols[0].point, value: v }));
    e.forEach((v, j) => ctx.claimAdvice(plan.advice.e[j], { point: cols[0].point, value: v }));
  }
  return [...ctx.take(plan.y), { point: clamp.point, value: clamp.values[0] }];
}

function routeEvals(plan: PlanRequant, point: readonly bigint[], ev: { sigma: bigint; rem: readonly bigint[]; e: readonly bigint[] }, ctx: WalkContext): void {
  ctx.claimAdvice(plan.advice.sigma, { point, value: ev.sigma });
  ev.rem.forEach((v, i) => ctx.claimAdvice(plan.advice.rem[i], { point, value: v }));
  ev.e.forEach((v, j) => ctx.claimAdvice(plan.advice.e[j], { point, value: v }));
}

function scratchKey(plan: PlanRequant): string {
  return `requant:${plan.y}`;
}

/** A dishonest prover's witness: y from the trace; σ·e = t − y keeps the linear identity (the arena must catch it). */
function dishonestWitness(w: RequantWitness, y: IntTensor): RequantWitness {
  const t = w.y.map((v, i) => v + w.sigma[i] * w.e[i]);
  const ys = Array.from(y.data, (v) => BigInt(v));
  const d = t.map((v, i) => v - ys[i]);
  return { y: ys, rem: w.rem, sigma: d.map((v) => (v > 0n ? 1n : v < 0n ? -1n : 0n)), e: d.map((v) => (v < 0n ? -v : v)) };
}
