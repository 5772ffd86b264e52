/**
 * The parts of the LogUp protocol that prover and verifier share: the statement absorbed first, the
 * challenges, and the joint zero-check's terms. Keeping them in one place is what makes the two sides agree
 * by construction.
 */
import * as Fr from "../field/fr";
import type { ProductTerm } from "../sumcheck";
import type { Transcript } from "../transcript";
import { COLUMN_KIND, LOOKUP_LABELS, type LookupTable } from "./types";

/** 1/2 in Fr: the point (1/2, ..., 1/2) turns a hypercube sum into an evaluation, sum_x h(x) = 2^n·h(1/2^n). */
export const HALF = (Fr.MODULUS + 1n) / 2n;

/** Longest witness column accepted (2^40 entries; the Solidity verifier has the same bound). */
export const MAX_WITNESS_LENGTH = 2 ** 40;

/** Public shape of a lookup instance. */
export interface LookupShape {
  /** Witness column lengths L_1..L_k (each >= 1). */
  readonly lengths: readonly number[];
  /** Variables of the zero-padded witness columns: the bits of max L_i. */
  readonly witnessVars: number;
}

/** The shape of columns of the given lengths. */
export function lookupShape(lengths: readonly number[]): LookupShape {
  let witnessVars = 0;
  while (2 ** witnessVars < Math.max(...lengths)) witnessVars++;
  return { lengths, witnessVars };
}

/**
 * Absorbs the statement: "lookup.shape" = [k, arity, n_t, n_f, L_1..L_k], "lookup.table" = per column
 * [kind, lo (range) or 0], "lookup.table_commitments" = the committed columns' points (absent if none).
 */
export function absorbStatement(transcript: Transcript, table: LookupTable, shape: LookupShape): void {
  const { lengths, witnessVars } = shape;
  transcript.absorbUints(LOOKUP_LABELS.shape, [
    lengths.length,
    table.columns.length,
    table.numVars,
    witnessVars,
    ...lengths,
  ]);
  const words: bigint[] = [];
  for (const c of table.columns) words.push(COLUMN_KIND[c.kind], c.kind === "range" ? c.lo : 0n);
  transcript.absorbScalars(LOOKUP_LABELS.table, words);
  transcript.absorbPoints(
    LOOKUP_LABELS.tableCommitments,
    table.columns.flatMap((c) => (c.kind === "committed" ? [c.commitment] : [])),
  );
}

/** beta (tuple compression; 0 and not drawn for arity 1) then alpha, after the multiplicities are absorbed. */
export function drawAlphaBeta(transcript: Transcript, arity: number): { alpha: bigint; beta: bigint } {
  const beta = arity > 1 ? transcript.challengeScalar(LOOKUP_LABELS.beta) : 0n;
  const alpha = transcript.challengeScalar(LOOKUP_LABELS.alpha);
  return { alpha, beta };
}

/** Challenges of the joint zero-check. */
export interface ZeroCheckChallenges {
  readonly alpha: bigint;
  readonly beta: bigint;
  readonly gamma: bigint;
  /** n_f coordinates (witness side) and n_t coordinates (table side). */
  readonly tauWitness: readonly bigint[];
  readonly tauTable: readonly bigint[];
}

/**
 * The joint zero-check over n = max(n_f, n_t) variables, tables zero-padded to 2^n:
 *
 *   sum_x eq(tau_f ‖ 0, x) · sum_i gamma^i · h_i(x)·(alpha - sum_c beta^c f_{i,c}(x))
 *     + gamma^k · sum_x eq(tau_t ‖ 0, x) · (g(x)·(alpha - sum_c beta^c t_c(x)) - m(x))  =  sum_{i<k} gamma^i.
 *
 * eq(tau ‖ 0, x) vanishes off the sub-cube of the smaller side, where each h_i·(alpha - f_i) is 1 and
 * g·(alpha - t) - m is 0, so k + 1 zero-checks share one sum-check (and one point rho) instead of two.
 * Tables, in order: h_1..h_k, f_{1,0..a-1}, ..., f_{k,0..a-1}, g, m, t_0..t_{a-1} (see {@link zeroCheckTables}).
 */
export function zeroCheck(k: number, arity: number, ch: ZeroCheckChallenges): { terms: ProductTerm[]; claim: bigint } {
  const { alpha, beta, gamma } = ch;
  const numVars = Math.max(ch.tauWitness.length, ch.tauTable.length);
  const tauF = liftPoint(ch.tauWitness, numVars);
  const tauT = liftPoint(ch.tauTable, numVars);
  const gammas = Fr.powers(gamma, k + 1);
  const betas = Fr.powers(beta, arity);
  const idx = zeroCheckTables(k, arity);
  const terms: ProductTerm[] = [];
  for (let i = 0; i < k; i++) {
    terms.push({ coeff: Fr.mul(gammas[i], alpha), factors: [idx.h(i)], eqPoint: tauF });
    for (let c = 0; c < arity; c++) {
      terms.push({ coeff: Fr.neg(Fr.mul(gammas[i], betas[c])), factors: [idx.h(i), idx.f(i, c)], eqPoint: tauF });
    }
  }
  const gk = gammas[k];
  terms.push({ coeff: Fr.mul(gk, alpha), factors: [idx.g], eqPoint: tauT });
  terms.push({ coeff: Fr.neg(gk), factors: [idx.m], eqPoint: tauT });
  for (let c = 0; c < arity; c++) {
    terms.push({ coeff: Fr.neg(Fr.mul(gk, betas[c])), factors: [idx.g, idx.t(c)], eqPoint: tauT });
  }
  return { terms, claim: gammas.slice(0, k).reduce(Fr.add, 0n) };
}

/** Positions of the joint zero-check's tables (and of the evaluations the proof sends, same order). */
export function zeroCheckTables(k: number, arity: number) {
  return {
    h: (i: number) => i,
    f: (i: number, c: number) => k + i * arity + c,
    g: k + k * arity,
    m: k + k * arity + 1,
    t: (c: number) => k + k * arity + 2 + c,
    count: k + k * arity + 2 + arity,
  };
}

/** z ‖ 0…0 with n coordinates (the point of a zero-padded table, docs/hyperkzg.md "Batch opening"). */
export function liftPoint(z: readonly bigint[], n: number): bigint[] {
  return [...z, ...new Array<bigint>(n - z.length).fill(0n)];
}

/**
 * The zero-padded range column [lo, lo + 2^bits) at a point of n >= bits coordinates:
 * (lo + sum_{i<bits} 2^i·x_i) · prod_{j>=bits} (1 - x_j).
 */
export function evaluateLiftedRange(lo: bigint, bits: number, point: readonly bigint[]): bigint {
  let acc = lo;
  let weight = 1n;
  for (let i = 0; i < bits; i++) {
    acc = (acc + weight * point[i]) % Fr.MODULUS;
    weight *= 2n;
  }
  for (let j = bits; j < point.length; j++) acc = Fr.mul(acc, Fr.sub(1n, point[j]));
  return acc;
}

/**
 * The sum identity with padding discounted, inversion-free: each of the P = sum_i (2^n_f - L_i) padding
 * entries adds 1/alpha to sum_i S_i, so sum_i S_i - S_g = P/alpha, checked as alpha·(sum_i S_i - S_g) = P.
 */
export function sumsBalance(
  alpha: bigint,
  witnessSums: readonly bigint[],
  tableSum: bigint,
  shape: LookupShape,
): boolean {
  const padding = shape.lengths.reduce((acc, len) => acc + BigInt(2 ** shape.witnessVars - len), 0n);
  const diff = Fr.sub(witnessSums.reduce(Fr.add, 0n), tableSum);
  return Fr.mul(alpha, diff) === Fr.reduce(padding);
}

/** (1/2, ..., 1/2) with n coordinates and the factor 2^-n that turns a cube sum into the value there. */
export function halfPoint(n: number): { point: bigint[]; scale: bigint } {
  return { point: new Array<bigint>(n).fill(HALF), scale: Fr.pow(HALF, BigInt(n)) };
}
