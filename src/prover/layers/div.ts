/**
 * Element-wise division by a runtime divisor (plan kind `div`, docs/quantization.md) as a claims-in /
 * claims-out IOP over committed advice (spec: docs/prover.md, "Division (kind div)"). The executor computes,
 * with broadcasting,
 *
 *     y = clamp(q),   q = roundDiv(qa·M, qb·2^s) = floor((2·qa·M + qb·2^s) / (2·qb·2^s))      (qb ≠ 0)
 *
 * (roundDiv flips both signs for a negative divisor, which leaves the real fraction unchanged). Per output
 * element, with A = qa, B = qb (broadcast), S = sign(B) ∈ {−1, +1} and D = 2^(s+1)·|B| = 2^(s+1)·S·B:
 *
 *     S·(2·A·M + 2^s·B) = D·q + rem,   0 ≤ rem < D
 *
 * Multiplying by S (S² = 1) gives the form the zero-check proves, one relation per line, batched by powers of λ
 * and weighted by eq(τ, ·) over every point of the output's padded cube (1 = 1_real, rem / t from L-bit limbs):
 *
 *     (Z)  2M·A + 2^s·B − 2^(s+1)·B·q − S·rem = 0
 *     (T)  t + rem − 2^(s+1)·S·B + 1 = 0                      (t = D − 1 − rem: so 0 ≤ rem < D)
 *     (U)  S² − 1 = 0                                          (S = ±1 on real entries, 0 in the padding)
 *
 * The limbs are range-checked by the arena; (T) with t, rem ≥ 0 forces S·B ≥ 1, so S is B's sign and B ≠ 0 —
 * a zero divisor (the executor saturates to ±qmax there) has no proof, and the honest prover refuses it. The
 * quotient q is committed (A) and clamped by the requantization y = requant(q; 1, 0), which also bounds |q|, so
 * (Z) is an identity over the integers. A and B are the operands (claims handed to their producers), S, q and
 * the limbs are advice.
 *
 * Transcript (after the requantization of the claims on y): τ = challengeScalars("div.tau", n),
 * λ = challengeScalar("div.lambda"), the sum-check (n rounds, degree 3, claim 0), absorb("div.evals", [a, b, s, q,
 * rem…, t…]).
 */
import * as Fr from "../../field/fr";
import { proveSumcheck, SumcheckError, verifySumcheck, combineTerms, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { broadcastPoint, broadcastTable, evaluateTensor, forEachIndex, LayoutError, layoutOf, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { limbsOf, MAX_REQUANT_BITS, MAX_REQUANT_SHIFT, paddedBigTable, REQUANT_LIMB_BITS } from "./requant-spec";

/** Transcript labels of the division IOP. */
export const DIV_LABELS = { tau: "div.tau", lambda: "div.lambda", evals: "div.evals" } as const;

/** Degree of the zero-check (eq · B · q, eq · S · rem, eq · S · B, eq · S²). */
export const DIV_DEGREE = 3;

/** Integers on either side of (Z) must stay below 2^252 < r/2 (equality in Fr is then equality over ℤ). */
const NO_WRAP_BITS = 252;

/** One division: operand and output shapes (numpy broadcasting), the multiplier M, the shift s, the bit width b. */
export interface DivSpec {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly out: readonly number[];
  readonly multiplier: bigint;
  readonly shift: number;
  readonly bits: number;
  /** Limb width L of rem and t (the model's range table `range:<L>`); default REQUANT_LIMB_BITS. */
  readonly limbBits?: number;
}

/** What a spec implies: the output layout, limbs of rem and t, and the bound on |q| the requantization needs. */
export interface DivGeometry {
  readonly layout: TensorLayout;
  readonly limbBits: number;
  /** L-bit limbs of rem and of t (both < D ≤ 2^(b+s)). */
  readonly limbs: number;
  /** |q| ≤ quotientBound = ⌊2^(b−1)·|M| / 2^s⌋ + 1 for every b-bit A and non-zero B. */
  readonly quotientBound: bigint;
}

/** Checks a spec and derives its geometry. @throws {LayoutError} */
export function divGeometry(spec: DivSpec): DivGeometry {
  const { shift: s, bits, multiplier } = spec;
  if (!Number.isInteger(s) || s < 0 || s > MAX_REQUANT_SHIFT) throw new LayoutError(`div: shift ${s} is not an integer in [0, ${MAX_REQUANT_SHIFT}]`);
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_REQUANT_BITS) throw new LayoutError(`div: bit width ${bits} is not in [2, ${MAX_REQUANT_BITS}]`);
  if (typeof multiplier !== "bigint") throw new LayoutError("div: the multiplier must be a bigint");
  // Both operands must broadcast to the output (throws LayoutError otherwise).
  const zeros = new Array<bigint>(layoutOf(spec.out).numVars).fill(0n);
  broadcastPoint(spec.out, spec.a, zeros);
  broadcastPoint(spec.out, spec.b, zeros);
  const absM = multiplier < 0n ? -multiplier : multiplier;
  const half = 1n << BigInt(bits - 1);
  const quotientBound = ((half * absM) >> BigInt(s)) + 1n;
  const L = spec.limbBits ?? REQUANT_LIMB_BITS;
  if (!Number.isInteger(L) || L < 1 || L > REQUANT_LIMB_BITS) throw new LayoutError(`div: limb width ${L} is not in [1, ${REQUANT_LIMB_BITS}]`);
  const limbs = Math.ceil((bits + s) / L);
  // (Z)'s largest term: 2^(s+1)·|B|·|q|, where the clamp's requantization makes q = y + (±1 or 0)·e with y b-bit
  // and e < 2^(L·ℓ_e), ℓ_e = ⌈bitlength(quotientBound − qmax) / L⌉, so e < 2^(L+1)·quotientBound; plus 2·|A·M|,
  // 2^s·|B| and rem < 2^(b+s).
  const zBound = (1n << BigInt(s + bits)) * (half + (1n << BigInt(L + 1)) * quotientBound) + 2n * half * absM + (1n << BigInt(s + bits + 1));
  if (zBound.toString(2).length >= NO_WRAP_BITS) throw new LayoutError(`div: the quotient relation may reach 2^${NO_WRAP_BITS} and wrap in Fr`);
  return { layout: layoutOf(spec.out), limbBits: L, limbs, quotientBound };
}

/** The prover's columns: sign over b's layout; q and the limbs over the output's (canonical Fr, zero-padded). */
export interface DivWitness {
  /** q per output element (row-major), the requantization's accumulator. */
  readonly quotient: IntTensor;
  readonly tables: {
    readonly sign: readonly bigint[];
    readonly quotient: readonly bigint[];
    readonly rem: readonly (readonly bigint[])[];
    readonly t: readonly (readonly bigint[])[];
  };
}

/** A zero divisor at output flat index `index` (the executor saturates there; no proof exists). */
export class ZeroDivisorError extends LayoutError {
  constructor(readonly index: number) {
    super(`div: the divisor is 0 at output flat index ${index} (the executor saturates to ±qmax; a zero divisor is not proved)`);
  }
}

/**
 * The witness for operands qa, qb and the trace's output y.
 * @param unsafe test hook (a dishonest prover): take q = y from the trace even when it is not the executor's
 *   quotient; rem and t are then computed from the identity and leave the limb range (the arena rejects)
 * @throws {ZeroDivisorError} for a zero divisor; {@link LayoutError} when y is not the executor's output
 */
export function divWitness(spec: DivSpec, a: IntTensor, b: IntTensor, y: IntTensor, unsafe = false): DivWitness {
  const geo = divGeometry(spec);
  const A = broadcastValues(spec.out, a, "div numerator");
  const B = broadcastValues(spec.out, b, "div divisor");
  if (y.data.length !== A.length) throw new LayoutError(`div: the output has ${y.data.length} values, expected ${A.length}`);
  const qmax = (1n << BigInt(spec.bits - 1)) - 1n;
  const qmin = -qmax - 1n;
  const pow = 1n << BigInt(spec.shift);
  const size = A.length;
  const zero = B.findIndex((v) => v === 0);
  if (zero >= 0) throw new ZeroDivisorError(zero);
  const quotient = new Array<bigint>(size);
  const rem = new Array<bigint>(size);
  const t = new Array<bigint>(size);
  for (let f = 0; f < size; f++) {
    const bv = BigInt(B[f]);
    const sg = bv > 0n ? 1n : -1n;
    const num = sg * (2n * BigInt(A[f]) * spec.multiplier + pow * bv);
    const den = 2n * pow * sg * bv;
    let q = floorDiv(num, den);
    const yt = BigInt(y.data[f]);
    const clamped = q > qmax ? qmax : q < qmin ? qmin : q;
    if (clamped !== yt) {
      if (!unsafe) throw new LayoutError(`div: output ${yt} at flat index ${f} is not clamp(roundDiv(${A[f]}·${spec.multiplier}, ${bv}·2^${spec.shift})) = ${clamped}`);
      q = yt;
    }
    quotient[f] = q;
    rem[f] = num - den * q;
    t[f] = den - 1n - rem[f];
  }
  const layout = geo.layout;
  const limbTables = (values: readonly bigint[]) => {
    const out = Array.from({ length: geo.limbs }, () => new Array<bigint>(layout.paddedSize).fill(0n));
    forEachIndex(layout, (f, padded) => limbsOf(values[f], geo.limbs, geo.limbBits).forEach((v, j) => (out[j][padded] = Fr.fromSigned(v))));
    return out;
  };
  const sign = Array.from(b.data, (v) => Math.sign(v));
  return {
    quotient: { shape: [...spec.out], data: quotient.map(Number) },
    tables: {
      sign: paddedBigTable(layoutOf(spec.b), sign.map(BigInt)),
      quotient: paddedBigTable(layout, quotient),
      rem: limbTables(rem),
      t: limbTables(t),
    },
  };
}

/** floor(n / d) for d > 0. */
function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** The operand broadcast to the output, row-major. */
function broadcastValues(out: readonly number[], x: IntTensor, what: string): number[] {
  const lead = out.length - x.shape.length;
  if (lead < 0) throw new LayoutError(`${what}: rank ${x.shape.length} exceeds the output's ${out.length}`);
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let a = out.length - 1; a >= lead; a--) {
    const d = x.shape[a - lead];
    if (d !== out[a] && d !== 1) throw new LayoutError(`${what}: shape [${x.shape.join(", ")}] does not broadcast to [${out.join(", ")}]`);
    strides[a] = d === 1 ? 0 : stride;
    stride *= d;
  }
  if (x.data.length !== stride) throw new LayoutError(`${what}: ${x.data.length} values for shape [${x.shape.join(", ")}]`);
  const size = out.reduce((p, d) => p * d, 1);
  const values = new Array<number>(size);
  const idx = new Array<number>(out.length).fill(0);
  for (let f = 0; f < size; f++) {
    let src = 0;
    for (let a = 0; a < out.length; a++) src += idx[a] * strides[a];
    values[f] = x.data[src];
    for (let a = out.length - 1; a >= 0; a--) {
      if (++idx[a] < out[a]) break;
      idx[a] = 0;
    }
  }
  return values;
}

/** The zero-check's messages: the sum-check, a~ and b~ and s~ at their broadcast points, q and the limbs at ρ. */
export interface DivProof {
  readonly sumcheck: SumcheckProof;
  readonly a: bigint;
  readonly b: bigint;
  readonly s: bigint;
  readonly q: bigint;
  readonly rem: readonly bigint[];
  readonly t: readonly bigint[];
}

/** Claims the zero-check hands on: a, b to the operands' producers; s, q and the limbs are openings of A. */
export interface DivClaims {
  readonly a: Claim;
  readonly b: Claim;
  readonly s: Claim;
  readonly q: Claim;
  readonly rem: readonly Claim[];
  readonly t: readonly Claim[];
}

/** Number of scalars after the sum-check: a, b, s, q, then the rem and t limbs. */
export function divEvalCount(spec: DivSpec): number {
  return 4 + 2 * divGeometry(spec).limbs;
}

/** Calldata words of the IOP's own messages (the requantization counts its own). */
export function divWords(spec: DivSpec): number {
  return DIV_DEGREE * divGeometry(spec).layout.numVars + divEvalCount(spec);
}

// Table order of the zero-check: 0 A, 1 B, 2 S (broadcast), 3 q, 4 1_real, 5.. rem limbs, then t limbs.
const T_A = 0;
const T_B = 1;
const T_S = 2;
const T_Q = 3;
const T_ONE = 4;
const T_LIMBS = 5;

function divTerms(spec: DivSpec, geo: DivGeometry, tau: readonly bigint[], lambda: bigint): ProductTerm[] {
  const { limbs, limbBits } = geo;
  const pow = 1n << BigInt(spec.shift);
  const lambda2 = Fr.mul(lambda, lambda);
  const limb = (j: number) => 1n << BigInt(limbBits * j);
  const rem = (j: number) => T_LIMBS + j;
  const t = (j: number) => T_LIMBS + limbs + j;
  const term = (coeff: bigint, factors: number[]): ProductTerm => ({ coeff: Fr.fromSigned(coeff), factors, eqPoint: tau });
  const terms: ProductTerm[] = [
    // (Z) 2M·A + 2^s·B − 2^(s+1)·B·q − S·rem
    term(2n * spec.multiplier, [T_A]),
    term(pow, [T_B]),
    term(-2n * pow, [T_B, T_Q]),
    // (T)·λ: t + rem − 2^(s+1)·S·B + 1_real
    term(Fr.mul(lambda, Fr.fromSigned(-2n * pow)), [T_S, T_B]),
    term(lambda, [T_ONE]),
    // (U)·λ²: S² − 1_real
    term(lambda2, [T_S, T_S]),
    term(Fr.neg(lambda2), [T_ONE]),
  ];
  for (let j = 0; j < limbs; j++) {
    terms.push(term(-limb(j), [T_S, rem(j)]));
    terms.push(term(Fr.mul(lambda, limb(j)), [rem(j)]));
    terms.push(term(Fr.mul(lambda, limb(j)), [t(j)]));
  }
  return terms;
}

/** Proves (Z), (T), (U) at every point of the output's padded cube; returns the messages and claims. */
export function proveDiv(params: { spec: DivSpec; a: IntTensor; b: IntTensor; witness: DivWitness; transcript: Transcript }): { proof: DivProof; claims: DivClaims } {
  const { spec, a, b, witness: w, transcript } = params;
  const geo = divGeometry(spec);
  const n = geo.layout.numVars;
  const tau = transcript.challengeScalars(DIV_LABELS.tau, n);
  const lambda = transcript.challengeScalar(DIV_LABELS.lambda);
  const one = new Array<bigint>(geo.layout.paddedSize).fill(0n);
  forEachIndex(geo.layout, (_, padded) => (one[padded] = 1n));
  const sign = { shape: spec.b, data: Array.from(b.data, (v) => Math.sign(v)) };
  const tables = [
    broadcastTable(spec.out, a, "div numerator"),
    broadcastTable(spec.out, b, "div divisor"),
    broadcastTable(spec.out, sign, "div sign"),
    [...w.tables.quotient],
    one,
    ...w.tables.rem.map((r) => [...r]),
    ...w.tables.t.map((r) => [...r]),
  ];
  const sc = provingTrueClaim("div", () => proveSumcheck({ tables, terms: divTerms(spec, geo, tau, lambda), numVars: n, degree: DIV_DEGREE, claim: 0n, transcript }));
  const rho = sc.point;
  const pa = broadcastPoint(spec.out, spec.a, rho);
  const pb = broadcastPoint(spec.out, spec.b, rho);
  const f = sc.finalEvaluations;
  const proof: DivProof = {
    sumcheck: sc.proof,
    a: evaluateTensor(layoutOf(spec.a), a.data, pa.point),
    b: evaluateTensor(layoutOf(spec.b), b.data, pb.point),
    s: evaluateTensor(layoutOf(spec.b), sign.data, pb.point),
    q: f[T_Q],
    rem: f.slice(T_LIMBS, T_LIMBS + geo.limbs),
    t: f.slice(T_LIMBS + geo.limbs),
  };
  absorbEvals(transcript, proof);
  return { proof, claims: divClaims(proof, rho, pa.point, pb.point) };
}

/** Verifies the zero-check. @throws {LayerProofError} */
export function verifyDiv(params: { spec: DivSpec; proof: DivProof; transcript: Transcript }): DivClaims {
  const { spec, proof, transcript } = params;
  const geo = divGeometry(spec);
  const n = geo.layout.numVars;
  if (proof.rem.length !== geo.limbs || proof.t.length !== geo.limbs) throw new LayerProofError(`div: ${proof.rem.length} rem and ${proof.t.length} t limbs, expected ${geo.limbs}`);
  const tau = transcript.challengeScalars(DIV_LABELS.tau, n);
  const lambda = transcript.challengeScalar(DIV_LABELS.lambda);
  let sub;
  try {
    sub = verifySumcheck({ claim: 0n, numVars: n, degree: DIV_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`div: ${e.message}`);
    throw e;
  }
  [proof.a, proof.b, proof.s, proof.q, ...proof.rem, ...proof.t].forEach((v, i) => checkScalar(v, `div: value ${i}`));
  absorbEvals(transcript, proof);
  const rho = sub.point;
  const pa = broadcastPoint(spec.out, spec.a, rho);
  const pb = broadcastPoint(spec.out, spec.b, rho);
  const values = [Fr.mul(pa.factor, proof.a), Fr.mul(pb.factor, proof.b), Fr.mul(pb.factor, proof.s), proof.q, realIndicator(geo.layout, rho), ...proof.rem, ...proof.t];
  if (combineTerms(divTerms(spec, geo, tau, lambda), values, rho) !== sub.expectedEvaluation) {
    throw new LayerProofError("div: the quotient / remainder relations do not vanish at the zero-check point");
  }
  return divClaims(proof, rho, pa.point, pb.point);
}

/** 1_real~ at a point: Π_a prefixIndicator(d_a, point_a). */
function realIndicator(layout: TensorLayout, point: readonly bigint[]): bigint {
  return splitPoint(layout, point).reduce((acc, p, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], p)), 1n);
}

function absorbEvals(transcript: Transcript, proof: DivProof): void {
  transcript.absorbScalars(DIV_LABELS.evals, [proof.a, proof.b, proof.s, proof.q, ...proof.rem, ...proof.t]);
}

function divClaims(proof: DivProof, rho: readonly bigint[], pa: readonly bigint[], pb: readonly bigint[]): DivClaims {
  return {
    a: { point: pa, value: proof.a },
    b: { point: pb, value: proof.b },
    s: { point: pb, value: proof.s },
    q: { point: rho, value: proof.q },
    rem: proof.rem.map((v) => ({ point: rho, value: v })),
    t: proof.t.map((v) => ({ point: rho, value: v })),
  };
}
