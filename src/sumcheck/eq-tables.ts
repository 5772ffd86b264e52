/**
 * Linear combinations of eq tables, Σ_k s_k·eq(·, P_k), the table a prover builds when it batches several claims
 * on one tensor with powers of a challenge (the causal softmax's mask check, …). With the native kernels
 * (`frEqSum`, native/src/kernels.h) the whole sum is one pass over packed words and only the result becomes
 * bigints; without them (or for tiny tables) the bigint reference below builds each eq table and adds it in. Both
 * give the same canonical values (test/sumcheck/eq-tables.test.ts).
 */
import * as Fr from "../field/fr";
import { eqTable } from "../poly/mle";
import type { SumcheckTable } from "./prover";
import { loadWalkKernels } from "./walk-native";

/** Tables (entries) from which the native kernels build the sum; below, the bigint path is as fast. */
export const NATIVE_EQ_COMBINATION_MIN = 1 << 6;

/**
 * Σ_k scales[k]·eq(·, points[k]) over {0,1}^n (little-endian index, n = every point's length): 2^n canonical
 * values, as bigints.
 * @throws {RangeError} when the points differ in length, there is no point, or a coordinate or scale is not
 * canonical
 */
export function eqCombinationTable(points: readonly (readonly bigint[])[], scales: readonly bigint[]): bigint[] {
  const n = checkCombination(points, scales);
  const native = 2 ** n >= NATIVE_EQ_COMBINATION_MIN ? loadWalkKernels() : undefined;
  if (!native) return eqCombinationTableBigint(points, scales);
  return native.frToBigints(native.frEqSum(2 ** n, points.map(() => 0), points, scales));
}

/**
 * {@link eqCombinationTable} as a sum-check takes it: packed words straight from the native kernels (no bigints at
 * all), or the bigint reference's table without them or below {@link NATIVE_EQ_COMBINATION_MIN}.
 */
export function eqCombination(points: readonly (readonly bigint[])[], scales: readonly bigint[]): SumcheckTable {
  const n = checkCombination(points, scales);
  const size = 2 ** n;
  const native = size >= NATIVE_EQ_COMBINATION_MIN ? loadWalkKernels() : undefined;
  if (!native) return eqCombinationTableBigint(points, scales);
  return native.frEqSum(size, points.map(() => 0), points, scales);
}

/** The bigint reference of {@link eqCombinationTable}: each eq table built and added in (the tests' reference). */
export function eqCombinationTableBigint(points: readonly (readonly bigint[])[], scales: readonly bigint[]): bigint[] {
  const n = checkCombination(points, scales);
  const out = new Array<bigint>(2 ** n).fill(0n);
  points.forEach((point, k) => {
    const s = scales[k];
    eqTable(point).forEach((v, i) => (out[i] = Fr.add(out[i], Fr.mul(s, v))));
  });
  return out;
}

/** The common number of variables; checks lengths and canonical inputs. */
function checkCombination(points: readonly (readonly bigint[])[], scales: readonly bigint[]): number {
  if (points.length === 0) throw new RangeError("eqCombinationTable: no point");
  if (scales.length !== points.length) throw new RangeError(`eqCombinationTable: ${points.length} points but ${scales.length} scales`);
  const n = points[0].length;
  points.forEach((p, k) => {
    if (p.length !== n) throw new RangeError(`eqCombinationTable: point ${k} has ${p.length} coordinates, point 0 has ${n}`);
    p.forEach((x, j) => Fr.assertFr(x, `eqCombinationTable: point ${k}, coordinate ${j}`));
    Fr.assertFr(scales[k], `eqCombinationTable: scale ${k}`);
  });
  return n;
}
