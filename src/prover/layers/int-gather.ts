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
 *
 * Generalized (`proveRows` / `verifyRows`, session 5): H's K part may be any shape (wide GatherElements: the
 * index's own layout) and a column may split into C components (GatherND's per-axis coordinates, the first most
 * significant): the prover sends the C index values at ρ_K and the weight is 1 + Σ_c λ^{c+1}·J_c(j). With one
 * component over K flattened, every message and check is the narrow form's above.
 */
import * as Fr from "../../field/fr";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { evaluateTensor, fixVariables, LayoutError, layoutOf, reshapePoint, type TensorLayout } from "../tensor";
import { realIndicator } from "./compare";

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

/** J(x) = Σ_b 2^b·x_b: the MLE of the column index j (x little-endian). */
function columnIndexAt(point: readonly bigint[]): bigint {
  let acc = 0n;
  for (let b = point.length - 1; b >= 0; b--) acc = Fr.add(Fr.add(acc, acc), point[b]);
  return acc;
}

/**
 * The rows view of a one-hot H: H's layout is `layoutOf([...kShape, ·])` with the K part in the high variables
 * and the column part (Σ componentBits variables) in the low ones. A column j splits into C components, the
 * first most significant: component c is the value of its `componentBits[c]` bits (GatherND's per-axis
 * coordinates; one component for Gather / GatherElements). Row k must be the unit vector at the column whose
 * components are the C index values of k.
 */
export interface OneHotRowsView {
  readonly kShape: readonly number[];
  readonly componentBits: readonly number[];
}

/** The view of the narrow Gather / GatherElements: K flattened, one component of κ = bits(n) bits. */
export function narrowRowsView(spec: IntGatherSpec): OneHotRowsView {
  return { kShape: [spec.k], componentBits: [intGatherGeometry(spec).jVars] };
}

/** Σ_c λ^{c+1}·v_c: the index values folded by powers of λ. */
function foldByLambda(lambda: bigint, values: readonly bigint[]): bigint {
  let acc = 0n;
  let power = 1n;
  for (const v of values) {
    power = Fr.mul(power, lambda);
    acc = Fr.add(acc, Fr.mul(power, v));
  }
  return acc;
}

/** The component values J_c at a little-endian point on the column variables (first component most significant). */
function componentsAt(view: OneHotRowsView, point: readonly bigint[]): bigint[] {
  let end = point.length;
  return view.componentBits.map((bits) => {
    end -= bits;
    return columnIndexAt(point.slice(end, end + bits));
  });
}

/** The weight w(j) = 1 + Σ_c λ^{c+1}·J_c(j) over the column cube. */
function weightTable(view: OneHotRowsView, lambda: bigint): bigint[] {
  const total = view.componentBits.reduce((a, b) => a + b, 0);
  return Array.from({ length: 2 ** total }, (_, j) => {
    let shift = total;
    const comps = view.componentBits.map((bits) => {
      shift -= bits;
      return BigInt(Math.floor(j / 2 ** shift) % 2 ** bits);
    });
    return Fr.add(1n, foldByLambda(lambda, comps));
  });
}

/** The generalized rows proof: the index components at ρ_K, the sum-check, H~(ρ_K, ρ′). */
export interface RowsProof {
  readonly indices: readonly bigint[];
  readonly sumcheck: SumcheckProof;
  readonly h: bigint;
}

/** What the rows IOP reduces to: a claim on H and the index components' values at ρ_K (the caller routes them). */
export interface RowsClaims {
  readonly h: Claim;
  readonly indices: readonly bigint[];
}

/**
 * Proves Σ_j H~(ρ_K, j)·(1 + Σ_c λ^{c+1}·J_c(j)) = 1_real(ρ_K) + Σ_c λ^{c+1}·T_c~(ρ_K): every row of H sums
 * to 1_real and its column's components are the index values. `components[c]` holds component c's integer
 * value per real row (row-major over kShape). `unsafe` (test hook): the true table sum even when it fails.
 */
export function proveRows(params: { view: OneHotRowsView; hTable: readonly bigint[]; components: readonly ArrayLike<number>[]; rhoK: readonly bigint[]; transcript: Transcript; unsafe?: boolean }): { proof: RowsProof; claims: RowsClaims } {
  const { view, transcript, rhoK } = params;
  const colVars = view.componentBits.reduce((a, b) => a + b, 0);
  const kLayout = layoutOf(view.kShape);
  const indices = params.components.map((c) => evaluateTensor(kLayout, c, rhoK));
  transcript.absorbScalars(INT_GATHER_LABELS.index, indices);
  const lambda = transcript.challengeScalar(INT_GATHER_LABELS.lambda);
  const row = fixVariables(params.hTable, [...new Array<bigint | null>(colVars).fill(null), ...rhoK]);
  const claim = Fr.add(realIndicator(kLayout, rhoK), foldByLambda(lambda, indices));
  const terms: ProductTerm[] = [{ coeff: 1n, factors: [0, 1] }];
  const sc = provingTrueClaim("runtime gather: one-hot rows", () => proveSumcheck({ tables: [row, weightTable(view, lambda)], terms, numVars: colVars, degree: 2, ...(params.unsafe ? {} : { claim }), transcript }));
  const h = sc.finalEvaluations[0];
  transcript.absorbScalars(INT_GATHER_LABELS.evals, [h]);
  return { proof: { indices, sumcheck: sc.proof, h }, claims: { h: { point: [...sc.point, ...rhoK], value: h }, indices } };
}

/** Verifies the rows identity; returns the claims the caller must discharge. @throws {LayerProofError} */
export function verifyRows(params: { view: OneHotRowsView; rhoK: readonly bigint[]; proof: RowsProof; transcript: Transcript }): RowsClaims {
  const { view, transcript, rhoK, proof } = params;
  const colVars = view.componentBits.reduce((a, b) => a + b, 0);
  if (proof.indices.length !== view.componentBits.length) throw new LayerProofError(`runtime gather: ${proof.indices.length} index values, expected ${view.componentBits.length}`);
  const indices = proof.indices.map((v) => checkScalar(v, "runtime gather: index value"));
  transcript.absorbScalars(INT_GATHER_LABELS.index, indices);
  const lambda = transcript.challengeScalar(INT_GATHER_LABELS.lambda);
  const claim = Fr.add(realIndicator(layoutOf(view.kShape), rhoK), foldByLambda(lambda, indices));
  let sub;
  try {
    sub = verifySumcheck({ claim, numVars: colVars, degree: 2, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`runtime gather: one-hot rows: ${e.message}`);
    throw e;
  }
  const h = checkScalar(proof.h, "runtime gather: one-hot value");
  transcript.absorbScalars(INT_GATHER_LABELS.evals, [h]);
  const weight = Fr.add(1n, foldByLambda(lambda, componentsAt(view, sub.point)));
  if (Fr.mul(h, weight) !== sub.expectedEvaluation) throw new LayerProofError("runtime gather: the one-hot rows do not sum to the indices");
  return { h: { point: [...sub.point, ...rhoK], value: h }, indices };
}

/** The one-hot rows proof of the narrow form: I~(ρ_K), the sum-check, H~(ρ_K, ρ′). */
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
 * Proves (S) of the narrow form at the K-part ρ_K of the arena's point on H (the one-component rows IOP, K
 * flattened). `hTable` is H's padded table. `unsafe` (test hook of a dishonest prover) proves the table's true
 * sum even when (S) fails, for the verifier to reject.
 */
export function proveOneHotRows(params: { spec: IntGatherSpec; hTable: readonly bigint[]; index: ArrayLike<number>; rhoK: readonly bigint[]; transcript: Transcript; unsafe?: boolean }): { proof: OneHotRowsProof; claims: OneHotRowsClaims } {
  const { spec, rhoK } = params;
  const r = proveRows({ view: narrowRowsView(spec), hTable: params.hTable, components: [Array.from({ length: spec.k }, (_, k) => params.index[k])], rhoK, transcript: params.transcript, ...(params.unsafe ? { unsafe: true } : {}) });
  const index = r.proof.indices[0];
  return { proof: { index, sumcheck: r.proof.sumcheck, h: r.proof.h }, claims: { h: r.claims.h, index: { point: reshapePoint(spec.index, [spec.k], rhoK), value: index } } };
}

/** Verifies (S) of the narrow form; returns the claims the caller must discharge. @throws {LayerProofError} */
export function verifyOneHotRows(params: { spec: IntGatherSpec; rhoK: readonly bigint[]; proof: OneHotRowsProof; transcript: Transcript }): OneHotRowsClaims {
  const { spec, rhoK, proof } = params;
  const out = verifyRows({ view: narrowRowsView(spec), rhoK, proof: { indices: [proof.index], sumcheck: proof.sumcheck, h: proof.h }, transcript: params.transcript });
  return { h: out.h, index: { point: reshapePoint(spec.index, [spec.k], rhoK), value: out.indices[0] } };
}
