/**
 * Chunked commitments in the whole-model proof (src/pcs/chunked.ts, docs/hyperkzg.md "Chunked commitments"):
 * which of the batch opening's polynomials are chunked and how, for the prover and the verifier alike, and the
 * chunk width a setup chooses.
 *
 * Only the per-proof polynomials A, M and H are chunked; W is the verifying key's one commitment. With
 * `plan.chunkBits` = c, each of A, M, H of more than 2^c entries is 2^(n−c) commitments, and the batch opening
 * runs over the chunks: claims move onto the chunk their slot lies in (every slot has at most 2^c entries:
 * {@link chooseChunkBits}).
 */
import type { G1Point } from "../../curve/bn254";
import { arenaContext } from "../../lookup/arena-protocol";
import type { OpeningClaim } from "../../pcs/batch";
import { chunkClaims, chunkCount, tableChunks, type CommittedTable } from "../../pcs/chunked";
import type { VerifierPlan } from "./plan";

/** One polynomial of the batch opening: its variables and the chunk width it is committed with (null: whole). */
export interface OpeningPoly {
  readonly numVars: number;
  readonly chunkBits: number | null;
}

/** The batch opening's polynomials in `plan.opening.polys` order (W, then A, M, H when present). */
export function openingPolys(plan: VerifierPlan): OpeningPoly[] {
  const arena = plan.opening.polys.includes("M") ? arenaContext(plan.arena) : null;
  return plan.opening.polys.map((p) => {
    if (p === "W") return { numVars: plan.weights.numVars, chunkBits: null };
    const numVars = p === "A" ? plan.advice!.numVars : p === "M" ? arena!.mLayout.numVars : arena!.hLayout.numVars;
    return { numVars, chunkBits: plan.chunkBits };
  });
}

/**
 * The chunk width a setup gives a plan: `target`, raised to the largest slot of A, M and H so that every slot —
 * hence every opening claim on them — lies in one chunk. (A larger slot could instead be claimed chunk by chunk,
 * the prover sending each chunk's value and the verifier recombining them with eq over the high coordinates; no
 * plan needs it: stories260K's largest slot, the 2^L-row limb range table, is 2^20 at 128 positions.)
 */
export function chooseChunkBits(plan: VerifierPlan, target: number): number {
  const arena = plan.arena.columns.length > 0 ? arenaContext(plan.arena) : null;
  const slots = [...(plan.advice?.slots ?? []), ...(arena?.mLayout.slots ?? []), ...(arena?.hLayout.slots ?? [])];
  return Math.max(target, ...slots.map((s) => s.numVars));
}

/**
 * Why the Solidity verifier cannot take this plan, or null: it reads one commitment per polynomial, so a plan
 * that chunks any of A, M, H is refused (docs/hyperkzg.md, "Chunked commitments": what supporting it would cost).
 */
export function chunkedPlanRefusal(plan: VerifierPlan): string | null {
  if (plan.chunkBits === null) return null;
  const polys = openingPolys(plan);
  const chunks = polys.reduce((sum, p) => sum + chunkCount(p.numVars, p.chunkBits), 0) - polys.length;
  if (chunks === 0) return null;
  return (
    `the plan commits its per-proof polynomials in chunks of 2^${plan.chunkBits} entries (${chunks} extra chunk commitments), which the Solidity verifier does not read ` +
    `(one commitment per polynomial); supporting it would cost an ecMul and 64 calldata bytes per chunk against about 9k gas per HyperKZG variable saved (docs/hyperkzg.md, "Chunked commitments")`
  );
}

/**
 * The batch opening over chunks: each polynomial's table split into its chunks (views, no copy, for packed
 * tables), the chunk commitments concatenated in polynomial order, and the claims moved onto the chunks.
 * Unchunked plans get their inputs back unchanged.
 * @throws {RangeError} when a polynomial's commitment count is not its chunk count, or a claim is not inside one
 *   chunk (the verifier turns both into a rejection)
 */
export function chunkedOpening(
  plan: VerifierPlan,
  commitments: readonly (readonly G1Point[])[],
  claims: readonly OpeningClaim[],
  tables: readonly CommittedTable[] = [],
): { commitments: G1Point[]; claims: OpeningClaim[]; tables: CommittedTable[] } {
  const polys = openingPolys(plan);
  if (commitments.length !== polys.length) throw new RangeError(`batch opening: ${commitments.length} committed polynomials, the plan opens ${polys.length}`);
  polys.forEach((p, i) => {
    const want = chunkCount(p.numVars, p.chunkBits);
    if (commitments[i].length !== want) throw new RangeError(`batch opening: ${plan.opening.polys[i]} has ${commitments[i].length} chunk commitments, expected ${want}`);
  });
  return {
    commitments: commitments.flat(),
    claims: chunkClaims(claims, polys),
    tables: tables.flatMap((t, i) => tableChunks(t, polys[i].chunkBits)),
  };
}
