/**
 * GatherND (batch_dims = 0) at a RUNTIME index as a one-hot selection over the padded coordinate space
 * (docs/prover.md, "GatherND at a runtime index"). Indices T [K…, C], data D [d_0, …, d_{C−1}, rest…],
 * output Y [K…, rest…]: Y[k, :] = D[T[k, 0], …, T[k, C−1], :].
 *
 * The C leading data axes, each padded to 2^{b_c} (b_c = bits(d_c)), form one column axis of n′ = d_0·2^{B_0}
 * entries (B_c = Σ_{c′>c} b_{c′}): column j = Σ_c j_c·2^{B_c}, and D′ [n′, R] (R = Π rest) is D with zeros at
 * every column whose component j_c ≥ d_c. D′'s MLE is D's: the variables of D's layout are, low to high, the rest
 * axes, then d_{C−1}, …, d_0 — exactly [n′, R]'s once the rest axes are an aligned reshape of [R]. H [K, n′] is
 * the one-hot of the columns; its rows are proved by ./int-gather.ts with C components of b_0, …, b_{C−1} bits
 * (component c's index values: T[·, c]), and Y = H·D′ by the MatMul IOP. With C = 1 this is the narrow Gather
 * along axis 0.
 */
import { LayoutError, layoutOf, reshapePoint } from "../tensor";
import type { OneHotRowsView } from "./int-gather";

/** The geometry of a runtime GatherND. */
export interface GatherNdGeometry {
  /** C and the addressed data dims d_0 … d_{C−1}. */
  readonly dims: readonly number[];
  /** K (index rows), R (trailing size), n′ (padded column count). */
  readonly k: number;
  readonly r: number;
  readonly n: number;
  /** The rows view: K flattened, C components. */
  readonly view: OneHotRowsView;
  /** The leading index shape K… and the trailing data shape rest…. */
  readonly kShape: readonly number[];
  readonly rest: readonly number[];
}

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const bitsOf = (d: number) => layoutOf([d]).numVars;

/** Checks the shapes (aligned views) and returns the geometry. @throws {LayoutError} */
export function gatherNdGeometry(data: readonly number[], index: readonly number[], out: readonly number[]): GatherNdGeometry {
  if (index.length < 1) throw new LayoutError("GatherND: scalar indices");
  const c = index[index.length - 1];
  if (c < 1 || c > data.length) throw new LayoutError(`GatherND: index depth ${c} for data of rank ${data.length}`);
  const dims = data.slice(0, c);
  const kShape = index.slice(0, -1);
  const rest = data.slice(c);
  if (dims.some((d) => d < 1) || size(kShape) < 1) throw new LayoutError("GatherND: empty axis");
  if (out.length !== kShape.length + rest.length || out.some((d, a) => d !== (a < kShape.length ? kShape[a] : rest[a - kShape.length]))) throw new LayoutError(`GatherND: output shape [${out}] is not [${kShape}, ${rest}]`);
  const bits = dims.map(bitsOf);
  const k = size(kShape);
  const r = size(rest);
  const n = dims[0] * 2 ** bits.slice(1).reduce((a, b) => a + b, 0);
  const zero = (s: readonly number[]) => new Array<bigint>(layoutOf(s).numVars).fill(0n);
  // Every matrix view must be an aligned reshape (same MLE, same point) of the graph's shape.
  reshapePoint(rest, [r], zero([r]));
  reshapePoint(kShape, [k], zero([k]));
  reshapePoint(out, [k, r], zero([k, r]));
  return { dims, k, r, n, kShape, rest, view: { kShape: [k], componentBits: bits } };
}

/** The column of H for the coordinates of one index row (each already checked in range). */
export function ndColumn(geo: GatherNdGeometry, coords: readonly number[]): number {
  let j = 0;
  geo.dims.forEach((_, c) => {
    j = j * 2 ** geo.view.componentBits[c] + coords[c];
  });
  return j;
}

/** D′ [n′, R] as row-major integers: D's row at every real column, zeros at component padding. */
export function paddedColumns(geo: GatherNdGeometry, data: ArrayLike<number>): number[] {
  const out = new Array<number>(geo.n * geo.r).fill(0);
  const coords = new Array<number>(geo.dims.length).fill(0);
  for (let flat = 0; flat < size(geo.dims); flat++) {
    const j = ndColumn(geo, coords);
    for (let t = 0; t < geo.r; t++) out[j * geo.r + t] = data[flat * geo.r + t];
    for (let c = geo.dims.length - 1; c >= 0; c--) {
      if (++coords[c] < geo.dims[c]) break;
      coords[c] = 0;
    }
  }
  return out;
}

/** D's point of a point on D′ [n′, R] (R variables low, then the column variables). */
export function ndDataPoint(geo: GatherNdGeometry, point: readonly bigint[]): bigint[] {
  const rVars = layoutOf([geo.r]).numVars;
  return [...reshapePoint(geo.rest, [geo.r], point.slice(0, rVars)), ...point.slice(rVars)];
}

/** The point on T [K…, C] of component c at ρ_K (a point on [K]). */
export function ndIndexPoint(geo: GatherNdGeometry, index: readonly number[], c: number, rhoK: readonly bigint[]): bigint[] {
  const cBits = layoutOf([index[index.length - 1]]).numVars;
  return [...Array.from({ length: cBits }, (_, b) => BigInt((c >> b) & 1)), ...reshapePoint(geo.kShape, [geo.k], rhoK)];
}
