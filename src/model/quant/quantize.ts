/**
 * Quantization: turns a prepared float graph plus calibration data into a {@link QuantizedModel} — the
 * integer plan of every node, the scale of every value and the integer weights — which the integer
 * executor runs and the prover proves. Symmetric, per tensor, zero-point 0, b bits (8-16).
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { Graph, Tensor, TensorInfo } from "../ir";
import { isFloatType } from "../ir";
import { opFor, quantizableOps } from "../ops";
import type { QuantizeContext, QuantPlan } from "../ops/types";
import { calibrate } from "../exec/float";
import { qRange, quantizeValues, scaleFor } from "./fixed-point";
import { MAX_BITS, MIN_BITS } from "../defaults";

/** Re-exported for callers that import them from here (the GGUF front end). */
export { MAX_BITS, MIN_BITS };

/** A weight the prover commits: integers at a scale. */
export interface QuantizedWeight {
  readonly tensor: Tensor;
  readonly scale: number;
}

/** The quantized model: everything the integer executor (and the prover) needs. */
export interface QuantizedModel {
  readonly graph: Graph;
  readonly bits: number;
  /** Scale of every runtime value: real = integer * scale (1 for integer-typed values). */
  readonly scales: ReadonlyMap<string, number>;
  /** Integer plan of every node, by node name. */
  readonly plans: ReadonlyMap<string, QuantPlan>;
  /** Quantized constants, by name. */
  readonly weights: ReadonlyMap<string, QuantizedWeight>;
  /** Graph outputs that are constants (after folding), quantized. */
  readonly constantOutputs: ReadonlyMap<string, QuantizedWeight>;
}

/** Throws unless `bits` is an integer in [MIN_BITS, MAX_BITS]. */
export function checkBits(bits: number): number {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new ModelError(`--bits must be an integer from ${MIN_BITS} to ${MAX_BITS}, got ${bits}`);
  }
  return bits;
}

/**
 * Quantizes a prepared graph.
 * @param samples calibration inputs (each one tensor per graph input); scales cover their largest values
 */
export function quantizeGraph(graph: Graph, samples: readonly (readonly Tensor[])[], bits: number): QuantizedModel {
  checkBits(bits);
  if (samples.length === 0) throw new ModelError("quantization needs at least one calibration input");
  const { qmin, qmax } = qRange(bits);
  const maxAbs = calibrate(graph, samples);
  const scales = new Map<string, number>();
  const weights = new Map<string, QuantizedWeight>();
  const plans = new Map<string, QuantPlan>();
  const infoOf = (name: string): TensorInfo => graph.values.get(name)!;
  for (const inp of graph.inputs) scales.set(inp.name, isFloatType(inp.dtype) ? scaleFor(maxAbs.get(inp.name) ?? 0, bits) : 1);
  for (const node of graph.nodes) {
    const def = opFor(node);
    if (!def.quantize) {
      throw new UnsupportedError(`${where(node)}: ${node.op} is supported only on constant inputs (it was not folded away); operators with an integer plan: ${quantizableOps().join(", ")}`);
    }
    const ctx: QuantizeContext = {
      node,
      opset: graph.opset,
      bits,
      qmin,
      qmax,
      inInfo: (i) => (node.inputs[i] ? infoOf(node.inputs[i]) : undefined),
      outInfo: (j) => infoOf(node.outputs[j]),
      inScale: (i) => {
        const s = scales.get(node.inputs[i]);
        if (s === undefined) throw new ModelError(`${where(node)}: input ${i} ("${node.inputs[i]}") has no scale`);
        return s;
      },
      isConst: (i) => graph.initializers.has(node.inputs[i]),
      constValue: (i) => {
        const t = graph.initializers.get(node.inputs[i]);
        if (!t) throw new ModelError(`${where(node)}: input ${i} ("${node.inputs[i]}") must be a constant`);
        return t;
      },
      outMaxAbs: (j) => maxAbs.get(node.outputs[j]) ?? 0,
      maxAbsOf: (name) => maxAbs.get(name) ?? 0,
      addWeight: (name, tensor, scale) => {
        weights.set(name, { tensor, scale });
        return name;
      },
    };
    const plan = def.quantize(ctx);
    plans.set(node.name, plan);
    node.outputs.forEach((o, j) => {
      if (o !== "") scales.set(o, plan.outScales[j] ?? 1);
    });
  }
  const constantOutputs = new Map<string, QuantizedWeight>();
  for (const out of graph.outputs) {
    const c = graph.initializers.get(out.name);
    if (!c) continue;
    if (!isFloatType(c.dtype)) {
      constantOutputs.set(out.name, { tensor: c, scale: 1 });
      continue;
    }
    let m = 0;
    for (const v of c.data) m = Math.max(m, Math.abs(v));
    const scale = scaleFor(m, bits);
    constantOutputs.set(out.name, { tensor: { ...c, data: quantizeValues(c.data, scale, qmin, qmax) }, scale });
  }
  return { graph, bits, scales, plans, weights, constantOutputs };
}
