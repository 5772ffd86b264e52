/**
 * Test helper (no tests here): writes GGUF files with `@huggingface/gguf`'s own writer — `buildGgufHeader`
 * serializes the header and metadata — plus a tensor directory and tensor data laid out per the GGUF spec
 * by this helper, never by the reader under test.
 */
import { writeFileSync } from "node:fs";
import { GGUFValueType, buildGgufHeader } from "@huggingface/gguf";
import type { GGUFTypedMetadata, MetadataValue } from "@huggingface/gguf";

export { GGUFValueType };

/** A tensor to write: GGML dims fastest first, type id, raw block bytes. */
export interface TensorSpec {
  readonly name: string;
  readonly ne: readonly number[];
  readonly type: number;
  readonly data: Uint8Array;
  /** Override the directory offset (to write corrupt files). */
  readonly offset?: number;
}

/** A metadata entry as the writer takes it. */
export interface KvSpec {
  readonly value: MetadataValue;
  readonly type: GGUFValueType;
  readonly subType?: GGUFValueType;
}

const ALIGNMENT = 32;
const pad = (n: number): number => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}
function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The bytes of a GGUF v3 file with `kv` metadata and `tensors`. */
export async function ggufBytes(kv: Readonly<Record<string, KvSpec>>, tensors: readonly TensorSpec[]): Promise<Uint8Array> {
  const infos: Uint8Array[] = [];
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const name = new TextEncoder().encode(t.name);
    infos.push(u64(name.length), name, u32(t.ne.length), ...t.ne.map(u64), u32(t.type), u64(t.offset ?? offset));
    const padded = new Uint8Array(pad(t.data.length));
    padded.set(t.data);
    datas.push(padded);
    offset += padded.length;
  }
  const directory = concat(infos);
  const metadata = {
    version: { value: 3, type: GGUFValueType.UINT32 },
    tensor_count: { value: BigInt(tensors.length), type: GGUFValueType.UINT64 },
    kv_count: { value: BigInt(Object.keys(kv).length), type: GGUFValueType.UINT64 },
    ...kv,
  } as unknown as GGUFTypedMetadata;
  const header = await buildGgufHeader(new Blob([directory]), metadata, {
    littleEndian: true,
    tensorInfoByteRange: [0, directory.length],
    alignment: ALIGNMENT,
  });
  return concat([new Uint8Array(await header.arrayBuffer()), ...datas]);
}

/** Writes {@link ggufBytes} to `path`. */
export async function writeGguf(path: string, kv: Readonly<Record<string, KvSpec>>, tensors: readonly TensorSpec[]): Promise<Uint8Array> {
  const bytes = await ggufBytes(kv, tensors);
  writeFileSync(path, bytes);
  return bytes;
}

/** Metadata entry helpers. */
export const kvString = (value: string): KvSpec => ({ value, type: GGUFValueType.STRING });
export const kvU32 = (value: number): KvSpec => ({ value, type: GGUFValueType.UINT32 });
export const kvF32 = (value: number): KvSpec => ({ value, type: GGUFValueType.FLOAT32 });
export const kvStrings = (value: string[]): KvSpec => ({ value, type: GGUFValueType.ARRAY, subType: GGUFValueType.STRING });
export const kvF32s = (value: number[]): KvSpec => ({ value, type: GGUFValueType.ARRAY, subType: GGUFValueType.FLOAT32 });
export const kvI32s = (value: number[]): KvSpec => ({ value, type: GGUFValueType.ARRAY, subType: GGUFValueType.INT32 });

/** The shape of a one-block llama the test GGUF files describe. */
export interface LlamaKvShape {
  readonly name: string;
  readonly contextLength: number;
  /** Embedding, feed-forward, head and KV-head counts and the RoPE (head) dimension. */
  readonly D: number;
  readonly F: number;
  readonly H: number;
  readonly Hkv: number;
  readonly hd: number;
  /** The vocabulary; ids 0, 1, 2 are <unk>, <s>, </s>. */
  readonly tokens: readonly string[];
  /** The token_type of the ids after the three special ones (1 normal, 6 byte). */
  readonly restTokenType: number;
}

/** The llama metadata of a one-block test model, in the order llama.cpp writes it (the file's key order). */
export function llamaKv(s: LlamaKvShape): Record<string, KvSpec> {
  const tokens = [...s.tokens];
  return {
    "general.architecture": kvString("llama"),
    "general.name": kvString(s.name),
    "llama.context_length": kvU32(s.contextLength),
    "llama.embedding_length": kvU32(s.D),
    "llama.block_count": kvU32(1),
    "llama.feed_forward_length": kvU32(s.F),
    "llama.attention.head_count": kvU32(s.H),
    "llama.attention.head_count_kv": kvU32(s.Hkv),
    "llama.rope.dimension_count": kvU32(s.hd),
    "llama.attention.layer_norm_rms_epsilon": kvF32(1e-5),
    "tokenizer.ggml.model": kvString("llama"),
    "tokenizer.ggml.tokens": { value: tokens, type: GGUFValueType.ARRAY, subType: GGUFValueType.STRING },
    "tokenizer.ggml.scores": { value: tokens.map(() => 0), type: GGUFValueType.ARRAY, subType: GGUFValueType.FLOAT32 },
    "tokenizer.ggml.token_type": { value: tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : s.restTokenType)), type: GGUFValueType.ARRAY, subType: GGUFValueType.INT32 },
    "tokenizer.ggml.bos_token_id": kvU32(1),
    "tokenizer.ggml.eos_token_id": kvU32(2),
    "tokenizer.ggml.unknown_token_id": kvU32(0),
  };
}
