/**
 * The operators the llama graph needs that ONNX lacks, in the project domain {@link DEEPPROVE_DOMAIN}:
 *
 * - `RMSNorm(X, gain)`, attr `epsilon`: y = x / sqrt(mean(x²) + eps) · gain over the last axis.
 * - `RoPE(X)`, attrs `num_heads`, `rotary_dim`, `base`: X is `[T, num_heads·head_dim]`, row t is position t;
 *   adjacent pairs (2i, 2i+1) of each head's first `rotary_dim` dims rotate by t·base^(−2i/rotary_dim)
 *   (GGML's "normal" RoPE, the one llama.cpp uses for the llama architecture).
 * - `CausalSoftmax(S)`, attr `scale`: S is `[H, T, T]` (query row i, key column j); row i is
 *   softmax(scale·S[i, 0..i]) and 0 for j > i. The mask is structural, so a verifier evaluates it in closed
 *   form instead of trusting a mask tensor.
 * - `SiLU(X)`: x·σ(x).
 *
 * Each has float semantics (`run`, used by calibration and the float reference) and an integer plan
 * (`quantize`) built from the kernels of `./llama-kernels.ts` — the same kernels the GGUF front end's
 * KV-cache generation loop runs. They register through `registerOp` when this module loads
 * ({@link registerLlamaOps}).
 */
import { ModelError, where } from "./errors";
import { DEEPPROVE_DOMAIN } from "./ir";
import type { Node, Tensor } from "./ir";
import { make } from "./kernels/util";
import { registerOp } from "./ops";
import type { OpDef, QuantPlan, QuantizeContext } from "./ops/types";
import { attrFloat, attrInt, need } from "./ops/types";
import { quantizeValues, scaleFor, toFixedPoint } from "./quant/fixed-point";
import { RMS_BITS, ROPE_BITS, expTable, rmsNormInt, ropeInt, ropeTables, siluTable, softmaxInt } from "./llama-kernels";

/** Rows × columns view of a tensor over its last axis. */
function rows(node: Node, t: Tensor): { n: number; d: number } {
  if (t.shape.length === 0) throw new ModelError(`${where(node)}: needs at least one axis`);
  const d = t.shape[t.shape.length - 1];
  return { n: d === 0 ? 0 : t.data.length / d, d };
}

function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]));
  return m;
}

function rmsNormRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(node, inputs, 0);
  const g = need(node, inputs, 1);
  const eps = attrFloat(node, "epsilon", 1e-5);
  const { n, d } = rows(node, x);
  if (g.data.length !== d) throw new ModelError(`${where(node)}: gain has ${g.data.length} values, the last axis has ${d}`);
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < n; r++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += x.data[r * d + i] ** 2;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let i = 0; i < d; i++) out[r * d + i] = x.data[r * d + i] * inv * g.data[i];
  }
  return [make(x.dtype, x.shape, out)];
}

/**
 * Integer RMSNorm ("rmsnorm"): per row, S = Σx² + epsInt, r = ⌊sqrt(2^(2·RMS_BITS)·d / max(S,1))⌋ (a
 * witness the prover range-checks: r²·S ≤ 2^(2·RMS_BITS)·d < (r+1)²·S), y = requant(x·r·g).
 */
function rmsNormPlan(q: QuantizeContext): QuantPlan {
  const { node, bits, qmin, qmax } = q;
  if (!q.isConst(1)) throw new ModelError(`${where(node)}: the gain (input 1) must be a constant`);
  const gain = q.constValue(1);
  const gScale = scaleFor(maxAbs(gain.data), bits);
  const gq = quantizeValues(gain.data, gScale, qmin, qmax);
  q.addWeight(`${node.name}:gain`, make("float32", gain.shape, gq), gScale);
  const inScale = q.inScale(0);
  const d = q.inInfo(0)!.shape.at(-1)!;
  const eps = attrFloat(node, "epsilon", 1e-5);
  const epsInt = Math.round((d * eps) / (inScale * inScale));
  const outScale = scaleFor(q.outMaxAbs(0), bits);
  const fp = toFixedPoint(gScale / (2 ** RMS_BITS * outScale));
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "rmsnorm",
    outScales: [outScale],
    params: { gain: `${node.name}:gain`, epsInt, rmsBits: RMS_BITS, multiplier: fp.multiplier, shift: fp.shift, groupSize: d },
    exec: ([x]) => {
      const out = new Float64Array(x!.data.length);
      for (let r = 0; r < out.length / d; r++) {
        out.set(rmsNormInt(x!.data.subarray(r * d, (r + 1) * d), gq, epsInt, fp, qmin, qmax), r * d);
      }
      return [make(dtype, x!.shape, out)];
    },
  };
}

/** RoPE geometry from the node's attributes and input shape `[T, heads·headDim]`. */
function ropeGeometry(node: Node, shape: readonly number[]): { t: number; heads: number; headDim: number; rot: number; base: number } {
  if (shape.length !== 2) throw new ModelError(`${where(node)}: input must be [positions, heads·head_dim], got rank ${shape.length}`);
  const heads = attrInt(node, "num_heads", 0);
  if (heads <= 0 || shape[1] % heads !== 0) throw new ModelError(`${where(node)}: num_heads ${heads} does not divide width ${shape[1]}`);
  const headDim = shape[1] / heads;
  const rot = attrInt(node, "rotary_dim", headDim);
  if (rot % 2 !== 0 || rot > headDim || rot <= 0) throw new ModelError(`${where(node)}: rotary_dim ${rot} must be even and ≤ head_dim ${headDim}`);
  return { t: shape[0], heads, headDim, rot, base: attrFloat(node, "base", 10_000) };
}

function ropeRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(node, inputs, 0);
  const { t, heads, headDim, rot, base } = ropeGeometry(node, x.shape);
  const out = Float64Array.from(x.data);
  const width = heads * headDim;
  for (let p = 0; p < t; p++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < rot / 2; i++) {
        const a = p * base ** ((-2 * i) / rot);
        const j = p * width + h * headDim + 2 * i;
        const [x0, x1] = [x.data[j], x.data[j + 1]];
        out[j] = x0 * Math.cos(a) - x1 * Math.sin(a);
        out[j + 1] = x0 * Math.sin(a) + x1 * Math.cos(a);
      }
    }
  }
  return [make(x.dtype, x.shape, out)];
}

/** Integer RoPE ("rope"): the cos/sin tables (ROPE_BITS fractional bits) are constants of the plan. */
function ropePlan(q: QuantizeContext): QuantPlan {
  const { node, qmin, qmax } = q;
  const { t, heads, headDim, rot, base } = ropeGeometry(node, q.inInfo(0)!.shape);
  const tables = ropeTables(rot, base, t);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(q.inScale(0) / (2 ** ROPE_BITS * outScale));
  const dtype = q.outInfo(0).dtype;
  const width = heads * headDim;
  return {
    kind: "rope",
    outScales: [outScale],
    params: { positions: t, heads, headDim, rotaryDim: rot, ropeBits: ROPE_BITS, multiplier: fp.multiplier, shift: fp.shift, cos: `${node.name}:cos`, sin: `${node.name}:sin` },
    tables: {
      [`${node.name}:cos`]: { offset: 0, values: tables.cos },
      [`${node.name}:sin`]: { offset: 0, values: tables.sin },
    },
    exec: ([x]) => {
      const out = new Float64Array(x!.data.length);
      for (let p = 0; p < t; p++) {
        out.set(ropeInt(x!.data.subarray(p * width, (p + 1) * width), heads, headDim, p, tables, fp, qmin, qmax), p * width);
      }
      return [make(dtype, x!.shape, out)];
    },
  };
}

function causalGeometry(node: Node, shape: readonly number[]): { heads: number; t: number } {
  if (shape.length !== 3 || shape[1] !== shape[2]) throw new ModelError(`${where(node)}: input must be [heads, T, T], got [${shape.join(", ")}]`);
  return { heads: shape[0], t: shape[1] };
}

function causalSoftmaxRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const s = need(node, inputs, 0);
  const { heads, t } = causalGeometry(node, s.shape);
  const scale = attrFloat(node, "scale", 1);
  const out = new Float64Array(s.data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < t; i++) {
      const row = (h * t + i) * t;
      let m = -Infinity;
      for (let j = 0; j <= i; j++) m = Math.max(m, scale * s.data[row + j]);
      let z = 0;
      for (let j = 0; j <= i; j++) z += out[row + j] = Math.exp(scale * s.data[row + j] - m);
      for (let j = 0; j <= i; j++) out[row + j] /= z;
    }
  }
  return [make(s.dtype, s.shape, out)];
}

/**
 * Integer causal softmax ("causal-softmax"): row i uses columns j ≤ i only; e = EXP[m − s_j] with the table
 * built for the effective scale s_in·scale and cut at its first zero; p = ⌊(e·qmax + ⌊Z/2⌋)/Z⌋ at scale
 * 1/qmax; masked entries are exactly 0.
 */
function causalSoftmaxPlan(q: QuantizeContext): QuantPlan {
  const { node, qmin, qmax } = q;
  const { heads, t } = causalGeometry(node, q.inInfo(0)!.shape);
  const table = expTable(q.inScale(0) * attrFloat(node, "scale", 1), qmax - qmin);
  const id = `${node.name}:exp`;
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "causal-softmax",
    outScales: [1 / qmax],
    params: { table: id, one: qmax, heads, positions: t },
    tables: { [id]: { offset: 0, values: table } },
    exec: ([s]) => {
      const out = new Float64Array(s!.data.length);
      for (let r = 0; r < heads * t; r++) {
        const i = r % t;
        out.set(softmaxInt(s!.data.subarray(r * t, r * t + i + 1), table, qmax), r * t);
      }
      return [make(dtype, s!.shape, out)];
    },
  };
}

function siluRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const x = need(node, inputs, 0);
  return [make(x.dtype, x.shape, x.data.map((v) => v / (1 + Math.exp(-v))))];
}

/** Integer SiLU ("table"): one lookup over the whole b-bit input range. */
function siluPlan(q: QuantizeContext): QuantPlan {
  const { node, qmin, qmax } = q;
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const table = siluTable(q.inScale(0), outScale, qmin, qmax);
  const id = `${node.name}:silu`;
  const dtype = q.outInfo(0).dtype;
  return {
    kind: "table",
    outScales: [outScale],
    params: { table: id },
    tables: { [id]: { offset: qmin, values: table } },
    exec: ([x]) => [make(dtype, x!.shape, x!.data.map((v) => table[v - qmin]))],
  };
}

/** The llama operator definitions. */
export const LLAMA_OPS: readonly OpDef[] = [
  { op: "RMSNorm", domain: DEEPPROVE_DOMAIN, attrs: ["epsilon"], run: rmsNormRun, quantize: rmsNormPlan },
  { op: "RoPE", domain: DEEPPROVE_DOMAIN, attrs: ["num_heads", "rotary_dim", "base"], run: ropeRun, quantize: ropePlan },
  { op: "CausalSoftmax", domain: DEEPPROVE_DOMAIN, attrs: ["scale"], run: causalSoftmaxRun, quantize: causalSoftmaxPlan },
  { op: "SiLU", domain: DEEPPROVE_DOMAIN, attrs: [], run: siluRun, quantize: siluPlan },
];

/** Registers the llama operators in the shared operator registry (idempotent). */
export function registerLlamaOps(): void {
  for (const def of LLAMA_OPS) registerOp(def);
}

registerLlamaOps();
