/**
 * Test helper (no tests here): a tiny llama GGUF (F32 tensors, one block, 2 query heads sharing 1 KV head,
 * D = 16, F = 24, a 30-token vocabulary "<unk> <s> </s> ▁ a … z") with seeded weights, small enough to prove in
 * seconds. `perturb` changes one weight, for "another model" tests.
 */
import { GgmlType } from "../../src/model/gguf/ggml-types";
import { seeded } from "../model/helpers/onnx-builder";
import { llamaKv, writeGguf, type TensorSpec } from "../model/gguf-writer";

/** Shape of the tiny model. */
export const TINY = { nEmbd: 16, nFf: 24, nHead: 2, nHeadKv: 1, contextLength: 64 } as const;

/** The vocabulary: control tokens, the word boundary, the lowercase letters. */
export const TINY_TOKENS = ["<unk>", "<s>", "</s>", "▁", ..."abcdefghijklmnopqrstuvwxyz"];

function f32(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Writes the tiny model to `path` (weight `perturb.tensor`[`perturb.at`] += `perturb.by` when given). */
export async function writeTinyLlama(path: string, perturb?: { tensor: string; at: number; by: number }): Promise<Uint8Array> {
  const { nEmbd: D, nFf: F, nHead: H, nHeadKv: Hkv } = TINY;
  const V = TINY_TOKENS.length;
  const hd = D / H;
  let seed = 900;
  const qk = 4 / Math.sqrt(D);
  const matrix = (name: string, rows: number, cols: number, scale = 1 / Math.sqrt(cols)): TensorSpec => {
    const values = seeded(rows * cols, seed++).map((v) => v * scale);
    if (perturb?.tensor === name) values[perturb.at] += perturb.by;
    return { name, ne: [cols, rows], type: GgmlType.F32, data: f32(values) };
  };
  const gain = (name: string, n: number): TensorSpec => ({ name, ne: [n], type: GgmlType.F32, data: f32(seeded(n, seed++).map((v) => 1 + 0.3 * v)) });
  const kv = llamaKv({ name: "deepprove tiny test llama", contextLength: TINY.contextLength, D, F, H, Hkv, hd, tokens: TINY_TOKENS, restTokenType: 1 });

  const tensors: TensorSpec[] = [
    matrix("token_embd.weight", V, D, 1),
    gain("blk.0.attn_norm.weight", D),
    matrix("blk.0.attn_q.weight", D, D, qk),
    matrix("blk.0.attn_k.weight", Hkv * hd, D, qk),
    matrix("blk.0.attn_v.weight", Hkv * hd, D),
    matrix("blk.0.attn_output.weight", D, D),
    gain("blk.0.ffn_norm.weight", D),
    matrix("blk.0.ffn_gate.weight", F, D),
    matrix("blk.0.ffn_up.weight", F, D),
    matrix("blk.0.ffn_down.weight", D, F),
    gain("output_norm.weight", D),
    matrix("output.weight", V, D),
  ];
  return writeGguf(path, kv, tensors);
}
