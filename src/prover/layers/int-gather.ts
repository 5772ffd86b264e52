/**
 * Gather at a RUNTIME index by one-hot selection (docs/prover.md, "Integer kinds for the tree models").
 *
 * Statement. Data D seen as a matrix [n, R] (the gathered axis, then the trailing axes flattened), indices I
 * seen as a vector [K], output Y seen as [K, R]: Y[k, :] = D[I[k], :], every I[k] ∈ [0, n). The prover commits
 * the one-hot matrix H [K, n], H[k, j] = [j = I[k]] (advice, A), and:
 *
 *   (B) every entry of H is a row of `range:1` (the arena: H ∈ {0, 1});
 *   (S) Σ_j H[k, j] = 1_real(k) and Σ_j j·H[k, j] = I[k] for every k of the padded cube;
 *   (M) Y = H·D (the MatMul IOP of ./matmul.ts).
 *
 * (B) and the first half of (S) make row k of H a unit vector e_j for a real k (zero for a padded k), the second
 * half makes j = I[k], so (M) is exactly the gather. (S) is one identity Σ_j H(ρ_K, j)·(1 + λ·j) = 1_real(ρ_K) +
 * λ·I~(ρ_K) at the arena's point ρ_K (drawn after A is committed) and a challenge λ: this file's IOP.
 *
 * Transcript (labels `int-gather.*`): absorb `int-gather.index` [I~(ρ_K)]; λ = challenge `int-gather.lambda`;
 * sum-check (κ = bits(n) rounds, degree 2) of the identity above; absorb `int-gather.eval` [H~(ρ_K, ρ′)].
 * The verifier checks h·(1 + λ·J(ρ′)) = the final claim, J(x) = Σ_b 2^b·x_b (the MLE of j).
 */
import * as Fr from "../../field/fr";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { fixVariables, LayoutError, layoutOf, prefixIndicator, reshapePoint, type TensorLayout } from "../tensor";

/** Transcript labels of the one-hot rows IOP. */
export const INT_GATHER_LABELS = { index: "int-gather.index", lambda: "int-gather.lambda", evals: "int-gather.eval" } as const;

/** The matrix view of a runtime gather (all plain data). */
export interface IntGatherSpec {
  /** Shapes as in the graph. */
  readonly data: readonly number[];
  readonly index: readonly number[];
  readonly out: readonly number[];
  /** Gathered axis length n, index count K, trailing size R. */
  readonly n: number;
  readonly k: number;
  readonly r: number;
}

/** The layouts of H [K, n], D as [n, R] and Y as [K, R]. */
export interface IntGatherGeometry {
  readonly h: TensorLayout;
  readonly kVars: number;
  readonly jVars: number;
}

/** Checks that every matrix view is an aligned reshape (same MLE, same point) of the graph's shape. */
export function intGatherGeometry(spec: IntGatherSpec): IntGatherGeometry {
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  if (spec.n < 1 || spec.k < 1 || spec.r < 1) throw new LayoutError("runtime gather: empty axis");
  if (size(spec.data) !== spec.n * spec.r || size(spec.index) !== spec.k || size(spec.out) !== spec.k * spec.r) throw new LayoutError("runtime gather: the matrix view does not match the shapes");
  const zero = (s: readonly number[]) => new Array<bigint>(layoutOf(s).numVars).fill(0n);
  reshapePoint(spec.data, [spec.n, spec.r], zero([spec.n, spec.r]));
  reshapePoint(spec.index, [spec.k], zero([spec.k]));
  reshapePoint(spec.out, [spec.k, spec.r], zero([spec.k, spec.r]));
  const h = layoutOf([spec.k, spec.n]);
  return { h, kVars: h.axes[0].count, jVars: h.axes[1].count };
}

/** The one-hot table H (padded [K, n] layout) of the indices; null entries are refused by the caller. */
export function oneHotTable(spec: IntGatherSpec, index: ArrayLike<number>): bigint[] {
  const g = intGatherGeometry(spec);
  const out = new Array<bigint>(g.h.paddedSize).fill(0n);
  for (let k = 0; k < spec.k; k++) {
    const i = index[k];
    if (!Number.isInteger(i) || i < 0 || i >= spec.n) throw new LayoutError(`index ${i} at position ${k} is outside [0, ${spec.n}) (negative runtime indices are not proved)`);
    out[(k << g.jVars) + i] = 1n;
  }
  return out;
}

/** J(x) = Σ_b 2^b·x_b: the MLE of the column index j. */
function columnIndexAt(point: readonly bigint[]): bigint {
  let acc = 0n;
  for (let b = point.length - 1; b >= 0; b--) acc = Fr.add(Fr.add(acc, acc), point[b]);
  return acc;
}

/** The one-hot rows proof: I~(ρ_K), the sum-check, H~(ρ_K, ρ′). */
export interface OneHotRowsProof {
  readonly index: bigint;
  readonly sumcheck: SumcheckProof;
  readonly h: bigint;
}

/** What (S) reduces to: a claim on H (an opening of A) and a claim on the indices (their producer). */
export interface OneHotRowsClaims {
  readonly h: Claim;
  readonly index: Claim;
}

/**
 * Proves (S) at the K-part ρ_K of the arena's point on H. `hTable` is H's padded table. `unsafe` (test hook of a
 * dishonest prover) proves the table's true sum even when (S) fails, for the verifier to reject.
 */
export function proveOneHotRows(params: { spec: IntGatherSpec; hTable: readonly bigint[]; index: ArrayLike<number>; rhoK: readonly bigint[]; transcript: Transcript; unsafe?: boolean }): { proof: OneHotRowsProof; claims: OneHotRowsClaims } {
  const { spec, transcript, rhoK } = params;
  const g = intGatherGeometry(spec);
  const indexPoint = reshapePoint(spec.index, [spec.k], rhoK);
  let iv = 0n;
  const idxLayout = layoutOf([spec.k]);
  const eqRows = fixVariables(Array.from({ length: idxLayout.paddedSize }, (_, k) => (k < spec.k ? Fr.fromSigned(BigInt(params.index[k])) : 0n)), rhoK);
  iv = eqRows[0];
  transcript.absorbScalars(INT_GATHER_LABELS.index, [iv]);
  const lambda = transcript.challengeScalar(INT_GATHER_LABELS.lambda);
  const row = fixVariables(params.hTable, [...new Array<bigint | null>(g.jVars).fill(null), ...rhoK]);
  const weight = Array.from({ length: 2 ** g.jVars }, (_, j) => Fr.add(1n, Fr.mul(lambda, BigInt(j))));
  const claim = Fr.add(prefixIndicator(spec.k, rhoK), Fr.mul(lambda, iv));
  const terms: ProductTerm[] = [{ coeff: 1n, factors: [0, 1] }];
  const sc = provingTrueClaim("runtime gather: one-hot rows", () => proveSumcheck({ tables: [row, weight], terms, numVars: g.jVars, degree: 2, ...(params.unsafe ? {} : { claim }), transcript }));
  const h = sc.finalEvaluations[0];
  transcript.absorbScalars(INT_GATHER_LABELS.evals, [h]);
  return { proof: { index: iv, sumcheck: sc.proof, h }, claims: { h: { point: [...sc.point, ...rhoK], value: h }, index: { point: indexPoint, value: iv } } };
}

/** Verifies (S); returns the claims the caller must discharge. @throws {LayerProofError} */
export function verifyOneHotRows(params: { spec: IntGatherSpec; rhoK: readonly bigint[]; proof: OneHotRowsProof; transcript: Transcript }): OneHotRowsClaims {
  const { spec, transcript, rhoK, proof } = params;
  const g = intGatherGeometry(spec);
  const iv = checkScalar(proof.index, "runtime gather: index value");
  transcript.absorbScalars(INT_GATHER_LABELS.index, [iv]);
  const lambda = transcript.challengeScalar(INT_GATHER_LABELS.lambda);
  const claim = Fr.add(prefixIndicator(spec.k, rhoK), Fr.mul(lambda, iv));
  let sub;
  try {
    sub = verifySumcheck({ claim, numVars: g.jVars, degree: 2, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`runtime gather: one-hot rows: ${e.message}`);
    throw e;
  }
  const h = checkScalar(proof.h, "runtime gather: one-hot value");
  transcript.absorbScalars(INT_GATHER_LABELS.evals, [h]);
  if (Fr.mul(h, Fr.add(1n, Fr.mul(lambda, columnIndexAt(sub.point)))) !== sub.expectedEvaluation) throw new LayerProofError("runtime gather: the one-hot rows do not sum to the indices");
  return { h: { point: [...sub.point, ...rhoK], value: h }, index: { point: reshapePoint(spec.index, [spec.k], rhoK), value: iv } };
}
