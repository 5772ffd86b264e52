/**
 * `proveSumcheck` over packed Fr words in the native kernels: the same statement (any product terms, eq-weighted
 * or not, mixed), the same claim check, the same transcript operations and the same round messages, so the proof
 * is byte-for-byte the bigint prover's (test/sumcheck/packed-product.test.ts compares them). One round kernel
 * serves every node kind of the proof walk (matrix products, RMSNorm, RoPE, softmax, the requantization's
 * product checks): `walkProductRoundSums` (native/src/walk.h) takes a term list with coefficients and an optional
 * eq weight; binding is the arena's in-place `arenaBind`, eq tables are `frEqSum`.
 *
 * - All terms eq-weighted (./eq-kernel.ts): terms sharing an eq point P are summed in one kernel call,
 *   q_P(t) = Σ_x' E_j[x'] Σ_{s∈P} c_s Π_k f_k(t, x') with E_j = eq(·, (P_{j+1}, …)), and the round polynomial is
 *   Σ_P s_j(P)·eq1(X, P_j)·q_P(X) — the bigint kernel's Σ_s (c_s·s_j)·eq1(X, P_j)·q_s(X) regrouped, exact in Fr.
 * - Otherwise: eq weights (if any) become tables, and the round's values h(0), …, h(d) come from one kernel
 *   call; h(0) + h(1) equals the running claim, so the polynomial is the one the bigint prover interpolates from
 *   (h(0), claim − h(0), h(2), …).
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { readWordLE } from "../msm/layout";
import { compressRoundPoly, interpolateFromIntegerNodes } from "../poly/univariate";
import type { Transcript } from "../transcript";
import { addEqFactorTimes } from "./eq-kernel";
import { SUMCHECK_LABELS, type ProductTerm, type SumcheckProof } from "./types";
import { renumberFactors, type NativeWalkKernels } from "./walk-native";

/**
 * Tables (2^numVars entries) from which `proveSumcheck` runs on packed words ({@link proveProductPacked}); below
 * it the bigint prover is as fast (packing and one kernel call per round cost more than the arithmetic).
 */
export const NATIVE_PRODUCT_SUMCHECK_MIN = 1 << 6;

/** Inputs of {@link proveProductPacked}: `proveSumcheck`'s, already checked. */
export interface ProductPackedParameters {
  readonly native: NativeWalkKernels;
  /** Canonical tables (bigints or packed words) of at most 2^numVars entries (zero-padded). Not modified. */
  readonly tables: readonly (readonly bigint[] | Uint8Array)[];
  readonly terms: readonly ProductTerm[];
  /** At least 1. */
  readonly numVars: number;
  /** At least the terms' degree. */
  readonly degree: number;
  readonly claim?: bigint;
  readonly transcript: Transcript;
  readonly threads: number;
}

/** Terms summed in one kernel call: the tables they read (renumbered), their factors and coefficients. */
interface TermGroup {
  /** Indices (into the packed tables) of the tables the group reads. */
  readonly tables: readonly number[];
  /** Factors as indices into `tables`. */
  readonly factors: readonly (readonly number[])[];
  readonly coeffs: Uint8Array;
  /** The largest factor count: q has this degree. */
  readonly maxFactors: number;
  /** The shared eq point (eq mode), its running scale s_j. */
  readonly eqPoint?: readonly bigint[];
  scale: bigint;
}

/**
 * Proves `Σ_x Σ_t c_t [eq(x, P_t)] Π_k f_k(x) = claim` exactly as `proveSumcheck` does (same proof, point, final
 * evaluations and transcript state), on packed words.
 */
export function proveProductPacked(params: ProductPackedParameters): {
  proof: SumcheckProof;
  claim: bigint;
  point: bigint[];
  finalEvaluations: bigint[];
} {
  const { native, terms, numVars: n, degree, transcript, threads } = params;
  if (n < 1) throw new RangeError("proveProductPacked: at least one variable");
  const size = 2 ** n;
  // Private copies (binding is in place): packed tables copied and zero-extended, bigint tables packed.
  const packed = params.tables.map((t) => (t instanceof Uint8Array ? zeroExtended(t, size) : native.frFromBigints(t, size)));
  const eqMode = terms.every((t) => t.eqPoint);
  const groups = eqMode ? eqGroups(native, terms) : [plainGroup(native, packed, terms, size)];

  let len = size;
  const roundValues = (j: number): bigint[] => {
    if (!eqMode) {
      const g = groups[0];
      return wordsOf(native.walkProductRoundSums(g.tables.map((k) => packed[k]), len, g.factors, g.coeffs, null, degree + 1, threads));
    }
    const total = new Array<bigint>(degree + 1).fill(0n);
    for (const g of groups) {
      const tail = g.eqPoint!.slice(j + 1);
      const suffix = native.frEqSum(2 ** tail.length, [0], [tail], [1n]);
      const values = wordsOf(native.walkProductRoundSums(g.tables.map((k) => packed[k]), len, g.factors, g.coeffs, suffix, g.maxFactors + 1, threads));
      addEqFactorTimes(total, g.scale, g.eqPoint![j], interpolateFromIntegerNodes(values));
    }
    return total.map((v) => v % MODULUS);
  };

  // Round 0's polynomial gives the claim: h(0) + h(1).
  const first = roundValues(0);
  const firstCoeffs = eqMode ? first : interpolateFromIntegerNodes(first);
  const claim = eqMode ? Fr.reduce(first.reduce((acc, c) => acc + c, 0n) + first[0]) : Fr.add(first[0], first[1]);
  if (params.claim !== undefined && params.claim !== claim) {
    throw new RangeError("proveSumcheck: the given claim is not the sum over the hypercube");
  }
  transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(n), BigInt(degree)]);

  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  for (let j = 0; j < n; j++) {
    const coeffs = j === 0 ? firstCoeffs : eqMode ? roundValues(j) : interpolateFromIntegerNodes(roundValues(j));
    const compressed = compressRoundPoly(coeffs);
    rounds.push(compressed);
    transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    point.push(r);
    native.arenaBind(packed, len, r, threads, true);
    len /= 2;
    for (const g of groups) {
      if (!g.eqPoint) continue;
      const p = g.eqPoint[j];
      // eq1(r, p) = 1 − p − r + 2pr, as advanceEqWeight
      g.scale = (g.scale * Fr.reduce(1n - p - r + 2n * p * r)) % MODULUS;
    }
  }
  return { proof: { rounds }, claim, point, finalEvaluations: packed.slice(0, params.tables.length).map((t) => readWordLE(t, 0)) };
}

/** A copy of packed words zero-extended to `size` words. */
function zeroExtended(words: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size * 32);
  out.set(words);
  return out;
}

/** The words of a kernel's output as bigints. */
function wordsOf(out: Uint8Array): bigint[] {
  return Array.from({ length: out.length / 32 }, (_, i) => readWordLE(out, 32 * i));
}

/**
 * Σ_x' weights[x']·Σ_t c_t Π_k f_k(X, x') at X = 0 … points − 1 over the first `len` words of packed tables (terms
 * without eq points): one kernel call, for callers that run their own rounds (the requantization's zero-check).
 */
export function productRoundValues(
  native: NativeWalkKernels,
  packed: readonly Uint8Array[],
  len: number,
  terms: readonly { coeff: bigint; factors: readonly number[] }[],
  weights: Uint8Array | null,
  points: number,
  threads: number,
): bigint[] {
  const g = group(native, terms);
  return wordsOf(native.walkProductRoundSums(g.tables.map((k) => packed[k]), len, g.factors, g.coeffs, weights, points, threads));
}

/** A group of terms over the tables they read, renumbered. */
function group(native: NativeWalkKernels, terms: readonly { coeff: bigint; factors: readonly number[] }[], eqPoint?: readonly bigint[]): TermGroup {
  const { tables, factors } = renumberFactors(terms);
  const maxFactors = Math.max(...terms.map((t) => t.factors.length));
  return { tables, factors, coeffs: native.frFromBigints(terms.map((t) => t.coeff), terms.length), maxFactors, scale: 1n, ...(eqPoint ? { eqPoint } : {}) };
}

/** Eq mode: one group per distinct eq point, in order of first appearance. */
function eqGroups(native: NativeWalkKernels, terms: readonly ProductTerm[]): TermGroup[] {
  const byPoint = new Map<string, ProductTerm[]>();
  for (const t of terms) {
    const key = t.eqPoint!.join(",");
    const list = byPoint.get(key);
    if (list) list.push(t);
    else byPoint.set(key, [t]);
  }
  return [...byPoint.values()].map((ts) => group(native, ts, ts[0].eqPoint));
}

/** Plain mode: every term in one group, eq weights materialized as packed tables appended to `packed`. */
function plainGroup(native: NativeWalkKernels, packed: Uint8Array[], terms: readonly ProductTerm[], size: number): TermGroup {
  const eqTables = new Map<string, number>();
  const plain = terms.map((t) => {
    if (!t.eqPoint) return t;
    const key = t.eqPoint.join(",");
    let k = eqTables.get(key);
    if (k === undefined) eqTables.set(key, (k = packed.push(native.frEqSum(size, [0], [t.eqPoint], [1n])) - 1));
    return { coeff: t.coeff, factors: [...t.factors, k] };
  });
  return group(native, plain);
}
