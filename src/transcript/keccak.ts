/**
 * The Fiat–Shamir transcript: keccak256 over 32-byte words, specified byte for byte in `docs/transcript.md` so
 * that a Solidity verifier replays it with one `keccak256` per absorb or challenge and no per-byte work.
 *
 * State: one 32-byte word S.
 *   start      S = keccak256(word(PROTOCOL_TAG) ‖ word(domain))
 *   absorb     S = keccak256(S ‖ word(label) ‖ w_1 ‖ ... ‖ w_k)       (k >= 1; k = 0 leaves S unchanged)
 *   challenge  S = keccak256(S ‖ word(label)),  c = S mod r
 * An absorb hashes at least 96 bytes and a challenge exactly 64, so the two can never be confused.
 *
 * Words: a label is its ASCII bytes right-padded with zeros (Solidity's `bytes32("label")`); a field element
 * its canonical big-endian value; a G1 point the two words (x, y) of {@link encodeG1} (infinity = (0, 0)); an
 * unsigned integer its big-endian value; a byte string its length in bytes followed by its bytes right-padded
 * to whole words.
 *
 * Bias: c = S mod r with S uniform in [0, 2^256). Since 2^256 = 5r + e with e < r, a value has 5 or 6
 * preimages, so no value has probability above 6/2^256 ≈ 1.134/r; every soundness bound that counts "bad"
 * challenges grows by at most that factor, i.e. loses < 0.2 bits.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { encodeG1, readWord, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";

/** Protocol and version tag hashed into every transcript's initial state. */
export const PROTOCOL_TAG = "deepprove-evm/transcript/v1";

const WORD = 32;
const MAX_UINT256 = (1n << 256n) - 1n;

/** Encodes a label as one word: 1..32 printable ASCII bytes, right-padded with zeros. */
export function labelWord(label: string): Uint8Array {
  if (label.length < 1 || label.length > WORD || !/^[\x20-\x7e]+$/.test(label)) {
    throw new RangeError(`transcript label must be 1..32 printable ASCII characters: ${JSON.stringify(label)}`);
  }
  const out = new Uint8Array(WORD);
  for (let i = 0; i < label.length; i++) out[i] = label.charCodeAt(i);
  return out;
}

function uintWord(value: bigint, what: string): Uint8Array {
  if (value < 0n || value > MAX_UINT256) throw new RangeError(`transcript: ${what} does not fit in 256 bits`);
  const out = new Uint8Array(WORD);
  let v = value;
  for (let i = WORD - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A keccak256 Fiat–Shamir transcript (see the module comment and `docs/transcript.md`). */
export class Transcript {
  private state: Uint8Array;

  /** Starts a transcript for one protocol instance; `domain` separates protocols (a label, <= 32 bytes). */
  constructor(domain: string) {
    this.state = keccak_256(concat([labelWord(PROTOCOL_TAG), labelWord(domain)]));
  }

  /** The current 32-byte state (a copy), for test vectors and debugging a replay. */
  get stateBytes(): Uint8Array {
    return this.state.slice();
  }

  /** The current state as a 0x-prefixed hex word. */
  get stateHex(): string {
    return `0x${Buffer.from(this.state).toString("hex")}`;
  }

  /** An independent copy (e.g. to try two continuations in a test). */
  clone(): Transcript {
    const copy = Object.create(Transcript.prototype) as Transcript;
    copy.state = this.state.slice();
    return copy;
  }

  /** The primitive: S = keccak256(S ‖ label ‖ words...). Absorbing no words leaves the state unchanged. */
  absorbWords(label: string, words: readonly Uint8Array[]): void {
    if (words.length === 0) return;
    for (const w of words) if (w.length !== WORD) throw new RangeError("transcript: a word must be 32 bytes");
    this.state = keccak_256(concat([this.state, labelWord(label), ...words]));
  }

  /** Absorbs one field element (one word). */
  absorbScalar(label: string, x: bigint): void {
    this.absorbScalars(label, [x]);
  }

  /** Absorbs field elements, one word each, in one hash. */
  absorbScalars(label: string, xs: readonly bigint[]): void {
    this.absorbWords(
      label,
      xs.map((x, i) => Fr.toBytes(Fr.assertFr(x, `transcript scalar ${i} of "${label}"`))),
    );
  }

  /** Absorbs unsigned integers (sizes, counts) below 2^256, one word each. */
  absorbUints(label: string, values: readonly (number | bigint)[]): void {
    this.absorbWords(
      label,
      values.map((v) => uintWord(BigInt(v), `integer of "${label}"`)),
    );
  }

  /** Absorbs G1 points, two words (x, y) each, in one hash. */
  absorbPoints(label: string, points: readonly G1Point[]): void {
    const words: Uint8Array[] = [];
    for (const p of points) {
      const bytes = encodeG1(p);
      words.push(bytes.subarray(0, WORD), bytes.subarray(WORD));
    }
    this.absorbWords(label, words);
  }

  /** Absorbs one G1 point. */
  absorbPoint(label: string, point: G1Point): void {
    this.absorbPoints(label, [point]);
  }

  /** Absorbs a byte string as its length word followed by its bytes zero-padded to whole words. */
  absorbBytes(label: string, bytes: Uint8Array): void {
    const words = [uintWord(BigInt(bytes.length), `length of "${label}"`)];
    for (let off = 0; off < bytes.length; off += WORD) {
      const w = new Uint8Array(WORD);
      w.set(bytes.subarray(off, Math.min(off + WORD, bytes.length)));
      words.push(w);
    }
    this.absorbWords(label, words);
  }

  /** Squeezes one challenge: S = keccak256(S ‖ label), returns S mod r. */
  challengeScalar(label: string): bigint {
    this.state = keccak_256(concat([this.state, labelWord(label)]));
    return readWord(this.state, 0) % Fr.MODULUS;
  }

  /** Squeezes `n` challenges, one hash each, all under the same label. */
  challengeScalars(label: string, n: number): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push(this.challengeScalar(label));
    return out;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
