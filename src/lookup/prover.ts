/**
 * The LogUp prover (committed helper columns; spec in docs/lookup.md). Message order:
 *
 *   C_m | beta, alpha | C_h_1..C_h_k, C_g | S_1..S_k, S_g | gamma, tau_f, tau_t | joint zero-check (sum-check) |
 *   h_i(rho), f_{i,c}(rho), g(rho), m(rho), t_c(rho) (committed c)
 *
 * It returns the proof, the claims the verifier will derive (identical, so the caller can run its batch
 * opening right away), and the committed tables in claim order.
 */
import * as Fr from "../field/fr";
import { HyperKZG } from "../pcs/hyperkzg";
import type { Srs } from "../pcs/srs";
import { proveSumcheck } from "../sumcheck";
import type { Transcript } from "../transcript";
import { computeMultiplicities } from "./multiplicities";
import { lookupClaims } from "./claims";
import { absorbStatement, drawAlphaBeta, lookupShape, zeroCheck, zeroCheckTables } from "./protocol";
import { assertTableShape, columnValues } from "./table";
import {
  LOOKUP_LABELS,
  LookupError,
  type LookupClaims,
  type LookupProof,
  type LookupTable,
  type WitnessColumn,
} from "./types";

/** Inputs of {@link proveLookup}. */
export interface ProveLookupParameters {
  readonly srs: Srs;
  /** The table; committed columns must carry their values. */
  readonly table: LookupTable;
  /** Witness columns, each with one component vector per table column. */
  readonly columns: readonly WitnessColumn[];
  readonly transcript: Transcript;
  /**
   * Multiplicities to commit instead of computing them (2^n_t entries). Not checked: wrong multiplicities, or
   * a witness entry outside the table, yield a proof the verifier's claims expose. Without them the prover
   * computes m and refuses a witness entry that is not a table row.
   */
  readonly multiplicities?: readonly bigint[];
}

/** Output of {@link proveLookup}. */
export interface ProveLookupResult {
  readonly proof: LookupProof;
  /** Exactly what {@link verifyLookup} returns for this proof. */
  readonly claims: LookupClaims;
  /** The committed tables, aligned with `claims.commitments` (m, h_1..h_k, g, committed table columns). */
  readonly polys: readonly (readonly bigint[])[];
}

/**
 * Proves that every witness row is a table row, absorbing into `transcript` exactly what the verifier absorbs.
 *
 * @throws {LookupError} on a witness entry outside the table (when m is computed), malformed columns, or a
 *   challenge alpha equal to a witness or table value (probability <= (k·2^n_f + 2^n_t)/r: not a retry case)
 */
export function proveLookup(params: ProveLookupParameters): ProveLookupResult {
  const { srs, table, columns, transcript } = params;
  assertTableShape(table);
  const arity = table.columns.length;
  const shape = lookupShape(checkColumns(columns, arity));
  const tableCols = table.columns.map((_, c) => columnValues(table, c));
  const m = params.multiplicities
    ? checkedMultiplicities(params.multiplicities, table.numVars)
    : computeMultiplicities(tableCols, columns);
  const n = shape.witnessVars;
  const k = columns.length;

  absorbStatement(transcript, table, shape);
  const mCommitment = HyperKZG.commit(srs, m);
  transcript.absorbPoint(LOOKUP_LABELS.multiplicities, mCommitment);
  const { alpha, beta } = drawAlphaBeta(transcript, arity);

  const betas = Fr.powers(beta, arity);
  const compressed = columns.map((col) => compress(col, betas, 2 ** n));
  const tableCompressed = compress(tableCols, betas, 2 ** table.numVars);
  const inverses = shiftedInverses(alpha, [...compressed.flat(), ...tableCompressed]);
  const h = compressed.map((_, i) => inverses.slice(i * 2 ** n, (i + 1) * 2 ** n));
  const g = tableCompressed.map((_, y) => Fr.mul(m[y], inverses[k * 2 ** n + y]));

  const hCommitments = h.map((hi) => HyperKZG.commit(srs, hi));
  const gCommitment = HyperKZG.commit(srs, g);
  transcript.absorbPoints(LOOKUP_LABELS.helpers, [...hCommitments, gCommitment]);
  const witnessSums = h.map((hi) => hi.reduce(Fr.add, 0n));
  const tableSum = g.reduce(Fr.add, 0n);
  transcript.absorbScalars(LOOKUP_LABELS.sums, [...witnessSums, tableSum]);

  const gamma = transcript.challengeScalar(LOOKUP_LABELS.gamma);
  const tauWitness = transcript.challengeScalars(LOOKUP_LABELS.tau, n);
  const tauTable = transcript.challengeScalars(LOOKUP_LABELS.tauTable, table.numVars);
  const check = zeroCheck(k, arity, { alpha, beta, gamma, tauWitness, tauTable });
  const sc = proveSumcheck({
    tables: [...h, ...columns.flat(), g, m, ...tableCols],
    terms: check.terms,
    numVars: Math.max(n, table.numVars),
    degree: 3,
    claim: check.claim,
    transcript,
  });
  const idx = zeroCheckTables(k, arity);
  const at = sc.finalEvaluations;
  const witnessHelperEvals = columns.map((_, i) => at[idx.h(i)]);
  const witnessColumnEvals = columns.map((_, i) => table.columns.map((_, c) => at[idx.f(i, c)]));
  const committed = table.columns.flatMap((c, j) => (c.kind === "committed" ? [j] : []));
  const tableColumnEvals = committed.map((j) => at[idx.t(j)]);
  const tableHelperEval = at[idx.g];
  const multiplicityEval = at[idx.m];
  transcript.absorbScalars(LOOKUP_LABELS.evals, [
    ...witnessHelperEvals,
    ...witnessColumnEvals.flat(),
    tableHelperEval,
    multiplicityEval,
    ...tableColumnEvals,
  ]);

  const proof: LookupProof = {
    multiplicities: mCommitment,
    witnessHelpers: hCommitments,
    tableHelper: gCommitment,
    witnessSums,
    tableSum,
    sumcheck: sc.proof,
    witnessHelperEvals,
    witnessColumnEvals,
    tableHelperEval,
    multiplicityEval,
    tableColumnEvals,
  };
  const claims = lookupClaims(table, shape, proof, sc.point);
  const polys = [m, ...h, g, ...committed.map((j) => tableCols[j])];
  return { proof, claims, polys };
}

/** Validates the witness columns (count, arity, equal component lengths >= 1, canonical) and returns lengths. */
function checkColumns(columns: readonly WitnessColumn[], arity: number): number[] {
  if (columns.length === 0) throw new LookupError("lookup: no witness columns");
  return columns.map((col, i) => {
    if (col.length !== arity)
      throw new LookupError(`lookup: witness column ${i} has ${col.length} components, the table ${arity}`);
    const len = col[0].length;
    if (len === 0) throw new LookupError(`lookup: witness column ${i} is empty`);
    col.forEach((comp, c) => {
      if (comp.length !== len)
        throw new LookupError(
          `lookup: witness column ${i}: component ${c} has ${comp.length} entries, component 0 ${len}`,
        );
      comp.forEach((v, x) => Fr.assertFr(v, `lookup: witness column ${i}, component ${c}, entry ${x}`));
    });
    return len;
  });
}

function checkedMultiplicities(m: readonly bigint[], numVars: number): bigint[] {
  if (m.length !== 2 ** numVars)
    throw new LookupError(`lookup: ${m.length} multiplicities for a table of 2^${numVars} rows`);
  m.forEach((v, y) => Fr.assertFr(v, `lookup: multiplicity ${y}`));
  return [...m];
}

/** sum_c beta^c·components[c], zero-padded to `size`. */
function compress(components: readonly (readonly bigint[])[], betas: readonly bigint[], size: number): bigint[] {
  const out = new Array<bigint>(size).fill(0n);
  components.forEach((comp, c) => {
    for (let x = 0; x < comp.length; x++) out[x] = (out[x] + betas[c] * comp[x]) % Fr.MODULUS;
  });
  return out;
}

/**
 * 1/(alpha - v) for every v, with one field inversion; refuses cleanly (a LookupError, no division by zero)
 * if alpha equals some v.
 */
export function shiftedInverses(alpha: bigint, values: readonly bigint[]): bigint[] {
  const shifted = values.map((v) => Fr.sub(alpha, v));
  const hit = shifted.indexOf(0n);
  if (hit >= 0) {
    throw new LookupError(
      `lookup: the challenge alpha equals a witness or table value (denominator ${hit}); probability <= ` +
        `${values.length}/r for an honest run, so the transcript is suspect`,
    );
  }
  return Fr.batchInvert(shifted);
}
