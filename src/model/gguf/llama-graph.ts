/**
 * The llama transformer as a graph in the shared IR (`../ir.ts`): one forward pass over a whole sequence of
 * T tokens — the computation the prover certifies (position t's logits certify token t+1).
 *
 * Input `tokens` (int64 `[T]`); output `logits` (float32 `[T, n_vocab]`). Per block, with standard ONNX
 * operators where ONNX has one and the project operators of `../llama-ops.ts` where it does not:
 *
 *   n = RMSNorm(x, attn_norm)                                     [T, D]
 *   q = RoPE(Gemm(n, Wq, transB)), k = RoPE(Gemm(n, Wk, transB)), v = Gemm(n, Wv, transB)
 *   qh = Transpose(Reshape(q, [T, H, hd]), [1,0,2])               [H, T, hd]
 *   kh = Transpose(Reshape(k, [T, Hkv, hd]), [1,2,0])             [Hkv, hd, T]  (Gather over heads → [H, hd, T]
 *   vh = Transpose(Reshape(v, [T, Hkv, hd]), [1,0,2])             [Hkv, T, hd]   when Hkv < H: grouped-query)
 *   p  = CausalSoftmax(MatMul(qh, kh), scale = 1/sqrt(hd))        [H, T, T]
 *   a  = Reshape(Transpose(MatMul(p, vh), [1,0,2]), [T, D])
 *   h  = Add(x, Gemm(a, Wo, transB))
 *   x' = Add(h, Gemm(Mul(SiLU(Gemm(m, Wgate, transB)), Gemm(m, Wup, transB)), Wdown, transB)),  m = RMSNorm(h, ffn_norm)
 *
 * then logits = Gemm(RMSNorm(x, output_norm), Wout, transB). Weights stay in GGUF's `[out, in]` layout
 * (hence `transB = 1`) under their GGUF tensor names, so a node's weight is found by the name llama.cpp uses.
 */
import type { Graph, Node, Tensor, TensorInfo } from "../ir";
import { DEEPPROVE_DOMAIN, tensor } from "../ir";
import "../llama-ops";
import type { LlamaConfig } from "./llama-config";
import type { LlamaWeights, Matrix } from "./llama-weights";

/** ONNX opset the graph's standard operators follow. */
export const LLAMA_GRAPH_OPSET = 17;

/** Builds the whole-sequence llama graph for sequences of exactly `seqLen` tokens. */
export function buildLlamaGraph(cfg: LlamaConfig, w: LlamaWeights, seqLen: number, name = "llama"): Graph {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new RangeError(`sequence length must be a positive integer, got ${seqLen}`);
  const b = new GraphBuilder();
  const T = seqLen;
  const D = cfg.nEmbd;
  const H = cfg.nHead;
  const Hkv = cfg.nHeadKv;
  const hd = cfg.headDim;
  const kvDim = Hkv * hd;
  const matrix = (key: string, m: Matrix): string => b.init(key, tensor("float32", [m.rows, m.cols], m.data));
  const vector = (key: string, v: Float64Array): string => b.init(key, tensor("float32", [v.length], v));
  const shapeConst = (key: string, dims: number[]): string => b.init(key, tensor("int64", [dims.length], dims));
  const gemm = (nodeName: string, x: string, wName: string, rows: number): string =>
    b.node(nodeName, "Gemm", "", [x, wName], [T, rows], { transB: { kind: "int", value: 1 } });
  const rmsNorm = (nodeName: string, x: string, gain: string): string =>
    b.node(nodeName, "RMSNorm", DEEPPROVE_DOMAIN, [x, gain], [T, D], { epsilon: { kind: "float", value: cfg.rmsEps } });

  const tokens = b.input("tokens", "int64", [T]);
  const embd = matrix("token_embd.weight", w.tokenEmbd);
  let x = b.node("embed", "Gather", "", [embd, tokens], [T, D], { axis: { kind: "int", value: 0 } });
  const qShape = shapeConst("shape.q_heads", [T, H, hd]);
  const kvShape = shapeConst("shape.kv_heads", [T, Hkv, hd]);
  const flatShape = shapeConst("shape.flat", [T, D]);
  const group = H / Hkv;
  const headMap = group > 1 ? b.init("gqa.head_map", tensor("int64", [H], Array.from({ length: H }, (_, h) => Math.floor(h / group)))) : "";
  const repeatHeads = (nodeName: string, v: string, rest: number[]): string =>
    group > 1 ? b.node(nodeName, "Gather", "", [v, headMap], [H, ...rest], { axis: { kind: "int", value: 0 } }) : v;

  for (let l = 0; l < cfg.nLayer; l++) {
    const L = w.layers[l];
    const p = `blk.${l}.`;
    const n = rmsNorm(`${p}attn_norm`, x, vector(`${p}attn_norm.weight`, L.attnNorm));
    const q = gemm(`${p}q`, n, matrix(`${p}attn_q.weight`, L.wq), D);
    const k = gemm(`${p}k`, n, matrix(`${p}attn_k.weight`, L.wk), kvDim);
    const v = gemm(`${p}v`, n, matrix(`${p}attn_v.weight`, L.wv), kvDim);
    const rope = (nodeName: string, input: string, heads: number, width: number): string =>
      b.node(nodeName, "RoPE", DEEPPROVE_DOMAIN, [input], [T, width], {
        num_heads: { kind: "int", value: heads },
        rotary_dim: { kind: "int", value: cfg.nRot },
        base: { kind: "float", value: cfg.ropeBase },
      });
    const qr = rope(`${p}q_rope`, q, H, D);
    const kr = rope(`${p}k_rope`, k, Hkv, kvDim);
    const perm = (values: number[]) => ({ perm: { kind: "ints" as const, value: values } });
    const qh = b.node(`${p}q_heads`, "Transpose", "", [b.node(`${p}q_split`, "Reshape", "", [qr, qShape], [T, H, hd])], [H, T, hd], perm([1, 0, 2]));
    const kt = b.node(`${p}k_heads`, "Transpose", "", [b.node(`${p}k_split`, "Reshape", "", [kr, kvShape], [T, Hkv, hd])], [Hkv, hd, T], perm([1, 2, 0]));
    const vt = b.node(`${p}v_heads`, "Transpose", "", [b.node(`${p}v_split`, "Reshape", "", [v, kvShape], [T, Hkv, hd])], [Hkv, T, hd], perm([1, 0, 2]));
    const kh = repeatHeads(`${p}k_group`, kt, [hd, T]);
    const vh = repeatHeads(`${p}v_group`, vt, [T, hd]);
    const scores = b.node(`${p}scores`, "MatMul", "", [qh, kh], [H, T, T]);
    const probs = b.node(`${p}probs`, "CausalSoftmax", DEEPPROVE_DOMAIN, [scores], [H, T, T], { scale: { kind: "float", value: 1 / Math.sqrt(hd) } });
    const ctx = b.node(`${p}context`, "MatMul", "", [probs, vh], [H, T, hd]);
    const merged = b.node(`${p}context_t`, "Transpose", "", [ctx], [T, H, hd], perm([1, 0, 2]));
    const attn = b.node(`${p}attn`, "Reshape", "", [merged, flatShape], [T, D]);
    const attnOut = gemm(`${p}attn_out`, attn, matrix(`${p}attn_output.weight`, L.wo), D);
    const h = b.node(`${p}resid_attn`, "Add", "", [x, attnOut], [T, D]);
    const m = rmsNorm(`${p}ffn_norm`, h, vector(`${p}ffn_norm.weight`, L.ffnNorm));
    const gate = gemm(`${p}gate`, m, matrix(`${p}ffn_gate.weight`, L.wGate), cfg.nFf);
    const up = gemm(`${p}up`, m, matrix(`${p}ffn_up.weight`, L.wUp), cfg.nFf);
    const act = b.node(`${p}silu`, "SiLU", DEEPPROVE_DOMAIN, [gate], [T, cfg.nFf]);
    const prod = b.node(`${p}swiglu`, "Mul", "", [act, up], [T, cfg.nFf]);
    const down = gemm(`${p}ffn_out`, prod, matrix(`${p}ffn_down.weight`, L.wDown), D);
    x = b.node(`${p}resid_ffn`, "Add", "", [h, down], [T, D]);
  }
  const nf = rmsNorm("output_norm", x, vector("output_norm.weight", w.outputNorm));
  const outWeight = w.output === w.tokenEmbd ? embd : matrix("output.weight", w.output);
  const logits = gemm("logits", nf, outWeight, cfg.nVocab);
  return b.build(name, [logits]);
}

/** Accumulates nodes, initializers and value types; every node's output is named after the node. */
class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private readonly values = new Map<string, TensorInfo>();
  private readonly inputs: TensorInfo[] = [];

  input(name: string, dtype: TensorInfo["dtype"], shape: number[]): string {
    const info = { name, dtype, shape };
    this.inputs.push(info);
    this.values.set(name, info);
    return name;
  }

  init(name: string, t: Tensor): string {
    this.initializers.set(name, t);
    this.values.set(name, { name, dtype: t.dtype, shape: t.shape });
    return name;
  }

  node(name: string, op: string, domain: string, inputs: string[], shape: number[], attrs: Node["attrs"] = {}): string {
    for (const i of inputs) if (!this.values.has(i)) throw new Error(`llama graph: node "${name}" reads unknown value "${i}"`);
    if (this.values.has(name)) throw new Error(`llama graph: value "${name}" defined twice`);
    this.nodes.push({ name, op, domain, inputs, outputs: [name], attrs });
    this.values.set(name, { name, dtype: "float32", shape });
    return name;
  }

  build(name: string, outputs: string[]): Graph {
    return {
      name,
      opset: LLAMA_GRAPH_OPSET,
      inputs: this.inputs,
      outputs: outputs.map((o) => this.values.get(o)!),
      nodes: this.nodes,
      initializers: this.initializers,
      values: this.values,
    };
  }
}
