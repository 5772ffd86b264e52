/**
 * Loading a llama GGUF model end to end and greedy generation with it — the unproved inference loop, with a
 * KV cache. The proved computation is one forward pass over the whole sequence; causal masking makes its
 * position-t argmax equal to the token this loop chose at step t.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readGguf } from "./container";
import type { GgufFile } from "./container";
import { readLlamaConfig } from "./llama-config";
import type { LlamaConfig } from "./llama-config";
import { loadLlamaWeights } from "./llama-weights";
import type { LlamaWeights } from "./llama-weights";
import { loadTokenizer } from "./tokenizer";
import type { Tokenizer } from "./tokenizer";
import { FloatLlama } from "./llama-float";
import { argmax, quantizeLlama } from "./llama-quant";
import type { QuantizedLlama } from "./llama-quant";
import { LlamaSession } from "./llama-session";

export { DEFAULT_GGUF_BITS } from "./defaults";

/** A llama model read from a GGUF file. */
export interface LlamaModel {
  readonly file: GgufFile;
  readonly cfg: LlamaConfig;
  readonly weights: LlamaWeights;
  readonly tokenizer: Tokenizer;
}

/** Reads, checks and dequantizes a llama GGUF model. */
export async function loadLlamaModel(path: string): Promise<LlamaModel> {
  const file = await readGguf(path);
  const cfg = readLlamaConfig(file);
  const tokenizer = loadTokenizer(file);
  return { file, cfg, weights: loadLlamaWeights(file, cfg), tokenizer };
}

/** Quantizes `model` at `bits` for sequences of up to `positions` tokens (prompt-independent calibration). */
export function quantizeModel(model: LlamaModel, bits: number, positions: number): QuantizedLlama {
  return quantizeLlama(model.cfg, model.weights, bits, positions, model.tokenizer.bos);
}

/** One step of a language model: feed a token, get the next-token scores. */
export type StepFn = (token: number) => ArrayLike<number>;

/** Result of a greedy generation. */
export interface Generation {
  /** Generated ids (the prompt excluded); stops early after EOS. */
  readonly ids: number[];
  /** Whether generation stopped on EOS. */
  readonly stoppedOnEos: boolean;
}

/**
 * Greedy generation: feeds `promptIds`, then repeatedly appends the argmax token, `count` times or until
 * `eos` is produced (the EOS id is kept as the last generated id).
 */
export function greedy(step: StepFn, promptIds: readonly number[], count: number, eos?: number): Generation {
  if (promptIds.length === 0) throw new RangeError("the prompt must hold at least one token (BOS)");
  let scores: ArrayLike<number> = [];
  for (const id of promptIds) scores = step(id);
  const ids: number[] = [];
  while (ids.length < count) {
    const next = argmax(scores);
    ids.push(next);
    if (next === eos) return { ids, stoppedOnEos: true };
    if (ids.length < count) scores = step(next);
  }
  return { ids, stoppedOnEos: false };
}

/**
 * Prompt ids as llama.cpp's completion API builds them: BOS (unless the file sets
 * `tokenizer.ggml.add_bos_token` to false), then the tokenized prompt.
 */
export function promptIds(model: LlamaModel, prompt: string): number[] {
  const addBos = model.file.metadata["tokenizer.ggml.add_bos_token"] !== false;
  return [...(addBos ? [model.tokenizer.bos] : []), ...model.tokenizer.encode(prompt)];
}

/** Greedy generation with the quantized model. */
export function generateQuantized(model: LlamaModel, q: QuantizedLlama, prompt: readonly number[], count: number): Generation {
  const session = new LlamaSession(q);
  return greedy((t) => session.step(t), prompt, count, model.tokenizer.eos);
}

/** Greedy generation with the float model. */
export function generateFloat(model: LlamaModel, prompt: readonly number[], count: number): Generation {
  const fl = new FloatLlama(model.cfg, model.weights);
  return greedy((t) => fl.step(t), prompt, count, model.tokenizer.eos);
}

/** Where the llama.cpp reference fixtures live (written by scripts/gguf-reference.ts). */
export const REFERENCE_DIR = join(__dirname, "..", "..", "..", "test", "fixtures", "gguf");

/** A llama.cpp greedy continuation recorded for a model file and prompt. */
export interface ReferenceContinuation {
  readonly ids: number[];
  readonly text: string;
  readonly source: string;
}

/**
 * The recorded llama.cpp continuation of `prompt` for the model file at `modelPath` (matched by SHA-256),
 * cut to `count` tokens (it may be shorter when no recording is that long), or undefined when there is none.
 */
export function findReference(modelPath: string, prompt: string, count: number, tokenizer: Tokenizer): ReferenceContinuation | undefined {
  const digest = createHash("sha256").update(readFileSync(modelPath)).digest("hex");
  // Matched by content, so a renamed or moved model file still finds its reference.
  const candidates = existsSync(REFERENCE_DIR) ? readdirSync(REFERENCE_DIR).filter((f) => f.endsWith(".reference.json")) : [];
  for (const name of candidates) {
    const ref = JSON.parse(readFileSync(join(REFERENCE_DIR, name), "utf8")) as {
      sha256: string;
      prompt: string;
      reference: string;
      generations?: Record<string, { ids: number[] }>;
    };
    if (ref.sha256 !== digest || ref.prompt !== prompt || !ref.generations) continue;
    // The shortest recording that covers `count` tokens, else the longest one there is.
    const byLength = Object.values(ref.generations).sort((a, b) => a.ids.length - b.ids.length);
    const best = byLength.find((g) => g.ids.length >= count) ?? byLength[byLength.length - 1];
    if (!best) continue;
    const ids = best.ids.slice(0, count);
    return { ids, text: tokenizer.decode(ids), source: ref.reference };
  }
  return undefined;
}

/** Number of leading positions where `a` and `b` agree. */
export function leadingAgreement(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
