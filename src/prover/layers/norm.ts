/**
 * Normalization (plan kind `norm`: LayerNormalization, InstanceNormalization; docs/quantization.md) as
 * claims-in / claims-out pieces over committed advice (spec: docs/prover.md, "Normalization (kind norm)"). The
 * executor, per group of n elements q (the trailing axes from `axis` on; the leading axes index the groups):
 *
 *     μ = roundDiv(Σq, n);  c = q − μ;  V = roundDiv(Σc², n);
 *     v = min(t = 0 ? V : floor((V + 2^(2t−1)) / 2^(2t)), 2^b − 1);  r = RSQRT[v];  z = requant(c·r)
 *
 * then the channel-affine y = requant(z·γ + β). This file holds the integer witness and the two relations
 * particular to the kind; the requantizations (v, z, y), the affine part and the lookups are the driver's.
 *
 * - Quotients as identities over ℤ, on the ROW layout (the leading axes: one entry per group), checked at the
 *   arena's row point ρ_row, where every committed value is an L-bit-limbed integer (1 = the real-row indicator):
 *       2·Σq  + n·1 = 2n·μ + f,   f′ = (2n − 1)·1 − f      (μ = u − 2^(b−1)·1, u ≥ 0 limbed)
 *       2·Σc² + n·1 = 2n·V + g,   g′ = (2n − 1)·1 − g
 *   f, f′, g, g′ ≥ 0 give 0 ≤ f, g < 2n: μ and V are exactly the executor's roundDivs. The two identities
 *   DEFINE the values Σq~(ρ_row) and Σc²~(ρ_row), which the sum-check below must then prove.
 * - v: v − 2^(b−1) = clamp(floor((acc_v + 2^(2t−1)) / 2^(2t))) with acc_v = V − 2^(b−1+2t): one requantization
 *   with multiplier 1 and shift 2t (the lower clamp never binds since V ≥ 0; the upper one is the min).
 * - One batched sum-check over x's variables, degree 3, c(x) = q(x) − μ(x_row)·1_inner(x_inner):
 *       acc~(ρ1) + λ·Σc²~(ρ_row) + λ²·Σq~(ρ_row)
 *         = Σ_x eq(ρ1, x)·c(x)·r(x_row) + λ·2^k·eq(½^k ‖ ρ_row, x)·c(x)² + λ²·2^k·eq(½^k ‖ ρ_row, x)·q(x)
 *   (k = the inner variables: eq(½^k ‖ ρ, x) = 2^(−k)·eq(ρ, x_row), so the last two terms are the group sums
 *   over the padded inner cube, where q and c are zero). It ends at ρ2 with q~(ρ2), r~(ρ2_row) and the limbs of
 *   u at ρ2_row.
 */
import * as Fr from "../../field/fr";
import { evaluateMle } from "../../poly/mle";
import { combineTerms, proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkClaim, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, paddedTable, type IntTensor, type TensorLayout } from "../tensor";
import { limbCount, limbTables, limbValue } from "./limbs";
import { MAX_REQUANT_BITS } from "./requant-spec";
import { realIndicator } from "./softmax";

/** Transcript labels of the norm IOP. */
export const NORM_LABELS = { variance: "norm.var", claims: "norm.claims", lambda: "norm.lambda", evals: "norm.evals" } as const;

/** Degree of the batched sum-check (eq · c · r and eq · c · c). */
export const NORM_DEGREE = 3;

/** Largest 2t (the variance shift is a requantization shift). */
const MAX_VARIANCE_SHIFT = 62;

/** The witness works in float64: every sum must stay an exact integer. */
const EXACT = 2 ** 53;

/** One normalization: input shape, first normalized axis, bit width b, variance shift 2t, limb width L. */
export interface NormSpec {
  readonly x: readonly number[];
  /** Axes axis…R−1 form a group (LayerNormalization's `axis`; 2 for InstanceNormalization). */
  readonly axis: number;
  readonly bits: number;
  /** 2t: v = floor((V + 2^(2t−1)) / 2^(2t)) before the clamp. */
  readonly varianceShift: number;
  /** L: the width of a range-checked limb (the proof's limb range table). */
  readonly limbBits: number;
}

/** Derived shapes and limb counts. */
export interface NormGeometry {
  readonly layout: TensorLayout;
  /** x's shape with the group axes set to 1: one entry per group (its variables are x's high ones). */
  readonly rowShape: readonly number[];
  readonly rowLayout: TensorLayout;
  /** The group axes' shape and variable count k (x's low variables). */
  readonly innerShape: readonly number[];
  readonly innerVars: number;
  /** Group size n and number of groups. */
  readonly n: number;
  readonly groups: number;
  /** Limbs of u = μ + 2^(b−1) (< 2^b), of each remainder f, f′, g, g′ (< 2n), and of V (≤ (2^b − 1)²). */
  readonly limbs: { readonly mu: number; readonly rem: number; readonly variance: number };
  /** 2^(b−1): u = μ + muOffset on real rows. */
  readonly muOffset: bigint;
  /** 2^(b−1+2t): the v requantization's acc_v = V − varianceOffset on real rows. */
  readonly varianceOffset: bigint;
  /** (2^b − 1)²: |c|² bound, hence V's. */
  readonly maxVariance: bigint;
}

/** @throws {LayoutError} for a bad axis, bit width, shift or a group too large for exact sums */
export function normGeometry(spec: NormSpec): NormGeometry {
  const { x, axis, bits, varianceShift, limbBits } = spec;
  const rank = x.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new LayoutError(`norm: axis ${axis} is not in [0, ${rank})`);
  if (x.some((d) => !Number.isInteger(d) || d < 1)) throw new LayoutError(`norm: empty or bad shape [${x.join(", ")}]`);
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_REQUANT_BITS) throw new LayoutError(`norm: bit width ${bits} is not in [2, ${MAX_REQUANT_BITS}]`);
  if (!Number.isInteger(varianceShift) || varianceShift < 0 || varianceShift % 2 !== 0 || varianceShift > MAX_VARIANCE_SHIFT) {
    throw new LayoutError(`norm: variance shift ${varianceShift} is not an even integer in [0, ${MAX_VARIANCE_SHIFT}]`);
  }
  if (!Number.isInteger(limbBits) || limbBits < 1) throw new LayoutError(`norm: limb width ${limbBits} is not a positive integer`);
  const innerShape = x.slice(axis);
  const n = innerShape.reduce((p, d) => p * d, 1);
  const groups = x.slice(0, axis).reduce((p, d) => p * d, 1);
  const maxC = 2 ** bits - 1;
  if (2 * n * maxC * maxC + n >= EXACT) throw new LayoutError(`norm: groups of ${n} values of ${bits} bits: the sum of squares leaves the exact integer range`);
  const rowShape = x.map((d, a) => (a < axis ? d : 1));
  const maxVariance = BigInt(maxC) * BigInt(maxC);
  return {
    layout: layoutOf(x),
    rowShape,
    rowLayout: layoutOf(rowShape),
    innerShape,
    innerVars: layoutOf(innerShape).numVars,
    n,
    groups,
    limbs: { mu: limbCount(BigInt(maxC), limbBits), rem: limbCount(BigInt(2 * n - 1), limbBits), variance: limbCount(maxVariance, limbBits) },
    muOffset: 1n << BigInt(bits - 1),
    varianceOffset: 1n << BigInt(bits - 1 + varianceShift),
    maxVariance,
  };
}

/** Values a dishonest prover may substitute (test hook; per group, row-major). */
export interface NormGiven {
  readonly mu?: ArrayLike<number>;
  readonly variance?: ArrayLike<number>;
  readonly r?: ArrayLike<number>;
}

/** The integer witness, per group (row-major over the row shape) and per element. */
export interface NormWitness {
  readonly mu: readonly number[];
  /** f = 2·Σq + n − 2n·μ and g = 2·Σc² + n − 2n·V (in [0, 2n) for an honest prover). */
  readonly remMu: readonly number[];
  readonly variance: readonly number[];
  readonly remVariance: readonly number[];
  /** The table index v ∈ [0, 2^b − 1] and r = RSQRT[v]. */
  readonly v: readonly number[];
  readonly r: readonly number[];
  /** acc_v = V − 2^(b−1+2t) per group: the v requantization's accumulator. */
  readonly accVariance: IntTensor;
  /** c·r per element: the z requantization's accumulator. */
  readonly acc: IntTensor;
}

/**
 * The executor's integer semantics (src/model/ops/norm.ts) with every intermediate kept. `rsqrt` is the plan's
 * table (index v). `given` (a dishonest prover's test hook) replaces μ, V or r; everything after follows.
 */
export function normWitness(spec: NormSpec, q: IntTensor, rsqrt: ArrayLike<number>, given: NormGiven = {}): NormWitness {
  const geo = normGeometry(spec);
  const { n, groups } = geo;
  if (q.data.length !== n * groups) throw new LayoutError(`norm: input has ${q.data.length} values, the shape ${n * groups}`);
  if (rsqrt.length !== 2 ** spec.bits) throw new LayoutError(`norm: the RSQRT table has ${rsqrt.length} entries, not 2^${spec.bits}`);
  const top = 2 ** spec.bits - 1;
  const div = 2 ** spec.varianceShift;
  const w = { mu: [] as number[], remMu: [] as number[], variance: [] as number[], remVariance: [] as number[], v: [] as number[], r: [] as number[] };
  const acc = new Float64Array(n * groups);
  const accVariance = new Float64Array(groups);
  for (let o = 0; o < groups; o++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += q.data[o * n + i];
    const mu = given.mu ? given.mu[o] : roundDiv(sum, n);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (q.data[o * n + i] - mu) ** 2;
    const variance = given.variance ? given.variance[o] : roundDiv(ss, n);
    const v = Math.min(spec.varianceShift === 0 ? variance : Math.floor((variance + div / 2) / div), top);
    const r = given.r ? given.r[o] : rsqrt[v];
    w.mu.push(mu);
    w.remMu.push(2 * sum + n - 2 * n * mu);
    w.variance.push(variance);
    w.remVariance.push(2 * ss + n - 2 * n * variance);
    w.v.push(v);
    w.r.push(r);
    accVariance[o] = variance - Number(geo.varianceOffset);
    for (let i = 0; i < n; i++) acc[o * n + i] = (q.data[o * n + i] - mu) * r;
  }
  return { ...w, accVariance: { shape: geo.rowShape, data: accVariance }, acc: { shape: spec.x, data: acc } };
}

/** floor((2·s + n) / (2n)) for n > 0: the executor's roundDiv (half up), exact for |s| < 2^51. */
function roundDiv(s: number, n: number): number {
  return Math.floor((2 * s + n) / (2 * n));
}

/** The padded row tables of the limbed advice (canonical Fr, zero-padded), low limb first. */
export interface NormLimbTables {
  readonly mu: bigint[][];
  readonly remMu: bigint[][];
  readonly remMuC: bigint[][];
  readonly variance: bigint[][];
  readonly remVariance: bigint[][];
  readonly remVarianceC: bigint[][];
}

/** Limb tables of u = μ + 2^(b−1), f, f′ = 2n − 1 − f, V, g, g′ = 2n − 1 − g over the row layout. */
export function normLimbTables(spec: NormSpec, w: NormWitness): NormLimbTables {
  const geo = normGeometry(spec);
  const row = geo.rowLayout;
  const L = spec.limbBits;
  const tables = (values: readonly number[], count: number) => limbTables(paddedTable(row, values, "norm advice"), count, L);
  const comp = (values: readonly number[]) => values.map((f) => 2 * geo.n - 1 - f);
  return {
    mu: tables(w.mu.map((m) => m + Number(geo.muOffset)), geo.limbs.mu),
    remMu: tables(w.remMu, geo.limbs.rem),
    remMuC: tables(comp(w.remMu), geo.limbs.rem),
    variance: tables(w.variance, geo.limbs.variance),
    remVariance: tables(w.remVariance, geo.limbs.rem),
    remVarianceC: tables(comp(w.remVariance), geo.limbs.rem),
  };
}

/** The arena's values of the limb columns at the row point ρ_row (low limb first). */
export type NormRowValues = { readonly [K in keyof NormLimbTables]: readonly bigint[] };

/**
 * The quotient relations at the row point: checks f′ = (2n − 1)·1 − f and g′ = (2n − 1)·1 − g, and returns the
 * group sums the identities define, Σq~(ρ_row) = (2n·μ + f − n·1)/2 and Σc²~(ρ_row) = (2n·V + g − n·1)/2.
 * @throws {LayerProofError} when a complement does not match
 */
export function normRowSums(spec: NormSpec, rowPoint: readonly bigint[], values: NormRowValues): { sumQ: bigint; sumSquares: bigint } {
  const geo = normGeometry(spec);
  const L = spec.limbBits;
  const one = realIndicator(geo.rowLayout, rowPoint);
  const n = BigInt(geo.n);
  const val = (limbs: readonly bigint[]) => limbValue(limbs, L);
  const [f, fc, g, gc] = [values.remMu, values.remMuC, values.remVariance, values.remVarianceC].map(val);
  const bound = Fr.mul(2n * n - 1n, one);
  if (fc !== Fr.sub(bound, f)) throw new LayerProofError("norm: the mean's remainder and its complement do not add up to 2n − 1 at the arena point");
  if (gc !== Fr.sub(bound, g)) throw new LayerProofError("norm: the variance's remainder and its complement do not add up to 2n − 1 at the arena point");
  const mu = Fr.sub(val(values.mu), Fr.mul(geo.muOffset, one));
  const half = (a: bigint) => Fr.div(a, 2n);
  const nOne = Fr.mul(n, one);
  return {
    sumQ: half(Fr.sub(Fr.add(Fr.mul(2n * n, mu), f), nOne)),
    sumSquares: half(Fr.sub(Fr.add(Fr.mul(2n * n, val(values.variance)), g), nOne)),
  };
}

/**
 * V's limbs at the v requantization's point ρ′ (row layout): the prover sends every limb but the top one, the top
 * one follows from acc_v~(ρ′) = V~(ρ′) − 2^(b−1+2t)·1(ρ′). Returns all limbs.
 */
export function varianceLimbsAt(spec: NormSpec, acc: Claim, sent: readonly bigint[]): bigint[] {
  const geo = normGeometry(spec);
  const L = spec.limbBits;
  if (sent.length !== geo.limbs.variance - 1) throw new LayerProofError(`norm: ${sent.length} variance limbs sent, expected ${geo.limbs.variance - 1}`);
  const variance = Fr.add(acc.value, Fr.mul(geo.varianceOffset, realIndicator(geo.rowLayout, acc.point)));
  const topScale = 1n << BigInt(L * sent.length);
  return [...sent, Fr.div(Fr.sub(variance, limbValue(sent, L)), topScale)];
}

/** The batched sum-check's messages. */
export interface NormSumsProof {
  readonly sumcheck: SumcheckProof;
  /** q~(ρ2), r~(ρ2_row) and the limbs of u at ρ2_row. */
  readonly q: bigint;
  readonly r: bigint;
  readonly mu: readonly bigint[];
}

/** Claims handed on: q at ρ2 (the producer), r and the u limbs at ρ2_row (openings of A). */
export interface NormSumsClaims {
  readonly x: Claim;
  readonly r: Claim;
  readonly mu: { readonly point: readonly bigint[]; readonly limbs: readonly bigint[] };
}

/** The statement of the batched sum-check: the acc claim and the two group sums at ρ_row. */
export interface NormSumsStatement {
  readonly acc: Claim;
  readonly rowPoint: readonly bigint[];
  readonly sumSquares: bigint;
  readonly sumQ: bigint;
}

/** Proves the batched sum-check from q, the u limb tables and r (row tables). */
export function proveNormSums(params: { spec: NormSpec; q: IntTensor; mu: readonly (readonly bigint[])[]; r: readonly bigint[]; statement: NormSumsStatement; transcript: Transcript }): { proof: NormSumsProof; claims: NormSumsClaims } {
  const { spec, statement, transcript } = params;
  const geo = normGeometry(spec);
  const lambda = openStatement(geo, statement, transcript);
  const k = geo.innerVars;
  const inner = 2 ** k;
  const qTable = paddedTable(geo.layout, params.q.data, "norm input");
  // μ per padded row from its limbs: u − 2^(b−1)·1 (zero on padded rows).
  const realRow = paddedTable(geo.rowLayout, new Array<number>(geo.groups).fill(1));
  const muRow = realRow.map((one, o) => Fr.sub(limbValue(params.mu.map((t) => t[o]), spec.limbBits), Fr.mul(geo.muOffset, one)));
  const innerReal = paddedTable(layoutOf(geo.innerShape), new Array<number>(geo.n).fill(1));
  const cTable = qTable.map((q, idx) => Fr.sub(q, Fr.mul(muRow[Math.floor(idx / inner)], innerReal[idx % inner])));
  const rTable = qTable.map((_, idx) => params.r[Math.floor(idx / inner)]);
  const terms = sumTerms(geo, statement, lambda);
  const claim = Fr.add(statement.acc.value, Fr.add(Fr.mul(lambda, statement.sumSquares), Fr.mul(Fr.square(lambda), statement.sumQ)));
  const p = provingTrueClaim("norm sums", () => proveSumcheck({ tables: [cTable, rTable, qTable], terms, numVars: geo.layout.numVars, degree: NORM_DEGREE, claim, transcript }));
  const rowPoint = p.point.slice(k);
  const proof: NormSumsProof = { sumcheck: p.proof, q: p.finalEvaluations[2], r: p.finalEvaluations[1], mu: params.mu.map((t) => evaluateMle(t as bigint[], rowPoint)) };
  transcript.absorbScalars(NORM_LABELS.evals, [proof.q, proof.r, ...proof.mu]);
  return { proof, claims: outClaims(geo, p.point, proof) };
}

/** Verifies the batched sum-check. @throws {LayerProofError} */
export function verifyNormSums(params: { spec: NormSpec; statement: NormSumsStatement; proof: NormSumsProof; transcript: Transcript }): NormSumsClaims {
  const { spec, statement, proof, transcript } = params;
  const geo = normGeometry(spec);
  if (proof.mu.length !== geo.limbs.mu) throw new LayerProofError(`norm: ${proof.mu.length} mean limbs, expected ${geo.limbs.mu}`);
  const lambda = openStatement(geo, statement, transcript);
  const claim = Fr.add(statement.acc.value, Fr.add(Fr.mul(lambda, statement.sumSquares), Fr.mul(Fr.square(lambda), statement.sumQ)));
  let sub;
  try {
    sub = verifySumcheck({ claim, numVars: geo.layout.numVars, degree: NORM_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`norm sums: ${e.message}`);
    throw e;
  }
  const k = geo.innerVars;
  const rowPoint = sub.point.slice(k);
  const mu = Fr.sub(limbValue(proof.mu, spec.limbBits), Fr.mul(geo.muOffset, realIndicator(geo.rowLayout, rowPoint)));
  const c = Fr.sub(proof.q, Fr.mul(mu, realIndicator(layoutOf(geo.innerShape), sub.point.slice(0, k))));
  if (combineTerms(sumTerms(geo, statement, lambda), [c, proof.r, proof.q], sub.point) !== sub.expectedEvaluation) {
    throw new LayerProofError("norm: the sums' final value does not match the evaluations");
  }
  transcript.absorbScalars(NORM_LABELS.evals, [proof.q, proof.r, ...proof.mu]);
  return outClaims(geo, sub.point, proof);
}

/** Absorbs the statement (points and values) and draws λ. */
function openStatement(geo: NormGeometry, s: NormSumsStatement, transcript: Transcript): bigint {
  checkClaim(s.acc, geo.layout.numVars, "norm acc");
  checkClaim({ point: s.rowPoint, value: s.sumQ }, geo.rowLayout.numVars, "norm row sums");
  transcript.absorbScalars(NORM_LABELS.claims, [...s.acc.point, s.acc.value, ...s.rowPoint, s.sumSquares, s.sumQ]);
  return transcript.challengeScalar(NORM_LABELS.lambda);
}

/** Tables c, r, q: eq(ρ1)·c·r + λ2^k·eq(½^k ‖ ρ_row)·c² + λ²2^k·eq(½^k ‖ ρ_row)·q. */
function sumTerms(geo: NormGeometry, s: NormSumsStatement, lambda: bigint): ProductTerm[] {
  const k = geo.innerVars;
  const rowEq = [...new Array<bigint>(k).fill(Fr.inv(2n)), ...s.rowPoint];
  const scale = 1n << BigInt(k);
  return [
    { coeff: 1n, factors: [0, 1], eqPoint: s.acc.point },
    { coeff: Fr.mul(lambda, scale), factors: [0, 0], eqPoint: rowEq },
    { coeff: Fr.mul(Fr.square(lambda), scale), factors: [2], eqPoint: rowEq },
  ];
}

function outClaims(geo: NormGeometry, point: readonly bigint[], proof: NormSumsProof): NormSumsClaims {
  const rowPoint = point.slice(geo.innerVars);
  return { x: { point: [...point], value: proof.q }, r: { point: rowPoint, value: proof.r }, mu: { point: rowPoint, limbs: proof.mu } };
}
