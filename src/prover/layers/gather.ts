/**
 * Any copy by a public element map (movement operators whose index parameters are constants: Trilu, Expand,
 * Tile, DepthToSpace, SpaceToDepth, Gather / GatherElements / GatherND with constant indices): output element o
 * copies input element map[o], or is 0 when map[o] = −1. A claim on Y at r is one selector sum-check over X with
 * ONE group over every input axis (sources: every output axis; index: the input multi-index of map[o]), so the
 * verifier pays O(output size) — the cost of evaluating a public tensor, as for a non-aligned Reshape (spec:
 * docs/prover.md, "More layers: gathers by a public map").
 *
 * Transcript: absorb the claim | selector sum-check | X~(ρ).
 */
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, splitPoint, type IntTensor } from "../tensor";
import { proveSelector, verifySelector, type Selector, type SelectorProof } from "./selector";

/** Transcript label of the step (the selector adds its own). */
export const GATHER_LABELS = { claim: "gather.claim" } as const;

/** A copy by a public map: map[o] is the row-major flat input index output o copies, or −1 (a zero). */
export interface GatherSpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
  readonly map: readonly number[];
}

/** Validates a spec. @throws {LayoutError} */
export function checkGatherSpec(spec: GatherSpec): void {
  const inSize = spec.x.reduce((p, d) => p * d, 1);
  const outSize = spec.out.reduce((p, d) => p * d, 1);
  if (spec.x.length === 0) throw new LayoutError("gather: the input must have at least one axis");
  if (spec.map.length !== outSize) throw new LayoutError(`gather: ${spec.map.length} map entries for ${outSize} outputs`);
  spec.map.forEach((i, o) => {
    if (!Number.isInteger(i) || i < -1 || i >= inSize) throw new LayoutError(`gather: output ${o} reads flat index ${i} outside [−1, ${inSize})`);
  });
}

/** The output (reference), row-major. */
export function gatherApply(spec: GatherSpec, x: IntTensor): IntTensor {
  checkGatherSpec(spec);
  return { shape: [...spec.out], data: spec.map.map((i) => (i < 0 ? 0 : x.data[i])) };
}

/** The selector of a claim point on the output. */
export function gatherSelector(spec: GatherSpec, point: readonly bigint[]): Selector {
  checkGatherSpec(spec);
  const parts = splitPoint(layoutOf(spec.out), point);
  const outStrides = strides(spec.out);
  const inStrides = strides(spec.x);
  return {
    inShape: spec.x,
    groups: [
      {
        axes: spec.x.map((_, a) => a),
        sources: spec.out.map((d, a) => ({ size: d, point: parts[a] })),
        index: (src) => {
          const i = spec.map[src.reduce((acc, o, a) => acc + o * outStrides[a], 0)];
          return i < 0 ? null : spec.x.map((d, a) => Math.floor(i / inStrides[a]) % d);
        },
      },
    ],
  };
}

/** Proves a claim on the output; returns the claim on X. */
export function proveGather(params: { spec: GatherSpec; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: SelectorProof; claim: Claim } {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "gather");
  absorbClaim(transcript, GATHER_LABELS.claim, claim);
  // A scalar input is proved as the one-element vector [1] (gatherNode's spec): the same MLE.
  const x = params.x.shape.length === 0 ? { shape: [1], data: params.x.data } : params.x;
  return proveSelector({ selector: gatherSelector(spec, claim.point), x, value: claim.value, transcript, what: "gather" });
}

/** Verifies a claim on the output; returns the claim on X. @throws {LayerProofError} */
export function verifyGather(params: { spec: GatherSpec; claim: Claim; proof: SelectorProof; transcript: Transcript }): Claim {
  const { spec, claim, transcript } = params;
  checkClaim(claim, layoutOf(spec.out).numVars, "gather");
  absorbClaim(transcript, GATHER_LABELS.claim, claim);
  return verifySelector({ selector: gatherSelector(spec, claim.point), value: claim.value, proof: params.proof, transcript, what: "gather" });
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}
