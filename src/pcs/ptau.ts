/**
 * Powers of Tau files in snarkjs' `.ptau` format (the format of real ceremonies such as the Hermez/Polygon
 * "powersOfTau28_hez_final_*.ptau"), loaded as a KZG {@link Srs} and verified to be a consistent setup.
 *
 * Format (all integers little-endian): magic "ptau", u32 version (1), u32 section count, then sections,
 * each u32 id, u64 byte size, data. Section 1 (header): u32 n8q (32), q (n8q bytes), u32 power, u32
 * ceremonyPower. Section 2: tau^i·G1 for i < 2^(power+1) - 1. Section 3: tau^i·G2 for i < 2^power. Sections
 * 4–7 (alpha/beta powers, contributions) and, in phase-2-prepared files, 12–15 (Lagrange bases) are not
 * needed for KZG and are skipped. Points are affine, coordinates in Montgomery form (v·2^256 mod p) as 32-byte
 * little-endian words; a G2 coordinate is c0 ‖ c1. Only the needed byte ranges are read, so loading a prefix
 * of a multi-gigabyte ceremony file is cheap.
 *
 * Verification (see docs/srs.md): every loaded G1 point is reduced, on the curve (= in G1: cofactor 1) and
 * finite; the first powers are the generators; the G2 points used are in the subgroup; tau·G1 and tau·G2
 * carry the same tau; and consecutive G1 powers share one ratio — all of them at once by a random linear
 * combination and one pairing (`verify: "full"`), or a random sample (`"sample"`).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { bn254 } from "@noble/curves/bn254";
import { BASE_FIELD_MODULUS, G1, G2, pairingProductIsOne, type G1Point, type G2Point } from "../curve/bn254";
import { G1Bases, firstInvalidPoint, msm } from "../msm";
import { POINT_BYTES, WORD_BYTES, montgomeryToCanonicalPortable, readWordLE } from "../msm/layout";
import type { Srs } from "./srs";

/** "ptau" in ASCII. */
const MAGIC = "ptau";
const MAX_VERSION = 1;
const FILE_HEADER_BYTES = 12;
const SECTION_HEADER_BYTES = 12;
/** Bytes of one G2 point: two Fp2 coordinates of two words each. */
const G2_POINT_BYTES = 4 * WORD_BYTES;
/** n8q, q, power, ceremonyPower. */
const HEADER_SECTION_BYTES = 4 + WORD_BYTES + 4 + 4;
/** Largest power this loader accepts (2^28 is the largest public ceremony). */
const MAX_POWER = 30;
/** Bits of the random coefficients of the batched consistency check (soundness error 2^-128). */
const CHALLENGE_BITS = 128;
/** Without an explicit maxSize, files holding more than 2^24 powers are refused rather than read whole. */
const DEFAULT_MAX_LOAD = 2 ** 24;
/** Default number of sampled indices for the G2-side check and for `verify: "sample"`. */
const DEFAULT_SAMPLES = 8;

const SECTION = { header: 1, tauG1: 2, tauG2: 3 } as const;
const SECTION_NAMES: Record<number, string> = {
  1: "header",
  2: "tauG1",
  3: "tauG2",
  4: "alphaTauG1",
  5: "betaTauG1",
  6: "betaG2",
  7: "contributions",
};

/** How much of the setup {@link loadPtau} checks. */
export type PtauVerification = "full" | "sample" | "none";

export interface LoadPtauOptions {
  /**
   * Number of G1 powers to load; at most 2^(power+1) - 1. Default 2^power, but a file of more than 2^24
   * powers (a full ceremony) must be given an explicit maxSize.
   */
  readonly maxSize?: number;
  /** `full` (default): all loaded powers, batched; `sample`: random pairs; `none`: point checks only. */
  readonly verify?: PtauVerification;
  /** Sampled indices for the G2-side check and `sample` mode (default 8). */
  readonly samples?: number;
}

/** A KZG SRS read from a ceremony file, with the file's header values. */
export interface PtauSrs extends Srs {
  /** log2 of the G2 powers in the file; the file holds 2^(power+1) - 1 G1 powers. */
  readonly power: number;
  /** The power of the ceremony the file was cut from. */
  readonly ceremonyPower: number;
}

/** A `.ptau` file was refused; the message names the file, section and byte offset. */
export class PtauError extends Error {
  constructor(
    readonly file: string,
    readonly section: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${file}: ${section} at byte offset ${offset}: ${detail}`);
    this.name = "PtauError";
  }
}

interface SectionRef {
  readonly offset: number;
  readonly size: number;
}

/**
 * Loads the KZG part of a `.ptau` file (tau^i·G1 for i < maxSize, G2, tau·G2) and verifies it.
 * Throws {@link PtauError} for anything malformed or inconsistent.
 */
export function loadPtau(path: string, options: LoadPtauOptions = {}): PtauSrs {
  const verify = options.verify ?? "full";
  if (!["full", "sample", "none"].includes(verify)) throw new RangeError(`loadPtau: unknown verify mode ${verify}`);
  const samples = options.samples ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(samples) || samples < 0) throw new RangeError(`loadPtau: samples must be >= 0`);
  const file = new PtauFile(path);
  try {
    return file.load(options.maxSize, verify, samples);
  } finally {
    file.close();
  }
}

class PtauFile {
  private readonly fd: number;
  private readonly length: number;

  constructor(private readonly path: string) {
    try {
      this.fd = openSync(path, "r");
    } catch (error) {
      throw new PtauError(path, "file", 0, `cannot open (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    this.length = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  load(maxSize: number | undefined, verify: PtauVerification, samples: number): PtauSrs {
    const sections = this.readSectionTable();
    const { power, ceremonyPower } = this.readHeader(sections);
    const g1Count = 2 ** (power + 1) - 1;
    const g2Count = 2 ** power;
    const tauG1 = this.unique(sections, SECTION.tauG1, g1Count * POINT_BYTES);
    const tauG2 = this.unique(sections, SECTION.tauG2, g2Count * G2_POINT_BYTES);

    if (maxSize === undefined && g2Count > DEFAULT_MAX_LOAD) {
      throw new PtauError(
        this.path,
        "tauG1(2)",
        tauG1.offset,
        `the file holds 2^${power} powers (${(g2Count * POINT_BYTES) / 2 ** 30} GiB); pass maxSize to load a prefix`,
      );
    }
    const size = maxSize ?? g2Count;
    if (!Number.isInteger(size) || size < 1 || size > g1Count) {
      throw new PtauError(this.path, "tauG1(2)", tauG1.offset, `maxSize ${maxSize} is not in 1..${g1Count} (power ${power})`);
    }
    const g1Bytes = this.read(tauG1.offset, size * POINT_BYTES, "tauG1(2)");
    this.checkG1Points(g1Bytes, tauG1.offset);
    const g1Powers = G1Bases.fromMontgomeryBytes(g1Bytes, { trusted: true });
    const g2 = this.g2At(tauG2, 0);
    const tauG2Point = this.g2At(tauG2, 1);
    if (!g1Powers.at(0).equals(G1.BASE)) {
      throw new PtauError(this.path, "tauG1(2)", tauG1.offset, "tau^0·G1 is not the generator");
    }
    if (!g2.equals(G2.BASE)) throw new PtauError(this.path, "tauG2(3)", tauG2.offset, "tau^0·G2 is not the generator");

    if (verify !== "none") {
      const tauG1Point = size > 1 ? g1Powers.at(1) : this.g1At(tauG1, 1);
      if (!pairingProductIsOne([[tauG1Point, G2.BASE], [G1.BASE.negate(), tauG2Point]])) {
        throw new PtauError(this.path, "tauG2(3)", tauG2.offset + G2_POINT_BYTES, "tau·G2 does not match tau·G1");
      }
      if (verify === "full") this.checkChainBatched(g1Powers, g1Bytes, tauG2Point, tauG1.offset);
      else this.checkChainSampled(g1Powers, tauG2Point, tauG1.offset, samples);
      this.checkG2Sample(g1Powers, tauG2, Math.min(size, g2Count), samples);
    }
    return { g1Powers, g2, tauG2: tauG2Point, origin: `ptau:${this.path}`, power, ceremonyPower };
  }

  private readSectionTable(): Map<number, SectionRef[]> {
    if (this.length < FILE_HEADER_BYTES) {
      throw new PtauError(this.path, "file header", 0, `file is ${this.length} bytes, too short for a .ptau file`);
    }
    const head = this.read(0, FILE_HEADER_BYTES, "file header");
    const magic = Buffer.from(head.subarray(0, 4)).toString("latin1");
    if (magic !== MAGIC) {
      throw new PtauError(this.path, "file header", 0, `bad magic ${JSON.stringify(magic)}, expected "ptau"`);
    }
    const view = new DataView(head.buffer, head.byteOffset, head.length);
    const version = view.getUint32(4, true);
    if (version < 1 || version > MAX_VERSION) {
      throw new PtauError(this.path, "file header", 4, `unsupported version ${version}`);
    }
    const count = view.getUint32(8, true);
    const sections = new Map<number, SectionRef[]>();
    let pos = FILE_HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      const sh = this.read(pos, SECTION_HEADER_BYTES, `section header ${i}`);
      const sv = new DataView(sh.buffer, sh.byteOffset, sh.length);
      const id = sv.getUint32(0, true);
      const size = Number(sv.getBigUint64(4, true));
      const offset = pos + SECTION_HEADER_BYTES;
      if (offset + size > this.length) {
        throw new PtauError(
          this.path,
          sectionName(id),
          pos,
          `section declares ${size} bytes but the file ends after ${this.length - offset} (truncated?)`,
        );
      }
      sections.set(id, [...(sections.get(id) ?? []), { offset, size }]);
      pos = offset + size;
    }
    return sections;
  }

  private readHeader(sections: Map<number, SectionRef[]>): { power: number; ceremonyPower: number } {
    const ref = this.unique(sections, SECTION.header, HEADER_SECTION_BYTES);
    const bytes = this.read(ref.offset, HEADER_SECTION_BYTES, "header(1)");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const n8q = view.getUint32(0, true);
    if (n8q !== WORD_BYTES) throw new PtauError(this.path, "header(1)", ref.offset, `n8q is ${n8q}, expected 32 (BN254)`);
    const q = readWordLE(bytes, 4);
    if (q !== BASE_FIELD_MODULUS) {
      throw new PtauError(this.path, "header(1)", ref.offset + 4, `field modulus q is not BN254's (0x${q.toString(16)})`);
    }
    const power = view.getUint32(4 + WORD_BYTES, true);
    const ceremonyPower = view.getUint32(8 + WORD_BYTES, true);
    if (power < 1 || power > MAX_POWER) {
      throw new PtauError(this.path, "header(1)", ref.offset + 4 + WORD_BYTES, `power ${power} is not in 1..${MAX_POWER}`);
    }
    return { power, ceremonyPower };
  }

  private unique(sections: Map<number, SectionRef[]>, id: number, expectedSize: number): SectionRef {
    const refs = sections.get(id) ?? [];
    if (refs.length !== 1) {
      throw new PtauError(this.path, sectionName(id), 0, refs.length ? "section appears more than once" : "section missing");
    }
    if (refs[0].size !== expectedSize) {
      throw new PtauError(this.path, sectionName(id), refs[0].offset, `section is ${refs[0].size} bytes, expected ${expectedSize}`);
    }
    return refs[0];
  }

  private read(offset: number, length: number, what: string): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new PtauError(this.path, what, offset + done, "unexpected end of file");
      done += n;
    }
    return out;
  }

  /** Every point reduced, on the curve and finite (tau is never zero, so no power is infinity). */
  private checkG1Points(bytes: Uint8Array, sectionOffset: number): void {
    const bad = firstInvalidPoint(bytes);
    if (bad >= 0) {
      throw new PtauError(this.path, "tauG1(2)", sectionOffset + bad * POINT_BYTES, `point ${bad} is not on BN254 G1`);
    }
    const infinity = firstZeroPoint(bytes);
    if (infinity >= 0) {
      throw new PtauError(this.path, "tauG1(2)", sectionOffset + infinity * POINT_BYTES, `point ${infinity} is infinity`);
    }
  }

  private g1At(section: SectionRef, i: number): G1Point {
    const at = section.offset + i * POINT_BYTES;
    const bytes = this.read(at, POINT_BYTES, "tauG1(2)");
    this.checkG1Points(bytes, at);
    return G1Bases.fromMontgomeryBytes(bytes, { trusted: true }).at(0);
  }

  /** The i-th G2 point of a section, checked to be a finite point of the prime-order subgroup. */
  private g2At(section: SectionRef, i: number): G2Point {
    const at = section.offset + i * G2_POINT_BYTES;
    const raw = this.read(at, G2_POINT_BYTES, "tauG2(3)");
    const fail = (detail: string) => new PtauError(this.path, "tauG2(3)", at, `point ${i} ${detail}`);
    for (let w = 0; w < 4; w++) {
      if (readWordLE(raw, w * WORD_BYTES) >= BASE_FIELD_MODULUS) throw fail("has a coordinate not reduced modulo p");
    }
    const c = montgomeryToCanonicalPortable(raw);
    const word = (w: number) => readWordLE(c, w * WORD_BYTES);
    const { Fp2 } = bn254.fields;
    if ([0, 1, 2, 3].every((w) => word(w) === 0n)) throw fail("is infinity");
    let point: G2Point;
    try {
      point = G2.fromAffine({ x: Fp2.fromBigTuple([word(0), word(1)]), y: Fp2.fromBigTuple([word(2), word(3)]) });
      point.assertValidity();
    } catch {
      throw fail("is not on the BN254 G2 curve or not in its prime-order subgroup");
    }
    return point;
  }

  /**
   * All consecutive pairs at once: with random rho_i, A = sum rho_i·P_i and B = sum rho_i·P_{i+1} over
   * i < n - 1 satisfy e(B, G2) = e(A, tau·G2) for every rho exactly when each P_{i+1} = tau·P_i; a wrong
   * pair passes with probability at most 2^-128 over rho.
   */
  private checkChainBatched(powers: G1Bases, bytes: Uint8Array, tauG2: G2Point, offset: number): void {
    const n = powers.length;
    if (n < 3) return; // P_1 = tau·P_0 was checked against tau·G2 already
    const rho = randomScalars(n - 1);
    const a = msm(powers.prefix(n - 1), rho);
    const b = msm(G1Bases.fromMontgomeryBytes(bytes.subarray(POINT_BYTES), { trusted: true }), rho);
    if (!pairingProductIsOne([[b, G2.BASE], [a.negate(), tauG2]])) {
      throw new PtauError(this.path, "tauG1(2)", offset, `the ${n} powers are not successive powers of one tau`);
    }
  }

  private checkChainSampled(powers: G1Bases, tauG2: G2Point, offset: number, samples: number): void {
    for (const i of sampleIndices(powers.length - 1, samples)) {
      if (!pairingProductIsOne([[powers.at(i + 1), G2.BASE], [powers.at(i).negate(), tauG2]])) {
        throw new PtauError(this.path, "tauG1(2)", offset + (i + 1) * POINT_BYTES, `point ${i + 1} is not tau·(point ${i})`);
      }
    }
  }

  /** A sample of G2 powers against the G1 powers: e(tau^j·G1, G2) = e(G1, tau^j·G2). */
  private checkG2Sample(powers: G1Bases, section: SectionRef, limit: number, samples: number): void {
    for (const j of sampleIndices(limit, samples)) {
      const g2j = this.g2At(section, j);
      if (!pairingProductIsOne([[powers.at(j), G2.BASE], [G1.BASE.negate(), g2j]])) {
        throw new PtauError(this.path, "tauG2(3)", section.offset + j * G2_POINT_BYTES, `point ${j} does not match tauG1 point ${j}`);
      }
    }
  }
}

/** Index of the first all-zero (infinity) point, or -1; reads 32-bit words, stopping at the first non-zero. */
function firstZeroPoint(bytes: Uint8Array): number {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  const perPoint = POINT_BYTES / 4;
  for (let i = 0; i * perPoint < words.length; i++) {
    let zero = true;
    for (let k = i * perPoint; k < (i + 1) * perPoint && zero; k++) zero = words[k] === 0;
    if (zero) return i;
  }
  return -1;
}

function sectionName(id: number): string {
  return `${SECTION_NAMES[id] ?? "section"}(${id})`;
}

/** Uniform 128-bit coefficients from the OS generator. */
function randomScalars(n: number): bigint[] {
  const bytes = randomBytes(n * (CHALLENGE_BITS / 8));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = view.getBigUint64(16 * i, true) | (view.getBigUint64(16 * i + 8, true) << 64n);
  return out;
}

/** Up to `count` distinct indices in 1..limit-1 (index 0 is the generator, checked directly), random. */
function sampleIndices(limit: number, count: number): number[] {
  if (limit <= 1) return [];
  const all = limit - 1 <= count;
  if (all) return Array.from({ length: limit - 1 }, (_, i) => i + 1);
  const picked = new Set<number>();
  const bytes = randomBytes(4 * count * 4);
  for (let k = 0; picked.size < count && k + 4 <= bytes.length; k += 4) picked.add(1 + (bytes.readUInt32LE(k) % (limit - 1)));
  return [...picked];
}
