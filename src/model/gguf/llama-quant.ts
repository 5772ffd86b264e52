/**
 * Quantization of a llama model: its whole-sequence graph (`llama-graph.ts`) goes through the shared
 * quantizer (`../quant/quantize.ts`: symmetric, per tensor, zero-point 0, b bits, fixed-point
 * requantization), so the llama model is quantized and executed exactly like an ONNX model.
 *
 * The graph is built for a fixed context of C positions and calibrated on one sequence of C tokens: BOS
 * followed by the float model's own greedy continuation. That sequence depends on the model only — never
 * on the prompt being served — so the quantized model (and later its commitment) is fixed per model, bit
 * width and context. Shorter sequences run in the same graph: causal masking makes rows < n independent of
 * whatever fills positions ≥ n.
 */
import type { Tensor } from "../ir";
import { tensor } from "../ir";
import { runInteger } from "../exec/integer";
import { MAX_BITS, MIN_BITS, quantizeGraph } from "../quant/quantize";
import type { QuantizedModel } from "../quant/quantize";
import { FloatLlama } from "./llama-float";
import type { LlamaConfig } from "./llama-config";
import { buildLlamaGraph } from "./llama-graph";
import type { LlamaWeights } from "./llama-weights";

export { MAX_BITS, MIN_BITS };

/** Default smallest context a quantized llama is built for; the calibration sequence is as long as the context. */
export const MIN_CONTEXT = 96;
/** Token that fills positions past the end of a sequence in a whole-context run (never read by earlier rows). */
const PAD_TOKEN = 0;

/** A quantized llama: the shared quantized graph plus what the llama front end needs to run it. */
export interface QuantizedLlama {
  readonly cfg: LlamaConfig;
  readonly bits: number;
  /** Positions the graph holds. */
  readonly context: number;
  /** The calibration sequence (BOS + the float model's greedy continuation). */
  readonly calibration: readonly number[];
  readonly model: QuantizedModel;
}

/** Index of the largest entry (the first one on ties, as llama.cpp's greedy sampler). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** BOS followed by the float model's greedy continuation, `length` tokens in all. */
export function calibrationTokens(cfg: LlamaConfig, w: LlamaWeights, bos: number, length: number): number[] {
  const model = new FloatLlama(cfg, w);
  const tokens = [bos];
  while (tokens.length < length) tokens.push(argmax(model.step(tokens[tokens.length - 1])));
  return tokens;
}

/**
 * Quantizes a llama model at `bits` for sequences of up to `positions` tokens. The graph's context is
 * max(positions, minContext): a fixed `minContext` (default {@link MIN_CONTEXT}) keeps one quantized model —
 * one set of scales, one commitment — for every sequence up to that length; `minContext = positions` gives
 * the smallest graph for one length (its scales then depend on that length).
 */
export function quantizeLlama(cfg: LlamaConfig, w: LlamaWeights, bits: number, positions: number, bos: number, minContext = MIN_CONTEXT): QuantizedLlama {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new RangeError(`bit width must be an integer in ${MIN_BITS}..${MAX_BITS}, got ${bits}`);
  }
  if (positions > cfg.contextLength) {
    throw new RangeError(`${positions} positions exceed the model's context length ${cfg.contextLength}`);
  }
  if (!Number.isInteger(positions) || positions < 1) throw new RangeError(`positions must be a positive integer, got ${positions}`);
  const context = Math.min(cfg.contextLength, Math.max(positions, minContext));
  const calibration = calibrationTokens(cfg, w, bos, context);
  const graph = buildLlamaGraph(cfg, w, context);
  const model = quantizeGraph(graph, [[tokensTensor(calibration)]], bits);
  return { cfg, bits, context, calibration, model };
}

function tokensTensor(ids: readonly number[]): Tensor {
  return tensor("int64", [ids.length], Float64Array.from(ids));
}

/**
 * The graph input for a sequence: `ids` padded to the context with token 0 (checked ids). The prover's
 * trace is `runInteger(q.model, [sequenceInput(q, ids)])`.
 */
export function sequenceInput(q: QuantizedLlama, ids: readonly number[]): Tensor {
  if (ids.length === 0 || ids.length > q.context) throw new RangeError(`sequence of ${ids.length} tokens does not fit the context of ${q.context}`);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= q.cfg.nVocab) throw new RangeError(`token id ${id} is outside the vocabulary (0..${q.cfg.nVocab - 1})`);
  }
  return tokensTensor([...ids, ...new Array<number>(q.context - ids.length).fill(PAD_TOKEN)]);
}

/**
 * One whole-sequence integer forward pass — the computation the prover certifies — returning the integer
 * logits row of every position of `ids` (rows past the sequence, filled with padding, are dropped).
 */
export function runSequence(q: QuantizedLlama, ids: readonly number[]): Float64Array[] {
  const trace = runInteger(q.model, [sequenceInput(q, ids)]);
  const logits = trace.outputs[0].tensor.data;
  const V = q.cfg.nVocab;
  return ids.map((_, t) => logits.slice(t * V, (t + 1) * V));
}

/** Scale of the integer logits (real = integer · scale). */
export function logitsScale(q: QuantizedLlama): number {
  return q.model.scales.get("logits")!;
}
