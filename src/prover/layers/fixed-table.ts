/**
 * `fixVariables(paddedTable(layout, data), assignment)` — an integer tensor's padded table with some variables
 * fixed to challenges, the table a matrix product sums over — on packed words in the native kernels when the
 * fixed variables are one block: above the lowest variable (at the top, or in the middle with free batch variables
 * above it: per value of those, a linear combination of the slice's rows by eq weights, `frLinearCombination`,
 * reading only the slice's real rows) or at the bottom (in-place bindings of the lowest variable, `arenaBind`).
 * The bigint path builds the whole 2^n-entry table as bigints and binds it entry by entry; here the integers go
 * straight into packed words and only the small result becomes bigints. The result is the same multilinear
 * extension's partial evaluation, so the same canonical values (test/prover/fixed-table.test.ts).
 */
import { MODULUS } from "../../field/fr";
import { threadCount } from "../../msm/backend";
import { eqTable } from "../../poly/mle";
import { NATIVE_PRODUCT_SUMCHECK_MIN } from "../../sumcheck/packed-product";
import type { SumcheckTable } from "../../sumcheck/prover";
import { loadWalkKernels, type NativeWalkKernels } from "../../sumcheck/walk-native";
import { fixVariables, paddedTable, type TensorLayout } from "../tensor";

/** Bytes of one packed Fr word. */
const WORD_BYTES = 32;
/** 2^32, the limb base of the packing. */
const LIMB = 2 ** 32;
/** r in eight little-endian 32-bit limbs (negative integers are packed as r − |v|). */
const MODULUS_LIMBS = Array.from({ length: 8 }, (_, i) => Number((MODULUS >> BigInt(32 * i)) & 0xffffffffn));

/**
 * The padded table of `data` (row-major over `layout.shape`) with the variables j where `assignment[j]` is not
 * null fixed to it, highest variable first as {@link fixVariables} does. Native when possible, else the bigint path
 * (which also names bad data).
 */
export function fixedTable(layout: TensorLayout, data: ArrayLike<number>, assignment: readonly (bigint | null)[], what: string): bigint[] {
  const native = loadWalkKernels();
  const packed = native ? fixPacked(native, layout, data, assignment) : undefined;
  return packed ?? fixVariables(paddedTable(layout, data, what), assignment);
}

/** The packed path, or undefined when the fixed variables are not one contiguous block or the data is not plain. */
function fixPacked(native: NativeWalkKernels, layout: TensorLayout, data: ArrayLike<number>, assignment: readonly (bigint | null)[]): bigint[] | undefined {
  const n = layout.numVars;
  if (assignment.length !== n || data.length !== layout.shape.reduce((p, d) => p * d, 1)) return undefined;
  const fixed = assignment.flatMap((r, j) => (r === null ? [] : [j]));
  if (fixed.length === 0 || fixed.length === n) return undefined;
  if (!fixed.every((j, i) => j === fixed[0] + i)) return undefined;
  const words = packIntegers(layout, data);
  if (!words) return undefined;
  const threads = threadCount();
  if (fixed[0] > 0) {
    // The block sits above the low free variables (at the top, or in the middle: a batch above it). For each value
    // of the high free variables, row ρ of the block is the words [ρ·L, (ρ+1)·L) of that slice (L = 2^low), and
    // the slice's result is Σ_ρ eq(ρ)·row ρ; rows past the slice's last non-zero word add nothing.
    const rowWords = 2 ** fixed[0];
    const eq = eqTable(fixed.map((j) => assignment[j]!));
    const sliceWords = rowWords * eq.length;
    const slices = 2 ** (n - 1 - fixed[fixed.length - 1]);
    const out: bigint[] = [];
    for (let h = 0; h < slices; h++) {
      const slice = words.subarray(h * sliceWords * WORD_BYTES, (h + 1) * sliceWords * WORD_BYTES);
      const rows = Math.min(eq.length, Math.ceil(lastNonZeroWord(slice) / rowWords) || 1);
      const vectors = Array.from({ length: rows }, (_, row) => slice.subarray(row * rowWords * WORD_BYTES, (row + 1) * rowWords * WORD_BYTES));
      for (const v of native.frToBigints(native.frLinearCombination(vectors, eq.slice(0, rows), threads))) out.push(v);
    }
    return out;
  }
  let len = 2 ** n;
  for (const j of fixed) {
    native.arenaBind([words], len, assignment[j]!, threads, true);
    len /= 2;
  }
  return native.frToBigints(words.subarray(0, len * WORD_BYTES));
}

/**
 * The padded table of an integer tensor as a sum-check takes it: packed canonical words when the native walk
 * kernels run and the table is large enough for the packed prover (`proveSumcheck` then packs nothing), else
 * {@link paddedTable}'s bigints. The same values either way.
 * @throws {LayoutError} (from paddedTable) when the data does not fit the layout or a value is not an integer
 */
export function integerTable(layout: TensorLayout, data: ArrayLike<number>, what: string): SumcheckTable {
  const native = layout.paddedSize >= NATIVE_PRODUCT_SUMCHECK_MIN ? loadWalkKernels() : undefined;
  const sized = data.length === layout.shape.reduce((p, d) => p * d, 1);
  return (native && sized ? packIntegers(layout, data) : undefined) ?? paddedTable(layout, data, what);
}

/**
 * The padded table of `data` as packed canonical words (zeros in the padding), or undefined when a value is not
 * a safe integer (the bigint path then names it).
 */
export function packIntegers(layout: TensorLayout, data: ArrayLike<number>): Uint8Array | undefined {
  const out = new Uint8Array(layout.paddedSize * WORD_BYTES);
  const limbs = new Uint32Array(out.buffer);
  const { shape, axes } = layout;
  const rank = shape.length;
  if (shape.some((d) => d === 0)) return out;
  const last = rank === 0 ? 1 : shape[rank - 1];
  const lastStride = rank === 0 ? 1 : 2 ** axes[rank - 1].start;
  const strides = axes.map((a) => 2 ** a.start);
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let flat = 0; flat < data.length; flat += last) {
    let base = 0;
    for (let a = 0; a < rank - 1; a++) base += idx[a] * strides[a];
    for (let i = 0; i < last; i++) {
      const v = data[flat + i];
      if (!Number.isSafeInteger(v)) return undefined;
      if (v !== 0) writeInteger(limbs, 8 * (base + i * lastStride), v);
    }
    for (let a = rank - 2; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Writes the safe integer v as a canonical Fr word (r − |v| when negative) at limb `at`. */
function writeInteger(limbs: Uint32Array, at: number, v: number): void {
  const m = Math.abs(v);
  const lo = m % LIMB;
  const hi = (m - lo) / LIMB;
  if (v > 0) {
    limbs[at] = lo;
    limbs[at + 1] = hi;
    return;
  }
  // r − m, limb by limb with a borrow (m has two limbs; r's limbs above are copied less the borrow).
  let borrow = 0;
  for (let i = 0; i < 8; i++) {
    const sub = (i === 0 ? lo : i === 1 ? hi : 0) + borrow;
    const d = MODULUS_LIMBS[i] - sub;
    limbs[at + i] = d < 0 ? d + LIMB : d;
    borrow = d < 0 ? 1 : 0;
  }
}

/** One past the index of the last non-zero word (0 for an all-zero vector). */
function lastNonZeroWord(words: Uint8Array): number {
  const limbs = new Uint32Array(words.buffer, words.byteOffset, words.length / 4);
  for (let w = words.length / WORD_BYTES - 1; w >= 0; w--) {
    for (let i = 0; i < 8; i++) if (limbs[8 * w + i] !== 0) return w + 1;
  }
  return 0;
}
