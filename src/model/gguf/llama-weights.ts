/**
 * The float weights of a llama model, dequantized from the GGUF tensors and shape-checked against the
 * config. Matrices are row-major `[out][in]` (GGUF lists them as `[in, out]`, fastest axis first).
 *
 * Tensor names are llama.cpp's: `token_embd`, `output_norm`, `output` (absent when tied to the embedding),
 * and per block `blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down}`.
 */
import type { GgufFile } from "./container";
import { tensorValues } from "./container";
import type { LlamaConfig } from "./llama-config";

/** A matrix `[rows][cols]`, row-major. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** One transformer block. */
export interface LlamaLayerWeights {
  readonly attnNorm: Float64Array;
  readonly wq: Matrix;
  readonly wk: Matrix;
  readonly wv: Matrix;
  readonly wo: Matrix;
  readonly ffnNorm: Float64Array;
  readonly wGate: Matrix;
  readonly wUp: Matrix;
  readonly wDown: Matrix;
}

/** All weights of a llama model. */
export interface LlamaWeights {
  /** `[nVocab][nEmbd]`: row t is token t's embedding. */
  readonly tokenEmbd: Matrix;
  readonly layers: readonly LlamaLayerWeights[];
  readonly outputNorm: Float64Array;
  /** `[nVocab][nEmbd]`; the embedding matrix itself when the file ties them. */
  readonly output: Matrix;
}

/**
 * Loads every weight of a llama model.
 * @throws GgufError naming the tensor for a missing tensor, a shape mismatch or an undecodable type.
 */
export function loadLlamaWeights(file: GgufFile, cfg: LlamaConfig): LlamaWeights {
  const matrix = (name: string, rows: number, cols: number): Matrix => ({
    rows,
    cols,
    data: tensorValues(file, name, [rows, cols]),
  });
  const vector = (name: string, n: number): Float64Array => tensorValues(file, name, [n]);
  const kvDim = cfg.nHeadKv * cfg.headDim;
  const layers: LlamaLayerWeights[] = [];
  for (let l = 0; l < cfg.nLayer; l++) {
    const p = `blk.${l}.`;
    layers.push({
      attnNorm: vector(`${p}attn_norm.weight`, cfg.nEmbd),
      wq: matrix(`${p}attn_q.weight`, cfg.nEmbd, cfg.nEmbd),
      wk: matrix(`${p}attn_k.weight`, kvDim, cfg.nEmbd),
      wv: matrix(`${p}attn_v.weight`, kvDim, cfg.nEmbd),
      wo: matrix(`${p}attn_output.weight`, cfg.nEmbd, cfg.nEmbd),
      ffnNorm: vector(`${p}ffn_norm.weight`, cfg.nEmbd),
      wGate: matrix(`${p}ffn_gate.weight`, cfg.nFf, cfg.nEmbd),
      wUp: matrix(`${p}ffn_up.weight`, cfg.nFf, cfg.nEmbd),
      wDown: matrix(`${p}ffn_down.weight`, cfg.nEmbd, cfg.nFf),
    });
  }
  const tokenEmbd = matrix("token_embd.weight", cfg.nVocab, cfg.nEmbd);
  const tied = !file.tensors.some((t) => t.name === "output.weight");
  return {
    tokenEmbd,
    layers,
    outputNorm: vector("output_norm.weight", cfg.nEmbd),
    output: tied ? tokenEmbd : matrix("output.weight", cfg.nVocab, cfg.nEmbd),
  };
}
