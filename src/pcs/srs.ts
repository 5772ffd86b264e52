/**
 * Structured reference strings for KZG-style commitments over BN254: powers tau^i·G1 for i < size, and
 * G2, tau·G2.
 *
 * Two sources: a Powers of Tau ceremony file (snarkjs `.ptau`, the format of real ceremonies) — the only
 * secure one — and {@link insecureDevSrs}, a seeded setup whose trapdoor anyone can recompute, for tests only.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { G1, G2, type G2Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { G1Bases } from "../msm";

/** A KZG structured reference string. */
export interface Srs {
  /** tau^i · G1 for i = 0 .. size-1. */
  readonly g1Powers: G1Bases;
  /** The G2 generator. */
  readonly g2: G2Point;
  /** tau · G2. */
  readonly tauG2: G2Point;
  /** Where it came from, e.g. "ptau:<file>" or "INSECURE-DEV-SETUP(seed)". */
  readonly origin: string;
}

/**
 * INSECURE: a development SRS whose trapdoor tau is derived from a public seed, so anyone can forge proofs
 * against it. For tests and demos only; never for a deployment that matters.
 */
export function insecureDevSrs(size: number, seed = "deepprove-evm insecure dev setup"): Srs {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`insecureDevSrs: size must be >= 1, got ${size}`);
  const tau = Fr.reduce(BigInt(`0x${Buffer.from(keccak_256(new TextEncoder().encode(seed))).toString("hex")}`));
  const powers = new Array(size);
  let acc = G1.BASE;
  for (let i = 0; i < size; i++) {
    powers[i] = acc;
    acc = acc.multiply(tau);
  }
  return {
    g1Powers: G1Bases.fromPoints(powers),
    g2: G2.BASE,
    tauG2: G2.BASE.multiply(tau),
    origin: `INSECURE-DEV-SETUP(${seed})`,
  };
}
