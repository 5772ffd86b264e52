/**
 * Byte layouts shared by the native kernels, `.ptau` files and the portable path: 32-byte little-endian
 * words (four 64-bit limbs), points as x ‖ y with (0, 0) for infinity, optionally in Montgomery form
 * (v·2^256 mod p). The bigint conversions here are the portable (slow) path; the native kernels do the
 * same in bulk.
 */
import { normalizeZ } from "@noble/curves/abstract/curve";
import { BASE_FIELD_MODULUS, G1, type G1Point } from "../curve/bn254";

/** Bytes of one little-endian field word. */
export const WORD_BYTES = 32;
/** Bytes of one affine G1 point (x ‖ y). */
export const POINT_BYTES = 64;

/** 2^256 mod p: Montgomery form is v·R_MONT mod p. */
const R_MONT = (1n << 256n) % BASE_FIELD_MODULUS;
/** R^-1 mod p, computed once by Fermat. */
let rInverse: bigint | undefined;
function montgomeryInverse(): bigint {
  if (rInverse === undefined) rInverse = modPow(R_MONT, BASE_FIELD_MODULUS - 2n, BASE_FIELD_MODULUS);
  return rInverse;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** Reads a 32-byte little-endian word. */
export function readWordLE(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, WORD_BYTES);
  return (
    view.getBigUint64(0, true) |
    (view.getBigUint64(8, true) << 64n) |
    (view.getBigUint64(16, true) << 128n) |
    (view.getBigUint64(24, true) << 192n)
  );
}

/** Writes `value` (< 2^256) as a 32-byte little-endian word. */
export function writeWordLE(bytes: Uint8Array, offset: number, value: bigint): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, WORD_BYTES);
  const mask = (1n << 64n) - 1n;
  view.setBigUint64(0, value & mask, true);
  view.setBigUint64(8, (value >> 64n) & mask, true);
  view.setBigUint64(16, (value >> 128n) & mask, true);
  view.setBigUint64(24, value >> 192n, true);
}

/** Points as canonical affine bytes (n × 64), with one batched inversion for the projective inputs. */
export function pointsToCanonicalBytes(points: readonly G1Point[]): Uint8Array {
  const out = new Uint8Array(points.length * POINT_BYTES);
  normalizeZ(G1, [...points]).forEach((p, i) => {
    if (p.is0()) return;
    const { x, y } = p.toAffine();
    writeWordLE(out, i * POINT_BYTES, x);
    writeWordLE(out, i * POINT_BYTES + WORD_BYTES, y);
  });
  return out;
}

/** The i-th point of a canonical affine byte array (not validated: callers pass checked bytes). */
export function canonicalPointAt(bytes: Uint8Array, i: number): G1Point {
  const x = readWordLE(bytes, i * POINT_BYTES);
  const y = readWordLE(bytes, i * POINT_BYTES + WORD_BYTES);
  return x === 0n && y === 0n ? G1.ZERO : G1.fromAffine({ x, y });
}

/** Montgomery-form coordinate bytes to canonical, in bigint arithmetic (portable path). */
export function montgomeryToCanonicalPortable(mont: Uint8Array): Uint8Array {
  const out = new Uint8Array(mont.length);
  const rInv = montgomeryInverse();
  for (let offset = 0; offset < mont.length; offset += WORD_BYTES) {
    const v = readWordLE(mont, offset);
    if (v !== 0n) writeWordLE(out, offset, (v * rInv) % BASE_FIELD_MODULUS);
  }
  return out;
}

/** Canonical coordinate bytes to Montgomery form, in bigint arithmetic (portable path). */
export function canonicalToMontgomeryPortable(canonical: Uint8Array): Uint8Array {
  const out = new Uint8Array(canonical.length);
  for (let offset = 0; offset < canonical.length; offset += WORD_BYTES) {
    const v = readWordLE(canonical, offset);
    if (v !== 0n) writeWordLE(out, offset, (v * R_MONT) % BASE_FIELD_MODULUS);
  }
  return out;
}
