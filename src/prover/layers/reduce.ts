/**
 * The accumulator of ReduceSum / ReduceMean / ReduceSumSquare (plan kind `reduce-sum`, before requantization):
 * acc[o] = Σ_k term(X[o, k]) over the reduced axes, term(q) = q or q² (spec: docs/prover.md, "More layers:
 * reductions"). A claim on acc at r (output layout, keepdims form: reduced axes have size 1 and own no
 * variables, so dropping them changes no point) becomes one claim on X:
 *
 *     acc~(r) = Σ_x S(x)·X(x)            (q:  degree 2, the selector sum-check of ./selector.ts)
 *     acc~(r) = Σ_x S(x)·X(x)²           (q²: degree 3)
 *
 * with S(x) = Π_{kept a} eq(r_a, x_a) · Π_{reduced a} [x_a < d_a] — a factorized selector whose reduced axes
 * are plain sums. The verifier evaluates S~(ρ) per axis (O(Σ_a d_a)). ReduceMean's 1/n is in the requant
 * multiplier. ReduceL1 (|q|) is not covered here.
 *
 * Transcript: absorb the acc claim | sum-check over X's variables | X~(ρ).
 */
import * as Fr from "../../field/fr";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, splitPoint, type IntTensor } from "../tensor";
import { integerTable } from "./fixed-table";
import { identityGroup, proveSelector, selectorEval, selectorSumcheckTable, verifySelector, type Selector } from "./selector";

/** Transcript labels of the reduction IOP. */
export const REDUCE_LABELS = { claim: "reduce.claim", eval: "reduce.eval" } as const;

/** What is summed: the value or its square. */
export type ReduceTerm = "value" | "square";

/** A sum over `axes` of X (shape `x`) of term(X). */
export interface ReduceSpec {
  readonly x: readonly number[];
  /** Reduced axes (any order, distinct, in [0, rank)). */
  readonly axes: readonly number[];
  readonly term: ReduceTerm;
}

/** The output shape in keepdims form (reduced axes of size 1). @throws {LayoutError} */
export function reduceOutShape(spec: ReduceSpec): number[] {
  const rank = spec.x.length;
  const set = new Set(spec.axes);
  if (set.size !== spec.axes.length || spec.axes.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) {
    throw new LayoutError(`reduce x[${spec.x.join(", ")}]: bad axes [${spec.axes.join(", ")}]`);
  }
  if (spec.term !== "value" && spec.term !== "square") throw new LayoutError(`reduce: unknown term "${String(spec.term)}"`);
  return spec.x.map((d, a) => (set.has(a) ? 1 : d));
}

/** The selector S of a claim point r on the output: kept axes weighted by eq(r_a, ·), reduced axes summed. */
export function reduceSelector(spec: ReduceSpec, point: readonly bigint[]): Selector {
  const out = reduceOutShape(spec);
  const parts = splitPoint(layoutOf(out), point);
  const set = new Set(spec.axes);
  return {
    inShape: spec.x,
    groups: spec.x.map((d, a) => (set.has(a) ? { axes: [a], sources: [{ size: d, point: null }], index: ([k]: readonly number[]) => [k] } : identityGroup(a, d, parts[a]))),
  };
}

/** The exact accumulator (row-major over the keepdims output shape). */
export function reduceAcc(spec: ReduceSpec, x: IntTensor): IntTensor {
  const out = reduceOutShape(spec);
  const rank = spec.x.length;
  const outStrides = rowMajor(out);
  const data = new Array<number>(out.reduce((p, d) => p * d, 1)).fill(0);
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < x.data.length; f++) {
    let o = 0;
    for (let a = 0; a < rank; a++) if (out[a] !== 1) o += idx[a] * outStrides[a];
    const v = x.data[f];
    data[o] += spec.term === "square" ? v * v : v;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < spec.x[a]) break;
      idx[a] = 0;
    }
  }
  return { shape: out, data };
}

/** The proof: the sum-check and X~(ρ). */
export interface ReduceProof {
  readonly sumcheck: SumcheckProof;
  readonly xValue: bigint;
}

/** Degree of the sum-check: 2 for a plain sum, 3 for squares. */
export function reduceDegree(spec: ReduceSpec): number {
  return spec.term === "square" ? 3 : 2;
}

/** Proves a claim on acc; returns the claim on X. @throws {LayerProofError} when the claim is false */
export function proveReduce(params: { spec: ReduceSpec; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: ReduceProof; claim: Claim } {
  const { spec, claim, transcript } = params;
  const selector = start(spec, claim, transcript);
  if (spec.term === "value") {
    const r = proveSelector({ selector, x: params.x, value: claim.value, transcript, what: "reduce" });
    return { proof: { sumcheck: r.proof.sumcheck, xValue: r.proof.xValue }, claim: r.claim };
  }
  const layout = layoutOf(spec.x);
  const tables = [integerTable(layout, params.x.data, "reduce input"), selectorSumcheckTable(selector)];
  const sc = provingTrueClaim("reduce", () =>
    proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 0, 1] }], numVars: layout.numVars, degree: 3, claim: claim.value, transcript }),
  );
  const xValue = sc.finalEvaluations[0];
  transcript.absorbScalars(REDUCE_LABELS.eval, [xValue]);
  return { proof: { sumcheck: sc.proof, xValue }, claim: { point: sc.point, value: xValue } };
}

/** Verifies a claim on acc; returns the claim on X. @throws {LayerProofError} */
export function verifyReduce(params: { spec: ReduceSpec; claim: Claim; proof: ReduceProof; transcript: Transcript }): Claim {
  const { spec, claim, proof, transcript } = params;
  const selector = start(spec, claim, transcript);
  if (spec.term === "value") return verifySelector({ selector, value: claim.value, proof, transcript, what: "reduce" });
  const n = layoutOf(spec.x).numVars;
  let sub;
  try {
    sub = verifySumcheck({ claim: claim.value, numVars: n, degree: 3, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`reduce: ${e.message}`);
    throw e;
  }
  const xValue = checkScalar(proof.xValue, "reduce: input value");
  transcript.absorbScalars(REDUCE_LABELS.eval, [xValue]);
  if (Fr.mul(Fr.square(xValue), selectorEval(selector, sub.point)) !== sub.expectedEvaluation) {
    throw new LayerProofError("reduce: input value squared times the selector does not match the final claim");
  }
  return { point: sub.point, value: xValue };
}

/** Calldata words of the proof: the sum-check (degree d per round) and X~. */
export function reduceWords(spec: ReduceSpec): number {
  return reduceDegree(spec) * layoutOf(spec.x).numVars + 1;
}

function start(spec: ReduceSpec, claim: Claim, transcript: Transcript): Selector {
  checkClaim(claim, layoutOf(reduceOutShape(spec)).numVars, "reduce");
  absorbClaim(transcript, REDUCE_LABELS.claim, claim);
  return reduceSelector(spec, claim.point);
}

function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}
