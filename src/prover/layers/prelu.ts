/**
 * PReLU with a per-channel slope (plan kind `prelu`): y = x ≥ 0 ? requant(x; M₊, s₊) : requant(x·α; M₋, s₋)
 * (docs/quantization.md). Both branches are requantizations the graph driver already proves, of two virtual
 * tensors over x's shape: y₊ = requant(x) (acc = x) and y₋ = requant(x·α) (acc = a Hadamard product with the
 * committed slope). This step selects between them with the sign bit n = [x < 0], an advice column whose
 * correctness an arena lookup (x, n) against the sign table proves (docs/prover.md, "More layers: PReLU"):
 *
 *     y = y₊ + n·(y₋ − y₊),     Σ_j c^j·v_j = Σ_o (Σ_j c^j·eq(r_j, o))·(y₊(o) + n(o)·y₋(o) − n(o)·y₊(o))
 *
 * one sum-check of degree 3 over the output's variables for all claims (r_j, v_j) on y (c = 1 for one claim),
 * ending in y₊~(ρ), y₋~(ρ), n~(ρ) (sent). Why not one requantization of x·(n ? α·B : A): with one common shift the
 * positive branch's multiplier becomes M₊·2^(s₋ − s₊) (≈ 2^44 for a slope of 0.25) and the accumulators leave
 * the 2^53 range the requant witness works in.
 *
 * Transcript: absorb every claim | [c] | sum-check | y₊, y₋, n.
 */
import * as Fr from "../../field/fr";
import { eqEval } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { layoutOf } from "../tensor";

/** Transcript labels of the PReLU selection step. */
export const PRELU_LABELS = { claim: "prelu.claim", coeff: "prelu.coeff", evals: "prelu.evals" } as const;

/** The step's messages. */
export interface PreluProof {
  readonly sumcheck: SumcheckProof;
  /** y₊~(ρ), y₋~(ρ), n~(ρ). */
  readonly evals: readonly [bigint, bigint, bigint];
}

/** What the step hands on: one claim each on y₊, y₋ (their requantizations) and n (an opening of A). */
export interface PreluClaims {
  readonly pos: Claim;
  readonly neg: Claim;
  readonly sign: Claim;
}

/** The tables the prover needs, each the padded table over the output layout (canonical Fr). */
export interface PreluTables {
  readonly pos: readonly bigint[];
  readonly neg: readonly bigint[];
  readonly sign: readonly bigint[];
}

/** Proves every claim on y down to claims on y₊, y₋ and n. @throws {LayerProofError} when a claim is false */
export function provePrelu(params: { shape: readonly number[]; claims: readonly Claim[]; tables: PreluTables; transcript: Transcript }): { proof: PreluProof; claims: PreluClaims } {
  const { shape, claims, tables, transcript } = params;
  const n = layoutOf(shape).numVars;
  const stmt = statement(n, claims, transcript);
  const sc = provingTrueClaim("prelu", () =>
    proveSumcheck({ tables: [tables.pos, tables.neg, tables.sign], terms: stmt.terms, numVars: n, degree: 3, claim: stmt.claim, transcript }),
  );
  const evals = [sc.finalEvaluations[0], sc.finalEvaluations[1], sc.finalEvaluations[2]] as const;
  transcript.absorbScalars(PRELU_LABELS.evals, [...evals]);
  return { proof: { sumcheck: sc.proof, evals }, claims: handOn(sc.point, evals) };
}

/** Verifies the step; returns the claims on y₊, y₋ and n. @throws {LayerProofError} */
export function verifyPrelu(params: { shape: readonly number[]; claims: readonly Claim[]; proof: PreluProof; transcript: Transcript }): PreluClaims {
  const { shape, claims, proof, transcript } = params;
  const n = layoutOf(shape).numVars;
  const stmt = statement(n, claims, transcript);
  let sub;
  try {
    sub = verifySumcheck({ claim: stmt.claim, numVars: n, degree: 3, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`prelu: ${e.message}`);
    throw e;
  }
  if (proof.evals.length !== 3) throw new LayerProofError(`prelu: ${proof.evals.length} evaluations, expected 3`);
  const [p, q, s] = proof.evals.map((v, i) => checkScalar(v, `prelu: evaluation ${i}`));
  transcript.absorbScalars(PRELU_LABELS.evals, [p, q, s]);
  const weight = stmt.weights.reduce((acc, [w, r]) => Fr.add(acc, Fr.mul(w, eqEval(r, sub.point))), 0n);
  if (Fr.mul(weight, Fr.add(p, Fr.mul(s, Fr.sub(q, p)))) !== sub.expectedEvaluation) {
    throw new LayerProofError("prelu: y₊ + n·(y₋ − y₊) does not match the final claim");
  }
  return handOn(sub.point, [p, q, s]);
}

/** Claims absorbed, c drawn (several claims), the terms and the combined claim. Tables: y₊ = 0, y₋ = 1, n = 2. */
function statement(n: number, claims: readonly Claim[], transcript: Transcript) {
  if (claims.length === 0) throw new LayerProofError("prelu: no claim on the output");
  claims.forEach((c, i) => {
    checkClaim(c, n, `prelu: claim ${i}`);
    absorbClaim(transcript, PRELU_LABELS.claim, c);
  });
  const c = claims.length > 1 ? transcript.challengeScalar(PRELU_LABELS.coeff) : 1n;
  const weights: [bigint, readonly bigint[]][] = claims.map((cl, j) => [Fr.pow(c, BigInt(j)), cl.point]);
  const terms: ProductTerm[] = weights.flatMap(([w, eqPoint]) => [
    { coeff: w, factors: [0], eqPoint },
    { coeff: w, factors: [2, 1], eqPoint },
    { coeff: Fr.neg(w), factors: [2, 0], eqPoint },
  ]);
  const claim = claims.reduce((acc, cl, j) => Fr.add(acc, Fr.mul(weights[j][0], cl.value)), 0n);
  return { terms, claim, weights };
}

function handOn(point: readonly bigint[], [p, q, s]: readonly bigint[]): PreluClaims {
  return { pos: { point: [...point], value: p }, neg: { point: [...point], value: q }, sign: { point: [...point], value: s } };
}
