/**
 * One requantization inside the graph driver (plan: `PlanRequant`): witness → p, q and the limbs into A as
 * popcount(k) group slots and the RANGE columns into the arena; before the walk, the batched zero-check of every
 * requantization (../requant-batch.ts) hands the step its claim on acc (on a pseudo-tensor) and opens its group
 * slots; in walk order (here) every claim on y becomes openings of u's limbs (y = lo + U), and the step returns
 * the claim on acc. Stream in walk order: per claim on y the u limbs above the first (none when u is one limb).
 */
import type { Claim } from "../../claims";
import { proveRequantClaims, requantGroupTables, requantRangeColumns, requantTables, verifyRequantClaims, type RequantTables } from "../../layers/requant";
import { fastRequantApplies, requantWitnessTables } from "../../layers/requant-witness";
import { clampWitness, requantGeometry, requantWitness, type RequantSpec, type RequantWitness } from "../../layers/requant-spec";
import type { IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { PlanRequant } from "../plan";
import { requantAccTensor, requantScratchKey, type RequantScratch } from "../requant-batch";
import type { ProveContext, VerifyContext, WalkContext, WitnessContext } from "./types";

/** The requant spec of a plan entry. */
export function requantSpec(plan: PlanRequant): RequantSpec {
  return { shape: plan.shape, multiplier: plan.multiplier, shift: plan.shift, bits: plan.bits, accBound: plan.accBound, lo: plan.lo, hi: plan.hi, limbBits: plan.limbBits };
}

/**
 * Witness phase: the advice and arena columns from acc. The trace's y must be what requantizing acc gives
 * (else the trace is not this model's run: {@link ProverInputError}), unless `ctx.unsafe` (a test's dishonest
 * prover: y taken from the trace, σ and e absorbing the difference).
 */
export function witnessRequant(plan: PlanRequant, acc: IntTensor, y: IntTensor, ctx: WitnessContext): void {
  const spec = requantSpec(plan);
  const tables = witnessTables(plan, spec, acc, y, ctx.unsafe);
  const geo = requantGeometry(spec);
  requantGroupTables(geo, tables).forEach((t, g) => ctx.setAdvice(plan.advice[g], t));
  requantRangeColumns(geo, tables).forEach((col, k) => ctx.setColumn(plan.rangeColumns[k], [col]));
  ctx.scratch.set(requantScratchKey(plan), { acc, tables, unsafe: ctx.unsafe } satisfies RequantScratch);
}

/**
 * The step's tables: the float path (../../layers/requant-witness.ts) when the spec allows it and y agrees with
 * the trace, else the bigint reference path (and, for a test's dishonest prover, the dishonest witness).
 */
function witnessTables(plan: PlanRequant, spec: RequantSpec, acc: IntTensor, y: IntTensor, unsafe: boolean): RequantTables {
  if (fastRequantApplies(spec)) {
    const fast = requantWitnessTables(spec, acc);
    let mismatch = 0;
    while (mismatch < fast.y.length && fast.y[mismatch] === y.data[mismatch]) mismatch++;
    if (mismatch === fast.y.length) return fast.tables;
    if (!unsafe) throw new ProverInputError(`trace: "${plan.y}"[${mismatch}] = ${y.data[mismatch]}, but requantizing its accumulator gives ${fast.y[mismatch]}`);
  }
  let w = requantWitness(spec, acc);
  const mismatch = w.y.findIndex((v, i) => v !== BigInt(y.data[i]));
  if (mismatch >= 0) {
    if (!unsafe) throw new ProverInputError(`trace: "${plan.y}"[${mismatch}] = ${y.data[mismatch]}, but requantizing its accumulator gives ${w.y[mismatch]}`);
    w = dishonestWitness(spec, w, y);
  }
  return requantTables(spec, w);
}

/** Prove phase (walk order): every claim on y → openings of u's limbs; returns the batch's claim on acc. */
export function proveRequantStep(plan: PlanRequant, ctx: ProveContext): Claim {
  const s = ctx.scratch.get(requantScratchKey(plan)) as RequantScratch | undefined;
  if (!s) throw new RangeError(`requant of "${plan.y}": no witness (the witness phase did not run)`);
  const { uAt, openings } = proveRequantClaims(requantSpec(plan), s.tables, ctx.take(plan.y), ctx.transcript, s.unsafe);
  for (const u of uAt) ctx.writer.scalars(u);
  openings.forEach((o) => ctx.claimAdvice(plan.advice[o.group], o.claim));
  return accClaim(plan, ctx);
}

/** Verify phase: the same claims from the proof stream. */
export function verifyRequantStep(plan: PlanRequant, ctx: VerifyContext): Claim {
  const claims = ctx.take(plan.y);
  const uAt = claims.map((_, k) => ctx.reader.scalars(plan.uLimbs - 1, `requant of "${plan.y}": u at claim ${k}`));
  verifyRequantClaims(requantSpec(plan), claims, uAt, ctx.transcript).forEach((o) => ctx.claimAdvice(plan.advice[o.group], o.claim));
  return accClaim(plan, ctx);
}

/** The claim on acc the batch left on the step's pseudo-tensor (exactly one). */
function accClaim(plan: PlanRequant, ctx: WalkContext): Claim {
  const acc = ctx.take(requantAccTensor(plan));
  if (acc.length !== 1) throw new RangeError(`requant of "${plan.y}": ${acc.length} claims on acc from the batch, expected 1`);
  return acc[0];
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
