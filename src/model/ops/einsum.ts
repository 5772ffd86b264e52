/**
 * Einsum with one or two operands and explicit or implicit output (no ellipsis), e.g. "bhqd,bhkd->bhqk".
 *
 * Integer semantics: two operands are "linear" (acc = exact sum of qa·qb over the summed labels, then
 * requant with M = s_a·s_b / s_out; the 2^53 accumulator bound is checked); one operand without summed labels
 * is a copy ({@link movementPlan}), with summed labels a "reduce-sum" (acc = sum, M = s_in / s_out).
 */
import { ModelError, UnsupportedError, where } from "../errors";
import type { Node, Tensor } from "../ir";
import { sizeOf } from "../ir";
import { make } from "../kernels/util";
import { requantizeArray, scaleFor, toFixedPoint } from "../quant/fixed-point";
import { movementPlan, operand } from "./generic";
import type { OpDef, QuantPlan, QuantizeContext } from "./types";
import { attrString, need } from "./types";

const EXACT_LIMIT = 2 ** 53;

interface Parsed {
  inputs: string[];
  output: string;
  /** Every label with its size. */
  dims: Map<string, number>;
  summed: string[];
}

function parse(node: Node, shapes: readonly (readonly number[])[]): Parsed {
  const eq = attrString(node, "equation", "").replace(/\s+/g, "");
  if (eq.includes(".")) throw new UnsupportedError(`${where(node)}: attribute "equation" = "${eq}" uses an ellipsis, which is not supported`);
  const [lhs, rhs] = eq.split("->");
  const inputs = lhs.split(",");
  if (inputs.length !== shapes.length || inputs.length > 2) {
    throw new UnsupportedError(`${where(node)}: attribute "equation" = "${eq}" with ${inputs.length} operand(s) is not supported (supported: 1 or 2 operands)`);
  }
  const dims = new Map<string, number>();
  inputs.forEach((labels, i) => {
    if (labels.length !== shapes[i].length) throw new ModelError(`${where(node)}: operand ${i} has rank ${shapes[i].length}, the equation gives "${labels}"`);
    [...labels].forEach((l, k) => {
      const d = dims.get(l);
      if (d !== undefined && d !== shapes[i][k]) throw new ModelError(`${where(node)}: label "${l}" has sizes ${d} and ${shapes[i][k]}`);
      dims.set(l, shapes[i][k]);
    });
  });
  // Implicit output: labels that appear once, in alphabetical order.
  const counts = new Map<string, number>();
  for (const l of inputs.join("")) counts.set(l, (counts.get(l) ?? 0) + 1);
  const output = rhs ?? [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort().join("");
  const summed = [...dims.keys()].filter((l) => !output.includes(l));
  return { inputs, output, dims, summed };
}

/** Sums Π operands over the summed labels for every output position. */
function contract(p: Parsed, ts: readonly Tensor[]): Float64Array {
  const outLabels = [...p.output];
  const all = [...outLabels, ...p.summed];
  const size = all.map((l) => p.dims.get(l)!);
  const strideOf = (labels: string, shape: readonly number[]) => {
    const st = new Array<number>(shape.length);
    let s = 1;
    for (let k = shape.length - 1; k >= 0; k--) {
      st[k] = s;
      s *= shape[k];
    }
    // Stride per label in `all` order (repeated labels add up: a diagonal).
    return all.map((l) => [...labels].reduce((acc, x, k) => (x === l ? acc + st[k] : acc), 0));
  };
  const strides = ts.map((t, i) => strideOf(p.inputs[i], t.shape));
  const nOut = sizeOf(size.slice(0, outLabels.length));
  const nSum = sizeOf(size.slice(outLabels.length));
  const out = new Float64Array(nOut);
  const c = new Array<number>(all.length).fill(0);
  const offsets = new Array<number>(ts.length).fill(0);
  for (let k = 0; k < nOut * nSum; k++) {
    let prod = 1;
    for (let i = 0; i < ts.length; i++) prod *= ts[i].data[offsets[i]];
    out[Math.floor(k / nSum)] += prod;
    for (let a = all.length - 1; a >= 0; a--) {
      c[a]++;
      for (let i = 0; i < ts.length; i++) offsets[i] += strides[i][a];
      if (c[a] < size[a]) break;
      for (let i = 0; i < ts.length; i++) offsets[i] -= strides[i][a] * c[a];
      c[a] = 0;
    }
  }
  return out;
}

function einsumRun(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const ts = inputs.map((_, i) => need(node, inputs, i));
  const p = parse(node, ts.map((t) => t.shape));
  return [make(ts[0].dtype, [...p.output].map((l) => p.dims.get(l)!), contract(p, ts))];
}

function einsumPlan(q: QuantizeContext): QuantPlan {
  const n = q.node.inputs.length;
  const p = parse(q.node, q.node.inputs.map((_, i) => q.inInfo(i)!.shape));
  if (n === 1 && p.summed.length === 0) return movementPlan(q, einsumRun, ["data"]);
  const ops = Array.from({ length: n }, (_, i) => operand(q, i));
  const terms = p.summed.reduce((s, l) => s * p.dims.get(l)!, 1);
  const bound = terms * Math.max(-q.qmin, q.qmax) ** n;
  if (bound >= EXACT_LIMIT) throw new ModelError(`${where(q.node)}: accumulator bound ${bound.toExponential(2)} exceeds 2^53 at ${q.bits} bits; use fewer bits`);
  const outScale = scaleFor(q.outMaxAbs(0), q.bits);
  const fp = toFixedPoint(ops.reduce((s, o) => s * o.scale, 1) / outScale);
  const shape = [...p.output].map((l) => p.dims.get(l)!);
  const dtype = q.outInfo(0).dtype;
  return {
    kind: n === 2 ? "linear" : "reduce-sum",
    outScales: [outScale],
    params: { equation: `${p.inputs.join(",")}->${p.output}`, multiplier: fp.multiplier, shift: fp.shift, terms },
    exec: (inputs) => {
      const acc = contract(p, ops.map((o, i) => o.fixed ?? inputs[i]!));
      return [make(dtype, shape, requantizeArray(acc, fp, q.qmin, q.qmax))];
    },
  };
}

export const EINSUM_OPS: readonly OpDef[] = [{ op: "Einsum", domain: "", attrs: ["equation"], run: einsumRun, quantize: einsumPlan }];
