/**
 * The fixed lookup tables of a whole-model proof. Range tables are closed form (never committed); every other
 * column (CLAMP's two columns, an activation table's output column) is a 1-D slot `table:<id>:<column>` of the
 * model polynomial W, committed once at setup, so the verifying key keeps ONE commitment.
 *
 * - `clamp:<b>` (arity 2): rows (v, 0) for v in [qmin, qmax], then (qmax, +1), (qmin, −1); 2^b + 2 rows padded
 *   to 2^(b+1) by repeating row 0. Membership of (y, σ) proves y ∈ [qmin, qmax], σ ∈ {−1, 0, 1} and
 *   σ = ±1 ⇒ y is the bound on that side (docs/prover.md, "Requantization").
 * - `range:<L>`: [0, 2^L), one range column (every requant limb: rem, e, u, ū; L the model's limb width, carried
 *   in the plan; softmax / log-softmax / RMSNorm use `range:12`, L = REQUANT_LIMB_BITS).
 * - `act:<table id>` (arity 2) for a unary activation T on [qmin, qmax]: column 0 is the range column x = qmin + row,
 *   column 1 (external) is T[x]. When T[0] = 0 the table has 2^b rows and axis padding (x, y) = (0, 0) is a
 *   row. When T[0] ≠ 0 the table has 2^(b+1) rows, x running on to qmin + 2^(b+1) − 1 with output 0: the padding
 *   entries are looked up as (c, 0) with c = qmax + 1 (the driver adds c·pad(x) to the x component, pad
 *   public), and no real entry can use those rows because every real x is in [qmin, qmax] (producers clamp; the
 *   verifier range-checks the public input).
 */
import * as Fr from "../../field/fr";
import type { ArenaTable } from "../../lookup/arena-types";
import { REQUANT_LIMB_BITS } from "../layers/requant-spec";

/** A fixed table: range columns (closed form) or external columns stored in W at `slot`. */
export interface FixedTable {
  readonly id: string;
  readonly numVars: number;
  readonly columns: readonly ({ readonly kind: "range"; readonly lo: number } | { readonly kind: "external"; readonly slot: string; readonly values: readonly number[] })[];
}

/** Prefix of table slots in W. */
export const TABLE_SLOT_PREFIX = "table:";

/** The slot name of column `column` of table `id`. */
export function tableSlot(id: string, column: string): string {
  return `${TABLE_SLOT_PREFIX}${id}:${column}`;
}

/** Id of the limb range table of width L (`range:<L>`). */
export function rangeTableId(limbBits: number): string {
  return `range:${limbBits}`;
}

/** Id of the default-width limb range table (`range:12`, L = REQUANT_LIMB_BITS). */
export const RANGE_TABLE_ID = rangeTableId(REQUANT_LIMB_BITS);

/** The CLAMP table id for bit width b. */
export function clampTableId(bits: number): string {
  return `clamp:${bits}`;
}

/** The limb range table [0, 2^L) (default L = REQUANT_LIMB_BITS). */
export function rangeTableDef(limbBits: number = REQUANT_LIMB_BITS): FixedTable {
  return { id: rangeTableId(limbBits), numVars: limbBits, columns: [{ kind: "range", lo: 0 }] };
}

/**
 * The bounds [a, b] when a unary table over the b-bit domain is a clamp, T[x] = min(max(x, a), b) for every
 * x in [qmin, qmax] with a < b and a ≤ 0 ≤ b (ReLU: [0, qmax]; Clip; an identity table: [qmin, qmax]), else null. Such an
 * activation needs no table: clamp(clamp(t, qmin, qmax), a, b) = clamp(t, a, b), so it is proved as (or fused
 * into) a requantization with clamp bounds [a, b] (graph/compile.ts).
 */
export function clampLikeBounds(bits: number, offset: number, values: ArrayLike<number>): { lo: number; hi: number } | null {
  const size = 2 ** bits;
  const qmin = -(size / 2);
  if (offset !== qmin || values.length !== size) return null;
  const lo = values[0];
  const hi = values[size - 1];
  // lo ≤ 0 ≤ hi: the requantization's padding (y = 0) must be in range (docs/prover.md, "Requantization").
  if (!(lo < hi) || lo > 0 || hi < 0) return null;
  for (let i = 0; i < size; i++) {
    const x = qmin + i;
    if (values[i] !== Math.min(Math.max(x, lo), hi)) return null;
  }
  return { lo, hi };
}

/** The CLAMP table for bit width b (both columns external). */
export function clampTableDef(bits: number): FixedTable {
  const size = 2 ** bits;
  const qmin = -(size / 2);
  const qmax = size / 2 - 1;
  const ys: number[] = Array.from({ length: size }, (_, i) => qmin + i);
  const sigmas: number[] = new Array<number>(size).fill(0);
  ys.push(qmax, qmin);
  sigmas.push(1, -1);
  while (ys.length < 2 * size) {
    ys.push(ys[0]);
    sigmas.push(sigmas[0]);
  }
  const id = clampTableId(bits);
  return { id, numVars: bits + 1, columns: [{ kind: "external", slot: tableSlot(id, "y"), values: ys }, { kind: "external", slot: tableSlot(id, "sigma"), values: sigmas }] };
}

/**
 * The table of a unary activation given by the plan's `values` over [qmin, qmax] (`values[i]` = T[qmin + i]).
 * Returns the table and the padding offset c (null when T[0] = 0).
 */
export function activationTableDef(planTableId: string, bits: number, offset: number, values: ArrayLike<number>): { table: FixedTable; padOffset: number | null } {
  const size = 2 ** bits;
  const qmin = -(size / 2);
  if (offset !== qmin || values.length !== size) throw new RangeError(`activation table "${planTableId}": domain [${offset}, ${offset + values.length}) is not the ${bits}-bit range`);
  const zeroOut = values[-qmin];
  const padded = zeroOut !== 0;
  const out = Array.from(values);
  if (padded) out.push(...new Array<number>(size).fill(0));
  const id = `act:${planTableId}`;
  return {
    table: { id, numVars: padded ? bits + 1 : bits, columns: [{ kind: "range", lo: qmin }, { kind: "external", slot: tableSlot(id, "y"), values: out }] },
    padOffset: padded ? size / 2 : null,
  };
}

/** The arena's view of fixed tables (prover: with external values; verifier: `withValues` false). */
export function arenaTables(tables: readonly FixedTable[], withValues: boolean): ArenaTable[] {
  return tables.map((t) => ({
    id: t.id,
    table: {
      numVars: t.numVars,
      columns: t.columns.map((c) => (c.kind === "range" ? { kind: "range" as const, lo: Fr.fromSigned(c.lo) } : withValues ? { kind: "external" as const, values: c.values.map((v) => Fr.fromSigned(v)) } : { kind: "external" as const })),
    },
  }));
}
