/**
 * The integer executor: runs a {@link QuantizedModel} on quantized inputs with integers only (exact
 * integers held in float64 arrays) and returns the full trace the prover consumes: every node's integer
 * outputs with their scales and the node's plan metadata.
 */
import { ModelError, where } from "../errors";
import type { Tensor } from "../ir";
import { formatShape, isFloatType, sizeOf } from "../ir";
import type { QuantPlan } from "../ops/types";
import { qRange, quantizeValues } from "../quant/fixed-point";
import type { QuantizedModel } from "../quant/quantize";

/** One executed node. */
export interface TraceStep {
  readonly node: string;
  readonly op: string;
  readonly kind: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer output tensors, in `outputs` order. */
  readonly values: readonly Tensor[];
  readonly outScales: readonly number[];
  readonly plan: QuantPlan;
}

/** A full integer run. */
export interface IntegerTrace {
  /** Quantized graph inputs, in graph order. */
  readonly inputs: readonly Tensor[];
  readonly steps: readonly TraceStep[];
  /** Integer graph outputs with their scales, in graph order. */
  readonly outputs: readonly { readonly name: string; readonly tensor: Tensor; readonly scale: number }[];
}

/** Quantizes float inputs at the model's input scales (integer-typed inputs must hold integers). */
export function quantizeInputs(model: QuantizedModel, inputs: readonly Tensor[]): Tensor[] {
  const { qmin, qmax } = qRange(model.bits);
  return model.graph.inputs.map((info, i) => {
    const t = inputs[i];
    if (!t) throw new ModelError(`input "${info.name}" is missing`);
    if (t.data.length !== sizeOf(info.shape)) {
      throw new ModelError(`input "${info.name}" has ${t.data.length} values, expected ${sizeOf(info.shape)} for shape ${formatShape(info.shape)}`);
    }
    if (!isFloatType(info.dtype)) return { dtype: info.dtype, shape: info.shape, data: t.data };
    return { dtype: info.dtype, shape: info.shape, data: quantizeValues(t.data, model.scales.get(info.name)!, qmin, qmax) };
  });
}

/**
 * Runs the integer graph.
 * @param qinputs quantized inputs (see {@link quantizeInputs})
 */
export function runInteger(model: QuantizedModel, qinputs: readonly Tensor[]): IntegerTrace {
  const { graph } = model;
  const env = new Map<string, Tensor>();
  graph.inputs.forEach((info, i) => {
    const t = qinputs[i];
    if (!t || t.shape.length !== info.shape.length || t.shape.some((d, k) => d !== info.shape[k])) {
      throw new ModelError(`input "${info.name}" must have shape ${formatShape(info.shape)}`);
    }
    env.set(info.name, t);
  });
  const steps: TraceStep[] = [];
  for (const node of graph.nodes) {
    const plan = model.plans.get(node.name)!;
    const args = node.inputs.map((n) => (n === "" ? undefined : env.get(n)));
    let values: Tensor[];
    try {
      values = plan.exec(args);
    } catch (error) {
      if (error instanceof ModelError) throw error;
      throw new ModelError(`${where(node)}: integer execution failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    node.outputs.forEach((o, j) => {
      if (o !== "" && values[j]) env.set(o, values[j]);
    });
    steps.push({ node: node.name, op: node.op, kind: plan.kind, inputs: node.inputs, outputs: node.outputs, values, outScales: plan.outScales, plan });
  }
  const outputs = graph.outputs.map((o) => {
    const c = model.constantOutputs.get(o.name);
    if (c) return { name: o.name, tensor: c.tensor, scale: c.scale };
    const t = env.get(o.name);
    if (!t) throw new ModelError(`graph output "${o.name}" was not computed`);
    return { name: o.name, tensor: t, scale: model.scales.get(o.name) ?? 1 };
  });
  return { inputs: qinputs, steps, outputs };
}

/** Real values of an integer output. */
export function dequantize(t: Tensor, scale: number): Float64Array {
  return t.data.map((v) => v * scale);
}
