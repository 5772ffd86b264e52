/**
 * Slotted tables (src/poly/slots.ts) built straight into packed Fr vectors — n canonical 32-byte little-endian
 * words in one Uint8Array, the layout of the native kernels and the MSM — instead of `bigint[]`.
 *
 * Why: a whole-model proof's A and H reach 2^25 entries (stories260K at 128 positions). As bigints they live on
 * the V8 heap (≈ 56 bytes an entry with its pointer: 1.9 GB for H, past the default 4 GB heap together with the
 * arena's other vectors) and the batch opening packs them again; packed they are 32 bytes an entry, off the heap,
 * committed and opened as they are. Same field elements, so the same commitments and proof bytes.
 */
import { MODULUS } from "../field/fr";
import type { NativeKernels } from "../msm";
import { SlotError, type SlotLayout } from "../poly/slots";

/** Bytes of one packed word. */
const WORD = 32;

/**
 * The slotted table of `layout` as packed words (2^numVars of them): each table's values at its slot, zeros
 * elsewhere — the words of `slotTable(layout, values)`.
 * @throws {SlotError} when a table has the wrong length; RangeError (the native check) for a non-canonical value
 */
export function packedSlotTable(native: NativeKernels, layout: SlotLayout, values: (name: string) => readonly bigint[]): Uint8Array {
  const out = new Uint8Array(2 ** layout.numVars * WORD);
  for (const slot of layout.slots) {
    const v = values(slot.name);
    if (v.length !== 2 ** slot.numVars) throw new SlotError(`slot "${slot.name}": ${v.length} values, expected 2^${slot.numVars}`);
    out.set(native.frFromBigints(v, v.length), slot.offset * WORD);
  }
  return out;
}

/** Entries of a table given as bigints or as packed words. */
export function tableLength(table: readonly bigint[] | Uint8Array): number {
  return table instanceof Uint8Array ? table.length / WORD : table.length;
}

/** A table as bigints (packed words read back, each checked canonical); bigints are returned as they are. */
export function tableBigints(table: readonly bigint[] | Uint8Array): readonly bigint[] {
  if (!(table instanceof Uint8Array)) return table;
  const out = new Array<bigint>(table.length / WORD);
  for (let i = 0; i < out.length; i++) {
    let v = 0n;
    for (let b = WORD - 1; b >= 0; b--) v = (v << 8n) | BigInt(table[i * WORD + b]);
    if (v >= MODULUS) throw new RangeError(`packed table: word ${i} is not a canonical Fr element`);
    out[i] = v;
  }
  return out;
}
