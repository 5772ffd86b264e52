/**
 * The parts of the arena that prover and verifier share: shape validation, the slot layouts of M and H, the
 * shape absorb, the challenges, the zero-check's tables and terms, and the claims. Keeping them in one place is
 * what makes the two sides agree by construction (spec: docs/lookup.md, "The arena").
 */
import * as Fr from "../field/fr";
import { liftToSlot, slotLayout, type SlotLayout } from "../poly/slots";
import type { ProductTerm } from "../sumcheck";
import type { Transcript } from "../transcript";
import { HALF } from "./protocol";
import { MAX_TABLE_VARS } from "./table";
import {
  ARENA_COLUMN_KIND,
  ARENA_LABELS,
  ArenaError,
  type ArenaClaims,
  type ArenaOpeningClaim,
  type ArenaProof,
  type ArenaShape,
  type ArenaTableColumnClaim,
} from "./arena-types";

/** Largest witness column (2^32 entries); the Solidity verifier has the same bound. */
export const MAX_ARENA_COLUMN_VARS = 32;
/** Degree of the zero-check: eq · h · (α − f). */
export const ARENA_DEGREE = 3;

/** A validated shape with everything both sides derive from it. */
export interface ArenaContext {
  readonly shape: ArenaShape;
  /** Table index of each witness column (its fingerprint tag). */
  readonly columnTable: readonly number[];
  /** Arity of each table. */
  readonly arity: readonly number[];
  /** A = max arity: the table tag enters the fingerprint as β^A · index. */
  readonly maxArity: number;
  /** β is drawn iff some arity > 1 or there are several tables (else the fingerprint is the value itself). */
  readonly drawsBeta: boolean;
  /** N = max over all witness columns and tables of numVars: the zero-check's rounds. */
  readonly numVars: number;
  readonly mLayout: SlotLayout;
  readonly hLayout: SlotLayout;
}

/** Slot names in M (by table) and in H (witness helpers, table helpers). */
export const arenaSlotNames = {
  multiplicity: (tableId: string) => tableId,
  witnessHelper: (column: number) => `h:${column}`,
  tableHelper: (tableId: string) => `g:${tableId}`,
};

/** Validates a shape (unique ids, known tables, variable bounds, canonical range bounds) and derives its context. */
export function arenaContext(shape: ArenaShape): ArenaContext {
  const index = new Map<string, number>();
  shape.tables.forEach((t, j) => {
    if (typeof t.id !== "string" || t.id.length === 0) throw new ArenaError(`arena: table ${j} has no id`);
    if (index.has(t.id)) throw new ArenaError(`arena: table id "${t.id}" appears twice`);
    index.set(t.id, j);
    const { numVars, columns } = t.table;
    if (!Number.isInteger(numVars) || numVars < 0 || numVars > MAX_TABLE_VARS) {
      throw new ArenaError(`arena: table "${t.id}" has ${numVars} variables, expected an integer in [0, ${MAX_TABLE_VARS}]`);
    }
    if (columns.length === 0) throw new ArenaError(`arena: table "${t.id}" has no columns`);
    columns.forEach((c, col) => {
      if (c.kind === "range") assertCanonical(c.lo, `arena: table "${t.id}" column ${col} (range) lo`);
      else if (c.kind !== "external") throw new ArenaError(`arena: table "${t.id}" column ${col} has an unknown kind`);
    });
  });
  const columnTable = shape.columns.map((c, i) => {
    const t = index.get(c.table);
    if (t === undefined) throw new ArenaError(`arena: ${columnName(shape, i)} refers to unknown table "${c.table}"`);
    if (!Number.isInteger(c.numVars) || c.numVars < 0 || c.numVars > MAX_ARENA_COLUMN_VARS) {
      throw new ArenaError(
        `arena: ${columnName(shape, i)} has ${c.numVars} variables, expected an integer in [0, ${MAX_ARENA_COLUMN_VARS}]`,
      );
    }
    return t;
  });
  const arity = shape.tables.map((t) => t.table.columns.length);
  const maxArity = Math.max(1, ...arity);
  const numVars = Math.max(0, ...shape.tables.map((t) => t.table.numVars), ...shape.columns.map((c) => c.numVars));
  const mLayout = slotLayout(
    shape.tables.map((t) => ({ name: arenaSlotNames.multiplicity(t.id), numVars: t.table.numVars })),
  );
  const hLayout = slotLayout([
    ...shape.columns.map((c, i) => ({ name: arenaSlotNames.witnessHelper(i), numVars: c.numVars })),
    ...shape.tables.map((t) => ({ name: arenaSlotNames.tableHelper(t.id), numVars: t.table.numVars })),
  ]);
  const drawsBeta = maxArity > 1 || shape.tables.length > 1;
  return { shape, columnTable, arity, maxArity, drawsBeta, numVars, mLayout, hLayout };
}

/** x as a canonical field element, or an ArenaError naming `what`. */
export function assertCanonical(x: bigint, what: string): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= Fr.MODULUS) throw new ArenaError(`${what} is not a canonical field element (0 <= x < r)`);
  return x;
}

/** "witness column i" or its label, for messages. */
export function columnName(shape: ArenaShape, i: number): string {
  const label = shape.columns[i].label;
  return label ? `witness column ${i} ("${label}")` : `witness column ${i}`;
}

/**
 * Absorbs "arena.shape" = [T, k, N, A, per table (n_t, a_t, per column (kind, lo or 0)), per column (table
 * index, n_i)]. Public data (the verifier knows it from the model); absorbed for domain separation.
 */
export function absorbArenaShape(transcript: Transcript, ctx: ArenaContext): void {
  transcript.absorbScalars(ARENA_LABELS.shape, arenaShapeWords(ctx));
}

/** The words of the "arena.shape" absorb. */
export function arenaShapeWords(ctx: ArenaContext): bigint[] {
  const { shape } = ctx;
  const words: bigint[] = [shape.tables.length, shape.columns.length, ctx.numVars, ctx.maxArity].map(BigInt);
  for (const t of shape.tables) {
    words.push(BigInt(t.table.numVars), BigInt(t.table.columns.length));
    for (const c of t.table.columns) words.push(ARENA_COLUMN_KIND[c.kind], c.kind === "range" ? c.lo : 0n);
  }
  shape.columns.forEach((c, i) => words.push(BigInt(ctx.columnTable[i]), BigInt(c.numVars)));
  return words;
}

/** Fingerprint challenges: β (0 when not drawn) then α, after M is absorbed. */
export function drawArenaAlphaBeta(transcript: Transcript, ctx: ArenaContext): { alpha: bigint; beta: bigint } {
  const beta = ctx.drawsBeta ? transcript.challengeScalar(ARENA_LABELS.beta) : 0n;
  const alpha = transcript.challengeScalar(ARENA_LABELS.alpha);
  return { alpha, beta };
}

/** All challenges of the zero-check. */
export interface ArenaChallenges {
  readonly alpha: bigint;
  readonly beta: bigint;
  readonly gamma: bigint;
  /** N coordinates. */
  readonly tau: readonly bigint[];
}

/** γ then τ (N coordinates), after H is absorbed. */
export function drawZeroCheckChallenges(
  transcript: Transcript,
  ctx: ArenaContext,
): { gamma: bigint; tau: bigint[] } {
  const gamma = transcript.challengeScalar(ARENA_LABELS.gamma);
  const tau = transcript.challengeScalars(ARENA_LABELS.tau, ctx.numVars);
  return { gamma, tau };
}

/**
 * α_t = α − β^A·t: the shifted challenge of table t. The fingerprint of a tuple v of table t is
 * Σ_c β^c v_c + β^A·t, so α − fingerprint = α_t − Σ_c β^c v_c.
 */
export function shiftedAlphas(ctx: ArenaContext, alpha: bigint, beta: bigint): bigint[] {
  const tag = Fr.pow(beta, BigInt(ctx.maxArity));
  return ctx.shape.tables.map((_, t) => Fr.sub(alpha, Fr.mul(tag, BigInt(t))));
}

/**
 * Positions of the zero-check's sum-check tables. Per witness column i: h_i and F_i = α_t − Σ_c β^c f_{i,c};
 * per table t: g_t and G_t = α_t − Σ_c β^c t_{t,c}; then L_m = Σ_t γ^{k+t} m_t and
 * L_s = Σ_i 2^{n_i} h_i + Σ_t 2^{n_t} g_t. Every table is extended to N variables as a constant in its high
 * variables.
 */
export function arenaTableIndex(k: number, tables: number) {
  return {
    h: (i: number) => 2 * i,
    F: (i: number) => 2 * i + 1,
    g: (t: number) => 2 * k + 2 * t,
    G: (t: number) => 2 * k + 2 * t + 1,
    lm: 2 * k + 2 * tables,
    ls: 2 * k + 2 * tables + 1,
    count: 2 * k + 2 * tables + 2,
  };
}

/**
 * The zero-check, one sum-check over N variables:
 *
 *   Σ_x eq(τ, x)·[Σ_i γ^i h_i(x)·F_i(x) + Σ_t γ^{k+t} g_t(x)·G_t(x) + L_m(x)] + γ^{k+T}·Σ_x eq(½, x)·L_s(x)
 *     = Σ_{i<k} γ^i.
 *
 * On the cube h_i·F_i = 1 and g_t·G_t + m_t = 0 (eq(τ, ·) sums to 1); eq(½, x) = 2^{−N}, so the last sum is
 * Σ_i S_i + Σ_t S_{g,t} (S = a helper's sum over its own cube), which LogUp needs to be 0. The sums are thus
 * proved inside the zero-check: no sum is sent and no opening at a half point is needed.
 */
export function arenaZeroCheck(ctx: ArenaContext, ch: ArenaChallenges): { terms: ProductTerm[]; claim: bigint } {
  const k = ctx.shape.columns.length;
  const T = ctx.shape.tables.length;
  const idx = arenaTableIndex(k, T);
  const gammas = Fr.powers(ch.gamma, k + T + 1);
  const half = new Array<bigint>(ctx.numVars).fill(HALF);
  const terms: ProductTerm[] = [];
  for (let i = 0; i < k; i++) terms.push({ coeff: gammas[i], factors: [idx.h(i), idx.F(i)], eqPoint: ch.tau });
  for (let t = 0; t < T; t++) terms.push({ coeff: gammas[k + t], factors: [idx.g(t), idx.G(t)], eqPoint: ch.tau });
  terms.push({ coeff: 1n, factors: [idx.lm], eqPoint: ch.tau });
  terms.push({ coeff: gammas[k + T], factors: [idx.ls], eqPoint: half });
  return { terms, claim: gammas.slice(0, k).reduce(Fr.add, 0n) };
}

/** The range column [lo, lo + 2^bits) at a point of `bits` coordinates: lo + Σ_i 2^i·x_i. */
export function evaluateRange(lo: bigint, point: readonly bigint[]): bigint {
  let acc = lo;
  let weight = 1n;
  for (const x of point) {
    acc = (acc + weight * x) % Fr.MODULUS;
    weight *= 2n;
  }
  return acc;
}

/**
 * The values at ρ of the zero-check's tables (order of {@link arenaTableIndex}), from the sent evaluations,
 * range columns' closed form and the challenges. Each value is the column's own MLE at ρ's low coordinates.
 */
export function arenaTableValues(
  ctx: ArenaContext,
  ch: ArenaChallenges,
  proof: Pick<ArenaProof, "columnEvals" | "tableEvals">,
  rho: readonly bigint[],
): bigint[] {
  const { shape } = ctx;
  const k = shape.columns.length;
  const T = shape.tables.length;
  const idx = arenaTableIndex(k, T);
  const betas = Fr.powers(ch.beta, ctx.maxArity);
  const alphas = shiftedAlphas(ctx, ch.alpha, ch.beta);
  const gammas = Fr.powers(ch.gamma, k + T);
  const values = new Array<bigint>(idx.count).fill(0n);
  let lm = 0n;
  let ls = 0n;
  shape.columns.forEach((c, i) => {
    const e = proof.columnEvals[i];
    values[idx.h(i)] = e.helper;
    values[idx.F(i)] = Fr.sub(alphas[ctx.columnTable[i]], Fr.innerProduct(betas.slice(0, e.components.length), e.components));
    ls = (ls + (1n << BigInt(c.numVars)) * e.helper) % Fr.MODULUS;
  });
  shape.tables.forEach((t, j) => {
    const e = proof.tableEvals[j];
    const low = rho.slice(0, t.table.numVars);
    let next = 0;
    const cols = t.table.columns.map((c) => (c.kind === "range" ? evaluateRange(c.lo, low) : e.external[next++]));
    values[idx.g(j)] = e.helper;
    values[idx.G(j)] = Fr.sub(alphas[j], Fr.innerProduct(betas.slice(0, cols.length), cols));
    lm = (lm + gammas[k + j] * e.multiplicity) % Fr.MODULUS;
    ls = (ls + (1n << BigInt(t.table.numVars)) * e.helper) % Fr.MODULUS;
  });
  values[idx.lm] = lm;
  values[idx.ls] = ls;
  return values;
}

/** The words of the "arena.evals" absorb: per column (h_i, f_{i,c}...), per table (g_t, m_t, external...). */
export function arenaEvalWords(proof: Pick<ArenaProof, "columnEvals" | "tableEvals">): bigint[] {
  const words: bigint[] = [];
  for (const e of proof.columnEvals) words.push(e.helper, ...e.components);
  for (const e of proof.tableEvals) words.push(e.helper, e.multiplicity, ...e.external);
  return words;
}

/** The claims of an accepted (or honestly proved) arena at ρ. */
export function arenaClaims(ctx: ArenaContext, proof: ArenaProof, rho: readonly bigint[]): ArenaClaims {
  const { shape, mLayout, hLayout } = ctx;
  const openings: ArenaOpeningClaim[] = [];
  const columns = shape.columns.map((c, i) => {
    const point = rho.slice(0, c.numVars);
    const e = proof.columnEvals[i];
    openings.push({ poly: "H", point: liftToSlot(hLayout, arenaSlotNames.witnessHelper(i), point), value: e.helper });
    return { table: c.table, point, values: [...e.components] };
  });
  const tableColumns: ArenaTableColumnClaim[] = [];
  shape.tables.forEach((t, j) => {
    const point = rho.slice(0, t.table.numVars);
    const e = proof.tableEvals[j];
    openings.push({ poly: "H", point: liftToSlot(hLayout, arenaSlotNames.tableHelper(t.id), point), value: e.helper });
    openings.push({
      poly: "M",
      point: liftToSlot(mLayout, arenaSlotNames.multiplicity(t.id), point),
      value: e.multiplicity,
    });
    let next = 0;
    t.table.columns.forEach((c, col) => {
      if (c.kind === "external") tableColumns.push({ table: t.id, column: col, point, value: e.external[next++] });
    });
  });
  return {
    commitments: { M: proof.multiplicities, H: proof.helpers },
    point: [...rho],
    columns,
    tableColumns,
    openings,
  };
}

/** The claims of a skipped arena (no witness columns): nothing to prove. */
export const SKIPPED_ARENA_CLAIMS: ArenaClaims = Object.freeze({
  commitments: null,
  point: [],
  columns: [],
  tableColumns: [],
  openings: [],
});
