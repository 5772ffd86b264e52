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
// Allocated at full length: filling a short array at far indices would turn it into a slow dictionary.
const smallCache = new Array<bigint | undefined>(SMALL_LIMIT);

/** A non-negative safe integer as a canonical Fr element, one shared bigint per value below 2^20. */
export function smallFr(v: number): bigint {
  if (v < SMALL_LIMIT) return smallCache[v] ?? (smallCache[v] = BigInt(v));
  return BigInt(v);
}

/** A signed safe integer as a canonical Fr element (r − |v| for v < 0); shared bigints for small magnitudes. */
const negativeCache = new Array<bigint | undefined>(SMALL_LIMIT);
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
  const base = 2 ** L;
  const inverse = 2 ** -L;
  const s = spec.shift;
  const bound = Number(spec.accBound);
  const lo = Number(geo.lo);
  const hi = Number(geo.hi);
  const { mH, mL } = split24(Number(spec.multiplier));
  // 2^(s−1) as 24-bit digits (h_L, h_C, h_T), 0 for s = 0.
  const [hL, hC, hT] = s === 0 ? [0, 0, 0] : digits(s - 1);
  // s ≤ 48: t = x2·2^(48−s) + floor(r48 / 2^s). s > 48: t = floor(x2 / 2^(s−48)) and rem = remHigh·2^48 + r48,
  // whose limbs below bit B (the last limb boundary ≤ 48) come from r48 and the rest from
  // remHigh·2^(48−B) + floor(r48 / 2^B) < 2^(62−B) ≤ 2^33.
  const wide = s > 48;
  const shiftScale = wide ? 2 ** (s - 48) : 2 ** s;
  const tScale = wide ? 0 : 2 ** (48 - s);
  const lowLimbs = Math.floor(48 / L);
  const splitScale = 2 ** (lowLimbs * L);
  const out = emptyTables(geo);
  const y = new Float64Array(size);
  forEachRow(geo.layout, (flat, padded, length) => {
    for (let i = 0; i < length; i++) {
      const a = acc.data[flat + i];
      if (!Number.isSafeInteger(a)) throw new LayoutError(`requant: acc value ${a} at flat index ${flat + i} is not an integer`);
      if (Math.abs(a) > bound) throw new LayoutError(`requant: |acc| = ${Math.abs(a)} at flat index ${flat + i} exceeds the bound ${spec.accBound}`);
      // acc·M + 2^(s−1) = x2·2^48 + r48 (file comment); every division is by a power of two, so exact.
      const aH = Math.floor(a / DIGIT);
      const aL = a - aH * DIGIT;
      const x0 = aL * mL + hL;
      const c0 = Math.floor(x0 / DIGIT);
      const x1 = aH * mL + aL * mH + hC + c0;
      const c1 = Math.floor(x1 / DIGIT);
      const r48 = (x1 - c1 * DIGIT) * DIGIT + (x0 - c0 * DIGIT);
      const x2 = aH * mH + hT + c1;
      const at = padded + i;
      let t: number;
      if (wide) {
        t = Math.floor(x2 / shiftScale);
        const remHigh = x2 - t * shiftScale;
        const upper = Math.floor(r48 / splitScale);
        writeLimbs(out.rem, 0, lowLimbs, at, r48 - upper * splitScale, base, inverse);
        writeLimbs(out.rem, lowLimbs, out.rem.length, at, remHigh * (LOW / splitScale) + upper, base, inverse);
      } else {
        const low = Math.floor(r48 / shiftScale);
        t = x2 * tScale + low;
        writeLimbs(out.rem, 0, out.rem.length, at, r48 - low * shiftScale, base, inverse);
      }
      const yv = t > hi ? hi : t < lo ? lo : t;
      y[flat + i] = yv;
      out.y[at] = signedFr(yv);
      const d = t - yv;
      out.p[at] = smallFr(d > 0 ? 1 : 0);
      out.q[at] = smallFr(d < 0 ? 1 : 0);
      writeLimbs(out.e, 0, out.e.length, at, Math.abs(d), base, inverse);
      writeLimbs(out.u, 0, out.u.length, at, yv - lo, base, inverse);
      writeLimbs(out.uc, 0, out.uc.length, at, hi - yv, base, inverse);
    }
  });
  return { tables: out, y };
}

/** Tables of the output layout filled with their padding (u: −lo, ū: hi as limbs; 0 elsewhere). */
function emptyTables(geo: RequantGeometry): RequantTables {
  const n = geo.layout.paddedSize;
  const base = 2 ** geo.limbBits;
  const filled = (v: number) => new Array<bigint>(n).fill(smallFr(v));
  const limbTables = (count: number, pad: number) => {
    const tables = Array.from({ length: count }, () => [0n]);
    writeLimbs(tables, 0, count, 0, pad, base, 1 / base);
    return tables.map((t) => filled(Number(t[0])));
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

/**
 * Writes limbs `from` … `to − 1` of a value at index `at`: limb `from + k` is the k-th base-`base` digit of the
 * non-negative safe integer v, except that limb `to − 1` takes everything above when it is the tables' last (the
 * reference `limbsOf`'s top limb) — otherwise the caller's v has no bits above it.
 */
function writeLimbs(tables: bigint[][], from: number, to: number, at: number, v: number, base: number, inverse: number): void {
  const top = tables.length - 1;
  for (let k = from; k < to; k++) {
    if (k === top) {
      tables[k][at] = smallFr(v);
      return;
    }
    const q = Math.floor(v * inverse);
    tables[k][at] = smallFr(v - q * base);
    v = q;
  }
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
