/**
 * The KV-cache executor of a quantized llama: the same integer computation as a whole-sequence run of the
 * quantized graph (`runSequence`), evaluated one position at a time for the unproved generation loop.
 *
 * It never re-implements an operator's arithmetic: position-wise nodes (embedding Gather, RMSNorm, Gemm,
 * SiLU, Mul, Add) run their own integer plans on a one-row tensor, and the attention nodes are evaluated
 * from their plans' parameters and tables with the same kernels the plans use (`../llama-kernels.ts`),
 * reading cached integer keys and values for earlier positions. Identity with the whole-sequence run is a
 * tested property, not an assumption.
 */
import type { Tensor } from "../ir";
import { tensor } from "../ir";
import type { QuantPlan } from "../ops/types";
import type { FixedPoint } from "../quant/fixed-point";
import { qRange, requantize } from "../quant/fixed-point";
import { ropeInt, softmaxInt } from "../llama-kernels";
import type { RopeTables } from "../llama-kernels";
import type { QuantizedLlama } from "./llama-quant";

/** Nodes between the attention plans that only move data; they must not rescale for the cache to be exact. */
const MOVEMENT_NODES = ["q_split", "q_heads", "k_split", "k_heads", "v_split", "v_heads", "k_group", "v_group", "context_t", "attn"];

/** The attention plans of one block, read once. */
interface AttentionPlan {
  readonly qRope: FixedPoint;
  readonly kRope: FixedPoint;
  readonly qTables: RopeTables;
  readonly kTables: RopeTables;
  readonly scores: FixedPoint;
  readonly exp: Int32Array;
  readonly context: FixedPoint;
}

/** A quantized llama with a KV cache: feed tokens one by one, get integer logits. */
export class LlamaSession {
  private readonly keys: Float64Array[][];
  private readonly values: Float64Array[][];
  private readonly attention: AttentionPlan[];

  constructor(readonly q: QuantizedLlama) {
    const { cfg } = q;
    this.keys = Array.from({ length: cfg.nLayer }, () => []);
    this.values = Array.from({ length: cfg.nLayer }, () => []);
    this.attention = Array.from({ length: cfg.nLayer }, (_, l) => this.attentionPlan(`blk.${l}.`));
  }

  /** Number of tokens fed so far. */
  get position(): number {
    return this.keys[0]?.length ?? 0;
  }

  /** Feeds `token` at the next position; returns that position's integer logits. */
  step(token: number): Float64Array {
    const { cfg, context } = this.q;
    if (!Number.isInteger(token) || token < 0 || token >= cfg.nVocab) {
      throw new RangeError(`token id ${token} is outside the vocabulary (0..${cfg.nVocab - 1})`);
    }
    const pos = this.position;
    if (pos >= context) throw new RangeError(`the quantized model holds ${context} positions; position ${pos} is past its end`);
    // Gather(token_embd, tokens): the table is fixed in the plan, the token ids are input 1.
    let x = this.exec("embed", [undefined, tensor("int64", [1], [token])]);
    for (let l = 0; l < cfg.nLayer; l++) {
      const p = `blk.${l}.`;
      const n = this.exec(`${p}attn_norm`, [x]);
      const attn = this.attend(l, pos, this.exec(`${p}q`, [n]), this.exec(`${p}k`, [n]), this.exec(`${p}v`, [n]));
      const h = this.exec(`${p}resid_attn`, [x, this.exec(`${p}attn_out`, [attn])]);
      const m = this.exec(`${p}ffn_norm`, [h]);
      const act = this.exec(`${p}swiglu`, [this.exec(`${p}silu`, [this.exec(`${p}gate`, [m])]), this.exec(`${p}up`, [m])]);
      x = this.exec(`${p}resid_ffn`, [h, this.exec(`${p}ffn_out`, [act])]);
    }
    return this.exec("logits", [this.exec("output_norm", [x])]).data;
  }

  /** Runs node `name`'s integer plan on one-row inputs (in node-input order; constants are in the plan). */
  private exec(name: string, inputs: (Tensor | undefined)[]): Tensor {
    return this.plan(name).exec(inputs)[0];
  }

  private plan(name: string): QuantPlan {
    const plan = this.q.model.plans.get(name);
    if (!plan) throw new Error(`quantized llama graph has no node "${name}"`);
    return plan;
  }

  /** Causal grouped-query attention of position `pos` over the cache; returns the `[1, D]` context row. */
  private attend(l: number, pos: number, q: Tensor, k: Tensor, v: Tensor): Tensor {
    const { cfg, bits } = this.q;
    const { qmin, qmax } = qRange(bits);
    const a = this.attention[l];
    const hd = cfg.headDim;
    const qr = ropeInt(q.data, cfg.nHead, hd, pos, a.qTables, a.qRope, qmin, qmax);
    this.keys[l].push(ropeInt(k.data, cfg.nHeadKv, hd, pos, a.kTables, a.kRope, qmin, qmax));
    this.values[l].push(v.data);
    const keys = this.keys[l];
    const values = this.values[l];
    const group = cfg.nHead / cfg.nHeadKv;
    const out = new Float64Array(cfg.nEmbd);
    const scores = new Float64Array(keys.length);
    for (let h = 0; h < cfg.nHead; h++) {
      const kv = Math.floor(h / group) * hd;
      for (let t = 0; t < keys.length; t++) {
        let acc = 0;
        for (let i = 0; i < hd; i++) acc += qr[h * hd + i] * keys[t][kv + i];
        scores[t] = requantize(acc, a.scores, qmin, qmax);
      }
      const probs = softmaxInt(scores, a.exp, qmax);
      for (let i = 0; i < hd; i++) {
        let acc = 0;
        for (let t = 0; t < keys.length; t++) acc += probs[t] * values[t][kv + i];
        out[h * hd + i] = requantize(acc, a.context, qmin, qmax);
      }
    }
    return tensor("float32", [1, cfg.nEmbd], out);
  }

  /** Reads the attention plans of block `p` and checks the data-movement nodes between them are exact. */
  private attentionPlan(p: string): AttentionPlan {
    const { cfg } = this.q;
    for (const name of MOVEMENT_NODES) {
      const plan = this.q.model.plans.get(`${p}${name}`);
      if (!plan) continue; // k_group/v_group exist only with grouped-query attention
      const rescale = (plan.params.rescale as unknown[] | undefined) ?? [];
      if (rescale.some((r) => r !== null && r !== undefined)) throw new Error(`node "${p}${name}" rescales its input; the KV cache cannot follow it`);
    }
    const fp = (name: string): FixedPoint => {
      const params = this.plan(`${p}${name}`).params as { multiplier: number; shift: number };
      return { multiplier: params.multiplier, shift: params.shift };
    };
    const table = (node: string, id: string): Int32Array => {
      const t = this.plan(`${p}${node}`).tables?.[`${p}${node}:${id}`];
      if (!t) throw new Error(`node "${p}${node}" has no table "${id}"`);
      return t.values;
    };
    return {
      qRope: fp("q_rope"),
      kRope: fp("k_rope"),
      qTables: { nRot: cfg.nRot, cos: table("q_rope", "cos"), sin: table("q_rope", "sin") },
      kTables: { nRot: cfg.nRot, cos: table("k_rope", "cos"), sin: table("k_rope", "sin") },
      scores: fp("scores"),
      exp: table("probs", "exp"),
      context: fp("context"),
    };
  }
}
