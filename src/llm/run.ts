/**
 * One proved generation end to end, as `deepprove generate --prove` and `deepprove bench <model.gguf>` run it:
 * the setup directory (reused, or made), greedy generation, the proof, the proof file, an in-process
 * verification, and agreement with llama.cpp's recorded continuation. Figures: docs/gguf.md, "Proved
 * generation".
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { writeProofFile, type ProofFileContents, type ProofFileForm } from "../artifacts/proof-file";
import { findReference, loadLlamaModel, promptIds } from "../model/gguf/generate";
import type { InferenceStatement } from "../prover/graph";
import { contextFor } from "./model";
import { generateTokens, proveGeneration, type ProvePhase } from "./prove";
import { createLlmSetup, loadLlmSetup, loadLlmSrs, type LoadedLlmSetup } from "./setup";
import { verifyGeneration } from "./verify";
import type { Srs } from "../pcs/srs";
import { DEFAULT_GGUF_BITS } from "../model/gguf/defaults";

/** Options of {@link runProvedGeneration}. */
export interface ProvedGenerationOptions {
  /** The GGUF model file. */
  readonly model: string;
  readonly prompt: string;
  readonly tokens: number;
  /** Quantization bits of a new setup (default DEFAULT_GGUF_BITS); a reused setup must match when given. */
  readonly bits?: number;
  /** The setup directory: reused when it exists, else made there. */
  readonly setupDir: string;
  /** Context C of a new setup; default: the smallest power of two ≥ 16 holding prompt + tokens − 1. */
  readonly context?: number;
  readonly ptau?: string;
  readonly prover: `0x${string}`;
  /** Proof file to write (binary, or JSON with `form: "json"`). */
  readonly out?: string;
  readonly form?: ProofFileForm;
  readonly onProgress?: (line: string) => void;
}

/** The run's result: the text, the certified ids and the figures (snake_case: printed as JSON). */
export interface ProvedGenerationResult {
  readonly model: string;
  readonly setup: string;
  readonly prompt: string;
  readonly prompt_ids: readonly number[];
  readonly ids: readonly number[];
  readonly text: string;
  readonly stopped_on_eos: boolean;
  readonly bits: number;
  readonly context: number;
  readonly digest: string;
  readonly insecure_srs: boolean;
  readonly setup_ms: number;
  readonly generate_ms: number;
  readonly prove_ms: number;
  readonly prove_cpu_ms: number;
  readonly verify_ms: number;
  /** The proof stream (the verifier's calldata proof argument). */
  readonly proof_bytes: number;
  /** Generated tokens certified per second of proving. */
  readonly tokens_per_s: number;
  readonly peak_rss_mb: number;
  /** The prover's stages: wall / CPU ms and RSS at each stage's end. */
  readonly prove_phases: readonly ProvePhase[];
  /** llama.cpp's recorded greedy continuation (null without a fixture for this model and prompt). */
  readonly reference_ids: readonly number[] | null;
  /** Generated tokens equal to llama.cpp's at the same position, and the leading run of them. */
  readonly agree_tokens: number | null;
  readonly agree_leading: number | null;
  readonly out: string | null;
}

/** What a caller may do with the proof besides the figures (the bench measures gas on it). */
export interface ProvedGenerationRun {
  readonly result: ProvedGenerationResult;
  readonly setup: LoadedLlmSetup;
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
  /** The proof file's contents (statement, proof, generation split). */
  readonly file: ProofFileContents;
  readonly srs: Srs;
}

/** Runs one proved generation. @throws SetupDirError, GgufError, RangeError for unusable inputs */
export async function runProvedGeneration(options: ProvedGenerationOptions): Promise<ProvedGenerationRun> {
  const progress = options.onProgress ?? (() => {});
  const setupStart = performance.now();
  let setup: LoadedLlmSetup;
  let srs: Srs;
  if (existsSync(options.setupDir)) {
    progress(`loading the setup ${options.setupDir}`);
    setup = await loadLlmSetup(options.setupDir, { provingKey: true, gguf: options.model });
    if (options.context !== undefined && options.context !== setup.manifest.context) {
      throw new RangeError(`${options.setupDir}: the setup's context is ${setup.manifest.context}, not the requested ${options.context} (make another setup)`);
    }
    if (options.bits !== undefined && options.bits !== setup.manifest.bits) {
      throw new RangeError(`${options.setupDir}: the setup is quantized at ${setup.manifest.bits} bits, not the requested ${options.bits} (make another setup)`);
    }
    srs = loadLlmSrs(setup, options.ptau);
  } else {
    const probe = await loadLlamaModel(options.model);
    const positions = promptIds(probe, options.prompt).length + options.tokens - 1;
    const context = options.context ?? Math.min(contextFor(positions), probe.cfg.contextLength);
    const created = await createLlmSetup({ gguf: options.model, out: options.setupDir, bits: options.bits ?? DEFAULT_GGUF_BITS, context, ptau: options.ptau, onProgress: progress });
    setup = created;
    srs = created.srs;
  }
  const setupMs = performance.now() - setupStart;
  const prompt = promptIds(setup.llama, options.prompt);
  progress(`generating ${options.tokens} tokens after a prompt of ${prompt.length}`);
  const genStart = performance.now();
  const gen = generateTokens(setup, prompt, options.tokens);
  const generateMs = performance.now() - genStart;
  progress(`proving ${prompt.length + gen.ids.length - 1} positions (context ${setup.manifest.context})`);
  const proved = proveGeneration({ setup, srs, statement: { promptIds: prompt, generatedIds: gen.ids }, prover: options.prover, onProgress: (line) => progress(`prove: ${line}`) });
  const peakRss = Math.round(process.resourceUsage().maxRSS / 1024);
  if (options.out) {
    writeProofFile(options.out, proved.file, { form: options.form });
    progress(`wrote ${options.out}`);
  }
  const verdict = verifyGeneration(setup, proved.file);
  if (!verdict.valid) throw new Error(`the proof just made does not verify (internal error): ${verdict.reason}`);
  const reference = findReference(options.model, options.prompt, options.tokens, setup.llama.tokenizer);
  const refIds = reference?.ids ?? null;
  let leading = 0;
  while (refIds && leading < gen.ids.length && leading < refIds.length && gen.ids[leading] === refIds[leading]) leading++;
  const result: ProvedGenerationResult = {
    model: options.model,
    setup: setup.dir,
    prompt: options.prompt,
    prompt_ids: prompt,
    ids: gen.ids,
    text: setup.llama.tokenizer.decode(gen.ids),
    stopped_on_eos: gen.stoppedOnEos,
    bits: setup.manifest.bits,
    context: setup.manifest.context,
    digest: setup.vk.digest,
    insecure_srs: setup.insecure,
    setup_ms: Math.round(setupMs),
    generate_ms: Math.round(generateMs),
    prove_ms: Math.round(proved.proveMs),
    prove_cpu_ms: Math.round(proved.proveCpuMs),
    verify_ms: Math.round(verdict.ms),
    proof_bytes: proved.file.proof.length,
    tokens_per_s: Number(((1000 * gen.ids.length) / proved.proveMs).toFixed(3)),
    peak_rss_mb: peakRss,
    prove_phases: proved.phases,
    reference_ids: refIds,
    agree_tokens: refIds ? gen.ids.filter((id, i) => id === refIds[i]).length : null,
    agree_leading: refIds ? leading : null,
    out: options.out ?? null,
  };
  const statement = { digest: proved.file.digest, prover: proved.file.prover, input: proved.file.input, output: proved.file.output };
  return { result, setup, statement, proof: proved.file.proof, file: proved.file, srs };
}
