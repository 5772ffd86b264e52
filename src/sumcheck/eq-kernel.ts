/**
 * The sum-check round kernel for eq-weighted terms c · eq(x, P) · prod_k f_k(x), without materializing the eq
 * table (the standard trick for eq factors; cf. Gruen, eprint 2024/108, and Dao–Thaler's split-eq). With
 * x = (x_0, ..., x_{n-1}) and round j binding x_j:
 *
 *   eq(r_<j, X, x', P) = s_j · eq1(X, P_j) · E_j[x'],   s_j = prod_{i<j} eq1(r_i, P_i),
 *   eq1(X, p) = (1 - p) + (2p - 1)·X,                    E_j = eq(., (P_{j+1}, ..., P_{n-1}))
 *
 * so the round polynomial is c · s_j · eq1(X, P_j) · q_j(X) with q_j(X) = sum_{x'} E_j[x'] prod_k f_k(X, x') of
 * degree k. The prover computes q_j at X = 0..k, multiplies by the linear eq1, and never binds an eq table:
 * E_{j+1} is E_j with pairs summed (eq1 sums to 1 over a Boolean coordinate), additions only. The proof is
 * identical to the one for a materialized eq table; only the prover's work changes (one table fewer to bind).
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { requireNative, selectedBackend, threadCount } from "../msm/backend";
import { readWordLE } from "../msm/layout";
import { eqTable } from "../poly/mle";
import { interpolateFromIntegerNodes } from "../poly/univariate";
import type { ProductTerm } from "./types";
import { loadWalkKernels, renumberFactors, type NativeWalkKernels } from "./walk-native";

/** Running state of one eq weight: the suffix table E_j and the scale s_j. */
export interface EqWeightState {
  readonly point: readonly bigint[];
  suffix: bigint[];
  scale: bigint;
}

/** The state before round 0 for a weight eq(x, point) over `point.length` variables. */
export function initEqWeight(point: readonly bigint[]): EqWeightState {
  return { point, suffix: eqTable(point.slice(1)), scale: 1n };
}

/**
 * Full coefficients (c_0, ..., c_degree) of round j's polynomial for terms that all carry an eq weight
 * (`states[t]` belongs to `terms[t]`). Does not use the running claim.
 */
export function eqRoundCoefficients(
  tables: readonly bigint[][],
  terms: readonly ProductTerm[],
  states: readonly EqWeightState[],
  degree: number,
  j: number,
): bigint[] {
  const total = new Array<bigint>(degree + 1).fill(0n);
  const half = tables.length === 0 ? 0 : tables[0].length >> 1;
  const walk = half >= NATIVE_EQ_GROUP_MIN ? loadWalkKernels() : undefined;
  if (walk) {
    addGroupedPacked(walk, total, tables, terms, states, j);
    return total.map((v) => v % MODULUS);
  }
  terms.forEach((term, t) => {
    const { suffix, scale, point } = states[t];
    const q = interpolateFromIntegerNodes(weightedProductValues(tables, term.factors, suffix));
    addEqFactorTimes(total, (term.coeff * scale) % MODULUS, point[j], q);
  });
  return total.map((v) => v % MODULUS);
}

/**
 * Pairs per round from which {@link eqRoundCoefficients} runs in the native walk kernel: the tables are packed
 * once per round and every term sharing an eq state is summed in one kernel call.
 */
export const NATIVE_EQ_GROUP_MIN = 1 << 5;

/**
 * eqRoundCoefficients on packed words: per eq state (terms sharing its suffix E_j), q(t) = Σ_i E_j[i]·Σ_s c_s·Π_k
 * f_k(t) in one `walkProductRoundSums` call, added as s_j·eq1(X, P_j)·q(X) — the per-term sum regrouped, exact in
 * Fr. Tables may hold signed representatives (reduced before packing).
 */
function addGroupedPacked(
  native: NativeWalkKernels,
  total: bigint[],
  tables: readonly bigint[][],
  terms: readonly ProductTerm[],
  states: readonly EqWeightState[],
  j: number,
): void {
  const len = tables[0].length;
  const packed = new Map<number, Uint8Array>();
  const packedTable = (k: number): Uint8Array => {
    let words = packed.get(k);
    if (!words) {
      const t = tables[k];
      packed.set(k, (words = native.frFromBigints(t.some((v) => v < 0n) ? t.map((v) => (v < 0n ? v + MODULUS : v)) : t, len)));
    }
    return words;
  };
  const byState = new Map<EqWeightState, number[]>();
  terms.forEach((_, t) => {
    const list = byState.get(states[t]);
    if (list) list.push(t);
    else byState.set(states[t], [t]);
  });
  for (const [state, ts] of byState) {
    const { tables: used, factors } = renumberFactors(ts.map((t) => terms[t]));
    const points = Math.max(...factors.map((f) => f.length)) + 1;
    const coeffs = native.frFromBigints(ts.map((t) => terms[t].coeff), ts.length);
    const weights = native.frFromBigints(state.suffix, state.suffix.length);
    const out = native.walkProductRoundSums(used.map(packedTable), len, factors, coeffs, weights, points, threadCount());
    const values = Array.from({ length: points }, (_, t) => readWordLE(out, 32 * t));
    addEqFactorTimes(total, state.scale, state.point[j], interpolateFromIntegerNodes(values));
  }
}

/**
 * total += c·eq1(X, p)·q(X) coefficient-wise, with eq1(X, p) = (1 − p) + (2p − 1)·X the round variable's eq
 * factor (c = the term's coefficient times s_j). Entries of `total` are left unreduced (callers reduce once).
 */
export function addEqFactorTimes(total: bigint[], c: bigint, p: bigint, q: readonly bigint[]): void {
  const e0 = Fr.sub(1n, p);
  const e1 = Fr.sub(Fr.add(p, p), 1n);
  for (let m = 0; m < q.length; m++) {
    total[m] += (c * ((e0 * q[m]) % MODULUS)) % MODULUS;
    total[m + 1] += (c * ((e1 * q[m]) % MODULUS)) % MODULUS;
  }
}

/** After round j's challenge r: s_{j+1} = s_j · eq1(r, P_j), E_{j+1}[i] = E_j[2i] + E_j[2i+1]. */
export function advanceEqWeight(state: EqWeightState, j: number, r: bigint): void {
  const p = state.point[j];
  // eq1(r, p) = 1 - p - r + 2pr
  state.scale = (state.scale * Fr.reduce(1n - p - r + 2n * p * r)) % MODULUS;
  const e = state.suffix;
  const half = e.length >> 1;
  for (let i = 0; i < half; i++) {
    const v = e[2 * i] + e[2 * i + 1];
    e[i] = v >= MODULUS ? v - MODULUS : v;
  }
  if (half > 0) e.length = half;
}

/**
 * Pairs per round from which {@link weightedProductValues} runs in the native kernels (when the native
 * backend is selected and the term has two factors or more): below it, or for one factor (no modular
 * reduction at all in the bigint loop), reading the bigints into the addon costs more than it saves.
 */
export const NATIVE_EQ_KERNEL_MIN = 1 << 11;

/**
 * [sum_i E[i] · prod_k f_k(t) on pair i] for t = 0..k (k = number of factors), lazily reduced. A single factor
 * needs no reduction at all inside the loop (E[i]·(a + t·d) accumulates unreduced).
 */
function weightedProductValues(tables: readonly bigint[][], factors: readonly number[], weights: readonly bigint[]): bigint[] {
  const fs = factors.map((k) => tables[k]);
  const k = fs.length;
  const points = k + 1;
  const half = weights.length;
  if (k >= 2 && half >= NATIVE_EQ_KERNEL_MIN && selectedBackend() === "native") {
    // Same sums in the native kernels (the tables cross as bigints: signed small representatives allowed).
    const out = requireNative().frWeightedProducts(fs, weights, threadCount());
    return Array.from({ length: points }, (_, t) => readWordLE(out, 32 * t));
  }
  const sums = new Array<bigint>(points).fill(0n);
  if (k === 1) {
    const f = fs[0];
    for (let i = 0; i < half; i++) {
      const w = weights[i];
      const a = f[2 * i];
      const d = f[2 * i + 1] - a;
      let v = a;
      for (let t = 0; t < points; t++, v += d) sums[t] += w * v;
    }
    return sums.map(Fr.reduce);
  }
  const cur = new Array<bigint>(k);
  const diff = new Array<bigint>(k);
  for (let i = 0; i < half; i++) {
    const w = weights[i];
    for (let m = 0; m < k; m++) {
      cur[m] = fs[m][2 * i];
      diff[m] = fs[m][2 * i + 1] - cur[m];
    }
    for (let t = 0; t < points; t++) {
      let p = cur[0];
      for (let m = 1; m < k; m++) p = (p * cur[m]) % MODULUS;
      sums[t] += w * p;
      for (let m = 0; m < k; m++) cur[m] += diff[m];
    }
  }
  return sums.map(Fr.reduce);
}
