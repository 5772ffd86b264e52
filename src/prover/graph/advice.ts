/**
 * The advice polynomial A committed while the witness is still being computed (docs/gguf.md, "Session 9 (WI)").
 *
 * A is a slotted table (src/poly/slots.ts) committed as chunks of 2^c entries (src/pcs/chunked.ts). A chunk's
 * commitment is the MSM of its entries against the SRS, and an MSM is linear in its scalars: it is the sum,
 * over the slots inside the chunk, of each slot's MSM against the SRS powers at the slot's position in the
 * chunk (the zero entries between slots add nothing). So each slot is packed into A's words and its MSM queued
 * on the native worker thread (src/msm/queue.ts) the moment a witness handler sets it; the JS thread goes on
 * with the next node while the other core sums. {@link AdviceCommitter.finish} waits for the rest and adds the
 * slots' points per chunk: the same group elements as `commitChunked(srs, A, c)`, so the same commitments,
 * transcript and proof bytes.
 *
 * Without the native backend the slots are kept as bigints and committed at the end, as before.
 */
import { G1, type G1Point } from "../../curve/bn254";
import { MODULUS } from "../../field/fr";
import { selectedBackend } from "../../msm";
import { MsmQueue } from "../../msm/queue";
import { chunkCount, commitChunked, type CommittedTable } from "../../pcs/chunked";
import type { Srs } from "../../pcs/srs";
import { slotTable, type Slot, type SlotLayout } from "../../poly/slots";

/** Bytes of one packed Fr word; 64-bit words per Fr word. */
const WORD = 32;
const LIMBS = 4;
const TWO_64 = 1n << 64n;

/** Inputs of {@link AdviceCommitter}. */
export interface AdviceCommitterParameters {
  readonly layout: SlotLayout;
  readonly srs: Srs;
  /** The plan's chunk width (null: one commitment). */
  readonly chunkBits: number | null;
}

/** A committed: its table (packed words with the native backend) and its chunk commitments, low chunk first. */
export interface CommittedAdvice {
  readonly table: CommittedTable;
  readonly commitment: G1Point[];
}

/** Collects A's slots as the witness sets them and commits them (see the file comment). */
export class AdviceCommitter {
  private readonly slots: Map<string, Slot>;
  private readonly done = new Set<string>();
  /** Entries per chunk (2^c, or all of A when it is one chunk). */
  private readonly chunkSize: number;
  /** Native: A's packed words, their 64-bit view, the queue, and the chunk of every queued MSM. */
  private readonly packed: Uint8Array | null;
  private readonly words: BigUint64Array | null;
  private readonly queue: MsmQueue | null;
  private readonly jobChunks: number[] = [];
  /** Portable: the slots' tables, committed at the end. */
  private readonly tables = new Map<string, readonly bigint[]>();

  constructor(private readonly params: AdviceCommitterParameters) {
    const { layout, srs, chunkBits } = params;
    this.slots = new Map(layout.slots.map((s) => [s.name, s]));
    this.chunkSize = 2 ** layout.numVars / chunkCount(layout.numVars, chunkBits);
    if (this.chunkSize > srs.g1Powers.length) throw new RangeError(`KZG commit: ${this.chunkSize} coefficients but the SRS has ${srs.g1Powers.length} powers`);
    if (selectedBackend() === "native") {
      this.packed = new Uint8Array(2 ** layout.numVars * WORD);
      this.words = new BigUint64Array(this.packed.buffer);
      this.queue = new MsmQueue();
    } else {
      this.packed = null;
      this.words = null;
      this.queue = null;
    }
  }

  /**
   * Sets the advice column `name` (its padded table, canonical Fr values) and, natively, queues its MSMs.
   * @throws {RangeError} for a name outside A's layout, a second table for a column, a wrong length or a value
   * that is not a canonical Fr element
   */
  add(name: string, table: readonly bigint[]): void {
    const slot = this.slots.get(name);
    if (!slot) throw new RangeError(`advice column "${name}" is not in A's layout`);
    if (this.done.has(name)) throw new RangeError(`advice column "${name}" was set twice`);
    const size = 2 ** slot.numVars;
    if (table.length !== size) throw new RangeError(`advice column "${name}": ${table.length} values, expected 2^${slot.numVars}`);
    this.done.add(name);
    if (!this.words || !this.packed || !this.queue) {
      this.tables.set(name, table);
      return;
    }
    packInto(this.words, slot.offset, table, name);
    // A slot lies inside one chunk (slots sit at multiples of their size); the split is for a slot larger than one.
    for (let at = slot.offset; at < slot.offset + size; ) {
      const chunk = Math.floor(at / this.chunkSize);
      const end = Math.min(slot.offset + size, (chunk + 1) * this.chunkSize);
      this.queue.push(this.params.srs.g1Powers, at - chunk * this.chunkSize, this.packed.subarray(at * WORD, end * WORD));
      this.jobChunks.push(chunk);
      at = end;
    }
  }

  /**
   * A and its chunk commitments, once every column of the layout is set.
   * @throws {RangeError} naming a column that has no witness
   */
  finish(): CommittedAdvice {
    const missing = this.params.layout.slots.find((s) => !this.done.has(s.name));
    if (missing) throw new RangeError(`advice column "${missing.name}" has no witness`);
    const { layout, srs, chunkBits } = this.params;
    if (!this.packed || !this.queue) {
      const table = slotTable(layout, (name) => this.tables.get(name)!);
      this.tables.clear();
      return { table, commitment: commitChunked(srs, table, chunkBits) };
    }
    const points = this.queue.wait();
    const commitment = new Array<G1Point>(chunkCount(layout.numVars, chunkBits)).fill(G1.ZERO);
    points.forEach((p, j) => (commitment[this.jobChunks[j]] = commitment[this.jobChunks[j]].add(p)));
    return { table: this.packed, commitment };
  }

  /** Stops the queued MSMs (a witness that failed half-way). */
  close(): void {
    this.queue?.close();
  }
}

/**
 * Writes canonical Fr values as packed little-endian words from word `offset` on (the words are zero: only the
 * nonzero 64-bit limbs are written). Small values, the bulk of a witness, take one store.
 */
function packInto(words: BigUint64Array, offset: number, values: readonly bigint[], name: string): void {
  for (let i = 0, w = offset * LIMBS; i < values.length; i++, w += LIMBS) {
    const x = values[i];
    if (x >= 0n && x < TWO_64) {
      words[w] = x;
    } else if (x >= 0n && x < MODULUS) {
      // A BigUint64Array store keeps the low 64 bits.
      words[w] = x;
      words[w + 1] = x >> 64n;
      words[w + 2] = x >> 128n;
      words[w + 3] = x >> 192n;
    } else {
      throw new RangeError(`advice column "${name}": value ${i} is not a canonical Fr element (a bigint 0 <= x < r)`);
    }
  }
}
