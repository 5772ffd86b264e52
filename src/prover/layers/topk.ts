/**
 * TopK over the last axis of X [R, n] (k largest or smallest, sorted, ties to the lower index: ONNX / the
 * executor), both outputs exact: values V [R, k] and indices I [R, k]. Spec: docs/prover.md, "TopK".
 *
 * Each row's columns are totally ordered by the distinct integer key κ[r, c] = σ·N·x[r, c] + (N − 1 − c)
 * (σ = +1 largest, −1 smallest; N = 2^⌈log2 n⌉ > c), larger first. Output j of row r is the column c* with
 * EXACTLY j larger keys. Advice: the one-hot H [R, k, n] (H[r, j, c] = [I[r, j] = c]), V and I, and the sign
 * decomposition of δ[r, j, c] = κ[r, c] − K[r, j] − 1 (K[r, j] = κ[r, I[r, j]]): g = [δ < 0] and the L-bit limbs of
 * u = δ + 2^T·g (T = m·L, 2^T > |δ|), every limb and g an arena range column. Relations, each an identity
 * of multilinear polynomials checked at a random point:
 *
 *   (B) Σ_i 2^(iL)·u_i − 2^T·g = δ·1_real, with δ = σN(x − V) − c + I − 1 (x, V, c, I broadcast to [R, k, n])
 *       — at the arena point ρ; the prover sends x~, V~, I~ at ρ's sub-points (claims on X and on A);
 *   (C) Σ_c g[r, j, c] = (n − j)·1_real(r, j) — at a random (s_r, s_j): 2^(bits of n)·g~(s_r, s_j, ½…) (an
 *       opening of A, no message);
 *   (D) Σ_c H[r, j, c]·(x[r, c] + λ·c + λ²) = V + λ·I + λ²·1_real(r, j) — at a random (s_r, s_j): the prover
 *       sends V~, I~ there, then one sum-check over X's variables of eq(s_r, r)·H~(r, s_j, c)·W(r, c) (degree 3),
 *       ending in H~ and x~ at its point;
 *   (E) H·(1 − H) + μ·H·(1 − 1_real) = 0 everywhere — a zero-check over [R, k, n] (degree 3), ending in H~.
 *
 * (E) makes H 0/1 and zero off the real entries; (D) makes each real row of H one-hot on a real column c* with
 * V = x[r, c*], I = c*. Then (B) is an integer identity (|δ| < 2^T, limbs and g in [0, 2^L)): g = [κ[r, c] ≤ K] on
 * real entries and 0 elsewhere, and (C) says exactly n − j real columns have κ ≤ K, i.e. j have a larger key:
 * c* is the (j+1)-th in the order. Sound for |x| ≤ X with T chosen from X (the caller's static bound).
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable, evaluateMle } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { evaluateTensor, forEachIndex, joinPoint, layoutOf, LayoutError, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { limbCount, limbsOf, limbValue } from "./limbs";

/** Transcript labels of the TopK IOP. */
export const TOPK_LABELS = {
  delta: "topk.delta",
  count: "topk.count",
  select: "topk.select",
  selectValues: "topk.select.values",
  selectEvals: "topk.select.evals",
  onehot: "topk.onehot",
  onehotEval: "topk.onehot.eval",
} as const;

/** Degree of both sum-checks. */
export const TOPK_DEGREE = 3;

/** A TopK's fixed shape. */
export interface TopkSpec {
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly largest: boolean;
  /** |x| ≤ xBound for every input the model admits. */
  readonly xBound: bigint;
  readonly limbBits: number;
}

/** Layouts and constants of a spec. */
export interface TopkGeometry {
  /** [R, k, n]: H, u, g. */
  readonly cube: TensorLayout;
  /** [R, n]: X. */
  readonly x: TensorLayout;
  /** [R, k]: V, I. */
  readonly out: TensorLayout;
  /** N = 2^(bits of n). */
  readonly keyBase: bigint;
  readonly limbs: number;
  /** T = limbs·L. */
  readonly t: number;
}

/** @throws {LayoutError} for an empty shape or k outside [1, n] */
export function topkGeometry(spec: TopkSpec): TopkGeometry {
  if (spec.rows < 1 || spec.cols < 1 || spec.k < 1 || spec.k > spec.cols) throw new LayoutError(`topk: bad shape [${spec.rows}, ${spec.cols}] with k = ${spec.k}`);
  const x = layoutOf([spec.rows, spec.cols]);
  const keyBase = 1n << BigInt(x.axes[1].count);
  // |δ| ≤ 2N·X + N + 1 (two keys' difference, minus one).
  const limbs = limbCount(2n * keyBase * spec.xBound + keyBase + 1n, spec.limbBits);
  return { cube: layoutOf([spec.rows, spec.k, spec.cols]), x, out: layoutOf([spec.rows, spec.k]), keyBase, limbs, t: limbs * spec.limbBits };
}

/** Thrown when the trace's outputs are not the TopK of X (honest mode only). */
export class TopkMismatchError extends Error {
  constructor(readonly row: number, readonly j: number) {
    super(`row ${row}, output ${j} is not the TopK of the input`);
    this.name = "TopkMismatchError";
  }
}

/** The prover's padded tables (canonical Fr). */
export interface TopkWitness {
  readonly onehot: bigint[];
  readonly u: bigint[][];
  readonly g: bigint[];
  readonly values: bigint[];
  readonly indices: bigint[];
}

/** The executor's rule: row-wise stable order of the keys. */
function topkOf(spec: TopkSpec, x: ArrayLike<number>, r: number): number[] {
  const at = (c: number) => x[r * spec.cols + c];
  const order = Array.from({ length: spec.cols }, (_, c) => c);
  order.sort((a, b) => (spec.largest ? at(b) - at(a) : at(a) - at(b)) || a - b);
  return order.slice(0, spec.k);
}

/**
 * The witness from X and the trace's V, I. With `unsafe` outputs that are not the TopK are kept (a dishonest
 * prover): H follows I (an index outside [0, n) selects nothing) and δ, g, u follow V and I.
 */
export function topkWitness(spec: TopkSpec, x: IntTensor, values: IntTensor, indices: IntTensor, unsafe: boolean): TopkWitness {
  const geo = topkGeometry(spec);
  const { rows: R, cols: n, k } = spec;
  if (x.data.length !== R * n || values.data.length !== R * k || indices.data.length !== R * k) throw new LayoutError("topk: tensor sizes do not match the spec");
  const onehot = new Array<bigint>(geo.cube.paddedSize).fill(0n);
  const g = new Array<bigint>(geo.cube.paddedSize).fill(0n);
  const u = Array.from({ length: geo.limbs }, () => new Array<bigint>(geo.cube.paddedSize).fill(0n));
  const sigma = spec.largest ? 1n : -1n;
  const N = geo.keyBase;
  const twoT = 1n << BigInt(geo.t);
  for (let r = 0; r < R; r++) {
    const honest = topkOf(spec, x.data, r);
    for (let j = 0; j < k; j++) {
      const vi = values.data[r * k + j];
      const ii = indices.data[r * k + j];
      if (!unsafe && (ii !== honest[j] || vi !== x.data[r * n + honest[j]])) throw new TopkMismatchError(r, j);
      for (let c = 0; c < n; c++) {
        const at = ((r * geo.cube.paddedShape[1] + j) * geo.cube.paddedShape[2]) + c;
        if (ii === c) onehot[at] = 1n;
        const delta = sigma * N * (BigInt(x.data[r * n + c]) - BigInt(vi)) - BigInt(c) + BigInt(ii) - 1n;
        const gi = delta < 0n ? 1n : 0n;
        g[at] = gi;
        limbsOf(Fr.fromSigned(delta + gi * twoT), geo.limbs, spec.limbBits).forEach((limb, i) => (u[i][at] = limb));
      }
    }
  }
  const table = (layout: TensorLayout, data: ArrayLike<number>) => {
    const out = new Array<bigint>(layout.paddedSize).fill(0n);
    forEachIndex(layout, (flat, padded) => (out[padded] = Fr.fromSigned(BigInt(data[flat]))));
    return out;
  };
  return { onehot, u, g, values: table(geo.out, values.data), indices: table(geo.out, indices.data) };
}

/** The MLE of c ↦ c over the first `n` entries of an axis (0 beyond) at `point`. */
function indexRamp(n: number, point: readonly bigint[]): bigint {
  return evaluateTensor(layoutOf([n]), Array.from({ length: n }, (_, c) => c), point);
}

/** The MLE of c ↦ c over the whole padded axis: Σ_i 2^i·p_i. */
function fullRamp(point: readonly bigint[]): bigint {
  return point.reduce((acc, p, i) => Fr.add(acc, Fr.mul(p, 1n << BigInt(i))), 0n);
}

/** The verifier's (and prover's) right-hand side of (B) at ρ from x~, V~, I~ at its sub-points. */
function deltaAt(spec: TopkSpec, geo: TopkGeometry, rho: readonly bigint[], x: bigint, v: bigint, idx: bigint): bigint {
  const [pr, pj, pc] = splitPoint(geo.cube, rho);
  const ir = prefixIndicator(spec.rows, pr);
  const ij = prefixIndicator(spec.k, pj);
  const ic = prefixIndicator(spec.cols, pc);
  const sN = Fr.fromSigned(spec.largest ? geo.keyBase : -geo.keyBase);
  let out = Fr.mul(sN, Fr.sub(Fr.mul(x, ij), Fr.mul(v, ic)));
  out = Fr.sub(out, Fr.mul(indexRamp(spec.cols, pc), Fr.mul(ir, ij)));
  out = Fr.add(out, Fr.mul(idx, ic));
  return Fr.sub(out, Fr.mul(ir, Fr.mul(ij, ic)));
}

/** The arena's values of the limb and g columns at ρ (shared point). */
export interface TopkArena {
  readonly point: readonly bigint[];
  readonly u: readonly bigint[];
  readonly g: bigint;
}

/** Messages of the IOP. */
export interface TopkProof {
  /** x~, V~, I~ at ρ's sub-points (B). */
  readonly delta: readonly [bigint, bigint, bigint];
  /** V~, I~ at the selection point (D). */
  readonly select: readonly [bigint, bigint];
  readonly selectSumcheck: SumcheckProof;
  /** H~ and x~ at the selection sum-check's point. */
  readonly selectEvals: readonly [bigint, bigint];
  readonly onehotSumcheck: SumcheckProof;
  /** H~ at the zero-check's point. */
  readonly onehot: bigint;
}

/** Claims the IOP hands on: on X (its producer) and on the A slots. */
export interface TopkClaims {
  readonly x: Claim[];
  readonly values: Claim[];
  readonly indices: Claim[];
  readonly onehot: Claim[];
  readonly g: Claim[];
}

/** Sub-points of the cube's (r, j, c) parts on X [R, n] and on the outputs [R, k]. */
function onX(geo: TopkGeometry, r: readonly bigint[], c: readonly bigint[]): bigint[] {
  return joinPoint(geo.x, [r, c]);
}
function onOut(geo: TopkGeometry, r: readonly bigint[], j: readonly bigint[]): bigint[] {
  return joinPoint(geo.out, [r, j]);
}

/** The (C) claim on g: the point (s_r, s_j, ½…) and the value (n·1_r·1_j − ramp_k(s_j)·1_r) / 2^(bits of n). */
function countClaim(spec: TopkSpec, geo: TopkGeometry, s: readonly bigint[]): Claim {
  const [sr, sj] = splitPoint(geo.out, s);
  const half = Fr.inv(2n);
  const cBits = geo.cube.axes[2].count;
  const ir = prefixIndicator(spec.rows, sr);
  const sum = Fr.sub(Fr.mul(BigInt(spec.cols), Fr.mul(ir, prefixIndicator(spec.k, sj))), Fr.mul(indexRamp(spec.k, sj), ir));
  return { point: joinPoint(geo.cube, [sr, sj, new Array<bigint>(cBits).fill(half)]), value: Fr.mul(sum, Fr.inv(Fr.fromSigned(1n << BigInt(cBits)))) };
}

/** The real-entry indicator table of the cube and its MLE at a point. */
function realTable(spec: TopkSpec, geo: TopkGeometry): bigint[] {
  const t = new Array<bigint>(geo.cube.paddedSize).fill(0n);
  forEachIndex(geo.cube, (_, padded) => (t[padded] = 1n));
  return t;
}
function realAt(spec: TopkSpec, geo: TopkGeometry, point: readonly bigint[]): bigint {
  const [pr, pj, pc] = splitPoint(geo.cube, point);
  return Fr.mul(prefixIndicator(spec.rows, pr), Fr.mul(prefixIndicator(spec.k, pj), prefixIndicator(spec.cols, pc)));
}

/** Inputs of {@link proveTopk}. */
export interface ProveTopkParameters {
  readonly spec: TopkSpec;
  readonly x: IntTensor;
  readonly witness: TopkWitness;
  readonly arena: TopkArena;
  readonly transcript: Transcript;
}

/** Proves (B)–(E) after the output claims went to A; returns the messages and the claims handed on. */
export function proveTopk(params: ProveTopkParameters): { proof: TopkProof; claims: TopkClaims } {
  const { spec, witness: w, arena, transcript } = params;
  const geo = topkGeometry(spec);
  const xTable = new Array<bigint>(geo.x.paddedSize).fill(0n);
  forEachIndex(geo.x, (flat, padded) => (xTable[padded] = Fr.fromSigned(BigInt(params.x.data[flat]))));
  // (B) at ρ.
  const [pr, pj, pc] = splitPoint(geo.cube, arena.point);
  const px = onX(geo, pr, pc);
  const po = onOut(geo, pr, pj);
  const delta = [evaluateMle(xTable, px), evaluateMle(w.values, po), evaluateMle(w.indices, po)] as const;
  transcript.absorbScalars(TOPK_LABELS.delta, [...delta]);
  // (C) at s.
  const s = transcript.challengeScalars(TOPK_LABELS.count, geo.out.numVars);
  const count = countClaim(spec, geo, s);
  // (D) at s'.
  const s2 = transcript.challengeScalars(TOPK_LABELS.select, geo.out.numVars);
  const lambda = transcript.challengeScalar(TOPK_LABELS.select);
  const select = [evaluateMle(w.values, s2), evaluateMle(w.indices, s2)] as const;
  transcript.absorbScalars(TOPK_LABELS.selectValues, [...select]);
  const [sr, sj] = splitPoint(geo.out, s2);
  const selectClaim = Fr.add(Fr.add(select[0], Fr.mul(lambda, select[1])), Fr.mul(Fr.mul(lambda, lambda), Fr.mul(prefixIndicator(spec.rows, sr), prefixIndicator(spec.k, sj))));
  const tables = selectTables(geo, w.onehot, xTable, sr, sj, lambda);
  const sc = provingTrueClaim("topk selection", () =>
    proveSumcheck({ tables: [tables.e, tables.h, tables.w], terms: [{ coeff: 1n, factors: [0, 1, 2] }], numVars: geo.x.numVars, degree: TOPK_DEGREE, claim: selectClaim, transcript }),
  );
  const [qr, qc] = splitPoint(geo.x, sc.point);
  const selectEvals = [evaluateMle(tables.h, sc.point), evaluateMle(xTable, sc.point)] as const;
  transcript.absorbScalars(TOPK_LABELS.selectEvals, [...selectEvals]);
  // (E) zero-check.
  const tau = transcript.challengeScalars(TOPK_LABELS.onehot, geo.cube.numVars);
  const mu = transcript.challengeScalar(TOPK_LABELS.onehot);
  const real = realTable(spec, geo);
  const p = real.map((re) => Fr.sub(Fr.add(1n, mu), Fr.mul(mu, re)));
  const zc = provingTrueClaim("topk one-hot", () =>
    proveSumcheck({
      tables: [w.onehot, p],
      terms: [
        { coeff: 1n, factors: [0, 1], eqPoint: tau },
        { coeff: Fr.neg(1n), factors: [0, 0], eqPoint: tau },
      ],
      numVars: geo.cube.numVars,
      degree: TOPK_DEGREE,
      claim: 0n,
      transcript,
    }),
  );
  const onehot = evaluateMle(w.onehot, zc.point);
  transcript.absorbScalars(TOPK_LABELS.onehotEval, [onehot]);
  const proof: TopkProof = { delta, select, selectSumcheck: sc.proof, selectEvals, onehotSumcheck: zc.proof, onehot };
  return { proof, claims: claimsOf(geo, { px, po, count, s2, hPoint: joinPoint(geo.cube, [qr, sj, qc]), xPoint: sc.point, zPoint: zc.point }, proof) };
}

/** The three tables of (D) over X's variables: eq(s_r, r), H~(r, s_j, c), x + λ·c + λ². */
function selectTables(geo: TopkGeometry, onehot: readonly bigint[], xTable: readonly bigint[], sr: readonly bigint[], sj: readonly bigint[], lambda: bigint) {
  const rows = geo.x.paddedShape[0];
  const cols = geo.x.paddedShape[1];
  const ks = geo.cube.paddedShape[1];
  const eqR = eqTable(sr);
  const eqJ = eqTable(sj);
  const e = new Array<bigint>(geo.x.paddedSize);
  const h = new Array<bigint>(geo.x.paddedSize).fill(0n);
  const w = new Array<bigint>(geo.x.paddedSize);
  const l2 = Fr.mul(lambda, lambda);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const at = r * cols + c;
      e[at] = eqR[r];
      let acc = 0n;
      for (let j = 0; j < ks; j++) {
        const hv = onehot[(r * ks + j) * cols + c];
        if (hv !== 0n) acc = Fr.add(acc, Fr.mul(hv, eqJ[j]));
      }
      h[at] = acc;
      w[at] = Fr.add(Fr.add(xTable[at], Fr.mul(lambda, BigInt(c))), l2);
    }
  }
  return { e, h, w };
}

interface Points {
  readonly px: bigint[];
  readonly po: bigint[];
  readonly count: Claim;
  readonly s2: readonly bigint[];
  readonly hPoint: bigint[];
  readonly xPoint: readonly bigint[];
  readonly zPoint: readonly bigint[];
}

function claimsOf(geo: TopkGeometry, pts: Points, proof: TopkProof): TopkClaims {
  return {
    x: [
      { point: pts.px, value: proof.delta[0] },
      { point: [...pts.xPoint], value: proof.selectEvals[1] },
    ],
    values: [
      { point: pts.po, value: proof.delta[1] },
      { point: [...pts.s2], value: proof.select[0] },
    ],
    indices: [
      { point: pts.po, value: proof.delta[2] },
      { point: [...pts.s2], value: proof.select[1] },
    ],
    onehot: [
      { point: pts.hPoint, value: proof.selectEvals[0] },
      { point: [...pts.zPoint], value: proof.onehot },
    ],
    g: [pts.count],
  };
}

/** Inputs of {@link verifyTopk}. */
export interface VerifyTopkParameters {
  readonly spec: TopkSpec;
  readonly arena: TopkArena;
  readonly proof: TopkProof;
  readonly transcript: Transcript;
}

/** Checks (B)–(E); returns the claims handed on. @throws {LayerProofError} */
export function verifyTopk(params: VerifyTopkParameters): TopkClaims {
  const { spec, arena, proof, transcript } = params;
  const geo = topkGeometry(spec);
  const lhs = Fr.sub(limbValue(arena.u, spec.limbBits), Fr.mul(arena.g, Fr.fromSigned(1n << BigInt(geo.t))));
  const [pr, pj, pc] = splitPoint(geo.cube, arena.point);
  [...proof.delta, ...proof.select, ...proof.selectEvals, proof.onehot].forEach((v, i) => Fr.assertFr(v, `topk: value ${i}`));
  transcript.absorbScalars(TOPK_LABELS.delta, [...proof.delta]);
  if (lhs !== deltaAt(spec, geo, arena.point, ...proof.delta)) throw new LayerProofError("topk: the key differences' limbs do not match x, V and I at the arena point");
  const s = transcript.challengeScalars(TOPK_LABELS.count, geo.out.numVars);
  const count = countClaim(spec, geo, s);
  const s2 = transcript.challengeScalars(TOPK_LABELS.select, geo.out.numVars);
  const lambda = transcript.challengeScalar(TOPK_LABELS.select);
  transcript.absorbScalars(TOPK_LABELS.selectValues, [...proof.select]);
  const [sr, sj] = splitPoint(geo.out, s2);
  const selectClaim = Fr.add(Fr.add(proof.select[0], Fr.mul(lambda, proof.select[1])), Fr.mul(Fr.mul(lambda, lambda), Fr.mul(prefixIndicator(spec.rows, sr), prefixIndicator(spec.k, sj))));
  const sc = guardSumcheck("topk selection", () => verifySumcheck({ claim: selectClaim, numVars: geo.x.numVars, degree: TOPK_DEGREE, proof: proof.selectSumcheck, transcript }));
  transcript.absorbScalars(TOPK_LABELS.selectEvals, [...proof.selectEvals]);
  const [qr, qc] = splitPoint(geo.x, sc.point);
  const wAt = Fr.add(Fr.add(proof.selectEvals[1], Fr.mul(lambda, fullRamp(qc))), Fr.mul(lambda, lambda));
  if (Fr.mul(eqEval(sr, qr), Fr.mul(proof.selectEvals[0], wAt)) !== sc.expectedEvaluation) throw new LayerProofError("topk selection: H·(x + λc + λ²) at the sum-check point does not match");
  const tau = transcript.challengeScalars(TOPK_LABELS.onehot, geo.cube.numVars);
  const mu = transcript.challengeScalar(TOPK_LABELS.onehot);
  const zc = guardSumcheck("topk one-hot", () => verifySumcheck({ claim: 0n, numVars: geo.cube.numVars, degree: TOPK_DEGREE, proof: proof.onehotSumcheck, transcript }));
  transcript.absorbScalars(TOPK_LABELS.onehotEval, [proof.onehot]);
  const h = proof.onehot;
  const pAt = Fr.sub(Fr.add(1n, mu), Fr.mul(mu, realAt(spec, geo, zc.point)));
  if (Fr.mul(eqEval(tau, zc.point), Fr.sub(Fr.mul(h, pAt), Fr.mul(h, h))) !== zc.expectedEvaluation) throw new LayerProofError("topk one-hot: H·(1 + μ − μ·1_real − H) at the zero-check point is not the final claim");
  return claimsOf(geo, { px: onX(geo, pr, pc), po: onOut(geo, pr, pj), count, s2, hPoint: joinPoint(geo.cube, [qr, sj, qc]), xPoint: sc.point, zPoint: zc.point }, proof);
}

function guardSumcheck<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`${what}: ${e.message}`);
    throw e;
  }
}
