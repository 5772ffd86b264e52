/**
 * Univariate KZG building blocks over BN254: committing coefficient vectors against an {@link Srs} and the
 * polynomial arithmetic openings need. Coefficients are lowest degree first.
 */
import { G1, type G1Point } from "../curve/bn254";
import { MODULUS } from "../field/fr";
import { msm } from "../msm";
import type { Srs } from "./srs";

/**
 * sum_i coeffs[i] · tau^i·G1, i.e. [c(tau)]_1, by one MSM. Refuses more coefficients than SRS powers. The
 * coefficients are bigints or packed 32-byte little-endian words (see `msm`).
 */
export function commitCoefficients(srs: Srs, coeffs: readonly bigint[] | Uint8Array): G1Point {
  const count = coeffs instanceof Uint8Array ? coeffs.length / 32 : coeffs.length;
  if (count > srs.g1Powers.length) {
    throw new RangeError(`KZG commit: ${count} coefficients but the SRS has ${srs.g1Powers.length} powers`);
  }
  return count === 0 ? G1.ZERO : msm(srs.g1Powers, coeffs);
}

/**
 * The quotient of c(X) by (X - x), discarding the remainder c(x): q_{i-1} = c_i + x·q_i from the top.
 * For c(x) = 0 this is exact. Returns max(len - 1, 0) coefficients.
 */
export function divideByLinear(coeffs: readonly bigint[], x: bigint): bigint[] {
  const n = coeffs.length;
  if (n <= 1) return [];
  const q = new Array<bigint>(n - 1);
  let carry = 0n;
  for (let i = n - 1; i >= 1; i--) {
    carry = (coeffs[i] + x * carry) % MODULUS;
    q[i - 1] = carry;
  }
  return q;
}

/**
 * The quotient of c(X) by (X^2 - a)(X - a) = X^3 - a·X^2 - a·X + a^2, discarding the remainder (degree < 3):
 * q_k = c_{k+3} + a·(q_{k+1} + q_{k+2}) - a^2·q_{k+3} from the top, two multiplications and one reduction per
 * coefficient. With a = beta^2 this divides by Z(X) = (X - beta)(X + beta)(X - beta^2) of the HyperKZG opening.
 */
export function divideBySquareTimesLinear(coeffs: readonly bigint[], a: bigint): bigint[] {
  const n = coeffs.length;
  if (n <= 3) return [];
  const m = n - 3;
  const q = new Array<bigint>(m);
  const a2 = (MODULUS - ((a * a) % MODULUS)) % MODULUS; // -a^2, so every term is non-negative
  let q1 = 0n; // q_{k+1}
  let q2 = 0n; // q_{k+2}
  let q3 = 0n; // q_{k+3}
  for (let k = m - 1; k >= 0; k--) {
    const v = (coeffs[k + 3] + a * (q1 + q2) + a2 * q3) % MODULUS;
    q[k] = v;
    q3 = q2;
    q2 = q1;
    q1 = v;
  }
  return q;
}

/**
 * c(x) and c(-x) from a table of powers x^0, x^1, ... (at least c.length of them): the even- and odd-index
 * halves are accumulated as unreduced inner products (one multiplication per coefficient, one reduction at
 * the end), c(±x) = even ± odd. Sharing one power table across many polynomials makes evaluating all of them
 * cost about a quarter of Horner's rule, which reduces after every step.
 */
export function evaluateAtPlusMinusWithPowers(coeffs: readonly bigint[], powers: readonly bigint[]): [bigint, bigint] {
  if (powers.length < coeffs.length) throw new RangeError("evaluateAtPlusMinusWithPowers: too few powers");
  let even = 0n;
  let odd = 0n;
  const n = coeffs.length;
  for (let i = 0; i + 1 < n; i += 2) {
    even += coeffs[i] * powers[i];
    odd += coeffs[i + 1] * powers[i + 1];
  }
  if (n % 2 === 1) even += coeffs[n - 1] * powers[n - 1];
  even %= MODULUS;
  odd %= MODULUS;
  return [(even + odd) % MODULUS, (even - odd + MODULUS) % MODULUS];
}
