/**
 * The byte writer of verifier programs: fixed-width big-endian integers, 32-byte field constants and point
 * gathers, read back by `contracts/verifier/layers/Program.sol`. Spec: docs/verifier-gen.md ("Program").
 */
import * as Fr from "../../field/fr";

/** A program (or program fragment) that cannot be encoded: a value out of its field's range. */
export class ProgramError extends Error {
  override readonly name = "ProgramError";
}

/** Largest pool a gather can index (u8 indices). */
export const MAX_POOL = 256;

/** Appends program fields; `bytes()` returns the program. */
export class ProgramWriter {
  private readonly parts: number[] = [];

  /** An unsigned integer of `size` bytes, big-endian. */
  uint(value: number, size: number, what: string): this {
    if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
      throw new ProgramError(`${what}: ${value} does not fit ${size} unsigned byte(s)`);
    }
    for (let i = size - 1; i >= 0; i--) this.parts.push(Math.floor(value / 2 ** (8 * i)) % 256);
    return this;
  }

  u8(value: number, what: string): this {
    return this.uint(value, 1, what);
  }

  u16(value: number, what: string): this {
    return this.uint(value, 2, what);
  }

  u32(value: number, what: string): this {
    return this.uint(value, 4, what);
  }

  /** A 32-byte word: a canonical field element. */
  word(value: bigint, what: string): this {
    Fr.assertFr(value, what);
    for (let i = 31; i >= 0; i--) this.parts.push(Number((value >> BigInt(8 * i)) & 0xffn));
    return this;
  }

  /** A 32-byte word that is not a field element (a hash, a digest, a curve coordinate): any 256-bit value. */
  rawWord(value: bigint, what: string): this {
    if (value < 0n || value >= 1n << 256n) throw new ProgramError(`${what}: ${value} does not fit 32 bytes`);
    for (let i = 31; i >= 0; i--) this.parts.push(Number((value >> BigInt(8 * i)) & 0xffn));
    return this;
  }

  /** Raw bytes (another fragment). */
  append(bytes: Uint8Array): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  /** A gather: u8 count, then the u8 pool index of every coordinate. */
  gather(indices: readonly number[], what: string): this {
    this.u8(indices.length, `${what}: coordinate count`);
    indices.forEach((i, j) => this.u8(i, `${what}: coordinate ${j}`));
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/**
 * Symbolic points. The layer geometry (axis splits, transposes, broadcasts) only moves coordinates around, so
 * running it on marker values instead of field elements reveals which coordinate of which known vector each
 * handed-on coordinate is: `symbols(offset, n)` are the markers of pool positions offset … offset + n − 1, and
 * `poolIndices` maps a point built from them back to those positions.
 */
const MARKER = 1n << 300n;

/** n markers for pool positions offset, offset + 1, … */
export function symbols(offset: number, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => MARKER + BigInt(offset + i));
}

/** The pool positions of a point made of markers. @throws {ProgramError} if a coordinate is not a marker */
export function poolIndices(point: readonly bigint[], what: string): number[] {
  return point.map((x, j) => {
    const i = x - MARKER;
    if (i < 0n || i >= BigInt(MAX_POOL)) throw new ProgramError(`${what}: coordinate ${j} is not a pool coordinate`);
    return Number(i);
  });
}
