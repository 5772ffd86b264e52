/**
 * The proof stream: every prover message in the order the verifier reads it, and nothing the verifier can
 * derive. A scalar is one 32-byte big-endian word (< r); a G1 point is 64 bytes (x ‖ y, infinity = 64 zero
 * bytes); a sum-check is its compressed round polynomials, round 0 first, d words per round
 * (docs/sumcheck.md). The proof bytes are exactly the calldata a Solidity verifier reads with a cursor, so the
 * reader refuses anything a calldata cursor would: truncation, non-canonical words, points off the curve and
 * trailing bytes — each with its byte offset and what was being read. Spec: docs/prover.md ("The whole-model
 * proof", proof stream).
 */
import { decodeG1, encodeG1, G1_BYTES, WORD_BYTES, type G1Point } from "../../curve/bn254";
import * as Fr from "../../field/fr";
import type { ArenaStreamReader, ArenaStreamWriter } from "../../lookup/arena-types";
import type { SumcheckProof } from "../../sumcheck";

/** A proof stream that cannot be read: names the byte offset and the message being read. */
export class ProofFormatError extends Error {
  override readonly name = "ProofFormatError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** What a proof stream is made of (for cost reports: calldata words, sum-check rounds). */
export interface ProofStats {
  readonly scalars: number;
  readonly points: number;
  /** Sum-check rounds written through {@link ProofWriter.sumcheck}. */
  readonly sumcheckRounds: number;
}

/** Appends prover messages in transcript order. */
export class ProofWriter implements ArenaStreamWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private counts = { scalars: 0, points: 0, sumcheckRounds: 0 };

  /** Counts of what was written. */
  get stats(): ProofStats {
    return { ...this.counts };
  }

  /** Bytes written so far. */
  get length(): number {
    return this.size;
  }

  /** One canonical scalar (32 bytes). */
  scalar(x: bigint): void {
    this.push(Fr.toBytes(Fr.assertFr(x, "proof scalar")));
    this.counts.scalars++;
  }

  /** Scalars, one word each. */
  scalars(xs: readonly bigint[]): void {
    for (const x of xs) this.scalar(x);
  }

  /** One G1 point (64 bytes). */
  point(p: G1Point): void {
    this.push(encodeG1(p));
    this.counts.points++;
  }

  /** G1 points, 64 bytes each. */
  points(ps: readonly G1Point[]): void {
    for (const p of ps) this.point(p);
  }

  /** A sum-check proof: its rounds' compressed coefficients in order. */
  sumcheck(proof: SumcheckProof): void {
    for (const round of proof.rounds) this.scalars(round);
    this.counts.sumcheckRounds += proof.rounds.length;
  }

  /** {@link ArenaStreamWriter}: one point (`what` only matters to a reader). */
  writePoint(point: G1Point): void {
    this.point(point);
  }

  /** {@link ArenaStreamWriter}: one scalar. */
  writeScalar(value: bigint): void {
    this.scalar(value);
  }

  /** The stream so far, as one byte string. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}

/** Reads prover messages in transcript order; every read names what it reads for the error message. */
export class ProofReader implements ArenaStreamReader {
  private pos = 0;

  constructor(private readonly data: Uint8Array) {}

  /** Bytes consumed so far. */
  get offset(): number {
    return this.pos;
  }

  /** One scalar; refuses a word ≥ r. */
  scalar(what: string): bigint {
    const at = this.take(WORD_BYTES, what);
    try {
      return Fr.fromBytes(this.data, at);
    } catch {
      throw new ProofFormatError(`non-canonical scalar at byte ${at} (${what})`, at);
    }
  }

  /** `n` scalars. */
  scalars(n: number, what: string): bigint[] {
    return Array.from({ length: n }, (_, i) => this.scalar(n === 1 ? what : `${what}[${i}]`));
  }

  /** One G1 point; refuses coordinates ≥ p and points off the curve. */
  point(what: string): G1Point {
    const at = this.take(G1_BYTES, what);
    try {
      return decodeG1(this.data, at);
    } catch (e) {
      throw new ProofFormatError(`point off the curve or not reduced at byte ${at} (${what}): ${(e as Error).message}`, at);
    }
  }

  /** `n` G1 points. */
  points(n: number, what: string): G1Point[] {
    return Array.from({ length: n }, (_, i) => this.point(`${what}[${i}]`));
  }

  /** A sum-check proof of `rounds` rounds with `degree` compressed coefficients each. */
  sumcheck(rounds: number, degree: number, what: string): SumcheckProof {
    return { rounds: Array.from({ length: rounds }, (_, j) => this.scalars(degree, `${what}: sum-check round ${j}`)) };
  }

  /** {@link ArenaStreamReader}: one point. */
  readPoint(what: string): G1Point {
    return this.point(what);
  }

  /** {@link ArenaStreamReader}: one scalar. */
  readScalar(what: string): bigint {
    return this.scalar(what);
  }

  /** Throws unless every byte was read. */
  finish(): void {
    const left = this.data.length - this.pos;
    if (left !== 0) throw new ProofFormatError(`${left} trailing bytes after the proof (at byte ${this.pos})`, this.pos);
  }

  private take(n: number, what: string): number {
    const at = this.pos;
    if (this.data.length - at < n) throw new ProofFormatError(`proof truncated at byte ${this.data.length} while reading ${what} (needs ${n} bytes at byte ${at})`, at);
    this.pos += n;
    return at;
  }
}
