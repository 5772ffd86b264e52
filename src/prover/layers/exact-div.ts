/**
 * Integer division by a constant, truncating toward zero (ONNX Div on integer tensors): y = trunc(x / d) with d a
 * public non-zero integer, x an integer tensor with |x| ≤ X (a static bound). Everything is LINEAR in committed
 * L-bit limbs, so the relations are checked once at the arena's point ρ (docs/prover.md, "Integer division by a
 * constant"). With D = |d| and σ = sign(d):
 *
 *     x = Σ_j 2^(jL)·ux_j − 2^K·g         (g = [x < 0]: the sign bit, u = x + 2^K·g ∈ [0, 2^K))        (X)
 *     Q = Σ_j 2^(jL)·uq_j − 2^K·h         (Q = trunc(|x| / D)·sign(x), an integer of (−2^(K+L), 2^K))   (Q)
 *     R = Σ_j 2^(jL)·r_j,  T = Σ_j 2^(jL)·t_j,   R + T = (D − 1)·1_real                                  (R)
 *     x + (D − 1)·g − D·Q − R = 0                                                                        (E)
 *     y = σ·Q
 *
 * Since trunc(x/D) = floor((x + (D − 1)·[x < 0]) / D), (E) with 0 ≤ R < D pins Q; every term is an integer far
 * below r/2, so the field identities hold over ℤ. K = m·L with 2^K > X (m limbs), the remainder's ℓ limbs with
 * 2^(ℓL) > D − 1. In the padding x = 0 forces g = ux = 0, (R) forces R = T = 0, (E) then Q = 0 and h = uq = 0.
 */
import * as Fr from "../../field/fr";
import { forEachIndex, layoutOf, type IntTensor, type TensorLayout } from "../tensor";
import { realIndicator } from "./compare";
import { limbCount, limbsOf, limbValue } from "./limbs";

/** A division's fixed shape. */
export interface ExactDivSpec {
  readonly shape: readonly number[];
  /** The constant divisor d ≠ 0. */
  readonly divisor: bigint;
  /** |x| ≤ xBound for every input the model admits. */
  readonly xBound: bigint;
  readonly limbBits: number;
}

/** Limb counts: m for the signed decompositions of x and Q (K = m·L), ℓ for R and T. */
export interface ExactDivGeometry {
  readonly layout: TensorLayout;
  readonly signLimbs: number;
  readonly k: number;
  readonly remLimbs: number;
  /** D = |d|. */
  readonly absDivisor: bigint;
}

/** @throws {RangeError} for a zero divisor or a negative bound */
export function exactDivGeometry(spec: ExactDivSpec): ExactDivGeometry {
  if (spec.divisor === 0n) throw new RangeError("exact division: the divisor is 0");
  if (spec.xBound < 0n) throw new RangeError("exact division: negative bound");
  const absDivisor = spec.divisor < 0n ? -spec.divisor : spec.divisor;
  // 2^K > X: x + 2^K·g then lies in [0, 2^K) for both signs (limbCount gives 2^(mL) > max).
  const signLimbs = limbCount(spec.xBound, spec.limbBits);
  return { layout: layoutOf(spec.shape), signLimbs, k: signLimbs * spec.limbBits, remLimbs: limbCount(absDivisor - 1n, spec.limbBits), absDivisor };
}

/** The prover's padded tables (canonical Fr), one per committed column. */
export interface ExactDivWitness {
  readonly ux: bigint[][];
  readonly g: bigint[];
  readonly uq: bigint[][];
  readonly h: bigint[];
  readonly r: bigint[][];
  readonly t: bigint[][];
}

/** Thrown when the trace's y is not trunc(x / d) (honest mode only). */
export class ExactDivMismatchError extends Error {
  constructor(readonly index: number, readonly expected: bigint, readonly got: number) {
    super(`output index ${index} is ${got}, trunc(x / d) gives ${expected}`);
    this.name = "ExactDivMismatchError";
  }
}

/** trunc(a / b) over bigint (JavaScript's bigint division truncates toward zero). */
export function truncDiv(a: bigint, b: bigint): bigint {
  return a / b;
}

/**
 * The witness from x and the trace's y. With `unsafe` a y that is not trunc(x/d) is kept (a dishonest prover): the
 * limbs are then of whatever Q = σ·y and R = x + (D−1)g − D·Q give, and a negative or oversized R fails its lookups.
 */
export function exactDivWitness(spec: ExactDivSpec, x: IntTensor, y: IntTensor, unsafe: boolean): ExactDivWitness {
  const geo = exactDivGeometry(spec);
  const size = geo.layout.paddedSize;
  const zeros = () => new Array<bigint>(size).fill(0n);
  const w: ExactDivWitness = {
    ux: Array.from({ length: geo.signLimbs }, zeros),
    g: zeros(),
    uq: Array.from({ length: geo.signLimbs }, zeros),
    h: zeros(),
    r: Array.from({ length: geo.remLimbs }, zeros),
    t: Array.from({ length: geo.remLimbs }, zeros),
  };
  const twoK = 1n << BigInt(geo.k);
  const sigma = spec.divisor < 0n ? -1n : 1n;
  const D = geo.absDivisor;
  const put = (tables: bigint[][], padded: number, v: bigint) => limbsOf(Fr.fromSigned(v), tables.length, spec.limbBits).forEach((limb, j) => (tables[j][padded] = limb));
  forEachIndex(geo.layout, (flat, padded) => {
    const xv = BigInt(x.data[flat]);
    const expected = truncDiv(xv, spec.divisor);
    const got = y.data[flat];
    if (BigInt(got) !== expected && !unsafe) throw new ExactDivMismatchError(flat, expected, got);
    const q = sigma * BigInt(got);
    const g = xv < 0n ? 1n : 0n;
    const h = q < 0n ? 1n : 0n;
    const rem = xv + (D - 1n) * g - D * q;
    w.g[padded] = g;
    w.h[padded] = h;
    put(w.ux, padded, xv + twoK * g);
    put(w.uq, padded, q + twoK * h);
    put(w.r, padded, rem);
    put(w.t, padded, D - 1n - rem);
  });
  return w;
}

/** Σ_j 2^(jL)·u_j − 2^K·s (the value of a signed decomposition's MLE combination at any point). */
export function signedValue(spec: ExactDivSpec, limbs: readonly bigint[], sign: bigint): bigint {
  const geo = exactDivGeometry(spec);
  return Fr.sub(limbValue(limbs, spec.limbBits), Fr.mul(sign, 1n << BigInt(geo.k)));
}

/** The columns' values at the arena point ρ. */
export interface ExactDivArenaValues {
  readonly point: readonly bigint[];
  readonly ux: readonly bigint[];
  readonly g: bigint;
  readonly uq: readonly bigint[];
  readonly h: bigint;
  readonly r: readonly bigint[];
  readonly t: readonly bigint[];
}

/**
 * Checks (R) and (E) at ρ and returns x~(ρ) from (X), or a reason when a relation fails (the caller rejects).
 */
export function checkExactDivAt(spec: ExactDivSpec, v: ExactDivArenaValues): { x: bigint } | { error: string } {
  const geo = exactDivGeometry(spec);
  const d1 = Fr.fromSigned(geo.absDivisor - 1n);
  const rem = limbValue(v.r, spec.limbBits);
  const slack = limbValue(v.t, spec.limbBits);
  if (Fr.add(rem, slack) !== Fr.mul(d1, realIndicator(geo.layout, v.point))) return { error: "R + T ≠ (D − 1)·1_real at the arena point" };
  const x = signedValue(spec, v.ux, v.g);
  const q = signedValue(spec, v.uq, v.h);
  const e = Fr.sub(Fr.sub(Fr.add(x, Fr.mul(d1, v.g)), Fr.mul(Fr.fromSigned(geo.absDivisor), q)), rem);
  if (e !== 0n) return { error: "x + (D − 1)·g − D·Q − R ≠ 0 at the arena point" };
  return { x };
}

/** y~ at a point from Q's limbs and sign there: σ·(Σ 2^(jL)·uq_j − 2^K·h). */
export function quotientAt(spec: ExactDivSpec, uq: readonly bigint[], h: bigint): bigint {
  const q = signedValue(spec, uq, h);
  return spec.divisor < 0n ? Fr.neg(q) : q;
}
