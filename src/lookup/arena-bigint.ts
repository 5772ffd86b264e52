/**
 * The arena prover's bigint building blocks (every vector a bigint[]): the shifted columns, their inverses and the
 * zero-check's size groups for `proveSizedSumcheck`. The path of `proveArena` (small arenas, and every arena
 * without the native kernels); the packed twin is src/lookup/arena-packed.ts.
 */
import * as Fr from "../field/fr";
import type { ProductTerm } from "../sumcheck";
import { groupTerms, type ArenaContext } from "./arena-protocol";
import type { SizedGroup } from "./arena-sumcheck";
import { ArenaError } from "./arena-types";
import { HALF } from "./protocol";

/** α_t − Σ_c β^c·components[c][x] for every x. */
export function shifted(alphaT: bigint, components: readonly (readonly bigint[])[], betas: readonly bigint[]): bigint[] {
  const size = components[0].length;
  const out = new Array<bigint>(size);
  for (let x = 0; x < size; x++) {
    let acc = 0n;
    for (let c = 0; c < components.length; c++) acc += betas[c] * components[c][x];
    out[x] = Fr.sub(alphaT, Fr.reduce(acc));
  }
  return out;
}

/**
 * 1/v for every entry (one batch inversion per vector: a single one over every column would hold the flattened,
 * negated and prefix-product copies of all of them at once — 5 GB at 2^25 entries); a zero means α hit a
 * fingerprint.
 */
export function invert(vector: readonly bigint[]): bigint[] {
  if (vector.includes(0n)) throw new ArenaError("arena: the challenge alpha equals a fingerprint (probability <= entries/r)");
  return Fr.batchInvert(vector);
}

/** Where a table sits among the sum-check groups. */
export interface GroupIndex {
  readonly group: number;
  readonly table: number;
}

/**
 * The zero-check of `arenaZeroCheck` split by size: tables of n variables form one group, stored at their own
 * size (constant in the high variables). Per helper group G: γ^G·eq(τ)·Z_G (`groupTerms`: h·F for one column)
 * and γ^{K+T}·2^{n_G}·eq(½)·h_G; per table: γ^{K+t}·eq(τ)·(g_t·G_t + m_t) and γ^{K+T}·2^{n_t}·eq(½)·g_t — the
 * same polynomial as the terms of `arenaZeroCheck` (whose L_m and L_s tables are these sums). `p.h` has one
 * helper per helper group, `p.F` one shifted column per witness column; `h` and `F` of the result index them.
 */
export function zeroCheckGroups(
  ctx: ArenaContext,
  gamma: bigint,
  tau: readonly bigint[],
  p: { h: bigint[][]; F: bigint[][]; g: bigint[][]; G: bigint[][]; m: bigint[][] },
): { groups: SizedGroup[]; h: GroupIndex[]; F: GroupIndex[]; g: GroupIndex[]; m: GroupIndex[] } {
  const k = ctx.helperGroups.length;
  const T = p.g.length;
  const gammas = Fr.powers(gamma, k + T + 1);
  const half = new Array<bigint>(ctx.numVars).fill(HALF);
  const bySize = new Map<number, { tables: bigint[][]; terms: ProductTerm[] }>();
  const groupOf = (n: number) => {
    let g = bySize.get(n);
    if (!g) bySize.set(n, (g = { tables: [], terms: [] }));
    return g;
  };
  const add = (n: number, table: bigint[]): GroupIndex => {
    const g = groupOf(n);
    g.tables.push(table);
    return { group: n, table: g.tables.length - 1 };
  };
  const sumWeight = (n: number) => Fr.mul(gammas[k + T], 1n << BigInt(n));
  const F = new Array<GroupIndex>(p.F.length);
  const h = ctx.helperGroups.map((members, G) => {
    const n = ctx.shape.columns[members[0]].numVars;
    const at = add(n, p.h[G]);
    for (const i of members) F[i] = add(n, p.F[i]);
    const { terms } = groupTerms(members, gammas[G], at.table, (i) => F[i].table, tau);
    groupOf(n).terms.push(...terms, { coeff: sumWeight(n), factors: [at.table], eqPoint: half });
    return at;
  });
  const g: GroupIndex[] = [];
  const m = p.g.map((gt, t) => {
    const n = ctx.shape.tables[t].table.numVars;
    const gAt = add(n, gt);
    const G = add(n, p.G[t]);
    const mAt = add(n, p.m[t]);
    groupOf(n).terms.push(
      { coeff: gammas[k + t], factors: [gAt.table, G.table], eqPoint: tau },
      { coeff: gammas[k + t], factors: [mAt.table], eqPoint: tau },
      { coeff: sumWeight(n), factors: [gAt.table], eqPoint: half },
    );
    g.push(gAt);
    return mAt;
  });
  const sizes = [...bySize.keys()];
  const position = new Map(sizes.map((n, idx) => [n, idx]));
  const groups = sizes.map((n) => ({ numVars: n, ...bySize.get(n)! }));
  const place = (x: GroupIndex): GroupIndex => ({ group: position.get(x.group)!, table: x.table });
  return { groups, h: h.map(place), F: F.map(place), g: g.map(place), m: m.map(place) };
}
