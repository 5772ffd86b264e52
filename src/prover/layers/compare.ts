/**
 * Exact comparisons (kind `compare`, docs/prover.md "Exact integer values"): the executor's
 * `c = (qa·Ma) op (qb·Mb)` for op ∈ {<, >, ≤, ≥} as an integer sign test, with no sum-check.
 *
 * Every op is a STRICT sign bit g = [δ < 0] of one signed difference, possibly negated:
 *   Less:           δ = Ma·qa − Mb·qb,  c = g
 *   Greater:        δ = Mb·qb − Ma·qa,  c = g
 *   GreaterOrEqual: δ = Ma·qa − Mb·qb,  c = 1 − g   (a ≥ b ⇔ ¬(a < b))
 *   LessOrEqual:    δ = Mb·qb − Ma·qa,  c = 1 − g
 * The prover commits g and the `m` L-bit limbs of u = δ + 2^K·g (K = m·L) and looks every one of them up in the
 * limb range table [0, 2^L). With |δ| ≤ B < 2^K (B from the operands' bounds, fixed by the model) the identity
 *   Σ_j 2^(jL)·u_j − 2^K·g = δ                                            (R)
 * over ℤ forces g ∈ {0, 1} (g ≥ 2 would give u ≥ 2^K) and g = [δ < 0]. (R) is linear, so it holds on the whole
 * padded cube iff its MLE vanishes at the arena's random point ρ: the verifier takes u_j(ρ), g(ρ) from the
 * arena's claims and hands on one claim δ(ρ) = Σ 2^(jL)·u_j(ρ) − 2^K·g(ρ) to the linear-combination IOP. In
 * the padding δ = 0 forces g = 0 and u = 0, so c = 1_real − g is zero there too (1_real: the real-entry indicator).
 */
import * as Fr from "../../field/fr";
import { broadcastTable, forEachIndex, layoutOf, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { limbCount, limbsOf, limbValue } from "./limbs";

/** The comparison operators proved, and whether each is the negation of a strict test. */
export const COMPARE_OPS: Readonly<Record<string, { readonly swap: boolean; readonly negate: boolean }>> = {
  Less: { swap: false, negate: false },
  Greater: { swap: true, negate: false },
  GreaterOrEqual: { swap: false, negate: true },
  LessOrEqual: { swap: true, negate: true },
};

/** A comparison's fixed shape: δ = ca·qa + cb·qb (signed integer coefficients, broadcast to `out`). */
export interface CompareSpec {
  readonly out: readonly number[];
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly ca: bigint;
  readonly cb: bigint;
  /** c = 1 − g (the op is ≤ / ≥). */
  readonly negate: boolean;
  /** |δ| ≤ bound for every pair of operands the model admits. */
  readonly bound: bigint;
  readonly limbBits: number;
}

/** Limb count m and K = m·L: 2^K > bound. */
export function compareGeometry(spec: CompareSpec): { limbs: number; k: number; layout: TensorLayout } {
  const limbs = limbCount(spec.bound, spec.limbBits);
  return { limbs, k: limbs * spec.limbBits, layout: layoutOf(spec.out) };
}

/** The prover's padded tables: g and the limbs of u (canonical Fr). */
export interface CompareWitness {
  readonly g: bigint[];
  readonly u: bigint[][];
}

/** Thrown when the trace's c is not the comparison of its operands (honest mode only). */
export class CompareMismatchError extends Error {
  constructor(readonly index: number, readonly expected: number, readonly got: number) {
    super(`output index ${index} is ${got}, the comparison of its operands gives ${expected}`);
    this.name = "CompareMismatchError";
  }
}

/** δ at every output entry (row-major), exact as bigint. */
export function compareDelta(spec: CompareSpec, a: IntTensor, b: IntTensor): bigint[] {
  const ta = broadcastTable(spec.out, a, "compare operand a");
  const tb = broadcastTable(spec.out, b, "compare operand b");
  const layout = layoutOf(spec.out);
  const out = new Array<bigint>(spec.out.reduce((p, d) => p * d, 1));
  forEachIndex(layout, (flat, padded) => (out[flat] = spec.ca * Fr.toSigned(ta[padded]) + spec.cb * Fr.toSigned(tb[padded])));
  return out;
}

/**
 * The witness from the operands and the trace's output c. Honest: c must equal the comparison (else
 * {@link CompareMismatchError}). `unsafe` (a test's dishonest prover): g follows the trace's c whatever it is, and
 * u = δ + 2^K·g then leaves [0, 2^K) — a top limb outside the range table, which the arena rejects.
 */
export function compareWitness(spec: CompareSpec, a: IntTensor, b: IntTensor, c: IntTensor, unsafe: boolean): CompareWitness {
  const geo = compareGeometry(spec);
  const delta = compareDelta(spec, a, b);
  const g = new Array<bigint>(geo.layout.paddedSize).fill(0n);
  const u = Array.from({ length: geo.limbs }, () => new Array<bigint>(geo.layout.paddedSize).fill(0n));
  const twoK = 1n << BigInt(geo.k);
  forEachIndex(geo.layout, (flat, padded) => {
    const strict = delta[flat] < 0n ? 1 : 0;
    const expected = spec.negate ? 1 - strict : strict;
    const got = c.data[flat];
    if (got !== expected && !unsafe) throw new CompareMismatchError(flat, expected, got);
    const gi = BigInt(spec.negate ? 1 - got : got);
    g[padded] = Fr.fromSigned(gi);
    limbsOf(Fr.fromSigned(delta[flat] + gi * twoK), geo.limbs, spec.limbBits).forEach((v, j) => (u[j][padded] = v));
  });
  return { g, u };
}

/** δ(ρ) from the arena's values of the limbs of u and of g at ρ: Σ_j 2^(jL)·u_j(ρ) − 2^K·g(ρ). */
export function deltaAt(spec: CompareSpec, u: readonly bigint[], g: bigint): bigint {
  const geo = compareGeometry(spec);
  return Fr.sub(limbValue(u, spec.limbBits), Fr.mul(g, Fr.fromSigned(1n << BigInt(geo.k))));
}

/** The claim value on g from a claim value on c at `point`: c for a strict op, 1_real(point) − c negated. */
export function gFromC(spec: CompareSpec, point: readonly bigint[], c: bigint): bigint {
  return spec.negate ? Fr.sub(realIndicator(layoutOf(spec.out), point), c) : c;
}

/** 1_real~ at a point: Π_a prefixIndicator(d_a, point_a) (the MLE of the real entries of a padded layout). */
export function realIndicator(layout: TensorLayout, point: readonly bigint[]): bigint {
  return splitPoint(layout, point).reduce((acc, p, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], p)), 1n);
}
