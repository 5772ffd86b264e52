/**
 * Chunked commitments (docs/hyperkzg.md, "Chunked commitments"): a committed table of 2^n entries with n > c is
 * committed as K = 2^(n−c) chunks of 2^c entries — chunk k holds entries [k·2^c, (k+1)·2^c) — each with its own
 * HyperKZG commitment, low chunk first. With n ≤ c (or chunking off, c = null) it is one commitment, exactly as
 * before: the list has one element and every message and transcript word is unchanged.
 *
 * Why: the batch opening (./batch.ts) runs over as many variables as its largest polynomial. A polynomial in
 * chunks is many polynomials of 2^c entries, so the opening's folds and quotients are MSMs of 2^c, not 2^n.
 * Committing costs the same MSM work (K MSMs of 2^c instead of one of 2^n).
 *
 * Claims: a claim on the whole table at a point z whose coordinates z_c … z_{n−1} are all 0 or 1 (a slot of at
 * most 2^c entries: slots sit at offsets that are multiples of their own size, src/poly/slots.ts) is, with
 * k = Σ_j z_{c+j}·2^j, the claim "chunk k at (z_0 … z_{c−1}) has that value": f~(z) = f_k~(z_<c) on that sub-cube.
 * A claim with a non-boolean high coordinate would need the chunks' values and a recombination; the plans that
 * chunk never make one (the setup chooses c ≥ every slot of a chunked polynomial), so it is refused.
 */
import { G1, type G1Point } from "../curve/bn254";
import type { Transcript } from "../transcript";
import { commit as commitEvals } from "./hyperkzg";
import { commitCoefficients } from "./kzg";
import type { OpeningClaim } from "./batch";
import type { Srs } from "./srs";

/** Bytes of one packed Fr word. */
const WORD = 32;

/** Smallest and largest chunk width (log2 of entries) a plan may ask for. */
export const MIN_CHUNK_BITS = 1;
export const MAX_CHUNK_BITS = 32;

/** A table given as bigints or packed Fr words (src/pcs/packed-table.ts). */
export type CommittedTable = readonly bigint[] | Uint8Array;

/** Throws unless `chunkBits` is null (chunking off) or an integer in [MIN_CHUNK_BITS, MAX_CHUNK_BITS]. */
export function checkChunkBits(chunkBits: number | null, where = "chunk bits"): number | null {
  if (chunkBits === null) return null;
  if (!Number.isInteger(chunkBits) || chunkBits < MIN_CHUNK_BITS || chunkBits > MAX_CHUNK_BITS) {
    throw new RangeError(`${where}: ${chunkBits} is not an integer in [${MIN_CHUNK_BITS}, ${MAX_CHUNK_BITS}] (or null for unchunked)`);
  }
  return chunkBits;
}

/** Commitments of a polynomial of 2^numVars entries: 2^(numVars − c) chunks, or 1 (c null or numVars ≤ c). */
export function chunkCount(numVars: number, chunkBits: number | null): number {
  return chunkBits === null || numVars <= chunkBits ? 1 : 2 ** (numVars - chunkBits);
}

/**
 * The chunks of a table, low first: views of a packed table (no copy), slices of a bigint one; the table itself
 * when it is one chunk. A chunked table must have exactly 2^n entries (slotted tables do).
 */
export function tableChunks(table: CommittedTable, chunkBits: number | null): CommittedTable[] {
  const length = table instanceof Uint8Array ? table.length / WORD : table.length;
  if (chunkBits === null || length <= 2 ** chunkBits) return [table];
  const size = 2 ** chunkBits;
  if (length % size !== 0 || (length & (length - 1)) !== 0) {
    throw new RangeError(`chunked commitment: a table of ${length} entries is not a power of two above the 2^${chunkBits}-entry chunk`);
  }
  return Array.from({ length: length / size }, (_, k) =>
    table instanceof Uint8Array ? table.subarray(k * size * WORD, (k + 1) * size * WORD) : table.slice(k * size, (k + 1) * size),
  );
}

/** Commits a table as its chunks (see the file comment): one MSM of at most 2^c points per chunk. */
export function commitChunked(srs: Srs, table: CommittedTable, chunkBits: number | null): G1Point[] {
  return tableChunks(table, chunkBits).map((chunk) => (chunk instanceof Uint8Array ? commitCoefficients(srs, chunk) : commitEvals(srs, chunk)));
}

/** Absorbs a polynomial's chunk commitments under `label` (one point: exactly `absorbPoint(label, C)`). */
export function absorbChunked(transcript: Transcript, label: string, commitments: readonly G1Point[]): void {
  transcript.absorbPoints(label, commitments);
}

/** Throws RangeError naming `what` unless every chunk commitment is on the curve (or the point at infinity). */
export function assertChunksOnCurve(commitments: readonly G1Point[], what: string): void {
  commitments.forEach((c, k) => {
    try {
      if (!c.equals(G1.ZERO)) c.assertValidity();
    } catch {
      throw new RangeError(`${what}: chunk commitment ${k} is not a point on the curve`);
    }
  });
}

/**
 * Claims on whole polynomials (index p into `polys`: each one's variables n_p and chunk width) as claims on the
 * chunk list: polynomial p's chunks are consecutive, starting after every chunk of polynomials 0 … p−1. A claim
 * on an unchunked polynomial only has its index moved; a claim on a chunked one lands on the chunk its high
 * coordinates select, at its low c coordinates (the file comment). Points shorter than n_p are zero-extended
 * first, as the batch opening would.
 * @throws {RangeError} for a claim whose high coordinates are not all 0 or 1 (not inside one chunk)
 */
export function chunkClaims(claims: readonly OpeningClaim[], polys: readonly { readonly numVars: number; readonly chunkBits: number | null }[]): OpeningClaim[] {
  const first: number[] = [];
  let next = 0;
  for (const p of polys) {
    first.push(next);
    next += chunkCount(p.numVars, p.chunkBits);
  }
  return claims.map((c, i) => {
    const poly = polys[c.poly];
    if (poly === undefined) throw new RangeError(`chunked claims: claim ${i} refers to polynomial ${c.poly}, have ${polys.length}`);
    if (chunkCount(poly.numVars, poly.chunkBits) === 1) return { poly: first[c.poly], point: c.point, value: c.value };
    const n = poly.numVars;
    const c_ = poly.chunkBits!;
    if (c.point.length > n) throw new RangeError(`chunked claims: claim ${i} has ${c.point.length} coordinates, polynomial ${c.poly} has ${n} variables`);
    let chunk = 0;
    for (let j = n - 1; j >= c_; j--) {
      const x = j < c.point.length ? c.point[j] : 0n;
      if (x !== 0n && x !== 1n) {
        throw new RangeError(`chunked claims: claim ${i} on polynomial ${c.poly} is not inside one 2^${c_}-entry chunk (coordinate ${j} is not 0 or 1)`);
      }
      chunk = 2 * chunk + Number(x);
    }
    const low = c.point.slice(0, c_);
    return { poly: first[c.poly] + chunk, point: [...low, ...new Array<bigint>(c_ - low.length).fill(0n)], value: c.value };
  });
}
