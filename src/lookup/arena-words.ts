/**
 * bigint[] → packed Fr words (32-byte little-endian, the native kernels' layout) with a JavaScript fast path for
 * small values. Witness tables are mostly limbs, flags and counts below 2^64: storing those into a BigUint64Array
 * costs ≈ 15–25 ns an entry where the addon's `frFromBigints` (two N-API calls per entry) costs ≈ 100 ns. The first
 * value outside [0, 2^64) hands the whole vector to `frFromBigints` (which checks canonicity and names the entry),
 * so the result is always the same words.
 */
import type { NativeKernels } from "../msm";

const TWO_64 = 1n << 64n;

/** `size` words: `values` (canonical bigints), then zeros — the words of `native.frFromBigints(values, size)`. */
export function packFrWords(native: Pick<NativeKernels, "frFromBigints">, values: readonly bigint[], size: number): Uint8Array {
  if (!Number.isInteger(size) || size < values.length) return native.frFromBigints(values, size); // its RangeError
  const limbs = new BigUint64Array(4 * size);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "bigint" || v < 0n || v >= TWO_64) return native.frFromBigints(values, size);
    limbs[4 * i] = v;
  }
  return new Uint8Array(limbs.buffer);
}
