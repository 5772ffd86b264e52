/**
 * Univariate polynomials over Fr in coefficient form, lowest degree first: c[0] + c[1]·X + c[2]·X^2 + ...
 *
 * Sum-check round polynomials travel **compressed**: a round polynomial h of degree d is sent as
 * (c_0, c_2, c_3, ..., c_d), dropping the linear coefficient c_1, which the verifier derives from the running
 * claim h(0) + h(1) = 2·c_0 + c_1 + c_2 + ... + c_d. Coefficients (not evaluations) are sent because the
 * verifier then evaluates h(r) by Horner with d multiplications and no interpolation constants.
 */
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";

/** c(x) by Horner's rule. The empty polynomial is 0. */
export function evaluatePoly(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = (acc * x + coeffs[i]) % MODULUS;
  return acc;
}

/** Drops the linear coefficient: (c_0, c_1, c_2, ..., c_d) -> (c_0, c_2, ..., c_d). Needs degree >= 1. */
export function compressRoundPoly(coeffs: readonly bigint[]): bigint[] {
  if (coeffs.length < 2) throw new RangeError("compressRoundPoly: a round polynomial has degree >= 1");
  return [coeffs[0], ...coeffs.slice(2)];
}

/**
 * Restores the linear coefficient from `claim` = h(0) + h(1): c_1 = claim - 2·c_0 - (c_2 + ... + c_d).
 * Returns all d + 1 coefficients.
 */
export function decompressRoundPoly(compressed: readonly bigint[], claim: bigint): bigint[] {
  if (compressed.length < 1) throw new RangeError("decompressRoundPoly: empty round polynomial");
  let c1 = claim - 2n * compressed[0];
  for (let k = 1; k < compressed.length; k++) c1 -= compressed[k];
  return [compressed[0], Fr.reduce(c1), ...compressed.slice(1)];
}

/** h(r) for a compressed round polynomial and its running claim (see {@link decompressRoundPoly}). */
export function evaluateCompressed(compressed: readonly bigint[], claim: bigint, r: bigint): bigint {
  return evaluatePoly(decompressRoundPoly(compressed, claim), r);
}

const interpolationCache = new Map<number, bigint[][]>();

/**
 * The (d+1)x(d+1) matrix M with coeffs = M · [h(0), h(1), ..., h(d)]: column i holds the coefficients of the
 * Lagrange basis polynomial L_i(X) = prod_{k != i} (X - k)/(i - k) over the nodes 0..d. Cached per degree.
 */
function interpolationMatrix(d: number): bigint[][] {
  const cached = interpolationCache.get(d);
  if (cached) return cached;
  const m: bigint[][] = Array.from({ length: d + 1 }, () => new Array<bigint>(d + 1).fill(0n));
  for (let i = 0; i <= d; i++) {
    let basis = [1n];
    let denom = 1n;
    for (let k = 0; k <= d; k++) {
      if (k === i) continue;
      // basis *= (X - k)
      const next = new Array<bigint>(basis.length + 1).fill(0n);
      for (let t = 0; t < basis.length; t++) {
        next[t + 1] = Fr.add(next[t + 1], basis[t]);
        next[t] = Fr.sub(next[t], Fr.mul(basis[t], BigInt(k)));
      }
      basis = next;
      denom = Fr.mul(denom, Fr.fromSigned(i - k));
    }
    const denomInv = Fr.inv(denom);
    for (let t = 0; t <= d; t++) m[t][i] = Fr.mul(basis[t], denomInv);
  }
  interpolationCache.set(d, m);
  return m;
}

/** Coefficients of the degree-<=d polynomial with the given values at X = 0, 1, ..., d. */
export function interpolateFromIntegerNodes(values: readonly bigint[]): bigint[] {
  const d = values.length - 1;
  if (d < 0) throw new RangeError("interpolateFromIntegerNodes: need at least one value");
  const m = interpolationMatrix(d);
  return m.map((row) => {
    let acc = 0n;
    for (let i = 0; i <= d; i++) acc += row[i] * values[i];
    return acc % MODULUS;
  });
}
