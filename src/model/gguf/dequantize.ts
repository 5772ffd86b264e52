/**
 * Dequantization of GGML tensor data to float: F32, F16, Q8_0, Q4_0 and Q4_K.
 *
 * This is import-time work only: the floats produced here are re-quantized with the project's own scheme
 * (symmetric, per tensor) before anything is proved, so they never enter the proved path.
 *
 * Block layouts (little-endian, from GGML's block structs; `f16` is IEEE-754 binary16):
 * - Q8_0, 32 elements in 34 bytes: `d: f16`, `q: int8[32]`;               x[j] = d·q[j].
 * - Q4_0, 32 elements in 18 bytes: `d: f16`, `qs: u8[16]`;                x[j] = d·((qs[j] & 15) − 8),
 *   x[j+16] = d·((qs[j] >> 4) − 8) for j < 16 (low nibbles hold the first half of the block).
 * - Q4_K, 256 elements in 144 bytes: `d: f16`, `dmin: f16`, `scales: u8[12]`, `qs: u8[128]`. Eight
 *   sub-blocks of 32 each have a 6-bit scale `sc` and a 6-bit min `m` packed in `scales` (see
 *   {@link q4kScaleMin}); x = d·sc·q − dmin·m with q a 4-bit value. The 128 `qs` bytes are four groups of 32:
 *   group g's low nibbles are sub-block 2g, its high nibbles sub-block 2g+1.
 */
import { GgmlType, QK_K, ggmlTypeInfo, ggmlTypeName } from "./ggml-types";

const Q8_0_BLOCK = 32;
const Q4_0_BLOCK = 32;
/** Q4_0 stores `q + 8` in a nibble: the offset that centres 0..15 on zero. */
const Q4_0_OFFSET = 8;
const Q4_K_SCALES_BYTES = 12;
const Q4_K_SUB_BLOCK = 32;
const SIX_BITS = 63;

/** Converts an IEEE-754 binary16 bit pattern to a number (exact: every half is a double). */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal (and ±0)
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * The 6-bit scale and min of Q4_K sub-block `j` (0..7) from the 12 packed bytes `s` at `offset`.
 * Sub-blocks 0–3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4–7 combine a nibble of byte
 * j+4 with the top 2 bits of bytes j−4 (scale) and j (min).
 */
export function q4kScaleMin(s: Uint8Array, offset: number, j: number): [scale: number, min: number] {
  if (j < 4) return [s[offset + j] & SIX_BITS, s[offset + j + 4] & SIX_BITS];
  const scale = (s[offset + j + 4] & 0x0f) | ((s[offset + j - 4] >> 6) << 4);
  const min = (s[offset + j + 4] >> 4) | ((s[offset + j] >> 6) << 4);
  return [scale, min];
}

/** Bytes `count` elements of GGML type `type` occupy; throws for an unknown type or a partial block. */
export function ggmlByteLength(type: number, count: number): number {
  const info = ggmlTypeInfo(type);
  if (!info) throw new Error(`unknown GGML type ${type}`);
  if (count % info.blockSize !== 0) {
    throw new Error(`${info.name} stores blocks of ${info.blockSize} elements; ${count} is not a multiple`);
  }
  return (count / info.blockSize) * info.typeSize;
}

/**
 * Decodes `count` elements of GGML type `type` from `bytes` (exactly {@link ggmlByteLength} long).
 * Arithmetic is in float64 from exact f16 values, so results equal GGML's float32 ones up to float32
 * rounding of the final product.
 * @throws Error for a type outside F32/F16/Q8_0/Q4_0/Q4_K, a wrong byte length or a partial block.
 */
export function dequantize(type: number, bytes: Uint8Array, count: number): Float64Array {
  const expected = ggmlByteLength(type, count);
  if (bytes.length !== expected) {
    throw new Error(`${ggmlTypeName(type)} data for ${count} elements must be ${expected} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  switch (type) {
    case GgmlType.F32:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case GgmlType.F16:
      for (let i = 0; i < count; i++) out[i] = f16ToNumber(view.getUint16(2 * i, true));
      return out;
    case GgmlType.Q8_0:
      return dequantizeQ8_0(view, out);
    case GgmlType.Q4_0:
      return dequantizeQ4_0(bytes, view, out);
    case GgmlType.Q4_K:
      return dequantizeQ4K(bytes, view, out);
    default:
      throw new Error(`cannot dequantize GGML type ${ggmlTypeName(type)}; supported: F32, F16, Q8_0, Q4_0, Q4_K`);
  }
}

function dequantizeQ8_0(view: DataView, out: Float64Array): Float64Array {
  const blockBytes = 2 + Q8_0_BLOCK;
  for (let b = 0; b < out.length / Q8_0_BLOCK; b++) {
    const base = b * blockBytes;
    const d = f16ToNumber(view.getUint16(base, true));
    for (let j = 0; j < Q8_0_BLOCK; j++) out[b * Q8_0_BLOCK + j] = d * view.getInt8(base + 2 + j);
  }
  return out;
}

function dequantizeQ4_0(bytes: Uint8Array, view: DataView, out: Float64Array): Float64Array {
  const half = Q4_0_BLOCK / 2;
  const blockBytes = 2 + half;
  for (let b = 0; b < out.length / Q4_0_BLOCK; b++) {
    const base = b * blockBytes;
    const d = f16ToNumber(view.getUint16(base, true));
    for (let j = 0; j < half; j++) {
      const q = bytes[base + 2 + j];
      out[b * Q4_0_BLOCK + j] = d * ((q & 0x0f) - Q4_0_OFFSET);
      out[b * Q4_0_BLOCK + j + half] = d * ((q >> 4) - Q4_0_OFFSET);
    }
  }
  return out;
}

function dequantizeQ4K(bytes: Uint8Array, view: DataView, out: Float64Array): Float64Array {
  const blockBytes = 4 + Q4_K_SCALES_BYTES + QK_K / 2;
  for (let b = 0; b < out.length / QK_K; b++) {
    const base = b * blockBytes;
    const d = f16ToNumber(view.getUint16(base, true));
    const dmin = f16ToNumber(view.getUint16(base + 2, true));
    const scales = base + 4;
    const qs = scales + Q4_K_SCALES_BYTES;
    for (let group = 0; group < QK_K / (2 * Q4_K_SUB_BLOCK); group++) {
      const [scLo, mLo] = q4kScaleMin(bytes, scales, 2 * group);
      const [scHi, mHi] = q4kScaleMin(bytes, scales, 2 * group + 1);
      const outBase = b * QK_K + group * 2 * Q4_K_SUB_BLOCK;
      for (let l = 0; l < Q4_K_SUB_BLOCK; l++) {
        const q = bytes[qs + group * Q4_K_SUB_BLOCK + l];
        out[outBase + l] = d * scLo * (q & 0x0f) - dmin * mLo;
        out[outBase + Q4_K_SUB_BLOCK + l] = d * scHi * (q >> 4) - dmin * mHi;
      }
    }
  }
  return out;
}
