/**
 * The arena's zero-check prover, for tables that are constant in their high variables.
 *
 * The zero-check runs over N variables, but a witness column or table of n < N variables is extended as a
 * constant in x_n .. x_{N−1}. With every term eq-weighted, eq(r_<j, X, x_>j; P) = s_j · eq1(X, P_j) · eq(x_>j, P_>j)
 * and Σ over a Boolean cube of eq(·, P) is 1, so a product term on n-variable tables contributes to round j:
 *
 *   j < n:   the eq kernel (src/sumcheck/eq-kernel.ts) run on the n-variable tables with eq point P_<n
 *            (the cube x_n..x_{N−1} sums out to 1);
 *   j >= n:  c · s_j · eq1(X, P_j) · Π_k f_k(ρ_<n), the tables already fully bound.
 *
 * So each table is stored and bound at its own size: work Σ_t 2^{n_t} instead of (#tables)·2^N. The round
 * polynomials are the same as `proveSumcheck` on tables replicated to 2^N (the polynomial is the same); the
 * transcript operations are the same as `proveSumcheck`'s (docs/sumcheck.md).
 */
import * as Fr from "../field/fr";
import { bindFirstVariableInPlace } from "../poly/mle";
import { compressRoundPoly } from "../poly/univariate";
import { advanceEqWeight, eqRoundCoefficients, initEqWeight, type EqWeightState } from "../sumcheck/eq-kernel";
import { SUMCHECK_LABELS, type ProductTerm, type SumcheckProof } from "../sumcheck";
import type { Transcript } from "../transcript";

/** Tables of one size and the terms over them (factors index `tables`; eq points are full N-coordinate points). */
export interface SizedGroup {
  readonly numVars: number;
  readonly tables: readonly (readonly bigint[])[];
  readonly terms: readonly ProductTerm[];
}

/** Output: the proof, the point ρ, and each group's tables evaluated at ρ_<n (same order as the input). */
export interface SizedSumcheckResult {
  readonly proof: SumcheckProof;
  readonly claim: bigint;
  readonly point: bigint[];
  readonly finalEvaluations: bigint[][];
}

/** One eq point's share of a group: its terms and one shared eq state (advanced once per round). */
interface PointShare {
  readonly point: readonly bigint[];
  readonly terms: ProductTerm[];
  readonly state: EqWeightState;
}

/**
 * Proves Σ_{x ∈ {0,1}^N} Σ_groups Σ_terms c·eq(x, P)·Π f_k(x_<n) for eq-weighted terms, absorbing exactly what
 * `proveSumcheck` absorbs (claim, N, degree; then each compressed round and its challenge).
 */
export function proveSizedSumcheck(params: {
  readonly numVars: number;
  readonly degree: number;
  readonly groups: readonly SizedGroup[];
  readonly transcript: Transcript;
  /**
   * Bind the groups' tables in place instead of copies: the caller gives them up (they end as one entry each, the
   * final evaluation). Saves a copy of every table — and lets each entry's old value be freed once bound.
   */
  readonly inPlace?: boolean;
}): SizedSumcheckResult {
  const { numVars: N, degree, transcript } = params;
  const groups = params.groups.map((g) => {
    if (g.numVars > N) throw new RangeError(`sized sum-check: a group of ${g.numVars} variables exceeds N = ${N}`);
    const tables = g.tables.map((t, k) => {
      if (t.length !== 2 ** g.numVars) throw new RangeError(`sized sum-check: table ${k} is not 2^${g.numVars} long`);
      return params.inPlace ? (t as bigint[]) : [...t];
    });
    const shares = new Map<string, PointShare>();
    for (const term of g.terms) {
      if (!term.eqPoint || term.eqPoint.length !== N) throw new RangeError("sized sum-check: every term needs an N-point eq weight");
      const key = term.eqPoint.join(",");
      let share = shares.get(key);
      if (!share) {
        const point = term.eqPoint.slice(0, g.numVars);
        share = { point: term.eqPoint, terms: [], state: initEqWeight(point.length > 0 ? point : [0n]) };
        shares.set(key, share);
      }
      share.terms.push(term);
    }
    return { numVars: g.numVars, tables, shares: [...shares.values()] };
  });
  // Global prefix products s_j = Π_{i<j} eq1(r_i, P_i), one per distinct eq point, for fully bound groups.
  const pointKeys = new Map<string, { point: readonly bigint[]; scale: bigint }>();
  for (const g of groups) for (const s of g.shares) pointKeys.set(s.point.join(","), { point: s.point, scale: 1n });

  const roundCoefficients = (j: number): bigint[] => {
    const total = new Array<bigint>(degree + 1).fill(0n);
    for (const g of groups) {
      for (const share of g.shares) {
        let coeffs: bigint[];
        if (j < g.numVars) {
          coeffs = eqRoundCoefficients(g.tables, share.terms, share.terms.map(() => share.state), degree, j);
        } else {
          // c · s_j · eq1(X, P_j) · Π values, eq1(X, p) = (1 − p) + (2p − 1)·X
          const s = pointKeys.get(share.point.join(","))!.scale;
          let v = 0n;
          for (const t of share.terms) {
            let p = t.coeff;
            for (const k of t.factors) p = (p * Fr.reduce(g.tables[k][0])) % Fr.MODULUS;
            v += p;
          }
          v = (Fr.reduce(v) * s) % Fr.MODULUS;
          const pj = share.point[j];
          coeffs = [Fr.mul(v, Fr.sub(1n, pj)), Fr.mul(v, Fr.sub(Fr.add(pj, pj), 1n))];
        }
        coeffs.forEach((c, m) => (total[m] = (total[m] + c) % Fr.MODULUS));
      }
    }
    return total;
  };

  const first = N > 0 ? roundCoefficients(0) : undefined;
  const claim = first ? Fr.add(first.reduce(Fr.add, 0n), first[0]) : zeroRoundValue(groups);
  transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(N), BigInt(degree)]);
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  for (let j = 0; j < N; j++) {
    const coeffs = j === 0 ? first! : roundCoefficients(j);
    const compressed = compressRoundPoly(coeffs);
    rounds.push(compressed);
    transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    point.push(r);
    for (const entry of pointKeys.values()) {
      const p = entry.point[j];
      entry.scale = Fr.mul(entry.scale, Fr.reduce(1n - p - r + 2n * p * r));
    }
    for (const g of groups) {
      if (j >= g.numVars) continue;
      for (const t of g.tables) bindFirstVariableInPlace(t, r);
      for (const share of g.shares) advanceEqWeight(share.state, j, r);
    }
  }
  return { proof: { rounds }, claim, point, finalEvaluations: groups.map((g) => g.tables.map((t) => Fr.reduce(t[0]))) };
}

/** The sum for N = 0: every term's product at the single point (eq over no variables is 1). */
function zeroRoundValue(groups: readonly { tables: bigint[][]; shares: PointShare[] }[]): bigint {
  let acc = 0n;
  for (const g of groups) {
    for (const share of g.shares) {
      for (const t of share.terms) {
        let p = t.coeff;
        for (const k of t.factors) p = (p * Fr.reduce(g.tables[k][0])) % Fr.MODULUS;
        acc += p;
      }
    }
  }
  return Fr.reduce(acc);
}
