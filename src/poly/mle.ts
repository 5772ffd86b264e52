/**
 * Dense multilinear extensions (MLEs) over Fr.
 *
 * A table `evals` of length 2^n is the multilinear polynomial f(x_0, ..., x_{n-1}) with f(b) = evals[index(b)]
 * on the Boolean hypercube, where the index is **little-endian**: variable x_j is bit j of the index,
 *
 *     index(b) = sum_j b_j · 2^j,    f(x) = sum_i evals[i] · prod_j (bit_j(i) ? x_j : 1 - x_j).
 *
 * "Binding the first variable" fixes x_0, the least-significant index bit, so pairs (evals[2i], evals[2i+1])
 * collapse to one entry. Sum-check binds x_0 first, then x_1, ...; HyperKZG's Gemini folding splits even/odd
 * coefficients, which is the same order. The whole code base uses this one convention.
 *
 * Tables of any length are accepted where noted and are zero-padded to the next power of two; zero-padding at
 * the top keeps a univariate (KZG) commitment unchanged, which the batch opening relies on.
 */
import { MODULUS } from "../field/fr";
import { selectedBackend } from "../msm/backend";
import { loadNative, type NativeKernels } from "../msm/native";

/**
 * Entries (2^n) from which {@link eqTable} runs in the native kernels (`frEqSum`) when the native backend is
 * selected: the same canonical values at half the CPU (the bigints' creation is then most of the cost). Below it
 * the bigint code is as fast. (An MLE evaluation gains nothing there: packing a bigint table costs as much as
 * binding it.)
 */
export const NATIVE_MLE_MIN = 1 << 10;

/** Number of variables of a table of `length` entries: ceil(log2(length)); 0 for length 0 or 1. */
export function numVarsFor(length: number): number {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`numVarsFor: bad length ${length}`);
  let n = 0;
  while (2 ** n < length) n++;
  return n;
}

/** A copy of `values` zero-padded to length 2^numVars (numVars defaults to the smallest that fits). */
export function padToPowerOfTwo(values: readonly bigint[], numVars = numVarsFor(values.length)): bigint[] {
  const size = 2 ** numVars;
  if (values.length > size) throw new RangeError(`padToPowerOfTwo: ${values.length} values exceed 2^${numVars}`);
  const out = values.slice();
  for (let i = values.length; i < size; i++) out.push(0n);
  return out;
}

/**
 * Fixes x_0 = r in place: evals[i] <- evals[2i] + r·(evals[2i+1] - evals[2i]) for i < len/2, then halves the
 * array. One multiplication per output entry; reading index 2i before writing index i makes in-place safe.
 * The length must be a power of two >= 2.
 */
export function bindFirstVariableInPlace(evals: bigint[], r: bigint): void {
  const half = evals.length >> 1;
  if (half === 0 || evals.length !== half * 2) {
    throw new RangeError(`bindFirstVariableInPlace: length ${evals.length} is not an even power of two`);
  }
  for (let i = 0; i < half; i++) {
    const lo = evals[2 * i];
    const v = (lo + r * (evals[2 * i + 1] - lo)) % MODULUS;
    evals[i] = v < 0n ? v + MODULUS : v;
  }
  evals.length = half;
}

/** Like {@link bindFirstVariableInPlace} but returns a new half-length table and leaves `evals` untouched. */
export function bindFirstVariable(evals: readonly bigint[], r: bigint): bigint[] {
  const half = evals.length >> 1;
  if (half === 0 || evals.length !== half * 2) {
    throw new RangeError(`bindFirstVariable: length ${evals.length} is not an even power of two`);
  }
  const out = new Array<bigint>(half);
  for (let i = 0; i < half; i++) {
    const lo = evals[2 * i];
    const v = (lo + r * (evals[2 * i + 1] - lo)) % MODULUS;
    out[i] = v < 0n ? v + MODULUS : v;
  }
  return out;
}

/**
 * f(point) for the MLE of `evals` (zero-padded to 2^point.length; longer tables are refused). O(2^n) by
 * binding x_0, x_1, ... in turn. With no variables the single entry (or 0 for an empty table) is returned.
 */
export function evaluateMle(evals: readonly bigint[], point: readonly bigint[]): bigint {
  const n = point.length;
  if (evals.length > 2 ** n) {
    throw new RangeError(`evaluateMle: ${evals.length} evaluations need more than the ${n} point coordinates`);
  }
  if (n === 0) return evals.length === 0 ? 0n : evals[0];
  const table = bindFirstVariable(padToPowerOfTwo(evals, n), point[0]);
  for (let j = 1; j < n; j++) bindFirstVariableInPlace(table, point[j]);
  return table[0];
}

/**
 * The table eq(b, point) over b in {0,1}^n (little-endian index), eq(b, r) = prod_j (b_j r_j + (1-b_j)(1-r_j)).
 * Built in O(2^n) with one multiplication per entry: step j splits every entry t into (t - t·r_j, t·r_j).
 */
export function eqTable(point: readonly bigint[]): bigint[] {
  const native = 2 ** point.length >= NATIVE_MLE_MIN ? nativeKernels() : undefined;
  if (native && allCanonical(point)) return native.frToBigints(native.frEqSum(2 ** point.length, [0], [point], [1n]));
  return eqTableBigint(point);
}

/** {@link eqTable} on bigints only (the tests' reference for the native path; any bigint coordinates). */
export function eqTableBigint(point: readonly bigint[]): bigint[] {
  const table = new Array<bigint>(2 ** point.length);
  table[0] = 1n;
  for (let j = 0, size = 1; j < point.length; j++, size *= 2) {
    const r = point[j];
    for (let i = 0; i < size; i++) {
      const hi = (table[i] * r) % MODULUS;
      const lo = table[i] - hi;
      table[i + size] = hi;
      table[i] = lo < 0n ? lo + MODULUS : lo;
    }
  }
  return table;
}

/** eq(x, y) = prod_j (x_j y_j + (1 - x_j)(1 - y_j)) for two points of equal length; O(n). */
export function eqEval(x: readonly bigint[], y: readonly bigint[]): bigint {
  if (x.length !== y.length) throw new RangeError(`eqEval: point lengths differ (${x.length} vs ${y.length})`);
  let acc = 1n;
  for (let j = 0; j < x.length; j++) {
    // x y + (1-x)(1-y) = 1 - x - y + 2xy
    const xy = x[j] * y[j];
    let t = (1n - x[j] - y[j] + 2n * xy) % MODULUS;
    if (t < 0n) t += MODULUS;
    acc = (acc * t) % MODULUS;
  }
  return acc;
}

/** The native kernels when the native backend is selected (the MSM's choice: DEEPPROVE_MSM_BACKEND), else undefined. */
function nativeKernels(): NativeKernels | undefined {
  return selectedBackend() === "native" ? loadNative() : undefined;
}

/** Whether every value is a canonical Fr element (the native kernels take nothing else). */
function allCanonical(values: readonly bigint[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "bigint" || v < 0n || v >= MODULUS) return false;
  }
  return true;
}
