/**
 * Graph preparation between import and quantization:
 * 1. operator check: every node's operator and attributes are supported (clear error otherwise);
 * 2. shape inference: a float run on zero inputs of the static input shapes gives every value's static
 *    type (all shapes in the IR are static, so this is exact for every shape-only computation);
 * 3. constant folding: a node whose inputs are all constant (initializers, Constant outputs, or a Shape of
 *    a static shape) is evaluated once and replaced by its result, so Shape/Gather/Concat/Unsqueeze chains,
 *    ConstantOfShape and any constant sub-graph disappear;
 * 4. recurrent layers (RNN/GRU/LSTM) are unrolled into primitive nodes, and steps 2-3 run again;
 * 5. BatchNormalization after a Conv/Gemm whose output feeds nothing else is folded into its weights;
 * 6. nodes that no graph output depends on are dropped.
 */
import { ModelError, where } from "./errors";
import type { Graph, Node, Tensor, TensorInfo } from "./ir";
import { formatShape, sizeOf } from "./ir";
import { make } from "./kernels/util";
import { batchNormAffine } from "./ops/norm";
import { opFor } from "./ops";
import { expandRecurrent } from "./ops/recurrent";

/** Ops whose result depends only on the static shape of their input. */
const SHAPE_ONLY = new Set(["Shape", "Size"]);

/** Runs one node through its float kernel, wrapping kernel errors with the node's name. */
export function runNode(node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Tensor[] {
  const def = opFor(node);
  let outs: Tensor[];
  try {
    outs = def.run(node, inputs, opset);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    const msg = error instanceof Error ? error.message : String(error);
    throw new ModelError(`${where(node)}: ${msg}`);
  }
  return outs;
}

/** Infers the static type of every value by a float run on zeros; returns the value map. */
export function inferTypes(graph: Graph): Map<string, TensorInfo> {
  const env = new Map<string, Tensor>(graph.initializers);
  for (const inp of graph.inputs) env.set(inp.name, make(inp.dtype, inp.shape, new Float64Array(sizeOf(inp.shape))));
  const values = new Map<string, TensorInfo>(graph.values);
  for (const node of graph.nodes) {
    const outs = runNode(node, node.inputs.map((n) => (n === "" ? undefined : env.get(n))), graph.opset);
    node.outputs.forEach((name, j) => {
      if (name === "" || outs[j] === undefined) return;
      env.set(name, outs[j]);
      values.set(name, { name, dtype: outs[j].dtype, shape: outs[j].shape });
    });
  }
  return values;
}

/**
 * Prepares an imported graph: checks operators, infers static types, folds constants and batch norms, and
 * drops dead nodes.
 * @throws UnsupportedError / ModelError naming the node
 */
export function foldGraph(graph: Graph): Graph {
  for (const node of graph.nodes) opFor(node);
  let { nodes, constants, values } = foldConstants(graph);
  if (nodes.some((n) => RECURRENT.has(n.op))) {
    const expanded = nodes.flatMap((n) => {
      if (!RECURRENT.has(n.op)) return [n];
      const e = expandRecurrent(n, values.get(n.inputs[0])!.shape, (i) => constants.get(n.inputs[i]));
      for (const [k, t] of e.constants) constants.set(k, t);
      return e.nodes;
    });
    const valuesOfConsts = new Map<string, TensorInfo>([...graph.values]);
    for (const [k, t] of constants) valuesOfConsts.set(k, { name: k, dtype: t.dtype, shape: t.shape });
    ({ nodes, constants, values } = foldConstants({ ...graph, nodes: expanded, initializers: constants, values: valuesOfConsts }));
  }
  nodes = foldBatchNorms(nodes, constants, values, graph);
  nodes = dropDead(nodes, graph);
  const used = new Set<string>([...nodes.flatMap((n) => n.inputs), ...graph.outputs.map((o) => o.name)]);
  const initializers = new Map<string, Tensor>();
  for (const [name, t] of constants) if (used.has(name)) initializers.set(name, t);
  const outputs = graph.outputs.map((o) => {
    const info = values.get(o.name);
    if (!info) throw new ModelError(`graph output "${o.name}" is not produced by any node`);
    // A declared static dimension must match what the graph computes (-1 marks a symbolic one).
    const mismatch = o.shape.length > 0 && (o.shape.length !== info.shape.length || o.shape.some((d, i) => d >= 0 && d !== info.shape[i]));
    if (mismatch) {
      const declared = o.shape.map((d) => (d < 0 ? "?" : String(d))).join(", ");
      throw new ModelError(`graph output "${o.name}": declared shape [${declared}] but the graph computes ${formatShape(info.shape)}`);
    }
    return info;
  });
  return { ...graph, nodes, initializers, outputs, values };
}

const RECURRENT = new Set(["RNN", "GRU", "LSTM"]);

/** Shape inference plus one constant-folding pass. */
function foldConstants(graph: Graph): { nodes: Node[]; constants: Map<string, Tensor>; values: Map<string, TensorInfo> } {
  const values = inferTypes(graph);
  const constants = new Map<string, Tensor>(graph.initializers);
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    const present = node.inputs.filter((n) => n !== "");
    const foldable = SHAPE_ONLY.has(node.op) || present.every((n) => constants.has(n));
    if (!foldable) {
      nodes.push(node);
      continue;
    }
    const inputs = node.inputs.map((n) => {
      if (n === "") return undefined;
      const c = constants.get(n);
      if (c) return c;
      const info = values.get(n)!;
      return make(info.dtype, info.shape, new Float64Array(sizeOf(info.shape)));
    });
    const outs = runNode(node, inputs, graph.opset);
    node.outputs.forEach((name, j) => {
      if (name !== "" && outs[j]) constants.set(name, outs[j]);
    });
  }
  return { nodes, constants, values };
}

function consumers(nodes: readonly Node[], name: string): Node[] {
  return nodes.filter((n) => n.inputs.includes(name));
}

/** Folds BatchNormalization into a preceding Conv (or ConvTranspose with group 1) with constant weights. */
function foldBatchNorms(nodes: Node[], constants: Map<string, Tensor>, values: Map<string, TensorInfo>, graph: Graph): Node[] {
  const outNames = new Set(graph.outputs.map((o) => o.name));
  let result = nodes;
  for (const bn of nodes.filter((n) => n.op === "BatchNormalization")) {
    const src = result.find((n) => n.outputs[0] === bn.inputs[0]);
    if (!src || src.op !== "Conv" || outNames.has(src.outputs[0]) || consumers(result, src.outputs[0]).length !== 1) continue;
    if (![1, 2, 3, 4].every((i) => constants.has(bn.inputs[i])) || !constants.has(src.inputs[1])) continue;
    if (src.inputs[2] && !constants.has(src.inputs[2])) continue;
    const { a, b } = batchNormAffine(bn, [undefined, ...[1, 2, 3, 4].map((i) => constants.get(bn.inputs[i]))]);
    const w = constants.get(src.inputs[1])!;
    const M = w.shape[0];
    const per = w.data.length / M;
    const wData = w.data.map((v, k) => v * a[Math.floor(k / per)]);
    const oldBias = src.inputs[2] ? constants.get(src.inputs[2])!.data : new Float64Array(M);
    const bData = new Float64Array(M).map((_, c) => oldBias[c] * a[c] + b[c]);
    const wName = `${src.name}:bn_weight`;
    const bName = `${src.name}:bn_bias`;
    constants.set(wName, make(w.dtype, w.shape, wData));
    constants.set(bName, make(w.dtype, [M], bData));
    values.set(wName, { name: wName, dtype: w.dtype, shape: w.shape });
    values.set(bName, { name: bName, dtype: w.dtype, shape: [M] });
    const merged: Node = { ...src, name: `${src.name}+${bn.name}`, inputs: [src.inputs[0], wName, bName], outputs: [bn.outputs[0]] };
    result = result.flatMap((n) => (n === src ? [merged] : n === bn ? [] : [n]));
  }
  return result;
}

/** Keeps only nodes some graph output depends on. */
function dropDead(nodes: Node[], graph: Graph): Node[] {
  const live = new Set(graph.outputs.map((o) => o.name));
  const keep: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.outputs.some((o) => live.has(o))) {
      keep.push(n);
      for (const x of n.inputs) if (x !== "") live.add(x);
    }
  }
  return keep.reverse();
}
