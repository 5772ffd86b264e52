/**
 * GatherElements at a RUNTIME index over data whose non-gathered axes may have any size (docs/prover.md,
 * "GatherElements over wide data axes"). Data D of rank q, gathered axis `axis` of length n, indices I of the same
 * rank with e_t ≤ d_t on every other axis t, output Y of I's shape:
 *
 *     Y[x] = D[x with coordinate `axis` replaced by I[x]]        for every real index position x.
 *
 * The one-hot H has the layout of [...I's shape, n] (x in the high variables, the column j in the low κ = bits(n)
 * ones), H[x, j] = [j = I[x]], its rows proved by ./int-gather.ts (`proveRows`, one component, K part = I's
 * shape). The selection is one sum-check over (x, j), at a claim (r, v) on Y:
 *
 *     v = Σ_{x, j} eq(r, x)·H~(x, j)·E(x, j),     E(x, j) = D~(embed(x, j))                       (degree 3)
 *
 * where embed(x, j) is the point of D's layout whose axis-t coordinates are x_t's bits followed by zeros up to
 * bits(d_t) (t ≠ axis) and whose axis coordinates are j. On the cube E(x, j) is D at (x_t for t ≠ axis, j at the
 * axis): a real data entry whenever x is real (x_t < e_t ≤ d_t) and j < n; E is multilinear (D~ with variables
 * renamed and some fixed to 0). H's row x is the unit vector at I[x] for real x and zero for padded x, so the sum
 * is Σ_x eq(r, x)·Y[x] = Y~(r).
 *
 * Transcript (labels `int-gather.select*`): absorb the claim; sum-check (|x| + κ rounds, degree 3); absorb
 * [H~(ρ), E(ρ)]. The verifier checks eq(r, ρ_x)·h·e = the final claim; claims out: H at ρ, D at embed(ρ).
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { joinPoint, LayoutError, layoutOf, paddedTable, splitPoint, type TensorLayout } from "../tensor";

/** Transcript labels of the selection sum-check. */
export const GATHER_ELEMENTS_LABELS = { claim: "int-gather.select.claim", evals: "int-gather.select.evals" } as const;

/** Static shapes of a wide GatherElements. */
export interface GatherElementsSpec {
  readonly data: readonly number[];
  readonly index: readonly number[];
  readonly axis: number;
}

/** The layouts of a wide GatherElements: H [...index, n], the index, the data. */
export interface GatherElementsGeometry {
  readonly h: TensorLayout;
  readonly index: TensorLayout;
  readonly data: TensorLayout;
  /** κ = bits(n): H's column variables (its low ones). */
  readonly jVars: number;
}

/** Checks the spec (same rank, e_t ≤ d_t off the axis, non-empty) and returns its layouts. @throws {LayoutError} */
export function gatherElementsGeometry(spec: GatherElementsSpec): GatherElementsGeometry {
  const { data, index, axis } = spec;
  if (data.length !== index.length) throw new LayoutError(`GatherElements: index rank ${index.length} differs from data rank ${data.length}`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= data.length) throw new LayoutError(`GatherElements: axis ${axis} out of range`);
  if (data.some((d) => d < 1) || index.some((d) => d < 1)) throw new LayoutError("GatherElements: empty axis");
  index.forEach((e, t) => {
    if (t !== axis && e > data[t]) throw new LayoutError(`GatherElements: index axis ${t} (${e}) exceeds the data's (${data[t]})`);
  });
  const h = layoutOf([...index, data[axis]]);
  return { h, index: layoutOf(index), data: layoutOf(data), jVars: h.axes[index.length].count };
}

/** The point on D of a point on H: per non-gathered axis its coordinates then zeros, at the axis the column part. */
export function embedPoint(spec: GatherElementsSpec, hPoint: readonly bigint[]): bigint[] {
  const g = gatherElementsGeometry(spec);
  const parts = splitPoint(g.index, hPoint.slice(g.jVars));
  const j = hPoint.slice(0, g.jVars);
  return joinPoint(
    g.data,
    g.data.axes.map((ax, t) => (t === spec.axis ? j : [...parts[t], ...new Array<bigint>(ax.count - parts[t].length).fill(0n)])),
  );
}

/** E over H's cube: E[(x, j)] = D's padded entry at embed(x, j). */
function embeddedData(spec: GatherElementsSpec, data: ArrayLike<number>): bigint[] {
  const g = gatherElementsGeometry(spec);
  const d = paddedTable(g.data, data, "GatherElements data");
  const out = new Array<bigint>(g.h.paddedSize);
  const rank = spec.index.length;
  for (let p = 0; p < g.h.paddedSize; p++) {
    let at = 0;
    for (let t = 0; t < rank; t++) {
      const ax = g.h.axes[t];
      const coord = t === spec.axis ? p % 2 ** g.jVars : Math.floor(p / 2 ** ax.start) % 2 ** ax.count;
      at += coord * 2 ** g.data.axes[t].start;
    }
    out[p] = d[at];
  }
  return out;
}

/** The selection proof: the sum-check, H~(ρ), E(ρ). */
export interface GatherElementsProof {
  readonly sumcheck: SumcheckProof;
  readonly hValue: bigint;
  readonly dValue: bigint;
}

/** What the selection reduces to: a claim on H and a claim on D (at embed(ρ)). */
export interface GatherElementsClaims {
  readonly h: Claim;
  readonly data: Claim;
}

/** Proves a claim on Y from H's padded table and D's values. */
export function proveGatherElements(params: { spec: GatherElementsSpec; hTable: readonly bigint[]; data: ArrayLike<number>; claim: Claim; transcript: Transcript }): { proof: GatherElementsProof; claims: GatherElementsClaims } {
  const { spec, claim, transcript } = params;
  const g = gatherElementsGeometry(spec);
  checkClaim(claim, g.index.numVars, "GatherElements");
  absorbClaim(transcript, GATHER_ELEMENTS_LABELS.claim, claim);
  const eqRows = eqTable(claim.point);
  const eq = Array.from({ length: g.h.paddedSize }, (_, p) => eqRows[Math.floor(p / 2 ** g.jVars)]);
  const sc = provingTrueClaim("GatherElements selection", () =>
    proveSumcheck({ tables: [eq, [...params.hTable], embeddedData(spec, params.data)], terms: [{ coeff: 1n, factors: [0, 1, 2] }], numVars: g.h.numVars, degree: 3, claim: claim.value, transcript }),
  );
  const [, hValue, dValue] = sc.finalEvaluations;
  transcript.absorbScalars(GATHER_ELEMENTS_LABELS.evals, [hValue, dValue]);
  return { proof: { sumcheck: sc.proof, hValue, dValue }, claims: { h: { point: sc.point, value: hValue }, data: { point: embedPoint(spec, sc.point), value: dValue } } };
}

/** Verifies the selection of a claim on Y. @throws {LayerProofError} */
export function verifyGatherElements(params: { spec: GatherElementsSpec; claim: Claim; proof: GatherElementsProof; transcript: Transcript }): GatherElementsClaims {
  const { spec, claim, proof, transcript } = params;
  const g = gatherElementsGeometry(spec);
  checkClaim(claim, g.index.numVars, "GatherElements");
  absorbClaim(transcript, GATHER_ELEMENTS_LABELS.claim, claim);
  let sub;
  try {
    sub = verifySumcheck({ claim: claim.value, numVars: g.h.numVars, degree: 3, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`GatherElements selection: ${e.message}`);
    throw e;
  }
  const hValue = checkScalar(proof.hValue, "GatherElements: H value");
  const dValue = checkScalar(proof.dValue, "GatherElements: data value");
  transcript.absorbScalars(GATHER_ELEMENTS_LABELS.evals, [hValue, dValue]);
  const eq = eqEval(claim.point, sub.point.slice(g.jVars));
  if (Fr.mul(Fr.mul(eq, hValue), dValue) !== sub.expectedEvaluation) throw new LayerProofError("GatherElements selection: the final evaluation does not match");
  return { h: { point: sub.point, value: hValue }, data: { point: embedPoint(spec, sub.point), value: dValue } };
}
