/** Shared helpers of the prover tests: seeded integer tensors, points, and tensor arithmetic for references. */
import { randomFrs } from "../sumcheck/helpers";

export { randomFrs };

/** Seeded signed integers in [-bound, bound]. */
export function randomInts(n: number, seed: string, bound = 100): number[] {
  return randomFrs(n, seed).map((x) => Number(x % BigInt(2 * bound + 1)) - bound);
}

/** An integer tensor of `shape` with seeded data. */
export function intTensor(shape: number[], seed: string, bound = 100): { shape: number[]; data: number[] } {
  return { shape, data: randomInts(shape.reduce((p, d) => p * d, 1), seed, bound) };
}

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}

/** Reference (batched) integer matrix product of row-major tensors, with optional transposes of 2-D operands. */
export function matmulRef(
  x: { shape: readonly number[]; data: ArrayLike<number> },
  w: { shape: readonly number[]; data: ArrayLike<number> },
  transA = false,
  transB = false,
): { shape: number[]; data: number[] } {
  const at = (t: { shape: readonly number[]; data: ArrayLike<number> }, idx: number[]) => t.data[idx.reduce((acc, i, a) => acc + i * strides(t.shape)[a], 0)];
  const batch = w.shape.length > 2 ? x.shape.slice(0, -2) : [];
  const rows = w.shape.length > 2 ? [x.shape[x.shape.length - 2]] : transA ? [x.shape[1]] : x.shape.slice(0, -1);
  const k = transA ? x.shape[0] : x.shape[x.shape.length - 1];
  const n = transB ? w.shape[0] : w.shape[w.shape.length - 1];
  const outShape = [...batch, ...rows, n];
  const size = outShape.reduce((p, d) => p * d, 1);
  const data = new Array<number>(size).fill(0);
  const os = strides(outShape);
  for (let o = 0; o < size; o++) {
    const idx = outShape.map((_, a) => Math.floor(o / os[a]) % outShape[a]);
    const j = idx[idx.length - 1];
    const pre = idx.slice(0, -1);
    let acc = 0;
    for (let kk = 0; kk < k; kk++) {
      const xi = transA ? [kk, pre[0]] : [...pre, kk];
      const wi = w.shape.length > 2 ? [...pre.slice(0, -1), kk, j] : transB ? [j, kk] : [kk, j];
      acc += at(x, xi) * at(w, wi);
    }
    data[o] = acc;
  }
  return { shape: outShape, data };
}

/** Numpy-broadcast element-wise map of two integer tensors to `outShape`. */
export function broadcastMap(
  outShape: readonly number[],
  a: { shape: readonly number[]; data: ArrayLike<number> },
  b: { shape: readonly number[]; data: ArrayLike<number> },
  f: (x: number, y: number) => number,
): number[] {
  const size = outShape.reduce((p, d) => p * d, 1);
  const os = strides(outShape);
  const pick = (t: { shape: readonly number[]; data: ArrayLike<number> }, idx: number[]) => {
    const lead = outShape.length - t.shape.length;
    const ts = strides(t.shape);
    let off = 0;
    t.shape.forEach((d, a) => (off += (d === 1 ? 0 : idx[a + lead]) * ts[a]));
    return t.data[off];
  };
  return Array.from({ length: size }, (_, o) => {
    const idx = outShape.map((_, a) => Math.floor(o / os[a]) % outShape[a]);
    return f(pick(a, idx), pick(b, idx));
  });
}
