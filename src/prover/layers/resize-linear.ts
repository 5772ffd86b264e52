/**
 * Linear Resize / Upsample (plan kind `resize-linear`) before its requantization: acc[o] = Σ_t W[o, t]·X[tap(o, t)]
 * with up to 2^A taps per output (A interpolated axes), tap t choosing, per interpolated axis, the lower index i0
 * or the upper i1 of the output coordinate, and W the executor's integer weights roundHalfAway(Π w_a·2^14)
 * (docs/quantization.md). The rounding of the product makes W not a product of per-axis factors, so the axes
 * from the first to the last interpolated one form ONE weighted selector group (sources: their output
 * coordinates and one plain-summed tap bit per interpolated axis; weight W), the others identity groups
 * (spec: docs/prover.md, "More layers: linear Resize"). Verifier work: O(Π_{group axes} out_a · 2^A).
 *
 * Transcript: absorb the claim | selector sum-check | X~(ρ).
 */
import * as Fr from "../../field/fr";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, splitPoint, type IntTensor } from "../tensor";
import { identityGroup, proveSelector, selectorEvalCost, verifySelector, type Selector, type SelectorGroup, type SelectorProof } from "./selector";

/** Transcript label of the step (the selector adds its own). */
export const RESIZE_LINEAR_LABELS = { claim: "resize-linear.claim" } as const;

/** One linear Resize, as plain data. */
export interface ResizeLinearSpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
  /** The interpolated axes, ascending (tap bit j of t belongs to axes[j]). */
  readonly axes: readonly number[];
  /** Per interpolated axis (same order): the lower and upper input index of every output coordinate. */
  readonly lower: readonly (readonly number[])[];
  readonly upper: readonly (readonly number[])[];
  /**
   * W[o, t], row-major over (the interpolated axes' output coordinates, in axis order; then t), t < 2^A: the
   * executor's integer weights.
   */
  readonly weights: readonly number[];
}

/** Validates a spec. @throws {LayoutError} */
export function checkResizeLinearSpec(spec: ResizeLinearSpec): void {
  const rank = spec.x.length;
  const fail = (msg: string): never => {
    throw new LayoutError(`linear resize x[${spec.x.join(", ")}]: ${msg}`);
  };
  if (spec.out.length !== rank) fail(`out has ${spec.out.length} entries for ${rank} axes`);
  if (spec.axes.length === 0 || spec.axes.some((a, j) => !Number.isInteger(a) || a < 0 || a >= rank || (j > 0 && a <= spec.axes[j - 1]))) fail(`bad axes [${spec.axes.join(", ")}]`);
  spec.x.forEach((d, a) => {
    if (!spec.axes.includes(a) && spec.out[a] !== d) fail(`axis ${a} is not interpolated but changes size`);
  });
  spec.axes.forEach((a, j) => {
    for (const list of [spec.lower[j], spec.upper[j]]) {
      if (!list || list.length !== spec.out[a] || list.some((i) => !Number.isInteger(i) || i < 0 || i >= spec.x[a])) fail(`tap indices of axis ${a} do not fit`);
    }
  });
  const count = spec.axes.reduce((p, a) => p * spec.out[a], 1) * 2 ** spec.axes.length;
  if (spec.weights.length !== count || spec.weights.some((w) => !Number.isSafeInteger(w))) fail(`${spec.weights.length} weights, expected ${count} integers`);
}

/** The exact accumulator, row-major over `out`. */
export function resizeLinearAcc(spec: ResizeLinearSpec, x: IntTensor): IntTensor {
  checkResizeLinearSpec(spec);
  const rank = spec.x.length;
  const xs = strides(spec.x);
  const size = spec.out.reduce((p, d) => p * d, 1);
  const taps = 2 ** spec.axes.length;
  const data = new Array<number>(size).fill(0);
  const o = new Array<number>(rank).fill(0);
  for (let f = 0; f < size; f++) {
    const wBase = weightRow(spec, o) * taps;
    for (let t = 0; t < taps; t++) {
      let at = 0;
      for (let a = 0; a < rank; a++) {
        const j = spec.axes.indexOf(a);
        at += (j < 0 ? o[a] : ((t >> j) & 1 ? spec.upper[j] : spec.lower[j])[o[a]]) * xs[a];
      }
      data[f] += spec.weights[wBase + t] * x.data[at];
    }
    for (let a = rank - 1; a >= 0; a--) {
      if (++o[a] < spec.out[a]) break;
      o[a] = 0;
    }
  }
  return { shape: [...spec.out], data };
}

/** The selector of a claim point on acc: identity groups outside [first, last] interpolated axis, one weighted group inside. */
export function resizeLinearSelector(spec: ResizeLinearSpec, point: readonly bigint[]): Selector {
  checkResizeLinearSpec(spec);
  const parts = splitPoint(layoutOf(spec.out), point);
  const first = spec.axes[0];
  const last = spec.axes[spec.axes.length - 1];
  const span = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const taps = spec.axes.length;
  const groups: SelectorGroup[] = [];
  for (let a = 0; a < first; a++) groups.push(identityGroup(a, spec.x[a], parts[a]));
  groups.push({
    axes: span,
    // Sources: the output coordinate of every axis of the span, then one summed tap bit per interpolated axis.
    sources: [...span.map((a) => ({ size: spec.out[a], point: parts[a] })), ...spec.axes.map(() => ({ size: 2, point: null }))],
    index: (src) =>
      span.map((a, i) => {
        const j = spec.axes.indexOf(a);
        return j < 0 ? src[i] : (src[span.length + j] ? spec.upper[j] : spec.lower[j])[src[i]];
      }),
    weight: (src) => {
      const o = new Array<number>(spec.x.length).fill(0);
      span.forEach((a, i) => (o[a] = src[i]));
      const t = spec.axes.reduce((acc, _, j) => acc + (src[span.length + j] << j), 0);
      return Fr.fromSigned(spec.weights[weightRow(spec, o) * 2 ** taps + t]);
    },
  });
  for (let a = last + 1; a < spec.x.length; a++) groups.push(identityGroup(a, spec.x[a], parts[a]));
  return { inShape: spec.x, groups };
}

/** Proves a claim on acc; returns the claim on X. */
export function proveResizeLinear(params: { spec: ResizeLinearSpec; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: SelectorProof; claim: Claim } {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "linear resize");
  absorbClaim(transcript, RESIZE_LINEAR_LABELS.claim, claim);
  return proveSelector({ selector: resizeLinearSelector(spec, claim.point), x: params.x, value: claim.value, transcript, what: "linear resize" });
}

/** Verifies a claim on acc; returns the claim on X. @throws {LayerProofError} */
export function verifyResizeLinear(params: { spec: ResizeLinearSpec; claim: Claim; proof: SelectorProof; transcript: Transcript }): Claim {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "linear resize");
  absorbClaim(transcript, RESIZE_LINEAR_LABELS.claim, claim);
  return verifySelector({ selector: resizeLinearSelector(spec, claim.point), value: claim.value, proof: params.proof, transcript, what: "linear resize" });
}

/** The verifier's selector multiplications (`selectorEvalCost`). */
export function resizeLinearSelectorCost(spec: ResizeLinearSpec): number {
  return selectorEvalCost(resizeLinearSelector(spec, new Array<bigint>(layoutOf(spec.out).numVars).fill(0n)));
}

/** Row of W for output multi-index o: its interpolated coordinates, row-major in axis order. */
function weightRow(spec: ResizeLinearSpec, o: readonly number[]): number {
  return spec.axes.reduce((acc, a) => acc * spec.out[a] + o[a], 0);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}
