/**
 * The arena verifier: replays the transcript, checks the zero-check's final equation (which also carries the
 * LogUp sum identity), and returns the claims the caller must still prove. Never a verdict on its own.
 */
import { G1, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { absorbChunked } from "../pcs/chunked";
import { combineTerms, SumcheckError, verifySumcheck, type SumcheckSubclaim } from "../sumcheck";
import {
  absorbArenaShape,
  arenaClaims,
  arenaContext,
  arenaEvalWords,
  arenaTableValues,
  arenaZeroCheck,
  drawArenaAlphaBeta,
  drawZeroCheckChallenges,
  leadsGroup,
  SKIPPED_ARENA_CLAIMS,
  type ArenaContext,
} from "./arena-protocol";
import { ARENA_LABELS, arenaChunkCommitments, ArenaError, type ArenaClaims, type ArenaProof, type VerifyArenaParameters } from "./arena-types";

/**
 * Verifies an arena proof down to claims.
 *
 * WARNING: the result is not a verdict. The caller must prove every `openings` claim on M and H in its batch
 * opening, every `columns` claim on its witness columns, and every `tableColumns` claim on the external columns.
 *
 * @throws {ArenaError} on a malformed shape or proof (counts, non-canonical scalars, points off the curve, a
 *   proof for a skipped arena or none for a real one), or a zero-check whose final equation fails
 */
export function verifyArena(params: VerifyArenaParameters): ArenaClaims {
  const { shape, proof, transcript } = params;
  const ctx = arenaContext(shape);
  if (shape.columns.length === 0) {
    if (proof !== null) throw new ArenaError("arena: a proof was given for an arena without witness columns");
    return SKIPPED_ARENA_CLAIMS;
  }
  if (proof === null) throw new ArenaError(`arena: no proof for an arena of ${shape.columns.length} witness columns`);
  assertProofShape(ctx, proof);

  absorbArenaShape(transcript, ctx);
  const committed = arenaChunkCommitments(proof);
  absorbChunked(transcript, ARENA_LABELS.multiplicities, committed.M);
  const { alpha, beta } = drawArenaAlphaBeta(transcript, ctx);
  absorbChunked(transcript, ARENA_LABELS.helpers, committed.H);
  const { gamma, tau } = drawZeroCheckChallenges(transcript, ctx);
  const ch = { alpha, beta, gamma, tau };
  const check = arenaZeroCheck(ctx, ch);
  const sub = runSumcheck(check.claim, ctx, proof, transcript);
  const values = arenaTableValues(ctx, ch, proof, sub.point);
  if (combineTerms(check.terms, values, sub.point) !== sub.expectedEvaluation) {
    throw new ArenaError("arena: the zero-check's final equation fails");
  }
  transcript.absorbScalars(ARENA_LABELS.evals, arenaEvalWords(proof));
  return arenaClaims(ctx, proof, sub.point);
}

function runSumcheck(
  claim: bigint,
  ctx: ArenaContext,
  proof: ArenaProof,
  transcript: VerifyArenaParameters["transcript"],
): SumcheckSubclaim {
  try {
    return verifySumcheck({ claim, numVars: ctx.numVars, degree: ctx.degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new ArenaError(`arena: zero-check: ${e.message}`);
    throw e;
  }
}

/** Counts, canonical scalars and curve points of every message, before anything is absorbed. */
function assertProofShape(ctx: ArenaContext, proof: ArenaProof): void {
  const { shape } = ctx;
  const count = (what: string, got: number, want: number) => {
    if (got !== want) throw new ArenaError(`arena proof: ${got} ${what}, expected ${want}`);
  };
  const scalar = (what: string, x: bigint) => {
    if (typeof x !== "bigint" || x < 0n || x >= Fr.MODULUS) {
      throw new ArenaError(`arena proof: ${what} is not a canonical field element`);
    }
  };
  const point = (what: string, p: G1Point) => {
    try {
      if (!p.equals(G1.ZERO)) p.assertValidity();
    } catch {
      throw new ArenaError(`arena proof: ${what} is not a point on the curve`);
    }
  };
  arenaChunkCommitments(proof).M.forEach((p, k) => point(k === 0 ? "M (multiplicity commitment)" : `M chunk ${k}`, p));
  arenaChunkCommitments(proof).H.forEach((p, k) => point(k === 0 ? "H (helper commitment)" : `H chunk ${k}`, p));
  count("witness column evaluation groups", proof.columnEvals.length, shape.columns.length);
  proof.columnEvals.forEach((e, i) => {
    count(`component evaluations of witness column ${i}`, e.components.length, ctx.arity[ctx.columnTable[i]]);
    if (leadsGroup(ctx, i)) {
      if (e.helper === undefined) throw new ArenaError(`arena proof: no h(ρ) for witness column ${i}, which leads its helper group`);
      scalar(`h(ρ) of witness column ${i}`, e.helper);
    } else if (e.helper !== undefined) {
      throw new ArenaError(`arena proof: an h(ρ) for witness column ${i}, which shares the helper of column ${ctx.helperGroups[ctx.groupOf[i]][0]}`);
    }
    e.components.forEach((x, c) => scalar(`component ${c} of witness column ${i} at ρ`, x));
  });
  count("table evaluation groups", proof.tableEvals.length, shape.tables.length);
  proof.tableEvals.forEach((e, j) => {
    const t = shape.tables[j];
    const external = t.table.columns.filter((c) => c.kind === "external").length;
    count(`external column evaluations of table "${t.id}"`, e.external.length, external);
    scalar(`g(ρ) of table "${t.id}"`, e.helper);
    scalar(`m(ρ) of table "${t.id}"`, e.multiplicity);
    e.external.forEach((x, c) => scalar(`external column ${c} of table "${t.id}" at ρ`, x));
  });
}
