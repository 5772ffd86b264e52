/**
 * Requantization as a proof step: its public shape (multiplier, shift, bit width, accumulator bound), the
 * limb geometry of the range checks, the fixed lookup tables, and the prover's witness (docs/prover.md,
 * "Requantization"; the integer semantics are docs/quantization.md's `requant`).
 *
 *   t   = floor((acc·M + 2^(s−1)) / 2^s)        rem = acc·M + 2^(s−1) − t·2^s ∈ [0, 2^s)
 *   y   = clamp(t) ∈ [qmin, qmax]               t − y = σ·e,  σ ∈ {−1, 0, +1},  e ≥ 0
 */
import * as Fr from "../../field/fr";
import { committedTable, rangeTable, type LookupTable } from "../../lookup";
import type { Srs } from "../../pcs/srs";
import { forEachIndex, layoutOf, LayoutError, type IntTensor, type TensorLayout } from "../tensor";

/** Width of one range-checked limb: rem and e are split into limbs of this many bits (one 2^16-row table). */
export const REQUANT_LIMB_BITS = 16;
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
  /** Limbs of rem: ⌈s / 16⌉ (0 when s = 0). */
  readonly remLimbs: number;
  /** Bits of rem's top limb, in 1..16 (rem < 2^s exactly needs the top limb below 2^topBits). */
  readonly remTopBits: number;
  /** Limbs of e: ⌈eBits / 16⌉, each a full 16-bit limb (e's bound need not be tight, only wrap-free). */
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

/** The fixed tables of the step for bit width b: CLAMP (y, σ) and the 16-bit range table of the limbs. */
export interface RequantTables {
  /**
   * Rows (v, 0) for v in [qmin, qmax], then (qmax, +1) and (qmin, −1); both columns committed at setup (the
   * lookup library has range and committed columns only; 2^b + 2 rows pad to 2^(b+1) by repeating row 0).
   */
  readonly clamp: LookupTable;
  /** [0, 2^16): every limb of rem and e, and the scaled copy of rem's top limb. */
  readonly range: LookupTable;
}

/** Builds (and commits) the tables for bit width `bits`; the verifier uses `verifierTable` of each. */
export function requantTables(srs: Srs, bits: number): RequantTables {
  const size = 2 ** bits;
  const qmin = -(2 ** (bits - 1));
  const ys = Array.from({ length: size }, (_, i) => Fr.fromSigned(qmin + i));
  const sigmas = new Array<bigint>(size).fill(0n);
  ys.push(Fr.fromSigned(size / 2 - 1), Fr.fromSigned(qmin));
  sigmas.push(1n, Fr.fromSigned(-1));
  return { clamp: committedTable(srs, [ys, sigmas]), range: rangeTable(0, REQUANT_LIMB_BITS) };
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
 * `count` little-endian limbs of `v` in base 2^16; the top limb takes everything above (so a value that does
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
