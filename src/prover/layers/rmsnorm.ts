/**
 * RMSNorm (plan kind `rmsnorm`, docs/gguf.md §6) as a claims-in / claims-out IOP. Per row t of X [T, d]:
 *
 *     S_t = Σ_i x_{t,i}² + ε,   r_t = ⌊sqrt(K / S_t)⌋ with K = 2^(2·RMS_BITS)·d,   acc_{t,i} = x_{t,i}·r_t·g_i
 *
 * (y = requant(acc) is the driver's requantization). The prover commits, per row, the limbs (REQUANT_LIMB_BITS
 * bits each) of r, of lo = K − r²·S and of hi = (r + 1)²·S − K − 1 (advice columns of shape [T], each limb
 * range-checked in the arena). lo, hi ≥ 0 is exactly r = ⌊sqrt(K/S)⌋ for S ≥ 1; with the limb bounds nothing
 * wraps in Fr. S is not committed: it is reduced to X by a sum-check. Three sum-checks (spec: docs/gguf.md,
 * "LLM layers"):
 *
 * 1. product: acc~(ρ1) = Σ_x eq(ρ1, x)·X(x)·r(x_t)·g(x_i) → X~(ρ2), r-limbs at ρ2_t, g~(ρ2_i) (an opening of W);
 * 2. root check over rows, τ and γ drawn after (1):
 *    0 = Σ_t eq(τ, t)·[r²S + lo − K·1(t) + γ·((r + 1)²S − (K + 1)·1(t) − hi)]  with 1 = the real-row indicator
 *    (public), degree 4 → S~(ρ3) and the r / lo / hi limbs at ρ3;
 * 3. square sum: S~(ρ3) − ε·1(ρ3) = Σ_x eq(ρ3, x_t)·X(x)² → X~(ρ4) (degree 3).
 *
 * Transcript: absorb the claim | (1) | absorb X, r-limbs, g | τ, γ | (2) | absorb S, limbs | (3) | absorb X.
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { fixVariables, LayoutError, layoutOf, paddedTable, prefixIndicator, type IntTensor } from "../tensor";
import { isqrt } from "../../model/llama-kernels";
import { bitLength, limbCount, limbValue } from "./limbs";
import { REQUANT_LIMB_BITS } from "./requant-spec";

/** Transcript labels. */
export const RMSNORM_LABELS = { claim: "rmsnorm.claim", product: "rmsnorm.product", tau: "rmsnorm.tau", gamma: "rmsnorm.gamma", root: "rmsnorm.root", square: "rmsnorm.square" } as const;

/** Degrees of the three sum-checks. */
export const RMSNORM_DEGREES = { product: 4, root: 4, square: 3 } as const;

/** One RMSNorm: X [T, d], ε in squared integer units, RMS_BITS, and the b-bit width (bounds the limbs). */
export interface RmsNormSpec {
  readonly x: readonly [number, number];
  readonly epsInt: number;
  readonly rmsBits: number;
  readonly bits: number;
}

/** Derived sizes: variables and limb counts. */
export interface RmsNormGeometry {
  readonly numVars: number;
  readonly rowVars: number;
  readonly colVars: number;
  /** K = 2^(2·rmsBits)·d. */
  readonly k: bigint;
  /** Limbs (REQUANT_LIMB_BITS bits) of r and of lo / hi (both < (2r + 1)·S). */
  readonly rLimbs: number;
  readonly slackLimbs: number;
}

/** @throws {LayoutError} for a bad shape or ε */
export function rmsNormGeometry(spec: RmsNormSpec): RmsNormGeometry {
  const [t, d] = spec.x;
  if (t < 1 || d < 1) throw new LayoutError(`rmsnorm: empty input [${t}, ${d}]`);
  if (!Number.isSafeInteger(spec.epsInt) || spec.epsInt < 0) throw new LayoutError(`rmsnorm: ε ${spec.epsInt} is not an integer ≥ 0`);
  const layout = layoutOf(spec.x);
  const k = (1n << BigInt(2 * spec.rmsBits)) * BigInt(d);
  const sMax = BigInt(d) * (1n << BigInt(2 * (spec.bits - 1))) + BigInt(spec.epsInt);
  // r ≤ sqrt(K) (S ≥ 1); lo, hi < (2r + 1)·S ≤ 2·sqrt(K·S) + S.
  const rMax = isqrt(k) + 1n;
  const slackMax = 2n * (isqrt(k * sMax) + 1n) + sMax;
  return { numVars: layout.numVars, rowVars: layout.axes[0].count, colVars: layout.axes[1].count, k, rLimbs: limbCount(rMax, REQUANT_LIMB_BITS), slackLimbs: limbCount(slackMax, REQUANT_LIMB_BITS) };
}

/** The witness: the limbs of r, lo, hi per row, and acc. */
export interface RmsNormWitness {
  /** Limb tables over the row layout (canonical Fr, zero-padded): r, lo, hi, low limb first. */
  readonly limbs: { readonly r: readonly bigint[][]; readonly lo: readonly bigint[][]; readonly hi: readonly bigint[][] };
  readonly acc: IntTensor;
}

/** The witness from X and the quantized gain. @throws {LayoutError} for a row with S = 0 (not provable) */
export function rmsNormWitness(spec: RmsNormSpec, x: IntTensor, g: IntTensor): RmsNormWitness {
  const geo = rmsNormGeometry(spec);
  const [t, d] = spec.x;
  const rows = 2 ** geo.rowVars;
  const acc = new Float64Array(t * d);
  const limbs = { r: limbTables(geo.rLimbs, rows), lo: limbTables(geo.slackLimbs, rows), hi: limbTables(geo.slackLimbs, rows) };
  for (let row = 0; row < t; row++) {
    let s = BigInt(spec.epsInt);
    for (let i = 0; i < d; i++) s += BigInt(x.data[row * d + i]) ** 2n;
    if (s === 0n) throw new LayoutError(`rmsnorm: row ${row} has Σx² + ε = 0 (ε rounds to 0 in integer units): not provable`);
    const rr = isqrt(geo.k / s);
    split(limbs.r, row, rr);
    split(limbs.lo, row, geo.k - rr * rr * s);
    split(limbs.hi, row, (rr + 1n) * (rr + 1n) * s - geo.k - 1n);
    for (let i = 0; i < d; i++) acc[row * d + i] = x.data[row * d + i] * Number(rr) * g.data[i];
  }
  return { limbs, acc: { shape: [t, d], data: acc } };
}

function limbTables(n: number, rows: number): bigint[][] {
  return Array.from({ length: n }, () => new Array<bigint>(rows).fill(0n));
}

function split(tables: bigint[][], row: number, v: bigint): void {
  if (v < 0n || bitLength(v) > tables.length * REQUANT_LIMB_BITS) throw new LayoutError(`rmsnorm: row ${row}: value ${v} does not fit ${tables.length} limbs`);
  const mask = (1n << BigInt(REQUANT_LIMB_BITS)) - 1n;
  tables.forEach((tab, j) => (tab[row] = (v >> BigInt(j * REQUANT_LIMB_BITS)) & mask));
}

/** Σ_j 2^(L·j)·limb_j (L = REQUANT_LIMB_BITS). */
export function fromLimbs(limbs: readonly bigint[]): bigint {
  return limbValue(limbs, REQUANT_LIMB_BITS);
}

function fromLimbTables(tables: readonly bigint[][]): bigint[] {
  return tables[0].map((_, i) => fromLimbs(tables.map((t) => t[i])));
}

/** The messages. */
export interface RmsNormProof {
  readonly product: SumcheckProof;
  /** X~(ρ2), r-limbs at ρ2_t, g~(ρ2_i). */
  readonly productEvals: { readonly x: bigint; readonly r: readonly bigint[]; readonly g: bigint };
  readonly root: SumcheckProof;
  /** S~(ρ3) and the limbs of r, lo, hi at ρ3. */
  readonly rootEvals: { readonly s: bigint; readonly r: readonly bigint[]; readonly lo: readonly bigint[]; readonly hi: readonly bigint[] };
  readonly square: SumcheckProof;
  readonly squareX: bigint;
}

/** Claims out: two on X, one on the gain, limb claims at two row points. */
export interface RmsNormClaims {
  readonly x: readonly Claim[];
  readonly g: Claim;
  /** Per limb family, the limb values at `point` (one entry per point). */
  readonly limbs: readonly { readonly point: readonly bigint[]; readonly r: readonly bigint[]; readonly lo: readonly bigint[]; readonly hi: readonly bigint[] }[];
}

/** Proves a claim on acc. */
export function proveRmsNorm(params: { spec: RmsNormSpec; x: IntTensor; g: IntTensor; witness: RmsNormWitness; claim: Claim; transcript: Transcript }): { proof: RmsNormProof; claims: RmsNormClaims } {
  const { spec, witness: w, claim, transcript } = params;
  const geo = rmsNormGeometry(spec);
  checkClaim(claim, geo.numVars, "rmsnorm");
  absorbClaim(transcript, RMSNORM_LABELS.claim, claim);
  const layout = layoutOf(spec.x);
  const xTable = paddedTable(layout, params.x.data, "rmsnorm input");
  const rRow = fromLimbTables(w.limbs.r);
  const gTable = paddedTable(layoutOf([spec.x[1]]), params.g.data, "rmsnorm gain");
  const cols = 2 ** geo.colVars;
  const rB = xTable.map((_, idx) => rRow[Math.floor(idx / cols)]);
  const gB = xTable.map((_, idx) => gTable[idx % cols]);
  const p1 = provingTrueClaim("rmsnorm product", () =>
    proveSumcheck({ tables: [xTable, rB, gB], terms: [{ coeff: 1n, factors: [0, 1, 2], eqPoint: claim.point }], numVars: geo.numVars, degree: RMSNORM_DEGREES.product, claim: claim.value, transcript }),
  );
  const rho2 = p1.point;
  const rho2Row = rho2.slice(geo.colVars);
  const productEvals = { x: p1.finalEvaluations[0], r: w.limbs.r.map((t) => evalRow(t, rho2Row)), g: p1.finalEvaluations[2] };
  transcript.absorbScalars(RMSNORM_LABELS.product, [productEvals.x, ...productEvals.r, productEvals.g]);

  const { tau, gamma } = rootChallenges(geo, transcript);
  const sRow = new Array<bigint>(2 ** geo.rowVars).fill(0n);
  for (let row = 0; row < spec.x[0]; row++) {
    let s = BigInt(spec.epsInt);
    for (let i = 0; i < spec.x[1]; i++) s += BigInt(params.x.data[row * spec.x[1] + i]) ** 2n;
    sRow[row] = Fr.reduce(s);
  }
  const real = sRow.map((_, row) => (row < spec.x[0] ? 1n : 0n));
  const tables = [rRow, sRow, fromLimbTables(w.limbs.lo as bigint[][]), fromLimbTables(w.limbs.hi as bigint[][]), real];
  const p2 = provingTrueClaim("rmsnorm root", () =>
    proveSumcheck({ tables, terms: rootTerms(geo, tau, gamma), numVars: geo.rowVars, degree: RMSNORM_DEGREES.root, claim: 0n, transcript }),
  );
  const rho3 = p2.point;
  const rootEvals = { s: p2.finalEvaluations[1], r: w.limbs.r.map((t) => evalRow(t, rho3)), lo: w.limbs.lo.map((t) => evalRow(t, rho3)), hi: w.limbs.hi.map((t) => evalRow(t, rho3)) };
  transcript.absorbScalars(RMSNORM_LABELS.root, [rootEvals.s, ...rootEvals.r, ...rootEvals.lo, ...rootEvals.hi]);

  const eqRow = eqTable(rho3);
  const eqB = xTable.map((_, idx) => eqRow[Math.floor(idx / cols)]);
  const sumSq = Fr.sub(rootEvals.s, Fr.mul(BigInt(spec.epsInt), prefixIndicator(spec.x[0], rho3)));
  const p3 = provingTrueClaim("rmsnorm square", () => proveSumcheck({ tables: [eqB, xTable], terms: [{ coeff: 1n, factors: [0, 1, 1] }], numVars: geo.numVars, degree: RMSNORM_DEGREES.square, claim: sumSq, transcript }));
  const squareX = p3.finalEvaluations[1];
  transcript.absorbScalar(RMSNORM_LABELS.square, squareX);
  const proof: RmsNormProof = { product: p1.proof, productEvals, root: p2.proof, rootEvals, square: p3.proof, squareX };
  return { proof, claims: outClaims(geo, rho2, rho3, p3.point, proof) };
}

/** Verifies a claim on acc. @throws {LayerProofError} */
export function verifyRmsNorm(params: { spec: RmsNormSpec; claim: Claim; proof: RmsNormProof; transcript: Transcript }): RmsNormClaims {
  const { spec, claim, proof, transcript } = params;
  const geo = rmsNormGeometry(spec);
  checkClaim(claim, geo.numVars, "rmsnorm");
  absorbClaim(transcript, RMSNORM_LABELS.claim, claim);
  const pe = proof.productEvals;
  const s1 = sumcheck("product", { claim: claim.value, numVars: geo.numVars, degree: RMSNORM_DEGREES.product, proof: proof.product, transcript });
  if (Fr.mul(eqEval(claim.point, s1.point), Fr.mul(pe.x, Fr.mul(fromLimbs(pe.r), pe.g))) !== s1.expectedEvaluation) throw new LayerProofError("rmsnorm: the product sum-check's final value does not match the evaluations");
  transcript.absorbScalars(RMSNORM_LABELS.product, [pe.x, ...pe.r, pe.g]);

  const { tau, gamma } = rootChallenges(geo, transcript);
  const re = proof.rootEvals;
  const s2 = sumcheck("root", { claim: 0n, numVars: geo.rowVars, degree: RMSNORM_DEGREES.root, proof: proof.root, transcript });
  const real = prefixIndicator(spec.x[0], s2.point);
  const expected = rootValue(geo, tau, gamma, s2.point, [fromLimbs(re.r), re.s, fromLimbs(re.lo), fromLimbs(re.hi), real]);
  if (expected !== s2.expectedEvaluation) throw new LayerProofError("rmsnorm: the root check's final value does not match the evaluations");
  transcript.absorbScalars(RMSNORM_LABELS.root, [re.s, ...re.r, ...re.lo, ...re.hi]);

  const sumSq = Fr.sub(re.s, Fr.mul(BigInt(spec.epsInt), real));
  const s3 = sumcheck("square", { claim: sumSq, numVars: geo.numVars, degree: RMSNORM_DEGREES.square, proof: proof.square, transcript });
  if (Fr.mul(eqEval(s2.point, s3.point.slice(geo.colVars)), Fr.mul(proof.squareX, proof.squareX)) !== s3.expectedEvaluation) throw new LayerProofError("rmsnorm: the square sum-check's final value does not match the evaluation");
  transcript.absorbScalar(RMSNORM_LABELS.square, proof.squareX);
  return outClaims(geo, s1.point, s2.point, s3.point, proof);
}

function sumcheck(what: string, p: Parameters<typeof verifySumcheck>[0]): ReturnType<typeof verifySumcheck> {
  try {
    return verifySumcheck(p);
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`rmsnorm ${what}: ${e.message}`);
    throw e;
  }
}

function rootChallenges(geo: RmsNormGeometry, transcript: Transcript): { tau: bigint[]; gamma: bigint } {
  return { tau: transcript.challengeScalars(RMSNORM_LABELS.tau, geo.rowVars), gamma: transcript.challengeScalar(RMSNORM_LABELS.gamma) };
}

/** Tables r, S, lo, hi, 1: eq(τ)·[r²S + lo − K·1 + γ·(r²S + 2rS + S − (K+1)·1 − hi)]. */
function rootTerms(geo: RmsNormGeometry, tau: readonly bigint[], gamma: bigint) {
  const k = Fr.reduce(geo.k);
  const onePlusG = Fr.add(1n, gamma);
  return [
    { coeff: onePlusG, factors: [0, 0, 1], eqPoint: tau },
    { coeff: 1n, factors: [2], eqPoint: tau },
    { coeff: Fr.neg(Fr.add(k, Fr.mul(gamma, Fr.add(k, 1n)))), factors: [4], eqPoint: tau },
    { coeff: Fr.mul(2n, gamma), factors: [0, 1], eqPoint: tau },
    { coeff: gamma, factors: [1], eqPoint: tau },
    { coeff: Fr.neg(gamma), factors: [3], eqPoint: tau },
  ];
}

function rootValue(geo: RmsNormGeometry, tau: readonly bigint[], gamma: bigint, point: readonly bigint[], v: readonly bigint[]): bigint {
  const [r, s, lo, hi, one] = v;
  const k = Fr.reduce(geo.k);
  const first = Fr.sub(Fr.add(Fr.mul(Fr.mul(r, r), s), lo), Fr.mul(k, one));
  const r1 = Fr.add(r, 1n);
  const second = Fr.sub(Fr.sub(Fr.mul(Fr.mul(r1, r1), s), Fr.mul(Fr.add(k, 1n), one)), hi);
  return Fr.mul(eqEval(tau, point), Fr.add(first, Fr.mul(gamma, second)));
}

function evalRow(table: readonly bigint[], point: readonly bigint[]): bigint {
  return fixVariables(table, point)[0];
}

function outClaims(geo: RmsNormGeometry, rho2: readonly bigint[], rho3: readonly bigint[], rho4: readonly bigint[], proof: RmsNormProof): RmsNormClaims {
  const rho2Row = rho2.slice(geo.colVars);
  return {
    x: [
      { point: [...rho2], value: proof.productEvals.x },
      { point: [...rho4], value: proof.squareX },
    ],
    g: { point: rho2.slice(0, geo.colVars), value: proof.productEvals.g },
    limbs: [
      { point: rho2Row, r: proof.productEvals.r, lo: [], hi: [] },
      { point: [...rho3], r: proof.rootEvals.r, lo: proof.rootEvals.lo, hi: proof.rootEvals.hi },
    ],
  };
}
