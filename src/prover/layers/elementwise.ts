/**
 * Element-wise layers as claim reductions.
 *
 * - Linear combination (Add/Sub with fixed-point multipliers, acc = qa·Ma + qb·Mb; Mul/Div by a constant,
 *   acc = q·M): the MLE is linear, so acc~(r) = Σ_i c_i·factor_i·op_i~(q_i) where q_i and factor_i come from
 *   broadcasting (../tensor.ts broadcastPoint; factor 1 without broadcasting). No sum-check: the prover sends
 *   op_i~(q_i) for every operand but the last, whose value the verifier derives from the claim.
 * - Hadamard product of two activations (acc = qa·qb): not linear, so one sum-check of degree 3,
 *       acc~(r) = Σ_x eq(r, x)·A(x)·B(x),
 *   with A, B the operands broadcast to the output; it ends with claims on both operands at the point ρ.
 *
 * Spec: docs/prover.md ("Element-wise layers").
 */
import * as Fr from "../../field/fr";
import { eqEval } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof, type SumcheckTable } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { broadcastPoint, broadcastTable, evaluateTensor, LayoutError, layoutOf, type IntTensor } from "../tensor";
import { integerTable } from "./fixed-table";

/** Transcript labels of the element-wise IOPs. */
export const ELEMENTWISE_LABELS = {
  linearClaim: "lincomb.claim",
  linearValues: "lincomb.values",
  hadamardClaim: "hadamard.claim",
  hadamardEvals: "hadamard.evals",
} as const;

/** One operand of a linear combination: its shape and public coefficient (canonical Fr; Fr.fromSigned(M)). */
export interface LinearOperand {
  readonly shape: readonly number[];
  readonly coeff: bigint;
}

/** The prover's values of every operand but the last. */
export interface LinearCombinationProof {
  readonly values: readonly bigint[];
}

/** Inputs of {@link proveLinearCombination}. */
export interface ProveLinearParameters {
  readonly outShape: readonly number[];
  readonly operands: readonly (LinearOperand & { readonly data: ArrayLike<number> })[];
  readonly claim: Claim;
  readonly transcript: Transcript;
}

/** Proves acc = Σ_i c_i·op_i (broadcast) at a claim; returns one claim per operand. */
export function proveLinearCombination(params: ProveLinearParameters): { proof: LinearCombinationProof; claims: Claim[] } {
  const { outShape, operands, claim, transcript } = params;
  const reductions = reduceOperands(outShape, operands, claim, "linear combination");
  absorbClaim(transcript, ELEMENTWISE_LABELS.linearClaim, claim);
  const values = operands.map((op, i) => evaluateTensor(layoutOf(op.shape), op.data, reductions[i].point));
  let total = 0n;
  values.forEach((v, i) => (total += operands[i].coeff * reductions[i].factor % Fr.MODULUS * v));
  if (Fr.reduce(total) !== claim.value) throw new LayerProofError("linear combination: the claim on the output is false");
  const sent = values.slice(0, -1);
  transcript.absorbScalars(ELEMENTWISE_LABELS.linearValues, sent);
  return { proof: { values: sent }, claims: values.map((value, i) => ({ point: reductions[i].point, value })) };
}

/** Inputs of {@link verifyLinearCombination}. */
export interface VerifyLinearParameters {
  readonly outShape: readonly number[];
  readonly operands: readonly LinearOperand[];
  readonly claim: Claim;
  readonly proof: LinearCombinationProof;
  readonly transcript: Transcript;
}

/**
 * Checks a linear-combination step and returns one claim per operand (the last one's value derived from the
 * claim). @throws {LayerProofError}
 */
export function verifyLinearCombination(params: VerifyLinearParameters): Claim[] {
  const { outShape, operands, claim, proof, transcript } = params;
  const reductions = reduceOperands(outShape, operands, claim, "linear combination");
  if (proof.values.length !== operands.length - 1) {
    throw new LayerProofError(`linear combination: ${proof.values.length} values, expected ${operands.length - 1}`);
  }
  const values = proof.values.map((v, i) => checkScalar(v, `linear combination: value ${i}`));
  absorbClaim(transcript, ELEMENTWISE_LABELS.linearClaim, claim);
  transcript.absorbScalars(ELEMENTWISE_LABELS.linearValues, values);
  let rest = claim.value;
  values.forEach((v, i) => (rest = Fr.sub(rest, Fr.mul(Fr.mul(operands[i].coeff, reductions[i].factor), v))));
  const last = operands.length - 1;
  const weight = Fr.mul(operands[last].coeff, reductions[last].factor);
  // weight = 0 only for a zero coefficient (refused below) or a point where the broadcast indicator vanishes
  // (probability ≤ bits/r over the claim's random point).
  if (weight === 0n) throw new LayerProofError("linear combination: the last operand has weight 0 at this point");
  const derived = Fr.mul(rest, Fr.inv(weight));
  return [...values, derived].map((value, i) => ({ point: reductions[i].point, value }));
}

/** Validates the operands and the claim; broadcast point and factor of each operand. */
function reduceOperands(outShape: readonly number[], operands: readonly LinearOperand[], claim: Claim, what: string) {
  if (operands.length === 0) throw new LayoutError(`${what}: no operands`);
  operands.forEach((op, i) => Fr.assertFr(op.coeff, `${what}: coefficient ${i}`));
  if (operands[operands.length - 1].coeff === 0n) throw new LayoutError(`${what}: the last operand's coefficient is 0 (drop the operand)`);
  checkClaim(claim, layoutOf(outShape).numVars, what);
  return operands.map((op) => broadcastPoint(outShape, op.shape, claim.point));
}

/** A Hadamard product proof: the sum-check and both operands' values. */
export interface HadamardProof {
  readonly sumcheck: SumcheckProof;
  readonly aValue: bigint;
  readonly bValue: bigint;
}

/** Inputs of {@link proveHadamard}. */
export interface ProveHadamardParameters {
  readonly outShape: readonly number[];
  readonly a: IntTensor;
  readonly b: IntTensor;
  readonly claim: Claim;
  readonly transcript: Transcript;
}

/** Proves acc = a ⊙ b (broadcasting) at a claim; returns claims on a and b. */
export function proveHadamard(params: ProveHadamardParameters): { proof: HadamardProof; claims: { a: Claim; b: Claim } } {
  const { outShape, a, b, claim, transcript } = params;
  const numVars = layoutOf(outShape).numVars;
  checkClaim(claim, numVars, "hadamard");
  absorbClaim(transcript, ELEMENTWISE_LABELS.hadamardClaim, claim);
  const tables = [operandTable(outShape, a, "hadamard operand a"), operandTable(outShape, b, "hadamard operand b")];
  const sc = provingTrueClaim("hadamard", () =>
    proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1], eqPoint: claim.point }], numVars, degree: 3, claim: claim.value, transcript }),
  );
  const pa = broadcastPoint(outShape, a.shape, sc.point);
  const pb = broadcastPoint(outShape, b.shape, sc.point);
  // An operand of the output's own shape is its table: its value is the sum-check's final evaluation.
  const aValue = sameShape(a.shape, outShape) ? sc.finalEvaluations[0] : evaluateTensor(layoutOf(a.shape), a.data, pa.point);
  const bValue = sameShape(b.shape, outShape) ? sc.finalEvaluations[1] : evaluateTensor(layoutOf(b.shape), b.data, pb.point);
  transcript.absorbScalars(ELEMENTWISE_LABELS.hadamardEvals, [aValue, bValue]);
  return { proof: { sumcheck: sc.proof, aValue, bValue }, claims: { a: { point: pa.point, value: aValue }, b: { point: pb.point, value: bValue } } };
}

/**
 * An operand's table over the output layout: broadcast as bigints, or, when it has the output's shape, its own
 * padded table (packed words when the native walk kernels take it: `integerTable`). The same values.
 */
function operandTable(outShape: readonly number[], operand: IntTensor, what: string): SumcheckTable {
  return sameShape(operand.shape, outShape) ? integerTable(layoutOf(outShape), operand.data, what) : broadcastTable(outShape, operand, what);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Inputs of {@link verifyHadamard}. */
export interface VerifyHadamardParameters {
  readonly outShape: readonly number[];
  readonly aShape: readonly number[];
  readonly bShape: readonly number[];
  readonly claim: Claim;
  readonly proof: HadamardProof;
  readonly transcript: Transcript;
}

/** Checks a Hadamard proof; returns the claims on a and b. @throws {LayerProofError} */
export function verifyHadamard(params: VerifyHadamardParameters): { a: Claim; b: Claim } {
  const { outShape, claim, proof, transcript } = params;
  const numVars = layoutOf(outShape).numVars;
  checkClaim(claim, numVars, "hadamard");
  absorbClaim(transcript, ELEMENTWISE_LABELS.hadamardClaim, claim);
  let sub;
  try {
    sub = verifySumcheck({ claim: claim.value, numVars, degree: 3, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`hadamard: ${e.message}`);
    throw e;
  }
  const aValue = checkScalar(proof.aValue, "hadamard: a value");
  const bValue = checkScalar(proof.bValue, "hadamard: b value");
  transcript.absorbScalars(ELEMENTWISE_LABELS.hadamardEvals, [aValue, bValue]);
  const pa = broadcastPoint(outShape, params.aShape, sub.point);
  const pb = broadcastPoint(outShape, params.bShape, sub.point);
  const expected = Fr.mul(Fr.mul(eqEval(claim.point, sub.point), Fr.mul(pa.factor, aValue)), Fr.mul(pb.factor, bValue));
  if (expected !== sub.expectedEvaluation) throw new LayerProofError("hadamard: a·b at the sum-check point does not match the final claim");
  return { a: { point: pa.point, value: aValue }, b: { point: pb.point, value: bValue } };
}
