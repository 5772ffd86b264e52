/**
 * The sum-check verifier. It never evaluates the polynomials: it replays the transcript, derives each round's
 * linear coefficient from the running claim, and returns the subclaim the caller must check.
 */
import * as Fr from "../field/fr";
import { evaluateCompressed } from "../poly/univariate";
import type { Transcript } from "../transcript";
import { SUMCHECK_LABELS, SumcheckError, type SumcheckProof, type SumcheckSubclaim } from "./types";

/** Inputs of {@link verifySumcheck}. */
export interface VerifySumcheckParameters {
  /** The claimed sum over the hypercube. */
  readonly claim: bigint;
  /** Number of variables n (= rounds). */
  readonly numVars: number;
  /** Degree bound d: every round polynomial must have exactly d compressed coefficients. */
  readonly degree: number;
  readonly proof: SumcheckProof;
  /** Transcript in the same state as the prover's when it started. */
  readonly transcript: Transcript;
}

/**
 * Verifies the round structure of a sum-check proof and reduces `claim` to a single-point subclaim.
 *
 * Per round j: absorb the compressed polynomial h_j = (c_0, c_2, ..., c_d), squeeze r_j, and set
 * claim <- h_j(r_j) with c_1 = claim - 2·c_0 - (c_2 + ... + c_d) (so h_j(0) + h_j(1) = claim holds by
 * construction).
 *
 * WARNING: the returned subclaim is not a verdict. The caller must check
 * `combineTerms(terms, evaluations at point) === expectedEvaluation` with evaluations it can trust.
 *
 * @throws {SumcheckError} on a wrong number of rounds, a wrong round length or a non-canonical coefficient.
 */
export function verifySumcheck(params: VerifySumcheckParameters): SumcheckSubclaim {
  const { numVars, degree, proof, transcript } = params;
  if (!Number.isInteger(numVars) || numVars < 0) throw new SumcheckError(`sum-check: bad numVars ${numVars}`);
  if (!Number.isInteger(degree) || degree < 1) throw new SumcheckError(`sum-check: bad degree ${degree}`);
  if (proof.rounds.length !== numVars) {
    throw new SumcheckError(`sum-check proof has ${proof.rounds.length} rounds, expected ${numVars}`);
  }
  let claim = Fr.assertFr(params.claim, "sum-check claim");
  transcript.absorbScalars(SUMCHECK_LABELS.claim, [claim, BigInt(numVars), BigInt(degree)]);
  const point: bigint[] = [];
  for (let j = 0; j < numVars; j++) {
    const round = proof.rounds[j];
    if (round.length !== degree) {
      throw new SumcheckError(`sum-check round ${j} has ${round.length} coefficients, expected ${degree}`);
    }
    for (let k = 0; k < round.length; k++) {
      const c = round[k];
      if (typeof c !== "bigint" || c < 0n || c >= Fr.MODULUS) {
        throw new SumcheckError(`sum-check round ${j} coefficient ${k} is not a canonical field element`);
      }
    }
    transcript.absorbScalars(SUMCHECK_LABELS.round, round);
    const r = transcript.challengeScalar(SUMCHECK_LABELS.challenge);
    claim = evaluateCompressed(round, claim, r);
    point.push(r);
  }
  return { point, expectedEvaluation: claim };
}
