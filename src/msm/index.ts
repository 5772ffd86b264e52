/**
 * Multi-scalar multiplication over BN254 G1: sum_i s_i · P_i, the cost centre of every commitment and opening.
 *
 * One small interface, {@link msm}, over bases prepared once ({@link G1Bases}); the backend behind it is an
 * implementation detail. This first backend delegates to @noble/curves' Pippenger (correct, slow); faster
 * backends replace it behind the same interface with identical results.
 */
import { G1, type G1Point } from "../curve/bn254";
import { MODULUS } from "../field/fr";

/** A fixed list of G1 points (an SRS, say), prepared once for repeated MSMs. */
export class G1Bases {
  private constructor(private readonly points: readonly G1Point[]) {}

  /** Prepares bases from points (copied). */
  static fromPoints(points: readonly G1Point[]): G1Bases {
    return new G1Bases([...points]);
  }

  get length(): number {
    return this.points.length;
  }

  /** The i-th base point. */
  at(i: number): G1Point {
    if (!Number.isInteger(i) || i < 0 || i >= this.points.length) {
      throw new RangeError(`G1Bases.at: index ${i} outside 0..${this.points.length - 1}`);
    }
    return this.points[i];
  }

  /** The first `n` bases as a new set (a smaller SRS). */
  prefix(n: number): G1Bases {
    if (n > this.points.length) throw new RangeError(`G1Bases.prefix: ${n} > ${this.points.length} bases`);
    return new G1Bases(this.points.slice(0, n));
  }

  /** Points, for backends. */
  toPoints(): readonly G1Point[] {
    return this.points;
  }
}

/**
 * Computes sum_i scalars[i] · bases[i] for i < scalars.length (the bases may be longer than the scalars).
 * Scalars must be canonical Fr elements.
 */
export function msm(bases: G1Bases, scalars: readonly bigint[]): G1Point {
  if (scalars.length > bases.length) {
    throw new RangeError(`msm: ${scalars.length} scalars but only ${bases.length} bases`);
  }
  if (scalars.length === 0) return G1.ZERO;
  for (let i = 0; i < scalars.length; i++) {
    const s = scalars[i];
    if (s < 0n || s >= MODULUS) throw new RangeError(`msm: scalar ${i} is not a canonical Fr element`);
  }
  const points = bases.toPoints().slice(0, scalars.length);
  return G1.msm(points, [...scalars]);
}
