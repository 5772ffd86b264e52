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
/** Degree of the zero-check with one helper per column: eq · h · (α − f). */
export const ARENA_DEGREE = 3;
/**
 * Largest helper group (witness columns per helper column). The zero-check's degree is s + 2 for groups of s
 * columns, and every round sends one word per degree: beyond a few columns the rounds cost more than H saves.
 */
export const MAX_HELPER_GROUP = 8;

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
  /** Witness columns per helper column: the shape's `helperGroup`, 1 when absent. */
  readonly groupSize: number;
  /**
   * The helper groups in order of their first column: each the indices of its witness columns (consecutive
   * columns of one size class; one column each when groupSize = 1). Group G's helper is slot `h:<first column>`.
   */
  readonly helperGroups: readonly (readonly number[])[];
  /** Helper group of each witness column. */
  readonly groupOf: readonly number[];
  /** The zero-check's degree: 3, or s + 2 when the largest group has s >= 2 columns. */
  readonly degree: number;
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
  const groupSize = shape.helperGroup ?? 1;
  if (!Number.isInteger(groupSize) || groupSize < 1 || groupSize > MAX_HELPER_GROUP) {
    throw new ArenaError(`arena: helperGroup ${groupSize} is not an integer in [1, ${MAX_HELPER_GROUP}]`);
  }
  const { helperGroups, groupOf } = groupColumns(shape, groupSize);
  const mLayout = slotLayout(
    shape.tables.map((t) => ({ name: arenaSlotNames.multiplicity(t.id), numVars: t.table.numVars })),
  );
  const hLayout = slotLayout([
    ...helperGroups.map((members) => ({ name: arenaSlotNames.witnessHelper(members[0]), numVars: shape.columns[members[0]].numVars })),
    ...shape.tables.map((t) => ({ name: arenaSlotNames.tableHelper(t.id), numVars: t.table.numVars })),
  ]);
  const drawsBeta = maxArity > 1 || shape.tables.length > 1;
  const largest = Math.max(1, ...helperGroups.map((m) => m.length));
  const degree = largest > 1 ? largest + 2 : ARENA_DEGREE;
  return { shape, columnTable, arity, maxArity, drawsBeta, numVars, mLayout, hLayout, groupSize, helperGroups, groupOf, degree };
}

/**
 * The helper groups: within each size class (columns of one numVars), consecutive runs of `size` columns in
 * column order (the class's last group may be smaller); groups ordered by their first column. Columns of
 * different sizes are never grouped (a group's helper has one size).
 */
function groupColumns(shape: ArenaShape, size: number): { helperGroups: number[][]; groupOf: number[] } {
  const open = new Map<number, number[]>();
  const helperGroups: number[][] = [];
  shape.columns.forEach((c, i) => {
    const current = open.get(c.numVars);
    if (current && current.length < size) current.push(i);
    else {
      const group = [i];
      open.set(c.numVars, group);
      helperGroups.push(group);
    }
  });
  const groupOf = new Array<number>(shape.columns.length);
  helperGroups.forEach((members, G) => members.forEach((i) => (groupOf[i] = G)));
  return { helperGroups, groupOf };
}

/** Whether column i is the first of its helper group (the one whose evaluations carry the group's h(ρ)). */
export function leadsGroup(ctx: ArenaContext, i: number): boolean {
  return ctx.helperGroups[ctx.groupOf[i]][0] === i;
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
  // Grouped helpers change the statement proved: the group size closes the absorb (absent when ungrouped, so
  // an ungrouped arena absorbs what it always has).
  if (ctx.groupSize > 1) words.push(BigInt(ctx.groupSize));
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
 * Positions of the zero-check's sum-check tables (the verifier's `combineTerms` values). Per helper group G:
 * h_G; per witness column i: F_i = α_t − Σ_c β^c f_{i,c}; per table t: g_t and G_t = α_t − Σ_c β^c t_{t,c};
 * then L_m = Σ_t γ^{K+t} m_t and L_s = Σ_G 2^{n_G} h_G + Σ_t 2^{n_t} g_t (K groups, k columns). Every table is
 * extended to N variables as a constant in its high variables.
 */
export function arenaTableIndex(groups: number, k: number, tables: number) {
  const base = groups + k;
  return {
    h: (G: number) => G,
    F: (i: number) => groups + i,
    g: (t: number) => base + 2 * t,
    G: (t: number) => base + 2 * t + 1,
    lm: base + 2 * tables,
    ls: base + 2 * tables + 1,
    count: base + 2 * tables + 2,
  };
}

/**
 * The constraint of helper group G as product terms (coefficient c = γ^G, eq point `eqPoint`) and its share of
 * the claim. One column i: c·h·F_i, claim share c (h·F = 1 on the cube). Columns i_1 … i_s, s >= 2:
 * c·h·Π_j F_{i_j} − c·Σ_j Π_{l≠j} F_{i_l}, claim share 0 (h·ΠF = Σ_j Π_{l≠j} F, i.e. h = Σ_j 1/F_{i_j}, when
 * no F is zero).
 */
export function groupTerms(
  members: readonly number[],
  c: bigint,
  h: number,
  F: (i: number) => number,
  eqPoint: readonly bigint[],
): { terms: ProductTerm[]; claim: bigint } {
  if (members.length === 1) return { terms: [{ coeff: c, factors: [h, F(members[0])], eqPoint }], claim: c };
  const minus = Fr.neg(c);
  const terms: ProductTerm[] = [{ coeff: c, factors: [h, ...members.map(F)], eqPoint }];
  members.forEach((_, j) => terms.push({ coeff: minus, factors: members.filter((_, l) => l !== j).map(F), eqPoint }));
  return { terms, claim: 0n };
}

/**
 * The zero-check, one sum-check over N variables (K helper groups; K = k without grouping):
 *
 *   Σ_x eq(τ, x)·[Σ_G γ^G Z_G(x) + Σ_t γ^{K+t} g_t(x)·G_t(x) + L_m(x)] + γ^{K+T}·Σ_x eq(½, x)·L_s(x)
 *     = Σ_{G of one column} γ^G,
 *
 * Z_G = h_G·F_i for a group of one column, h_G·Π_j F_{i_j} − Σ_j Π_{l≠j} F_{i_l} for a larger one
 * ({@link groupTerms}). On the cube h·F = 1, h_G·ΠF = Σ_j Π_{l≠j} F and g_t·G_t + m_t = 0 (eq(τ, ·) sums to 1);
 * eq(½, x) = 2^{−N}, so the last sum is Σ_G S_G + Σ_t S_{g,t} (S = a helper's sum over its own cube), which
 * LogUp needs to be 0. The sums are thus proved inside the zero-check: no sum is sent and no opening at a half
 * point is needed.
 */
export function arenaZeroCheck(ctx: ArenaContext, ch: ArenaChallenges): { terms: ProductTerm[]; claim: bigint } {
  const k = ctx.shape.columns.length;
  const K = ctx.helperGroups.length;
  const T = ctx.shape.tables.length;
  const idx = arenaTableIndex(K, k, T);
  const gammas = Fr.powers(ch.gamma, K + T + 1);
  const half = new Array<bigint>(ctx.numVars).fill(HALF);
  const terms: ProductTerm[] = [];
  let claim = 0n;
  ctx.helperGroups.forEach((members, G) => {
    const group = groupTerms(members, gammas[G], idx.h(G), idx.F, ch.tau);
    terms.push(...group.terms);
    claim = Fr.add(claim, group.claim);
  });
  for (let t = 0; t < T; t++) terms.push({ coeff: gammas[K + t], factors: [idx.g(t), idx.G(t)], eqPoint: ch.tau });
  terms.push({ coeff: 1n, factors: [idx.lm], eqPoint: ch.tau });
  terms.push({ coeff: gammas[K + T], factors: [idx.ls], eqPoint: half });
  return { terms, claim };
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
  const K = ctx.helperGroups.length;
  const T = shape.tables.length;
  const idx = arenaTableIndex(K, k, T);
  const betas = Fr.powers(ch.beta, ctx.maxArity);
  const alphas = shiftedAlphas(ctx, ch.alpha, ch.beta);
  const gammas = Fr.powers(ch.gamma, K + T);
  const values = new Array<bigint>(idx.count).fill(0n);
  let lm = 0n;
  let ls = 0n;
  shape.columns.forEach((c, i) => {
    const e = proof.columnEvals[i];
    values[idx.F(i)] = Fr.sub(alphas[ctx.columnTable[i]], Fr.innerProduct(betas.slice(0, e.components.length), e.components));
    if (!leadsGroup(ctx, i)) return;
    const helper = groupHelper(e, i);
    values[idx.h(ctx.groupOf[i])] = helper;
    ls = (ls + (1n << BigInt(c.numVars)) * helper) % Fr.MODULUS;
  });
  shape.tables.forEach((t, j) => {
    const e = proof.tableEvals[j];
    const low = rho.slice(0, t.table.numVars);
    let next = 0;
    const cols = t.table.columns.map((c) => (c.kind === "range" ? evaluateRange(c.lo, low) : e.external[next++]));
    values[idx.g(j)] = e.helper;
    values[idx.G(j)] = Fr.sub(alphas[j], Fr.innerProduct(betas.slice(0, cols.length), cols));
    lm = (lm + gammas[K + j] * e.multiplicity) % Fr.MODULUS;
    ls = (ls + (1n << BigInt(t.table.numVars)) * e.helper) % Fr.MODULUS;
  });
  values[idx.lm] = lm;
  values[idx.ls] = ls;
  return values;
}

/** A group-leading column's helper evaluation (the proof's shape was checked: it is there). */
function groupHelper(e: ArenaProof["columnEvals"][number], i: number): bigint {
  if (e.helper === undefined) throw new ArenaError(`arena proof: no helper evaluation for witness column ${i}, which leads its group`);
  return e.helper;
}

/**
 * The words of the "arena.evals" absorb: per column (its group's h(ρ) when it leads the group, f_{i,c}...), per
 * table (g_t, m_t, external...).
 */
export function arenaEvalWords(proof: Pick<ArenaProof, "columnEvals" | "tableEvals">): bigint[] {
  const words: bigint[] = [];
  for (const e of proof.columnEvals) {
    if (e.helper !== undefined) words.push(e.helper);
    words.push(...e.components);
  }
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
    if (leadsGroup(ctx, i)) {
      openings.push({ poly: "H", point: liftToSlot(hLayout, arenaSlotNames.witnessHelper(i), point), value: groupHelper(e, i) });
    }
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
