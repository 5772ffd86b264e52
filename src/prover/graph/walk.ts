/**
 * The claim book and the walk shared by prover and verifier: claims collected per tensor, opening claims on the
 * committed polynomials (W, A, M, H) lifted to their slots, the arena's claims routed, the output claims drawn,
 * and every node step run in plan order with its failures named ("node conv1 (Conv): …"). The graph inputs'
 * claims at the end of the walk: ./public-claims.ts.
 */
import type { ArenaClaims } from "../../lookup/arena-types";
import * as Fr from "../../field/fr";
import { LayerProofError, type Claim } from "../claims";
import type { Transcript } from "../../transcript";
import { evaluateTensor, layoutOf } from "../tensor";
import { ProofRejectedError } from "./errors";
import type { NodeStep, PlanSlottedPoly, VerifierPlan } from "./plan";
import { INFERENCE_LABELS } from "./statement";
import type { WalkContext } from "./nodes";

/** An opening claim on one of the batch opening's polynomials. */
export interface PolyClaim {
  readonly poly: "W" | "A" | "M" | "H";
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** Claims per tensor and opening claims, in the order they were made. */
export class ClaimBook {
  private readonly tensors = new Map<string, Claim[]>();
  readonly openings: PolyClaim[] = [];
  private readonly weights: Map<string, PlanSlottedPoly["slots"][number]>;
  private readonly advice: Map<string, PlanSlottedPoly["slots"][number]>;
  private columns: ArenaClaims["columns"] = [];

  constructor(private readonly plan: VerifierPlan) {
    this.weights = new Map(plan.weights.slots.map((s) => [s.name, s]));
    this.advice = new Map((plan.advice?.slots ?? []).map((s) => [s.name, s]));
  }

  /** Routes the arena's claims: M / H openings, external table columns → W, witness columns kept for their steps. */
  addArena(claims: ArenaClaims): void {
    for (const o of claims.openings) this.openings.push({ poly: o.poly, point: o.point, value: o.value });
    const index = new Map(this.plan.arena.tables.map((t, i) => [t.id, i]));
    for (const c of claims.tableColumns) {
      const slot = this.plan.tableSlots[index.get(c.table)!]?.[c.column];
      if (!slot) throw new ProofRejectedError(`arena: claim on column ${c.column} of table "${c.table}", which is not in W`);
      this.weight(slot, { point: c.point, value: c.value });
    }
    this.columns = claims.columns;
  }

  /** The claims collected on a tensor (removed). */
  take(tensor: string): Claim[] {
    const out = this.tensors.get(tensor) ?? [];
    this.tensors.delete(tensor);
    return out;
  }

  /** A claim on a value: weights go to W, everything else is collected. */
  claim(value: string, claim: Claim): void {
    if (this.weights.has(value)) return this.weight(value, claim);
    const list = this.tensors.get(value) ?? [];
    list.push(claim);
    this.tensors.set(value, list);
  }

  /** An opening of W at slot `slot`. */
  weight(slot: string, claim: Claim): void {
    this.openings.push({ poly: "W", ...lift(this.weights.get(slot), slot, claim, "W") });
  }

  /** An opening of A at slot `slot`. */
  adviceClaim(slot: string, claim: Claim): void {
    this.openings.push({ poly: "A", ...lift(this.advice.get(slot), slot, claim, "A") });
  }

  /** The arena's claim on witness column i. */
  arenaColumn(i: number): { point: readonly bigint[]; values: readonly bigint[] } {
    const c = this.columns[i];
    if (!c) throw new LayerProofError(`no arena claim on witness column ${i}`);
    return c;
  }

  /** Tensors that still hold claims. */
  pending(): string[] {
    return [...this.tensors.keys()];
  }
}

function lift(slot: PlanSlottedPoly["slots"][number] | undefined, name: string, claim: Claim, poly: string): { point: bigint[]; value: bigint } {
  if (!slot) throw new LayerProofError(`no slot "${name}" in ${poly}`);
  if (claim.point.length !== slot.numVars) throw new LayerProofError(`claim on ${poly} slot "${name}": ${claim.point.length} coordinates, the slot has ${slot.numVars}`);
  return { point: [...claim.point, ...slot.selector.map((b) => BigInt(b))], value: claim.value };
}

/** The walk context of one step (the prover / verifier add their stream and values). */
export function walkContext(book: ClaimBook, transcript: Transcript, step: NodeStep): WalkContext {
  return {
    transcript,
    what: stepName(step),
    take: (t) => book.take(t),
    claim: (v, c) => book.claim(v, c),
    claimAdvice: (s, c) => book.adviceClaim(s, c),
    claimWeight: (s, c) => book.weight(s, c),
    arenaColumn: (i) => book.arenaColumn(i),
  };
}

/** "node conv1 (Conv)". */
export function stepName(step: NodeStep): string {
  return `node ${step.node} (${step.op})`;
}

/**
 * Output claims: for each non-constant graph output in order, r = challengeScalars("proof.output", n) and the
 * value of the public output at r.
 */
export function outputClaims(plan: VerifierPlan, outputs: readonly { readonly data: ArrayLike<number> }[], transcript: Transcript, book: ClaimBook): void {
  plan.outputs.forEach((o, i) => {
    if (o.constant) return;
    const r = transcript.challengeScalars(INFERENCE_LABELS.output, o.numVars);
    book.claim(o.name, { point: r, value: evaluateTensor(layoutOf(o.shape), outputs[i].data, r) });
  });
}

/** Indices of the batch opening's polynomials, by name. */
export function polyIndex(plan: VerifierPlan): Map<string, number> {
  return new Map(plan.opening.polys.map((p, i) => [p, i]));
}

/** The book's openings as batch-opening claims. */
export function openingClaims(plan: VerifierPlan, book: ClaimBook): { poly: number; point: readonly bigint[]; value: bigint }[] {
  const index = polyIndex(plan);
  return book.openings.map((o) => {
    const poly = index.get(o.poly);
    if (poly === undefined) throw new ProofRejectedError(`an opening claim on ${o.poly}, which this proof does not commit`);
    Fr.assertFr(o.value, "opening value");
    return { poly, point: o.point, value: o.value };
  });
}
