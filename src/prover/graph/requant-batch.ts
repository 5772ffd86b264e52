/**
 * The pre-walk stage: ONE batched zero-check for every requantization of the proof (docs/prover.md,
 * "Requantization"), run after the arena and before the output claims. Each requantization's relation to its
 * accumulator is a zero-check at a prefix of the arena point ρ_a that depends only on the arena's values and the
 * step's own tables — not on the walk — so all of them are one zero-check over N = max n_i variables
 * (`proveRequantBatch`, src/prover/layers/requant.ts). It hands each step, through the claim book:
 * - the claim on its accumulator at ρ′[0 … n), on the pseudo-tensor {@link requantAccTensor} (the step takes it in
 *   walk order, ./nodes/requant-step.ts, where the claims on y become openings of u's limbs);
 * - one opening of A per group slot at (ρ′[0 … n) ‖ r_col[0 … m_g)).
 * Batch order: {@link planRequants} (by the first RANGE column: fixed by the plan). Stream: N rounds (2 words
 * each), then each step's acc, p, q, rem…, e…, u…, committed ū… at its prefix of ρ′. No requantization: nothing.
 */
import type { Transcript } from "../../transcript";
import { flatEvals, proveRequantBatch, requantEvalCount, requantLimbCount, splitRangeClaims, unflatten, verifyRequantBatch, type ArenaLimbs, type RequantBatchClaims, type RequantTables } from "../layers/requant";
import type { ZeroCheckRound } from "../layers/requant-zerocheck";
import { requantGeometry } from "../layers/requant-spec";
import type { IntTensor } from "../tensor";
import type { NodeStep, PlanRequant, VerifierPlan } from "./plan";
import type { ProofReader, ProofWriter } from "./stream";
import type { ClaimBook } from "./walk";
import { requantSpec } from "./nodes/requant-step";

/** What a step's witness phase leaves for the batch (./nodes/requant-step.ts, `witnessRequant`). */
export interface RequantScratch {
  readonly acc: IntTensor;
  readonly tables: RequantTables;
  /** The test's dishonest prover (`ctx.unsafe`): the IOP proves whatever the witness sums to. */
  readonly unsafe: boolean;
}

/** The scratch key of a requantization's witness. */
export function requantScratchKey(r: PlanRequant): string {
  return `requant:${r.y}`;
}

/** The pseudo-tensor carrying a requantization's acc claim from the batch to its step in the walk. */
export function requantAccTensor(r: PlanRequant): string {
  return `${r.y}#requant.acc`;
}

/**
 * Every requantization of a plan, in batch order: the node steps' {@link PlanRequant} fields wherever they sit
 * (a step of any kind may carry one or several), each once, sorted by their first RANGE column (unique: every
 * requantization range-checks u). The Solidity program's REQUANTS instruction lists them in the same order.
 */
export function planRequants(plan: { readonly nodes: readonly NodeStep[] }): PlanRequant[] {
  const found = new Set<PlanRequant>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      if (v.length > 0 && typeof v[0] !== "object") return;
      v.forEach(visit);
      return;
    }
    if (isPlanRequant(v)) {
      found.add(v);
      return;
    }
    Object.values(v).forEach(visit);
  };
  plan.nodes.forEach(visit);
  return [...found].sort((a, b) => a.rangeColumns[0] - b.rangeColumns[0]);
}

function isPlanRequant(v: object): v is PlanRequant {
  const r = v as Partial<PlanRequant>;
  return typeof r.y === "string" && Array.isArray(r.rangeColumns) && r.rangeColumns.length > 0 && Array.isArray(r.advice) && typeof r.limbBits === "number" && typeof r.remLimbs === "number";
}

/** The arena's values of a step's committed limb columns (the derived ū checked) at its prefix of ρ_a. */
function arenaLimbs(r: PlanRequant, book: ClaimBook): ArenaLimbs {
  const geo = requantGeometry(requantSpec(r));
  const cols = r.rangeColumns.map((i) => book.arenaColumn(i));
  const range = splitRangeClaims(geo, cols.map((c) => c.values[0]));
  return { point: cols[0].point, values: [...range.rem, ...range.e, ...range.u, ...range.uc] };
}

/** Hands each step its acc claim (on its pseudo-tensor) and its group openings. */
function handOn(requants: readonly PlanRequant[], claims: readonly RequantBatchClaims[], book: ClaimBook): void {
  requants.forEach((r, i) => {
    book.claim(requantAccTensor(r), claims[i].acc);
    claims[i].groups.forEach((o) => book.adviceClaim(r.advice[o.group], o.claim));
  });
}

/** Prover: the batch over every requantization of the plan (their witnesses in `scratch`). */
export function proveRequants(plan: VerifierPlan, book: ClaimBook, transcript: Transcript, writer: ProofWriter, scratch: ReadonlyMap<string, unknown>): void {
  const requants = planRequants(plan);
  if (requants.length === 0) return;
  let unsafe = false;
  const items = requants.map((r) => {
    const s = scratch.get(requantScratchKey(r)) as RequantScratch | undefined;
    if (!s) throw new RangeError(`requant of "${r.y}": no witness (the witness phase did not run)`);
    unsafe ||= s.unsafe;
    return { spec: requantSpec(r), acc: s.acc, tables: s.tables, arena: arenaLimbs(r, book) };
  });
  const { proof, claims } = proveRequantBatch(items, transcript, unsafe);
  // Two words a round, counted as sum-check rounds in the proof's stats.
  writer.sumcheck({ rounds: proof.rounds.map((r) => [...r]) });
  writer.scalars(proof.evals.flatMap(flatEvals));
  handOn(requants, claims, book);
}

/** Verifier: the same batch from the proof stream. @throws {LayerProofError} / ProofFormatError */
export function verifyRequants(plan: VerifierPlan, book: ClaimBook, transcript: Transcript, reader: ProofReader): void {
  const requants = planRequants(plan);
  if (requants.length === 0) return;
  const items = requants.map((r) => ({ spec: requantSpec(r), arena: arenaLimbs(r, book) }));
  const n = requants.reduce((best, r) => Math.max(best, r.numVars), 0);
  const words = reader.scalars(2 * n, "requant batch: rounds");
  const rounds = Array.from({ length: n }, (_, j): ZeroCheckRound => [words[2 * j], words[2 * j + 1]]);
  const evals = requants.map((r) => {
    const geo = requantGeometry(requantSpec(r));
    return unflatten(geo, reader.scalars(requantEvalCount(geo), `requant batch: evaluations of "${r.y}"`));
  });
  handOn(requants, verifyRequantBatch(items, { rounds, evals }, transcript), book);
}

/** Words the batch sends: 2·N rounds and every step's evaluations (3 + its limb count). */
export function requantBatchWords(requants: readonly PlanRequant[]): number {
  if (requants.length === 0) return 0;
  const n = requants.reduce((best, r) => Math.max(best, r.numVars), 0);
  return 2 * n + requants.reduce((acc, r) => acc + 3 + requantLimbCount(requantGeometry(requantSpec(r))), 0);
}
