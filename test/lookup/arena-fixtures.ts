/**
 * Shared fixtures for the arena tests: instances, tampering of every proof word, and the caller-side resolution
 * of an arena's claims (the one batch opening, the witness and table-column claims).
 */
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import type { ArenaClaims, ArenaColumn, ArenaProof, ArenaTable } from "../../src/lookup";
import { proveBatchOpening, verifyBatchOpening, type OpeningClaim } from "../../src/pcs/batch";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import type { Srs } from "../../src/pcs/srs";
import { evaluateMle } from "../../src/poly";
import type { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";
import { randomInts } from "./helpers";

/** A column of 2^numVars entries drawn (pseudo-randomly) from the rows of `table`. */
export function columnFromRows(table: ArenaTable, numVars: number, seed: string, label?: string): ArenaColumn {
  const rows = randomInts(2 ** numVars, seed, 2 ** table.table.numVars);
  const components = table.table.columns.map((c) =>
    rows.map((y) => (c.kind === "range" ? Fr.reduce(c.lo + BigInt(y)) : c.values![y])),
  );
  return { table: table.id, numVars, components, ...(label ? { label } : {}) };
}

/** An external column of 2^numVars pseudo-random field elements. */
export const externalColumn = (numVars: number, seed: string) =>
  ({ kind: "external", values: randomFrs(2 ** numVars, seed) }) as const;

/** The main instance: a 16-bit range table, a 2-column external table, a 1-column external table. */
export function mainInstance(): { tables: ArenaTable[]; columns: ArenaColumn[] } {
  const range16: ArenaTable = { id: "range16", table: { numVars: 16, columns: [{ kind: "range", lo: 0n }] } };
  const pairs: ArenaTable = {
    id: "pairs",
    table: { numVars: 5, columns: [externalColumn(5, "pairs-a"), externalColumn(5, "pairs-b")] },
  };
  const single: ArenaTable = { id: "single", table: { numVars: 3, columns: [externalColumn(3, "single")] } };
  const tables = [range16, pairs, single];
  const columns = [
    columnFromRows(range16, 10, "c0", "requant0:rem"),
    columnFromRows(pairs, 6, "c1", "act0"),
    columnFromRows(single, 0, "c2"),
    columnFromRows(range16, 4, "c3"),
    columnFromRows(pairs, 0, "c4"),
    columnFromRows(single, 7, "c5"),
  ];
  return { tables, columns };
}

/** Every claim of an arena is true for the prover's tables (commitments included). */
export function arenaClaimsHold(
  srs: Srs,
  claims: ArenaClaims,
  polys: { M: readonly bigint[]; H: readonly bigint[] },
  tables: readonly ArenaTable[],
  columns: readonly ArenaColumn[],
): boolean {
  if (!claims.commitments) return false;
  if (!HyperKZG.commit(srs, polys.M).equals(claims.commitments.M)) return false;
  if (!HyperKZG.commit(srs, polys.H).equals(claims.commitments.H)) return false;
  for (const o of claims.openings) if (evaluateMle(polys[o.poly], o.point) !== o.value) return false;
  const columnsOk = columns.every((col, i) =>
    col.components.every((comp, c) => evaluateMle(comp, claims.columns[i].point) === claims.columns[i].values[c]),
  );
  const tablesOk = claims.tableColumns.every((tc) => {
    const column = tables.find((t) => t.id === tc.table)!.table.columns[tc.column];
    return column.kind === "external" && evaluateMle(column.values!, tc.point) === tc.value;
  });
  return columnsOk && tablesOk;
}

/** The arena's openings as batch-opening claims on [M, H] (indices 0, 1). */
export function batchClaims(claims: ArenaClaims): OpeningClaim[] {
  return claims.openings.map((o) => ({ poly: o.poly === "M" ? 0 : 1, point: o.point, value: o.value }));
}

/** The real batch opening of [M, H] with the prover's claims, checked with the verifier's claims. */
export function batchOpens(
  srs: Srs,
  polys: { M: readonly bigint[]; H: readonly bigint[] },
  proverClaims: ArenaClaims,
  verifierClaims: ArenaClaims,
  proverTranscript: Transcript,
  verifierTranscript: Transcript,
): boolean {
  const commitments = [proverClaims.commitments!.M, proverClaims.commitments!.H];
  const proof = proveBatchOpening({
    srs,
    tables: [polys.M, polys.H],
    commitments,
    claims: batchClaims(proverClaims),
    transcript: proverTranscript,
  });
  return verifyBatchOpening({
    vk: HyperKZG.verifierKey(srs),
    commitments: [verifierClaims.commitments!.M, verifierClaims.commitments!.H],
    claims: batchClaims(verifierClaims),
    proof,
    transcript: verifierTranscript,
  });
}

/** One altered proof per message word: scalars + 1 (mod r), points + G (still on the curve). */
export function tamperedProofs(proof: ArenaProof): { what: string; proof: ArenaProof }[] {
  const out: { what: string; proof: ArenaProof }[] = [];
  const bump = (x: bigint) => Fr.add(x, 1n);
  out.push({ what: "M", proof: { ...proof, multiplicities: proof.multiplicities.add(G1.BASE) } });
  out.push({ what: "H", proof: { ...proof, helpers: proof.helpers.add(G1.BASE) } });
  proof.sumcheck.rounds.forEach((round, j) =>
    round.forEach((_, d) => {
      const rounds = proof.sumcheck.rounds.map((r, jj) => (jj === j ? r.map((c, dd) => (dd === d ? bump(c) : c)) : r));
      out.push({ what: `round ${j} coefficient ${d}`, proof: { ...proof, sumcheck: { rounds } } });
    }),
  );
  proof.columnEvals.forEach((e, i) => {
    const withEval = (next: ArenaProof["columnEvals"][number]) => ({
      ...proof,
      columnEvals: proof.columnEvals.map((x, ii) => (ii === i ? next : x)),
    });
    if (e.helper !== undefined) out.push({ what: `h(ρ) of column ${i}`, proof: withEval({ ...e, helper: bump(e.helper) }) });
    e.components.forEach((_, c) =>
      out.push({
        what: `component ${c} of column ${i}`,
        proof: withEval({ ...e, components: e.components.map((x, cc) => (cc === c ? bump(x) : x)) }),
      }),
    );
  });
  proof.tableEvals.forEach((e, t) => {
    const withEval = (next: ArenaProof["tableEvals"][number]) => ({
      ...proof,
      tableEvals: proof.tableEvals.map((x, tt) => (tt === t ? next : x)),
    });
    out.push({ what: `g(ρ) of table ${t}`, proof: withEval({ ...e, helper: bump(e.helper) }) });
    out.push({ what: `m(ρ) of table ${t}`, proof: withEval({ ...e, multiplicity: bump(e.multiplicity) }) });
    e.external.forEach((_, c) =>
      out.push({
        what: `external column ${c} of table ${t}`,
        proof: withEval({ ...e, external: e.external.map((x, cc) => (cc === c ? bump(x) : x)) }),
      }),
    );
  });
  return out;
}

/**
 * The representative arena of the gas figure: a 2^16 range table (requantization remainders), an 8-bit
 * activation table (range input, external output), a 1-column external table of 2^6 rows; 20 witness columns
 * of 2^10 entries (14 range checks, 5 activation lookups, 1 into the small table).
 */
export function representativeInstance(): { tables: ArenaTable[]; columns: ArenaColumn[] } {
  const range16: ArenaTable = { id: "range16", table: { numVars: 16, columns: [{ kind: "range", lo: 0n }] } };
  const act: ArenaTable = {
    id: "act",
    table: { numVars: 8, columns: [{ kind: "range", lo: Fr.fromSigned(-128) }, externalColumn(8, "act-out")] },
  };
  const small: ArenaTable = { id: "small", table: { numVars: 6, columns: [externalColumn(6, "small")] } };
  const columns = [
    ...Array.from({ length: 14 }, (_, i) => columnFromRows(range16, 10, `rep-r${i}`)),
    ...Array.from({ length: 5 }, (_, i) => columnFromRows(act, 10, `rep-a${i}`)),
    columnFromRows(small, 10, "rep-s"),
  ];
  return { tables: [range16, act, small], columns };
}
