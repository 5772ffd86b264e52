/**
 * The integer arithmetic of the proved path, specified in docs/quantization.md and mirrored by the prover:
 *
 * - requantize(x, M, s) = clamp(floor((x * M + 2^(s-1)) / 2^s), qmin, qmax)  (s > 0; for s = 0 no rounding
 *   term): a fixed-point multiply by the integer multiplier M, an arithmetic shift right by s that rounds
 *   half up (towards +infinity), and a clamp to the signed b-bit range.
 * - roundDiv(n, d) = floor((2n + d) / (2d)) for d > 0 (half up), with the signs of n and d normalised first.
 *
 * Values are JavaScript numbers holding exact integers; products that could pass 2^52 switch to bigint, so
 * the result is exact for every input.
 */

/** Bits of precision of a requantization multiplier: M lies in [2^(MULTIPLIER_BITS-1), 2^MULTIPLIER_BITS). */
export const MULTIPLIER_BITS = 31;
/** Largest shift a multiplier may use; bounds the rounding term and keeps scales sane. */
export const MAX_SHIFT = 62;
const EXACT = 2 ** 52;

/** A fixed-point real number `multiplier / 2^shift`. */
export interface FixedPoint {
  readonly multiplier: number;
  readonly shift: number;
}

/** Signed b-bit range: [-2^(b-1), 2^(b-1) - 1]. */
export function qRange(bits: number): { qmin: number; qmax: number } {
  return { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
}

/**
 * The fixed-point approximation of a real `ratio`: the multiplier has {@link MULTIPLIER_BITS} bits of
 * precision (or fewer when the shift reaches 0 or {@link MAX_SHIFT}); negative ratios give negative
 * multipliers.
 */
export function toFixedPoint(ratio: number): FixedPoint {
  if (!Number.isFinite(ratio)) throw new RangeError(`requantization ratio must be finite, got ${ratio}`);
  if (ratio === 0) return { multiplier: 0, shift: 0 };
  const mag = Math.abs(ratio);
  // Pick s so that mag * 2^s lands in [2^30, 2^31).
  let shift = MULTIPLIER_BITS - 1 - Math.floor(Math.log2(mag));
  shift = Math.max(0, Math.min(MAX_SHIFT, shift));
  let m = Math.round(mag * 2 ** shift);
  if (m >= 2 ** MULTIPLIER_BITS && shift > 0) {
    shift -= 1;
    m = Math.round(mag * 2 ** shift);
  }
  return { multiplier: ratio < 0 ? -m : m, shift };
}

/** floor((x * M + 2^(s-1)) / 2^s), exact for any integer x and multiplier M. */
export function mulShiftRound(x: number, multiplier: number, shift: number): number {
  const p = x * multiplier;
  if (Math.abs(p) < EXACT) {
    if (shift === 0) return p;
    return roundShift(p, 2 ** shift);
  }
  const big = BigInt(x) * BigInt(multiplier);
  if (shift === 0) return Number(big);
  const s = BigInt(shift);
  // bigint >> is an arithmetic (flooring) shift.
  return Number((big + (1n << (s - 1n))) >> s);
}

/**
 * floor((p + div/2) / div) for an exact integer |p| < 2^52 and a power of two div >= 2, computed without
 * forming p + div/2 (which could round when div is large): floor division, then round up when the
 * remainder is at least half.
 */
function roundShift(p: number, div: number): number {
  const q = Math.floor(p / div);
  const rem = p - q * div;
  return 2 * rem >= div ? q + 1 : q;
}

/** Clamps to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** requantize(x) = clamp(mulShiftRound(x, M, s), qmin, qmax). */
export function requantize(x: number, fp: FixedPoint, qmin: number, qmax: number): number {
  return clamp(mulShiftRound(x, fp.multiplier, fp.shift), qmin, qmax);
}

/** Requantizes a whole array in place. */
export function requantizeArray(data: Float64Array, fp: FixedPoint, qmin: number, qmax: number): Float64Array {
  const { multiplier, shift } = fp;
  const div = 2 ** shift;
  for (let i = 0; i < data.length; i++) {
    const p = data[i] * multiplier;
    let r: number;
    if (Math.abs(p) < EXACT) r = shift === 0 ? p : roundShift(p, div);
    else r = mulShiftRound(data[i], multiplier, shift);
    data[i] = r < qmin ? qmin : r > qmax ? qmax : r;
  }
  return data;
}

/**
 * Integer division rounding half up: floor((2n + d) / (2d)) after making d positive. d = 0 saturates to the
 * sign of n times `saturate` (0 for n = 0).
 */
export function roundDiv(n: number, d: number, saturate: number): number {
  if (d === 0) return n === 0 ? 0 : n > 0 ? saturate : -saturate;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  // Fast path while 2n + d and 2d are exact doubles; otherwise bigint from the (exact) integer inputs.
  if (Math.abs(n) < 2 ** 50 && d < 2 ** 50) return Math.floor((2 * n + d) / (2 * d));
  const bn = 2n * BigInt(n) + BigInt(d);
  const bd = 2n * BigInt(d);
  let q = bn / bd;
  if (bn % bd !== 0n && bn < 0n) q -= 1n;
  return Number(q);
}

/** Symmetric per-tensor scale for a tensor whose largest magnitude is `maxAbs`: maxAbs / qmax (1 if zero). */
export function scaleFor(maxAbs: number, bits: number): number {
  const { qmax } = qRange(bits);
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 1;
  return maxAbs / qmax;
}

/** Quantizes real values at `scale`: round half away from zero, then clamp (used for weights, once). */
export function quantizeValues(data: Float64Array, scale: number, qmin: number, qmax: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] / scale;
    const r = Math.sign(v) * Math.round(Math.abs(v));
    out[i] = clamp(Number.isFinite(r) ? r : Math.sign(v) * qmax, qmin, qmax);
  }
  return out;
}
