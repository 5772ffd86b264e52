/**
 * The polynomial arithmetic of a HyperKZG opening (fold, evaluate at ±x and x, linear combinations, division
 * by (X - x) and by (X^2 - s)(X - s), commit), over one of two vector representations:
 *
 * - `native`: packed Fr vectors, n canonical 32-byte little-endian words in one Uint8Array, worked on by the
 *   C++ kernels of `native/` (both cores for the element-wise passes) and handed to the native MSM as they
 *   are. A polynomial is converted from bigints once, when the opening starts, and never back.
 * - `portable`: `bigint[]` and the TypeScript routines of ./kzg.ts and ../poly/mle.ts, for machines without
 *   the addon.
 *
 * Every operation is a mathematical function of its inputs with canonical outputs, so both give the same
 * field elements, hence the same proof bytes (test/pcs/poly-kernels.test.ts and the pinned-proof test in
 * test/pcs/hyperkzg.test.ts compare them).
 */
import type { G1Point } from "../curve/bn254";
import { MODULUS } from "../field/fr";
import { loadNative, selectedBackend, threadCount, type MsmBackendName, type NativeKernels } from "../msm";
import { readWordLE } from "../msm/layout";
import { bindFirstVariable } from "../poly/mle";
import { openingKernels, releaseVectors } from "./opening-kernels";
import { commitCoefficients, divideByLinear, divideBySquareTimesLinear, evaluateAtPlusMinusWithPowers } from "./kzg";
import type { Srs } from "./srs";

/** Vector operations an opening needs; `V` is the backend's vector type. All results are canonical. */
export interface PolyKernels<V> {
  readonly backend: MsmBackendName;
  /** The values (canonical, not re-checked) zero-extended to `size` entries. */
  fromBigints(values: readonly bigint[], size: number): V;
  /** Packed canonical words (32-byte little-endian, checked canonical) zero-extended to `size` entries (an exact-size input may be returned as it is: vectors are never written in place). */
  fromWords(words: Uint8Array, size: number): V;
  toBigints(v: V): bigint[];
  length(v: V): number;
  /** v[2i] + u·(v[2i+1] - v[2i]): binds the first variable of a multilinear table (length even, >= 2). */
  fold(v: V, u: bigint): V;
  /** [v(x), v(-x)] for v read as coefficients, lowest degree first. */
  evalPlusMinus(v: V, x: bigint): [bigint, bigint];
  /** v(x). */
  evalAt(v: V, x: bigint): bigint;
  /** sum_j coeffs[j]·vs[j], as long as the longest vector (shorter ones zero-extended). */
  linearCombination(vs: readonly V[], coeffs: readonly bigint[]): V;
  /** The quotient of v(X) by (X - x), remainder discarded. */
  divideByLinear(v: V, x: bigint): V;
  /** The quotient of v(X) by (X^2 - s)(X - s), remainder discarded. */
  divideBySquareTimesLinear(v: V, s: bigint): V;
  /** [v(tau)]_1 by one MSM. */
  commit(srs: Srs, v: V): G1Point;
  /** In-place steps of an opening's tail (native, with an addon that has ./opening-kernels.ts); absent: copy. */
  readonly inPlace?: InPlaceKernels<V>;
}

/**
 * HyperKZG's tail in one buffer: B formed over a vector the opening owns, then Q and Q' computed in its words
 * (the same field elements as `divideBySquareTimesLinear` and `divideByLinear` of B − Z(z)·Q).
 */
export interface InPlaceKernels<V> {
  /** A zero vector of `size` entries. */
  zeros(size: number): V;
  /** dst = Σ_j coeffs[j]·vs[j] (dst as long as the longest; dst may be one of the vectors). */
  combineInto(dst: V, vs: readonly V[], coeffs: readonly bigint[]): void;
  /** b becomes b_0, b_1, b_2, Q; returns the view of Q = ⌊B / ((X^2 − s)(X − s))⌋ (length(b) − 3 entries, or none). */
  quotientZ(b: V, s: bigint): V;
  /** After {@link quotientZ}: returns the view of Q′ = ⌊(B − zAtZ·Q) / (X − z)⌋ (length(b) − 1 entries) in b's words. */
  quotientL(b: V, s: bigint, zAtZ: bigint, z: bigint): V;
  /** Frees dead vectors the opening owns now rather than at the next garbage collection (when the addon can). */
  release(vs: readonly V[]): void;
}

/**
 * Kernels for one opening: `native` when requested or (by default) when the MSM backend is native, else
 * `portable`. The portable set caches a table of powers between evaluations, hence one set per opening.
 */
export function polyKernels(backend: MsmBackendName = selectedBackend()): PolyKernels<Uint8Array> | PolyKernels<bigint[]> {
  if (backend === "native") {
    const native = loadNative();
    if (!native) throw new Error("HyperKZG: the native kernels were requested but the addon did not load");
    return nativeKernels(native);
  }
  return portableKernels();
}

/** Packed words (`native/src/frvec.h`); the element-wise kernels use {@link threadCount} threads. */
export function nativeKernels(native: NativeKernels): PolyKernels<Uint8Array> {
  const threads = threadCount();
  // With the in-place kernels, results are written into buffers allocated here (no copy out of C++).
  const into = openingKernels(native);
  return {
    backend: "native",
    fromBigints: (values, size) => native.frFromBigints(values, size),
    fromWords: (words, size) => {
      if (words.length > size * 32) throw new RangeError(`fromWords: ${words.length / 32} words exceed ${size}`);
      // Vectors are never written in place, so an exact-size input is shared rather than copied.
      if (words.length === size * 32) return words;
      const out = new Uint8Array(size * 32);
      out.set(words);
      // The native kernels check every word canonical on their first use of the vector.
      return out;
    },
    toBigints: (v) => native.frToBigints(v),
    length: (v) => v.length / 32,
    fold: (v, u) => {
      if (!into || v.length % 64 !== 0) return native.frFold(v, u, threads);
      const out = new Uint8Array(v.length / 2);
      into.frFoldInto(v, out, u, threads);
      return out;
    },
    evalPlusMinus: (v, x) => {
      const out = native.frEvalPlusMinus(v, x, threads);
      return [readWordLE(out, 0), readWordLE(out, 32)];
    },
    evalAt: (v, x) => readWordLE(native.frEval(v, x, threads), 0),
    linearCombination: (vs, coeffs) => {
      if (!into) return native.frLinearCombination(vs, coeffs, threads);
      const out = new Uint8Array(Math.max(0, ...vs.map((v) => v.length)));
      into.frLinearCombinationInto(out, vs, coeffs, threads);
      return out;
    },
    divideByLinear: (v, x) => native.frDivideByLinear(v, x),
    divideBySquareTimesLinear: (v, s) => native.frDivideBySquareTimesLinear(v, s),
    commit: (srs, v) => commitCoefficients(srs, v),
    inPlace: into && {
      zeros: (size) => new Uint8Array(size * 32),
      combineInto: (dst, vs, coeffs) => into.frLinearCombinationInto(dst, vs, coeffs, threads),
      quotientZ: (b, s) => {
        into.openingQuotientZ(b, s);
        return b.subarray(Math.min(b.length, 3 * 32));
      },
      quotientL: (b, s, zAtZ, z) => {
        into.openingQuotientL(b, s, zAtZ, z);
        return b.subarray(Math.min(b.length, 32));
      },
      release: (vs) => releaseVectors(into, vs),
    },
  };
}

/** bigint vectors and the TypeScript routines (lazy reduction: one `%` per output where possible). */
export function portableKernels(): PolyKernels<bigint[]> {
  // evalPlusMinus is called for every fold at the same x: one table of powers serves them all.
  let powers: { x: bigint; table: bigint[] } | undefined;
  const powersOf = (x: bigint, n: number): bigint[] => {
    if (!powers || powers.x !== x || powers.table.length < n) {
      const table = new Array<bigint>(n);
      let p = 1n;
      for (let i = 0; i < n; i++) {
        table[i] = p;
        p = (p * x) % MODULUS;
      }
      powers = { x, table };
    }
    return powers.table;
  };
  return {
    backend: "portable",
    fromBigints: (values, size) => {
      const out = values.slice();
      for (let i = values.length; i < size; i++) out.push(0n);
      return out;
    },
    fromWords: (words, size) => {
      if (words.length > size * 32) throw new RangeError(`fromWords: ${words.length / 32} words exceed ${size}`);
      const out = new Array<bigint>(size).fill(0n);
      for (let i = 0; i * 32 < words.length; i++) {
        const v = readWordLE(words, i * 32);
        if (v >= MODULUS) throw new RangeError(`fromWords: word ${i} is not a canonical Fr element`);
        out[i] = v;
      }
      return out;
    },
    toBigints: (v) => v.slice(),
    length: (v) => v.length,
    fold: (v, u) => bindFirstVariable(v, u),
    evalPlusMinus: (v, x) => evaluateAtPlusMinusWithPowers(v, powersOf(x, v.length)),
    evalAt: (v, x) => {
      let acc = 0n;
      for (let i = v.length - 1; i >= 0; i--) acc = (acc * x + v[i]) % MODULUS;
      return acc;
    },
    linearCombination: (vs, coeffs) => {
      const n = Math.max(0, ...vs.map((v) => v.length));
      const out = new Array<bigint>(n);
      for (let i = 0; i < n; i++) {
        let acc = 0n;
        for (let j = 0; j < vs.length; j++) if (i < vs[j].length) acc += coeffs[j] * vs[j][i];
        out[i] = acc % MODULUS;
      }
      return out;
    },
    divideByLinear: (v, x) => divideByLinear(v, x),
    divideBySquareTimesLinear: (v, s) => divideBySquareTimesLinear(v, s),
    commit: (srs, v) => commitCoefficients(srs, v),
  };
}
