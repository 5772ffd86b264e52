import type { PackedTensorInfo } from "../../src/prover/graph";

/**
 * Reading and overwriting one value of packed statement bytes (src/prover/graph/statement.ts: each tensor's values
 * big-endian two's complement of its width) for the tamper tests — including values outside the tensor's declared
 * range that its width still holds (a bool input of 2), which `packTensors` refuses by design.
 */

/** The byte offset and width of value `at` of tensor `tensor`. */
function locate(infos: readonly PackedTensorInfo[], tensor: number, at: number): { offset: number; width: number } {
  let offset = 0;
  for (let t = 0; t < tensor; t++) offset += infos[t].width * infos[t].shape.reduce((p, d) => p * d, 1);
  return { offset: offset + infos[tensor].width * at, width: infos[tensor].width };
}

/** Value `at` of tensor `tensor` (graph order) in `bytes`. */
export function packedValue(bytes: Uint8Array, infos: readonly PackedTensorInfo[], at: number, tensor = 0): number {
  const { offset, width } = locate(infos, tensor, at);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return width === 1 ? view.getInt8(offset) : width === 2 ? view.getInt16(offset, false) : view.getInt32(offset, false);
}

/** A copy of `bytes` with value `at` of tensor `tensor` set to `value` (wrapped to the tensor's width). */
export function withPackedValue(bytes: Uint8Array, infos: readonly PackedTensorInfo[], at: number, value: number, tensor = 0): Uint8Array {
  const out = bytes.slice();
  const { offset, width } = locate(infos, tensor, at);
  const view = new DataView(out.buffer);
  if (width === 1) view.setInt8(offset, (value << 24) >> 24);
  else if (width === 2) view.setInt16(offset, (value << 16) >> 16, false);
  else view.setInt32(offset, value | 0, false);
  return out;
}
