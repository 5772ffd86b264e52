/**
 * One requantization inside the graph driver (plan: `PlanRequant`): witness → p, q and the limbs into A as
 * popcount(k) group slots and the RANGE columns into the arena; walk → the arena's claims on those columns (the limbs: folded
 * into the requant sum-check; u and ū: two more claims on y, y = lo + u and y = hi − ū, last), then every claim on
 * y through `layers/requant.ts` to one claim on acc and ONE opening per group slot at (ρ′ ‖ r_col). Stream: the
 * requant sum-check, then acc, p, q, rem…, e…, u…, ū… at ρ′.
 */
import type { Claim } from "../../claims";
import { boundClaims, flatEvals, proveRequant, requantEvalCount, requantGroupTables, requantRangeColumns, requantTables, splitRangeClaims, unflatten, verifyRequant, type RequantProof, type RequantTables } from "../../layers/requant";
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
  ctx.writer.sumcheck(proof.sumcheck);
  ctx.writer.scalars(flatEvals(proof.evals));
  out.groups.forEach((c, g) => ctx.claimAdvice(plan.advice[g], c));
  return out.acc;
}

/** Verify phase: the same claims from the proof stream. */
export function verifyRequantStep(plan: PlanRequant, ctx: VerifyContext): Claim {
  const { claims, arena } = collectClaims(plan, ctx);
  const geo = requantGeometry(requantSpec(plan));
  const sumcheck = ctx.reader.sumcheck(plan.numVars, plan.degree, `requant of "${plan.y}"`);
  const flat = ctx.reader.scalars(requantEvalCount(geo), `requant of "${plan.y}": evaluations`);
  const proof: RequantProof = { sumcheck, evals: unflatten(geo, flat) };
  const out = verifyRequant({ spec: requantSpec(plan), claims, arena, proof, transcript: ctx.transcript });
  out.groups.forEach((c, g) => ctx.claimAdvice(plan.advice[g], c));
  return out.acc;
}

/**
 * The arena's claims on the step's RANGE columns (the derived ū checked) and the claims on y: every collected
 * claim, then y = lo + u and y = hi − ū at the arena point ρ_a (last: the flags' zero-check and the limb claims run
 * at the last claim's point); `arena`: the committed limbs' values at ρ_a (rem…, e…, u…, ū…), which the requant
 * sum-check takes over (no opening of A at ρ_a).
 */
function collectClaims(plan: PlanRequant, ctx: WalkContext): { claims: Claim[]; arena: bigint[] } {
  const geo = requantGeometry(requantSpec(plan));
  const cols = plan.rangeColumns.map((i) => ctx.arenaColumn(i));
  const point = cols[0].point;
  const range = splitRangeClaims(geo, cols.map((c) => c.values[0]));
  return { claims: [...ctx.take(plan.y), ...boundClaims(geo, point, range.u, range.uc)], arena: [...range.rem, ...range.e, ...range.u, ...range.uc] };
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
