/**
 * The model polynomial: every weight tensor of a model laid out in ONE multilinear table, committed once.
 *
 * Each weight tensor has its axis-padded table (./tensor.ts) of 2^{n_T} entries. Tensors are placed in order
 * of decreasing size (ties by name), each at the next free offset; since every size is a power of two and
 * sizes decrease, every offset is a multiple of the tensor's own size. The tensor is then the sub-cube of the
 * model polynomial whose high variables x_{n_T} .. x_{n−1} equal the bits of offset / 2^{n_T}:
 *
 *     model~(p ‖ sel_T) = T~(p)        for every point p of n_T coordinates,
 *
 * so a claim on T at p is a claim on the model polynomial at (p ‖ sel_T). (The batch opening's own lifting
 * appends zeros, which would select the slot at offset 0 only — hence this helper.)
 *
 * Spec: docs/prover.md ("Model commitment").
 */
import { LayoutError, layoutOf, paddedTable, type TensorLayout } from "./tensor";

/** One weight tensor's place in the model polynomial. */
export interface WeightSlot {
  readonly name: string;
  readonly layout: TensorLayout;
  /** First index of the slot in the model table; a multiple of layout.paddedSize. */
  readonly offset: number;
}

/** Where every weight tensor lives in the model polynomial. */
export interface ModelPolyLayout {
  /** Slots in placement order (decreasing size, then name). */
  readonly slots: readonly WeightSlot[];
  /** Variables of the model polynomial: ceil(log2(total slot size)), 0 when empty or one entry. */
  readonly numVars: number;
}

/** A claim on a named weight tensor: T~(point) = value, point in T's own layout. */
export interface WeightClaim {
  readonly tensor: string;
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** Lays out weight tensors (name, shape) in the model polynomial. Names must be distinct. */
export function modelPolyLayout(weights: readonly { readonly name: string; readonly shape: readonly number[] }[]): ModelPolyLayout {
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.name)) throw new LayoutError(`model layout: weight "${w.name}" appears twice`);
    seen.add(w.name);
  }
  const sorted = weights
    .map((w) => ({ name: w.name, layout: layoutOf(w.shape) }))
    .sort((a, b) => b.layout.paddedSize - a.layout.paddedSize || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let offset = 0;
  const slots: WeightSlot[] = sorted.map((s) => {
    const slot = { ...s, offset };
    offset += s.layout.paddedSize;
    return slot;
  });
  let numVars = 0;
  while (2 ** numVars < offset) numVars++;
  return { slots, numVars };
}

/** The slot of weight `name`. */
export function slotOf(layout: ModelPolyLayout, name: string): WeightSlot {
  const slot = layout.slots.find((s) => s.name === name);
  if (!slot) throw new LayoutError(`model layout: no weight named "${name}" (have: ${layout.slots.map((s) => s.name).join(", ") || "none"})`);
  return slot;
}

/**
 * The model table: every weight's padded integer table at its slot, zeros elsewhere (length 2^numVars).
 * @param data integer data of every weight, by name (row-major, as in the model IR)
 */
export function modelPolyTable(layout: ModelPolyLayout, data: (name: string) => ArrayLike<number>): bigint[] {
  const out = new Array<bigint>(2 ** layout.numVars).fill(0n);
  for (const slot of layout.slots) {
    const t = paddedTable(slot.layout, data(slot.name), `weight "${slot.name}"`);
    for (let i = 0; i < t.length; i++) out[slot.offset + i] = t[i];
  }
  return out;
}

/** The selector coordinates of a slot: the bits of offset / 2^{n_T}, little-endian, as 0/1 field elements. */
export function slotSelector(layout: ModelPolyLayout, slot: WeightSlot): bigint[] {
  const high = layout.numVars - slot.layout.numVars;
  const index = slot.offset / slot.layout.paddedSize;
  return Array.from({ length: high }, (_, j) => (Math.floor(index / 2 ** j) % 2 === 1 ? 1n : 0n));
}

/** The claim on the model polynomial equivalent to a claim on one of its weight tensors. */
export function liftWeightClaim(layout: ModelPolyLayout, claim: WeightClaim): { point: bigint[]; value: bigint } {
  const slot = slotOf(layout, claim.tensor);
  if (claim.point.length !== slot.layout.numVars) {
    throw new LayoutError(`weight claim on "${claim.tensor}": point has ${claim.point.length} coordinates, the tensor has ${slot.layout.numVars} variables`);
  }
  return { point: [...claim.point, ...slotSelector(layout, slot)], value: claim.value };
}
