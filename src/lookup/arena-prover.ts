/**
 * The arena prover (spec: docs/lookup.md, "The arena"). Message order:
 *
 *   [arena.shape] | M | β?, α | H | γ, τ | zero-check sum-check (N rounds, degree 3) | evaluations
 *
 * It returns the proof, the claims the verifier will derive (identical), and the tables of M and H for the
 * caller's batch opening.
 */
import * as Fr from "../field/fr";
import { threadCount } from "../msm";
import { absorbChunked, commitChunked } from "../pcs/chunked";
import { evaluateMle } from "../poly/mle";
import { slotTable } from "../poly/slots";
import { groupedKernels, loadArenaKernels, type NativeArenaKernels } from "./arena-native";
import { packedColumnEvals, packedHelpers, packedZeroCheckGroups, type PackedIndex } from "./arena-packed";
import { provePackedZeroCheck } from "./arena-packed-sumcheck";
import { invert, shifted, zeroCheckGroups } from "./arena-bigint";
import { proveSizedSumcheck, type SizedSumcheckResult } from "./arena-sumcheck";
import {
  absorbArenaShape,
  arenaClaims,
  arenaContext,
  arenaEvalWords,
  arenaSlotNames,
  arenaZeroCheck,
  assertCanonical,
  columnName,
  drawArenaAlphaBeta,
  leadsGroup,
  drawZeroCheckChallenges,
  shiftedAlphas,
  SKIPPED_ARENA_CLAIMS,
  type ArenaContext,
} from "./arena-protocol";
import {
  ARENA_LABELS,
  ArenaError,
  chunkedCommitments,
  type ArenaColumn,
  type ArenaLookupTable,
  type ArenaProof,
  type ArenaShape,
  type ArenaTable,
  type ProveArenaParameters,
  type ProveArenaResult,
} from "./arena-types";

/** The verifier's view of prover inputs: external columns without values, components dropped. */
export function arenaShape(tables: readonly ArenaTable[], columns: readonly ArenaColumn[], helperGroup?: number): ArenaShape {
  return {
    ...(helperGroup === undefined ? {} : { helperGroup }),
    tables: tables.map((t) => ({
      id: t.id,
      table: {
        numVars: t.table.numVars,
        columns: t.table.columns.map((c) => (c.kind === "range" ? { kind: "range", lo: c.lo } : { kind: "external" })),
      },
    })),
    columns: columns.map((c) => (c.label === undefined ? { table: c.table, numVars: c.numVars } : { table: c.table, numVars: c.numVars, label: c.label })),
  };
}

/**
 * Proves that every entry of every witness column is a row of its table, absorbing into `transcript` exactly
 * what {@link verifyArena} absorbs. No witness columns: a skipped arena (nothing absorbed, `proof` null).
 *
 * @throws {ArenaError} on malformed tables or columns, an entry outside its table (named: column, entry, tuple),
 *   or a challenge α hitting a fingerprint (probability <= entries/r: not a retry case)
 */
export function proveArena(params: ProveArenaParameters): ProveArenaResult {
  return proveArenaWith(params, undefined) as ProveArenaResult;
}

/** The arena's committed tables with H packed (see {@link proveArenaPacked}). */
export interface PackedArenaPolys {
  readonly M: readonly bigint[];
  /** Packed words when the native arena kernels are loaded, else bigints. */
  readonly H: readonly bigint[] | Uint8Array;
}

/** {@link proveArena}'s result with {@link PackedArenaPolys}. */
export type PackedArenaResult = Omit<ProveArenaResult, "polys"> & { readonly polys: PackedArenaPolys | null };

/**
 * {@link proveArena} — the same proof — with the helpers, H and the zero-check on packed Fr vectors in the native
 * kernels when they are loaded (src/lookup/arena-packed.ts): the whole-model prover's path, where H reaches 2^25
 * entries and goes on packed into the batch opening. Without them it is {@link proveArena}.
 */
export function proveArenaPacked(params: ProveArenaParameters): PackedArenaResult {
  return proveArenaWith(params, loadArenaKernels());
}

function proveArenaWith(params: ProveArenaParameters, kernels: NativeArenaKernels | undefined): PackedArenaResult {
  const { srs, tables, columns, transcript } = params;
  const ctx = arenaContext(arenaShape(tables, columns, params.helperGroup));
  if (columns.length === 0) return { proof: null, claims: SKIPPED_ARENA_CLAIMS, polys: null };
  const tableCols = tables.map((t) => tableValues(t));
  checkColumns(ctx, columns);
  const { m, rows } = multiplicities(ctx, tableCols, columns, params.unsafeMultiplicities);

  absorbArenaShape(transcript, ctx);
  const M = slotTable(ctx.mLayout, (name) => m[tables.findIndex((t) => arenaSlotNames.multiplicity(t.id) === name)]);
  const mCommitment = commitChunked(srs, M, params.chunkBits ?? null);
  absorbChunked(transcript, ARENA_LABELS.multiplicities, mCommitment);
  const { alpha, beta } = drawArenaAlphaBeta(transcript, ctx);

  // F_i = α_t − Σ_c β^c f_{i,c}, G_t = α_t − Σ_c β^c t_{t,c}; h_i = 1/F_i, g_t = −m_t/G_t = m_t/(t_t − α_t).
  const betas = Fr.powers(beta, ctx.maxArity);
  const alphas = shiftedAlphas(ctx, alpha, beta);
  const inputs: BodyInputs = { ctx, params, tableCols, m, rows, alpha, beta, alphas, betas };
  const usable = groupedKernels(kernels, ctx.groupSize);
  const { H, hCommitment, sc, proofBody } = usable ? packedBody(usable, inputs) : bigintBody(inputs);
  transcript.absorbScalars(ARENA_LABELS.evals, arenaEvalWords(proofBody));
  const proof: ArenaProof = { ...chunkedCommitments(mCommitment, hCommitment), sumcheck: sc.proof, ...proofBody };
  return { proof, claims: arenaClaims(ctx, proof, sc.point), polys: { M, H } };
}

/** What both bodies share: the validated inputs and the fingerprint challenges. */
interface BodyInputs {
  readonly ctx: ArenaContext;
  readonly params: ProveArenaParameters;
  readonly tableCols: readonly bigint[][][];
  readonly m: bigint[][];
  /** The table row of every entry of each witness column (null for a column with entries outside its table). */
  readonly rows: readonly (Uint32Array | null)[];
  readonly alpha: bigint;
  readonly beta: bigint;
  readonly alphas: readonly bigint[];
  readonly betas: readonly bigint[];
}

/** H committed and absorbed, the zero-check proved, the evaluations at ρ (not yet absorbed). */
interface Body {
  readonly H: readonly bigint[] | Uint8Array;
  /** H's commitment: its chunks' (src/pcs/chunked.ts), one when unchunked. */
  readonly hCommitment: readonly ArenaProof["helpers"][];
  readonly sc: SizedSumcheckResult;
  readonly proofBody: Omit<ArenaProof, "multiplicities" | "helpers" | "sumcheck">;
}

/** The bigint path: every vector a bigint[] (small arenas, and every arena without the native kernels). */
function bigintBody({ ctx, params, tableCols, m, alpha, beta, alphas, betas }: BodyInputs): Body {
  const { srs, tables, columns, transcript } = params;
  const F = columns.map((c, i) => shifted(alphas[ctx.columnTable[i]], c.components, betas));
  const G = tableCols.map((cols, t) => shifted(alphas[t], cols, betas));
  // One helper per group: h_G = Σ_j 1/F_{i_j} (h_i = 1/F_i for a group of one column).
  const h = ctx.helperGroups.map((members) => {
    const [first, ...rest] = members.map((i) => invert(F[i]));
    for (const inv of rest) inv.forEach((v, x) => (first[x] = Fr.add(first[x], v)));
    return first;
  });
  const g = G.map((Gt, t) => invert(Gt).map((x, y) => Fr.neg(Fr.mul(m[t][y], x))));
  const helperOf = (name: string) => {
    const G = ctx.helperGroups.findIndex((members) => arenaSlotNames.witnessHelper(members[0]) === name);
    return G >= 0 ? h[G] : g[tables.findIndex((t) => arenaSlotNames.tableHelper(t.id) === name)];
  };
  const H = slotTable(ctx.hLayout, helperOf);
  const hCommitment = commitChunked(srs, H, params.chunkBits ?? null);
  absorbChunked(transcript, ARENA_LABELS.helpers, hCommitment);

  const { gamma, tau } = drawZeroCheckChallenges(transcript, ctx);
  const check = arenaZeroCheck(ctx, { alpha, beta, gamma, tau });
  const zc = zeroCheckGroups(ctx, gamma, tau, { h, F, g, G, m });
  // The sum-check binds h, F, g, G and m in place: none is read again (H holds its own copy of h and g).
  const sc = proveSizedSumcheck({ numVars: ctx.numVars, degree: ctx.degree, groups: zc.groups, transcript, inPlace: true });
  assertClaim(params, sc.claim, check.claim);
  const rho = sc.point;
  const at = (where: { group: number; table: number }) => sc.finalEvaluations[where.group][where.table];
  return {
    H,
    hCommitment,
    sc,
    proofBody: {
      columnEvals: columns.map((c, i) => ({
        ...(leadsGroup(ctx, i) ? { helper: at(zc.h[ctx.groupOf[i]]) } : {}),
        components: c.components.map((comp) => evaluateMle(comp, rho.slice(0, c.numVars))),
      })),
      tableEvals: tableEvals(params.tables, tableCols, rho, (j) => ({ helper: at(zc.g[j]), multiplicity: at(zc.m[j]) })),
    },
  };
}

/**
 * The packed path (src/lookup/arena-packed.ts): helpers written into packed H by the native kernels, H committed as
 * it is, the zero-check on packed vectors on every core; the same field elements, so the same proof.
 */
function packedBody(kernels: NativeArenaKernels, { ctx, params, tableCols, m, rows, alpha, beta, alphas, betas }: BodyInputs): Body {
  const { srs, columns, transcript } = params;
  const threads = threadCount();
  const helpers = packedHelpers(kernels, ctx, columns, tableCols, m, alphas, betas, threads, rows);
  const hCommitment = commitChunked(srs, helpers.H, params.chunkBits ?? null);
  absorbChunked(transcript, ARENA_LABELS.helpers, hCommitment);

  const { gamma, tau } = drawZeroCheckChallenges(transcript, ctx);
  const check = arenaZeroCheck(ctx, { alpha, beta, gamma, tau });
  const zc = packedZeroCheckGroups(kernels, ctx, helpers, m, gamma, threads);
  const sc = provePackedZeroCheck({ numVars: ctx.numVars, degree: ctx.degree, tau, groups: zc.groups, transcript, kernels, threads });
  assertClaim(params, sc.claim, check.claim);
  const at = (where: PackedIndex) => sc.finalEvaluations[where.group][where.table];
  const components = packedColumnEvals(ctx, zc, sc.finalEvaluations, alphas, betas, gamma);
  return {
    H: helpers.H,
    hCommitment,
    sc,
    proofBody: {
      columnEvals: columns.map((_, i) => ({
        ...(leadsGroup(ctx, i) ? { helper: at(zc.h[ctx.groupOf[i]]) } : {}),
        components: components[i],
      })),
      tableEvals: tableEvals(params.tables, tableCols, sc.point, (j) => ({ helper: at(zc.g[j]), multiplicity: at(zc.m[j]) })),
    },
  };
}

/** An honest prover's sum is the claim; a test cheater's is not (and the verifier rejects it). */
function assertClaim(params: ProveArenaParameters, sum: bigint, claim: bigint): void {
  if (!params.unsafeMultiplicities && sum !== claim) {
    throw new ArenaError("arena: the zero-check sum is not its claim (internal error or an alpha collision)");
  }
}

/** Per table: g_t(ρ) and m_t(ρ) from the zero-check, and each external column at ρ_<n_t. */
function tableEvals(
  tables: readonly ArenaTable[],
  tableCols: readonly bigint[][][],
  rho: readonly bigint[],
  bound: (j: number) => { helper: bigint; multiplicity: bigint },
): ArenaProof["tableEvals"] {
  return tables.map((t, j) => {
    const low = rho.slice(0, t.table.numVars);
    return {
      ...bound(j),
      external: t.table.columns.flatMap((c, col) => (c.kind === "external" ? [evaluateMle(tableCols[j][col], low)] : [])),
    };
  });
}

/** The 2^n_t values of every column of a table (range columns generated, external ones checked). */
function tableValues(t: ArenaTable): bigint[][] {
  const size = 2 ** t.table.numVars;
  return t.table.columns.map((c, col) => {
    if (c.kind === "range") return Array.from({ length: size }, (_, y) => Fr.reduce(c.lo + BigInt(y)));
    if (!c.values) throw new ArenaError(`arena: table "${t.id}" column ${col} is external but has no values (prover side)`);
    if (c.values.length !== size) {
      throw new ArenaError(`arena: table "${t.id}" column ${col} has ${c.values.length} values, expected 2^${t.table.numVars}`);
    }
    c.values.forEach((v, y) => assertCanonical(v, `arena: table "${t.id}" column ${col}, row ${y}`));
    return [...c.values];
  });
}

/** Arity and length (2^numVars, every entry canonical) of every witness column. */
function checkColumns(ctx: ArenaContext, columns: readonly ArenaColumn[]): void {
  columns.forEach((col, i) => {
    const arity = ctx.arity[ctx.columnTable[i]];
    const name = columnName(ctx.shape, i);
    if (col.components.length !== arity) {
      throw new ArenaError(`arena: ${name} has ${col.components.length} components, table "${col.table}" has ${arity}`);
    }
    col.components.forEach((comp, c) => {
      if (comp.length !== 2 ** col.numVars) {
        throw new ArenaError(`arena: ${name} component ${c} has ${comp.length} entries, expected 2^${col.numVars}`);
      }
      // The message is built only for a bad entry: at 2^24 entries a string per entry costs seconds.
      for (let x = 0; x < comp.length; x++) {
        const v = comp[x];
        if (typeof v !== "bigint" || v < 0n || v >= Fr.MODULUS) assertCanonical(v, `arena: ${name}, component ${c}, entry ${x}`);
      }
    });
  });
}

/** Multiplicities and where each witness entry sits in its table. */
interface Multiplicities {
  readonly m: bigint[][];
  /** Per witness column, the row of each entry; null when some entry is in no row (only under the test hook). */
  readonly rows: (Uint32Array | null)[];
}

/** A row index that no table has (tables have at most 2^24 rows). */
const NO_ROW = 0xffffffff;

/**
 * m_t(y) = number of witness entries (over all columns into t) equal to row y; a tuple in several rows counts on
 * its first (and that row is the entry's). Refuses an entry outside its table, by name — unless the test hook
 * supplies multiplicities, in which case such entries are skipped and the hook's vectors replace the computed ones.
 */
function multiplicities(
  ctx: ArenaContext,
  tableCols: readonly (readonly bigint[][])[],
  columns: readonly ArenaColumn[],
  unsafe: ProveArenaParameters["unsafeMultiplicities"],
): Multiplicities {
  const rowsIn = tableCols.map((cols, t) => rowFinder(cols, ctx.shape.tables[t].table.columns));
  const counts = tableCols.map((cols) => new Int32Array(cols[0].length));
  const rows = columns.map((col, i) => {
    const t = ctx.columnTable[i];
    const found = new Uint32Array(2 ** col.numVars);
    rowsIn[t](col.components, found);
    const count = counts[t];
    let complete = true;
    for (let x = 0; x < found.length; x++) {
      const y = found[x];
      if (y !== NO_ROW) count[y]++;
      else if (!unsafe) {
        const tuple = col.components.map((c) => c[x].toString()).join(", ");
        throw new ArenaError(`arena: ${columnName(ctx.shape, i)}, entry ${x} = (${tuple}) is not a row of table "${col.table}"`);
      } else complete = false;
    }
    return complete ? found : null;
  });
  const m = ctx.shape.tables.map((t, j) => {
    const given = unsafe?.get(t.id);
    if (!given) return Array.from(counts[j], (c) => BigInt(c));
    if (given.length !== 2 ** t.table.numVars) {
      throw new ArenaError(`arena: ${given.length} multiplicities for table "${t.id}" of 2^${t.table.numVars} rows`);
    }
    return given.map((v, y) => assertCanonical(v, `arena: multiplicity ${y} of table "${t.id}"`));
  });
  return { m, rows };
}

/**
 * Writes into `rows[x]` the first row of the table equal to entry x of `components`, or NO_ROW. With a range column
 * [lo, lo + 2^n) the row is fixed by that component alone (y = v − lo mod r; range values are distinct, so no
 * tuple is in two rows) and the others are compared at y; otherwise the rows sharing component 0 are tried in
 * order. No string keys: at 2^24 witness entries they cost seconds. Entries are canonical (checked before).
 */
function rowFinder(
  cols: readonly (readonly bigint[])[],
  kinds: ArenaLookupTable["columns"],
): (components: readonly (readonly bigint[])[], rows: Uint32Array) => void {
  const size = BigInt(cols[0].length);
  const matchesAt = (components: readonly (readonly bigint[])[], x: number, y: number, skip: number) => {
    for (let c = 0; c < cols.length; c++) if (c !== skip && components[c][x] !== cols[c][y]) return false;
    return true;
  };
  const r = kinds.findIndex((c) => c.kind === "range");
  if (r >= 0) {
    const lo = (kinds[r] as { lo: bigint }).lo;
    const single = cols.length === 1;
    return (components, rows) => {
      const key = components[r];
      for (let x = 0; x < rows.length; x++) {
        const v = key[x];
        let y = NO_ROW;
        if (lo === 0n) {
          if (v < size) y = Number(v);
        } else {
          let d = v - lo;
          if (d < 0n) d += Fr.MODULUS;
          if (d < size) y = Number(d);
        }
        rows[x] = y !== NO_ROW && (single || matchesAt(components, x, y, r)) ? y : NO_ROW;
      }
    };
  }
  const byFirst = new Map<bigint, number[]>();
  cols[0].forEach((v, y) => {
    const rows = byFirst.get(v);
    if (rows) rows.push(y);
    else byFirst.set(v, [y]);
  });
  return (components, rows) => {
    for (let x = 0; x < rows.length; x++) rows[x] = byFirst.get(components[0][x])?.find((y) => matchesAt(components, x, y, 0)) ?? NO_ROW;
  };
}
