/**
 * Scatter at RUNTIME indices along the last axis (ScatterElements; ScatterND with one index coordinate into a
 * rank-1 tensor), reduction "none", indices distinct within a row. Views: data D and output Y [R, n], indices I
 * and updates U [R, m]: Y[r, c] = U[r, j] where I[r, j] = c, else D[r, c]. Spec: docs/prover.md, "Scatter at
 * runtime indices".
 *
 * Advice: the one-hot S [R, m, n] (S[r, j, c] = [I[r, j] = c]) and the hit mask T [R, n] (T = Σ_j S), both
 * arena columns against `range:1` (every entry 0 or 1). Relations, each checked at a random point:
 *
 *   (O) Σ_c S[r, j, c]·(1 + λc + λ²(1 − 1_n(c))) = 1_real(r, j) + λ·I[r, j]   — one-hot rows on real columns, I = c;
 *   (T) T[r, c] = Σ_j S[r, j, c]                                               — 2^(bits of m)·S~(t_r, ½…, t_c);
 *   (Y) Y = D − T⊙D + Σ_j S[·, j, ·]·U[·, j]                                  — the claim on Y split in three.
 *
 * With T 0/1, no column is hit twice (distinct indices: a duplicate makes T = 2, outside the table — the executor's
 * last-write rule is then not what is proved, so the honest prover refuses such an input with a clear error), and
 * (Y) is exactly the scatter.
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable, evaluateMle } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { forEachIndex, joinPoint, layoutOf, LayoutError, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";

/** Transcript labels. */
export const SCATTER_LABELS = {
  parts: "scatter.parts",
  updates: "scatter.updates",
  updateEvals: "scatter.updates.evals",
  hit: "scatter.hit",
  rows: "scatter.rows",
  rowsIndex: "scatter.rows.index",
  rowsEval: "scatter.rows.eval",
} as const;

/** Degree of the sum-checks. */
export const SCATTER_DEGREE = 3;

/** The matrix view of a runtime scatter. */
export interface ScatterSpec {
  readonly rows: number;
  readonly cols: number;
  /** Indices per row. */
  readonly m: number;
}

/** Layouts of the views. */
export interface ScatterGeometry {
  readonly cube: TensorLayout;
  readonly data: TensorLayout;
  readonly index: TensorLayout;
}

export function scatterGeometry(spec: ScatterSpec): ScatterGeometry {
  if (spec.rows < 1 || spec.cols < 1 || spec.m < 1) throw new LayoutError(`scatter: bad view [${spec.rows}, ${spec.cols}] with ${spec.m} indices per row`);
  return { cube: layoutOf([spec.rows, spec.m, spec.cols]), data: layoutOf([spec.rows, spec.cols]), index: layoutOf([spec.rows, spec.m]) };
}

/** Thrown for an index outside [0, n) or a column hit twice in a row (honest mode only). */
export class ScatterIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScatterIndexError";
  }
}

/** The prover's padded tables. */
export interface ScatterWitness {
  readonly onehot: bigint[];
  readonly hit: bigint[];
}

/** S and T from the indices (row-major [R, m]). With `unsafe` bad indices are kept (they select nothing / hit twice). */
export function scatterWitness(spec: ScatterSpec, indices: ArrayLike<number>, unsafe: boolean): ScatterWitness {
  const geo = scatterGeometry(spec);
  const onehot = new Array<bigint>(geo.cube.paddedSize).fill(0n);
  const hit = new Array<bigint>(geo.data.paddedSize).fill(0n);
  const [, mp, np] = geo.cube.paddedShape;
  for (let r = 0; r < spec.rows; r++) {
    for (let j = 0; j < spec.m; j++) {
      const c = indices[r * spec.m + j];
      if (!Number.isInteger(c) || c < 0 || c >= spec.cols) {
        if (!unsafe) throw new ScatterIndexError(`row ${r}, index ${j} is ${c}: outside [0, ${spec.cols}) (negative indices are not proved)`);
        continue;
      }
      onehot[(r * mp + j) * np + c] = 1n;
      const at = r * np + c;
      if (hit[at] !== 0n && !unsafe) throw new ScatterIndexError(`row ${r}: column ${c} is written twice (duplicate indices are not proved)`);
      hit[at] = Fr.add(hit[at], 1n);
    }
  }
  return { onehot, hit };
}

/** Messages of the IOP (the Hadamard IOP of T⊙D is run by the caller between `parts` and `updates`). */
export interface ScatterProof {
  /** D~(r), (T⊙D)~(r), (Σ_j S·U)~(r). */
  readonly parts: readonly [bigint, bigint, bigint];
  readonly updatesSumcheck: SumcheckProof;
  /** S~ and U~ at the update sum-check's point. */
  readonly updateEvals: readonly [bigint, bigint];
  /** T~(t). */
  readonly hit: bigint;
  /** I~(s). */
  readonly rowsIndex: bigint;
  readonly rowsSumcheck: SumcheckProof;
  /** S~ at the rows sum-check's point. */
  readonly rowsEval: bigint;
}

/** Σ_i 2^i·p_i: the MLE of c ↦ c over a whole padded axis. */
function fullRamp(point: readonly bigint[]): bigint {
  return point.reduce((acc, p, i) => Fr.add(acc, Fr.mul(p, 1n << BigInt(i))), 0n);
}

function guard<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`${what}: ${e.message}`);
    throw e;
  }
}

/** Claims the updates part hands on: S (A) and U (its producer). */
export interface UpdateClaims {
  readonly onehot: Claim;
  readonly updates: Claim;
}

/** (Y)'s third part: q = Σ_{r', j, c'} eq(r, (r', c'))·S(r', j, c')·U(r', j) by one sum-check over the cube. */
export function proveUpdates(spec: ScatterSpec, w: ScatterWitness, updates: IntTensor, point: readonly bigint[], q: bigint, transcript: Transcript): { sumcheck: SumcheckProof; evals: [bigint, bigint]; claims: UpdateClaims } {
  const geo = scatterGeometry(spec);
  const [pr, pc] = splitPoint(geo.data, point);
  const eqR = eqTable(pr);
  const eqC = eqTable(pc);
  const [rp, mp, np] = geo.cube.paddedShape;
  const e = new Array<bigint>(geo.cube.paddedSize);
  const u = new Array<bigint>(geo.cube.paddedSize).fill(0n);
  for (let r = 0; r < rp; r++) {
    for (let j = 0; j < mp; j++) {
      const uv = r < spec.rows && j < spec.m ? Fr.fromSigned(BigInt(updates.data[r * spec.m + j])) : 0n;
      for (let c = 0; c < np; c++) {
        const at = (r * mp + j) * np + c;
        e[at] = Fr.mul(eqR[r], eqC[c]);
        u[at] = uv;
      }
    }
  }
  const sc = provingTrueClaim("scatter updates", () =>
    proveSumcheck({ tables: [e, w.onehot, u], terms: [{ coeff: 1n, factors: [0, 1, 2] }], numVars: geo.cube.numVars, degree: SCATTER_DEGREE, claim: q, transcript }),
  );
  const evals: [bigint, bigint] = [evaluateMle(w.onehot, sc.point), evaluateMle(u, sc.point)];
  transcript.absorbScalars(SCATTER_LABELS.updateEvals, evals);
  return { sumcheck: sc.proof, evals, claims: updateClaims(geo, sc.point, evals) };
}

function updateClaims(geo: ScatterGeometry, point: readonly bigint[], evals: readonly [bigint, bigint]): UpdateClaims {
  const [pr, pj] = splitPoint(geo.cube, point);
  return { onehot: { point: [...point], value: evals[0] }, updates: { point: joinPoint(geo.index, [pr, pj]), value: evals[1] } };
}

/** Verifier side of {@link proveUpdates}. */
export function verifyUpdates(spec: ScatterSpec, point: readonly bigint[], q: bigint, sumcheck: SumcheckProof, evals: readonly [bigint, bigint], transcript: Transcript): UpdateClaims {
  const geo = scatterGeometry(spec);
  const sub = guard("scatter updates", () => verifySumcheck({ claim: q, numVars: geo.cube.numVars, degree: SCATTER_DEGREE, proof: sumcheck, transcript }));
  evals.forEach((v, i) => Fr.assertFr(v, `scatter updates: value ${i}`));
  transcript.absorbScalars(SCATTER_LABELS.updateEvals, [...evals]);
  const [pr, pc] = splitPoint(geo.data, point);
  const [sr, , sc] = splitPoint(geo.cube, sub.point);
  if (Fr.mul(Fr.mul(eqEval(pr, sr), eqEval(pc, sc)), Fr.mul(evals[0], evals[1])) !== sub.expectedEvaluation) throw new LayerProofError("scatter updates: S·U at the sum-check point does not match");
  return updateClaims(geo, sub.point, evals);
}

/** Claims of the hit and rows identities: T and S (A), I (its producer). */
export interface ShapeClaims {
  readonly hit: Claim;
  readonly onehot: Claim[];
  readonly index: Claim;
}

/** The (T) claim on S from T~(t): the point (t_r, ½…, t_c) and value T~(t) / 2^(bits of m). */
function hitToOnehot(geo: ScatterGeometry, t: readonly bigint[], hit: bigint): Claim {
  const [tr, tc] = splitPoint(geo.data, t);
  const mBits = geo.cube.axes[1].count;
  return { point: joinPoint(geo.cube, [tr, new Array<bigint>(mBits).fill(Fr.inv(2n)), tc]), value: Fr.mul(hit, Fr.inv(1n << BigInt(mBits))) };
}

/** The rows weight 1 + λc + λ²(1 − 1_n(c)) as a table over [R, n] (padded) and at a point. */
function rowsWeightAt(spec: ScatterSpec, pc: readonly bigint[], lambda: bigint): bigint {
  return Fr.add(Fr.add(1n, Fr.mul(lambda, fullRamp(pc))), Fr.mul(Fr.mul(lambda, lambda), Fr.sub(1n, prefixIndicator(spec.cols, pc))));
}

/** (T) and (O): the prover. */
export function proveShape(spec: ScatterSpec, w: ScatterWitness, indices: IntTensor, transcript: Transcript): { hit: bigint; rowsIndex: bigint; rowsSumcheck: SumcheckProof; rowsEval: bigint; claims: ShapeClaims } {
  const geo = scatterGeometry(spec);
  const t = transcript.challengeScalars(SCATTER_LABELS.hit, geo.data.numVars);
  const hit = evaluateMle(w.hit, t);
  transcript.absorbScalars(SCATTER_LABELS.hit, [hit]);
  const s = transcript.challengeScalars(SCATTER_LABELS.rows, geo.index.numVars);
  const lambda = transcript.challengeScalar(SCATTER_LABELS.rows);
  const iTable = new Array<bigint>(geo.index.paddedSize).fill(0n);
  forEachIndex(geo.index, (flat, padded) => (iTable[padded] = Fr.fromSigned(BigInt(indices.data[flat]))));
  const rowsIndex = evaluateMle(iTable, s);
  transcript.absorbScalars(SCATTER_LABELS.rowsIndex, [rowsIndex]);
  const [sr, sj] = splitPoint(geo.index, s);
  const eqR = eqTable(sr);
  const eqJ = eqTable(sj);
  const [rp, mp, np] = geo.cube.paddedShape;
  const e = new Array<bigint>(geo.data.paddedSize);
  const h = new Array<bigint>(geo.data.paddedSize).fill(0n);
  const wt = new Array<bigint>(geo.data.paddedSize);
  const l2 = Fr.mul(lambda, lambda);
  for (let r = 0; r < rp; r++) {
    for (let c = 0; c < np; c++) {
      const at = r * np + c;
      e[at] = eqR[r];
      let acc = 0n;
      for (let j = 0; j < mp; j++) {
        const v = w.onehot[(r * mp + j) * np + c];
        if (v !== 0n) acc = Fr.add(acc, Fr.mul(v, eqJ[j]));
      }
      h[at] = acc;
      wt[at] = Fr.add(Fr.add(1n, Fr.mul(lambda, BigInt(c))), c < spec.cols ? 0n : l2);
    }
  }
  const claim = Fr.add(Fr.mul(prefixIndicator(spec.rows, sr), prefixIndicator(spec.m, sj)), Fr.mul(lambda, rowsIndex));
  const sc = provingTrueClaim("scatter rows", () =>
    proveSumcheck({ tables: [e, h, wt], terms: [{ coeff: 1n, factors: [0, 1, 2] }], numVars: geo.data.numVars, degree: SCATTER_DEGREE, claim, transcript }),
  );
  const rowsEval = evaluateMle(h, sc.point);
  transcript.absorbScalars(SCATTER_LABELS.rowsEval, [rowsEval]);
  return { hit, rowsIndex, rowsSumcheck: sc.proof, rowsEval, claims: shapeClaims(geo, t, hit, s, rowsIndex, sc.point, rowsEval) };
}

function shapeClaims(geo: ScatterGeometry, t: readonly bigint[], hit: bigint, s: readonly bigint[], rowsIndex: bigint, point: readonly bigint[], rowsEval: bigint): ShapeClaims {
  const [, sj] = splitPoint(geo.index, s);
  const [qr, qc] = splitPoint(geo.data, point);
  return {
    hit: { point: [...t], value: hit },
    onehot: [hitToOnehot(geo, t, hit), { point: joinPoint(geo.cube, [qr, sj, qc]), value: rowsEval }],
    index: { point: [...s], value: rowsIndex },
  };
}

/** (T) and (O): the verifier. */
export function verifyShape(spec: ScatterSpec, proof: Pick<ScatterProof, "hit" | "rowsIndex" | "rowsSumcheck" | "rowsEval">, transcript: Transcript): ShapeClaims {
  const geo = scatterGeometry(spec);
  [proof.hit, proof.rowsIndex, proof.rowsEval].forEach((v, i) => Fr.assertFr(v, `scatter: value ${i}`));
  const t = transcript.challengeScalars(SCATTER_LABELS.hit, geo.data.numVars);
  transcript.absorbScalars(SCATTER_LABELS.hit, [proof.hit]);
  const s = transcript.challengeScalars(SCATTER_LABELS.rows, geo.index.numVars);
  const lambda = transcript.challengeScalar(SCATTER_LABELS.rows);
  transcript.absorbScalars(SCATTER_LABELS.rowsIndex, [proof.rowsIndex]);
  const [sr, sj] = splitPoint(geo.index, s);
  const claim = Fr.add(Fr.mul(prefixIndicator(spec.rows, sr), prefixIndicator(spec.m, sj)), Fr.mul(lambda, proof.rowsIndex));
  const sub = guard("scatter rows", () => verifySumcheck({ claim, numVars: geo.data.numVars, degree: SCATTER_DEGREE, proof: proof.rowsSumcheck, transcript }));
  transcript.absorbScalars(SCATTER_LABELS.rowsEval, [proof.rowsEval]);
  const [qr, qc] = splitPoint(geo.data, sub.point);
  if (Fr.mul(eqEval(sr, qr), Fr.mul(proof.rowsEval, rowsWeightAt(spec, qc, lambda))) !== sub.expectedEvaluation) throw new LayerProofError("scatter rows: S·(1 + λc + λ²·pad) at the sum-check point does not match");
  return shapeClaims(geo, t, proof.hit, s, proof.rowsIndex, sub.point, proof.rowsEval);
}
