/**
 * Structured reference strings for KZG-style commitments over BN254: powers tau^i·G1 for i < size, and
 * G2, tau·G2.
 *
 * Two sources: a Powers of Tau ceremony file (snarkjs `.ptau`, the format of real ceremonies; see ./ptau.ts)
 * — the only secure one — and {@link insecureDevSrs}, a seeded setup whose trapdoor anyone can recompute,
 * for tests only.
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { G1, G2, type G1Point, type G2Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { G1Bases, loadNative, selectedBackend, threadCount, type NativeKernels } from "../msm";
import { POINT_BYTES } from "../msm/layout";

/** A KZG structured reference string. */
export interface Srs {
  /** tau^i · G1 for i = 0 .. size-1. */
  readonly g1Powers: G1Bases;
  /** The G2 generator. */
  readonly g2: G2Point;
  /** tau · G2. */
  readonly tauG2: G2Point;
  /** Where it came from, e.g. "ptau:<file>" or "INSECURE-DEV-SETUP(seed)". */
  readonly origin: string;
}

/** The default seed of {@link insecureDevSrs}. */
export const INSECURE_DEV_SEED = "deepprove-evm insecure dev setup";
/** Prefix of the origin string of every insecure development SRS. */
export const INSECURE_ORIGIN_PREFIX = "INSECURE-DEV-SETUP";

/** The public (hence worthless) trapdoor of the development setup: keccak256(seed) mod r. */
export function insecureDevTau(seed = INSECURE_DEV_SEED): bigint {
  return Fr.reduce(BigInt(`0x${Buffer.from(keccak_256(new TextEncoder().encode(seed))).toString("hex")}`));
}

/**
 * INSECURE: a development SRS whose trapdoor tau is derived from a public seed, so anyone can forge proofs
 * against it. For tests and demos only; never for a deployment that matters. Its origin says
 * `INSECURE-DEV-SETUP(<seed>)` so that it cannot be mistaken for a ceremony.
 *
 * With the native kernels, 2^20 powers take a few seconds (powers of tau in Fr, then a batch fixed-base
 * multiplication of the generator on both cores) and sets of {@link CACHE_MIN_SIZE} or more powers are
 * cached on disk (see {@link devSrsCacheDir}), so later runs load them in a fraction of a second. The
 * portable path multiplies one power at a time.
 */
export function insecureDevSrs(size: number, seed = INSECURE_DEV_SEED): Srs {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`insecureDevSrs: size must be >= 1, got ${size}`);
  const tau = insecureDevTau(seed);
  return {
    g1Powers: devPowers(tau, size),
    g2: G2.BASE,
    tauG2: G2.BASE.multiply(tau),
    origin: `${INSECURE_ORIGIN_PREFIX}(${seed})`,
  };
}

function devPowers(tau: bigint, size: number): G1Bases {
  const native = selectedBackend() === "native" ? loadNative() : undefined;
  if (native) {
    const cached = size >= CACHE_MIN_SIZE ? readCache(native, tau, size) : undefined;
    if (cached) return G1Bases.fromMontgomeryBytes(cached, { trusted: true });
    const bytes = fixedBasePowers(native, native.frPowers(tau, size));
    if (size >= CACHE_MIN_SIZE) writeCache(tau, size, bytes);
    return G1Bases.fromMontgomeryBytes(bytes, { trusted: true });
  }
  const powers = new Array<G1Point>(size);
  let power = 1n;
  for (let i = 0; i < size; i++) {
    powers[i] = power === 1n ? G1.BASE : G1.BASE.multiply(power);
    power = Fr.mul(power, tau);
  }
  return G1Bases.fromPoints(powers);
}

/**
 * Powers per call of the native fixed-base multiplication: its working set is ≈ 300 bytes a point (a copy of
 * the scalars, extended-coordinate accumulators, the affine result and its JS copy), so a 2^25-point SRS in one
 * call peaks near 10 GB; in chunks of this many points the peak is the 2 GB result plus ≈ 0.6 GB.
 */
export const FIXED_BASE_CHUNK = 1 << 21;

/**
 * s_i·G for the packed scalars (32 bytes each), `chunk` points per native call, into one Montgomery-affine
 * buffer: the same bytes as one call (test/llm/memory.test.ts).
 */
export function fixedBasePowers(native: NativeKernels, scalars: Uint8Array, chunk = FIXED_BASE_CHUNK): Uint8Array {
  const size = scalars.length / 32;
  if (size <= chunk) return native.fixedBaseG1(scalars, threadCount());
  const out = new Uint8Array(size * POINT_BYTES);
  for (let from = 0; from < size; from += chunk) {
    const to = Math.min(size, from + chunk);
    out.set(native.fixedBaseG1(scalars.subarray(from * 32, to * 32), threadCount()), from * POINT_BYTES);
  }
  return out;
}

/** Smallest development SRS worth caching on disk (smaller ones compute in milliseconds). */
export const CACHE_MIN_SIZE = 1 << 14;
const CACHE_MAGIC = "DPDEVSRS2";
/** Bytes per write of a cache file. */
const CACHE_WRITE_BYTES = 1 << 26;
/** Bytes of the SHA-256 digest of the points that follows the magic. */
const CACHE_DIGEST_BYTES = 32;

/**
 * Where development SRS caches live: `DEEPPROVE_CACHE_DIR`, else `node_modules/.cache/deepprove-evm` of this
 * package (never committed), else the OS temp directory. `DEEPPROVE_SRS_CACHE=0` disables the cache.
 */
export function devSrsCacheDir(): string | undefined {
  if (process.env.DEEPPROVE_SRS_CACHE === "0") return undefined;
  if (process.env.DEEPPROVE_CACHE_DIR) return process.env.DEEPPROVE_CACHE_DIR;
  const nodeModules = join(__dirname, "..", "..", "node_modules");
  try {
    readdirSync(nodeModules);
    return join(nodeModules, ".cache", "deepprove-evm");
  } catch {
    return join(tmpdir(), "deepprove-evm-cache");
  }
}

/** Cache files are named by tau (so a seed change can never hit a stale file) and hold that many powers. */
function cacheName(tau: bigint, size: number): string {
  return `INSECURE-dev-srs-${tau.toString(16).padStart(64, "0").slice(0, 24)}-${size}.bin`;
}

/**
 * The first `size` powers from the smallest cached file that holds at least that many, or undefined. The
 * content is checked (magic, SHA-256 of the points, every point on the curve, and two powers recomputed),
 * so a truncated, corrupted or foreign file is recomputed rather than trusted.
 */
function readCache(native: NativeKernels, tau: bigint, size: number): Uint8Array | undefined {
  const dir = devSrsCacheDir();
  if (!dir) return undefined;
  const prefix = cacheName(tau, 0).replace(/-0\.bin$/, "-");
  let candidates: { file: string; n: number }[];
  try {
    candidates = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith(".bin"))
      .map((file) => ({ file, n: Number(file.slice(prefix.length, -4)) }))
      .filter((c) => Number.isInteger(c.n) && c.n >= size)
      .sort((a, b) => a.n - b.n);
  } catch {
    return undefined;
  }
  for (const { file, n } of candidates) {
    try {
      const bytes = readCachedPoints(join(dir, file), n, size);
      if (!bytes) continue;
      if (native.checkPoints(bytes) !== -1) continue;
      const probe = [1, size - 1].map((i) => Fr.pow(tau, BigInt(i)));
      const expected = native.fixedBaseG1(probe, 1);
      const got = [1, size - 1].map((i) => bytes.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES));
      if (!got.every((g, k) => Buffer.from(g).equals(Buffer.from(expected.subarray(k * POINT_BYTES, (k + 1) * POINT_BYTES))))) {
        continue;
      }
      return bytes;
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * The first `size` of a cache file's `n` points, in a buffer of their own starting at byte 0, or undefined when
 * the magic, the length or the SHA-256 of all n points is wrong. Read in pieces (readFileSync refuses files of
 * 2 GiB or more: a 2^25-point SRS is one), hashed as they arrive; points past `size` go through one scratch piece.
 *
 * Why a buffer of their own: the points follow a 41-byte header, so a view into the whole file starts off the
 * 8-byte grid, and the native MSM copies misaligned bases before every call — the whole SRS (2 GB at 2^25, and
 * ≈ 0.37 s CPU at 2^23) per MSM, fold commitments of a few words included. And the rest of a larger file is not kept.
 */
function readCachedPoints(path: string, n: number, size: number): Uint8Array | undefined {
  const fd = openSync(path, "r");
  try {
    const head = CACHE_MAGIC.length + CACHE_DIGEST_BYTES;
    const total = n * POINT_BYTES;
    if (fstatSync(fd).size !== head + total) return undefined;
    const header = Buffer.alloc(head);
    if (readSync(fd, header, 0, head, 0) !== head || header.subarray(0, CACHE_MAGIC.length).toString("latin1") !== CACHE_MAGIC) return undefined;
    const out = new Uint8Array(size * POINT_BYTES);
    const hash = createHash("sha256");
    let scratch: Uint8Array | undefined;
    for (let at = 0; at < total; ) {
      const length = Math.min(CACHE_WRITE_BYTES, total - at);
      // Pieces start at multiples of CACHE_WRITE_BYTES (a multiple of 64): one lies across `out`'s end at most.
      const into = at + length <= out.length ? out.subarray(at, at + length) : (scratch ??= new Uint8Array(CACHE_WRITE_BYTES)).subarray(0, length);
      for (let got = 0; got < length; ) {
        const k = readSync(fd, into, got, length - got, head + at + got);
        if (k <= 0) throw new RangeError(`${path}: short read`);
        got += k;
      }
      hash.update(into);
      if (into.buffer === scratch?.buffer && at < out.length) out.set(into.subarray(0, out.length - at), at);
      at += length;
    }
    return hash.digest().equals(header.subarray(CACHE_MAGIC.length)) ? out : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * SHA-256 of `bytes`, fed in {@link CACHE_WRITE_BYTES} pieces: `Hash.update` refuses 2^31 bytes or more
 * (ERR_OUT_OF_RANGE), which a 2^25-point SRS (64 bytes a point) is — so its cache was never written.
 */
export function sha256InPieces(bytes: Uint8Array): Buffer {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.length; at += CACHE_WRITE_BYTES) hash.update(bytes.subarray(at, Math.min(bytes.length, at + CACHE_WRITE_BYTES)));
  return hash.digest();
}

/** Best effort: an unwritable cache directory only costs the next run the computation. */
function writeCache(tau: bigint, size: number, bytes: Uint8Array): void {
  const dir = devSrsCacheDir();
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, cacheName(tau, size));
    const tmp = `${path}.${process.pid}.tmp`;
    const digest = sha256InPieces(bytes);
    // Written in pieces: one concatenated copy of a 2^25-point SRS would be another 2 GB.
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, Buffer.concat([Buffer.from(CACHE_MAGIC, "latin1"), digest]));
      for (let at = 0; at < bytes.length; at += CACHE_WRITE_BYTES) writeSync(fd, bytes, at, Math.min(CACHE_WRITE_BYTES, bytes.length - at));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch {
    // ignored: see above
  }
}
