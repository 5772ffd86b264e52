/**
 * Slotted multilinear polynomials: several named power-of-two tables laid out in ONE table of 2^n entries, so
 * one commitment covers them all.
 *
 * Tables are placed in order of decreasing size (ties by name, UTF-16 code-unit order), each at the next free
 * offset. Every size is a power of two and sizes never grow, so every offset is a multiple of the table's own
 * size: table T of 2^{n_T} entries at offset o is the sub-cube whose high variables x_{n_T} .. x_{n−1} are the
 * little-endian bits of o / 2^{n_T}. Hence, for every point p of n_T coordinates,
 *
 *     P~(p ‖ sel_T) = T~(p),      sel_T = bits of (o / 2^{n_T}), least significant first,
 *
 * and a claim on T at p is a claim on the slotted polynomial P at (p ‖ sel_T). The entries after the last slot
 * are zero. (`src/prover/model-poly.ts` lays out the model's weight tensors the same way.)
 */
import * as Fr from "../field/fr";

/** Largest slotted table (2^32 entries): offsets stay exact JavaScript integers far below 2^53. */
export const MAX_SLOTTED_VARS = 32;

/** A table to place: a unique name and its size 2^numVars. */
export interface SlotEntry {
  readonly name: string;
  readonly numVars: number;
}

/** A placed table. */
export interface Slot extends SlotEntry {
  /** First index in the slotted table; a multiple of 2^numVars. */
  readonly offset: number;
}

/** Where every table lives. */
export interface SlotLayout {
  /** In placement order (decreasing size, then name). */
  readonly slots: readonly Slot[];
  /** Variables of the slotted table: ceil(log2(sum of sizes)); 0 when empty or a single entry. */
  readonly numVars: number;
}

/** A malformed layout or a lookup of a name it does not have. */
export class SlotError extends Error {
  override readonly name = "SlotError";
}

/** Places the tables (names unique, numVars integers in [0, MAX_SLOTTED_VARS]). */
export function slotLayout(entries: readonly SlotEntry[]): SlotLayout {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new SlotError(`slot layout: "${e.name}" appears twice`);
    seen.add(e.name);
    if (!Number.isInteger(e.numVars) || e.numVars < 0 || e.numVars > MAX_SLOTTED_VARS) {
      throw new SlotError(`slot layout: "${e.name}" has ${e.numVars} variables, expected an integer in [0, ${MAX_SLOTTED_VARS}]`);
    }
  }
  const sorted = [...entries].sort(
    (a, b) => b.numVars - a.numVars || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  let offset = 0;
  const slots = sorted.map((e) => {
    const slot: Slot = { name: e.name, numVars: e.numVars, offset };
    offset += 2 ** e.numVars;
    return slot;
  });
  let numVars = 0;
  while (2 ** numVars < offset) numVars++;
  if (numVars > MAX_SLOTTED_VARS) throw new SlotError(`slot layout: ${offset} entries exceed 2^${MAX_SLOTTED_VARS}`);
  return { slots, numVars };
}

/** The slot named `name`. */
export function slotOf(layout: SlotLayout, name: string): Slot {
  const slot = layout.slots.find((s) => s.name === name);
  if (!slot) {
    const have = layout.slots.map((s) => `"${s.name}"`).join(", ") || "none";
    throw new SlotError(`slot layout: no slot named "${name}" (have: ${have})`);
  }
  return slot;
}

/** The selector coordinates of a slot: the bits of offset / 2^{n_T}, least significant first, as 0/1 in Fr. */
export function slotSelector(layout: SlotLayout, slot: Slot): bigint[] {
  const index = slot.offset / 2 ** slot.numVars;
  return Array.from({ length: layout.numVars - slot.numVars }, (_, j) =>
    Math.floor(index / 2 ** j) % 2 === 1 ? 1n : 0n,
  );
}

/** point ‖ selector of the slot named `name`: where the slotted polynomial equals that table at `point`. */
export function liftToSlot(layout: SlotLayout, name: string, point: readonly bigint[]): bigint[] {
  const slot = slotOf(layout, name);
  if (point.length !== slot.numVars) {
    throw new SlotError(`slot "${name}": point has ${point.length} coordinates, the table has ${slot.numVars} variables`);
  }
  return [...point, ...slotSelector(layout, slot)];
}

/**
 * The slotted table (2^numVars entries): each table's values at its slot, zeros elsewhere.
 * @param values the 2^{n_T} canonical values of the table named `name`
 */
export function slotTable(layout: SlotLayout, values: (name: string) => readonly bigint[]): bigint[] {
  const out = new Array<bigint>(2 ** layout.numVars).fill(0n);
  for (const slot of layout.slots) {
    const v = values(slot.name);
    if (v.length !== 2 ** slot.numVars) {
      throw new SlotError(`slot "${slot.name}": ${v.length} values, expected 2^${slot.numVars}`);
    }
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      // The check inline (no message string per entry: tables run to millions of entries).
      if (typeof x !== "bigint" || x < 0n || x >= Fr.MODULUS) Fr.assertFr(x, `slot "${slot.name}" entry ${i}`);
      out[slot.offset + i] = x;
    }
  }
  return out;
}
