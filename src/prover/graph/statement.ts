/**
 * The public statement of one inference and its transcript absorb. The graph inputs / outputs travel as one
 * byte string each: every tensor in graph order, its integer values row-major as int32 big-endian two's
 * complement (4 bytes each, no header: shapes come from the model). These exact bytes are what the registry
 * and the on-chain verifier receive as `bytes input` / `bytes output` and what the statement absorb hashes.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { ProverInputError } from "./errors";
import type { Transcript } from "../../transcript";

/** Bytes per packed integer. */
export const PACKED_INT_BYTES = 4;

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

/** A tensor's name and shape, as the model declares it. */
export interface PackedTensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Packs integer tensors (graph order) as int32 big-endian; refuses a wrong size or a value outside int32. */
export function packTensors(values: readonly { readonly data: ArrayLike<number> }[], infos: readonly PackedTensorInfo[]): Uint8Array {
  if (values.length !== infos.length) throw new ProverInputError(`packTensors: ${values.length} tensors, the model has ${infos.length}`);
  const total = infos.reduce((n, info) => n + sizeOf(info.shape), 0);
  const out = new Uint8Array(total * PACKED_INT_BYTES);
  const view = new DataView(out.buffer);
  let at = 0;
  infos.forEach((info, i) => {
    const data = values[i].data;
    if (data.length !== sizeOf(info.shape)) {
      throw new ProverInputError(`packTensors: "${info.name}" has ${data.length} values, its shape [${info.shape.join(", ")}] needs ${sizeOf(info.shape)}`);
    }
    for (let k = 0; k < data.length; k++) {
      const v = data[k];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new ProverInputError(`packTensors: "${info.name}"[${k}] = ${v} is not an int32`);
      view.setInt32(at, v, false);
      at += PACKED_INT_BYTES;
    }
  });
  return out;
}

/** Unpacks bytes made by {@link packTensors}; refuses a byte string of the wrong length. */
export function unpackTensors(bytes: Uint8Array, infos: readonly PackedTensorInfo[]): { name: string; shape: number[]; data: Int32Array }[] {
  const total = infos.reduce((n, info) => n + sizeOf(info.shape), 0);
  if (bytes.length !== total * PACKED_INT_BYTES) {
    throw new ProverInputError(`packed tensors: ${bytes.length} bytes, the model's ${infos.map((i) => `"${i.name}"`).join(", ") || "(none)"} need ${total * PACKED_INT_BYTES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  return infos.map((info) => {
    const data = new Int32Array(sizeOf(info.shape));
    for (let k = 0; k < data.length; k++, at += PACKED_INT_BYTES) data[k] = view.getInt32(at, false);
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

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
