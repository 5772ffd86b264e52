/**
 * Shapes shared by the LogUp prover and verifier (spec: docs/lookup.md).
 *
 * The statement: every row of the witness columns f_1..f_k (each a tuple of `arity` component vectors) is a
 * row of the table t. LogUp (eprint 2022/1530) proves it with the rational identity
 *
 *     sum_i sum_x 1/(alpha - f_i(x)) = sum_y m(y)/(alpha - t(y)),
 *
 * with committed multiplicities m and committed helper columns h_i = 1/(alpha - f_i), g = m/(alpha - t).
 * The protocol ends in claims, never in a verdict: opening claims on the committed polynomials (for the
 * caller's one batch opening) and evaluation claims on the witness columns (for the layer prover).
 */
import type { G1Point } from "../curve/bn254";
import type { OpeningClaim } from "../pcs/batch";
import type { SumcheckProof } from "../sumcheck";

/** A table column whose row y holds lo + y: its MLE is lo + sum_i 2^i·y_i, evaluated by the verifier itself. */
export interface RangeColumn {
  readonly kind: "range";
  /** The value of row 0 (canonical Fr; use `Fr.fromSigned` for a negative bound). */
  readonly lo: bigint;
}

/**
 * A table column committed once at setup (arbitrary values, e.g. an activation's outputs): its evaluation is
 * sent by the prover and becomes an opening claim on `commitment`.
 */
export interface CommittedColumn {
  readonly kind: "committed";
  readonly commitment: G1Point;
  /** The 2^numVars values (prover side only; the verifier needs just the commitment). */
  readonly values?: readonly bigint[];
}

export type TableColumn = RangeColumn | CommittedColumn;

/**
 * A lookup table of 2^numVars rows and `columns.length` components per row (the arity). Row y is the tuple
 * (columns[0][y], columns[1][y], ...). Sizes are powers of two by construction: a range [lo, lo + 2^b) is
 * one, and an arbitrary table is padded by repeating one of its rows (`committedTable` does it).
 */
export interface LookupTable {
  readonly numVars: number;
  readonly columns: readonly TableColumn[];
}

/**
 * Witness column i: `arity` component vectors of one common length L_i >= 1 (entry x of the column is the
 * tuple (components[0][x], components[1][x], ...)). Every column is zero-padded to 2^n (n = the bits of the
 * longest column); padding entries are not lookups (the verifier discounts them, docs/lookup.md).
 */
export type WitnessColumn = readonly (readonly bigint[])[];

/** A LogUp proof, in message order (docs/lookup.md gives the byte order). */
export interface LookupProof {
  /** Commitment to the multiplicities m (2^n_t entries). */
  readonly multiplicities: G1Point;
  /** Commitments to h_i = 1/(alpha - f_i), one per witness column (each 2^n_f entries). */
  readonly witnessHelpers: readonly G1Point[];
  /** Commitment to g = m/(alpha - t) (2^n_t entries). */
  readonly tableHelper: G1Point;
  /** S_i = sum_x h_i(x), one per witness column. */
  readonly witnessSums: readonly bigint[];
  /** S_g = sum_y g(y). */
  readonly tableSum: bigint;
  /**
   * The joint zero-check of h_i·(alpha - f_i) = 1 (every i) and g·(alpha - t) = m, batched by gamma:
   * max(n_f, n_t) rounds of degree 3, ending at the point rho.
   */
  readonly sumcheck: SumcheckProof;
  /** h_i(rho), one per witness column (tables zero-padded to max(n_f, n_t) variables). */
  readonly witnessHelperEvals: readonly bigint[];
  /** f_{i,c}(rho): column i, component c (k rows of `arity` values). */
  readonly witnessColumnEvals: readonly (readonly bigint[])[];
  /** g(rho). */
  readonly tableHelperEval: bigint;
  /** m(rho). */
  readonly multiplicityEval: bigint;
  /** t_c(rho) for every committed table column, in column order (range columns are not sent). */
  readonly tableColumnEvals: readonly bigint[];
}

/**
 * What a lookup reduces to. `commitments` lists the polynomials the opening claims refer to (by index), in the
 * order m, h_1..h_k, g, then the table's committed columns; the caller appends them to its batch opening.
 * `witnessClaims[i][c]` is f_{i,c}(witnessPoint) for the zero-padded column (lifted to max(n_f, n_t) variables).
 */
export interface LookupClaims {
  readonly commitments: readonly G1Point[];
  readonly openings: readonly OpeningClaim[];
  readonly witnessPoint: readonly bigint[];
  readonly witnessClaims: readonly (readonly bigint[])[];
}

/** A lookup that cannot be proved (value not in the table, unlucky challenge) or a proof that is rejected. */
export class LookupError extends Error {
  override readonly name = "LookupError";
}

/** Transcript labels of the lookup argument (docs/lookup.md). */
export const LOOKUP_LABELS = {
  shape: "lookup.shape",
  table: "lookup.table",
  tableCommitments: "lookup.table_commitments",
  multiplicities: "lookup.m",
  beta: "lookup.beta",
  alpha: "lookup.alpha",
  helpers: "lookup.helpers",
  sums: "lookup.sums",
  gamma: "lookup.gamma",
  tau: "lookup.tau",
  tauTable: "lookup.tau_table",
  evals: "lookup.evals",
} as const;

/** Type tags of table columns in the `lookup.table` absorb. */
export const COLUMN_KIND = { range: 0n, committed: 1n } as const;
