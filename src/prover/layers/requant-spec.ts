/**
 * Requantization as a proof step: its public shape (multiplier, shift, bit width, accumulator bound), the
 * limb geometry of the range checks, the fixed lookup tables, and the prover's witness (docs/prover.md,
 * "Requantization"; the integer semantics are docs/quantization.md's `requant`).
 *
 *   t   = floor((acc·M + 2^(s−1)) / 2^s)        rem = acc·M + 2^(s−1) − t·2^s ∈ [0, 2^s)
 *   y   = clamp(t) ∈ [qmin, qmax]               t − y = σ·e,  σ ∈ {−1, 0, +1},  e ≥ 0
 */
import * as Fr from "../../field/fr";
import { forEachIndex, layoutOf, LayoutError, type IntTensor, type TensorLayout } from "../tensor";

/**
 * Width L of one range-checked limb: rem and e are split into limbs of L bits, each looked up in the one range
 * table [0, 2^L) (`range:12`). 12 keeps that table no larger than the CLAMP table 2^(b+1) of every b ≥ 11, so the
 * proof-wide arena (and the batch opening's H) is sized by the model's own tables, not by the limbs (measured on
 * the corpus: 16 → 12 bits takes `3l_relu_conv_fc` from 385 to 382 proof words and its proving time by ~40 %;
 * 11 and 13 bits give more words there). Softmax and RMSNorm (layers/softmax.ts, rmsnorm.ts) share the width.
 */
export const REQUANT_LIMB_BITS = 12;
/** Widest activations (docs/quantization.md: b in 8..16); the CLAMP table has 2^(b+1) padded rows. */
export const MAX_REQUANT_BITS = 16;
/** Largest shift a plan produces (docs/quantization.md: s ≤ 62). */
export const MAX_REQUANT_SHIFT = 62;
/**
 * Integers on either side of the linear identity must stay below 2^252 < r/2 in magnitude, so that equality in
 * Fr is equality over the integers (no wrap-around).
 */
const NO_WRAP_BITS = 252;

/** The public statement of one requantization: y = clamp(floor((acc·M + 2^(s−1)) / 2^s)) element-wise. */
export interface RequantSpec {
  /** Shape of acc and y (one element-wise step). */
  readonly shape: readonly number[];
  /** The signed integer multiplier M (|M| < 2^31 for plan multipliers). */
  readonly multiplier: bigint;
  /** The shift s in [0, 62]; s = 0 means t = acc·M exactly (no rounding term, no remainder). */
  readonly shift: number;
  /** The activation bit width b: qmin = −2^(b−1), qmax = 2^(b−1) − 1. */
  readonly bits: number;
  /**
   * A public bound |acc| ≤ accBound, from the plan (linear: terms·max(|qmin|, qmax)² + max |qbias| < 2^53).
   * It sizes the range check on e = |t − y|; an acc beyond it cannot be proved (the prover refuses).
   */
  readonly accBound: bigint;
}

/** What the spec implies for the proof: variable count, limb counts and the top limb of rem. */
export interface RequantGeometry {
  readonly layout: TensorLayout;
  readonly qmin: bigint;
  readonly qmax: bigint;
  /** Limbs of rem: ⌈s / L⌉ (0 when s = 0; L = {@link REQUANT_LIMB_BITS}). */
  readonly remLimbs: number;
  /** Bits of rem's top limb, in 1..L (rem < 2^s exactly needs the top limb below 2^topBits). */
  readonly remTopBits: number;
  /** Limbs of e: ⌈eBits / L⌉, each a full L-bit limb (e's bound need not be tight, only wrap-free). */
  readonly eLimbs: number;
  /** Bits of the largest e = |t − y| that |acc| ≤ accBound allows (0: the output can never clamp). */
  readonly eBits: number;
}

/**
 * Checks a spec and derives its geometry.
 * @throws {LayoutError} on a bad shift, bit width or bound, or a statement whose integers could wrap in Fr
 */
export function requantGeometry(spec: RequantSpec): RequantGeometry {
  const { shift: s, bits, accBound, multiplier } = spec;
  if (!Number.isInteger(s) || s < 0 || s > MAX_REQUANT_SHIFT) {
    throw new LayoutError(`requant: shift ${s} is not an integer in [0, ${MAX_REQUANT_SHIFT}]`);
  }
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_REQUANT_BITS) {
    throw new LayoutError(`requant: bit width ${bits} is not in [2, ${MAX_REQUANT_BITS}]`);
  }
  if (typeof accBound !== "bigint" || accBound < 0n) throw new LayoutError(`requant: accumulator bound ${accBound} is not a bigint ≥ 0`);
  if (typeof multiplier !== "bigint") throw new LayoutError("requant: the multiplier must be a bigint");
  const layout = layoutOf(spec.shape);
  const qmax = (1n << BigInt(bits - 1)) - 1n;
  const qmin = -(1n << BigInt(bits - 1));
  const absM = multiplier < 0n ? -multiplier : multiplier;
  // |t| ≤ floor((A·|M| + 2^(s−1)) / 2^s) ≤ (A·|M| >> s) + 1; e = |t| − qmax (t > qmax) or |t| − |qmin| (t < qmin).
  const tMax = s === 0 ? accBound * absM : ((accBound * absM) >> BigInt(s)) + 1n;
  const eMax = tMax > qmax ? tMax - qmax : 0n;
  const eBits = eMax.toString(2).length - (eMax === 0n ? 1 : 0);
  const remLimbs = Math.ceil(s / REQUANT_LIMB_BITS);
  const remTopBits = s === 0 ? 0 : s - (remLimbs - 1) * REQUANT_LIMB_BITS;
  const eLimbs = Math.ceil(eBits / REQUANT_LIMB_BITS);
  const lhs = accBound * absM + (s === 0 ? 0n : 1n << BigInt(s - 1));
  const rhs = (1n << BigInt(s)) * ((1n << BigInt(bits - 1)) + (1n << BigInt(eLimbs * REQUANT_LIMB_BITS)) + 1n);
  if (lhs.toString(2).length >= NO_WRAP_BITS || rhs.toString(2).length >= NO_WRAP_BITS) {
    throw new LayoutError(`requant: |acc·M| or 2^s·|t| may reach 2^${NO_WRAP_BITS}: the identity could wrap in Fr`);
  }
  return { layout, qmin, qmax, remLimbs, remTopBits, eLimbs, eBits };
}

/**
 * The prover's advice per real element (row-major, signed integers): the output y, σ, rem and e. Computed
 * from acc by {@link requantWitness}; a test may hand a dishonest one to `proveRequant`.
 */
export interface RequantWitness {
  readonly y: readonly bigint[];
  readonly sigma: readonly bigint[];
  readonly rem: readonly bigint[];
  readonly e: readonly bigint[];
}

/**
 * The honest witness for acc (exact bigint arithmetic, the executor's semantics).
 * @throws {LayoutError} when acc's size does not match the spec, or some |acc| exceeds the public bound
 */
export function requantWitness(spec: RequantSpec, acc: IntTensor): RequantWitness {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  if (acc.data.length !== size) throw new LayoutError(`requant: acc has ${acc.data.length} values, the spec's shape ${size}`);
  const { qmin, qmax } = requantGeometry(spec);
  const s = BigInt(spec.shift);
  const half = spec.shift === 0 ? 0n : 1n << (s - 1n);
  const w = { y: [] as bigint[], sigma: [] as bigint[], rem: [] as bigint[], e: [] as bigint[] };
  for (let i = 0; i < size; i++) {
    const v = acc.data[i];
    if (!Number.isSafeInteger(v)) throw new LayoutError(`requant: acc value ${v} at flat index ${i} is not an integer`);
    const a = BigInt(v);
    if ((a < 0n ? -a : a) > spec.accBound) {
      throw new LayoutError(`requant: |acc| = ${a < 0n ? -a : a} at flat index ${i} exceeds the bound ${spec.accBound}`);
    }
    const num = a * spec.multiplier + half;
    const t = num >> s; // BigInt's >> is arithmetic: floor(num / 2^s) also for negative num
    const y = t > qmax ? qmax : t < qmin ? qmin : t;
    const d = t - y;
    w.y.push(y);
    w.rem.push(num - (t << s));
    w.sigma.push(d > 0n ? 1n : d < 0n ? -1n : 0n);
    w.e.push(d < 0n ? -d : d);
  }
  return w;
}

/**
 * `count` little-endian limbs of `v` in base 2^L; the top limb takes everything above (so a value that does
 * not fit shows up as a top limb outside the table, never silently truncated).
 */
export function limbsOf(v: bigint, count: number): bigint[] {
  const mask = (1n << BigInt(REQUANT_LIMB_BITS)) - 1n;
  return Array.from({ length: count }, (_, i) => {
    const shifted = v >> BigInt(i * REQUANT_LIMB_BITS);
    return i === count - 1 ? shifted : shifted & mask;
  });
}

/** Per-element signed integers (row-major) → the axis-padded table of canonical Fr elements. */
export function paddedBigTable(layout: TensorLayout, values: readonly bigint[]): bigint[] {
  const out = new Array<bigint>(layout.paddedSize).fill(0n);
  forEachIndex(layout, (flat, padded) => (out[padded] = Fr.fromSigned(values[flat])));
  return out;
}
