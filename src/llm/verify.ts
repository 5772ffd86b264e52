/**
 * Verifying a generation proof file against an LLM setup: the file must carry the generation split (container
 * version 2), be for the setup's model, its graph statement must spell exactly prompt ‖ generated (readGeneration)
 * and the proof must verify. Answers valid (with the certified token ids) or invalid with the reason; only
 * unusable files throw.
 */
import { performance } from "node:perf_hooks";
import type { ProofFileContents } from "../artifacts/proof-file";
import { ProofFormatError, ProofRejectedError, ProverInputError, verifyInference } from "../prover/graph";
import type { LoadedLlmSetup } from "./setup";
import { GenerationStatementError, readGeneration, type GenerationStatement } from "./statement";

/** The verifier's answer. */
export type GenerationVerdict =
  | { readonly valid: true; readonly ms: number; readonly statement: GenerationStatement }
  | { readonly valid: false; readonly reason: string; readonly ms: number };

/** Verifies a generation proof file; never throws for an invalid proof. */
export function verifyGeneration(setup: LoadedLlmSetup, file: ProofFileContents, expectedProver?: string): GenerationVerdict {
  const start = performance.now();
  const invalid = (reason: string): GenerationVerdict => ({ valid: false, reason, ms: performance.now() - start });
  if (!file.generation) return invalid("not a generation proof (the file has no generation field: container version 1)");
  if (file.digest !== setup.vk.digest) return invalid(`the proof is for model digest ${file.digest}, the setup's model is ${setup.vk.digest}`);
  if (expectedProver !== undefined && file.prover.toLowerCase() !== expectedProver.toLowerCase()) {
    return invalid(`the proof is bound to prover ${file.prover}, not ${expectedProver.toLowerCase()}`);
  }
  let statement: GenerationStatement;
  try {
    statement = readGeneration(file.input, file.output, file.generation, setup.manifest.context);
  } catch (error) {
    if (error instanceof GenerationStatementError) return invalid(`generation statement: ${error.message}`);
    throw error;
  }
  try {
    verifyInference({ vk: setup.vk, model: setup.q.model, statement: { digest: file.digest, prover: file.prover, input: file.input, output: file.output }, proof: file.proof });
  } catch (error) {
    if (error instanceof ProofRejectedError) return invalid(error.reason);
    if (error instanceof ProofFormatError) return invalid(`proof stream: ${error.message}`);
    if (error instanceof ProverInputError) return invalid(error.message);
    throw error;
  }
  return { valid: true, ms: performance.now() - start, statement };
}
