/**
 * `deepprove bench <model.gguf> --prompt <text> --tokens N`: one proved generation in a fresh setup (INSECURE
 * development SRS unless a `.ptau` is given), its figures, agreement with llama.cpp's recorded continuation,
 * and — when the on-chain hook is given — one verification transaction on the in-process network, or the
 * reason the verifier generator refuses the model (`onchain_error`, as the ONNX bench reports it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { OnChainBench, OnChainMeasurement } from "../bench/model-bench";
import { ProgramError } from "../compiler/program/writer";
import { VerifierGenError } from "../compiler/verifier-gen";
import { ZERO_ADDRESS } from "../artifacts/inference";
import type { ProvePhase } from "./prove";
import { runProvedGeneration } from "./run";
import { tamperChecks, type TamperVerdicts } from "./tamper";

/** Options of {@link runLlmBench}. */
export interface LlmBenchOptions {
  readonly model: string;
  readonly prompt: string;
  readonly tokens: number;
  readonly bits: number;
  readonly context?: number;
  readonly ptau?: string;
  readonly onChain?: OnChainBench;
  readonly onProgress?: (line: string) => void;
}

/**
 * The bench's keys: `setup_ms`, `generate_ms`, `prove_ms`, `prove_cpu_ms`, `verify_ms`, `proof_bytes`,
 * `tokens_per_s` (generated tokens per second of proving), `peak_rss_mb`, `agree_tokens` / `agree_leading`
 * (generated tokens equal to llama.cpp's, and the leading run of them) with `reference_tokens`, `tamper_rejected`
 * (src/llm/tamper.ts) with `tamper_ms`, and `gas`,
 * `calldata_bytes`, `verifier_bytecode_bytes` or `onchain_error`.
 */
export interface LlmBenchResult extends Partial<OnChainMeasurement> {
  readonly model: string;
  readonly prompt: string;
  readonly tokens: number;
  readonly prompt_tokens: number;
  readonly bits: number;
  readonly context: number;
  readonly text: string;
  readonly setup_ms: number;
  readonly generate_ms: number;
  readonly prove_ms: number;
  readonly prove_cpu_ms: number;
  readonly verify_ms: number;
  readonly proof_bytes: number;
  readonly tokens_per_s: number;
  readonly peak_rss_mb: number;
  /** The prover's stages (witness, commit, arena, walk, opening): wall / CPU ms and RSS at each stage's end. */
  readonly prove_phases: readonly ProvePhase[];
  readonly reference_tokens: number | null;
  readonly agree_tokens: number | null;
  readonly agree_leading: number | null;
  readonly onchain_error?: string;
  /**
   * The bench's own proof tampered three ways (a generated token, a prompt token, one weight: src/llm/tamper.ts),
   * each true when the verifier rejected it.
   */
  readonly tamper_rejected: TamperVerdicts;
  readonly tamper_ms: number;
}

/** Runs the LLM benchmark. @throws when setup, proving or verification fails */
export async function runLlmBench(options: LlmBenchOptions): Promise<LlmBenchResult> {
  const root = mkdtempSync(join(tmpdir(), "deepprove-llm-bench-"));
  try {
    const run = await runProvedGeneration({
      model: options.model,
      prompt: options.prompt,
      tokens: options.tokens,
      bits: options.bits,
      context: options.context,
      ptau: options.ptau,
      setupDir: join(root, "setup"),
      prover: ZERO_ADDRESS,
      onProgress: options.onProgress,
    });
    const r = run.result;
    options.onProgress?.("verifying three tampered statements (token, prompt, weight)");
    const tamperStart = performance.now();
    const tamper = tamperChecks(run.setup, run.srs, run.file);
    const tamperMs = Math.round(performance.now() - tamperStart);
    const result: LlmBenchResult = {
      model: options.model,
      prompt: options.prompt,
      tokens: r.ids.length,
      prompt_tokens: r.prompt_ids.length,
      bits: r.bits,
      context: r.context,
      text: r.text,
      setup_ms: r.setup_ms,
      generate_ms: r.generate_ms,
      prove_ms: r.prove_ms,
      prove_cpu_ms: r.prove_cpu_ms,
      verify_ms: r.verify_ms,
      proof_bytes: r.proof_bytes,
      tokens_per_s: r.tokens_per_s,
      peak_rss_mb: r.peak_rss_mb,
      prove_phases: r.prove_phases,
      reference_tokens: r.reference_ids ? Math.min(r.reference_ids.length, r.ids.length) : null,
      agree_tokens: r.agree_tokens,
      agree_leading: r.agree_leading,
      tamper_rejected: tamper,
      tamper_ms: tamperMs,
    };
    if (!options.onChain) return result;
    options.onProgress?.("measuring on-chain verification");
    try {
      return { ...result, ...(await options.onChain({ vk: run.setup.vk, model: run.setup.q.model, statement: run.statement, proof: run.proof })) };
    } catch (e) {
      if (e instanceof VerifierGenError || e instanceof ProgramError) return { ...result, onchain_error: e.message };
      throw e;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
