/**
 * The hyper-parameters of a llama-family GGUF model, read from its metadata with every key checked.
 *
 * Keys (llama.cpp's names, prefixed by the architecture): `block_count`, `embedding_length`,
 * `feed_forward_length`, `attention.head_count`, `attention.head_count_kv` (grouped-query attention; defaults
 * to head_count), `attention.layer_norm_rms_epsilon`, `rope.dimension_count` (defaults to the head size),
 * `rope.freq_base` (default 10000), `context_length`.
 */
import type { GgufFile } from "./container";
import { metaNumber, metaString } from "./container";
import { GgufError } from "./errors";

/** Architectures this front end builds. */
export const SUPPORTED_ARCHITECTURES = ["llama"] as const;
/** llama.cpp's default RoPE base frequency. */
const DEFAULT_ROPE_BASE = 10_000;
/** llama.cpp's default RMSNorm epsilon when the file does not give one. */
const DEFAULT_RMS_EPS = 1e-5;

/** A llama model's shape and constants. */
export interface LlamaConfig {
  readonly architecture: "llama";
  readonly nLayer: number;
  readonly nEmbd: number;
  readonly nFf: number;
  readonly nHead: number;
  readonly nHeadKv: number;
  /** nEmbd / nHead. */
  readonly headDim: number;
  /** Leading dims of each head that RoPE rotates (pairs of adjacent elements). */
  readonly nRot: number;
  readonly ropeBase: number;
  readonly rmsEps: number;
  readonly nVocab: number;
  readonly contextLength: number;
}

/**
 * Reads and checks the llama hyper-parameters of `file`.
 * @throws GgufError for a missing/invalid key, an inconsistent head layout, or an architecture other than
 * llama (GPT-2 is recognised and reported with what its layout would need).
 */
export function readLlamaConfig(file: GgufFile): LlamaConfig {
  const arch = metaString(file, "general.architecture");
  if (arch === "gpt2") {
    throw new GgufError(
      file.path,
      "architecture gpt2 is recognised (learned position embeddings position_embd, LayerNorm with bias, fused " +
        "attn_qkv, GELU MLP) but this front end builds only: llama",
      { field: "general.architecture" },
    );
  }
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(arch)) {
    throw new GgufError(file.path, `architecture ${JSON.stringify(arch)} is not supported; supported: llama`, {
      field: "general.architecture",
    });
  }
  const key = (k: string): string => `${arch}.${k}`;
  const positive = (k: string, fallback?: number): number => {
    const v = metaNumber(file, key(k), fallback);
    if (!Number.isInteger(v) || v <= 0) throw new GgufError(file.path, `must be a positive integer, got ${v}`, { field: key(k) });
    return v;
  };
  const nEmbd = positive("embedding_length");
  const nHead = positive("attention.head_count");
  const nHeadKv = positive("attention.head_count_kv", nHead);
  if (nEmbd % nHead !== 0) {
    throw new GgufError(file.path, `embedding_length ${nEmbd} is not a multiple of head_count ${nHead}`, {
      field: key("attention.head_count"),
    });
  }
  if (nHead % nHeadKv !== 0) {
    throw new GgufError(file.path, `head_count ${nHead} is not a multiple of head_count_kv ${nHeadKv}`, {
      field: key("attention.head_count_kv"),
    });
  }
  const headDim = nEmbd / nHead;
  const nRot = positive("rope.dimension_count", headDim);
  if (nRot > headDim || nRot % 2 !== 0) {
    throw new GgufError(file.path, `must be even and at most the head size ${headDim}, got ${nRot}`, {
      field: key("rope.dimension_count"),
    });
  }
  const tokens = file.metadata["tokenizer.ggml.tokens"];
  const nVocab = Array.isArray(tokens) ? tokens.length : positive("vocab_size");
  return {
    architecture: "llama",
    nLayer: positive("block_count"),
    nEmbd,
    nFf: positive("feed_forward_length"),
    nHead,
    nHeadKv,
    headDim,
    nRot,
    ropeBase: metaNumber(file, key("rope.freq_base"), DEFAULT_ROPE_BASE),
    rmsEps: metaNumber(file, key("attention.layer_norm_rms_epsilon"), DEFAULT_RMS_EPS),
    nVocab,
    contextLength: positive("context_length"),
  };
}
