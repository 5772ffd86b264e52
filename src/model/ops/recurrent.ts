/**
 * Recurrent layers: RNN, GRU, LSTM. They are never proved as one operator: {@link expandRecurrent} unrolls a
 * node over its static sequence length into primitive nodes (Gather, MatMul, Add, Sub, Mul, Slice, Sigmoid,
 * Tanh, Relu, Reshape, Concat) that the quantizer and prover already handle, and the graph preparation
 * replaces the node by them. The float kernel runs the same expansion, so reference and unrolled graph agree
 * by construction.
 *
 * Supported: directions forward, reverse, bidirectional; layout 0; default activations (RNN may use Tanh,
 * Relu or Sigmoid); linear_before_reset 0 or 1 (GRU). Not supported: sequence_lens, peepholes (LSTM P),
 * clip, input_forget, custom activation parameters.
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { make } from "../kernels/util";
import { findOp } from "./index";
import type { OpDef } from "./types";
import { attrInt, attrString, need, unsupportedValue } from "./types";

/** An unrolled recurrent node: primitive nodes plus the constants they introduce. */
export interface Expansion {
  readonly nodes: Node[];
  readonly constants: Map<string, Tensor>;
}

const GATES: Record<string, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<string, string[]> = { RNN: ["Tanh"], GRU: ["Sigmoid", "Tanh"], LSTM: ["Sigmoid", "Tanh", "Tanh"] };

function checkAttrs(node: Node): { hidden: number; dirs: number; acts: string[] } {
  if (attrInt(node, "layout", 0) !== 0) throw unsupportedValue(node, "layout", attrInt(node, "layout", 0), "0");
  if (node.attrs.clip) throw new UnsupportedError(`${where(node)}: attribute "clip" is not supported`);
  if (attrInt(node, "input_forget", 0) !== 0) throw unsupportedValue(node, "input_forget", 1, "0");
  if (node.attrs.activation_alpha || node.attrs.activation_beta) throw new UnsupportedError(`${where(node)}: activation_alpha/beta are not supported`);
  const direction = attrString(node, "direction", "forward");
  if (!["forward", "reverse", "bidirectional"].includes(direction)) throw unsupportedValue(node, "direction", direction, "forward, reverse, bidirectional");
  const dirs = direction === "bidirectional" ? 2 : 1;
  const dflt = DEFAULT_ACTS[node.op];
  const given = node.attrs.activations?.kind === "strings" ? [...node.attrs.activations.value] : [];
  const acts = given.length > 0 ? given.slice(0, dflt.length) : dflt;
  const allowed = node.op === "RNN" ? ["Tanh", "Relu", "Sigmoid"] : dflt;
  acts.forEach((a, i) => {
    if (node.op === "RNN" ? !allowed.includes(a) : a !== dflt[i]) throw unsupportedValue(node, "activations", given, node.op === "RNN" ? "Tanh, Relu, Sigmoid" : dflt.join(", "));
  });
  if (given.length > dflt.length && given.slice(dflt.length).some((a, i) => a !== acts[i])) {
    throw unsupportedValue(node, "activations", given, "the same activations in both directions");
  }
  const hidden = attrInt(node, "hidden_size", 0);
  if (hidden <= 0) throw new ModelError(`${where(node)}: attribute "hidden_size" is required`);
  return { hidden, dirs, acts };
}

/**
 * Unrolls a recurrent node. `shapeOf` gives the static shape of input 0; `constOf(i)` the constant value of
 * input i (W, R, B must be constants).
 */
export function expandRecurrent(node: Node, xShape: readonly number[], constOf: (i: number) => Tensor | undefined): Expansion {
  const { hidden: H, dirs, acts } = checkAttrs(node);
  const G = GATES[node.op];
  const [S, Bt, I] = xShape;
  if (node.inputs[4]) throw new UnsupportedError(`${where(node)}: input sequence_lens is not supported`);
  if (node.op === "LSTM" && node.inputs[7]) throw new UnsupportedError(`${where(node)}: peephole input P is not supported`);
  const W = constOf(1);
  const R = constOf(2);
  if (!W || !R) throw new UnsupportedError(`${where(node)}: weights W and R must be constants`);
  const Bias = node.inputs[3] ? constOf(3) : undefined;
  if (node.inputs[3] && !Bias) throw new UnsupportedError(`${where(node)}: bias B must be a constant`);
  const lbr = attrInt(node, "linear_before_reset", 0) === 1;
  const direction = attrString(node, "direction", "forward");

  const nodes: Node[] = [];
  const constants = new Map<string, Tensor>();
  const p = node.name;
  let counter = 0;
  const fresh = (tag: string) => `${p}/${tag}_${counter++}`;
  const emit = (op: string, inputs: string[], attrs: Node["attrs"] = {}, tag = op): string => {
    const out = fresh(tag);
    nodes.push({ name: out, op, domain: "", inputs, outputs: [out], attrs });
    return out;
  };
  const constant = (tag: string, t: Tensor): string => {
    const name = fresh(tag);
    constants.set(name, t);
    return name;
  };
  const ints = (xs: number[]) => make("int64", [xs.length], Float64Array.from(xs));
  /** Rows [g*H, (g+1)*H) of a [dirs, G*H, K] weight for direction d, transposed to [K, H]. */
  const gateT = (w: Tensor, d: number, g: number, K: number): Tensor => {
    const out = new Float64Array(K * H);
    for (let r = 0; r < H; r++) for (let k = 0; k < K; k++) out[k * H + r] = w.data[(d * G * H + g * H + r) * K + k];
    return make(w.dtype, [K, H], out);
  };
  const biasOf = (d: number, part: 0 | 1, g: number): Tensor => {
    const out = new Float64Array(H);
    if (Bias) for (let r = 0; r < H; r++) out[r] = Bias.data[d * 2 * G * H + part * G * H + g * H + r];
    return make(W.dtype, [H], out);
  };
  const act = (name: string, x: string) => emit(name, [x]);
  const initial = (i: number, d: number): string => {
    if (!node.inputs[i]) return constant("zeros", make(W.dtype, [Bt, H], new Float64Array(Bt * H)));
    return emit("Gather", [node.inputs[i], constant("dir", make("int64", [], Float64Array.of(d)))], { axis: { kind: "int", value: 0 } }, "state");
  };

  const ys: string[][] = [];
  const lastH: string[] = [];
  const lastC: string[] = [];
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === "reverse" || d === 1;
    // Per gate: input projection W_g^T [I, H], recurrence R_g^T [H, H], biases.
    const wg = Array.from({ length: G }, (_, g) => constant(`W${g}`, gateT(W, d, g, I)));
    const rg = Array.from({ length: G }, (_, g) => constant(`R${g}`, gateT(R, d, g, H)));
    const wb = Array.from({ length: G }, (_, g) => biasOf(d, 0, g));
    const rb = Array.from({ length: G }, (_, g) => biasOf(d, 1, g));
    const sumBias = Array.from({ length: G }, (_, g) => constant(`b${g}`, make(W.dtype, [H], wb[g].data.map((v, k) => v + rb[g].data[k]))));
    let h = initial(5, d);
    let c = node.op === "LSTM" ? initial(6, d) : "";
    const yd: string[] = new Array<string>(S);
    for (let step = 0; step < S; step++) {
      const t = reverse ? S - 1 - step : step;
      const x = emit("Gather", [node.inputs[0], constant("t", make("int64", [], Float64Array.of(t)))], { axis: { kind: "int", value: 0 } }, "x");
      const pre = (g: number, withBias = true) => {
        const xw = emit("MatMul", [x, wg[g]]);
        const hr = emit("MatMul", [h, rg[g]]);
        const s = emit("Add", [xw, hr]);
        return withBias ? emit("Add", [s, sumBias[g]]) : s;
      };
      if (node.op === "RNN") {
        h = act(acts[0], pre(0));
      } else if (node.op === "LSTM") {
        // ONNX gate order: i, o, f, c.
        const i = act("Sigmoid", pre(0));
        const o = act("Sigmoid", pre(1));
        const f = act("Sigmoid", pre(2));
        const cc = act("Tanh", pre(3));
        c = emit("Add", [emit("Mul", [f, c]), emit("Mul", [i, cc])]);
        h = emit("Mul", [o, act("Tanh", c)]);
      } else {
        // ONNX gate order: z, r, h.
        const z = act("Sigmoid", pre(0));
        const r = act("Sigmoid", pre(1));
        const xh = emit("Add", [emit("MatMul", [x, wg[2]]), constant("wbh", wb[2])]);
        let rec: string;
        if (lbr) rec = emit("Mul", [r, emit("Add", [emit("MatMul", [h, rg[2]]), constant("rbh", rb[2])])]);
        else rec = emit("Add", [emit("MatMul", [emit("Mul", [r, h]), rg[2]]), constant("rbh", rb[2])]);
        const ht = act("Tanh", emit("Add", [xh, rec]));
        // h = (1 - z) * ht + z * h  =  ht + z * (h - ht)
        h = emit("Add", [ht, emit("Mul", [z, emit("Sub", [h, ht])])]);
      }
      // Reshape rather than Unsqueeze: its form does not depend on the opset.
      yd[t] = emit("Reshape", [h, constant("shape", ints([1, 1, Bt, H]))], {}, "y");
    }
    ys.push(yd);
    lastH.push(emit("Reshape", [h, constant("shape", ints([1, Bt, H]))], {}, "hT"));
    if (node.op === "LSTM") lastC.push(emit("Reshape", [c, constant("shape", ints([1, Bt, H]))], {}, "cT"));
  }
  // Outputs: Y [S, dirs, B, H], Y_h [dirs, B, H], Y_c [dirs, B, H].
  const bind = (j: number, parts: string[], axis: number) => {
    const name = node.outputs[j];
    if (!name) return;
    nodes.push({ name: `${p}/out${j}`, op: parts.length === 1 ? "Identity" : "Concat", domain: "", inputs: parts, outputs: [name], attrs: parts.length === 1 ? {} : { axis: { kind: "int", value: axis } } });
  };
  const perStep = Array.from({ length: S }, (_, t) => (dirs === 1 ? ys[0][t] : emit("Concat", [ys[0][t], ys[1][t]], { axis: { kind: "int", value: 1 } }, "yt")));
  bind(0, perStep, 0);
  bind(1, lastH, 0);
  if (node.op === "LSTM") bind(2, lastC, 0);
  return { nodes, constants };
}

/** Runs an expansion in float on concrete inputs (the reference kernel of the recurrent ops). */
function runExpansion(node: Node, inputs: readonly (Tensor | undefined)[], opset: number): Tensor[] {
  const x = need(node, inputs, 0);
  const exp = expandRecurrent(node, x.shape, (i) => inputs[i]);
  const env = new Map<string, Tensor>(exp.constants);
  node.inputs.forEach((n, i) => {
    if (n && inputs[i]) env.set(n, inputs[i]!);
  });
  for (const n of exp.nodes) {
    const outs = findOp(n.domain, n.op)!.run(n, n.inputs.map((v) => env.get(v)), opset);
    env.set(n.outputs[0], outs[0]);
  }
  return node.outputs.map((o) => (o ? env.get(o)! : make("float32", [0], new Float64Array(0))));
}

const ATTRS = ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout"];

/** Recurrent ops: reference kernels only; graph preparation replaces them by their expansion. */
export const RECURRENT_OPS: readonly OpDef[] = [
  { op: "RNN", domain: "", attrs: ATTRS, run: runExpansion },
  { op: "GRU", domain: "", attrs: [...ATTRS, "linear_before_reset"], run: runExpansion },
  { op: "LSTM", domain: "", attrs: [...ATTRS, "input_forget"], run: runExpansion },
];
