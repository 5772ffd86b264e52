/**
 * Requantization as a proof step: its public shape (multiplier, shift, bit width, accumulator bound), the
 * limb geometry of the range checks, the fixed lookup tables, and the prover's witness (docs/prover.md,
 * "Requantization"; the integer semantics are docs/quantization.md's `requant`).
 *
 *   t   = floor((acc·M + 2^(s−1)) / 2^s)        rem = acc·M + 2^(s−1) − t·2^s ∈ [0, 2^s)
 *   y   = clamp(t, lo, hi)                      t − y = (p − q)·e,  p, q ∈ {0, 1},  e ≥ 0
 *   u   = y − lo ≥ 0,  ū = hi − y ≥ 0           p = 1 ⇒ ū = 0 (y = hi),  q = 1 ⇒ u = 0 (y = lo)
 *
 * [lo, hi] is [qmin, qmax] for a plain requantization and narrower when a clamp-like activation (ReLU, Clip)
 * is fused into it (relu(clamp(t, qmin, qmax)) = clamp(t, 0, qmax)). Every range check is a limb of at most L bits
 * on the range table of its width (full limbs [0, 2^L), rem's top limb [0, 2^τ), u's one limb [0, hi − lo] when
 * that is a power of two); L is the model's (`chooseLimbBits`, carried in the plan), not a constant.
 */
import * as Fr from "../../field/fr";
import { forEachIndex, layoutOf, LayoutError, type IntTensor, type TensorLayout } from "../tensor";

/**
 * The DEFAULT width L of one range-checked limb (the widest an ONNX model gets): rem, e, u and ū are split into limbs
 * of L bits, each looked up in the one range table [0, 2^L) (`range:<L>`). A model whose tensors are small gets
 * a narrower L (`chooseLimbBits`, graph/compile.ts; the value is carried in the plan as `limbBits`) so that no
 * table is larger than the model needs. Softmax, log-softmax and RMSNorm keep this width (a model using them
 * is compiled with L = 12); measured on the corpus: 16 → 12 bits took `3l_relu_conv_fc` from 385 to 382 proof
 * words and its proving time by ~40 %.
 */
export const REQUANT_LIMB_BITS = 12;
/** The narrowest limb width a model gets (a 64-row range table). */
export const MIN_LIMB_BITS = 6;
/**
 * The widest limb width a plan may carry: a llama generation model at 128 positions gets 20 (graph/compile.ts,
 * `chooseLimbBits`), where a 2^20-row range table is small next to its 2^17-entry limb columns.
 */
export const MAX_LIMB_BITS = 20;
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
  /** Lower clamp bound (default qmin); a fused ReLU / Clip narrows it. qmin ≤ lo ≤ 0 ≤ hi ≤ qmax, lo < hi. */
  readonly lo?: bigint;
  /** Upper clamp bound (default qmax). */
  readonly hi?: bigint;
  /** Limb width L in [MIN_LIMB_BITS, MAX_LIMB_BITS] (default REQUANT_LIMB_BITS). */
  readonly limbBits?: number;
}

/** What the spec implies for the proof: variable count, limb counts and the top limb of rem. */
export interface RequantGeometry {
  readonly layout: TensorLayout;
  readonly qmin: bigint;
  readonly qmax: bigint;
  /** The clamp bounds [lo, hi] (y's range). */
  readonly lo: bigint;
  readonly hi: bigint;
  /** The limb width L. */
  readonly limbBits: number;
  /** Limbs of u = y − lo and of ū = hi − y each: ⌈bitlength(hi − lo) / L⌉ full L-bit limbs. */
  readonly uLimbs: number;
  /**
   * How ū = hi − y is range-checked (docs/prover.md, "Requantization"): `none` — u is one limb and hi − lo + 1 is
   * a power of two 2^w ≤ 2^L, so u's lookup in [0, 2^w) alone proves lo ≤ y ≤ hi (a plain requantization
   * [−2^(b−1), 2^(b−1)) or a fused ReLU [0, 2^(b−1))); `derived` — u is one limb, and ū = (hi − lo) − u is an arena
   * column derived from u's (never in A); `committed` — u has several limbs, ū has as many committed ones.
   */
  readonly ucMode: "none" | "derived" | "committed";
  /** Committed limbs of ū: `uLimbs` when `ucMode` is `committed`, else 0. */
  readonly ucLimbs: number;
  /** Width of u's one limb's range table when `ucMode` is `none` (w = bitlength(hi − lo)), else L. */
  readonly uTopBits: number;
  /** Limbs of rem: ⌈s / L⌉ (0 when s = 0). */
  readonly remLimbs: number;
  /** Bits of rem's top limb, in 1..L (rem < 2^s exactly: the top limb is looked up in [0, 2^topBits)). */
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
  const L = spec.limbBits ?? REQUANT_LIMB_BITS;
  if (!Number.isInteger(L) || L < MIN_LIMB_BITS || L > MAX_LIMB_BITS) throw new LayoutError(`requant: limb width ${L} is not in [${MIN_LIMB_BITS}, ${MAX_LIMB_BITS}]`);
  const layout = layoutOf(spec.shape);
  const qmax = (1n << BigInt(bits - 1)) - 1n;
  const qmin = -(1n << BigInt(bits - 1));
  const lo = spec.lo ?? qmin;
  const hi = spec.hi ?? qmax;
  // lo ≤ 0 ≤ hi: the padding's y = 0 is in range, so y = lo + u = hi − ū holds on the whole cube (u = −lo and
  // ū = hi in the padding) and the verifier needs no indicator for the two claims on y.
  if (typeof lo !== "bigint" || typeof hi !== "bigint" || lo < qmin || hi > qmax || lo > 0n || hi < 0n || lo >= hi) {
    throw new LayoutError(`requant: clamp bounds [${lo}, ${hi}] are not a range of at least two values inside [${qmin}, ${qmax}] around 0`);
  }
  const absM = multiplier < 0n ? -multiplier : multiplier;
  // |t| ≤ floor((A·|M| + 2^(s−1)) / 2^s) ≤ (A·|M| >> s) + 1; e = t − hi (t > hi) or lo − t (t < lo).
  const tMax = s === 0 ? accBound * absM : ((accBound * absM) >> BigInt(s)) + 1n;
  const eMax = [tMax - hi, tMax + lo, 0n].reduce((a, b) => (a > b ? a : b));
  const eBits = bitLength(eMax);
  const remLimbs = Math.ceil(s / L);
  const remTopBits = s === 0 ? 0 : s - (remLimbs - 1) * L;
  const eLimbs = Math.ceil(eBits / L);
  const uLimbs = Math.ceil(bitLength(hi - lo) / L);
  const width = hi - lo;
  const ucMode = uLimbs > 1 ? "committed" : (width & (width + 1n)) === 0n ? "none" : "derived";
  const ucLimbs = ucMode === "committed" ? uLimbs : 0;
  const uTopBits = ucMode === "none" ? bitLength(width) : L;
  const lhs = accBound * absM + (s === 0 ? 0n : 1n << BigInt(s - 1));
  const rhs = (1n << BigInt(s)) * ((1n << BigInt(bits - 1)) + (1n << BigInt(eLimbs * L)) + 1n);
  if (bitLength(lhs) >= NO_WRAP_BITS || bitLength(rhs) >= NO_WRAP_BITS) {
    throw new LayoutError(`requant: |acc·M| or 2^s·|t| may reach 2^${NO_WRAP_BITS}: the identity could wrap in Fr`);
  }
  return { layout, qmin, qmax, lo, hi, limbBits: L, uLimbs, ucMode, ucLimbs, uTopBits, remLimbs, remTopBits, eLimbs, eBits };
}

/**
 * The same rounding with the fewest shift bits: while M is even and s > 0, (M, s) → (M/2, s − 1). Exact for every
 * integer acc: (acc·M·2^z + 2^(s−1)) / 2^s = (acc·M + 2^(s−z−1)) / 2^(s−z) for s − z ≥ 1, and for z = s the
 * quotient is acc·M + 1/2, whose floor acc·M is the s = 0 rule. Every remainder limb costs an advice and an arena
 * column per element, and quantizer multipliers often carry trailing zeros (a power-of-two scale ratio gives
 * M = 2^30, s = 30, i.e. M = 1, s = 0: no remainder at all), so every requantization is declared reduced.
 */
export function reducedFixedPoint(multiplier: bigint, shift: number): { multiplier: bigint; shift: number } {
  if (multiplier === 0n) return { multiplier: 0n, shift: 0 };
  let m = multiplier;
  let s = shift;
  while (s > 0 && (m & 1n) === 0n) {
    m >>= 1n; // exact: m is even (also for a negative m)
    s -= 1;
  }
  return { multiplier: m, shift: s };
}

function bitLength(v: bigint): number {
  return v <= 0n ? 0 : v.toString(2).length;
}

/**
 * The prover's advice per real element (row-major, signed integers): the output y, the saturation flags p
 * (y = hi < t) and q (y = lo > t), rem, e = |t − y|, u = y − lo and ū = hi − y. Computed from acc by
 * {@link requantWitness}; a test may hand a dishonest one to `proveRequant`.
 */
export interface RequantWitness {
  readonly y: readonly bigint[];
  readonly p: readonly bigint[];
  readonly q: readonly bigint[];
  readonly rem: readonly bigint[];
  readonly e: readonly bigint[];
  readonly u: readonly bigint[];
  readonly uc: readonly bigint[];
}

/** The witness of the values y (and t = y + (p − q)·e) given rem: p, q, e, u, ū derived from t − y. */
export function clampWitness(geo: RequantGeometry, y: readonly bigint[], t: readonly bigint[], rem: readonly bigint[]): RequantWitness {
  const d = t.map((v, i) => v - y[i]);
  return {
    y,
    rem,
    p: d.map((v) => (v > 0n ? 1n : 0n)),
    q: d.map((v) => (v < 0n ? 1n : 0n)),
    e: d.map((v) => (v < 0n ? -v : v)),
    u: y.map((v) => v - geo.lo),
    uc: y.map((v) => geo.hi - v),
  };
}

/**
 * The honest witness for acc (exact bigint arithmetic, the executor's semantics).
 * @throws {LayoutError} when acc's size does not match the spec, or some |acc| exceeds the public bound
 */
export function requantWitness(spec: RequantSpec, acc: IntTensor): RequantWitness {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  if (acc.data.length !== size) throw new LayoutError(`requant: acc has ${acc.data.length} values, the spec's shape ${size}`);
  const geo = requantGeometry(spec);
  const { lo, hi } = geo;
  const s = BigInt(spec.shift);
  const half = spec.shift === 0 ? 0n : 1n << (s - 1n);
  const ys: bigint[] = [];
  const ts: bigint[] = [];
  const rems: bigint[] = [];
  for (let i = 0; i < size; i++) {
    const v = acc.data[i];
    if (!Number.isSafeInteger(v)) throw new LayoutError(`requant: acc value ${v} at flat index ${i} is not an integer`);
    const a = BigInt(v);
    if ((a < 0n ? -a : a) > spec.accBound) {
      throw new LayoutError(`requant: |acc| = ${a < 0n ? -a : a} at flat index ${i} exceeds the bound ${spec.accBound}`);
    }
    const num = a * spec.multiplier + half;
    const t = num >> s; // BigInt's >> is arithmetic: floor(num / 2^s) also for negative num
    ys.push(t > hi ? hi : t < lo ? lo : t);
    ts.push(t);
    rems.push(num - (t << s));
  }
  return clampWitness(geo, ys, ts, rems);
}

/**
 * `count` little-endian limbs of `v` in base 2^L (default L = {@link REQUANT_LIMB_BITS}); the top limb takes
 * everything above (so a value that does not fit shows up as a top limb outside the table, never silently
 * truncated).
 */
export function limbsOf(v: bigint, count: number, limbBits: number = REQUANT_LIMB_BITS): bigint[] {
  const mask = (1n << BigInt(limbBits)) - 1n;
  return Array.from({ length: count }, (_, i) => {
    const shifted = v >> BigInt(i * limbBits);
    return i === count - 1 ? shifted : shifted & mask;
  });
}

/**
 * Per-element signed integers (row-major) → the axis-padded table of canonical Fr elements, `pad` (default 0)
 * in the padding.
 */
export function paddedBigTable(layout: TensorLayout, values: readonly bigint[], pad = 0n): bigint[] {
  const out = new Array<bigint>(layout.paddedSize).fill(Fr.fromSigned(pad));
  forEachIndex(layout, (flat, padded) => (out[padded] = Fr.fromSigned(values[flat])));
  return out;
}
