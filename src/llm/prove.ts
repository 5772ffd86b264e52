/**
 * Proving a generation: greedy decoding with the KV-cache session (unproved, fast), then ONE proof of the
 * whole-sequence forward pass over prompt ‖ generated[0..N−2] whose public output — the argmax of every
 * row — certifies every generated token (docs/gguf.md, "Proved generation").
 */
import { performance } from "node:perf_hooks";
import type { ProofFileContents } from "../artifacts/proof-file";
import { stageProgress } from "../artifacts/stage-progress";
import { greedy, type Generation } from "../model/gguf/generate";
import { LlamaSession } from "../model/gguf/llama-session";
import { runInteger } from "../model/exec/integer";
import { tensor } from "../model/ir";
import type { Srs } from "../pcs/srs";
import { proveInference, ProverInputError } from "../prover/graph";
import type { LoadedLlmSetup } from "./setup";
import { PAD_TOKEN } from "./model";
import { generationInput, provedSequence, type GenerationStatement } from "./statement";

/** Most tokens a setup can generate after a prompt of `promptTokens` (the proved sequence must fit C). */
export function maxGeneratedTokens(setup: LoadedLlmSetup, promptTokens: number): number {
  return setup.manifest.context - promptTokens + 1;
}

/**
 * Greedy generation of up to `count` tokens with the quantized generation model (KV cache); stops after EOS.
 * @throws {RangeError} when prompt and count do not fit the setup's context
 */
export function generateTokens(setup: LoadedLlmSetup, promptIds: readonly number[], count: number): Generation {
  const max = maxGeneratedTokens(setup, promptIds.length);
  if (count > max) throw new RangeError(`a prompt of ${promptIds.length} tokens leaves room for ${Math.max(0, max)} generated tokens in the setup's context of ${setup.manifest.context} (asked for ${count}); make a setup with a larger --context`);
  const session = new LlamaSession(setup.q);
  return greedy((t) => session.step(t), promptIds, count, setup.llama.tokenizer.eos);
}

/** A proved generation and its figures. */
export interface ProvedGeneration {
  readonly statement: GenerationStatement;
  /** The proof file's contents (with the generation field). */
  readonly file: ProofFileContents;
  /** proveInference only (the integer run is not included). */
  readonly proveMs: number;
  /** Process CPU time of proveInference (all threads). */
  readonly proveCpuMs: number;
  /** proveInference's stages in order (witness, commit, arena, walk, opening): wall and CPU ms, RSS at the end. */
  readonly phases: readonly ProvePhase[];
}

/** One finished prover stage. */
export interface ProvePhase {
  readonly stage: string;
  readonly ms: number;
  readonly cpu_ms: number;
  /** Resident set size when the stage ended (the process peak is the bench's `peak_rss_mb`). */
  readonly rss_mb: number;
}

/** Inputs of {@link proveGeneration}. */
export interface ProveGenerationParameters {
  readonly setup: LoadedLlmSetup;
  readonly srs: Srs;
  readonly statement: GenerationStatement;
  readonly prover: `0x${string}`;
  /** One line per finished prover stage. */
  readonly onProgress?: (line: string) => void;
}

/**
 * Proves that `statement.generatedIds` is the greedy continuation of `statement.promptIds`.
 * @throws {ProverInputError} when it is not (the whole-sequence run disagrees with a generated token)
 */
export function proveGeneration(params: ProveGenerationParameters): ProvedGeneration {
  const { setup, srs, statement, prover } = params;
  if (!setup.pk) throw new RangeError(`${setup.dir}: loaded without its proving key`);
  const C = setup.manifest.context;
  const input = generationInput(statement, C);
  const tokens = new Array<number>(C).fill(PAD_TOKEN);
  provedSequence(statement).forEach((id, t) => (tokens[t] = id));
  const trace = runInteger(setup.q.model, [tensor("int64", [C], Float64Array.from(tokens))]);
  const next = trace.outputs[0].tensor.data;
  const P = statement.promptIds.length;
  statement.generatedIds.forEach((id, i) => {
    if (next[P - 1 + i] !== id) throw new ProverInputError(`generated token ${i} is ${id} but the whole-sequence run chooses ${next[P - 1 + i]} at position ${P - 1 + i}: not the greedy continuation`);
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const progress = stageProgress(params.onProgress, start);
  const phases: ProvePhase[] = [];
  let mark = { at: start, cpu: process.cpuUsage() };
  const onProgress = (stage: string, done: number, total: number) => {
    if (done === total) {
      const now = { at: performance.now(), cpu: process.cpuUsage() };
      const cpuMs = (now.cpu.user - mark.cpu.user + now.cpu.system - mark.cpu.system) / 1000;
      phases.push({ stage, ms: Math.round(now.at - mark.at), cpu_ms: Math.round(cpuMs), rss_mb: Math.round(process.memoryUsage.rss() / 2 ** 20) });
      mark = now;
    }
    progress?.(stage, done, total);
  };
  const proved = proveInference({ setup: setup.pk, model: setup.q.model, srs, trace, prover, onProgress });
  const proveMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (!equalBytes(proved.statement.input, input)) throw new RangeError("proveGeneration: the proved input differs from the generation's (internal error)");
  const file: ProofFileContents = {
    digest: proved.statement.digest,
    prover: proved.statement.prover,
    input: proved.statement.input,
    output: proved.statement.output,
    proof: proved.proof,
    generation: { promptTokens: P, generatedTokens: statement.generatedIds.length },
  };
  return { statement, file, proveMs, proveCpuMs: (used.user + used.system) / 1000, phases };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
