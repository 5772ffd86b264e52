/**
 * Nearest-neighbour Resize / Upsample (plan kind `movement`) as a factorized selector (./selector.ts): output
 * coordinate o on axis a reads input index map_a[o] (the executor's rounding and coordinate transform, read off
 * by ./resize-spec.ts), so Y[o] = X[map_0[o_0], …, map_{R−1}[o_{R−1}]] and a claim on Y at r is
 *
 *     Y~(r) = Σ_x X(x)·Π_a T_a(x_a),    T_a(i) = Σ_{o : map_a[o] = i} eq(r_a, o)
 *
 * one sum-check of degree 2 over X's variables; the verifier builds each T_a in O(out_a) (spec: docs/prover.md,
 * "More layers: Resize").
 *
 * Transcript: absorb the claim | selector sum-check | X~(ρ).
 */
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, splitPoint, type IntTensor } from "../tensor";
import { mapGroup, proveSelector, verifySelector, type Selector, type SelectorProof } from "./selector";

/** Transcript label of the Resize IOP (the selector adds its own). */
export const RESIZE_LABELS = { claim: "resize.claim" } as const;

/** A nearest Resize: input and output shapes and, per axis, the input index of every output index. */
export interface ResizeSpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
  /** maps[a][o] ∈ [0, x[a]) for o < out[a]. */
  readonly maps: readonly (readonly number[])[];
}

/** Validates a spec. @throws {LayoutError} */
export function checkResizeSpec(spec: ResizeSpec): void {
  const rank = spec.x.length;
  if (spec.out.length !== rank || spec.maps.length !== rank) throw new LayoutError(`resize x[${spec.x.join(", ")}]: out and maps need ${rank} entries`);
  spec.maps.forEach((m, a) => {
    if (m.length !== spec.out[a]) throw new LayoutError(`resize axis ${a}: ${m.length} map entries for ${spec.out[a]} outputs`);
    m.forEach((i, o) => {
      if (!Number.isInteger(i) || i < 0 || i >= spec.x[a]) throw new LayoutError(`resize axis ${a}: output ${o} reads index ${i} outside [0, ${spec.x[a]})`);
    });
  });
}

/** The selector of a claim point on the output: one map group per axis. */
export function resizeSelector(spec: ResizeSpec, point: readonly bigint[]): Selector {
  checkResizeSpec(spec);
  const parts = splitPoint(layoutOf(spec.out), point);
  return { inShape: spec.x, groups: spec.x.map((d, a) => mapGroup(a, spec.out[a], parts[a], (o) => spec.maps[a][o], d)) };
}

/** The output (reference): Y[o] = X[map(o)], row-major. */
export function resizeApply(spec: ResizeSpec, x: IntTensor): IntTensor {
  checkResizeSpec(spec);
  const rank = spec.x.length;
  const xs = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) xs[a] = xs[a + 1] * spec.x[a + 1];
  const size = spec.out.reduce((p, d) => p * d, 1);
  const data = new Array<number>(size);
  const o = new Array<number>(rank).fill(0);
  for (let f = 0; f < size; f++) {
    data[f] = x.data[o.reduce((acc, v, a) => acc + spec.maps[a][v] * xs[a], 0)];
    for (let a = rank - 1; a >= 0; a--) {
      if (++o[a] < spec.out[a]) break;
      o[a] = 0;
    }
  }
  return { shape: [...spec.out], data };
}

/** Proves a claim on the output; returns the claim on X. */
export function proveResize(params: { spec: ResizeSpec; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: SelectorProof; claim: Claim } {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "resize");
  absorbClaim(transcript, RESIZE_LABELS.claim, claim);
  return proveSelector({ selector: resizeSelector(spec, claim.point), x: params.x, value: claim.value, transcript, what: "resize" });
}

/** Verifies a claim on the output; returns the claim on X. @throws {LayerProofError} */
export function verifyResize(params: { spec: ResizeSpec; claim: Claim; proof: SelectorProof; transcript: Transcript }): Claim {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "resize");
  absorbClaim(transcript, RESIZE_LABELS.claim, claim);
  return verifySelector({ selector: resizeSelector(spec, claim.point), value: claim.value, proof: params.proof, transcript, what: "resize" });
}
