/**
 * The requantization step on the proof-wide lookup arena (spec: docs/prover.md, "Requantization"). Per step:
 *
 * - witness phase (before any challenge): the advice σ, rem limbs and e limbs (each a table over the output
 *   layout) go into the advice polynomial A; the arena gets one CLAMP column (y, σ) and one RANGE column per
 *   rem limb, the scaled copy of rem's short top limb, and per e limb;
 * - IOP phase (backward walk): a LIST of claims on y (the consumers', the output step's and the arena's y
 *   claim) becomes ONE claim on acc at a fresh point ρ′ plus the advice values at ρ′ (openings of A), by one
 *   sum-check with the weight w(x) = Σ_k c^k·eq(r_k, x):
 *
 *     2^s·Σ_k c^k v_k = Σ_x w(x)·(M·acc(x) + 2^(s−1)·1_real(x) − Σ_i 2^(L·i)·rem_i(x) − 2^s·σ(x)·Σ_j 2^(L·j)·e_j(x))
 *
 * y itself is never committed: every claim on it is reduced to acc and the advice.
 * Transcript: absorb("requant.claims", [r_k…, v_k] for each k) | c = challenge("requant.coeff") | sum-check
 * (n rounds, degree 3; 2 without e limbs) | absorb("requant.evals", [acc, σ, rem…, e…]).
 */
import * as Fr from "../../field/fr";
import { combineTerms, proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { paddedTable, prefixIndicator, splitPoint, type IntTensor } from "../tensor";
import { limbsOf, paddedBigTable, REQUANT_LIMB_BITS, requantGeometry, type RequantGeometry, type RequantSpec, type RequantWitness } from "./requant-spec";

/** Transcript labels of the requant step. */
export const REQUANT_LABELS = { claims: "requant.claims", coeff: "requant.coeff", evals: "requant.evals" } as const;

/** Values the prover sends at the sum-check point ρ′ (acc, σ, rem limbs, e limbs). */
export interface RequantEvals {
  readonly acc: bigint;
  readonly sigma: bigint;
  readonly rem: readonly bigint[];
  readonly e: readonly bigint[];
}

/** A requant proof, in message order: the sum-check, then the evaluations. */
export interface RequantProof {
  readonly sumcheck: SumcheckProof;
  readonly evals: RequantEvals;
}

/** The witness as padded tables over the output layout (what goes into A and the arena). */
export interface RequantTables {
  readonly y: bigint[];
  readonly sigma: bigint[];
  readonly rem: bigint[][];
  readonly e: bigint[][];
}

/** What the IOP phase hands on: the acc claim and the advice values at the same point ρ′ (claims on A). */
export interface RequantClaims {
  readonly acc: Claim;
  readonly point: readonly bigint[];
  readonly evals: RequantEvals;
}

/** The witness (honest from `requantWitness`, or a test's dishonest one) as padded tables. */
export function requantTables(spec: RequantSpec, w: RequantWitness): RequantTables {
  const geo = requantGeometry(spec);
  const pad = (v: readonly bigint[]) => paddedBigTable(geo.layout, v);
  return { y: pad(w.y), sigma: pad(w.sigma), rem: transposeLimbs(w.rem, geo.remLimbs).map(pad), e: transposeLimbs(w.e, geo.eLimbs).map(pad) };
}

/** True when rem's top limb is shorter than L bits: then its scaled copy 2^(L − τ)·limb is range-checked too. */
export function hasScaledTop(geo: RequantGeometry): boolean {
  return geo.remLimbs > 0 && geo.remTopBits < REQUANT_LIMB_BITS;
}

/** The factor 2^(L − τ) of the scaled top limb. */
export function scaledTopFactor(geo: RequantGeometry): bigint {
  return Fr.pow(2n, BigInt(REQUANT_LIMB_BITS - geo.remTopBits));
}

/**
 * The RANGE columns, in arena order: rem limbs (low first), the scaled top limb (when short), e limbs. The top
 * limb and its scaled copy are both in [0, 2^L) iff the limb is below 2^τ (the product stays below 2^(2L), no
 * wrap), so every limb shares the one L-bit range table (L = REQUANT_LIMB_BITS).
 */
export function requantRangeColumns(geo: RequantGeometry, t: RequantTables): bigint[][] {
  const cols = t.rem.map((l) => [...l]);
  if (hasScaledTop(geo)) {
    const k = scaledTopFactor(geo);
    cols.push(t.rem[geo.remLimbs - 1].map((v) => Fr.mul(v, k)));
  }
  for (const l of t.e) cols.push([...l]);
  return cols;
}

/** Number of RANGE columns of a step. */
export function requantRangeCount(geo: RequantGeometry): number {
  return geo.remLimbs + (hasScaledTop(geo) ? 1 : 0) + geo.eLimbs;
}

/**
 * The arena's claims on the step's columns, checked and split: the CLAMP column's y value (a claim on y for the
 * IOP phase) and σ value, the RANGE values of the rem and e limbs (claims on A at the arena point). The scaled
 * top limb's value must be 2^(L − τ) times the top limb's (the verifier's only check here).
 * @throws {LayerProofError} when the scaled copy does not match
 */
export function splitRangeClaims(geo: RequantGeometry, range: readonly bigint[]): { rem: bigint[]; e: bigint[] } {
  if (range.length !== requantRangeCount(geo)) throw new LayerProofError(`requant: ${range.length} range claims, expected ${requantRangeCount(geo)}`);
  const rem = range.slice(0, geo.remLimbs);
  const scaled = hasScaledTop(geo) ? 1 : 0;
  if (scaled && range[geo.remLimbs] !== Fr.mul(scaledTopFactor(geo), rem[geo.remLimbs - 1])) {
    throw new LayerProofError("requant: the scaled copy of rem's top limb is not 2^(L − τ) times the limb");
  }
  return { rem, e: range.slice(geo.remLimbs + scaled) };
}

/** Inputs of {@link proveRequant}. */
export interface ProveRequantParameters {
  readonly spec: RequantSpec;
  /** The exact accumulator, row-major over `spec.shape`. */
  readonly acc: IntTensor;
  /** The witness tables (committed in A before any challenge). */
  readonly tables: RequantTables;
  /** Every claim on y, in the driver's order. */
  readonly claims: readonly Claim[];
  readonly transcript: Transcript;
}

/** Proves every claim on y = requant(acc) down to one acc claim and the advice values at ρ′. */
export function proveRequant(params: ProveRequantParameters): { proof: RequantProof; claims: RequantClaims } {
  const { spec, acc, tables, claims, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  const c = absorbClaims(transcript, claims, n);
  const stmt = combinedStatement(spec, geo, claims, c);
  const accTable = paddedTable(geo.layout, acc.data, "requant acc");
  const indicator = paddedTable(geo.layout, new Array<number>(acc.data.length).fill(1));
  const sc = provingTrueClaim("requant", () =>
    proveSumcheck({ tables: [accTable, indicator, tables.sigma, ...tables.rem, ...tables.e], terms: stmt.terms, numVars: n, degree: stmt.degree, claim: stmt.claim, transcript }),
  );
  const at = sc.finalEvaluations;
  const evals: RequantEvals = { acc: at[0], sigma: at[2], rem: at.slice(3, 3 + geo.remLimbs), e: at.slice(3 + geo.remLimbs, 3 + geo.remLimbs + geo.eLimbs) };
  transcript.absorbScalars(REQUANT_LABELS.evals, flatEvals(evals));
  return { proof: { sumcheck: sc.proof, evals }, claims: { acc: { point: sc.point, value: evals.acc }, point: sc.point, evals } };
}

/** Checks a requant proof down to claims (acc at ρ′, advice values at ρ′). @throws {LayerProofError} */
export function verifyRequant(params: { spec: RequantSpec; claims: readonly Claim[]; proof: RequantProof; transcript: Transcript }): RequantClaims {
  const { spec, claims, proof, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  if (proof.evals.rem.length !== geo.remLimbs || proof.evals.e.length !== geo.eLimbs) {
    throw new LayerProofError(`requant proof: ${proof.evals.rem.length} rem and ${proof.evals.e.length} e evaluations, expected ${geo.remLimbs} and ${geo.eLimbs}`);
  }
  const c = absorbClaims(transcript, claims, n);
  const stmt = combinedStatement(spec, geo, claims, c);
  let sub;
  try {
    sub = verifySumcheck({ claim: stmt.claim, numVars: n, degree: stmt.degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`requant: ${e.message}`);
    throw e;
  }
  const ev = proof.evals;
  const flat = flatEvals(ev).map((x, i) => checkScalar(x, `requant: evaluation ${i}`));
  transcript.absorbScalars(REQUANT_LABELS.evals, flat);
  const indicator = splitPoint(geo.layout, sub.point).reduce((acc, part, a) => Fr.mul(acc, prefixIndicator(geo.layout.shape[a], part)), 1n);
  if (combineTerms(stmt.terms, [ev.acc, indicator, ev.sigma, ...ev.rem, ...ev.e], sub.point) !== sub.expectedEvaluation) {
    throw new LayerProofError("requant: the identity M·acc + 2^(s−1) = 2^s·(y + σ·e) + rem fails at the sum-check point");
  }
  return { acc: { point: sub.point, value: ev.acc }, point: sub.point, evals: ev };
}

/** The sum-check degree of a step: 3 with e limbs (σ·e·eq), else 2. */
export function requantDegree(geo: RequantGeometry): number {
  return geo.eLimbs > 0 ? 3 : 2;
}

function absorbClaims(transcript: Transcript, claims: readonly Claim[], n: number): bigint {
  if (claims.length === 0) throw new LayerProofError("requant: no claims on y");
  claims.forEach((cl, k) => checkClaim(cl, n, `requant claim ${k}`));
  transcript.absorbScalars(REQUANT_LABELS.claims, claims.flatMap((cl) => [...cl.point, cl.value]));
  return transcript.challengeScalar(REQUANT_LABELS.coeff);
}

/**
 * The one sum-check both sides run (see the module comment). Table order: acc, 1_real, σ, rem limbs, e limbs.
 */
function combinedStatement(spec: RequantSpec, geo: RequantGeometry, claims: readonly Claim[], c: bigint) {
  const two = (k: number) => Fr.pow(2n, BigInt(k));
  const twoS = two(spec.shift);
  const m = Fr.fromSigned(spec.multiplier);
  const half = spec.shift === 0 ? 0n : two(spec.shift - 1);
  const terms: ProductTerm[] = [];
  let weight = 1n;
  let claim = 0n;
  for (const cl of claims) {
    const eqPoint = cl.point;
    terms.push({ coeff: Fr.mul(weight, m), factors: [0], eqPoint });
    if (half !== 0n) terms.push({ coeff: Fr.mul(weight, half), factors: [1], eqPoint });
    for (let i = 0; i < geo.remLimbs; i++) terms.push({ coeff: Fr.neg(Fr.mul(weight, two(REQUANT_LIMB_BITS * i))), factors: [3 + i], eqPoint });
    for (let j = 0; j < geo.eLimbs; j++) {
      terms.push({ coeff: Fr.neg(Fr.mul(weight, Fr.mul(twoS, two(REQUANT_LIMB_BITS * j)))), factors: [2, 3 + geo.remLimbs + j], eqPoint });
    }
    claim = Fr.add(claim, Fr.mul(weight, cl.value));
    weight = Fr.mul(weight, c);
  }
  return { terms, degree: requantDegree(geo), claim: Fr.mul(twoS, claim) };
}

/** Per-element values → `count` vectors of limbs (limb-major). */
function transposeLimbs(values: readonly bigint[], count: number): bigint[][] {
  const out = Array.from({ length: count }, () => new Array<bigint>(values.length));
  values.forEach((v, x) => limbsOf(v, count).forEach((l, i) => (out[i][x] = l)));
  return out;
}

function flatEvals(ev: RequantEvals): bigint[] {
  return [ev.acc, ev.sigma, ...ev.rem, ...ev.e];
}
