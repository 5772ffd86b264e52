/**
 * {@link G1Bases}: a fixed list of G1 points (an SRS, say) prepared once for many MSMs.
 *
 * Two interchangeable representations, each built lazily and then kept: noble points (what the portable
 * backend and callers of {@link G1Bases.at} use) and Montgomery affine bytes (what the native kernels read
 * directly, 64 bytes per point — the same layout as a `.ptau` file, so ceremony points load without
 * conversion). A set built from bytes never materializes 2^20 point objects unless someone asks for them.
 */
import { BASE_FIELD_MODULUS, type G1Point } from "../curve/bn254";
import {
  POINT_BYTES,
  canonicalPointAt,
  canonicalToMontgomeryPortable,
  montgomeryToCanonicalPortable,
  pointsToCanonicalBytes,
  readWordLE,
  WORD_BYTES,
} from "./layout";
import { loadNative } from "./native";

/** Options of {@link G1Bases.fromMontgomeryBytes}. */
export interface FromBytesOptions {
  /**
   * Skip the on-curve and range checks. Only for bytes this process produced itself (native kernels);
   * never for bytes read from a file.
   */
  readonly trusted?: boolean;
  /** Names the source in error messages (a file name, say). */
  readonly source?: string;
}

/** A fixed list of G1 points (an SRS, say), prepared once for repeated MSMs. */
export class G1Bases {
  #points: readonly G1Point[] | undefined;
  #mont: Uint8Array | undefined;
  readonly #length: number;

  private constructor(length: number, points: readonly G1Point[] | undefined, mont: Uint8Array | undefined) {
    this.#length = length;
    this.#points = points;
    this.#mont = mont;
  }

  /** Prepares bases from points (copied). */
  static fromPoints(points: readonly G1Point[]): G1Bases {
    return new G1Bases(points.length, [...points], undefined);
  }

  /**
   * Bases from Montgomery affine bytes: n × 64 bytes, x ‖ y as little-endian 64-bit limbs of v·2^256 mod p,
   * (0, 0) for infinity. Every point is checked to be reduced and on the curve (G1 has cofactor 1, so that
   * is also the subgroup check) unless `trusted`. The bytes are not copied: do not modify them afterwards.
   */
  static fromMontgomeryBytes(bytes: Uint8Array, options: FromBytesOptions = {}): G1Bases {
    const where = options.source ? `${options.source}: ` : "";
    if (bytes.length % POINT_BYTES !== 0) {
      throw new RangeError(`${where}G1 point bytes: length ${bytes.length} is not a multiple of ${POINT_BYTES}`);
    }
    if (!options.trusted) {
      const bad = firstInvalidPoint(bytes);
      if (bad >= 0) {
        throw new RangeError(
          `${where}G1 point ${bad} (byte offset ${bad * POINT_BYTES}) is not a valid BN254 G1 point ` +
            "(coordinate not reduced modulo p, or not on the curve)",
        );
      }
    }
    return new G1Bases(bytes.length / POINT_BYTES, undefined, bytes);
  }

  get length(): number {
    return this.#length;
  }

  /** The i-th base point. */
  at(i: number): G1Point {
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new RangeError(`G1Bases.at: index ${i} outside 0..${this.#length - 1}`);
    }
    if (this.#points) return this.#points[i];
    return canonicalPointAt(toCanonical(this.#mont!.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES)), 0);
  }

  /** The first `n` bases as a new set (a smaller SRS); shares storage with this one. */
  prefix(n: number): G1Bases {
    if (!Number.isInteger(n) || n < 0 || n > this.#length) {
      throw new RangeError(`G1Bases.prefix: ${n} is not in 0..${this.#length}`);
    }
    return new G1Bases(n, this.#points?.slice(0, n), this.#mont?.subarray(0, n * POINT_BYTES));
  }

  /** All points as noble points (materialized once, then cached). */
  toPoints(): readonly G1Point[] {
    if (!this.#points) {
      const canonical = toCanonical(this.#mont!);
      const points = new Array<G1Point>(this.#length);
      for (let i = 0; i < this.#length; i++) points[i] = canonicalPointAt(canonical, i);
      this.#points = points;
    }
    return this.#points;
  }

  /** All points as Montgomery affine bytes (n × 64; computed once, then cached). Do not modify. */
  montgomeryBytes(): Uint8Array {
    if (!this.#mont) {
      const canonical = pointsToCanonicalBytes(this.#points!);
      const native = loadNative();
      this.#mont = native ? native.pointsToMontgomery(canonical) : canonicalToMontgomeryPortable(canonical);
    }
    return this.#mont;
  }
}

function toCanonical(mont: Uint8Array): Uint8Array {
  const native = loadNative();
  return native ? native.pointsFromMontgomery(mont) : montgomeryToCanonicalPortable(mont);
}

/**
 * Index of the first point of Montgomery affine bytes (n × 64) with a coordinate >= p or off the curve, or
 * -1 when all are valid (infinity, (0, 0), counts as valid).
 */
export function firstInvalidPoint(mont: Uint8Array): number {
  const native = loadNative();
  if (native) return native.checkPoints(mont);
  const canonical = montgomeryToCanonicalPortable(mont);
  for (let i = 0; i * POINT_BYTES < mont.length; i++) {
    // Unreduced Montgomery words would alias reduced ones after conversion: check the raw words first.
    const offset = i * POINT_BYTES;
    if (readWordLE(mont, offset) >= BASE_FIELD_MODULUS || readWordLE(mont, offset + WORD_BYTES) >= BASE_FIELD_MODULUS) {
      return i;
    }
    try {
      canonicalPointAt(canonical, i).assertValidity();
    } catch {
      return i;
    }
  }
  return -1;
}
