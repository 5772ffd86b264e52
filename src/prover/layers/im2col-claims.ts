/**
 * The claim plumbing Conv (./conv.ts) and ConvTranspose (./conv-transpose.ts) share. Both prove a claim on the
 * accumulator acc[n, m, o] = Σ_{c, k} U[n, o, c, k]·W[…] (+ bias[m]) the same way: absorb the claim, take the
 * bias out of it (one sent value), run the U·W sum-check, absorb u and w, and hand U's claim to a selector.
 * Only the index map behind U differs, so that part stays in each layer; what is here is the part both would
 * otherwise write twice. Every transcript label is the caller's: the bytes are the layer's own.
 */
import * as Fr from "../../field/fr";
import { SumcheckError, verifySumcheck, type SumcheckProof, type SumcheckSubclaim } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, type Claim } from "../claims";
import { broadcastPoint, evaluateTensor, LayoutError, layoutOf, splitPoint, type IntTensor, type TensorLayout } from "../tensor";

/** Transcript labels of one im2col-style layer: the claim, the bias value, and the (u, w) pair. */
export interface Im2colLabels {
  readonly claim: string;
  readonly bias: string;
  readonly evals: string;
}

/** A claim on the accumulator, opened: its point split by output axis, the bias-free target, the bias claim. */
export interface OpenedAccClaim {
  /** The claim point split by the output layout's axes (n, m, spatial…). */
  readonly parts: bigint[][];
  /** The claimed value minus factor·bias~(r_m): what Σ U·W must equal. */
  readonly target: bigint;
  readonly bias: Claim | null;
}

/** What opening a claim needs: the layer's name (for messages), labels, output layout and bias shape. */
export interface AccClaimContext {
  readonly name: string;
  readonly labels: Im2colLabels;
  readonly out: TensorLayout;
  /** The bias shape broadcast to the output ([M, 1, …]), or null without a bias. */
  readonly biasShape: readonly number[] | null;
  readonly claim: Claim;
  readonly transcript: Transcript;
}

/** Prover: checks and absorbs the claim, evaluates the bias at its broadcast point and takes it out. */
export function proveAccClaim(ctx: AccClaimContext, bias: IntTensor | undefined): OpenedAccClaim {
  const { claim, transcript } = ctx;
  checkClaim(claim, ctx.out.numVars, ctx.name);
  absorbClaim(transcript, ctx.labels.claim, claim);
  const parts = splitPoint(ctx.out, claim.point);
  if (!bias) return { parts, target: claim.value, bias: null };
  const b = broadcastPoint(ctx.out.shape, ctx.biasShape!, claim.point);
  const value = evaluateTensor(layoutOf(bias.shape), bias.data, b.point);
  transcript.absorbScalars(ctx.labels.bias, [value]);
  return { parts, target: Fr.sub(claim.value, Fr.mul(b.factor, value)), bias: { point: b.point, value } };
}

/** Verifier: the same, with the bias value read from the proof (present exactly when the layer has a bias). */
export function verifyAccClaim(ctx: AccClaimContext, biasValue: bigint | null): OpenedAccClaim {
  const { claim, transcript, name } = ctx;
  checkClaim(claim, ctx.out.numVars, name);
  absorbClaim(transcript, ctx.labels.claim, claim);
  const parts = splitPoint(ctx.out, claim.point);
  if (!ctx.biasShape) {
    if (biasValue !== null) throw new LayerProofError(`${name}: unexpected bias value (the layer has no bias)`);
    return { parts, target: claim.value, bias: null };
  }
  if (biasValue === null) throw new LayerProofError(`${name}: the bias value is missing`);
  const value = checkScalar(biasValue, `${name}: bias value`);
  const b = broadcastPoint(ctx.out.shape, ctx.biasShape, claim.point);
  transcript.absorbScalars(ctx.labels.bias, [value]);
  return { parts, target: Fr.sub(claim.value, Fr.mul(b.factor, value)), bias: { point: b.point, value } };
}

/** The U·W sum-check's proof part and the two values it ends in. */
export interface ProductProof {
  readonly sumcheck: SumcheckProof;
  readonly uValue: bigint;
  readonly wValue: bigint;
}

/**
 * Verifier: runs the U·W sum-check on `target`, then checks and absorbs u and w. The caller compares the
 * product (times any eq factor of its own) with `sub.expectedEvaluation`.
 */
export function verifyProductSumcheck(
  name: string,
  evalsLabel: string,
  proof: ProductProof,
  target: bigint,
  shape: { numVars: number; degree: number },
  transcript: Transcript,
): { sub: SumcheckSubclaim; uValue: bigint; wValue: bigint } {
  let sub;
  try {
    sub = verifySumcheck({ claim: target, numVars: shape.numVars, degree: shape.degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`${name}: ${e.message}`);
    throw e;
  }
  const uValue = checkScalar(proof.uValue, `${name}: U value`);
  const wValue = checkScalar(proof.wValue, `${name}: W value`);
  transcript.absorbScalars(evalsLabel, [uValue, wValue]);
  return { sub, uValue, wValue };
}

/** Throws a LayoutError naming the layer and operand unless `t` has exactly `shape`. */
export function expectShape(name: string, t: IntTensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new LayoutError(`${name}: ${what} has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
  }
}

/** Row-major increment of a multi-index within `shape` (wraps to all zeros after the last index). */
export function stepIndex(idx: number[], shape: readonly number[]): void {
  for (let a = idx.length - 1; a >= 0; a--) {
    if (++idx[a] < shape[a]) return;
    idx[a] = 0;
  }
}
