/**
 * The generation model: the whole-sequence llama graph (docs/gguf.md §5) with its logits reduced by ONNX
 * `ArgMax(axis = 1, keepdims = 0)` to the next-token ids, so the proved graph's public input is the C token ids
 * and its public output is the C greedy next-token ids — never the logits. Quantized exactly like
 * `quantizeLlama` (prompt-independent calibration on BOS + the float model's own continuation), so the model —
 * and its commitment — is fixed per (GGUF file, bit width, context C).
 */
import type { Graph } from "../model/ir";
import { quantizeGraph } from "../model/quant/quantize";
import { tensor } from "../model/ir";
import { buildLlamaGraph } from "../model/gguf/llama-graph";
import { calibrationTokens, type QuantizedLlama } from "../model/gguf/llama-quant";
import type { LlamaModel } from "../model/gguf/generate";

/** Name of the ArgMax node and of the graph's one output (int64 [C]): position t's greedy next token. */
export const NEXT_TOKEN = "next";

/** Name of the graph's one input (int64 [C]): the token sequence, padded with {@link PAD_TOKEN}. */
export const TOKENS_INPUT = "tokens";

/** Token that fills positions past the sequence (`sequenceInput`'s padding; causal masking ignores it). */
export const PAD_TOKEN = 0;

/** The llama graph with `ArgMax(logits)` appended as its only output. */
export function generationGraph(llama: Graph): Graph {
  const logits = llama.outputs[0];
  if (!logits || logits.shape.length !== 2) throw new RangeError(`generation graph: the llama graph's output must be logits [C, V]`);
  const next = { name: NEXT_TOKEN, dtype: "int64" as const, shape: [logits.shape[0]] };
  const values = new Map(llama.values);
  values.set(NEXT_TOKEN, next);
  return {
    ...llama,
    nodes: [
      ...llama.nodes,
      {
        name: NEXT_TOKEN,
        op: "ArgMax",
        domain: "",
        inputs: [logits.name],
        outputs: [NEXT_TOKEN],
        attrs: { axis: { kind: "int", value: 1 }, keepdims: { kind: "int", value: 0 }, select_last_index: { kind: "int", value: 0 } },
      },
    ],
    outputs: [next],
    values,
  };
}

/**
 * Quantizes the generation model of `model` at `bits` for a context of exactly `context` positions (the
 * proved graph's T). The calibration sequence is BOS + the float model's greedy continuation, `context` long.
 */
export function quantizeGenerator(model: LlamaModel, bits: number, context: number): QuantizedLlama {
  const { cfg, weights, tokenizer } = model;
  if (!Number.isInteger(context) || context < 2 || context > cfg.contextLength) {
    throw new RangeError(`context ${context} must be an integer in 2..${cfg.contextLength} (the model's context length)`);
  }
  const calibration = calibrationTokens(cfg, weights, tokenizer.bos, context);
  const graph = generationGraph(buildLlamaGraph(cfg, weights, context));
  const quantized = quantizeGraph(graph, [[tensor("int64", [context], Float64Array.from(calibration))]], bits);
  return { cfg, bits, context, calibration, model: quantized };
}

/** The smallest power-of-two context (≥ 16, the layout pads to a power of two anyway) that holds `positions`. */
export function contextFor(positions: number): number {
  let c = 16;
  while (c < positions) c *= 2;
  return c;
}
