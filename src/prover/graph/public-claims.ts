/**
 * The graph inputs' claims, after the walk (docs/prover.md, "Graph-input claims"): every claim left on a graph
 * input is checked by the verifier against the public input bytes, which costs one evaluation of the input's MLE
 * — O(n) for n values — per claim. A tensor read by several nodes (self-attention's X by the Q, K and V
 * projections; a tree ensemble's features by every tree) carries several claims, so when it pays, its claims are
 * first merged into one by the walk's claim merge (`layers/merge.ts`, O(log n) rounds) and the input is
 * evaluated once, at the merged point.
 *
 * Whether an input's claims are merged is fixed by the plan — the input's size and how many claims the walk leaves
 * on it ({@link mergesPublicClaims}) — and the merge sends nothing when the points coincide. The on-chain program
 * follows the same decision, taken by the compiler: TAKE, MERGEMANY when merged, INPUT (ModelVerifierOps._input:
 * every claim in the register checked).
 */
import type { Transcript } from "../../transcript";
import { evaluateTensor, layoutOf, type IntTensor } from "../tensor";
import { ProofRejectedError } from "./errors";
import { proveMergedClaim, verifyMergedClaim } from "./nodes/merge-claims";
import type { VerifierPlan } from "./plan";
import type { ProofReader, ProofWriter } from "./stream";
import type { ClaimBook } from "./walk";

/**
 * On-chain gas of checking claims on a public tensor, the terms {@link mergesPublicClaims} weighs, fitted to
 * scripts/gas-profile.ts on self_attention, large_op_graph and xgboost and the merge's layer twin (docs/verifier-gen.md,
 * "Session 7 (PT)"). An evaluation: the DELEGATECALL to ModelVerifierPcs.publicTensor with the statement bytes
 * ABI-copied into it, the eq tables, one pass over the values (≈ 8k fixed on small tensors, more at rank 4). A
 * merge: the MERGEMANY instruction and the challenge (fixed, with the merged value's calldata word), per degree-2
 * round the replay and its two proof words' calldata (2 × 512), per claim its absorb, the hash of its point (to
 * compare the points) and eq(p_i, ρ) (per coordinate).
 */
export const PUBLIC_CLAIM_GAS = {
  evaluation: 8_000,
  evaluationValue: 60,
  mergeFixed: 11_500,
  mergeRound: 2_100,
  mergeClaim: 1_500,
  mergeClaimVar: 100,
} as const;

/**
 * True when the `claims` claims on a public tensor of shape `shape` are merged into one before it is evaluated:
 * when the merge costs less gas than the evaluations it saves (k − 1 of them). Fixed by the plan (the shape, and the
 * claim count the walk leaves on the tensor), so prover, verifier and the on-chain program agree.
 */
export function mergesPublicClaims(shape: readonly number[], claims: number): boolean {
  if (claims < 2) return false;
  const g = PUBLIC_CLAIM_GAS;
  const values = shape.reduce((p, d) => p * d, 1);
  const vars = layoutOf(shape).numVars;
  const saved = (claims - 1) * (g.evaluation + g.evaluationValue * values);
  const cost = g.mergeFixed + g.mergeRound * vars + claims * (g.mergeClaim + g.mergeClaimVar * vars);
  return saved > cost;
}

/** Prover: for each graph input in order, its claims merged when {@link mergesPublicClaims} (the merge's messages written). */
export function provePublicInputs(plan: VerifierPlan, book: ClaimBook, transcript: Transcript, writer: ProofWriter, value: (name: string) => IntTensor): void {
  for (const inp of plan.inputs) {
    const claims = book.take(inp.name);
    if (mergesPublicClaims(inp.shape, claims.length)) proveMergedClaim({ transcript, writer, value }, inp.name, inp.shape, claims);
  }
}

/**
 * Verifier: for each graph input in order, its claims (merged when {@link mergesPublicClaims}) checked against
 * the public input; then refuses claims left anywhere else.
 * @throws {ProofRejectedError}
 */
export function verifyPublicInputs(
  plan: VerifierPlan,
  inputs: readonly { readonly data: ArrayLike<number> }[],
  book: ClaimBook,
  transcript: Transcript,
  reader: ProofReader,
): void {
  plan.inputs.forEach((inp, i) => {
    let claims = book.take(inp.name);
    const what = `input "${inp.name}"`;
    if (mergesPublicClaims(inp.shape, claims.length)) claims = [verifyMergedClaim({ transcript, reader }, inp.shape, claims, what)];
    for (const c of claims) {
      if (evaluateTensor(layoutOf(inp.shape), inputs[i].data, c.point) !== c.value) {
        throw new ProofRejectedError(`${what}: a claim does not match the public input`);
      }
    }
  });
  const left = book.pending();
  if (left.length > 0) throw new ProofRejectedError(`claims on ${left.map((t) => `"${t}"`).join(", ")} have no producer (the model's graph is not closed)`);
}
