/**
 * Range-checked integers as little-endian L-bit limbs, each limb one lookup in the proof's limb range table
 * [0, 2^L) (docs/prover.md, "Requantization"). Shared by the layers that certify a non-negative integer this way
 * (RMSNorm's root slacks, the normalization layers' quotients and remainders): a value v in [0, 2^(L·count)) is
 * v = Σ_j 2^(L·j)·limb_j with every limb in [0, 2^L), so committing the limbs and looking each one up proves v is
 * an integer of that range — which is what makes an identity between such values hold over ℤ, not just in Fr.
 */
import * as Fr from "../../field/fr";

/** Bits of a non-negative bigint (0 for 0). */
export function bitLength(v: bigint): number {
  return v <= 0n ? 0 : v.toString(2).length;
}

/** Limbs needed for every value in [0, max]: ⌈bitlength(max) / L⌉, at least one. */
export function limbCount(max: bigint, limbBits: number): number {
  return Math.max(1, Math.ceil(bitLength(max) / limbBits));
}

/**
 * `count` limbs of the canonical field element `v`, low first, as canonical field elements. A value that does not
 * fit (only a dishonest prover has one: a negative integer is a canonical element near r) keeps everything above
 * the low limbs in the top limb, which then lies outside the range table — never silently truncated.
 */
export function limbsOf(v: bigint, count: number, limbBits: number): bigint[] {
  const mask = (1n << BigInt(limbBits)) - 1n;
  return Array.from({ length: count }, (_, j) => {
    const shifted = v >> BigInt(j * limbBits);
    return j === count - 1 ? shifted : shifted & mask;
  });
}

/** The limb tables of a padded table of canonical values: `count` tables, table j holding limb j of each entry. */
export function limbTables(values: readonly bigint[], count: number, limbBits: number): bigint[][] {
  const out = Array.from({ length: count }, () => new Array<bigint>(values.length));
  values.forEach((v, i) => limbsOf(v, count, limbBits).forEach((limb, j) => (out[j][i] = limb)));
  return out;
}

/** Σ_j 2^(L·j)·limb_j in Fr (also the value of the limb MLEs' combination at any point). */
export function limbValue(limbs: readonly bigint[], limbBits: number): bigint {
  return limbs.reduce((acc, v, j) => Fr.add(acc, Fr.mul(v, 1n << BigInt(j * limbBits))), 0n);
}
