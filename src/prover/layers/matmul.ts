/**
 * MatMul / Gemm: a claim on the accumulator acc = X·W (+ bias) becomes claims on X, W and the bias by one
 * sum-check over the inner dimension (Thaler's matrix-multiplication sum-check).
 *
 * With the axis-padded layout, acc(rows, n) = Σ_k X(rows, k)·W(k, n) gives, for a claim at (r_rows, r_n),
 *
 *     acc~(r_rows, r_n) − factor·bias~(q) = Σ_{k ∈ {0,1}^κ} X~(r_rows, k) · W~(k, r_n)      (degree 2)
 *
 * where bias~ enters through numpy broadcasting (../tensor.ts broadcastPoint). Gemm's transA/transB are only
 * a different assignment of variable groups; X's leading axes (a batch with a 2-D W) are just more row
 * variables. When X and W share batch axes b, the claim at r_b is NOT X~(r_b, …)·W~(r_b, …) — a product of
 * two functions multilinear in b is not the MLE of the batched product — so b is summed too, with an eq
 * factor:
 *
 *     acc~(r_b, r_m, r_n) = Σ_{b, k} eq(r_b, b) · X~(b, r_m, k) · W~(b, k, r_n)          (degree 3)
 *
 * Messages: [bias value], sum-check, [X value, W value]. Spec: docs/prover.md ("MatMul / Gemm").
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { broadcastPoint, evaluateTensor, joinPoint, LayoutError, layoutOf, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { fixedTable } from "./fixed-table";

/** Transcript labels of the MatMul IOP. */
export const MATMUL_LABELS = { claim: "matmul.claim", bias: "matmul.bias", evals: "matmul.evals" } as const;

/** Static shapes of one MatMul/Gemm. */
export interface MatMulSpec {
  /** Shape of X as stored (before transA). */
  readonly x: readonly number[];
  /** Shape of W as stored (before transB). */
  readonly w: readonly number[];
  /** Gemm: X is stored as [K, M]. Only for 2-D X. */
  readonly transA?: boolean;
  /** Gemm: W is stored as [N, K]. Only for 2-D W. */
  readonly transB?: boolean;
  /** Shape of the bias (broadcast to the output), if any. */
  readonly bias?: readonly number[];
}

/** The proof of one MatMul: what the prover sends, in order. */
export interface MatMulProof {
  /** bias~ at the broadcast point (absent without a bias). */
  readonly biasValue: bigint | null;
  readonly sumcheck: SumcheckProof;
  /** X~ and W~ at the points of the output claims. */
  readonly xValue: bigint;
  readonly wValue: bigint;
}

/** Claims a MatMul reduces to. */
export interface MatMulClaims {
  readonly x: Claim;
  readonly w: Claim;
  readonly bias: Claim | null;
}

/** Where every variable group of a MatMul lives. */
export interface MatMulGeometry {
  readonly out: TensorLayout;
  readonly x: TensorLayout;
  readonly w: TensorLayout;
  /** Layout of the shared batch axes (rank 0 when there are none). */
  readonly batch: TensorLayout;
  /** Bits of the inner dimension K. */
  readonly kVars: number;
  /** Axis of K in X and in W. */
  readonly xK: number;
  readonly wK: number;
  /** For each X axis: the output axis it shares (-1 for K). Likewise for W. */
  readonly xToOut: readonly number[];
  readonly wToOut: readonly number[];
  /** Number of shared batch axes (leading in X, W and the output). */
  readonly batchAxes: number;
  readonly bias: readonly number[] | null;
}

/**
 * The geometry of a MatMul/Gemm, or a clear error for shapes this IOP does not cover yet (1-D operands, batch
 * axes that differ between X and W, transposes of batched operands).
 */
export function matmulGeometry(spec: MatMulSpec): MatMulGeometry {
  const { x, w } = spec;
  const fail = (msg: string): never => {
    throw new LayoutError(`matmul [${x.join(", ")}]·[${w.join(", ")}]: ${msg}`);
  };
  if (x.length < 2 || w.length < 2) fail("1-D operands are not supported by the MatMul IOP");
  if ((spec.transA && x.length !== 2) || (spec.transB && w.length !== 2)) fail("transA/transB need 2-D operands");
  const xK = spec.transA ? 0 : x.length - 1;
  const wK = spec.transB ? 1 : w.length - 2;
  if (x[xK] !== w[wK]) fail(`inner dimensions differ (${x[xK]} vs ${w[wK]})`);
  const m = spec.transA ? x[1] : x[x.length - 2];
  const n = spec.transB ? w[0] : w[w.length - 1];
  let batchAxes = 0;
  let outShape: number[];
  let xToOut: number[];
  let wToOut: number[];
  if (w.length === 2) {
    // X's leading axes are rows; the output is [...X rows, N].
    const rows = spec.transA ? [m] : x.slice(0, -1);
    outShape = [...rows, n];
    xToOut = spec.transA ? [-1, 0] : [...rows.map((_, i) => i), -1];
    wToOut = spec.transB ? [rows.length, -1] : [-1, rows.length];
  } else {
    if (x.length !== w.length || x.slice(0, -2).some((d, i) => d !== w[i])) {
      fail("batched MatMul needs X and W with the same batch axes (broadcast batch axes are not supported yet)");
    }
    batchAxes = x.length - 2;
    outShape = [...x.slice(0, -2), m, n];
    xToOut = [...x.slice(0, -2).map((_, i) => i), batchAxes, -1];
    wToOut = [...w.slice(0, -2).map((_, i) => i), -1, batchAxes + 1];
  }
  const out = layoutOf(outShape);
  if (spec.bias) broadcastPoint(outShape, spec.bias, new Array<bigint>(out.numVars).fill(0n));
  const xl = layoutOf(x);
  return {
    out,
    x: xl,
    w: layoutOf(w),
    batch: layoutOf(x.slice(0, batchAxes)),
    kVars: xl.axes[xK].count,
    xK,
    wK,
    xToOut,
    wToOut,
    batchAxes,
    bias: spec.bias ? [...spec.bias] : null,
  };
}

/** Inputs of {@link proveMatMul}. */
export interface ProveMatMulParameters {
  readonly spec: MatMulSpec;
  readonly x: IntTensor;
  readonly w: IntTensor;
  readonly bias?: IntTensor;
  /** The claim on acc (output layout). The prover refuses a claim that is not true. */
  readonly claim: Claim;
  readonly transcript: Transcript;
}

/** Proves one MatMul claim; returns the proof and the claims it reduces to. */
export function proveMatMul(params: ProveMatMulParameters): { proof: MatMulProof; claims: MatMulClaims } {
  const { spec, transcript } = params;
  const g = matmulGeometry(spec);
  checkShape(params.x, spec.x, "X");
  checkShape(params.w, spec.w, "W");
  if ((params.bias === undefined) !== (g.bias === null)) throw new LayoutError("matmul: bias given without a bias shape, or the reverse");
  if (params.bias) checkShape(params.bias, g.bias!, "bias");
  checkClaim(params.claim, g.out.numVars, "matmul");
  absorbClaim(transcript, MATMUL_LABELS.claim, params.claim);
  const outParts = splitPoint(g.out, params.claim.point);

  let target = params.claim.value;
  let biasClaim: Claim | null = null;
  if (params.bias) {
    const b = broadcastPoint(g.out.shape, g.bias!, params.claim.point);
    const value = evaluateTensor(layoutOf(params.bias.shape), params.bias.data, b.point);
    transcript.absorbScalars(MATMUL_LABELS.bias, [value]);
    target = Fr.sub(target, Fr.mul(b.factor, value));
    biasClaim = { point: b.point, value };
  }

  // Sum-check tables over (k bits ‖ batch bits): X and W with their row/column variables fixed.
  const xTable = fixedTable(g.x, params.x.data, assignment(g.x, g.xToOut, outParts, g.batchAxes), "X");
  const wTable = fixedTable(g.w, params.w.data, assignment(g.w, g.wToOut, outParts, g.batchAxes), "W");
  const tables = [xTable, wTable];
  const terms: ProductTerm[] = [{ coeff: 1n, factors: [0, 1] }];
  if (g.batchAxes > 0) {
    // eq(r_b, b), constant in the k variables (low), as a table: the batch sum-check has degree 3.
    const eqB = eqTable(batchPoint(g, outParts));
    tables.push(Array.from({ length: xTable.length }, (_, i) => eqB[i >> g.kVars]));
    terms[0] = { coeff: 1n, factors: [0, 1, 2] };
  }
  const sc = provingTrueClaim("matmul", () => proveSumcheck({ tables, terms, numVars: g.kVars + g.batch.numVars, claim: target, transcript }));
  const [xValue, wValue] = sc.finalEvaluations;
  transcript.absorbScalars(MATMUL_LABELS.evals, [xValue, wValue]);
  const points = claimPoints(g, outParts, sc.point);
  return {
    proof: { biasValue: biasClaim ? biasClaim.value : null, sumcheck: sc.proof, xValue, wValue },
    claims: { x: { point: points.x, value: xValue }, w: { point: points.w, value: wValue }, bias: biasClaim },
  };
}

/** Inputs of {@link verifyMatMul}. */
export interface VerifyMatMulParameters {
  readonly spec: MatMulSpec;
  readonly claim: Claim;
  readonly proof: MatMulProof;
  readonly transcript: Transcript;
}

/**
 * Verifies a MatMul proof and returns the claims on X, W and the bias that the caller must still discharge
 * (X: the previous layer or the public input; W and bias: the model commitment).
 * @throws {LayerProofError} when the proof is malformed or does not verify
 */
export function verifyMatMul(params: VerifyMatMulParameters): MatMulClaims {
  const { spec, proof, transcript } = params;
  const g = matmulGeometry(spec);
  checkClaim(params.claim, g.out.numVars, "matmul");
  absorbClaim(transcript, MATMUL_LABELS.claim, params.claim);
  const outParts = splitPoint(g.out, params.claim.point);

  let target = params.claim.value;
  let biasClaim: Claim | null = null;
  if (g.bias) {
    if (proof.biasValue === null) throw new LayerProofError("matmul: the bias value is missing");
    const value = checkScalar(proof.biasValue, "matmul: bias value");
    const b = broadcastPoint(g.out.shape, g.bias, params.claim.point);
    transcript.absorbScalars(MATMUL_LABELS.bias, [value]);
    target = Fr.sub(target, Fr.mul(b.factor, value));
    biasClaim = { point: b.point, value };
  } else if (proof.biasValue !== null) {
    throw new LayerProofError("matmul: unexpected bias value (the layer has no bias)");
  }

  const degree = g.batchAxes > 0 ? 3 : 2;
  let sub;
  try {
    sub = verifySumcheck({ claim: target, numVars: g.kVars + g.batch.numVars, degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`matmul: ${e.message}`);
    throw e;
  }
  const xValue = checkScalar(proof.xValue, "matmul: X value");
  const wValue = checkScalar(proof.wValue, "matmul: W value");
  transcript.absorbScalars(MATMUL_LABELS.evals, [xValue, wValue]);
  let expected = Fr.mul(xValue, wValue);
  if (g.batchAxes > 0) expected = Fr.mul(expected, eqEval(batchPoint(g, outParts), sub.point.slice(g.kVars)));
  if (expected !== sub.expectedEvaluation) throw new LayerProofError("matmul: X·W at the sum-check point does not match the final claim");
  const points = claimPoints(g, outParts, sub.point);
  return { x: { point: points.x, value: xValue }, w: { point: points.w, value: wValue }, bias: biasClaim };
}

/** Fixed values for an operand's variables: output coordinates for row/column axes, null for K and batch. */
function assignment(layout: TensorLayout, toOut: readonly number[], outParts: readonly bigint[][], batchAxes: number): (bigint | null)[] {
  const a = new Array<bigint | null>(layout.numVars).fill(null);
  toOut.forEach((o, axis) => {
    if (o < 0 || o < batchAxes) return;
    const { start, count } = layout.axes[axis];
    for (let j = 0; j < count; j++) a[start + j] = outParts[o][j];
  });
  return a;
}

/** The claim's coordinates on the batch axes, as a point of the batch layout. */
function batchPoint(g: MatMulGeometry, outParts: readonly bigint[][]): bigint[] {
  return joinPoint(g.batch, outParts.slice(0, g.batchAxes));
}

/** The points of the X and W claims from the output point and the sum-check point (ρ_k ‖ ρ_b). */
function claimPoints(g: MatMulGeometry, outParts: readonly bigint[][], rho: readonly bigint[]): { x: bigint[]; w: bigint[] } {
  const rhoK = rho.slice(0, g.kVars);
  const rhoB = splitPoint(g.batch, rho.slice(g.kVars));
  const parts = (toOut: readonly number[]) => toOut.map((o) => (o < 0 ? rhoK : o < g.batchAxes ? rhoB[o] : outParts[o]));
  return { x: joinPoint(g.x, parts(g.xToOut)), w: joinPoint(g.w, parts(g.wToOut)) };
}

function checkShape(t: IntTensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new LayoutError(`matmul: ${what} has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
  }
}

