/**
 * The float (float64) llama forward pass, written directly from llama.cpp's graph rather than through the
 * IR: the independent reference the IR graph is tested against, and the generator of the calibration
 * sequence. Never on the proved path.
 *
 * Per block (llama.cpp's LLM_ARCH_LLAMA graph):
 *   h   = x + Wo · Attn(RoPE(Wq·n), RoPE(Wk·n), Wv·n),   n = RMSNorm(x)·g_attn
 *   out = h + Wdown · (SiLU(Wgate·m) ⊙ Wup·m),           m = RMSNorm(h)·g_ffn
 * then logits = Wout · RMSNorm(x)·g_out. RMSNorm(x) = x / sqrt(mean(x²) + eps). RoPE is GGML's "normal"
 * mode: adjacent pairs (x[2i], x[2i+1]) of the first nRot dims of each head rotate by pos·base^(−2i/nRot).
 * Attention is causal, scaled by 1/sqrt(headDim); query head h reads key/value head ⌊h·nHeadKv/nHead⌋.
 *
 * The pass is incremental (a KV cache): {@link FloatLlama.step} feeds one token and returns its logits.
 */
import type { LlamaConfig } from "./llama-config";
import type { LlamaWeights, Matrix } from "./llama-weights";

/** y = W·x for W `[rows][cols]`. */
export function matVec(w: Matrix, x: Float64Array): Float64Array {
  const y = new Float64Array(w.rows);
  for (let r = 0; r < w.rows; r++) {
    let acc = 0;
    const base = r * w.cols;
    for (let c = 0; c < w.cols; c++) acc += w.data[base + c] * x[c];
    y[r] = acc;
  }
  return y;
}

/** RMSNorm(x)·g. */
export function rmsNorm(x: Float64Array, g: Float64Array, eps: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const r = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * r * g[i]);
}

/** SiLU(v) = v·σ(v). */
export function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}

/** cos/sin of RoPE pair i at position pos. */
export function ropeAngle(cfg: LlamaConfig, pos: number, i: number): number {
  return pos * cfg.ropeBase ** ((-2 * i) / cfg.nRot);
}

/** Rotates each head of `x` (nHeads·headDim) in place for position `pos`. */
export function ropeFloat(cfg: LlamaConfig, x: Float64Array, nHeads: number, pos: number): void {
  for (let h = 0; h < nHeads; h++) {
    for (let i = 0; i < cfg.nRot / 2; i++) {
      const a = ropeAngle(cfg, pos, i);
      const c = Math.cos(a);
      const s = Math.sin(a);
      const j = h * cfg.headDim + 2 * i;
      const x0 = x[j];
      const x1 = x[j + 1];
      x[j] = x0 * c - x1 * s;
      x[j + 1] = x0 * s + x1 * c;
    }
  }
}

/** A float llama with a KV cache. */
export class FloatLlama {
  private readonly keys: Float64Array[][];
  private readonly values: Float64Array[][];

  constructor(
    readonly cfg: LlamaConfig,
    private readonly w: LlamaWeights,
  ) {
    this.keys = w.layers.map(() => []);
    this.values = w.layers.map(() => []);
  }

  /** Number of tokens already fed. */
  get position(): number {
    return this.keys[0]?.length ?? 0;
  }

  /** Feeds `token` at the next position and returns the logits for the token after it. */
  step(token: number): Float64Array {
    const { cfg, w } = this;
    if (!Number.isInteger(token) || token < 0 || token >= cfg.nVocab) {
      throw new RangeError(`token id ${token} is outside the vocabulary (0..${cfg.nVocab - 1})`);
    }
    const pos = this.position;
    let x = w.tokenEmbd.data.slice(token * cfg.nEmbd, (token + 1) * cfg.nEmbd);
    for (let l = 0; l < cfg.nLayer; l++) {
      const L = w.layers[l];
      const n = rmsNorm(x, L.attnNorm, cfg.rmsEps);
      const q = matVec(L.wq, n);
      const k = matVec(L.wk, n);
      const v = matVec(L.wv, n);
      ropeFloat(cfg, q, cfg.nHead, pos);
      ropeFloat(cfg, k, cfg.nHeadKv, pos);
      this.keys[l].push(k);
      this.values[l].push(v);
      const att = this.attend(l, q);
      const o = matVec(L.wo, att);
      x = x.map((xi, i) => xi + o[i]);
      const m = rmsNorm(x, L.ffnNorm, cfg.rmsEps);
      const g = matVec(L.wGate, m);
      const u = matVec(L.wUp, m);
      const sg = g.map(silu);
      const hmul = sg.map((s, i) => s * u[i]);
      const d = matVec(L.wDown, hmul);
      x = x.map((xi, i) => xi + d[i]);
    }
    const nf = rmsNorm(x, w.outputNorm, cfg.rmsEps);
    const logits = matVec(w.output, nf);
    return logits;
  }

  /** Causal grouped-query attention of the newest position over the cache. */
  private attend(l: number, q: Float64Array): Float64Array {
    const { cfg } = this;
    const hd = cfg.headDim;
    const group = cfg.nHead / cfg.nHeadKv;
    const keys = this.keys[l];
    const values = this.values[l];
    const out = new Float64Array(cfg.nEmbd);
    const scale = 1 / Math.sqrt(hd);
    for (let h = 0; h < cfg.nHead; h++) {
      const kvh = Math.floor(h / group);
      const scores = new Float64Array(keys.length);
      let max = -Infinity;
      for (let t = 0; t < keys.length; t++) {
        let s = 0;
        for (let i = 0; i < hd; i++) s += q[h * hd + i] * keys[t][kvh * hd + i];
        scores[t] = s * scale;
        if (scores[t] > max) max = scores[t];
      }
      let sum = 0;
      for (let t = 0; t < keys.length; t++) sum += scores[t] = Math.exp(scores[t] - max);
      for (let t = 0; t < keys.length; t++) {
        const p = scores[t] / sum;
        for (let i = 0; i < hd; i++) out[h * hd + i] += p * values[t][kvh * hd + i];
      }
    }
    return out;
  }
}

/** Logits after every position of `ids` (a fresh model each call). */
export function floatLogits(cfg: LlamaConfig, w: LlamaWeights, ids: readonly number[]): Float64Array[] {
  const model = new FloatLlama(cfg, w);
  return ids.map((id) => model.step(id));
}
