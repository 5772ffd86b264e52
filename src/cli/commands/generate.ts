/**
 * `deepprove generate <model.gguf> --prompt <text> [--tokens N] [--bits N] [--float] [--json]`: quantized
 * greedy generation with a llama GGUF model (KV-cache loop over the quantized graph), printed beside
 * llama.cpp's recorded greedy continuation when a reference fixture exists for that model file and prompt,
 * and beside the float model's with `--float`. Fields and semantics: docs/gguf.md §7.
 *
 * With `--prove --out <proof>` the generation is proved (src/llm/; docs/gguf.md, "Proved generation"): the
 * setup directory `--setup <dir>` (default `<proof>.setup`) is reused when it exists and made otherwise
 * (`--context`, `--ptau`), the tokens are certified by one proof written to `<proof>`, and `deepprove verify
 * <dir> <proof>` checks it. Progress goes to stderr.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { DEFAULT_GGUF_BITS } from "../../model/gguf/defaults";
import { parseAddress } from "./prove";
import { INSECURE_SRS_WARNING } from "./setup";

/** Largest `--tokens` accepted (the model's own context length is checked once it is loaded). */
const MAX_TOKENS = 4096;
/** The quantization scheme's bit widths (checked again by the quantizer). */
const MIN_BITS = 8;
const MAX_BITS = 16;

/** Options of `deepprove generate`. */
interface GenerateOptions {
  prompt: string;
  tokens: number;
  bits: number;
  json?: boolean;
  float?: boolean;
  prove?: boolean;
  out?: string;
  setup?: string;
  context?: number;
  prover?: `0x${string}`;
  ptau?: string;
}

function integerIn(name: string, lo: number, hi: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < lo || n > hi) throw new InvalidArgumentError(`${name} must be an integer in ${lo}..${hi}`);
    return n;
  };
}

/** Registers `deepprove generate`. */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("greedy text generation with a quantized llama GGUF model, beside llama.cpp's reference")
    .argument("<model>", "a llama-architecture .gguf file (F32, F16, Q8_0, Q4_0 or Q4_K tensors)")
    .requiredOption("--prompt <text>", "the prompt (BOS is prepended, as llama.cpp does)")
    .option("--tokens <n>", "number of tokens to generate", integerIn("--tokens", 1, MAX_TOKENS), 40)
    .option("--bits <n>", `quantization bit width (${MIN_BITS}-${MAX_BITS})`, integerIn("--bits", MIN_BITS, MAX_BITS), DEFAULT_GGUF_BITS)
    .option("--float", "also run the float (unquantized) model and report its agreement")
    .option("--json", "print one JSON object")
    .option("--prove", "prove the generation (one proof of the whole sequence); needs --out")
    .option("--out <proof>", "with --prove: the proof file to write")
    .option("--setup <dir>", "with --prove: the setup directory to reuse, or to make when absent (default <proof>.setup)")
    .option("--context <n>", "with --prove, for a new setup: positions of the proved graph (default: the smallest power of two ≥ 16 that fits)", integerIn("--context", 2, MAX_TOKENS))
    .option("--prover <address>", "with --prove: the prover address the proof is bound to (default: the zero address)", parseAddress)
    .option("--ptau <file>", "with --prove: Powers of Tau file (default: the INSECURE development SRS)")
    .action(async (modelPath: string, opts: GenerateOptions, command: Command) => {
      if (opts.prove) return proveAction(modelPath, opts, command);
      for (const flag of ["out", "setup", "context", "prover", "ptau"] as const) if (opts[flag] !== undefined) command.error(`error: --${flag} needs --prove`);
      // Loaded here, not at the top: `deepprove --help` and the other commands should not pay for the model code.
      const { findReference, generateFloat, generateQuantized, leadingAgreement, loadLlamaModel, promptIds, quantizeModel } = await import(
        "../../model/gguf/generate"
      );
      const started = Date.now();
      const model = await loadLlamaModel(modelPath);
      const prompt = promptIds(model, opts.prompt);
      const total = prompt.length + opts.tokens;
      if (total > model.cfg.contextLength) {
        throw new Error(`prompt (${prompt.length} tokens) plus --tokens ${opts.tokens} exceeds the model's context length ${model.cfg.contextLength}`);
      }
      const q = quantizeModel(model, opts.bits, total);
      const loadedMs = Date.now() - started;
      const genStart = Date.now();
      const gen = generateQuantized(model, q, prompt, opts.tokens);
      const generateMs = Date.now() - genStart;
      const text = model.tokenizer.decode(gen.ids);
      const reference = findReference(modelPath, opts.prompt, opts.tokens, model.tokenizer);
      const float = opts.float ? generateFloat(model, prompt, opts.tokens) : undefined;
      const result = {
        model: modelPath,
        prompt: opts.prompt,
        bits: opts.bits,
        prompt_ids: prompt,
        ids: gen.ids,
        text,
        stopped_on_eos: gen.stoppedOnEos,
        reference_text: reference?.text ?? null,
        reference_ids: reference?.ids ?? null,
        reference_tokens: reference?.ids.length ?? 0,
        reference_source: reference?.source ?? null,
        agree_tokens: reference ? leadingAgreement(gen.ids, reference.ids) : null,
        float_text: float ? model.tokenizer.decode(float.ids) : undefined,
        float_agree_tokens: float ? leadingAgreement(gen.ids, float.ids) : undefined,
        load_ms: loadedMs,
        generate_ms: generateMs,
        tokens_per_s: Number(((1000 * (prompt.length + gen.ids.length)) / Math.max(1, generateMs)).toFixed(1)),
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const lines = [
        `model      ${modelPath} (${model.cfg.nLayer} blocks, embedding ${model.cfg.nEmbd}, vocabulary ${model.cfg.nVocab}), ${opts.bits}-bit`,
        `prompt     ${JSON.stringify(opts.prompt)} → ${prompt.length} tokens`,
        `quantized  ${JSON.stringify(text)}`,
      ];
      if (reference) {
        lines.push(`llama.cpp  ${JSON.stringify(reference.text)}`);
        lines.push(`agreement  ${result.agree_tokens}/${reference.ids.length} leading tokens${reference.ids.length < opts.tokens ? " (the recording is shorter)" : ""}`);
      } else {
        lines.push("llama.cpp  (no recorded reference for this model and prompt; see scripts/gguf-reference.ts)");
      }
      if (float) lines.push(`float      ${JSON.stringify(result.float_text)} (agrees on ${result.float_agree_tokens} leading tokens)`);
      lines.push(`time       load+quantize ${loadedMs} ms, generate ${generateMs} ms (${result.tokens_per_s} tokens/s)`);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}

/** `generate --prove`: src/llm/run.ts end to end, then the text and the proof's figures. */
async function proveAction(modelPath: string, opts: GenerateOptions, command: Command): Promise<void> {
  if (!opts.out) command.error("error: --prove needs --out <proof>");
  if (opts.float) command.error("error: --float cannot be combined with --prove");
  const [{ runProvedGeneration }, { ZERO_ADDRESS }] = await Promise.all([import("../../llm/run"), import("../../artifacts/inference")]);
  const { result } = await runProvedGeneration({
    model: modelPath,
    prompt: opts.prompt,
    tokens: opts.tokens,
    // An explicit --bits must match a reused setup; the default defers to it.
    bits: command.getOptionValueSource("bits") === "default" ? undefined : opts.bits,
    setupDir: opts.setup ?? `${opts.out!}.setup`,
    context: opts.context,
    ptau: opts.ptau,
    prover: opts.prover ?? ZERO_ADDRESS,
    out: opts.out,
    onProgress: (line) => process.stderr.write(`generate: ${line}\n`),
  });
  if (result.insecure_srs) process.stderr.write(`${INSECURE_SRS_WARNING}\n`);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const lines = [
    `prompt     ${JSON.stringify(opts.prompt)} → ${result.prompt_ids.length} tokens`,
    `generated  ${JSON.stringify(result.text)} (${result.ids.length} tokens${result.stopped_on_eos ? ", stopped on EOS" : ""})`,
    result.reference_ids
      ? `llama.cpp  agrees on ${result.agree_tokens}/${Math.min(result.ids.length, result.reference_ids.length)} tokens (${result.agree_leading} leading)`
      : "llama.cpp  (no recorded reference for this model and prompt)",
    `proof      ${result.out} (${result.proof_bytes} bytes of proof stream; model ${result.digest}, ${result.bits}-bit, context ${result.context})`,
    `setup      ${result.setup} (${result.setup_ms} ms)`,
    `time       generate ${result.generate_ms} ms, prove ${result.prove_ms} ms (${result.tokens_per_s} tokens/s), verify ${result.verify_ms} ms, peak RSS ${result.peak_rss_mb} MiB`,
    `verify     deepprove verify ${result.setup} ${result.out}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
