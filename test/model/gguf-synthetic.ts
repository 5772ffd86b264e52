/**
 * Test helper (no tests here): a deterministic synthetic llama GGUF whose matrices use every block format
 * the front end decodes — Q8_0, Q4_0 and Q4_K (dims of 256 so that Q4_K rows are whole super-blocks) — with
 * random block bytes built here from the GGML layouts and written with @huggingface/gguf's writer.
 *
 * `scripts/gguf-reference.ts` writes the same file and records llama.cpp's logits on it, so the test can
 * check our dequantization against llama.cpp itself, not only against our reading of the spec.
 */
import { GgmlType } from "../../src/model/gguf/ggml-types";
import { llamaKv, writeGguf } from "./gguf-writer";
import type { TensorSpec } from "./gguf-writer";

/** Shape of the synthetic model. */
export const SYNTHETIC = {
  nEmbd: 256,
  nFf: 256,
  nHead: 4,
  nHeadKv: 2,
  /** `<unk>`, `<s>`, `</s>` and the 256 byte tokens. */
  nVocab: 259,
  /** Token ids fed to both llama.cpp and us (BOS first). */
  promptIds: [1, 75, 104, 3 + 0x61, 3 + 0x0a, 200, 258],
} as const;

/** xorshift32: deterministic bytes, identical in the script and the test. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** binary16 bits of a value that is exactly representable (powers of two times small integers here). */
function halfBits(v: number): number {
  const e = Math.floor(Math.log2(v));
  const m = Math.round((v / 2 ** e - 1) * 1024);
  return ((e + 15) << 10) | m;
}

function putHalf(out: Uint8Array, at: number, v: number): void {
  const bits = halfBits(v);
  out[at] = bits & 0xff;
  out[at + 1] = bits >> 8;
}

/** Random Q8_0 blocks with scale `d`. */
function q8_0(count: number, d: number, next: () => number): Uint8Array {
  const out = new Uint8Array((count / 32) * 34);
  for (let b = 0; b < count / 32; b++) {
    putHalf(out, b * 34, d);
    for (let j = 0; j < 32; j++) out[b * 34 + 2 + j] = next() & 0xff;
  }
  return out;
}

/** Random Q4_0 blocks with scale `d`. */
function q4_0(count: number, d: number, next: () => number): Uint8Array {
  const out = new Uint8Array((count / 32) * 18);
  for (let b = 0; b < count / 32; b++) {
    putHalf(out, b * 18, d);
    for (let j = 0; j < 16; j++) out[b * 18 + 2 + j] = next() & 0xff;
  }
  return out;
}

/** Random Q4_K super-blocks with super-scales `d`, `dmin` (any 12 scale bytes and 128 quant bytes are valid). */
function q4_K(count: number, d: number, dmin: number, next: () => number): Uint8Array {
  const out = new Uint8Array((count / 256) * 144);
  for (let b = 0; b < count / 256; b++) {
    putHalf(out, b * 144, d);
    putHalf(out, b * 144 + 2, dmin);
    for (let j = 4; j < 144; j++) out[b * 144 + j] = next() & 0xff;
  }
  return out;
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Writes the synthetic model to `path`; returns its bytes. */
export async function writeSyntheticLlama(path: string): Promise<Uint8Array> {
  const { nEmbd: D, nFf: F, nHead: H, nHeadKv: Hkv, nVocab: V } = SYNTHETIC;
  const hd = D / H;
  const next = rng(0x5eed);
  const tokens = ["<unk>", "<s>", "</s>", ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`)];
  const kv = llamaKv({ name: "deepprove synthetic Q8_0/Q4_0/Q4_K llama", contextLength: 128, D, F, H, Hkv, hd, tokens, restTokenType: 6 });

  const norm = (n: number) => f32(Array.from({ length: n }, () => 0.75 + (next() % 512) / 1024));
  const kvDim = Hkv * hd;
  const tensors: TensorSpec[] = [
    { name: "token_embd.weight", ne: [D, V], type: GgmlType.Q8_0, data: q8_0(D * V, 2 ** -10, next) },
    { name: "blk.0.attn_norm.weight", ne: [D], type: GgmlType.F32, data: norm(D) },
    { name: "blk.0.attn_q.weight", ne: [D, D], type: GgmlType.Q4_K, data: q4_K(D * D, 2 ** -12, 2 ** -11, next) },
    { name: "blk.0.attn_k.weight", ne: [D, kvDim], type: GgmlType.Q4_0, data: q4_0(D * kvDim, 2 ** -6, next) },
    { name: "blk.0.attn_v.weight", ne: [D, kvDim], type: GgmlType.Q8_0, data: q8_0(D * kvDim, 2 ** -9, next) },
    { name: "blk.0.attn_output.weight", ne: [D, D], type: GgmlType.Q4_K, data: q4_K(D * D, 2 ** -12, 2 ** -11, next) },
    { name: "blk.0.ffn_norm.weight", ne: [D], type: GgmlType.F32, data: norm(D) },
    { name: "blk.0.ffn_gate.weight", ne: [D, F], type: GgmlType.Q4_K, data: q4_K(D * F, 2 ** -12, 2 ** -11, next) },
    { name: "blk.0.ffn_up.weight", ne: [D, F], type: GgmlType.Q4_0, data: q4_0(D * F, 2 ** -6, next) },
    { name: "blk.0.ffn_down.weight", ne: [F, D], type: GgmlType.Q4_K, data: q4_K(F * D, 2 ** -12, 2 ** -11, next) },
    { name: "output_norm.weight", ne: [D], type: GgmlType.F32, data: norm(D) },
    { name: "output.weight", ne: [D, V], type: GgmlType.Q4_K, data: q4_K(D * V, 2 ** -11, 2 ** -10, next) },
  ];
  return writeGguf(path, kv, tensors);
}
