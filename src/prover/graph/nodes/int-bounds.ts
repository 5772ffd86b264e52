/**
 * Static value ranges of integer-typed tensors (docs/prover.md, "Integer kinds for the tree models"). An integer
 * tensor is never range-checked by its own step: it is pinned by its producer's exact relation. A consumer that
 * needs a range (ArgMax's lexicographic gap assumes a b-bit input) asks here for an interval that holds for EVERY
 * input, derived from the producers' relations alone:
 *
 * - bool: [0, 1] (comparisons and logic prove 0/1; a bool graph input is checked by the verifier);
 * - value-blind moves (Cast int→int, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity, Slice, Gather of
 *   constant or runtime indices, Concat): the union of their data inputs' ranges;
 * - ArgMax over an axis of size V: [0, V − 1]; OneHot: its two values;
 * - exact Add / Sub / Mul and MatMul: interval arithmetic over the operands (MatMul by a constant: per output
 *   column, the sum over k of the interval products);
 * - an integer constant: [min, max] of its entries.
 * Anything else (an integer graph input, an unknown producer) has no static range: null.
 */
import { isFloatType, type Node } from "../../../model/ir";
import type { QuantizedModel } from "../../../model/quant/quantize";
import { attrInt } from "../../../model/ops/types";

/** A closed integer interval [lo, hi]. */
export interface IntRange {
  readonly lo: number;
  readonly hi: number;
}

const MOVES = new Set(["Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Slice", "Gather", "GatherElements", "GatherND", "Concat", "Expand", "Tile"]);

/** Largest magnitude a range may reach: beyond it float64 is no longer exact, and the analysis gives up. */
const MAX_EXACT = 2 ** 52;

function hull(a: IntRange, b: IntRange): IntRange {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

function mulRange(a: IntRange, b: IntRange): IntRange {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: Math.min(...p), hi: Math.max(...p) };
}

function ofData(data: ArrayLike<number>): IntRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
  }
  return data.length === 0 ? { lo: 0, hi: 0 } : { lo, hi };
}

/**
 * The static range of integer-typed value `name`, or null when none is known. Float-typed values have no
 * integer range here (their b-bit clamp is a different guarantee).
 */
export function integerRange(model: QuantizedModel, name: string, memo = new Map<string, IntRange | null>()): IntRange | null {
  if (memo.has(name)) return memo.get(name)!;
  memo.set(name, null); // cycles cannot occur in a DAG; this also stops a malformed graph
  const r = compute(model, name, memo);
  const ok = r && Number.isFinite(r.lo) && Number.isFinite(r.hi) && Math.abs(r.lo) <= MAX_EXACT && Math.abs(r.hi) <= MAX_EXACT ? r : null;
  memo.set(name, ok);
  return ok;
}

function compute(model: QuantizedModel, name: string, memo: Map<string, IntRange | null>): IntRange | null {
  const { graph } = model;
  const info = graph.values.get(name);
  if (!info || isFloatType(info.dtype)) return null;
  if (info.dtype === "bool") return { lo: 0, hi: 1 };
  const init = graph.initializers.get(name);
  if (init) return ofData(init.data);
  const producer = graph.nodes.find((n) => n.outputs.includes(name));
  if (!producer) return null;
  const range = (v: string) => integerRange(model, v, memo);
  return producerRange(model, producer, range);
}

function producerRange(model: QuantizedModel, node: Node, range: (v: string) => IntRange | null): IntRange | null {
  const ins = node.inputs;
  switch (node.op) {
    case "ArgMax":
    case "ArgMin": {
      const shape = model.graph.values.get(ins[0])?.shape;
      if (!shape) return null;
      const axis = attrInt(node, "axis", 0);
      const d = shape[axis < 0 ? axis + shape.length : axis];
      return d === undefined ? null : { lo: 0, hi: Math.max(0, d - 1) };
    }
    case "OneHot":
      // Every entry is one of the two values (input 2).
      return range(ins[2]);
    case "Add":
    case "Sub": {
      const [a, b] = [range(ins[0]), range(ins[1])];
      if (!a || !b) return null;
      return node.op === "Add" ? { lo: a.lo + b.lo, hi: a.hi + b.hi } : { lo: a.lo - b.hi, hi: a.hi - b.lo };
    }
    case "Mul": {
      const [a, b] = [range(ins[0]), range(ins[1])];
      return a && b ? mulRange(a, b) : null;
    }
    case "MatMul": {
      const a = range(ins[0]);
      const w = model.graph.initializers.get(ins[1]);
      const wShape = model.graph.values.get(ins[1])?.shape;
      if (!a) return null;
      if (!w || !wShape || wShape.length !== 2) {
        const b = range(ins[1]);
        const k = model.graph.values.get(ins[0])?.shape.at(-1);
        if (!b || k === undefined) return null;
        const p = mulRange(a, b);
        return { lo: Math.min(0, p.lo * k), hi: Math.max(0, p.hi * k) };
      }
      // Per output column n: Σ_k [a]·w[k, n].
      const [kk, nn] = wShape;
      let out: IntRange | null = null;
      for (let n = 0; n < nn; n++) {
        let lo = 0;
        let hi = 0;
        for (let k = 0; k < kk; k++) {
          const p = mulRange(a, { lo: w.data[k * nn + n], hi: w.data[k * nn + n] });
          lo += p.lo;
          hi += p.hi;
        }
        out = out ? hull(out, { lo, hi }) : { lo, hi };
      }
      return out ?? { lo: 0, hi: 0 };
    }
    default:
      if (!MOVES.has(node.op)) return null;
      // Data inputs only: Gather/GatherElements/GatherND/Slice/Reshape/… take their data at input 0; Concat at every input.
      const data = node.op === "Concat" ? ins.filter((v) => v !== "") : [ins[0]];
      let out: IntRange | null = null;
      for (const v of data) {
        const r = range(v);
        if (!r) return null;
        out = out ? hull(out, r) : r;
      }
      // A Cast to bool maps any value to 0/1 (handled by the bool dtype above); a Cast between integer types copies.
      return out;
  }
}
