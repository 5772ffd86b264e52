/**
 * Multi-scalar multiplication over BN254 G1: sum_i s_i · P_i, the cost centre of every commitment and opening.
 *
 * One small interface, {@link msm}, over bases prepared once ({@link G1Bases}). Two backends give identical
 * results: `native` (C++ Pippenger with signed digits, batch-affine or XYZZ buckets, every core; built from `native/` at
 * install) and `portable` (@noble/curves, no build needed). The choice is automatic; see ./backend.ts for
 * the environment overrides and docs/msm.md for the algorithm and byte layouts.
 */
import { G1, type G1Point } from "../curve/bn254";
import { MODULUS } from "../field/fr";
import { requireNative, selectedBackend, threadCount, type MsmBackendName } from "./backend";
import { G1Bases } from "./bases";
import { WORD_BYTES, canonicalPointAt, readWordLE } from "./layout";

export { G1Bases, firstInvalidPoint, type FromBytesOptions } from "./bases";
export { nativeArithmetic, nativeMsmFlush, selectedBackend, threadCount, type MsmBackendName } from "./backend";
export { loadNative, nativeLoadError, type NativeKernels } from "./native";

/** The native `glv` argument: let the cost model choose, force the split on, force it off. */
const GLV_AUTO = 0;
const GLV_ON = 1;
const GLV_OFF = 2;
/** The native `buckets` argument: let the cost model choose, force affine (batched inversions), force XYZZ. */
const BUCKETS_AUTO = 0;
const BUCKETS_AFFINE = 1;
const BUCKETS_XYZZ = 2;

/** Per-call overrides of {@link msm}. */
export interface MsmOptions {
  /** Force a backend (tests compare both); default: {@link selectedBackend}. */
  readonly backend?: MsmBackendName;
  /** Native threads; default: {@link threadCount}. */
  readonly threads?: number;
  /** Native Pippenger window width in bits (1..20); default: chosen by size, scalar width and threads. */
  readonly windowBits?: number;
  /**
   * Native GLV endomorphism split (k = k1 + k2·λ, 2n points of 126-bit scalars) forced on or off; default:
   * the cost model chooses (on for wide scalars). The result is the same point either way.
   */
  readonly glv?: boolean;
  /**
   * Native buckets forced affine, filled by batches of additions sharing one inversion (true), or XYZZ, one
   * mixed addition each (false); default: the cost model chooses (affine for large MSMs). Same point either way.
   */
  readonly batchAffine?: boolean;
}

/**
 * Computes sum_i scalars[i] · bases[i] for i < scalars.length (the bases may be longer than the scalars).
 * Scalars must be canonical Fr elements; small negatives (r - k) are as cheap as small positives. They are
 * bigints or, packed, a Uint8Array of 32-byte little-endian canonical words (the native Fr-vector layout:
 * no bigint conversion at all on the native backend).
 */
export function msm(bases: G1Bases, scalars: readonly bigint[] | Uint8Array, options: MsmOptions = {}): G1Point {
  if (scalars instanceof Uint8Array && scalars.length % WORD_BYTES !== 0) {
    throw new RangeError(`msm: packed scalars of ${scalars.length} bytes are not whole 32-byte words`);
  }
  const count = scalars instanceof Uint8Array ? scalars.length / WORD_BYTES : scalars.length;
  if (count > bases.length) {
    throw new RangeError(`msm: ${count} scalars but only ${bases.length} bases`);
  }
  if (count === 0) return G1.ZERO;
  const backend = options.backend ?? selectedBackend();
  if (backend === "native") {
    const native = requireNative();
    let out: Uint8Array;
    try {
      const glv = options.glv === undefined ? GLV_AUTO : options.glv ? GLV_ON : GLV_OFF;
      const buckets =
        options.batchAffine === undefined ? BUCKETS_AUTO : options.batchAffine ? BUCKETS_AFFINE : BUCKETS_XYZZ;
      const threads = options.threads ?? threadCount();
      out = native.msm(bases.montgomeryBytes(), scalars, threads, options.windowBits ?? 0, glv, buckets);
    } catch (error) {
      if (error instanceof TypeError) throw new TypeError(`msm: ${error.message}`);
      throw error instanceof Error ? new RangeError(`msm: ${error.message}`) : error;
    }
    return canonicalPointAt(out, 0);
  }
  const list = scalars instanceof Uint8Array ? unpackScalars(scalars) : scalars;
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (typeof s !== "bigint") throw new TypeError(`msm: scalar ${i} is not a bigint`);
    if (s < 0n || s >= MODULUS) throw new RangeError(`msm: scalar ${i} is not a canonical Fr element`);
  }
  return G1.msm(bases.toPoints().slice(0, count), [...list]);
}

/** Packed little-endian words as bigints (the portable backend's form). */
function unpackScalars(words: Uint8Array): bigint[] {
  const out = new Array<bigint>(words.length / WORD_BYTES);
  for (let i = 0; i < out.length; i++) out[i] = readWordLE(words, i * WORD_BYTES);
  return out;
}
