/**
 * The arena prover's helper columns and zero-check on packed Fr vectors (native kernels): the path of
 * `proveArenaPacked` for a whole-model proof, where H reaches 2^24–2^25 entries. Same field elements as the
 * bigint path of src/lookup/arena-prover.ts, so the same proof word for word (test/lookup/arena-packed.test.ts).
 *
 * - {@link packedHelpers}: per table G_t = α_t − Σ_c β^c t_{t,c} and g_t = −m_t/G_t, per witness column
 *   F_i = α_t − Σ_c β^c f_{i,c} and h_i = 1/F_i, each helper written straight into its slot of H. A column whose
 *   entries' table rows y(x) are known (the multiplicities found them) gathers F_i = G_t[y], h_i = (1/G_t)[y]: one
 *   inversion per table row (Montgomery's trick on both cores), none per witness entry.
 * - {@link packedZeroCheckGroups}: the zero-check's groups (src/lookup/arena-packed-sumcheck.ts) over views of H
 *   (h, g: no copy; the first binding writes new halves), F and G scaled in place by their term's power of γ,
 *   m packed, and each extra component of a column of arity > 1 bound along ("passive") to be evaluated at ρ.
 * - {@link packedColumnEvals}: the witness columns' evaluations at ρ. Component 0 needs no binding of its own:
 *   F_i(ρ) = α_t − Σ_c β^c f_{i,c}(ρ) (every map is linear), and F_i's bound value is γ^i·F_i(ρ).
 */
import * as Fr from "../field/fr";
import type { SlotLayout } from "../poly/slots";
import { arenaSlotNames, type ArenaContext } from "./arena-protocol";
import type { NativeArenaKernels } from "./arena-native";
import { packFrWords } from "./arena-words";
import type { PackedZeroCheckGroup } from "./arena-packed-sumcheck";
import { ArenaError, type ArenaColumn } from "./arena-types";

const WORD = 32;

/** What {@link packedHelpers} builds. */
export interface PackedHelpers {
  /** H: every helper at its slot, zeros elsewhere (2^hVars words). */
  readonly H: Uint8Array;
  /** F_i per witness column. */
  readonly F: Uint8Array[];
  /** Components 1 .. a−1 of each witness column, packed (empty for arity 1). */
  readonly extra: Uint8Array[][];
  /** G_t per table. */
  readonly G: Uint8Array[];
}

/**
 * H, F and G (see the module comment). `tableCols[t]` are table t's column values, `m[t]` its multiplicities.
 * `rows[i]`, when given, is the table row of every entry of witness column i (from the multiplicities): then
 * F_i(x) = G_t[y(x)], h_i(x) = 1/G_t[y(x)] and the components c >= 1 are table t's column c at y(x) — the same
 * field elements, as gathers from the table's vectors (one inversion per table row instead of one per witness
 * entry). A column without rows (a test's dishonest entries outside the table), or an addon without
 * `arenaGather`, takes the per-entry kernel `arenaHelperColumn`.
 * @throws {ArenaError} when α hits a fingerprint (some F or G entry is zero; probability <= entries/r)
 */
export function packedHelpers(
  kernels: NativeArenaKernels,
  ctx: ArenaContext,
  columns: readonly ArenaColumn[],
  tableCols: readonly (readonly bigint[][])[],
  m: readonly bigint[][],
  alphas: readonly bigint[],
  betas: readonly bigint[],
  threads: number,
  rows?: readonly (Uint32Array | null)[],
): PackedHelpers {
  const H = new Uint8Array(WORD * 2 ** ctx.hLayout.numVars);
  const helper = (components: readonly (readonly bigint[])[], t: number, scales: readonly bigint[] | null, slot: string, accumulate = false) =>
    fingerprintGuard(() => kernels.arenaHelperColumn(components, betas.slice(0, components.length), alphas[t], scales, H, slotOffset(ctx.hLayout, slot), threads, accumulate));
  // Tables first: G_t (and g_t = −m_t/G_t written into H), its other columns packed for the gathers.
  const tables = tableCols.map((cols, t) => {
    const negM = m[t].map((v) => Fr.neg(v));
    const [G, ...rest] = helper(cols, t, negM, arenaSlotNames.tableHelper(ctx.shape.tables[t].id));
    return { G, rest, inverse: undefined as Uint8Array | undefined };
  });
  const gather = kernels.arenaGather && kernels.arenaInverse ? { gather: kernels.arenaGather, inverse: kernels.arenaInverse } : undefined;
  const F: Uint8Array[] = [];
  const extra: Uint8Array[][] = [];
  columns.forEach((c, i) => {
    // A helper group's columns write into its first column's slot: the first one sets it, the others add.
    const first = ctx.helperGroups[ctx.groupOf[i]][0];
    const slot = arenaSlotNames.witnessHelper(first);
    const y = rows?.[i];
    if (!gather || !y) {
      const [f, ...rest] = helper(c.components, ctx.columnTable[i], null, slot, first !== i);
      F.push(f);
      extra.push(rest);
      return;
    }
    const table = tables[ctx.columnTable[i]];
    table.inverse ??= fingerprintGuard(() => gather.inverse(table.G, threads));
    gather.gather(table.inverse, y, H, slotOffset(ctx.hLayout, slot), first !== i, threads);
    F.push(gather.gather(table.G, y, null, 0, false, threads));
    extra.push(table.rest.map((col) => gather.gather(col, y, null, 0, false, threads)));
  });
  return { H, F, extra, G: tables.map((t) => t.G) };
}

/** Runs a helper kernel, turning its zero-entry RangeError into the arena's refusal. */
function fingerprintGuard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError && /is zero/.test(error.message)) {
      throw new ArenaError("arena: the challenge alpha equals a fingerprint (probability <= entries/r)");
    }
    throw error;
  }
}

/** Word offset of a named slot. */
function slotOffset(layout: SlotLayout, name: string): number {
  const slot = layout.slots.find((s) => s.name === name);
  if (!slot) throw new ArenaError(`arena: no slot "${name}" in H (internal error)`);
  return slot.offset;
}

/** Where a table sits among the groups. */
export interface PackedIndex {
  readonly group: number;
  readonly table: number;
}

/**
 * The groups and where each helper group's h, each column's F (scaled by `Fscale[i]`) and extra components and
 * each table's g, m sit in them.
 */
export interface PackedZeroCheck {
  readonly groups: PackedZeroCheckGroup[];
  readonly h: PackedIndex[];
  readonly F: PackedIndex[];
  readonly Fscale: bigint[];
  readonly extra: PackedIndex[][];
  readonly g: PackedIndex[];
  readonly m: PackedIndex[];
}

/**
 * The zero-check of `arenaZeroCheck` split by size (the same polynomial as `zeroCheckGroups` of
 * arena-bigint.ts): per helper group G of one column i the pair (h_G, γ^G·F_i), of s >= 2 columns the product
 * (h_G, F_{i_1} … F_{i_s}, coefficient γ^G), and the half term h_G; per table t the pair (g_t, γ^{K+t}·G_t), the
 * single γ^{K+t}·m_t and the half term g_t; half coefficient γ^{K+T}·2^n. Scales F (of one-column groups) and G in
 * place (they are given up).
 */
export function packedZeroCheckGroups(
  kernels: NativeArenaKernels,
  ctx: ArenaContext,
  helpers: PackedHelpers,
  m: readonly bigint[][],
  gamma: bigint,
  threads: number,
): PackedZeroCheck {
  const k = ctx.helperGroups.length;
  const T = ctx.shape.tables.length;
  const gammas = Fr.powers(gamma, k + T + 1);
  const Fscale = ctx.groupOf.map((G) => (ctx.helperGroups[G].length === 1 ? gammas[G] : 1n));
  kernels.arenaScale(helpers.F, Fscale, threads);
  kernels.arenaScale(helpers.G, gammas.slice(k, k + T), threads);
  interface Building {
    tables: Uint8Array[];
    pairs: [number, number][];
    products: { h: number; fs: number[]; coeff: bigint }[];
    singles: { table: number; coeff: bigint }[];
    halves: number[];
  }
  const bySize = new Map<number, Building>();
  const add = (n: number, table: Uint8Array): PackedIndex => {
    let g = bySize.get(n);
    if (!g) bySize.set(n, (g = { tables: [], pairs: [], products: [], singles: [], halves: [] }));
    g.tables.push(table);
    return { group: n, table: g.tables.length - 1 };
  };
  const view = (name: string, n: number) => {
    const offset = slotOffset(ctx.hLayout, name);
    return helpers.H.subarray(WORD * offset, WORD * (offset + 2 ** n));
  };
  const h: PackedIndex[] = [];
  const F: PackedIndex[] = [];
  const extra: PackedIndex[][] = [];
  ctx.helperGroups.forEach((members, G) => {
    const n = ctx.shape.columns[members[0]].numVars;
    const hi = add(n, view(arenaSlotNames.witnessHelper(members[0]), n));
    const fs = members.map((i) => add(n, helpers.F[i]));
    const g = bySize.get(n)!;
    if (members.length === 1) g.pairs.push([hi.table, fs[0].table]);
    else g.products.push({ h: hi.table, fs: fs.map((f) => f.table), coeff: gammas[G] });
    g.halves.push(hi.table);
    h.push(hi);
    members.forEach((i, j) => (F[i] = fs[j]));
  });
  ctx.shape.columns.forEach((c, i) => extra.push(helpers.extra[i].map((e) => add(c.numVars, e))));
  const g: PackedIndex[] = [];
  const mIdx: PackedIndex[] = [];
  ctx.shape.tables.forEach((t, j) => {
    const n = t.table.numVars;
    const gi = add(n, view(arenaSlotNames.tableHelper(t.id), n));
    const Gi = add(n, helpers.G[j]);
    const mi = add(n, packFrWords(kernels, m[j], m[j].length));
    const grp = bySize.get(n)!;
    grp.pairs.push([gi.table, Gi.table]);
    grp.singles.push({ table: mi.table, coeff: gammas[k + j] });
    grp.halves.push(gi.table);
    g.push(gi);
    mIdx.push(mi);
  });
  const sizes = [...bySize.keys()];
  const position = new Map(sizes.map((n, idx) => [n, idx]));
  const groups = sizes.map((n) => ({ numVars: n, halfCoeff: Fr.mul(gammas[k + T], 1n << BigInt(n)), ...bySize.get(n)! }));
  const place = (x: PackedIndex): PackedIndex => ({ group: position.get(x.group)!, table: x.table });
  return {
    groups,
    h: h.map(place),
    F: F.map(place),
    Fscale,
    extra: extra.map((e) => e.map(place)),
    g: g.map(place),
    m: mIdx.map(place),
  };
}

/**
 * Each witness column's components at ρ (restricted to its variables) from the bound values: components 1..
 * directly; component 0 = α_t − F_i(ρ) − Σ_{c>=1} β^c f_{i,c}(ρ) with F_i(ρ) = (c_i·F_i)(ρ)·c_i^{−1}, c_i the
 * scale of F_i (γ^G for a one-column helper group G, 1 in a larger group).
 * @throws {ArenaError} when γ = 0 (probability 1/r): F_i(ρ) cannot be recovered from γ^G·F_i
 */
export function packedColumnEvals(
  ctx: ArenaContext,
  zc: PackedZeroCheck,
  finals: readonly (readonly bigint[])[],
  alphas: readonly bigint[],
  betas: readonly bigint[],
  gamma: bigint,
): bigint[][] {
  if (gamma === 0n) throw new ArenaError("arena: the challenge gamma is zero (probability 1/r)");
  const unscales = Fr.batchInvert(zc.Fscale);
  return ctx.shape.columns.map((_, i) => {
    const at = (x: PackedIndex) => finals[x.group][x.table];
    const Fi = Fr.mul(at(zc.F[i]), unscales[i]);
    const rest = zc.extra[i].map(at);
    let acc = Fr.sub(alphas[ctx.columnTable[i]], Fi);
    rest.forEach((v, c) => (acc = Fr.sub(acc, Fr.mul(betas[c + 1], v))));
    return [acc, ...rest];
  });
}
