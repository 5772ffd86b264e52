/**
 * Arithmetic in Fr, the scalar field of BN254: the field every proof message lives in, and the one the EVM's
 * `mulmod`/`addmod` reduce into directly.
 *
 * Elements are `bigint`s in canonical form, 0 <= x < MODULUS. Every function here returns canonical values
 * and expects canonical inputs (the unchecked fast paths say so); {@link assertFr} checks one from outside.
 */

import { requireNative, selectedBackend, threadCount } from "../msm/backend";

/** r = 21888242871839275222246405745257275088548364400416034343698204186575808495617. */
export const MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
/** Bytes of one canonical element when serialized as a 32-byte big-endian word. */
export const BYTES = 32;

export const ZERO = 0n;
export const ONE = 1n;

/** Throws unless `x` is a canonical element. */
export function assertFr(x: bigint, what = "value"): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= MODULUS) {
    throw new RangeError(`${what} is not a canonical Fr element (0 <= x < r): ${String(x)}`);
  }
  return x;
}

/** Reduces any integer (including negatives) into canonical form. */
export function reduce(x: bigint): bigint {
  const m = x % MODULUS;
  return m < 0n ? m + MODULUS : m;
}

/** Maps a signed integer (a quantized value, say) into Fr: -k becomes r - k. */
export function fromSigned(x: number | bigint): bigint {
  return reduce(BigInt(x));
}

/** Interprets a canonical element as signed: values above (r-1)/2 are negative. */
export function toSigned(x: bigint): bigint {
  return x > MODULUS >> 1n ? x - MODULUS : x;
}

export function add(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s >= MODULUS ? s - MODULUS : s;
}

export function sub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + MODULUS : d;
}

export function neg(a: bigint): bigint {
  return a === 0n ? 0n : MODULUS - a;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % MODULUS;
}

export function square(a: bigint): bigint {
  return (a * a) % MODULUS;
}

/** a^e for e >= 0, by square-and-multiply. */
export function pow(a: bigint, e: bigint): bigint {
  if (e < 0n) throw new RangeError(`pow: negative exponent ${e}`);
  let result = 1n;
  let base = a % MODULUS;
  let k = e;
  while (k > 0n) {
    if (k & 1n) result = (result * base) % MODULUS;
    base = (base * base) % MODULUS;
    k >>= 1n;
  }
  return result;
}

/** Multiplicative inverse by the extended Euclidean algorithm (variable time). Throws on zero. */
export function inv(a: bigint): bigint {
  if (a === 0n) throw new RangeError("inv: zero has no inverse in Fr");
  let [r0, r1] = [MODULUS, a % MODULUS];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + MODULUS : t0;
}

export function div(a: bigint, b: bigint): bigint {
  return mul(a, inv(b));
}

/**
 * Smallest input {@link batchInvert} hands to the native kernels (below it, crossing into the addon and
 * converting costs more than the bigint loop).
 */
export const NATIVE_BATCH_INVERT_MIN = 1 << 12;

/**
 * Inverts every element with one field inversion and 3(n-1) multiplications (Montgomery's trick).
 * Throws on a zero element, naming its index. Large canonical inputs run in the native kernels when the
 * native backend is selected (same values: inversion is a function; test/field/fr-native.test.ts).
 */
export function batchInvert(values: readonly bigint[]): bigint[] {
  const n = values.length;
  if (n >= NATIVE_BATCH_INVERT_MIN && selectedBackend() === "native") {
    let canonical = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === 0n) throw new RangeError(`batchInvert: element ${i} is zero`);
      if (typeof v !== "bigint" || v < 0n || v >= MODULUS) canonical = false;
    }
    if (canonical) {
      const native = requireNative();
      return native.frToBigints(native.frBatchInvert(values, threadCount()));
    }
  }
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    if (values[i] === 0n) throw new RangeError(`batchInvert: element ${i} is zero`);
    prefix[i] = acc;
    acc = (acc * values[i]) % MODULUS;
  }
  let accInv = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (accInv * prefix[i]) % MODULUS;
    accInv = (accInv * values[i]) % MODULUS;
  }
  return out;
}

/** Serializes a canonical element as a 32-byte big-endian word. */
export function toBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(BYTES);
  let v = assertFr(x);
  for (let i = BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Parses a 32-byte big-endian word, refusing a non-canonical one (>= r). */
export function fromBytes(bytes: Uint8Array, offset = 0): bigint {
  if (offset + BYTES > bytes.length) throw new RangeError(`fromBytes: need ${BYTES} bytes at offset ${offset}`);
  let v = 0n;
  for (let i = 0; i < BYTES; i++) v = (v << 8n) | BigInt(bytes[offset + i]);
  return assertFr(v, `field element at byte ${offset}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Vectors and small integers
//
// Proof code works on `bigint[]` vectors of canonical elements. Quantized models produce small signed integers
// (|x| < 2^16, typically); a bigint product of small values is cheap, so the fast paths below keep values small
// for as long as possible and reduce once at the end (lazy reduction), instead of reducing after every product.
// ---------------------------------------------------------------------------------------------------------------

/** Largest magnitude treated as a "small" integer by {@link isSmallVector}: products of two fit in 2^64. */
export const SMALL_LIMIT = 1n << 32n;

/** Maps signed integers (e.g. a quantized tensor) into canonical Fr elements. */
export function fromSignedVector(values: ArrayLike<number | bigint>): bigint[] {
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = reduce(BigInt(values[i]));
  return out;
}

/** True when every element, read as signed ({@link toSigned}), has magnitude below {@link SMALL_LIMIT}. */
export function isSmallVector(values: readonly bigint[]): boolean {
  const high = MODULUS - SMALL_LIMIT;
  for (const v of values) if (v >= SMALL_LIMIT && v <= high) return false;
  return true;
}

/**
 * sum_i a[i]·b[i] for vectors of equal length, with a single reduction at the end (products are accumulated
 * as unbounded bigints: ~4x faster than reducing each product).
 */
export function innerProduct(a: readonly bigint[], b: readonly bigint[]): bigint {
  if (a.length !== b.length) throw new RangeError(`innerProduct: lengths differ (${a.length} vs ${b.length})`);
  let acc = 0n;
  for (let i = 0; i < a.length; i++) acc += a[i] * b[i];
  return acc % MODULUS;
}

/** Element-wise a + b (equal lengths). */
export function addVectors(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  if (a.length !== b.length) throw new RangeError(`addVectors: lengths differ (${a.length} vs ${b.length})`);
  const out = new Array<bigint>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = add(a[i], b[i]);
  return out;
}

/** c · a, element-wise. */
export function scaleVector(a: readonly bigint[], c: bigint): bigint[] {
  const out = new Array<bigint>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] * c) % MODULUS;
  return out;
}

/**
 * acc[i] += c · a[i] for i < a.length, in place (acc may be longer: a shorter vector is zero-padded).
 * The building block of random linear combinations of polynomials.
 */
export function addScaledInPlace(acc: bigint[], a: readonly bigint[], c: bigint): void {
  if (a.length > acc.length) throw new RangeError(`addScaledInPlace: source ${a.length} > target ${acc.length}`);
  for (let i = 0; i < a.length; i++) acc[i] = (acc[i] + a[i] * c) % MODULUS;
}

/** [1, x, x^2, ..., x^(n-1)]. */
export function powers(x: bigint, n: number): bigint[] {
  const out = new Array<bigint>(n);
  let p = 1n;
  for (let i = 0; i < n; i++) {
    out[i] = p;
    p = (p * x) % MODULUS;
  }
  return out;
}
