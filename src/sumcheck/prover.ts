/**
 * The sum-check prover: linear time by binding in place. Round j costs O(2^(n-j) · (number of factor slots)),
 * so the whole proof costs about twice the first round; tables are never re-evaluated from scratch.
 *
 * Two round kernels:
 * - degree 2 with every term a product of exactly two tables (matrix products, eq·f, the batch opening): the
 *   compressed message (c_0, c_2) is read off directly, c_0 = sum a_f·a_g and c_2 = sum (b_f-a_f)(b_g-a_g)
 *   over pairs (a, b) = (table[2i], table[2i+1]), no interpolation;
 * - anything else: evaluate every term at X = 0, 2, 3, ..., d on every pair (h(1) = claim - h(0)) and
 *   interpolate;
 * - every term eq-weighted: ./eq-kernel.ts (the eq factor is never a table).
 * Both accumulate unreduced bigint products and reduce once per round (lazy reduction, ~4x fewer `%`), and
 * accept tables holding signed (possibly negative) representatives, which small-integer tables use until
 * their first bind.
 *
 * With the native walk kernels loaded (src/sumcheck/walk-native.ts) and 2^n ≥ NATIVE_PRODUCT_SUMCHECK_MIN, every
 * statement runs on packed words instead (./packed-product.ts): the same proof, byte for byte; the bigint
 * kernels above are the fallback without the addon and for small tables.
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { bindFirstVariableInPlace, eqTable, numVarsFor } from "../poly/mle";
import { threadCount } from "../msm/backend";
import { readWordLE, WORD_BYTES } from "../msm/layout";
import { advanceEqWeight, eqRoundCoefficients, initEqWeight } from "./eq-kernel";
import { NATIVE_PRODUCT_SUMCHECK_MIN, proveProductPacked } from "./packed-product";
import { loadWalkKernels } from "./walk-native";
import { compressRoundPoly, interpolateFromIntegerNodes } from "../poly/univariate";
import type { Transcript } from "../transcript";
import { SUMCHECK_LABELS, combineTerms, degreeOf, type ProductTerm, type SumcheckProof } from "./types";

/**
 * A multilinear table: bigints, or packed canonical Fr words (32-byte little-endian words in one Uint8Array, as the
 * native kernels make them: src/pcs/packed-table.ts), which the packed prover takes without a conversion.
 */
export type SumcheckTable = readonly bigint[] | Uint8Array;

/** r in eight little-endian 32-bit limbs (the packed tables' canonical check). */
const MODULUS_LIMBS = Array.from({ length: 8 }, (_, i) => Number((MODULUS >> BigInt(32 * i)) & 0xffffffffn));

/** Inputs of {@link proveSumcheck}. */
export interface ProveSumcheckParameters {
  /** Multilinear tables (little-endian index); shorter ones are zero-padded to 2^numVars. Not modified. */
  readonly tables: readonly SumcheckTable[];
  /** The product terms summed. */
  readonly terms: readonly ProductTerm[];
  /** Number of variables; defaults to the smallest that fits every table. */
  readonly numVars?: number;
  /** Degree bound; defaults to {@link degreeOf}(terms). Must be at least that. */
  readonly degree?: number;
  /** If given, must equal the true sum (checked; the prover refuses to prove a false claim). */
  readonly claim?: bigint;
  readonly transcript: Transcript;
}

/** Output of {@link proveSumcheck}. */
export interface ProveSumcheckResult {
  readonly proof: SumcheckProof;
  /** The true sum over the hypercube. */
  readonly claim: bigint;
  /** The challenge point (r_0, ..., r_{n-1}), r_0 binding x_0. */
  readonly point: bigint[];
  /** f_k(point) for every table k, for the caller's subclaim (the verifier does not get these). */
  readonly finalEvaluations: bigint[];
  /** Degree bound used (round length). */
  readonly degree: number;
}

/**
 * Proves `sum_x sum_t c_t [eq(x, P_t)] prod_k f_k(x) = claim`, absorbing into `transcript` exactly what
 * {@link verifySumcheck} absorbs. Terms with an eq weight are proved without an eq table when every term has
 * one (./eq-kernel.ts); otherwise the eq tables are materialized. Either way the proof is the same.
 */
export function proveSumcheck(params: ProveSumcheckParameters): ProveSumcheckResult {
  const { terms, transcript } = params;
  if (terms.length === 0) throw new RangeError("proveSumcheck: no terms");
  for (const [t, term] of terms.entries()) {
    Fr.assertFr(term.coeff, `proveSumcheck: coefficient of term ${t}`);
    if (term.factors.length === 0) throw new RangeError(`proveSumcheck: term ${t} has no factors`);
    for (const k of term.factors) {
      if (!Number.isInteger(k) || k < 0 || k >= params.tables.length) {
        throw new RangeError(`proveSumcheck: term ${t} refers to table ${k}, have ${params.tables.length}`);
      }
    }
  }
  const minDegree = degreeOf(terms);
  const degree = params.degree ?? minDegree;
  if (degree < minDegree) throw new RangeError(`proveSumcheck: degree ${degree} < terms' degree ${minDegree}`);
  const numVars = params.numVars ?? Math.max(0, ...params.tables.map((t) => numVarsFor(tableLength(t))));
  terms.forEach((term, t) => {
    if (!term.eqPoint) return;
    if (term.eqPoint.length !== numVars) {
      throw new RangeError(`proveSumcheck: eq point of term ${t} has ${term.eqPoint.length} coordinates, not ${numVars}`);
    }
    term.eqPoint.forEach((x, j) => Fr.assertFr(x, `proveSumcheck: eq point of term ${t}, coordinate ${j}`));
  });
  const walk = numVars > 0 && 2 ** numVars >= NATIVE_PRODUCT_SUMCHECK_MIN ? loadWalkKernels() : undefined;
  if (walk) {
    // The same proof over packed words in the native kernels (./packed-product.ts).
    params.tables.forEach((t, k) => (t instanceof Uint8Array ? checkWords(t, numVars, k) : checkTable(t, numVars, k)));
    const out = proveProductPacked({ native: walk, tables: params.tables, terms, numVars, degree, claim: params.claim, transcript, threads: threadCount() });
    return { ...out, degree };
  }
  const tables = params.tables.map((t, k) => prepareTable(t instanceof Uint8Array ? wordsToBigints(t, numVars, k) : t, numVars, k));

  // All terms eq-weighted: the eq kernel (no eq tables). Some: materialize their eq tables as ordinary factors.
  const eqMode = terms.every((t) => t.eqPoint);
  let plainTerms: readonly ProductTerm[] = terms;
  if (!eqMode && terms.some((t) => t.eqPoint)) {
    plainTerms = terms.map((t) => {
      if (!t.eqPoint) return t;
      tables.push(eqTable(t.eqPoint));
      return { coeff: t.coeff, factors: [...t.factors, tables.length - 1] };
    });
  }
  const eqStates = eqMode ? terms.map((t) => initEqWeight(t.eqPoint!)) : [];
  const nextCoeffs = (j: number, claim: bigint): bigint[] => {
    if (eqMode) return eqRoundCoefficients(tables, terms, eqStates, degree, j);
    if (degree === 2 && plainTerms.every((t) => t.factors.length === 2)) return roundDegree2(tables, plainTerms, claim);
    return roundGeneric(tables, plainTerms, degree, claim);
  };

  // The eq kernel does not need the claim, so its first round yields it: claim = h(0) + h(1).
  const firstEqRound = eqMode && numVars > 0 ? nextCoeffs(0, 0n) : undefined;
  const claim = firstEqRound
    ? Fr.reduce(firstEqRound.reduce((acc, c) => acc + c, 0n) + firstEqRound[0])
    : eqMode
      ? combineTerms(terms, tables.map((t) => Fr.reduce(t[0])), [])
      : hypercubeSum(tables, plainTerms);
  if (params.claim !== undefined && params.claim !== claim) {
    throw new RangeError("proveSumcheck: the given claim is not the sum over the hypercube");
  }
  transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(numVars), BigInt(degree)]);

  const rounds: bigint[][] = [];
  const point: bigint[] = [];
  let running = claim;
  for (let j = 0; j < numVars; j++) {
    const coeffs = j === 0 && firstEqRound ? firstEqRound : nextCoeffs(j, running);
    const compressed = compressRoundPoly(coeffs);
    rounds.push(compressed);
    transcript.absorbScalars(SUMCHECK_LABELS.round, compressed);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    point.push(r);
    running = evalCoeffs(coeffs, r);
    for (const t of tables) bindFirstVariableInPlace(t, r);
    for (const state of eqStates) advanceEqWeight(state, j, r);
  }
  return {
    proof: { rounds },
    claim,
    point,
    // The caller's tables only (materialized eq tables are internal).
    finalEvaluations: tables.slice(0, params.tables.length).map((t) => Fr.reduce(t[0])),
    degree,
  };
}

/**
 * A private working copy of table `k`, zero-padded to 2^numVars, after checking every entry is canonical.
 * Small-integer tables (quantized tensors: every entry, read as signed, below 2^32 in magnitude) are held as
 * signed integers until their first bind: -3 stays a 2-bit bigint instead of the 254-bit r - 3, so the first
 * round's products (half of all work) are cheap.
 */
function prepareTable(table: readonly bigint[], numVars: number, k: number): bigint[] {
  const size = 2 ** numVars;
  checkLength(table, numVars, k);
  const out = new Array<bigint>(size);
  const high = MODULUS - Fr.SMALL_LIMIT;
  let small = true;
  for (let i = 0; i < table.length; i++) {
    const v = table[i];
    if (typeof v !== "bigint" || v < 0n || v >= MODULUS) {
      throw new RangeError(`proveSumcheck: table ${k} entry ${i} is not a canonical field element`);
    }
    if (v >= Fr.SMALL_LIMIT && v <= high) small = false;
    out[i] = v;
  }
  out.fill(0n, table.length);
  if (small) for (let i = 0; i < table.length; i++) if (out[i] > high) out[i] -= MODULUS;
  return out;
}

function checkLength(table: readonly bigint[], numVars: number, k: number): void {
  if (table.length > 2 ** numVars) {
    throw new RangeError(`proveSumcheck: table ${k} has ${table.length} entries, more than 2^${numVars}`);
  }
}

/** Entries of a table (words of a packed one). */
function tableLength(t: SumcheckTable): number {
  return t instanceof Uint8Array ? t.length / WORD_BYTES : t.length;
}

/** A packed table's words as bigints (the bigint prover's input), after checking its length. */
function wordsToBigints(words: Uint8Array, numVars: number, k: number): bigint[] {
  checkWordCount(words, numVars, k);
  return Array.from({ length: words.length / WORD_BYTES }, (_, i) => readWordLE(words, WORD_BYTES * i));
}

function checkWordCount(words: Uint8Array, numVars: number, k: number): void {
  if (words.length % WORD_BYTES !== 0) throw new RangeError(`proveSumcheck: packed table ${k} has ${words.length} bytes, not a whole number of 32-byte words`);
  if (words.length / WORD_BYTES > 2 ** numVars) throw new RangeError(`proveSumcheck: table ${k} has ${words.length / WORD_BYTES} entries, more than 2^${numVars}`);
}

/** Checks a packed table: whole words, at most 2^numVars of them, each canonical (below r). */
function checkWords(words: Uint8Array, numVars: number, k: number): void {
  checkWordCount(words, numVars, k);
  const view = new DataView(words.buffer, words.byteOffset, words.length);
  for (let at = 0; at < words.length; at += WORD_BYTES) {
    // Below r iff, from the top 32-bit limb down, the first limb that differs from r's is smaller.
    let i = 7;
    let limb = view.getUint32(at + 4 * i, true);
    while (limb === MODULUS_LIMBS[i] && i > 0) limb = view.getUint32(at + 4 * --i, true);
    if (limb >= MODULUS_LIMBS[i]) throw new RangeError(`proveSumcheck: table ${k} entry ${at / WORD_BYTES} is not a canonical field element`);
  }
}

/** Checks table `k` as {@link prepareTable} does, without copying it (the packed prover packs it itself). */
function checkTable(table: readonly bigint[], numVars: number, k: number): void {
  checkLength(table, numVars, k);
  for (let i = 0; i < table.length; i++) {
    const v = table[i];
    if (typeof v !== "bigint" || v < 0n || v >= MODULUS) {
      throw new RangeError(`proveSumcheck: table ${k} entry ${i} is not a canonical field element`);
    }
  }
}

/** sum_x sum_t c_t prod_k f_k(x), lazily reduced per term. */
function hypercubeSum(tables: readonly bigint[][], terms: readonly ProductTerm[]): bigint {
  const size = tables.length === 0 ? 1 : tables[0].length;
  let total = 0n;
  for (const term of terms) {
    const fs = term.factors.map((k) => tables[k]);
    let acc = 0n;
    if (fs.length === 1) {
      for (let i = 0; i < size; i++) acc += fs[0][i];
    } else if (fs.length === 2) {
      const [f, g] = fs;
      for (let i = 0; i < size; i++) acc += f[i] * g[i];
    } else {
      for (let i = 0; i < size; i++) {
        let p = fs[0][i];
        for (let k = 1; k < fs.length - 1; k++) p = (p * fs[k][i]) % MODULUS;
        acc += p * fs[fs.length - 1][i];
      }
    }
    total += (acc % MODULUS) * term.coeff;
  }
  return Fr.reduce(total);
}

/** Coefficients (c_0, c_1, c_2) for a sum of two-table products; c_1 from the running claim. */
function roundDegree2(tables: readonly bigint[][], terms: readonly ProductTerm[], claim: bigint): bigint[] {
  const half = tables[0].length >> 1;
  let c0 = 0n;
  let c2 = 0n;
  for (const term of terms) {
    const f = tables[term.factors[0]];
    const g = tables[term.factors[1]];
    let s0 = 0n;
    let s2 = 0n;
    for (let i = 0; i < half; i++) {
      const fa = f[2 * i];
      const ga = g[2 * i];
      s0 += fa * ga;
      s2 += (f[2 * i + 1] - fa) * (g[2 * i + 1] - ga);
    }
    c0 += Fr.reduce(s0) * term.coeff;
    c2 += Fr.reduce(s2) * term.coeff;
  }
  c0 %= MODULUS;
  c2 %= MODULUS;
  // h(0) + h(1) = 2 c_0 + c_1 + c_2 = claim
  const c1 = Fr.reduce(claim - 2n * c0 - c2);
  return [c0, c1, c2];
}

/**
 * Coefficients of the round polynomial from its values at 0, 2, 3, ..., d; h(1) = claim - h(0) is not
 * computed (one evaluation point fewer per pair).
 */
function roundGeneric(
  tables: readonly bigint[][],
  terms: readonly ProductTerm[],
  degree: number,
  claim: bigint,
): bigint[] {
  const half = tables[0].length >> 1;
  const points = degree + 1;
  const values = new Array<bigint>(points).fill(0n);
  for (const term of terms) {
    const fs = term.factors.map((k) => tables[k]);
    const last = fs.length - 1;
    const sums = new Array<bigint>(points).fill(0n);
    const cur = new Array<bigint>(fs.length);
    const diff = new Array<bigint>(fs.length);
    for (let i = 0; i < half; i++) {
      for (let k = 0; k < fs.length; k++) {
        cur[k] = fs[k][2 * i];
        diff[k] = fs[k][2 * i + 1] - cur[k];
      }
      // t = 0
      let p = cur[0];
      for (let k = 1; k <= last; k++) p = k === last ? p * cur[k] : (p * cur[k]) % MODULUS;
      sums[0] += p;
      // t = 2 .. d: cur[k] = f_k(t) on this pair, unreduced (|cur| < (d+1)·r); reduce between products only.
      for (let k = 0; k <= last; k++) cur[k] += 2n * diff[k];
      for (let t = 2; t < points; t++) {
        p = cur[0];
        for (let k = 1; k <= last; k++) p = k === last ? p * cur[k] : (p * cur[k]) % MODULUS;
        sums[t] += p;
        for (let k = 0; k <= last; k++) cur[k] += diff[k];
      }
    }
    for (let t = 0; t < points; t++) if (t !== 1) values[t] += Fr.reduce(sums[t]) * term.coeff;
  }
  for (let t = 0; t < points; t++) values[t] %= MODULUS;
  values[1] = Fr.sub(claim, values[0]);
  return interpolateFromIntegerNodes(values);
}

function evalCoeffs(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = (acc * x + coeffs[i]) % MODULUS;
  return acc;
}
