/**
 * Data-movement kernels: they only copy elements, so the same code is exact on floats (reference) and on
 * quantized integers (executor).
 */
import type { Shape, Tensor } from "../ir";
import { sizeOf, stridesOf } from "../ir";
import { make } from "./util";

/** Permutes axes: out.shape[i] = in.shape[perm[i]]. */
export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const rank = t.shape.length;
  const outShape = perm.map((p) => t.shape[p]);
  const inStrides = stridesOf(t.shape);
  const step = perm.map((p) => inStrides[p]);
  const n = t.data.length;
  const out = new Float64Array(n);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < n; k++) {
    out[k] = t.data[offset];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      offset += step[a];
      if (counter[a] < outShape[a]) break;
      offset -= step[a] * counter[a];
      counter[a] = 0;
    }
  }
  return make(t.dtype, outShape, out);
}

/** Strided slice: for each axis a start, a step and a count. */
export function stridedSlice(t: Tensor, starts: readonly number[], steps: readonly number[], counts: readonly number[]): Tensor {
  const rank = t.shape.length;
  const inStrides = stridesOf(t.shape);
  const n = sizeOf(counts);
  const out = new Float64Array(n);
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let a = 0; a < rank; a++) base += starts[a] * inStrides[a];
  let offset = base;
  for (let k = 0; k < n; k++) {
    out[k] = t.data[offset];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      offset += steps[a] * inStrides[a];
      if (counter[a] < counts[a]) break;
      offset -= steps[a] * inStrides[a] * counter[a];
      counter[a] = 0;
    }
  }
  return make(t.dtype, counts, out);
}

/** Concatenates along `axis`. */
export function concat(ts: readonly Tensor[], axis: number): Tensor {
  const shape = [...ts[0].shape];
  shape[axis] = ts.reduce((s, t) => s + t.shape[axis], 0);
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Float64Array(sizeOf(shape));
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const chunk = sizeOf(t.shape.slice(axis));
      out.set(t.data.subarray(o * chunk, (o + 1) * chunk), pos);
      pos += chunk;
    }
  }
  return make(ts[0].dtype, shape, out);
}

/** Broadcasts to `shape` (which must be broadcast-compatible). */
export function expandTo(t: Tensor, shape: Shape): Tensor {
  const rank = shape.length;
  const inShape = [...new Array<number>(rank - t.shape.length).fill(1), ...t.shape];
  const inStrides = stridesOf(inShape).map((s, i) => (inShape[i] === 1 ? 0 : s));
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < n; k++) {
    out[k] = t.data[offset];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      offset += inStrides[a];
      if (counter[a] < shape[a]) break;
      offset -= inStrides[a] * counter[a];
      counter[a] = 0;
    }
  }
  return make(t.dtype, shape, out);
}

/** Maps each output multi-index to an input flat index (or -1 for a fill value) and gathers. */
export function gatherBy(t: Tensor, outShape: Shape, index: (coords: number[]) => number, fill: number): Tensor {
  const rank = outShape.length;
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const coords = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    const i = index(coords);
    out[k] = i < 0 ? fill : t.data[i];
    for (let a = rank - 1; a >= 0; a--) {
      if (++coords[a] < outShape[a]) break;
      coords[a] = 0;
    }
  }
  return make(t.dtype, outShape, out);
}
