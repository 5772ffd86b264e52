/**
 * Axis-padded tensor layout: how a tensor of any shape is a multilinear polynomial.
 *
 * Every axis is zero-padded to a power of two and the MLE variables are the concatenation of the axes' index
 * bits, little-endian: variable 0 is the least significant bit of the LAST axis, then the last axis' higher
 * bits, then the second-to-last axis, and so on (so the padded flat index is row-major over the padded shape,
 * matching src/poly/mle.ts: bit j of the flat index is x_j). Why axis padding rather than padding the flat
 * size: every axis then owns a fixed group of variables, so Transpose is a permutation of variable groups
 * and a claim on one axis is a sub-point — no selector sum-check is needed for either.
 *
 * Spec: docs/prover.md ("Tensor layout").
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { numVarsFor } from "../poly/mle";

/** Where an axis lives among the MLE variables. */
export interface AxisVars {
  /** Index of the axis' least significant bit among the tensor's variables. */
  readonly start: number;
  /** Number of bits (variables) of the axis: ceil(log2(dim)), 0 for a dim of 0 or 1. */
  readonly count: number;
}

/** The layout of one tensor shape. */
export interface TensorLayout {
  readonly shape: readonly number[];
  /** Every dim rounded up to a power of two (a dim of 0 becomes 1). */
  readonly paddedShape: readonly number[];
  /** Per axis (in shape order), its variable range. */
  readonly axes: readonly AxisVars[];
  /** Total number of variables (sum of the axes' counts). */
  readonly numVars: number;
  /** 2^numVars: the padded table length. */
  readonly paddedSize: number;
}

/** An integer tensor as the trace holds it (row-major data). */
export interface IntTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A tensor layout error (bad shape, point length, or non-integer data), naming what is wrong. */
export class LayoutError extends Error {
  override readonly name = "LayoutError";
}

/** The axis-padded layout of `shape`. */
export function layoutOf(shape: readonly number[]): TensorLayout {
  shape.forEach((d, a) => {
    if (!Number.isInteger(d) || d < 0) throw new LayoutError(`layout: axis ${a} has bad size ${d}`);
  });
  const counts = shape.map((d) => numVarsFor(d));
  const axes: AxisVars[] = new Array<AxisVars>(shape.length);
  let start = 0;
  for (let a = shape.length - 1; a >= 0; a--) {
    axes[a] = { start, count: counts[a] };
    start += counts[a];
  }
  return { shape: [...shape], paddedShape: counts.map((c) => 2 ** c), axes, numVars: start, paddedSize: 2 ** start };
}

/**
 * The padded table of a tensor's integer data as canonical Fr elements (negative integers become r − |q|),
 * zeros in every padding position.
 * @throws {LayoutError} when the data length does not match the shape or a value is not a safe integer
 */
export function paddedTable(layout: TensorLayout, data: ArrayLike<number>, what = "tensor"): bigint[] {
  const size = layout.shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) {
    throw new LayoutError(`${what}: has ${data.length} values, expected ${size} for shape [${layout.shape.join(", ")}]`);
  }
  const out = new Array<bigint>(layout.paddedSize).fill(0n);
  // Row by row (no per-element callback: this runs on every tensor of the walk and the witness).
  forEachRow(layout, (flat, padded, length) => {
    for (let i = 0; i < length; i++) {
      const v = data[flat + i];
      if (!Number.isSafeInteger(v)) throw new LayoutError(`${what}: value ${v} at flat index ${flat + i} is not an integer`);
      // |v| < 2^53 < r: r − |v| without a modular reduction (Fr.fromSigned's value).
      out[padded + i] = v >= 0 ? BigInt(v) : MODULUS - BigInt(-v);
    }
  });
  return out;
}

/** Calls `fn(flatIndex, paddedIndex)` for every element of the (unpadded) tensor, in row-major order. */
export function forEachIndex(layout: TensorLayout, fn: (flat: number, padded: number) => void): void {
  forEachRow(layout, (flat, padded, length) => {
    for (let i = 0; i < length; i++) fn(flat + i, padded + i);
  });
}

/**
 * Calls `fn(flatStart, paddedStart, length)` for every row of the (unpadded) tensor in row-major order: the row's
 * `length` elements (the last axis' size) are at flat indices flatStart … flatStart + length − 1 and at padded
 * indices paddedStart … paddedStart + length − 1 (the last axis holds variables 0 … count − 1, so a row is
 * contiguous in the padded table too). A rank-0 tensor is one row of one element.
 */
export function forEachRow(layout: TensorLayout, fn: (flat: number, padded: number, length: number) => void): void {
  const { shape, axes } = layout;
  const rank = shape.length;
  if (shape.some((d) => d === 0)) return;
  if (rank === 0) return fn(0, 0, 1);
  const length = shape[rank - 1];
  const rows = shape.reduce((p, d) => p * d, 1) / length;
  // The padded index advances by the axis' stride 2^start; carrying into axis a rewinds the axes after it.
  const stride = axes.map((ax) => 2 ** ax.start);
  const idx = new Array<number>(rank).fill(0);
  let padded = 0;
  for (let row = 0, flat = 0; row < rows; row++, flat += length) {
    fn(flat, padded, length);
    for (let a = rank - 2; a >= 0; a--) {
      padded += stride[a];
      if (++idx[a] < shape[a]) break;
      padded -= shape[a] * stride[a];
      idx[a] = 0;
    }
  }
}

/** Splits a point on the tensor into one sub-point per axis (shape order), each little-endian. */
export function splitPoint(layout: TensorLayout, point: readonly bigint[]): bigint[][] {
  checkPointLength(layout, point, "splitPoint");
  return layout.axes.map((ax) => point.slice(ax.start, ax.start + ax.count));
}

/** The inverse of {@link splitPoint}: joins per-axis sub-points (shape order) into a point on the tensor. */
export function joinPoint(layout: TensorLayout, parts: readonly (readonly bigint[])[]): bigint[] {
  if (parts.length !== layout.axes.length) {
    throw new LayoutError(`joinPoint: ${parts.length} axis parts for a rank-${layout.axes.length} tensor`);
  }
  const out = new Array<bigint>(layout.numVars);
  layout.axes.forEach((ax, a) => {
    if (parts[a].length !== ax.count) {
      throw new LayoutError(`joinPoint: axis ${a} needs ${ax.count} coordinates, got ${parts[a].length}`);
    }
    for (let j = 0; j < ax.count; j++) out[ax.start + j] = parts[a][j];
  });
  return out;
}

/**
 * Transpose as re-indexing: output axis k is input axis perm[k] (ONNX Transpose). Given a point on the OUTPUT,
 * returns the point on the INPUT at which the input's MLE takes the same value (padding is identical because
 * the permuted axes keep their sizes).
 */
export function transposePoint(inputLayout: TensorLayout, perm: readonly number[], outputPoint: readonly bigint[]): bigint[] {
  const rank = inputLayout.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new LayoutError(`transposePoint: [${perm.join(", ")}] is not a permutation of ${rank} axes`);
  }
  const outLayout = layoutOf(perm.map((p) => inputLayout.shape[p]));
  const outParts = splitPoint(outLayout, outputPoint);
  const inParts = new Array<bigint[]>(rank);
  perm.forEach((p, k) => (inParts[p] = outParts[k]));
  return joinPoint(inputLayout, inParts);
}

/**
 * Reshape/Flatten as re-indexing. Drop axes of size 1, then split both shapes into consecutive groups of equal
 * product; if every axis but the first of its group is a power of two (on both sides), the padded flat index
 * of every element is the same in both layouts and so is the variable count (⌈log2(d·2^k)⌉ = ⌈log2 d⌉ + k):
 * the point on the input is the point on the output, unchanged. Other reshapes move elements across padding
 * and need a selector sum-check (the "reshape" layer of ./layers/reindex.ts): they are refused with a clear error.
 */
export function reshapePoint(inShape: readonly number[], outShape: readonly number[], outPoint: readonly bigint[]): bigint[] {
  const fail = (why: string): never => {
    throw new LayoutError(`reshape [${inShape.join(", ")}] -> [${outShape.join(", ")}]: ${why}`);
  };
  const a = inShape.filter((d) => d !== 1);
  const b = outShape.filter((d) => d !== 1);
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  if (size(inShape) !== size(outShape)) fail("sizes differ");
  checkPointLength(layoutOf(outShape), outPoint, "reshapePoint");
  const isPow2 = (d: number) => d > 0 && (d & (d - 1)) === 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // One group: the first axis on each side may be any size, the following ones must be powers of two.
    let pa = a[i++] ?? 1;
    let pb = b[j++] ?? 1;
    while (pa !== pb) {
      if (pa < pb) {
        if (i >= a.length) fail("axis products do not line up");
        if (!isPow2(a[i])) fail(`axis of size ${a[i]} is merged below another axis; only power-of-two inner axes are free`);
        pa *= a[i++];
      } else {
        if (j >= b.length) fail("axis products do not line up");
        if (!isPow2(b[j])) fail(`axis of size ${b[j]} is merged below another axis; only power-of-two inner axes are free`);
        pb *= b[j++];
      }
    }
  }
  if (layoutOf(inShape).numVars !== outPoint.length) fail("the layouts have different variable counts");
  return [...outPoint];
}

/**
 * Σ_{i < n} eq(point, i) for a little-endian point of k coordinates and n ≤ 2^k: the MLE of the indicator of
 * the first n indices, in O(k). It is what a padded axis contributes when a tensor is broadcast along it.
 */
export function prefixIndicator(n: number, point: readonly bigint[]): bigint {
  const k = point.length;
  if (!Number.isInteger(n) || n < 0 || n > 2 ** k) throw new LayoutError(`prefixIndicator: ${n} does not fit ${k} bits`);
  if (n === 2 ** k) return 1n;
  // From the most significant bit down, `acc` is eq of the bits above j against n's bits. When bit j of n is
  // 1, every index sharing those bits with bit j = 0 is below n: their eq values sum to acc·(1 − r_j).
  let acc = 1n;
  let result = 0n;
  let rest = n;
  for (let j = k - 1; j >= 0; j--) {
    const bit = 2 ** j;
    const r = point[j];
    if (rest >= bit) {
      // indices with bit j = 0 (all of them below) contribute acc·(1 − r_j)·1
      result = (result + acc * (1n - r + MODULUS)) % MODULUS;
      acc = (acc * r) % MODULUS;
      rest -= bit;
    } else {
      acc = (acc * (1n - r + MODULUS)) % MODULUS;
    }
  }
  return result;
}

/**
 * Numpy broadcasting as a claim reduction. A tensor `b` of `operandShape` broadcast to `outShape` and padded
 * in the output layout has the MLE  B̃(p) = factor · b̃(q)  where q is the sub-point of p on the axes b keeps
 * (right-aligned; axes of size 1 in b get no variables) and factor = Π over broadcast axes of the indicator
 * of the axis' real indices ({@link prefixIndicator}; 1 when the output axis is itself a power of two).
 * @throws {LayoutError} when the shapes do not broadcast
 */
export function broadcastPoint(
  outShape: readonly number[],
  operandShape: readonly number[],
  outPoint: readonly bigint[],
): { point: bigint[]; factor: bigint } {
  const outLayout = layoutOf(outShape);
  const parts = splitPoint(outLayout, outPoint);
  const lead = outShape.length - operandShape.length;
  if (lead < 0) throw new LayoutError(`broadcast: operand rank ${operandShape.length} exceeds output rank ${outShape.length}`);
  const kept: bigint[][] = [];
  let factor = 1n;
  outShape.forEach((d, a) => {
    const od = a < lead ? 1 : operandShape[a - lead];
    if (a >= lead && od === d) {
      kept.push(parts[a]);
      return;
    }
    if (od !== 1) {
      throw new LayoutError(`broadcast: shape [${operandShape.join(", ")}] does not broadcast to [${outShape.join(", ")}]`);
    }
    if (a >= lead) kept.push([]);
    factor = (factor * prefixIndicator(d, parts[a])) % MODULUS;
  });
  return { point: joinPoint(layoutOf(operandShape), kept), factor };
}

/**
 * The MLE of a public integer tensor at `point`, in O(size) field multiplications: the axes are contracted
 * from the last to the first with their eq tables, so padding is never materialized. This is how a verifier
 * evaluates the statement's input and output tensors.
 */
export function evaluateTensor(layout: TensorLayout, data: ArrayLike<number>, point: readonly bigint[]): bigint {
  checkPointLength(layout, point, "evaluateTensor");
  const size = layout.shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) {
    throw new LayoutError(`evaluateTensor: ${data.length} values, expected ${size} for shape [${layout.shape.join(", ")}]`);
  }
  if (size === 0) return 0n;
  const parts = splitPoint(layout, point);
  // Contract the last axis on exact integers (signed, small): one bigint product per element.
  let cur: bigint[] = Array.from(data as ArrayLike<number>, (v, i) => {
    if (!Number.isSafeInteger(v)) throw new LayoutError(`evaluateTensor: value ${v} at flat index ${i} is not an integer`);
    return BigInt(v);
  });
  for (let a = layout.shape.length - 1; a >= 0; a--) {
    const d = layout.shape[a];
    const eq = axisEq(parts[a], d);
    const groups = cur.length / d;
    const next = new Array<bigint>(groups);
    for (let g = 0; g < groups; g++) {
      let acc = 0n;
      for (let i = 0; i < d; i++) acc += cur[g * d + i] * eq[i];
      next[g] = acc % MODULUS;
    }
    cur = next;
  }
  const v = cur[0] % MODULUS;
  return v < 0n ? v + MODULUS : v;
}

/** eq(point, i) for i < d (the first d entries of the axis' eq table). */
function axisEq(point: readonly bigint[], d: number): bigint[] {
  const out = new Array<bigint>(d);
  for (let i = 0; i < d; i++) {
    let acc = 1n;
    for (let j = 0; j < point.length; j++) acc = (acc * (((i >> j) & 1) === 1 ? point[j] : 1n - point[j] + MODULUS)) % MODULUS;
    out[i] = acc;
  }
  return out;
}

/**
 * Fixes some variables of a multilinear table: `assignment[j]` is the value of variable j, or null to keep it.
 * Returns the table over the kept variables (in their original order), in O(table length).
 */
export function fixVariables(table: readonly bigint[], assignment: readonly (bigint | null)[]): bigint[] {
  const n = assignment.length;
  if (table.length !== 2 ** n) throw new LayoutError(`fixVariables: table of ${table.length} entries for ${n} variables`);
  let cur: bigint[] = table.slice();
  // Highest variable first, so the indices of lower variables never shift.
  for (let j = n - 1; j >= 0; j--) {
    const r = assignment[j];
    if (r === null) continue;
    const low = 2 ** j;
    const half = cur.length >> 1;
    const next = new Array<bigint>(half);
    for (let hi = 0; hi < half; hi += low) {
      for (let lo = 0; lo < low; lo++) {
        const i0 = 2 * hi + lo;
        const a = cur[i0];
        const v = (a + r * (cur[i0 + low] - a)) % MODULUS;
        next[hi + lo] = v < 0n ? v + MODULUS : v;
      }
    }
    cur = next;
  }
  return cur;
}

function checkPointLength(layout: TensorLayout, point: readonly bigint[], what: string): void {
  if (point.length !== layout.numVars) {
    throw new LayoutError(`${what}: point has ${point.length} coordinates, shape [${layout.shape.join(", ")}] has ${layout.numVars} variables`);
  }
}

/**
 * The padded table, in the layout of `outShape`, of an integer tensor broadcast (numpy rules) to `outShape`:
 * what the prover sums over when an element-wise operand is smaller than the output.
 */
export function broadcastTable(outShape: readonly number[], operand: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }, what = "operand"): bigint[] {
  const out = layoutOf(outShape);
  const lead = outShape.length - operand.shape.length;
  const fail = (): never => {
    throw new LayoutError(`${what}: shape [${operand.shape.join(", ")}] does not broadcast to [${outShape.join(", ")}]`);
  };
  if (lead < 0) fail();
  // Operand stride of every output axis (0 where the operand is broadcast).
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let a = outShape.length - 1; a >= lead; a--) {
    const d = operand.shape[a - lead];
    if (d !== outShape[a] && d !== 1) fail();
    strides[a] = d === 1 ? 0 : stride;
    stride *= d;
  }
  if (operand.data.length !== stride) fail();
  const table = new Array<bigint>(out.paddedSize).fill(0n);
  const idx = new Array<number>(outShape.length).fill(0);
  forEachIndex(out, (_, padded) => {
    let src = 0;
    for (let a = 0; a < idx.length; a++) src += idx[a] * strides[a];
    const v = operand.data[src];
    if (!Number.isSafeInteger(v)) throw new LayoutError(`${what}: value ${v} at flat index ${src} is not an integer`);
    table[padded] = Fr.fromSigned(v);
    for (let a = idx.length - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  });
  return table;
}
