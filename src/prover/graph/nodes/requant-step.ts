/**
 * One requantization inside the graph driver (plan: `PlanRequant`): witness → p, q and the limbs into A as
 * popcount(k) group slots and the RANGE columns into the arena; walk → the arena's claims on those columns (the
 * limbs: the claims of the requant zero-check at the arena point) and every claim on y (each an opening of u's
 * limbs: y = lo + u) through `layers/requant.ts` to one claim on acc, ONE opening per group slot at (ρ′ ‖ r_col)
 * and the u openings. Stream: the zero-check's rounds (2 words each), acc, p, q, rem…, e…, u…, ū… at ρ′, then
 * per claim on y the u limbs above the first (none when u is one limb).
 */
import type { Claim } from "../../claims";
import { flatEvals, proveRequant, requantEvalCount, requantGroupTables, requantRangeColumns, requantTables, splitRangeClaims, unflatten, verifyRequant, type ArenaLimbs, type RequantProof, type RequantTables } from "../../layers/requant";
import type { ZeroCheckRound } from "../../layers/requant-zerocheck";
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
  const geo = requantGeometry(spec);
  requantGroupTables(geo, tables).forEach((t, g) => ctx.setAdvice(plan.advice[g], t));
  requantRangeColumns(geo, tables).forEach((col, k) => ctx.setColumn(plan.rangeColumns[k], [col]));
  ctx.scratch.set(scratchKey(plan), { acc, tables, unsafe: ctx.unsafe } satisfies RequantScratch);
}

/** Prove phase: every claim on y → the acc claim (returned). */
export function proveRequantStep(plan: PlanRequant, ctx: ProveContext): Claim {
  const s = ctx.scratch.get(scratchKey(plan)) as RequantScratch | undefined;
  if (!s) throw new RangeError(`requant of "${plan.y}": no witness (the witness phase did not run)`);
  const { claims, arena } = collectClaims(plan, ctx);
  const { proof, claims: out } = proveRequant({ spec: requantSpec(plan), acc: s.acc, tables: s.tables, claims, arena, transcript: ctx.transcript, unsafe: s.unsafe });
  // Two words a round, counted as sum-check rounds in the proof's stats.
  ctx.writer.sumcheck({ rounds: proof.rounds.map((r) => [...r]) });
  ctx.writer.scalars(flatEvals(proof.evals));
  for (const u of proof.uAt) ctx.writer.scalars(u);
  out.openings.forEach((o) => ctx.claimAdvice(plan.advice[o.group], o.claim));
  return out.acc;
}

/** Verify phase: the same claims from the proof stream. */
export function verifyRequantStep(plan: PlanRequant, ctx: VerifyContext): Claim {
  const { claims, arena } = collectClaims(plan, ctx);
  const geo = requantGeometry(requantSpec(plan));
  const words = ctx.reader.scalars(2 * plan.numVars, `requant of "${plan.y}": rounds`);
  const rounds = Array.from({ length: plan.numVars }, (_, j): ZeroCheckRound => [words[2 * j], words[2 * j + 1]]);
  const flat = ctx.reader.scalars(requantEvalCount(geo), `requant of "${plan.y}": evaluations`);
  const uAt = claims.map((_, k) => ctx.reader.scalars(geo.uLimbs - 1, `requant of "${plan.y}": u at claim ${k}`));
  const proof: RequantProof = { rounds, evals: unflatten(geo, flat), uAt };
  const out = verifyRequant({ spec: requantSpec(plan), claims, arena, proof, transcript: ctx.transcript });
  out.openings.forEach((o) => ctx.claimAdvice(plan.advice[o.group], o.claim));
  return out.acc;
}

/**
 * The arena's claims on the step's RANGE columns (the derived ū checked) and every collected claim on y; `arena`:
 * the committed limbs' values (rem…, e…, u…, ū…) at the arena point ρ_a, the claims of the requant zero-check
 * (no opening of A at ρ_a).
 */
function collectClaims(plan: PlanRequant, ctx: WalkContext): { claims: Claim[]; arena: ArenaLimbs } {
  const geo = requantGeometry(requantSpec(plan));
  const cols = plan.rangeColumns.map((i) => ctx.arenaColumn(i));
  const range = splitRangeClaims(geo, cols.map((c) => c.values[0]));
  return { claims: ctx.take(plan.y), arena: { point: cols[0].point, values: [...range.rem, ...range.e, ...range.u, ...range.uc] } };
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
