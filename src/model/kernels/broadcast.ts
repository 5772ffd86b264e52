/**
 * NumPy/ONNX multidirectional broadcasting for element-wise kernels. Works on the IR's Float64Array data,
 * which holds floats in the float reference and exact integers in the integer executor: the same kernel
 * serves both.
 */
import { ModelError } from "../errors";
import type { Shape } from "../ir";
import { sizeOf, stridesOf } from "../ir";

/** The broadcast shape of several shapes, or an error naming them. */
export function broadcastShapes(shapes: readonly Shape[], what: string): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const axis = rank - s.length + i;
      const d = s[i];
      if (d === out[axis] || d === 1) continue;
      if (out[axis] === 1) out[axis] = d;
      else throw new ModelError(`${what}: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(" and ")} do not broadcast`);
    }
  }
  return out;
}

/**
 * For each output element, the index into an input of shape `shape` broadcast to `outShape`. Returns null
 * when the input already has the output shape (identity map).
 */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array | null {
  const n = sizeOf(outShape);
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return null;
  const idx = new Int32Array(n);
  if (sizeOf(shape) === 1) return idx;
  const rank = outShape.length;
  const inStrides = stridesOf(shape);
  const eff = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const axis = rank - shape.length + i;
    eff[axis] = shape[i] === 1 ? 0 : inStrides[i];
  }
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = offset;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      offset += eff[a];
      if (counter[a] < outShape[a]) break;
      offset -= eff[a] * counter[a];
      counter[a] = 0;
    }
  }
  return idx;
}

/** Applies `f` element-wise over broadcast inputs. */
export function mapBroadcast(
  inputs: readonly { shape: Shape; data: Float64Array }[],
  f: (args: number[]) => number,
  what: string,
): { shape: number[]; data: Float64Array } {
  const shape = broadcastShapes(inputs.map((t) => t.shape), what);
  const n = sizeOf(shape);
  const maps = inputs.map((t) => broadcastIndex(t.shape, shape));
  const out = new Float64Array(n);
  const args = new Array<number>(inputs.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < inputs.length; j++) {
      const m = maps[j];
      args[j] = inputs[j].data[m === null ? k : m[k]];
    }
    out[k] = f(args);
  }
  return { shape, data: out };
}

/** Fast two-input broadcast map. */
export function map2(
  a: { shape: Shape; data: Float64Array },
  b: { shape: Shape; data: Float64Array },
  f: (x: number, y: number) => number,
  what: string,
): { shape: number[]; data: Float64Array } {
  const shape = broadcastShapes([a.shape, b.shape], what);
  const n = sizeOf(shape);
  const ma = broadcastIndex(a.shape, shape);
  const mb = broadcastIndex(b.shape, shape);
  const out = new Float64Array(n);
  const ad = a.data;
  const bd = b.data;
  for (let k = 0; k < n; k++) out[k] = f(ad[ma === null ? k : ma[k]], bd[mb === null ? k : mb[k]]);
  return { shape, data: out };
}
