/**
 * The public statement of one inference and its transcript absorb. The graph inputs / outputs travel as one
 * byte string each: every tensor in graph order, its integer values row-major as big-endian two's complement of
 * the tensor's width — the fewest of 1, 2 or 4 bytes that hold the value range the model declares for it
 * ({@link publicRange}: b-bit activations in ⌈b/8⌉ bytes, booleans in one, other integers as int32) — with no
 * header: shapes and widths come from the model. These exact bytes are what the registry and the on-chain
 * verifier receive as `bytes input` / `bytes output` and what the statement absorb hashes (docs/calldata.md).
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { isFloatType, type DType } from "../../model/ir";
import { ProverInputError } from "./errors";
import type { Transcript } from "../../transcript";

/** Bytes of one packed value: the widths a public tensor may have. */
export type PublicWidth = 1 | 2 | 4;

/** The widths in increasing order (the first that holds a range is the tensor's). */
const WIDTHS: readonly PublicWidth[] = [1, 2, 4];

/** Transcript domain and the statement's label. */
export const INFERENCE_LABELS = { domain: "deepprove.inference", statement: "proof.statement", advice: "proof.advice", output: "proof.output" } as const;

/** What one proof proves: model `digest`, run by `prover`, maps `input` to `output` (packed tensors). */
export interface InferenceStatement {
  /** The model digest: 0x + 64 hex digits (keccak256 of the model statement). */
  readonly digest: string;
  /** The prover's address (bound into the proof, so a proof cannot be claimed by another address). */
  readonly prover: `0x${string}`;
  readonly input: Uint8Array;
  readonly output: Uint8Array;
}

/** The value range a model declares for a public tensor, and the width it is packed at. */
export interface PublicRange {
  /** Smallest and largest value (inclusive). */
  readonly lo: number;
  readonly hi: number;
  /** Bytes per value: the fewest of 1, 2, 4 whose two's complement range holds [lo, hi]. */
  readonly width: PublicWidth;
}

/** A tensor's name and shape, as the model declares it, with its declared range and width. */
export interface PackedTensorInfo extends PublicRange {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The fewest whole bytes (1, 2 or 4) whose two's complement range holds [lo, hi]. @throws {RangeError} past int32 */
export function widthFor(lo: number, hi: number): PublicWidth {
  const width = WIDTHS.find((w) => lo >= -(2 ** (8 * w - 1)) && hi < 2 ** (8 * w - 1));
  if (width === undefined || lo > hi) throw new RangeError(`no public width holds the range [${lo}, ${hi}]`);
  return width;
}

/**
 * The range a quantized model declares for a graph input or output of `dtype` (docs/quantization.md): a float
 * value is a b-bit activation, [−2^(b−1), 2^(b−1) − 1]; a bool one 0 or 1; any other integer an int32.
 */
export function publicRange(dtype: DType | string, bits: number): PublicRange {
  if (isFloatType(dtype as DType)) return withWidth(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1);
  if (dtype === "bool") return withWidth(0, 1);
  return withWidth(-(2 ** 31), 2 ** 31 - 1);
}

/** The packing of a model's graph inputs or outputs (name, dtype, shape) quantized at `bits`. */
export function publicTensors(values: readonly { readonly name: string; readonly dtype: DType | string; readonly shape: readonly number[] }[], bits: number): PackedTensorInfo[] {
  return values.map((v) => ({ name: v.name, shape: [...v.shape], ...publicRange(v.dtype, bits) }));
}

/** Bytes of the packed tensors. */
export function packedBytes(infos: readonly PackedTensorInfo[]): number {
  return infos.reduce((n, info) => n + info.width * sizeOf(info.shape), 0);
}

/**
 * Packs integer tensors (graph order) at their widths; refuses a wrong size or a value outside the tensor's
 * declared range, naming the tensor and the index. @throws {ProverInputError}
 */
export function packTensors(values: readonly { readonly data: ArrayLike<number> }[], infos: readonly PackedTensorInfo[]): Uint8Array {
  if (values.length !== infos.length) throw new ProverInputError(`packTensors: ${values.length} tensors, the model has ${infos.length}`);
  const out = new Uint8Array(packedBytes(infos));
  const view = new DataView(out.buffer);
  let at = 0;
  infos.forEach((info, i) => {
    const data = values[i].data;
    if (data.length !== sizeOf(info.shape)) {
      throw new ProverInputError(`packTensors: "${info.name}" has ${data.length} values, its shape [${info.shape.join(", ")}] needs ${sizeOf(info.shape)}`);
    }
    for (let k = 0; k < data.length; k++, at += info.width) {
      const v = data[k];
      if (!Number.isInteger(v) || v < info.lo || v > info.hi) {
        throw new ProverInputError(`packTensors: "${info.name}"[${k}] = ${v} is outside its declared range [${info.lo}, ${info.hi}] (${info.width}-byte values)`);
      }
      if (info.width === 1) view.setInt8(at, v);
      else if (info.width === 2) view.setInt16(at, v, false);
      else view.setInt32(at, v, false);
    }
  });
  return out;
}

/** Unpacks bytes made by {@link packTensors} (sign-extending each value); refuses a byte string of the wrong length. */
export function unpackTensors(bytes: Uint8Array, infos: readonly PackedTensorInfo[]): { name: string; shape: number[]; data: Int32Array }[] {
  const total = packedBytes(infos);
  if (bytes.length !== total) {
    throw new ProverInputError(`packed tensors: ${bytes.length} bytes, the model's ${infos.map((i) => `"${i.name}"`).join(", ") || "(none)"} need ${total}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  return infos.map((info) => {
    const data = new Int32Array(sizeOf(info.shape));
    for (let k = 0; k < data.length; k++, at += info.width) {
      data[k] = info.width === 1 ? view.getInt8(at) : info.width === 2 ? view.getInt16(at, false) : view.getInt32(at, false);
    }
    return { name: info.name, shape: [...info.shape], data };
  });
}

/** Checks the statement's fields (digest and address formats). @throws {ProverInputError} */
export function checkStatement(statement: InferenceStatement): void {
  if (!/^0x[0-9a-f]{64}$/.test(statement.digest)) throw new ProverInputError(`statement: digest ${JSON.stringify(statement.digest)} is not 0x + 64 lowercase hex digits`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(statement.prover)) throw new ProverInputError(`statement: prover address ${JSON.stringify(statement.prover)} is not 0x + 40 hex digits`);
  if (!(statement.input instanceof Uint8Array) || !(statement.output instanceof Uint8Array)) throw new ProverInputError("statement: input and output must be byte strings");
}

/**
 * The first absorb of every proof: digest, prover address left-padded to 32 bytes, keccak256(input),
 * keccak256(output) — four words under "proof.statement".
 */
export function absorbStatement(transcript: Transcript, statement: InferenceStatement): void {
  checkStatement(statement);
  const digest = Buffer.from(statement.digest.slice(2), "hex");
  const prover = new Uint8Array(32);
  prover.set(Buffer.from(statement.prover.slice(2), "hex"), 12);
  transcript.absorbWords(INFERENCE_LABELS.statement, [new Uint8Array(digest), prover, keccak_256(statement.input), keccak_256(statement.output)]);
}

function withWidth(lo: number, hi: number): PublicRange {
  return { lo, hi, width: widthFor(lo, hi) };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
