/**
 * Concat along one axis as k selector reductions (./selector.ts). With S_j the selector of input j (identity
 * off the axis; on the axis, output index o reads input index o − offset_j),
 *
 *     Y~(r) = Σ_j Σ_x X_j(x)·S_j(x):
 *
 * the prover sends the parts v_j for j < k − 1 (the verifier sets the last to the claim minus their sum), then
 * one selector reduction per input in order, each handing on one claim. Spec: docs/prover.md ("Re-indexing
 * layers").
 */
import * as Fr from "../../field/fr";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, type Claim } from "../claims";
import { LayoutError, layoutOf, paddedTable, splitPoint, type IntTensor } from "../tensor";
import { REINDEX_LABELS } from "./reindex";
import { identityGroup, mapGroup, proveSelector, selectorTable, verifySelector, type Selector, type SelectorProof } from "./selector";

/** Transcript label of the Concat parts (the claim itself is absorbed as "reindex.claim"). */
export const CONCAT_LABELS = { parts: "concat.parts" } as const;

/** Concat of inputs of `inShapes` along `axis` (all other axes equal). */
export interface ConcatSpec {
  readonly inShapes: readonly (readonly number[])[];
  readonly axis: number;
}

/** A Concat proof: the parts v_0 … v_{k−2} and one selector proof per input. */
export interface ConcatProof {
  readonly parts: readonly bigint[];
  readonly inputs: readonly SelectorProof[];
}

/** The output shape of a Concat (validating the spec). */
export function concatOutShape(spec: ConcatSpec): number[] {
  const { inShapes, axis } = spec;
  if (inShapes.length === 0) throw new LayoutError("concat: no inputs");
  const rank = inShapes[0].length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new LayoutError(`concat: axis ${axis} out of range for rank ${rank}`);
  inShapes.forEach((s, j) => {
    if (s.length !== rank || s.some((d, a) => a !== axis && d !== inShapes[0][a])) {
      throw new LayoutError(`concat: input ${j} has shape [${s.join(", ")}], which does not concatenate with [${inShapes[0].join(", ")}] along axis ${axis}`);
    }
  });
  const out = [...inShapes[0]];
  out[axis] = inShapes.reduce((acc, s) => acc + s[axis], 0);
  return out;
}

/** The selector of Concat input j at an output point. */
export function concatSelector(spec: ConcatSpec, j: number, point: readonly bigint[]): Selector {
  const outShape = concatOutShape(spec);
  const parts = splitPoint(layoutOf(outShape), point);
  const offset = spec.inShapes.slice(0, j).reduce((acc, s) => acc + s[spec.axis], 0);
  const x = spec.inShapes[j];
  return { inShape: x, groups: x.map((d, a) => (a === spec.axis ? mapGroup(a, outShape[a], parts[a], (o) => o - offset, d) : identityGroup(a, d, parts[a]))) };
}

/** Proves a claim on a Concat's output; returns one claim per input. */
export function proveConcat(params: { spec: ConcatSpec; inputs: readonly IntTensor[]; claim: Claim; transcript: Transcript }): { proof: ConcatProof; claims: Claim[] } {
  const { spec, inputs, claim, transcript } = params;
  checkClaim(claim, layoutOf(concatOutShape(spec)).numVars, "concat");
  if (inputs.length !== spec.inShapes.length) throw new LayoutError(`concat: ${inputs.length} inputs for ${spec.inShapes.length} shapes`);
  absorbClaim(transcript, REINDEX_LABELS.claim, claim);
  const selectors = spec.inShapes.map((_, j) => concatSelector(spec, j, claim.point));
  const values = selectors.map((sel, j) => Fr.innerProduct(paddedTable(layoutOf(sel.inShape), inputs[j].data, `concat input ${j}`), selectorTable(sel)));
  if (values.reduce(Fr.add, 0n) !== claim.value) throw new LayerProofError("concat: the claim on the output is false");
  const parts = values.slice(0, -1);
  transcript.absorbScalars(CONCAT_LABELS.parts, parts);
  const proved = selectors.map((selector, j) => proveSelector({ selector, x: inputs[j], value: values[j], transcript, what: `concat input ${j}` }));
  return { proof: { parts, inputs: proved.map((p) => p.proof) }, claims: proved.map((p) => p.claim) };
}

/** Verifies a Concat step; returns one claim per input. @throws {LayerProofError} */
export function verifyConcat(params: { spec: ConcatSpec; claim: Claim; proof: ConcatProof; transcript: Transcript }): Claim[] {
  const { spec, claim, proof, transcript } = params;
  const k = spec.inShapes.length;
  checkClaim(claim, layoutOf(concatOutShape(spec)).numVars, "concat");
  if (proof.parts.length !== k - 1 || proof.inputs.length !== k) {
    throw new LayerProofError(`concat: ${proof.parts.length} parts and ${proof.inputs.length} input proofs, expected ${k - 1} and ${k}`);
  }
  const parts = proof.parts.map((v, j) => checkScalar(v, `concat: part ${j}`));
  absorbClaim(transcript, REINDEX_LABELS.claim, claim);
  transcript.absorbScalars(CONCAT_LABELS.parts, parts);
  const values = [...parts, Fr.sub(claim.value, parts.reduce(Fr.add, 0n))];
  return values.map((value, j) =>
    verifySelector({ selector: concatSelector(spec, j, claim.point), value, proof: proof.inputs[j], transcript, what: `concat input ${j}` }),
  );
}
