/** Deterministic random field elements for tests (not cryptographic). */
import { keccak_256 } from "@noble/hashes/sha3";
import * as Fr from "../../src/field/fr";

/** A seeded stream of field elements: keccak(seed ‖ counter) mod r. */
export function randomFrs(n: number, seed: string): bigint[] {
  const out: bigint[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    const h = keccak_256(enc.encode(`${seed}/${i}`));
    out.push(Fr.reduce(BigInt(`0x${Buffer.from(h).toString("hex")}`)));
  }
  return out;
}

/** Small signed integers in [-bound, bound] mapped into Fr, seeded. */
export function randomSmall(n: number, seed: string, bound = 128): bigint[] {
  return randomFrs(n, seed).map((x) => Fr.fromSigned(Number(x % BigInt(2 * bound + 1)) - bound));
}
