/**
 * Integer kernels of the llama operators the ONNX operator set lacks — RMSNorm, RoPE, causal softmax with an
 * exp table, SiLU by table. The operator plans of `./llama-ops.ts` and the GGUF front end's KV-cache loop
 * both call these, so the two cannot drift apart. They are exactly what the prover later proves: integers
 * in, integers out, requantization by `./quant/fixed-point.ts` (multiply by an integer, shift right rounding
 * half up, clamp), tables built once at quantization time. No float is computed on an activation here.
 *
 * Notation: a quantized tensor holds integers v with real value v·s (per-tensor scale s, zero-point 0) in
 * the signed b-bit range [qmin, qmax]. Each kernel below states its integer formula; docs/gguf.md restates
 * them for a second implementation.
 */
import type { FixedPoint } from "./quant/fixed-point";
import { clamp, requantize } from "./quant/fixed-point";

/** Fractional bits of RoPE's cos/sin tables (entries are round(cos·2^ROPE_BITS)). */
export const ROPE_BITS = 14;
/**
 * RMSNorm's reciprocal root is r ≈ 2^RMS_BITS / rms(x) (rms in integer units). Since |x_i| ≤ sqrt(S),
 * |x_i·r| ≤ 2^RMS_BITS·sqrt(n) whatever x is; with a 16-bit gain the product x·r·g stays below 2^53 for
 * n ≤ 4096, and r keeps ≥ 15 significant bits even at the largest 16-bit rms.
 */
export const RMS_BITS = 30;
/** exp-table entries are round(2^EXP_BITS · exp(−d·s)) for a score gap d ≥ 0. */
export const EXP_BITS = 16;

/** Integer square root: the largest r with r² ≤ n (n a non-negative bigint). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError(`isqrt of a negative number ${n}`);
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton corrections fix the float estimate's last-bit error.
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * RMSNorm with gain: with S = Σ x_i² + epsInt (epsInt = round(n·eps/s_x²), the epsilon in squared integer
 * units) and r = ⌊sqrt(2^(2·RMS_BITS)·n / max(S, 1))⌋ — the reciprocal RMS with RMS_BITS fractional bits,
 * certified by r² ≤ 2^(2·RMS_BITS)·n / S < (r+1)² —
 *   y_i = requant(x_i · r · g_i, fp),  fp ≈ s_g / (2^RMS_BITS · s_y).
 * The product stays below 2^53 for b ≤ 16 and n ≤ 2^12 (see {@link RMS_BITS}), so it is exact in a double.
 */
export function rmsNormInt(x: Float64Array, g: Float64Array, epsInt: number, fp: FixedPoint, qmin: number, qmax: number): Float64Array {
  const r = rmsReciprocal(x, epsInt);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = requantize(x[i] * r * g[i], fp, qmin, qmax);
  return y;
}

/** r = ⌊sqrt(2^(2·RMS_BITS)·n / max(S, 1))⌋ with S = Σ x_i² + epsInt (exact, via bigint). */
export function rmsReciprocal(x: Float64Array, epsInt: number): number {
  let s = BigInt(epsInt);
  for (const v of x) s += BigInt(v * v);
  if (s < 1n) s = 1n;
  const num = (1n << BigInt(2 * RMS_BITS)) * BigInt(x.length);
  return Number(isqrt(num / s));
}

/** RoPE tables for positions [0, positions): cos and sin of pair i at position p, as round(·2^ROPE_BITS). */
export interface RopeTables {
  readonly nRot: number;
  /** `[position][nRot/2]`. */
  readonly cos: Int32Array;
  readonly sin: Int32Array;
}

/** Builds the RoPE tables (the only place RoPE's trigonometry is evaluated; the prover commits the result). */
export function ropeTables(nRot: number, base: number, positions: number): RopeTables {
  const half = nRot / 2;
  const cos = new Int32Array(positions * half);
  const sin = new Int32Array(positions * half);
  const one = 2 ** ROPE_BITS;
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * base ** ((-2 * i) / nRot);
      cos[p * half + i] = Math.round(Math.cos(angle) * one);
      sin[p * half + i] = Math.round(Math.sin(angle) * one);
    }
  }
  return { nRot, cos, sin };
}

/**
 * RoPE on `nHeads` heads of size `headDim` at position `pos`: for each pair i < nRot/2,
 *   y[2i]   = requant(x[2i]·C − x[2i+1]·S, fp),   y[2i+1] = requant(x[2i]·S + x[2i+1]·C, fp)
 * with (C, S) the table entries and fp ≈ s_x / (2^ROPE_BITS · s_y); dims beyond nRot are requantized
 * alone (x·2^ROPE_BITS through the same fp), so one multiplier serves the whole tensor.
 */
export function ropeInt(x: Float64Array, nHeads: number, headDim: number, pos: number, tables: RopeTables, fp: FixedPoint, qmin: number, qmax: number): Float64Array {
  const half = tables.nRot / 2;
  if ((pos + 1) * half > tables.cos.length) throw new RangeError(`RoPE tables end before position ${pos}`);
  const one = 2 ** ROPE_BITS;
  const y = new Float64Array(x.length);
  for (let h = 0; h < nHeads; h++) {
    const base = h * headDim;
    for (let i = 0; i < half; i++) {
      const c = tables.cos[pos * half + i];
      const s = tables.sin[pos * half + i];
      const x0 = x[base + 2 * i];
      const x1 = x[base + 2 * i + 1];
      y[base + 2 * i] = requantize(x0 * c - x1 * s, fp, qmin, qmax);
      y[base + 2 * i + 1] = requantize(x0 * s + x1 * c, fp, qmin, qmax);
    }
    for (let j = tables.nRot; j < headDim; j++) y[base + j] = requantize(x[base + j] * one, fp, qmin, qmax);
  }
  return y;
}

/**
 * The exp table of a softmax whose input scale is `scoreScale`: entry d is round(2^EXP_BITS · exp(−d·s)).
 * It stops at the first zero entry (every larger gap also maps to 0), which bounds the table the prover
 * commits.
 */
export function expTable(scoreScale: number, maxGap: number): Int32Array {
  const values: number[] = [];
  for (let d = 0; d <= maxGap; d++) {
    const v = Math.round(2 ** EXP_BITS * Math.exp(-d * scoreScale));
    if (v === 0) break;
    values.push(v);
  }
  return Int32Array.from(values);
}

/**
 * Softmax of one query row over its visible `scores` (integers at one scale; the causal mask is applied by
 * the caller passing only positions ≤ the query's): with m = max scores, e_t = EXP[m − scores_t] (0 beyond
 * the table), Z = Σ e_t (Z ≥ 2^EXP_BITS since the max has gap 0),
 *   p_t = ⌊(e_t·one + ⌊Z/2⌋) / Z⌋
 * — probabilities at scale 1/one (`one` = qmax keeps them in the b-bit range, as the ONNX Softmax does).
 */
export function softmaxInt(scores: Float64Array, table: Int32Array, one: number): Float64Array {
  let m = -Infinity;
  for (const s of scores) if (s > m) m = s;
  const e = new Float64Array(scores.length);
  let z = 0;
  for (let t = 0; t < scores.length; t++) {
    const d = m - scores[t];
    e[t] = d < table.length ? table[d] : 0;
    z += e[t];
  }
  const half = Math.floor(z / 2);
  return e.map((et) => Math.floor((et * one + half) / z));
}

/** SiLU as a table over the whole b-bit input range: entry (v − qmin) is round(silu(v·s_in)/s_out), clamped. */
export function siluTable(inScale: number, outScale: number, qmin: number, qmax: number): Int32Array {
  const t = new Int32Array(qmax - qmin + 1);
  for (let v = qmin; v <= qmax; v++) {
    const real = v * inScale;
    t[v - qmin] = clamp(Math.round(real / (1 + Math.exp(-real)) / outScale), qmin, qmax);
  }
  return t;
}
