/**
 * The LogUp verifier: replays the transcript, checks the sum identity and the joint zero-check's final equation,
 * and returns the claims the caller must still resolve (one batch opening for the commitments, the layer
 * prover for the witness claims). It never returns a verdict on its own.
 */
import { G1, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { combineTerms, SumcheckError, verifySumcheck, type SumcheckProof, type SumcheckSubclaim } from "../sumcheck";
import type { Transcript } from "../transcript";
import { lookupClaims } from "./claims";
import {
  absorbStatement,
  drawAlphaBeta,
  evaluateLiftedRange,
  lookupShape,
  MAX_WITNESS_LENGTH,
  sumsBalance,
  zeroCheck,
} from "./protocol";
import { assertTableShape } from "./table";
import { LOOKUP_LABELS, LookupError, type LookupClaims, type LookupProof, type LookupTable } from "./types";

/** Inputs of {@link verifyLookup}. */
export interface VerifyLookupParameters {
  /** The table (committed columns need only their commitments). */
  readonly table: LookupTable;
  /** The witness column lengths L_1..L_k (public shape). */
  readonly lengths: readonly number[];
  readonly proof: LookupProof;
  /** Transcript in the same state as the prover's when it started. */
  readonly transcript: Transcript;
}

/**
 * Verifies a lookup proof down to claims.
 *
 * WARNING: the result is not a verdict. The caller must (1) prove every `openings` claim on `commitments` in
 * its batch opening, and (2) prove `witnessClaims[i][c]` = f_{i,c}(witnessPoint) for its witness columns.
 *
 * @throws {LookupError} on a malformed proof (counts, non-canonical scalars, invalid points), sums that do not
 *   balance, or a zero-check whose final equation fails
 */
export function verifyLookup(params: VerifyLookupParameters): LookupClaims {
  const { table, lengths, proof, transcript } = params;
  assertTableShape(table);
  const arity = table.columns.length;
  if (lengths.length === 0) throw new LookupError("lookup: no witness columns");
  lengths.forEach((len, i) => {
    if (!Number.isInteger(len) || len < 1 || len > MAX_WITNESS_LENGTH) {
      throw new LookupError(`lookup: witness column ${i} has length ${len}, expected an integer in [1, 2^40]`);
    }
  });
  const shape = lookupShape(lengths);
  const k = lengths.length;
  const committed = table.columns.filter((c) => c.kind === "committed").length;
  assertProofShape(proof, k, arity, committed);

  absorbStatement(transcript, table, shape);
  transcript.absorbPoint(LOOKUP_LABELS.multiplicities, proof.multiplicities);
  const { alpha, beta } = drawAlphaBeta(transcript, arity);
  transcript.absorbPoints(LOOKUP_LABELS.helpers, [...proof.witnessHelpers, proof.tableHelper]);
  transcript.absorbScalars(LOOKUP_LABELS.sums, [...proof.witnessSums, proof.tableSum]);
  if (!sumsBalance(alpha, proof.witnessSums, proof.tableSum, shape)) {
    throw new LookupError("lookup: the helper sums do not balance (sum_i S_i - S_g != padding/alpha)");
  }

  const gamma = transcript.challengeScalar(LOOKUP_LABELS.gamma);
  const tauWitness = transcript.challengeScalars(LOOKUP_LABELS.tau, shape.witnessVars);
  const tauTable = transcript.challengeScalars(LOOKUP_LABELS.tauTable, table.numVars);
  const check = zeroCheck(k, arity, { alpha, beta, gamma, tauWitness, tauTable });
  const numVars = Math.max(shape.witnessVars, table.numVars);
  const sub = runSumcheck(check.claim, numVars, proof.sumcheck, transcript);
  let next = 0;
  const columnValues = table.columns.map((c) =>
    c.kind === "range" ? evaluateLiftedRange(c.lo, table.numVars, sub.point) : proof.tableColumnEvals[next++],
  );
  const witnessValues = [...proof.witnessHelperEvals, ...proof.witnessColumnEvals.flat()];
  const values = [...witnessValues, proof.tableHelperEval, proof.multiplicityEval, ...columnValues];
  if (combineTerms(check.terms, values, sub.point) !== sub.expectedEvaluation) {
    throw new LookupError("lookup: the zero-check's final equation fails");
  }
  transcript.absorbScalars(LOOKUP_LABELS.evals, [
    ...witnessValues,
    proof.tableHelperEval,
    proof.multiplicityEval,
    ...proof.tableColumnEvals,
  ]);
  return lookupClaims(table, shape, proof, sub.point);
}

function runSumcheck(claim: bigint, numVars: number, proof: SumcheckProof, transcript: Transcript): SumcheckSubclaim {
  try {
    return verifySumcheck({ claim, numVars, degree: 3, proof, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LookupError(`lookup: zero-check: ${e.message}`);
    throw e;
  }
}

/** Counts, canonical scalars and curve points of every message, before anything is absorbed. */
function assertProofShape(proof: LookupProof, k: number, arity: number, committed: number): void {
  const count = (what: string, got: number, want: number) => {
    if (got !== want) throw new LookupError(`lookup proof: ${got} ${what}, expected ${want}`);
  };
  count("witness helper commitments", proof.witnessHelpers.length, k);
  count("witness sums", proof.witnessSums.length, k);
  count("witness helper evaluations", proof.witnessHelperEvals.length, k);
  count("witness column evaluation rows", proof.witnessColumnEvals.length, k);
  proof.witnessColumnEvals.forEach((row, i) => count(`evaluations of witness column ${i}`, row.length, arity));
  count("table column evaluations", proof.tableColumnEvals.length, committed);
  const scalar = (what: string, x: bigint) => {
    if (typeof x !== "bigint" || x < 0n || x >= Fr.MODULUS)
      throw new LookupError(`lookup proof: ${what} is not a canonical field element`);
  };
  proof.witnessSums.forEach((x, i) => scalar(`witness sum ${i}`, x));
  scalar("table sum", proof.tableSum);
  proof.witnessHelperEvals.forEach((x, i) => scalar(`witness helper evaluation ${i}`, x));
  proof.witnessColumnEvals.forEach((row, i) =>
    row.forEach((x, c) => scalar(`evaluation of witness column ${i}, component ${c}`, x)),
  );
  scalar("table helper evaluation", proof.tableHelperEval);
  scalar("multiplicity evaluation", proof.multiplicityEval);
  proof.tableColumnEvals.forEach((x, j) => scalar(`table column evaluation ${j}`, x));
  const point = (what: string, p: G1Point) => {
    try {
      if (!p.equals(G1.ZERO)) p.assertValidity();
    } catch {
      throw new LookupError(`lookup proof: ${what} is not a point on the curve`);
    }
  };
  point("multiplicity commitment", proof.multiplicities);
  proof.witnessHelpers.forEach((p, i) => point(`witness helper commitment ${i}`, p));
  point("table helper commitment", proof.tableHelper);
}
