/**
 * One claim out of several on a step's output: steps whose IOP takes a single claim first merge the claims they
 * collected (`layers/merge.ts`). Stream: nothing when there is one claim or all points coincide, else the
 * merge sum-check (degree 2) and the merged value. The graph inputs' claims use the same merge (../public-claims.ts).
 */
import type { Claim } from "../../claims";
import { proveMerge, samePoint, verifyMerge } from "../../layers/merge";
import { layoutOf, paddedTable } from "../../tensor";
import type { ProveContext, VerifyContext } from "./types";

/** Prover: merges the (non-empty) claims on tensor `name` of shape `shape`, writing the merge's messages. */
export function proveMergedClaim(ctx: Pick<ProveContext, "transcript" | "writer" | "value">, name: string, shape: readonly number[], claims: readonly Claim[]): Claim {
  if (claims.length === 1) return claims[0];
  const layout = layoutOf(shape);
  const merged = proveMerge({ table: paddedTable(layout, ctx.value(name).data), numVars: layout.numVars, claims, transcript: ctx.transcript });
  if (merged.proof.sumcheck) {
    ctx.writer.sumcheck(merged.proof.sumcheck);
    ctx.writer.scalar(merged.proof.value!);
  }
  return merged.claim;
}

/** Verifier: the same merge, reading its messages (`what` names the step in rejection reasons). */
export function verifyMergedClaim(ctx: Pick<VerifyContext, "transcript" | "reader">, shape: readonly number[], claims: readonly Claim[], what: string): Claim {
  if (claims.length === 1) return claims[0];
  const numVars = layoutOf(shape).numVars;
  const proof = samePoint(claims)
    ? { sumcheck: null, value: null }
    : { sumcheck: ctx.reader.sumcheck(numVars, 2, `${what} merge`), value: ctx.reader.scalar(`${what} merge value`) };
  return verifyMerge({ numVars, claims, proof, transcript: ctx.transcript });
}
