/**
 * The float executor: runs a prepared graph in float64 with each operator's reference kernel. It serves
 * calibration (the largest magnitude of every value) and tests; the accuracy report compares against
 * onnxruntime, not against this.
 */
import { ModelError } from "../errors";
import type { Graph, Tensor } from "../ir";
import { runNode } from "../fold";
import { opFor } from "../ops";

/** Every value of one run, by name (inputs, initializers and node outputs). */
export type FloatTrace = Map<string, Tensor>;

/** Runs the graph on `inputs` (in graph-input order); returns every value. */
export function runFloat(graph: Graph, inputs: readonly Tensor[], onNode?: (name: string, extra: Record<string, number>) => void): FloatTrace {
  if (inputs.length !== graph.inputs.length) {
    throw new ModelError(`the model has ${graph.inputs.length} input(s), got ${inputs.length}`);
  }
  const env: FloatTrace = new Map(graph.initializers);
  graph.inputs.forEach((info, i) => env.set(info.name, inputs[i]));
  for (const node of graph.nodes) {
    const args = node.inputs.map((n) => (n === "" ? undefined : env.get(n)));
    const outs = runNode(node, args, graph.opset);
    node.outputs.forEach((name, j) => {
      if (name !== "" && outs[j]) env.set(name, outs[j]);
    });
    const def = opFor(node);
    if (onNode && def.calibrate) onNode(node.name, def.calibrate(node, args, outs, graph.opset));
  }
  return env;
}

/** Largest |value| of every value (and of calibration intermediates) over several runs. */
export function calibrate(graph: Graph, samples: readonly (readonly Tensor[])[]): Map<string, number> {
  const maxAbs = new Map<string, number>();
  const note = (name: string, m: number) => maxAbs.set(name, Math.max(maxAbs.get(name) ?? 0, m));
  for (const sample of samples) {
    const env = runFloat(graph, sample, (_, extra) => {
      for (const [k, v] of Object.entries(extra)) note(k, Number.isFinite(v) ? v : 0);
    });
    for (const [name, t] of env) {
      let m = 0;
      for (const v of t.data) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
      note(name, m);
    }
  }
  return maxAbs;
}
