/**
 * The arena's zero-check on packed Fr vectors (native kernels, both cores): the same sum-check as
 * `proveSizedSumcheck` (src/lookup/arena-sumcheck.ts) on the arena's groups — the same round polynomials, hence
 * the same proof word for word — with its tables off the V8 heap.
 *
 * A group holds tables of n variables (constant in x_n .. x_{N−1}) and four kinds of terms:
 *
 *   pairs    eq(τ, x)·a(x)·b(x)         (the term's coefficient already multiplied into b: γ^G·F_i, γ^{K+t}·G_t)
 *   products c·eq(τ, x)·(h·Π_j F_j − Σ_j Π_{l≠j} F_l)(x)   (a helper group of s >= 2 columns; degree s + 2)
 *   singles  d·eq(τ, x)·m(x)
 *   halves   c_half·eq(½, x)·u(x)       (one coefficient per group: γ^{K+T}·2^n)
 *
 * Round j < n: with q(X) = Σ_i E_j[i]·(Σ a·b + Σ d·m)(X) on pair i (E_j = eq(·, τ_{j+1..n−1}), from the native
 * eq table) and the plain sum p(X) = Σ_i Σ u(X), the round adds s_j^τ·eq1(X, τ_j)·q(X) and
 * c_half·s_j^½·eq1(X, ½)·2^{−(n−1−j)}·p(X) (eq(·, ½) over n−1−j variables is 2^{−(n−1−j)} everywhere) — the eq
 * kernel's factorization (src/sumcheck/eq-kernel.ts); the products' q(X) (degree s + 1) comes from its own
 * kernel call at X = 0 … degree − 1 and joins the same eq factor. After round j every table of the group is bound to r_j (in
place from round 1 on; see {@link PackedZeroCheckGroup}). Round j >= n: the group is bound, and adds
 * s_j·eq1(X, P_j)·(its terms at the bound values), as in `proveSizedSumcheck`. Tables that are in no term
 * ("passive") are bound along, to be evaluated at ρ.
 */
import * as Fr from "../field/fr";
import { readWordLE } from "../msm/layout";
import { compressRoundPoly, interpolateFromIntegerNodes } from "../poly/univariate";
import { SUMCHECK_LABELS } from "../sumcheck";
import { addEqFactorTimes } from "../sumcheck/eq-kernel";
import type { Transcript } from "../transcript";
import type { NativeArenaKernels } from "./arena-native";
import type { SizedSumcheckResult } from "./arena-sumcheck";
import { HALF } from "./protocol";

/** Tables of one size (packed words, 2^numVars each) and the zero-check's terms over them (indices into tables). */
export interface PackedZeroCheckGroup {
  readonly numVars: number;
  /**
   * Given up to the prover: replaced by new buffers of their bound halves after round 0 (so views into buffers the
   * caller keeps are fine, and stay intact), then bound in place (a table's first 2^{n−j} words hold it in round j).
   */
  readonly tables: Uint8Array[];
  readonly pairs: readonly (readonly [number, number])[];
  /** Grouped helper constraints: helper table h, shifted tables fs (>= 2), coefficient γ^G. */
  readonly products: readonly { readonly h: number; readonly fs: readonly number[]; readonly coeff: bigint }[];
  readonly singles: readonly { readonly table: number; readonly coeff: bigint }[];
  readonly halves: readonly number[];
  readonly halfCoeff: bigint;
}

/** Inputs of {@link provePackedZeroCheck}. */
export interface PackedZeroCheckParameters {
  /** N: the zero-check's rounds (>= every group's numVars). */
  readonly numVars: number;
  /** The zero-check's degree: 3, or s + 2 for helper groups of up to s columns (ArenaContext.degree). */
  readonly degree: number;
  /** τ, N coordinates. */
  readonly tau: readonly bigint[];
  readonly groups: readonly PackedZeroCheckGroup[];
  readonly transcript: Transcript;
  readonly kernels: NativeArenaKernels;
  readonly threads: number;
}

const WORD = 32;

/**
 * Proves the zero-check, absorbing exactly what `proveSizedSumcheck` absorbs (claim, N, degree; each compressed
 * round and its challenge). `finalEvaluations[g][t]` is table t of group g at ρ_<n (passive tables included).
 */
export function provePackedZeroCheck(params: PackedZeroCheckParameters): SizedSumcheckResult {
  const { numVars: N, degree: DEGREE, tau, groups, transcript, kernels, threads } = params;
  if (tau.length !== N) throw new RangeError(`packed zero-check: τ has ${tau.length} coordinates, expected ${N}`);
  for (const g of groups) {
    if (g.numVars > N) throw new RangeError(`packed zero-check: a group of ${g.numVars} variables exceeds N = ${N}`);
    g.tables.forEach((t, k) => {
      if (t.length !== WORD * 2 ** g.numVars) throw new RangeError(`packed zero-check: table ${k} is not 2^${g.numVars} words`);
    });
  }
  const half = new Array<bigint>(N).fill(HALF);
  let tauScale = 1n;
  let halfScale = 1n;

  const roundCoefficients = (j: number): bigint[] => {
    const total = new Array<bigint>(DEGREE + 1).fill(0n);
    for (const g of groups) {
      if (j < g.numVars) {
        const len = 2 ** (g.numVars - j);
        const weights = kernels.frEqSum(len / 2, [0], [tau.slice(j + 1, g.numVars)], [1n]);
        const sums = kernels.arenaRoundSums(
          g.pairs.map(([a]) => g.tables[a]),
          g.pairs.map(([, b]) => g.tables[b]),
          g.singles.map((s) => g.tables[s.table]),
          g.singles.map((s) => s.coeff),
          g.halves.map((u) => g.tables[u]),
          weights,
          len,
          threads,
        );
        const word = (w: number) => readWordLE(sums, WORD * w);
        if (g.pairs.length + g.singles.length > 0) {
          addEqFactorTimes(total, tauScale, tau[j], interpolateFromIntegerNodes([word(0), word(1), word(2)]));
        }
        if (g.products.length > 0) {
          if (!kernels.arenaGroupSums) throw new RangeError("packed zero-check: the addon has no arenaGroupSums (rebuild native/)");
          const values = kernels.arenaGroupSums(
            g.products.map((p) => g.tables[p.h]),
            g.products.flatMap((p) => p.fs.map((f) => g.tables[f])),
            g.products.map((p) => p.fs.length),
            g.products.map((p) => p.coeff),
            weights,
            len,
            DEGREE,
            threads,
          );
          const q = Array.from({ length: DEGREE }, (_, x) => readWordLE(values, WORD * x));
          addEqFactorTimes(total, tauScale, tau[j], interpolateFromIntegerNodes(q));
        }
        if (g.halves.length > 0) {
          const e = Fr.pow(HALF, BigInt(g.numVars - 1 - j));
          const c = Fr.mul(Fr.mul(g.halfCoeff, halfScale), e);
          addEqFactorTimes(total, c, HALF, interpolateFromIntegerNodes([word(3), word(4)]));
        }
      } else {
        const { tauValue, halfValue } = boundValues(g);
        if (g.pairs.length + g.singles.length + g.products.length > 0) addEqFactorTimes(total, Fr.mul(tauScale, tauValue), tau[j], [1n]);
        if (g.halves.length > 0) addEqFactorTimes(total, Fr.mul(halfScale, halfValue), half[j], [1n]);
      }
    }
    return total.map(Fr.reduce);
  };

  let claim: bigint;
  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  if (N === 0) {
    claim = groups.reduce((acc, g) => {
      const { tauValue, halfValue } = boundValues(g);
      return Fr.add(acc, Fr.add(tauValue, halfValue));
    }, 0n);
    transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, 0n, BigInt(DEGREE)]);
  } else {
    let coeffs = roundCoefficients(0);
    claim = Fr.add(coeffs.reduce(Fr.add, 0n), coeffs[0]);
    transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(N), BigInt(DEGREE)]);
    for (let j = 0; j < N; j++) {
      if (j > 0) coeffs = roundCoefficients(j);
      const compressed = compressRoundPoly(coeffs);
      rounds.push(compressed);
      transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
      const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
      point.push(r);
      tauScale = Fr.mul(tauScale, eq1(r, tau[j]));
      halfScale = Fr.mul(halfScale, eq1(r, HALF));
      for (const g of groups) {
        if (j >= g.numVars) continue;
        const len = 2 ** (g.numVars - j);
        if (j === 0) {
          // The given tables may be views of buffers the caller keeps (h and g live in H): the first binding
          // writes new halves; from then on every table is the prover's own and is bound in place.
          const bound = kernels.arenaBind(g.tables, len, r, threads, false);
          bound.forEach((t, k) => (g.tables[k] = t));
        } else {
          kernels.arenaBind(g.tables, len, r, threads, true);
        }
      }
    }
  }
  return {
    proof: { rounds },
    claim,
    point,
    finalEvaluations: groups.map((g) => g.tables.map((t) => readWordLE(t, 0))),
  };
}

/** eq1(r, p) = 1 − p − r + 2pr. */
function eq1(r: bigint, p: bigint): bigint {
  return Fr.reduce(1n - p - r + 2n * p * r);
}

/** A fully bound group's terms at its tables' single values: Σ a·b + Σ products + Σ d·m, and c_half·Σ u. */
function boundValues(g: PackedZeroCheckGroup): { tauValue: bigint; halfValue: bigint } {
  const v = (k: number) => readWordLE(g.tables[k], 0);
  let tauValue = 0n;
  for (const [a, b] of g.pairs) tauValue = Fr.add(tauValue, Fr.mul(v(a), v(b)));
  for (const p of g.products) {
    const fs = p.fs.map(v);
    const others = fs.reduce((acc, _, j) => Fr.add(acc, fs.reduce((prod, f, l) => (l === j ? prod : Fr.mul(prod, f)), 1n)), 0n);
    const all = fs.reduce(Fr.mul, v(p.h));
    tauValue = Fr.add(tauValue, Fr.mul(p.coeff, Fr.sub(all, others)));
  }
  for (const s of g.singles) tauValue = Fr.add(tauValue, Fr.mul(s.coeff, v(s.table)));
  let halfSum = 0n;
  for (const u of g.halves) halfSum = Fr.add(halfSum, v(u));
  return { tauValue, halfValue: Fr.mul(g.halfCoeff, halfSum) };
}
