/**
 * Shared fixtures for the lookup tests: instances, and the caller-side resolution of a lookup's claims (what a
 * layer prover plus the one batch opening would do).
 */
import { keccak_256 } from "@noble/hashes/sha3";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import { proveBatchOpening, verifyBatchOpening } from "../../src/pcs/batch";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import type { Srs } from "../../src/pcs/srs";
import type { LookupClaims, WitnessColumn } from "../../src/lookup";
import { Transcript } from "../../src/transcript";

/** Deterministic pseudo-random integers in [0, bound) (not cryptographic). */
export function randomInts(n: number, seed: string, bound: number): number[] {
  const enc = new TextEncoder();
  return Array.from({ length: n }, (_, i) => {
    const h = keccak_256(enc.encode(`${seed}/${i}`));
    return Number(BigInt(`0x${Buffer.from(h.subarray(0, 6)).toString("hex")}`) % BigInt(bound));
  });
}

/**
 * Resolution against the true polynomials, with the commitment scheme's binding made explicit: every opening
 * claim must name a commitment that is the commitment of the prover's table and match its MLE; every witness
 * claim must match the zero-padded witness column's MLE. A false claim here is one no batch opening can prove.
 */
export function claimsHold(
  srs: Srs,
  claims: LookupClaims,
  polys: readonly (readonly bigint[])[],
  columns: readonly WitnessColumn[],
): boolean {
  if (claims.commitments.length !== polys.length) return false;
  for (let p = 0; p < polys.length; p++) {
    if (!HyperKZG.commit(srs, polys[p]).equals(claims.commitments[p])) return false;
  }
  for (const c of claims.openings) {
    if (evaluateMle(polys[c.poly], c.point) !== c.value) return false;
  }
  return columns.every((col, i) =>
    col.every((comp, c) => evaluateMle(comp, claims.witnessPoint) === claims.witnessClaims[i][c]),
  );
}

/**
 * The real caller-side pipeline: one batch opening of all opening claims, continuing the lookup transcripts
 * (`proverTranscript` / `verifierTranscript`), then the witness claims against the columns' MLEs.
 */
export function batchResolves(
  srs: Srs,
  proverClaims: LookupClaims,
  verifierClaims: LookupClaims,
  polys: readonly (readonly bigint[])[],
  columns: readonly WitnessColumn[],
  proverTranscript: Transcript,
  verifierTranscript: Transcript,
): boolean {
  const proof = proveBatchOpening({
    srs,
    tables: polys,
    commitments: proverClaims.commitments,
    claims: proverClaims.openings,
    transcript: proverTranscript,
  });
  const opened = verifyBatchOpening({
    vk: HyperKZG.verifierKey(srs),
    commitments: verifierClaims.commitments,
    claims: verifierClaims.openings,
    proof,
    transcript: verifierTranscript,
  });
  const witnessOk = columns.every((col, i) =>
    col.every((comp, c) => evaluateMle(comp, verifierClaims.witnessPoint) === verifierClaims.witnessClaims[i][c]),
  );
  return opened && witnessOk;
}

/** Signed integers as field elements. */
export const fr = (xs: readonly (number | bigint)[]): bigint[] => xs.map((x) => Fr.fromSigned(x));
