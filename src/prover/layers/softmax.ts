/**
 * Softmax (plan kind `softmax`, docs/quantization.md) as a claims-in / claims-out IOP over committed advice
 * (spec: docs/prover.md, "Transformer layers: softmax"). Per row of the softmax axes, the executor computes
 *
 *     m = max q;   d = q − m ∈ [−(2^b − 1), 0];   e = EXP[d];   S = Σ e;   y = roundDiv(e·qmax, S)
 *
 * The prover commits, in the advice polynomial A, m and the one-hot tap choice s (the select IOP, ./select.ts,
 * proves m is the row max), e, S, y, and the L-bit limbs (L = REQUANT_LIMB_BITS) of rem = 2·e·qmax + S − 2·S·y
 * and of t = 2·S − 1 − rem. Lookups in the proof's arena:
 *
 * - (d, e + one·pad) ∈ EXP (range column d ∈ [−(2^b − 1), 0], external column EXP[d]); d = q − m·1_row is not
 *   committed (q is the input, m~ is sent), pad = 1 − 1_real is public, one = EXP[0] (padding looks up (0, one));
 * - y, every rem limb and every t limb ∈ [0, 2^L) (the range table of requantization).
 *
 * With Sb(x) = S(x_row)·1_row-real(x) (S broadcast along the row, zero in padding), one zero-check, eq(τ, ·)-
 * weighted, proves at every point of the padded cube
 *
 *     2·qmax·e + Sb − 2·Sb·y − rem − pad·y = 0                                  (degree 3)
 *
 * and the arena point ρ checks t = 2·Sb − rem − 1_real. At real entries this is the executor's quotient and
 * remainder (0 ≤ rem < 2S, y < 2^L: no wrap-around); in the padding e = Sb = 0 forces rem = t = 0 and then
 * y = 0, so every committed column is zero-padded like any tensor. S = Σ_row e is one reduction (./reduce.ts)
 * at the zero-check's row point. S > 0 because the row max looks up EXP[0] = one.
 *
 * Transcript (after the arena): S~(ρ_row), m~(ρ_row) | τ | zero-check | e, S, y, rem limbs at ρ′ | reduction
 * of S~(ρ′_row) to e | the select IOP on m.
 */
import * as Fr from "../../field/fr";
import { eqEval, evaluateMle } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof, type SumcheckTable } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { forEachIndex, joinPoint, LayoutError, layoutOf, paddedTable, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { integerTable } from "./fixed-table";
import { REQUANT_LIMB_BITS } from "./requant-spec";
import type { ReduceSpec } from "./reduce";
import type { SelectSpec } from "./select";

/** Transcript labels of the softmax IOP. */
export const SOFTMAX_LABELS = { arena: "softmax.arena", tau: "softmax.tau", eval: "softmax.eval" } as const;

/** Bits L of one limb of rem, t and y (the shared range table `range:<L>` requantization registers). */
export const SOFTMAX_LIMB_BITS = REQUANT_LIMB_BITS;

/** The largest S read as a number for the division's Sb column (2^53 − 1). */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Degree of the division zero-check (eq · Sb · y). */
export const SOFTMAX_DEGREE = 3;

/** One softmax: input/output shape, the row axes, the bit width, the output multiplier qmax and EXP[0]. */
export interface SoftmaxSpec {
  readonly x: readonly number[];
  /** The axes one row spans (distinct, ascending). */
  readonly axes: readonly number[];
  readonly bits: number;
  /** y = roundDiv(e·qmax, S). */
  readonly qmax: number;
  /** EXP[0] = 2^(b−1): the padding's looked-up output. */
  readonly expOne: number;
}

/** Derived shapes of a spec. */
export interface SoftmaxGeometry {
  readonly layout: TensorLayout;
  /** The row tensors m and S: x with the row axes of size 1 (they own no variables). */
  readonly rowShape: readonly number[];
  readonly rowLayout: TensorLayout;
  /** Elements per row. */
  readonly n: number;
  /** L-bit limbs of rem and t (both < 2S ≤ n·2^b). */
  readonly limbs: number;
  /** The row max as a select spec and S as a reduction over the row axes. */
  readonly select: SelectSpec;
  readonly reduce: ReduceSpec;
}

/** Checks a spec and derives its geometry. @throws {LayoutError} */
export function softmaxGeometry(spec: SoftmaxSpec): SoftmaxGeometry {
  const rank = spec.x.length;
  const set = new Set(spec.axes);
  if (spec.axes.length === 0 || set.size !== spec.axes.length || spec.axes.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) {
    throw new LayoutError(`softmax x[${spec.x.join(", ")}]: bad row axes [${spec.axes.join(", ")}]`);
  }
  // y ≤ qmax < 2^(b−1) is range-checked as one limb, so b − 1 ≤ L.
  if (!Number.isInteger(spec.bits) || spec.bits < 2 || spec.bits > SOFTMAX_LIMB_BITS + 1) throw new LayoutError(`softmax: bit width ${spec.bits} is not in [2, ${SOFTMAX_LIMB_BITS + 1}] (y must fit one ${SOFTMAX_LIMB_BITS}-bit limb)`);
  const rowShape = spec.x.map((d, a) => (set.has(a) ? 1 : d));
  const n = spec.axes.reduce((p, a) => p * spec.x[a], 1);
  const bound = BigInt(n) << BigInt(spec.bits);
  const limbs = Math.max(1, Math.ceil((bound - 1n).toString(2).length / SOFTMAX_LIMB_BITS));
  const ones = spec.x.map(() => 1);
  return {
    layout: layoutOf(spec.x),
    rowShape,
    rowLayout: layoutOf(rowShape),
    n,
    limbs,
    select: {
      x: spec.x,
      out: rowShape,
      kernel: spec.x.map((d, a) => (set.has(a) ? d : 1)),
      strides: ones,
      dilations: ones,
      padsBegin: spec.x.map(() => 0),
      mode: "max",
      bits: spec.bits,
    },
    reduce: { x: spec.x, axes: [...spec.axes], term: "value" },
  };
}

/** The row part of a point on x (the row axes' coordinates dropped): a point on m and S. */
export function rowPoint(spec: SoftmaxSpec, geo: SoftmaxGeometry, point: readonly bigint[]): bigint[] {
  const set = new Set(spec.axes);
  return joinPoint(
    geo.rowLayout,
    splitPoint(geo.layout, point).map((p, a) => (set.has(a) ? [] : p)),
  );
}

/** Π over the row axes of the prefix indicator: the broadcast factor of a row tensor at a point on x. */
export function rowIndicator(spec: SoftmaxSpec, geo: SoftmaxGeometry, point: readonly bigint[]): bigint {
  const parts = splitPoint(geo.layout, point);
  return spec.axes.reduce((acc, a) => Fr.mul(acc, prefixIndicator(spec.x[a], parts[a])), 1n);
}

/** 1_real~ at a point on x. */
export function realIndicator(layout: TensorLayout, point: readonly bigint[]): bigint {
  return splitPoint(layout, point).reduce((acc, p, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], p)), 1n);
}

/** The prover's columns (padded tables, canonical Fr) and the row max m as a tensor (for the select witness). */
export interface SoftmaxWitness {
  readonly m: IntTensor;
  readonly e: IntTensor;
  readonly tables: {
    readonly m: readonly bigint[];
    readonly e: readonly bigint[];
    readonly s: readonly bigint[];
    readonly y: readonly bigint[];
    readonly rem: readonly (readonly bigint[])[];
    readonly t: readonly (readonly bigint[])[];
    /** The EXP column's components (d, e + one·pad). */
    readonly exp: readonly [readonly bigint[], readonly bigint[]];
  };
}

/**
 * The witness for input q and the trace's output y; `exp[i]` = EXP[−(2^b − 1) + i].
 * @param unsafe test hook (a dishonest prover): accept a y that is not the executor's; its rem / t then leave
 *   the limb range (the arena, built with unsafe multiplicities, fails to verify)
 * @throws {LayoutError} when y is not the executor's output or a shape is wrong
 */
export function softmaxWitness(spec: SoftmaxSpec, exp: readonly number[], q: IntTensor, y: IntTensor, unsafe = false): SoftmaxWitness {
  const geo = softmaxGeometry(spec);
  const size = spec.x.reduce((p, d) => p * d, 1);
  if (y.data.length !== size) throw new LayoutError(`softmax: the output has ${y.data.length} values, expected ${size}`);
  const { rowOf, m, d, e, s } = rowExpWitness(spec, exp, q);
  const qmax = BigInt(spec.qmax);
  const limbMask = (1n << BigInt(SOFTMAX_LIMB_BITS)) - 1n;
  const top = 1n << BigInt(SOFTMAX_LIMB_BITS * geo.limbs);
  const rem = Array.from({ length: geo.limbs }, () => new Array<bigint>(geo.layout.paddedSize).fill(0n));
  const t = Array.from({ length: geo.limbs }, () => new Array<bigint>(geo.layout.paddedSize).fill(0n));
  const split = (value: bigint, into: bigint[][], at: number) => {
    if (value < 0n || value >= top) {
      into[0][at] = Fr.fromSigned(value); // only reachable with `unsafe`: outside the range table
      return;
    }
    for (let j = 0; j < geo.limbs; j++) into[j][at] = (value >> BigInt(SOFTMAX_LIMB_BITS * j)) & limbMask;
  };
  forEachIndex(geo.layout, (f, padded) => {
    const S = BigInt(s[rowOf[f]]);
    const r = 2n * BigInt(e[f]) * qmax + S - 2n * S * BigInt(y.data[f]);
    if ((r < 0n || r >= 2n * S) && !unsafe) {
      throw new LayoutError(`softmax: output ${y.data[f]} at flat index ${f} is not roundDiv(${e[f]}·${spec.qmax}, ${S})`);
    }
    split(r, rem, padded);
    split(2n * S - 1n - r, t, padded);
  });
  const mTensor = { shape: geo.rowShape, data: m };
  return {
    m: mTensor,
    e: { shape: spec.x, data: e },
    tables: {
      m: paddedTable(geo.rowLayout, m, "softmax m"),
      e: paddedTable(geo.layout, e, "softmax e"),
      s: paddedTable(geo.rowLayout, s, "softmax S"),
      y: paddedTable(geo.layout, y.data, "softmax y"),
      rem,
      t,
      exp: expColumn(geo.layout, d, e, spec.expOne),
    },
  };
}

/** Per row: m = max q, d = q − m, e = EXP[d], S = Σ e (plain numbers, row-major), and each entry's row. */
export interface RowExp {
  readonly rowOf: Int32Array;
  readonly m: number[];
  readonly d: number[];
  readonly e: number[];
  readonly s: number[];
}

/** The max / EXP / sum part every softmax-like kind shares; `exp[i]` = EXP[−(2^b − 1) + i]. @throws {LayoutError} */
export function rowExpWitness(spec: SoftmaxSpec, exp: readonly number[], q: IntTensor): RowExp {
  const geo = softmaxGeometry(spec);
  const size = spec.x.reduce((p, d) => p * d, 1);
  if (q.data.length !== size) throw new LayoutError(`softmax: the input has ${q.data.length} values, expected ${size}`);
  const lo = -(2 ** spec.bits - 1);
  if (exp.length !== -lo + 1) throw new LayoutError(`softmax: EXP table has ${exp.length} entries, expected ${-lo + 1}`);
  const rowOf = rowIndex(spec, geo);
  const rows = geo.rowShape.reduce((p, d) => p * d, 1);
  const m = new Array<number>(rows).fill(-Infinity);
  for (let f = 0; f < size; f++) m[rowOf[f]] = Math.max(m[rowOf[f]], q.data[f]);
  const d = Array.from(q.data, (v, f) => v - m[rowOf[f]]);
  const e = d.map((v) => exp[v - lo]);
  const s = new Array<number>(rows).fill(0);
  e.forEach((v, f) => (s[rowOf[f]] += v));
  return { rowOf, m, d, e, s };
}

/** The EXP column's components (d, e + one·pad): padding entries look up the row (0, EXP[0]). */
export function expColumn(layout: TensorLayout, d: readonly number[], e: readonly number[], one: number): [bigint[], bigint[]] {
  return [paddedTable(layout, d, "softmax d"), paddedWith(layout, e, Fr.fromSigned(one))];
}

/** The padded table of `data` with `fill` (not 0) in every padding position. */
export function paddedWith(layout: TensorLayout, data: ArrayLike<number>, fill: bigint): bigint[] {
  const out = paddedTable(layout, data);
  const real = new Uint8Array(layout.paddedSize);
  forEachIndex(layout, (_, padded) => (real[padded] = 1));
  for (let i = 0; i < out.length; i++) if (!real[i]) out[i] = fill;
  return out;
}

/** Row-major flat index of x → flat index of its row (in the row shape). */
function rowIndex(spec: SoftmaxSpec, geo: SoftmaxGeometry): Int32Array {
  const rank = spec.x.length;
  const size = spec.x.reduce((p, d) => p * d, 1);
  const strides = new Array<number>(rank).fill(0);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    strides[a] = geo.rowShape[a] === 1 ? 0 : s;
    s *= geo.rowShape[a];
  }
  const out = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < size; f++) {
    let o = 0;
    for (let a = 0; a < rank; a++) o += idx[a] * strides[a];
    out[f] = o;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < spec.x[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/**
 * The arena check at ρ (verifier and prover alike): t = 2·Sb − rem − 1_real with S~(ρ_row) sent; returns
 * nothing, throws when the limbs disagree.
 */
export function checkRemainderBound(spec: SoftmaxSpec, geo: SoftmaxGeometry, point: readonly bigint[], sValue: bigint, remLimbs: readonly bigint[], tLimbs: readonly bigint[]): void {
  const rem = combineLimbs(remLimbs);
  const t = combineLimbs(tLimbs);
  const sb = Fr.mul(sValue, rowIndicator(spec, geo, point));
  const want = Fr.sub(Fr.sub(Fr.add(sb, sb), rem), realIndicator(geo.layout, point));
  if (t !== want) throw new LayerProofError("softmax: the remainder bound's limbs do not match 2S − 1 − rem at the arena point");
}

/** Σ_j 2^(L·j)·limb_j. */
export function combineLimbs(limbs: readonly bigint[]): bigint {
  return limbs.reduce((acc, v, j) => Fr.add(acc, Fr.mul(v, 1n << BigInt(SOFTMAX_LIMB_BITS * j))), 0n);
}

/** The division zero-check's messages: the sum-check and e, S~(ρ′_row), y and the rem limbs at ρ′. */
export interface SoftmaxDivisionProof {
  readonly sumcheck: SumcheckProof;
  readonly e: bigint;
  readonly s: bigint;
  readonly y: bigint;
  readonly rem: readonly bigint[];
}

/** Claims the zero-check hands on (openings of A): e, y, rem limbs at ρ′; S at ρ′_row. */
export interface SoftmaxDivisionClaims {
  readonly e: Claim;
  readonly s: Claim;
  readonly y: Claim;
  readonly rem: readonly Claim[];
}

function divisionTerms(spec: SoftmaxSpec, limbs: number, tau: readonly bigint[]): ProductTerm[] {
  // tables: 0 e, 1 Sb, 2 y, 3 pad, 4.. rem limbs
  const terms: ProductTerm[] = [
    { coeff: Fr.fromSigned(2 * spec.qmax), factors: [0], eqPoint: tau },
    { coeff: 1n, factors: [1], eqPoint: tau },
    { coeff: Fr.fromSigned(-2), factors: [1, 2], eqPoint: tau },
    { coeff: Fr.fromSigned(-1), factors: [3, 2], eqPoint: tau },
  ];
  for (let j = 0; j < limbs; j++) terms.push({ coeff: Fr.neg(1n << BigInt(SOFTMAX_LIMB_BITS * j)), factors: [4 + j], eqPoint: tau });
  return terms;
}

/** Proves the division relation at every point of the padded cube. */
export function proveSoftmaxDivision(spec: SoftmaxSpec, w: SoftmaxWitness, transcript: Transcript): { proof: SoftmaxDivisionProof; claims: SoftmaxDivisionClaims } {
  const geo = softmaxGeometry(spec);
  const n = geo.layout.numVars;
  const tau = transcript.challengeScalars(SOFTMAX_LABELS.tau, n);
  const { sb, pad } = divisionColumns(spec, geo, w.tables.s);
  const tables = [w.tables.e, sb, w.tables.y, pad, ...w.tables.rem];
  const sc = provingTrueClaim("softmax division", () =>
    proveSumcheck({ tables, terms: divisionTerms(spec, geo.limbs, tau), numVars: n, degree: SOFTMAX_DEGREE, claim: 0n, transcript }),
  );
  const f = sc.finalEvaluations;
  const rho = sc.point;
  const rhoRow = rowPoint(spec, geo, rho);
  const proof: SoftmaxDivisionProof = { sumcheck: sc.proof, e: f[0], s: evaluateMle(w.tables.s, rhoRow), y: f[2], rem: f.slice(4) };
  absorbDivision(transcript, proof);
  return { proof, claims: divisionClaims(proof, rho, rhoRow) };
}

/**
 * The division's public-shape columns over the padded cube: Sb (S broadcast along the row, 0 in padding) and pad
 * (1 in padding). Packed words when the native walk kernels take them (`integerTable` on the flat padded layout:
 * no 2^n-entry bigint arrays), else bigints; the same values. S is read as a number only when every S is a safe
 * integer (always for a real softmax: S ≤ n·2^b), else the bigint columns are built.
 */
function divisionColumns(spec: SoftmaxSpec, geo: SoftmaxGeometry, s: readonly bigint[]): { sb: SumcheckTable; pad: SumcheckTable } {
  const size = geo.layout.paddedSize;
  const rowOf = rowIndex(spec, geo);
  const rowPadded = new Int32Array(geo.rowShape.reduce((p, d) => p * d, 1));
  forEachIndex(geo.rowLayout, (f, padded) => (rowPadded[f] = padded));
  if (s.every((v) => v <= MAX_SAFE)) {
    const sb = new Float64Array(size);
    const pad = new Uint8Array(size).fill(1);
    forEachIndex(geo.layout, (f, padded) => {
      sb[padded] = Number(s[rowPadded[rowOf[f]]]);
      pad[padded] = 0;
    });
    const flat = layoutOf([size]);
    return { sb: integerTable(flat, sb, "softmax Sb"), pad: integerTable(flat, pad, "softmax pad") };
  }
  const sb = new Array<bigint>(size).fill(0n);
  const pad = new Array<bigint>(size).fill(1n);
  forEachIndex(geo.layout, (f, padded) => {
    sb[padded] = s[rowPadded[rowOf[f]]];
    pad[padded] = 0n;
  });
  return { sb, pad };
}

/** Verifies the division zero-check. @throws {LayerProofError} */
export function verifySoftmaxDivision(spec: SoftmaxSpec, proof: SoftmaxDivisionProof, transcript: Transcript): SoftmaxDivisionClaims {
  const geo = softmaxGeometry(spec);
  const n = geo.layout.numVars;
  const tau = transcript.challengeScalars(SOFTMAX_LABELS.tau, n);
  let sub;
  try {
    sub = verifySumcheck({ claim: 0n, numVars: n, degree: SOFTMAX_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`softmax division: ${e.message}`);
    throw e;
  }
  [proof.e, proof.s, proof.y, ...proof.rem].forEach((v, i) => checkScalar(v, `softmax division: value ${i}`));
  if (proof.rem.length !== geo.limbs) throw new LayerProofError(`softmax division: ${proof.rem.length} rem limbs, expected ${geo.limbs}`);
  absorbDivision(transcript, proof);
  const rho = sub.point;
  const sb = Fr.mul(proof.s, rowIndicator(spec, geo, rho));
  const pad = Fr.sub(1n, realIndicator(geo.layout, rho));
  let body = Fr.add(Fr.mul(Fr.fromSigned(2 * spec.qmax), proof.e), sb);
  body = Fr.sub(body, Fr.mul(Fr.add(Fr.add(sb, sb), pad), proof.y));
  body = Fr.sub(body, combineLimbs(proof.rem));
  if (Fr.mul(eqEval(tau, rho), body) !== sub.expectedEvaluation) {
    throw new LayerProofError("softmax division: 2·qmax·e + S − 2·S·y − rem does not vanish at the zero-check point");
  }
  return divisionClaims(proof, rho, rowPoint(spec, geo, rho));
}

function absorbDivision(transcript: Transcript, proof: SoftmaxDivisionProof): void {
  transcript.absorbScalars(SOFTMAX_LABELS.eval, [proof.e, proof.s, proof.y, ...proof.rem]);
}

function divisionClaims(proof: SoftmaxDivisionProof, rho: readonly bigint[], rhoRow: readonly bigint[]): SoftmaxDivisionClaims {
  return {
    e: { point: rho, value: proof.e },
    s: { point: rhoRow, value: proof.s },
    y: { point: rho, value: proof.y },
    rem: proof.rem.map((v) => ({ point: rho, value: v })),
  };
}

/** Calldata words of the softmax's own messages (the select IOP and the reduction are counted by theirs). */
export function softmaxWords(spec: SoftmaxSpec): number {
  const geo = softmaxGeometry(spec);
  return 2 + SOFTMAX_DEGREE * geo.layout.numVars + 3 + geo.limbs;
}
