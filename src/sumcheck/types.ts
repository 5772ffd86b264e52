/**
 * Shapes shared by the sum-check prover and verifier.
 *
 * The statement: for multilinear f_0, ..., f_{m-1} in n variables and product terms T_t = (c_t, S_t),
 *
 *     claim = sum_{x in {0,1}^n} sum_t c_t · prod_{k in S_t} f_k(x).
 *
 * The degree of the statement in each variable is d = max_t |S_t| (a factor may repeat: f·f has degree 2). A
 * term may also carry an eq weight eq(x, P_t), which adds one to its degree.
 */
import * as Fr from "../field/fr";
import { eqEval } from "../poly/mle";

/**
 * One product term c · prod_k f_{factors[k]}, optionally weighted by eq(x, eqPoint): indices into the list of
 * multilinear tables. An eq weight is not a table: the prover never materializes or binds it (see
 * ./eq-kernel.ts), and the caller's final check evaluates it at the sum-check point itself.
 */
export interface ProductTerm {
  /** Coefficient c (canonical Fr). */
  readonly coeff: bigint;
  /** Indices of the multiplied tables; 1 or more, repeats allowed. */
  readonly factors: readonly number[];
  /** If set, the term is multiplied by eq(x, eqPoint) (one coordinate per variable). */
  readonly eqPoint?: readonly bigint[];
}

/** A sum-check proof: one compressed round polynomial (c_0, c_2, ..., c_d) per variable, x_0 first. */
export interface SumcheckProof {
  readonly rounds: readonly (readonly bigint[])[];
}

/**
 * What the verifier reduces the claim to: "sum_t c_t · prod_k f_k(point) = expectedEvaluation". The caller
 * must check it against evaluations it trusts (committed, opened or computed itself).
 */
export interface SumcheckSubclaim {
  readonly point: bigint[];
  readonly expectedEvaluation: bigint;
}

/** A malformed sum-check proof (wrong number of rounds, wrong degree, non-canonical coefficient). */
export class SumcheckError extends Error {
  override readonly name = "SumcheckError";
}

/** The degree of a term list: the largest number of factors in one term, counting an eq weight as one. */
export function degreeOf(terms: readonly ProductTerm[]): number {
  let d = 0;
  for (const t of terms) d = Math.max(d, t.factors.length + (t.eqPoint ? 1 : 0));
  return d;
}

/**
 * sum_t c_t · [eq(point, eqPoint_t)] · prod_k values[factors_k]: the combining function applied to per-table
 * evaluations at `point` (needed only when a term carries an eq weight).
 */
export function combineTerms(terms: readonly ProductTerm[], values: readonly bigint[], point?: readonly bigint[]): bigint {
  let acc = 0n;
  for (const [i, t] of terms.entries()) {
    let p = t.coeff;
    for (const k of t.factors) {
      if (k < 0 || k >= values.length) throw new RangeError(`combineTerms: factor index ${k} has no value`);
      p = (p * values[k]) % Fr.MODULUS;
    }
    if (t.eqPoint) {
      if (!point) throw new RangeError(`combineTerms: term ${i} has an eq weight but no point was given`);
      p = (p * eqEval(point, t.eqPoint)) % Fr.MODULUS;
    }
    acc += p;
  }
  return acc % Fr.MODULUS;
}

/** Transcript labels used by sum-check (see docs/sumcheck.md). */
export const SUMCHECK_LABELS = {
  claim: "sumcheck.claim",
  round: "sumcheck.round",
  challenge: "sumcheck.challenge",
} as const;
