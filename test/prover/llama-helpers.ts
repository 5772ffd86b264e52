/**
 * Tiny llama-style graphs for the LLM-layer proof tests: the project operators (RMSNorm, RoPE, SiLU) between
 * Gemms, built directly in the IR with seeded weights (a float input [T, D], so no token embedding).
 */
import { DEEPPROVE_DOMAIN, tensor, type Graph, type Node, type Tensor, type TensorInfo } from "../../src/model/ir";
import "../../src/model/llama-ops";
import type { LlamaConfig } from "../../src/model/gguf/llama-config";
import { buildLlamaGraph } from "../../src/model/gguf/llama-graph";
import type { LlamaWeights, Matrix } from "../../src/model/gguf/llama-weights";
import { seeded } from "../model/helpers/onnx-builder";
import type { IntegerTrace, QuantizedModel } from "../../src/model";
import { insecureDevSrs, type Srs } from "../../src/pcs/srs";
import { proveInference } from "../../src/prover/graph";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { setupModel } from "../../src/prover/setup";
import { PROVER, type ProvedModel } from "./graph-helpers";

/** Accumulates a graph; every node's output is named after the node. */
export class TinyGraph {
  private readonly nodes: Node[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private readonly values = new Map<string, TensorInfo>();
  private readonly inputs: TensorInfo[] = [];
  private seed = 100;

  input(name: string, shape: number[]): string {
    const info: TensorInfo = { name, dtype: "float32", shape };
    this.inputs.push(info);
    this.values.set(name, info);
    return name;
  }

  /** An int64 token input [T] and its embedding rows from a seeded table [V, D] (Gather, axis 0). */
  embedding(name: string, T: number, V: number, D: number): string {
    const info: TensorInfo = { name: "tokens", dtype: "int64", shape: [T] };
    this.inputs.push(info);
    this.values.set("tokens", info);
    return this.node(name, "Gather", [this.weight(`${name}.weight`, [V, D], 1), "tokens"], [T, D], { axis: { kind: "int", value: 0 } });
  }

  /** A seeded weight in [−scale, scale). */
  weight(name: string, shape: number[], scale = 0.5, offset = 0): string {
    const size = shape.reduce((p, d) => p * d, 1);
    this.initializers.set(name, tensor("float32", shape, Float64Array.from(seeded(size, this.seed++), (v) => offset + v * scale)));
    this.values.set(name, { name, dtype: "float32", shape });
    return name;
  }

  node(name: string, op: string, inputs: string[], shape: number[], attrs: Node["attrs"] = {}, domain = ""): string {
    this.nodes.push({ name, op, domain, inputs, outputs: [name], attrs });
    this.values.set(name, { name, dtype: "float32", shape });
    return name;
  }

  gemm(name: string, x: string, rows: number, cols: number, T: number): string {
    return this.node(name, "Gemm", [x, this.weight(`${name}.weight`, [cols, rows], 1 / Math.sqrt(rows))], [T, cols], { transB: { kind: "int", value: 1 } });
  }

  rmsNorm(name: string, x: string, T: number, D: number): string {
    return this.node(name, "RMSNorm", [x, this.weight(`${name}.weight`, [D], 0.3, 1)], [T, D], { epsilon: { kind: "float", value: 1e-5 } }, DEEPPROVE_DOMAIN);
  }

  rope(name: string, x: string, T: number, width: number, heads: number, rotaryDim: number): string {
    return this.node(name, "RoPE", [x], [T, width], { num_heads: { kind: "int", value: heads }, rotary_dim: { kind: "int", value: rotaryDim }, base: { kind: "float", value: 10_000 } }, DEEPPROVE_DOMAIN);
  }

  build(outputs: string[]): Graph {
    return { name: "tiny-llama", opset: 17, inputs: this.inputs, outputs: outputs.map((o) => this.values.get(o)!), nodes: this.nodes, initializers: this.initializers, values: this.values };
  }
}

/** x [T, D] → Gemm → RoPE (heads of hd, rotary_dim rot) → output. */
export function ropeGraph(T: number, D: number, hd: number, rot: number): Graph {
  const g = new TinyGraph();
  const x = g.input("x", [T, D]);
  const q = g.gemm("q", x, D, D, T);
  return g.build([g.rope("q_rope", q, T, D, D / hd, rot)]);
}

/**
 * A llama block without attention: x → RMSNorm → Gemm → RoPE (rotating rot of hd dims) → h = x + Gemm(rope);
 * m = RMSNorm(h) → SwiGLU (SiLU(Gemm) · Gemm) → Gemm → out = h + ffn.
 */
export function llamaMlpGraph(T: number, D: number, F: number, hd: number, rot: number): Graph {
  const g = new TinyGraph();
  const x = g.input("x", [T, D]);
  const n = g.rmsNorm("attn_norm", x, T, D);
  const q = g.rope("q_rope", g.gemm("q", n, D, D, T), T, D, D / hd, rot);
  const h = g.node("resid_attn", "Add", [x, g.gemm("attn_out", q, D, D, T)], [T, D]);
  const m = g.rmsNorm("ffn_norm", h, T, D);
  const act = g.node("silu", "SiLU", [g.gemm("gate", m, D, F, T)], [T, F], {}, DEEPPROVE_DOMAIN);
  const prod = g.node("swiglu", "Mul", [act, g.gemm("up", m, D, F, T)], [T, F]);
  return g.build([g.node("resid_ffn", "Add", [h, g.gemm("ffn_out", prod, F, D, T)], [T, D])]);
}

/** x [T, D] → RMSNorm → output. */
export function rmsNormGraph(T: number, D: number): Graph {
  const g = new TinyGraph();
  return g.build([g.rmsNorm("norm", g.input("x", [T, D]), T, D)]);
}

/** tokens [T] → embedding (V rows of D) → RMSNorm → Gemm → output. */
export function embeddingGraph(T: number, V: number, D: number): Graph {
  const g = new TinyGraph();
  const x = g.embedding("embed", T, V, D);
  return g.build([g.gemm("q", g.rmsNorm("norm", x, T, D), D, D, T)]);
}

/**
 * The whole llama graph (`buildLlamaGraph`, docs/gguf.md §5) of a tiny synthetic model with seeded weights:
 * embedding, one or more blocks with causal attention (grouped-query when kvHeads < heads), output norm, logits.
 * `qkScale` (default 4) scales the q / k weights.
 */
export function tinyLlamaGraph(opts: { T: number; V: number; D: number; F: number; heads: number; kvHeads: number; layers: number; qkScale?: number }): Graph {
  const { T, V, D, F, heads, kvHeads, layers } = opts;
  // Larger q / k weights spread the attention scores, so the EXP table reaches 0 before the largest gap.
  const qk = (opts.qkScale ?? 4) / Math.sqrt(D);
  const headDim = D / heads;
  const cfg: LlamaConfig = { architecture: "llama", nLayer: layers, nEmbd: D, nFf: F, nHead: heads, nHeadKv: kvHeads, headDim, nRot: headDim, ropeBase: 10_000, rmsEps: 1e-5, nVocab: V, contextLength: T };
  let seed = 500;
  const matrix = (rows: number, cols: number, scale = 1 / Math.sqrt(cols)): Matrix => ({ rows, cols, data: Float64Array.from(seeded(rows * cols, seed++), (v) => v * scale) });
  const gain = (n: number): Float64Array => Float64Array.from(seeded(n, seed++), (v) => 1 + 0.3 * v);
  const w: LlamaWeights = {
    tokenEmbd: matrix(V, D, 1),
    layers: Array.from({ length: layers }, () => ({
      attnNorm: gain(D),
      wq: matrix(D, D, qk),
      wk: matrix(kvHeads * headDim, D, qk),
      wv: matrix(kvHeads * headDim, D),
      wo: matrix(D, D),
      ffnNorm: gain(D),
      wGate: matrix(F, D),
      wUp: matrix(F, D),
      wDown: matrix(D, F),
    })),
    outputNorm: gain(D),
    output: matrix(V, D),
  };
  return buildLlamaGraph(cfg, w, T);
}

let bigSrs: Srs | undefined;
/** A larger cached dev SRS for whole llama graphs (their arena's helper polynomial passes 2^17). */
export function llamaSrs(): Srs {
  bigSrs ??= insecureDevSrs(LLAMA_SRS_SIZE);
  return bigSrs;
}

/** SRS size of the whole-llama tests. */
export const LLAMA_SRS_SIZE = 2 ** 19;

/** Sets up and proves a quantized model with {@link llamaSrs}. */
export function proveLlama(model: QuantizedModel, trace: IntegerTrace): ProvedModel {
  const setup = setupModel(model, llamaSrs());
  const vk = parseVerifyingKey(verifyingKeyJson(setup, llamaSrs()));
  const { statement, proof } = proveInference({ setup, model, srs: llamaSrs(), trace, prover: PROVER });
  return { model, trace, setup, vk, statement, proof };
}

/** x [H, T, T] → CausalSoftmax(scale) → output. */
export function causalSoftmaxGraph(H: number, T: number, scale: number): Graph {
  const g = new TinyGraph();
  return g.build([g.node("probs", "CausalSoftmax", [g.input("x", [H, T, T])], [H, T, T], { scale: { kind: "float", value: scale } }, DEEPPROVE_DOMAIN)]);
}
