/**
 * The requantization's one-eq sum-check sent as quotients (src/prover/layers/requant-zerocheck.ts): Σ_x eq(a, x)·F(x)
 * with F of degree 2, two words a round. Completeness (the final value is F at the point, for every table's MLE),
 * agreement with the degree-3 sum-check the rounds stand for (each round's s_j = α_j·eq1(X, a_j)·h_j sums to the
 * running claim), every word tampered, a false claim refused by the prover, a zero coordinate of a refused, n = 0.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { eqTable, evaluateMle } from "../../src/poly/mle";
import { LayerProofError } from "../../src/prover/claims";
import { evaluateTerms, proveZeroCheck, proveZeroCheckPortable, verifyZeroCheck, type ZeroCheckRound } from "../../src/prover/layers/requant-zerocheck";
import type { ProductTerm } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { loadWalkKernels } from "../../src/sumcheck/walk-native";
import { randomFrs } from "./helpers";

const TERMS: ProductTerm[] = [
  { coeff: 5n, factors: [0] },
  { coeff: Fr.neg(3n), factors: [0, 1] },
  { coeff: 7n, factors: [2, 2] },
  { coeff: 11n, factors: [1] },
];

function instance(n: number, seed: string) {
  const tables = [0, 1, 2].map((k) => randomFrs(2 ** n, `${seed}-t${k}`));
  const a = randomFrs(n, `${seed}-a`);
  const eq = eqTable(a);
  let claim = 0n;
  for (let x = 0; x < 2 ** n; x++) claim = Fr.add(claim, Fr.mul(eq[x], evaluateTerms(TERMS, tables.map((t) => t[x]))));
  return { tables, a, claim };
}

function verify(claim: bigint, a: readonly bigint[], rounds: readonly ZeroCheckRound[]) {
  return verifyZeroCheck({ claim, eqPoint: a, rounds, transcript: new Transcript("zc-test") });
}

describe("prover: requant zero-check (one eq weight, quotient rounds)", () => {
  it("completeness: κ_n = F(r), two words a round, every round consistent with the degree-3 sum-check", () => {
    for (const n of [1, 3, 6]) {
      const { tables, a, claim } = instance(n, `n${n}`);
      const proved = proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim, transcript: new Transcript("zc-test") });
      expect(proved.rounds.length).to.equal(n);
      const out = verify(claim, a, proved.rounds);
      expect(out.point).to.deep.equal(proved.point);
      const at = tables.map((t) => evaluateMle(t, out.point));
      expect(proved.finalEvaluations).to.deep.equal(at);
      expect(out.value).to.equal(evaluateTerms(TERMS, at));
      // The degree-3 rounds the quotients stand for: s_j(0) + s_j(1) = claim_j, claim_(j+1) = s_j(r_j).
      let running = claim;
      let alpha = 1n;
      proved.rounds.forEach(([h0, h2], j) => {
        const eq1 = (x: bigint) => Fr.add(Fr.sub(1n, a[j]), Fr.mul(Fr.sub(Fr.add(a[j], a[j]), 1n), x));
        const h1 = Fr.sub(Fr.mul(Fr.sub(Fr.mul(running, Fr.inv(alpha)), h0), Fr.inv(a[j])), h2); // linear coefficient
        const h = (x: bigint) => Fr.add(h0, Fr.mul(x, Fr.add(h1, Fr.mul(x, h2))));
        const s = (x: bigint) => Fr.mul(alpha, Fr.mul(eq1(x), h(x)));
        expect(Fr.add(s(0n), s(1n)), `round ${j}`).to.equal(running);
        running = s(out.point[j]);
        alpha = Fr.mul(alpha, eq1(out.point[j]));
      });
      expect(running).to.equal(Fr.mul(alpha, out.value));
    }
  });

  it("n = 0: no rounds, the value is the claim; the prover refuses a false claim", () => {
    const { tables, a, claim } = instance(0, "n0");
    const proved = proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim, transcript: new Transcript("zc-test") });
    expect(proved.rounds).to.deep.equal([]);
    expect(verify(claim, a, []).value).to.equal(evaluateTerms(TERMS, tables.map((t) => t[0])));
    expect(() => proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim: Fr.add(claim, 1n), transcript: new Transcript("t") })).to.throw(LayerProofError, "false");
    const four = instance(4, "false");
    expect(() => proveZeroCheck({ tables: four.tables, terms: TERMS, eqPoint: four.a, claim: Fr.add(four.claim, 1n), transcript: new Transcript("t") })).to.throw(LayerProofError, "false");
  });

  it("every tampered word, a wrong claim and a wrong round count change the final value or are refused", () => {
    const { tables, a, claim } = instance(4, "tamper");
    const proved = proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim, transcript: new Transcript("zc-test") });
    const honest = verify(claim, a, proved.rounds);
    const expected = evaluateTerms(TERMS, tables.map((t) => evaluateMle(t, honest.point)));
    const accepted = (rounds: readonly ZeroCheckRound[], c = claim) => {
      const out = verify(c, a, rounds);
      return out.value === evaluateTerms(TERMS, tables.map((t) => evaluateMle(t, out.point)));
    };
    expect(honest.value).to.equal(expected);
    proved.rounds.forEach((round, j) =>
      [0, 1].forEach((i) => {
        const bad = proved.rounds.map((r, jj) => (jj === j ? ([i === 0 ? Fr.add(r[0], 1n) : r[0], i === 1 ? Fr.add(r[1], 1n) : r[1]] as const) : r));
        expect(accepted(bad), `round ${j} word ${i}`).to.equal(false);
      }),
    );
    expect(accepted(proved.rounds, Fr.add(claim, 1n))).to.equal(false);
    expect(() => verify(claim, a, proved.rounds.slice(1))).to.throw(LayerProofError, "rounds");
    expect(() => verify(claim, a, [[Fr.MODULUS, 0n], ...proved.rounds.slice(1)])).to.throw(LayerProofError, "canonical");
  });

  it("the packed native rounds equal the bigint rounds (messages, point, evaluations, transcript state)", function () {
    if (!loadWalkKernels()) this.skip();
    for (const n of [6, 9]) {
      const { tables, a, claim } = instance(n, `packed${n}`);
      const tNative = new Transcript("zc-test");
      const tPortable = new Transcript("zc-test");
      const packed = proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim, transcript: tNative });
      const portable = proveZeroCheckPortable({ tables, terms: TERMS, eqPoint: a, claim, transcript: tPortable });
      expect(packed).to.deep.equal(portable);
      expect(tNative.challengeScalar("next")).to.equal(tPortable.challengeScalar("next"));
      expect(() => proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim: Fr.add(claim, 1n), transcript: new Transcript("t") })).to.throw(LayerProofError, "false");
    }
  });

  it("a zero coordinate of the eq point is refused (the division by a_j)", () => {
    const { tables, claim } = instance(2, "zero");
    const a = [0n, 5n];
    const proved = proveZeroCheck({ tables, terms: TERMS, eqPoint: a, claim: 0n, transcript: new Transcript("zc-test"), unsafe: true });
    expect(() => verify(claim, a, proved.rounds)).to.throw(LayerProofError, "is 0");
  });
});
