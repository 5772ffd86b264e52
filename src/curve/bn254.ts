/**
 * BN254 (alt_bn128) groups as the EVM precompiles of EIP-196/197 see them.
 *
 * Points come from `@noble/curves`; this module only fixes the byte encoding shared by proofs, calldata and
 * the Solidity verifiers: G1 as two 32-byte big-endian words (x, y); G2 as four words (x.c1, x.c0, y.c1,
 * y.c0) — imaginary coefficient first, as EIP-197 orders Fp2. The point at infinity encodes as all zeros.
 */
import { bn254 } from "@noble/curves/bn254";

export const G1 = bn254.G1.ProjectivePoint;
export const G2 = bn254.G2.ProjectivePoint;
export type G1Point = InstanceType<typeof G1>;
export type G2Point = InstanceType<typeof G2>;

/** The scalar field modulus r (order of G1 and G2). */
export const CURVE_ORDER = bn254.fields.Fr.ORDER;
/** The base field modulus p. */
export const BASE_FIELD_MODULUS = bn254.fields.Fp.ORDER;

/** Bytes of one G1 point in precompile encoding. */
export const G1_BYTES = 64;
/** Bytes of one G2 point in precompile encoding. */
export const G2_BYTES = 128;
/** Bytes of one 256-bit word. */
export const WORD_BYTES = 32;

/** Writes `value` as a 32-byte big-endian word into `out` at `offset`. */
export function writeWord(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`writeWord: ${value} does not fit in 256 bits`);
  let v = value;
  for (let i = WORD_BYTES - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Reads a 32-byte big-endian word from `bytes` at `offset`. */
export function readWord(bytes: Uint8Array, offset: number): bigint {
  if (offset + WORD_BYTES > bytes.length) {
    throw new RangeError(`readWord: need ${WORD_BYTES} bytes at offset ${offset}, have ${bytes.length - offset}`);
  }
  let v = 0n;
  for (let i = 0; i < WORD_BYTES; i++) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

/** Encodes a G1 point as 64 bytes (x, y); infinity is all zeros. */
export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(G1_BYTES);
  if (point.equals(G1.ZERO)) return out;
  const { x, y } = point.toAffine();
  writeWord(out, 0, x);
  writeWord(out, WORD_BYTES, y);
  return out;
}

/** Encodes a G2 point as 128 bytes (x.c1, x.c0, y.c1, y.c0); infinity is all zeros. */
export function encodeG2(point: G2Point): Uint8Array {
  const out = new Uint8Array(G2_BYTES);
  if (point.equals(G2.ZERO)) return out;
  const { x, y } = point.toAffine();
  writeWord(out, 0, x.c1);
  writeWord(out, WORD_BYTES, x.c0);
  writeWord(out, 2 * WORD_BYTES, y.c1);
  writeWord(out, 3 * WORD_BYTES, y.c0);
  return out;
}

/** Decodes a 64-byte G1 point, checking that it lies on the curve (all zeros is infinity). */
export function decodeG1(bytes: Uint8Array, offset = 0): G1Point {
  const x = readWord(bytes, offset);
  const y = readWord(bytes, offset + WORD_BYTES);
  if (x === 0n && y === 0n) return G1.ZERO;
  if (x >= BASE_FIELD_MODULUS || y >= BASE_FIELD_MODULUS) {
    throw new RangeError(`decodeG1: coordinate not reduced modulo p at offset ${offset}`);
  }
  const point = G1.fromAffine({ x, y });
  point.assertValidity();
  return point;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Encodes pairs (a_i, b_i) as the input of the pairing precompile 0x08, which checks prod e(a_i, b_i) == 1. */
export function encodePairingInput(pairs: ReadonlyArray<readonly [G1Point, G2Point]>): Uint8Array {
  return concatBytes(...pairs.flatMap(([a, b]) => [encodeG1(a), encodeG2(b)]));
}

/** Checks prod e(a_i, b_i) == 1 in TypeScript, the same equation the precompile checks. */
export function pairingProductIsOne(pairs: ReadonlyArray<readonly [G1Point, G2Point]>): boolean {
  const { Fp12 } = bn254.fields;
  const product = bn254.pairingBatch(pairs.map(([g1, g2]) => ({ g1, g2 })));
  return Fp12.eql(product, Fp12.ONE);
}
