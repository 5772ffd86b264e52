/**
 * The requantization's witness tables straight from the accumulator, in float64 integer arithmetic: the same
 * tables as `requantTables(spec, requantWitness(spec, acc))` (./requant.ts, ./requant-spec.ts), without a bigint
 * per intermediate value.
 *
 * Why: a llama generation model at 128 positions requantizes ≈ 3·10^6 elements, each into 8–10 limb tables. The
 * reference path allocates a bigint for every product, shift, limb and padding entry (≈ 30 per element), and
 * the collections that garbage causes were ≈ 70 % of the prover's witness phase. Here the integer arithmetic
 * runs on doubles (exact below 2^53, see {@link fastRequantApplies}) and the tables share one bigint object per
 * small value ({@link smallFr}): bigints are immutable, so sharing changes no value — the same field elements, the
 * same commitments, the same proof bytes.
 *
 * Exactness. With |acc| < 2^47 and |M| < 2^32, write acc = a_H·2^24 + a_L and M = M_H·2^24 + M_L (a_L, M_L in
 * [0, 2^24), a_H and M_H signed: floor division): acc·M = a_H·M_H·2^48 + (a_H·M_L + a_L·M_H)·2^24 + a_L·M_L,
 * every partial product below 2^48 in magnitude. Adding 2^(s−1) (as 24-bit digits) and carrying gives
 * acc·M + 2^(s−1) = x_2·2^48 + r_48 with r_48 in [0, 2^48) and |x_2| < 2^33; t and rem follow from that pair
 * with exact shifts (divisions by powers of two), and rem's limbs are read from its two parts. |t| < 2^52 (the
 * spec's bound, checked) keeps t, e = |t − y|, u and ū exact.
 */
import * as Fr from "../../field/fr";
import { forEachRow, LayoutError, type IntTensor } from "../tensor";
import { requantGeometry, type RequantGeometry, type RequantSpec } from "./requant-spec";
import type { RequantTables } from "./requant";

/** 2^24: the digit base of the exact product. */
const DIGIT = 2 ** 24;
/** 2^48: the split of acc·M + 2^(s−1) into x_2·2^48 + r_48. */
const LOW = 2 ** 48;
/** Largest |acc| bound, |M| and |t| bound the float path takes (see the file comment); beyond: the bigint path. */
const MAX_ACC_BOUND = 2n ** 47n - 1n;
const MAX_MULTIPLIER = 2n ** 32n - 1n;
const MAX_T = 2n ** 52n;

/** Values below this get one shared bigint each (every limb: L ≤ 20; every u, ū: b ≤ 16). */
const SMALL_LIMIT = 2 ** 20;
const smallCache: bigint[] = [];

/** A non-negative safe integer as a canonical Fr element, one shared bigint per value below 2^20. */
export function smallFr(v: number): bigint {
  if (v < SMALL_LIMIT) return smallCache[v] ?? (smallCache[v] = BigInt(v));
  return BigInt(v);
}

/** A signed safe integer as a canonical Fr element (r − |v| for v < 0); shared bigints for small magnitudes. */
const negativeCache: bigint[] = [];
function signedFr(v: number): bigint {
  if (v >= 0) return smallFr(v);
  const m = -v;
  if (m < SMALL_LIMIT) return negativeCache[m] ?? (negativeCache[m] = Fr.MODULUS - BigInt(m));
  return Fr.MODULUS - BigInt(m);
}

/**
 * True when {@link requantWitnessTables} may take the spec (|acc| bound below 2^47, |M| below 2^32, |t| below
 * 2^52); every plan requantization of the LLM and the ONNX corpus does.
 */
export function fastRequantApplies(spec: RequantSpec): boolean {
  const absM = spec.multiplier < 0n ? -spec.multiplier : spec.multiplier;
  if (spec.accBound > MAX_ACC_BOUND || absM > MAX_MULTIPLIER) return false;
  const tMax = spec.shift === 0 ? spec.accBound * absM : ((spec.accBound * absM) >> BigInt(spec.shift)) + 1n;
  return tMax < MAX_T;
}

/** The honest tables and y (row-major, as numbers: the caller compares them with the trace's). */
export interface RequantWitnessTables {
  readonly tables: RequantTables;
  readonly y: Float64Array;
}

/**
 * The witness tables of requantizing `acc` (equal to `requantTables(spec, requantWitness(spec, acc))`), and y.
 * @throws {LayoutError} as `requantWitness` does: a size mismatch, a non-integer acc, |acc| above the bound;
 * RangeError when {@link fastRequantApplies} is false (the caller takes the bigint path then)
 */
export function requantWitnessTables(spec: RequantSpec, acc: IntTensor): RequantWitnessTables {
  if (!fastRequantApplies(spec)) throw new RangeError("requantWitnessTables: the spec's bounds need the bigint path");
  const geo = requantGeometry(spec);
  const size = spec.shape.reduce((p, d) => p * d, 1);
  if (acc.data.length !== size) throw new LayoutError(`requant: acc has ${acc.data.length} values, the spec's shape ${size}`);
  const L = geo.limbBits;
  const s = spec.shift;
  const bound = Number(spec.accBound);
  const lo = Number(geo.lo);
  const hi = Number(geo.hi);
  const { mH, mL } = split24(Number(spec.multiplier));
  // 2^(s−1) as 24-bit digits (h_L, h_C, h_T), 0 for s = 0.
  const half = s === 0 ? [0, 0, 0] : digits(s - 1);
  const out = emptyTables(geo);
  const y = new Float64Array(size);
  const remLimbs = new Float64Array(geo.remLimbs);
  forEachRow(geo.layout, (flat, padded, length) => {
    for (let i = 0; i < length; i++) {
      const a = acc.data[flat + i];
      if (!Number.isSafeInteger(a)) throw new LayoutError(`requant: acc value ${a} at flat index ${flat + i} is not an integer`);
      if (Math.abs(a) > bound) throw new LayoutError(`requant: |acc| = ${Math.abs(a)} at flat index ${flat + i} exceeds the bound ${spec.accBound}`);
      // acc·M + 2^(s−1) = x2·2^48 + r48 (file comment).
      const aH = Math.floor(a / DIGIT);
      const aL = a - aH * DIGIT;
      const x0 = aL * mL + half[0];
      const d0 = x0 % DIGIT;
      const x1 = aH * mL + aL * mH + half[1] + (x0 - d0) / DIGIT;
      const c1 = Math.floor(x1 / DIGIT);
      const r48 = (x1 - c1 * DIGIT) * DIGIT + d0;
      const x2 = aH * mH + half[2] + c1;
      // t = floor(num / 2^s); rem = num − t·2^s = remHigh·2^48 + remLow.
      let t: number;
      let remHigh: number;
      let remLow: number;
      if (s <= 48) {
        const p = 2 ** s;
        const low = Math.floor(r48 / p);
        t = x2 * 2 ** (48 - s) + low;
        remHigh = 0;
        remLow = r48 - low * p;
      } else {
        const p = 2 ** (s - 48);
        t = Math.floor(x2 / p);
        remHigh = x2 - t * p;
        remLow = r48;
      }
      const yv = t > hi ? hi : t < lo ? lo : t;
      y[flat + i] = yv;
      const at = padded + i;
      out.y[at] = signedFr(yv);
      const d = t - yv;
      out.p[at] = smallFr(d > 0 ? 1 : 0);
      out.q[at] = smallFr(d < 0 ? 1 : 0);
      limbsOfParts(remHigh, remLow, L, remLimbs);
      for (let k = 0; k < remLimbs.length; k++) out.rem[k][at] = smallFr(remLimbs[k]);
      writeLimbs(out.e, at, Math.abs(d), L);
      writeLimbs(out.u, at, yv - lo, L);
      writeLimbs(out.uc, at, hi - yv, L);
    }
  });
  return { tables: out, y };
}

/** Tables of the output layout filled with their padding (u: −lo, ū: hi as limbs; 0 elsewhere). */
function emptyTables(geo: RequantGeometry): RequantTables {
  const n = geo.layout.paddedSize;
  const L = geo.limbBits;
  const filled = (v: number) => new Array<bigint>(n).fill(smallFr(v));
  const limbTables = (count: number, pad: number) => {
    const padLimbs = new Float64Array(count);
    numberLimbs(pad, L, padLimbs);
    return Array.from(padLimbs, (v) => filled(v));
  };
  return {
    y: filled(0),
    p: filled(0),
    q: filled(0),
    rem: limbTables(geo.remLimbs, 0),
    e: limbTables(geo.eLimbs, 0),
    u: limbTables(geo.uLimbs, Number(-geo.lo)),
    uc: limbTables(geo.ucLimbs, Number(geo.hi)),
  };
}

/** Writes the `tables.length` limbs of the non-negative safe integer v at index `at`. */
function writeLimbs(tables: bigint[][], at: number, v: number, L: number): void {
  const count = tables.length;
  if (count === 0) return;
  const base = 2 ** L;
  for (let k = 0; k < count - 1; k++) {
    const limb = v % base;
    tables[k][at] = smallFr(limb);
    v = (v - limb) / base;
  }
  tables[count - 1][at] = smallFr(v);
}

/** `out.length` little-endian limbs of the non-negative safe integer v, the top one taking everything above. */
function numberLimbs(v: number, L: number, out: Float64Array): void {
  const base = 2 ** L;
  for (let k = 0; k < out.length - 1; k++) {
    const limb = v % base;
    out[k] = limb;
    v = (v - limb) / base;
  }
  if (out.length > 0) out[out.length - 1] = v;
}

/**
 * The limbs of v = high·2^48 + low (low in [0, 2^48), high ≥ 0 below 2^14), `out.length` of them, the top one
 * taking everything above: limb k = bits [k·L, k·L + L) of v, read from whichever parts they fall in.
 */
function limbsOfParts(high: number, low: number, L: number, out: Float64Array): void {
  const count = out.length;
  for (let k = 0; k < count; k++) {
    const from = k * L;
    const top = k === count - 1;
    const width = top ? Infinity : L;
    out[k] = bitsOf(high, low, from, width);
  }
}

/** floor(v / 2^from) mod 2^width (width Infinity: no mod) of v = high·2^48 + low. */
function bitsOf(high: number, low: number, from: number, width: number): number {
  let v: number;
  if (from >= 48) v = Math.floor(high / 2 ** (from - 48));
  else {
    // floor(low / 2^from) < 2^(48 − from); high's part starts at bit 48 − from of the result.
    const part = Math.floor(low / 2 ** from);
    if (high === 0) v = part;
    else {
      // Only high's bits below `width` matter; keep the product below 2^53.
      const keep = width === Infinity ? high : high % 2 ** Math.max(0, width - (48 - from));
      v = part + keep * 2 ** (48 - from);
    }
  }
  return width === Infinity ? v : v % 2 ** width;
}

/** M = mH·2^24 + mL with mL in [0, 2^24). */
function split24(m: number): { mH: number; mL: number } {
  const mH = Math.floor(m / DIGIT);
  return { mH, mL: m - mH * DIGIT };
}

/** 2^k as three 24-bit digits [low, middle, top] (k < 72). */
function digits(k: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  out[Math.floor(k / 24)] = 2 ** (k % 24);
  return out;
}
