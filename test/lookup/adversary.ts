/**
 * An adaptive cheating prover for the soundness tests. It runs the real protocol steps (same transcript, same
 * zero-check terms) on a witness with an entry outside the table, and lies exactly where the verifier's own
 * checks cannot see it, so that the only thing left to catch the lie is the caller's resolution of the
 * claims. A test asserts which claim is false.
 */
import * as Fr from "../../src/field/fr";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import type { Srs } from "../../src/pcs/srs";
import { proveSumcheck } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import {
  absorbStatement,
  columnValues,
  drawAlphaBeta,
  lookupClaims,
  lookupShape,
  LOOKUP_LABELS,
  zeroCheck,
  type LookupProof,
  type LookupTable,
} from "../../src/lookup";

/** How the cheater makes the helper sums balance despite an out-of-table entry. */
export type Cheat =
  /** Send S_g = sum_i S_i - P/alpha instead of the true sum of g (the opening of g at 1/2 is then false). */
  | "tableSum"
  /** Change g at one row so that its sum balances (then g·(alpha - t) = m fails there: the zero-check's sum is off). */
  | "tableHelper";

/** A single arity-1 witness column over a range-or-committed table; returns the proof and the true tables. */
export function cheatingProof(
  srs: Srs,
  table: LookupTable,
  witness: readonly bigint[],
  m: readonly bigint[],
  cheat: Cheat,
  domain: string,
) {
  const transcript = new Transcript(domain);
  const shape = lookupShape([witness.length]);
  const n = shape.witnessVars;
  const t = columnValues(table, 0);
  absorbStatement(transcript, table, shape);
  const mCommitment = HyperKZG.commit(srs, m);
  transcript.absorbPoint(LOOKUP_LABELS.multiplicities, mCommitment);
  const { alpha, beta } = drawAlphaBeta(transcript, 1);
  const f = [...witness, ...new Array<bigint>(2 ** n - witness.length).fill(0n)];
  const h = f.map((v) => Fr.inv(Fr.sub(alpha, v)));
  const g = t.map((v, y) => Fr.mul(m[y], Fr.inv(Fr.sub(alpha, v))));
  const padding = BigInt(2 ** n - witness.length);
  const witnessSum = h.reduce(Fr.add, 0n);
  const balanced = Fr.sub(witnessSum, Fr.div(padding, alpha));
  if (cheat === "tableHelper") g[0] = Fr.add(g[0], Fr.sub(balanced, g.reduce(Fr.add, 0n)));
  const tableSum = cheat === "tableSum" ? balanced : g.reduce(Fr.add, 0n);

  const hCommitment = HyperKZG.commit(srs, h);
  const gCommitment = HyperKZG.commit(srs, g);
  transcript.absorbPoints(LOOKUP_LABELS.helpers, [hCommitment, gCommitment]);
  transcript.absorbScalars(LOOKUP_LABELS.sums, [witnessSum, tableSum]);
  const gamma = transcript.challengeScalar(LOOKUP_LABELS.gamma);
  const tauWitness = transcript.challengeScalars(LOOKUP_LABELS.tau, n);
  const tauTable = transcript.challengeScalars(LOOKUP_LABELS.tauTable, table.numVars);
  const check = zeroCheck(1, 1, { alpha, beta, gamma, tauWitness, tauTable });
  // With a wrong g the zero-check's true sum is not the claim: the cheater proves its true value instead.
  const sc = proveSumcheck({
    tables: [h, witness, g, m, t],
    terms: check.terms,
    numVars: Math.max(n, table.numVars),
    degree: 3,
    transcript,
  });
  const [hEval, fEval, tableHelperEval, multiplicityEval, tEval] = sc.finalEvaluations;
  const committed = table.columns[0].kind === "committed";
  const tableColumnEvals = committed ? [tEval] : [];
  transcript.absorbScalars(LOOKUP_LABELS.evals, [hEval, fEval, tableHelperEval, multiplicityEval, ...tableColumnEvals]);
  const proof: LookupProof = {
    multiplicities: mCommitment,
    witnessHelpers: [hCommitment],
    tableHelper: gCommitment,
    witnessSums: [witnessSum],
    tableSum,
    sumcheck: sc.proof,
    witnessHelperEvals: [hEval],
    witnessColumnEvals: [[fEval]],
    tableHelperEval,
    multiplicityEval,
    tableColumnEvals,
  };
  const polys = [[...m], h, g, ...(committed ? [t] : [])];
  return {
    proof,
    polys,
    claims: lookupClaims(table, shape, proof, sc.point),
    zeroCheckSum: sc.claim,
    zeroCheckClaim: check.claim,
  };
}
