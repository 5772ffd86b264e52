/**
 * The reference verifier: `executePlan(plan, statement, proof)` runs a {@link VerifierPlan} on a statement and
 * the proof bytes, in exactly the prover's transcript order, reading every message through a
 * {@link ProofReader}; `verifyInference` compiles the plan from the verifying key and the model first. Either
 * returns nothing or throws {@link ProofRejectedError} naming the step that failed.
 */
import { G1, type G1Point } from "../../curve/bn254";
import { arenaChunkCommitments } from "../../lookup/arena-types";
import { absorbChunked, checkChunkBits, chunkCount } from "../../pcs/chunked";
import { readArenaProof } from "../../lookup/arena-encoding";
import { verifyArena } from "../../lookup/arena";
import type { QuantizedModel } from "../../model/quant/quantize";
import { assertValidBatchOpening, batchOpeningShape, BatchOpeningError } from "../../pcs/batch";
import { HyperKzgError } from "../../pcs/hyperkzg";
import { SumcheckError } from "../../sumcheck";
import { Transcript } from "../../transcript";
import { LayerProofError } from "../claims";
import { parseG1, parseG2, type VerifyingKey } from "../keys";
import { LayoutError } from "../tensor";
import { chunkedOpening } from "./chunks";
import { ProofRejectedError, ProverInputError } from "./errors";
import { handlerOf, type VerifyContext } from "./nodes";
import type { VerifierPlan } from "./plan";
import { absorbStatement, checkStatement, INFERENCE_LABELS, unpackTensors, type InferenceStatement } from "./statement";
import { ProofFormatError, ProofReader } from "./stream";
import { verifierPlan } from "./verifier-plan";
import { verifyPublicInputs } from "./public-claims";
import { verifyRequants } from "./requant-batch";
import { ClaimBook, openingClaims, outputClaims, stepName, walkContext } from "./walk";

/** Inputs of {@link verifyInference}. */
export interface VerifyInferenceParameters {
  readonly vk: VerifyingKey;
  /** The quantized model re-derived from the setup directory; must hash to `vk.digest`. */
  readonly model: QuantizedModel;
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
}

/** Verifies one inference proof. @throws {ProofRejectedError} with the reason */
export function verifyInference(params: VerifyInferenceParameters): void {
  executePlan(verifierPlan(params.vk, params.model), params.statement, params.proof);
}

/** Runs a verifier plan. @throws {ProofRejectedError} naming the failing step */
export function executePlan(plan: VerifierPlan, statement: InferenceStatement, proof: Uint8Array): void {
  const { inputs, outputs } = checkPublic(plan, statement);
  const transcript = new Transcript(INFERENCE_LABELS.domain);
  absorbStatement(transcript, statement);
  const reader = new ProofReader(proof);

  step("plan", () => checkChunkBits(plan.chunkBits, "plan: chunkBits"));
  // Per committed polynomial (W, A, M, H): its commitment, or its chunks' (src/pcs/chunked.ts).
  const committed: (readonly G1Point[])[] = [[parseG1(plan.commitment, "plan: W commitment")]];
  if (plan.advice) {
    const advice = plan.advice;
    const a = step("advice commitment", () => {
      const count = chunkCount(advice.numVars, plan.chunkBits);
      return count === 1 ? [reader.point("advice commitment A")] : reader.points(count, "advice commitment A chunk");
    });
    absorbChunked(transcript, INFERENCE_LABELS.advice, a);
    committed.push(a);
  }
  const arenaProof = step("arena", () => readArenaProof(plan.arena, reader, plan.chunkBits));
  const arena = step("arena", () => verifyArena({ shape: plan.arena, proof: arenaProof, transcript }));
  if (arenaProof) committed.push(arenaChunkCommitments(arenaProof).M, arenaChunkCommitments(arenaProof).H);

  const book = new ClaimBook(plan);
  step("arena", () => book.addArena(arena));
  step("requantizations", () => verifyRequants(plan, book, transcript, reader));
  outputClaims(plan, outputs, transcript, book);
  for (const s of plan.nodes) {
    step(stepName(s), () => {
      const ctx: VerifyContext = { ...walkContext(book, transcript, s), reader };
      handlerOf(s).verify(s, ctx);
    });
  }
  step("graph inputs", () => verifyPublicInputs(plan, inputs, book, transcript, reader));

  step("batch opening", () => {
    const { commitments, claims } = chunkedOpening(plan, committed, openingClaims(plan, book));
    if (claims.length === 0) return reader.finish();
    const shape = batchOpeningShape(claims, commitments.length);
    const sumcheck = shape.hasSumcheck ? reader.sumcheck(shape.numVars, 2, "batch opening") : null;
    const l = Math.max(shape.numVars, 1);
    const folds = reader.points(l - 1, "batch opening fold commitments");
    const evals = reader.scalars(2 * l + 1, "batch opening evaluations");
    const w = reader.point("batch opening W");
    const wPrime = reader.point("batch opening W'");
    reader.finish();
    const vk = { g1: G1.BASE, g2: parseG2(plan.g2, "plan: g2"), tauG2: parseG2(plan.tauG2, "plan: tauG2") };
    assertValidBatchOpening({ vk, commitments, claims, proof: { sumcheck, opening: { folds, evals, w, wPrime } }, transcript });
  });
}

/**
 * Checks the statement against the plan and unpacks its tensors: every input value must lie in its declared range
 * (a clamped input's b bits, a bool input's 0 or 1 — the values the model's arithmetic relies on; a width wider
 * than the range admits others), a constant output must be the model's.
 */
function checkPublic(plan: VerifierPlan, statement: InferenceStatement) {
  return step("statement", () => {
    checkStatement(statement);
    if (statement.digest !== plan.digest) throw new ProofRejectedError(`statement: digest ${statement.digest} is not the model's ${plan.digest}`);
    const inputs = unpackTensors(statement.input, plan.inputs);
    const outputs = unpackTensors(statement.output, plan.outputs);
    plan.inputs.forEach((inp, i) => {
      const bad = inputs[i].data.findIndex((v) => v < inp.lo || v > inp.hi);
      if (bad >= 0) throw new ProofRejectedError(`statement: input "${inp.name}"[${bad}] = ${inputs[i].data[bad]} is outside its range [${inp.lo}, ${inp.hi}]`);
    });
    plan.outputs.forEach((o, i) => {
      if (o.constant && o.constant.some((v, k) => v !== outputs[i].data[k])) throw new ProofRejectedError(`statement: constant output "${o.name}" differs from the model's`);
    });
    return { inputs, outputs };
  });
}

/** Runs one verifier step, turning every rejection of untrusted data into a {@link ProofRejectedError}. */
function step<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ProofRejectedError) {
      if (e.reason.startsWith(what)) throw e;
      throw new ProofRejectedError(`${what}: ${e.reason}`);
    }
    if (isRejection(e)) throw new ProofRejectedError(`${what}: ${(e as Error).message}`);
    throw e;
  }
}

function isRejection(e: unknown): boolean {
  return (
    e instanceof ProofFormatError ||
    e instanceof LayerProofError ||
    e instanceof SumcheckError ||
    e instanceof BatchOpeningError ||
    e instanceof HyperKzgError ||
    e instanceof LayoutError ||
    e instanceof ProverInputError ||
    e instanceof RangeError ||
    (e instanceof Error && (e.name === "ArenaError" || e.name === "LookupError" || e.name === "KeyFileError"))
  );
}
