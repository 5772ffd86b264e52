/**
 * One inference against a setup directory, as the CLI, the benchmarks and the corpus script do it: run the
 * model with integers on an input file, prove it (the engine in src/prover/graph), write or read the proof
 * file, verify it. Verification answers "valid" or "invalid: <reason>"; only unusable files throw.
 */
import { performance } from "node:perf_hooks";
import { readInputs } from "../model/input";
import type { Tensor } from "../model/ir";
import { quantizeInputs, runInteger, type IntegerTrace } from "../model/exec/integer";
import type { Srs } from "../pcs/srs";
import { proveInference, verifyInference, ProofFormatError, ProofRejectedError, ProverInputError, type InferenceStatement } from "../prover/graph";
import type { ProofFileContents } from "./proof-file";
import type { LoadedSetup } from "./setup-dir";
import { SetupDirError } from "./errors";
import { stageProgress } from "./stage-progress";

/** The zero address: the default prover when none is given (anyone may then claim the proof). */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;

/** A proved inference with its figures. */
export interface ProvedInference {
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
  readonly trace: IntegerTrace;
  /** proveInference only (the integer run is not included). */
  readonly proveMs: number;
  /** Process CPU time (all threads) of proveInference: steadier than wall time on a shared machine. */
  readonly proveCpuMs: number;
}

/** The verifier's answer on a proof file. */
export type Verdict = { readonly valid: true; readonly ms: number } | { readonly valid: false; readonly reason: string; readonly ms: number };

/**
 * Proves the model of `setup` on float inputs (quantized with the model's input scales). `onProgress` gets
 * one line per finished stage of the prover (witness, commit, arena, walk, opening) with its elapsed time.
 */
export function proveWithSetup(setup: LoadedSetup, srs: Srs, inputs: readonly Tensor[], prover: `0x${string}`, onProgress?: (line: string) => void): ProvedInference {
  if (!setup.pk) throw new SetupDirError(`${setup.dir}: loaded without its proving key`);
  const trace = runInteger(setup.model, quantizeInputs(setup.model, inputs));
  const cpu = process.cpuUsage();
  const start = performance.now();
  const progress = stageProgress(onProgress, start);
  const { statement, proof } = proveInference({ setup: setup.pk, model: setup.model, srs, trace, prover, onProgress: progress });
  const proveMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { statement, proof, trace, proveMs, proveCpuMs: (used.user + used.system) / 1000 };
}

/** Reads an input file for the setup's model (errors name the file, input and expected shape). */
export function readSetupInputs(setup: LoadedSetup, file: string): Tensor[] {
  return readInputs(file, setup.graph);
}

/**
 * Verifies a proof file's contents against a setup: the file must be for the setup's model (digest), bound
 * to `expectedProver` when given, and the proof must verify. Never throws for an invalid proof.
 */
export function verifyWithSetup(setup: LoadedSetup, file: ProofFileContents, expectedProver?: string): Verdict {
  const start = performance.now();
  const invalid = (reason: string): Verdict => ({ valid: false, reason, ms: performance.now() - start });
  if (file.digest !== setup.vk.digest) return invalid(`the proof is for model digest ${file.digest}, the setup's model is ${setup.vk.digest}`);
  if (expectedProver !== undefined && file.prover.toLowerCase() !== expectedProver.toLowerCase()) {
    return invalid(`the proof is bound to prover ${file.prover}, not ${expectedProver.toLowerCase()}`);
  }
  const statement: InferenceStatement = { digest: file.digest, prover: file.prover, input: file.input, output: file.output };
  try {
    verifyInference({ vk: setup.vk, model: setup.model, statement, proof: file.proof });
  } catch (error) {
    if (error instanceof ProofRejectedError) return invalid(error.reason);
    if (error instanceof ProofFormatError) return invalid(`proof stream: ${error.message}`);
    // Input / output bytes that do not fit the model's shapes or value ranges: not a statement about it.
    if (error instanceof ProverInputError) return invalid(error.message);
    throw error;
  }
  return { valid: true, ms: performance.now() - start };
}
