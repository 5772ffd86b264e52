import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import {
  combineTerms,
  proveSumcheck,
  SumcheckError,
  verifySumcheck,
  type ProductTerm,
  type SumcheckProof,
} from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "./helpers";

const DOMAIN = "sumcheck-test";

interface Case {
  name: string;
  tables: bigint[][];
  terms: ProductTerm[];
}

function makeCase(name: string, length: number, shape: number[][], seed: string, small = false): Case {
  const numTables = Math.max(...shape.flat()) + 1;
  const tables = Array.from({ length: numTables }, (_, k) =>
    small ? randomSmall(length, `${seed}/${k}`) : randomFrs(length, `${seed}/${k}`),
  );
  const coeffs = randomFrs(shape.length, `${seed}/coeffs`);
  return { name, tables, terms: shape.map((factors, t) => ({ coeff: coeffs[t], factors })) };
}

/** Verifies and performs the caller's final check with honest MLE evaluations. Returns the verdict. */
function verifyAndCheck(c: Case, claim: bigint, proof: SumcheckProof, numVars: number, degree: number): boolean {
  const sub = verifySumcheck({ claim, numVars, degree, proof, transcript: new Transcript(DOMAIN) });
  const evals = c.tables.map((t) => evaluateMle(t, sub.point));
  return combineTerms(c.terms, evals) === sub.expectedEvaluation;
}

function bruteSum(c: Case, numVars: number): bigint {
  let acc = 0n;
  for (let i = 0; i < 2 ** numVars; i++) acc = Fr.add(acc, combineTerms(c.terms, c.tables.map((t) => t[i] ?? 0n)));
  return acc;
}

const CASES: [Case, number][] = [
  [makeCase("single table, 0 variables", 1, [[0]], "a"), 0],
  [makeCase("product of two, 0 variables", 1, [[0, 1]], "b"), 0],
  [makeCase("single table, 1 variable", 2, [[0]], "c"), 1],
  [makeCase("product of two, 1 variable", 2, [[0, 1]], "d"), 1],
  [makeCase("product of two, 2^5", 32, [[0, 1]], "e"), 5],
  [makeCase("product of two, length 13 (padded)", 13, [[0, 1]], "f"), 4],
  [makeCase("square f·f, length 6", 6, [[0, 0]], "g"), 3],
  [makeCase("f·g + c·h·k, 2^4", 16, [[0, 1], [2, 3]], "h"), 4],
  [makeCase("triple product, length 7", 7, [[0, 1, 2]], "i"), 3],
  [makeCase("quadruple product + pair + single, 2^5", 32, [[0, 1, 2, 3], [1, 4], [2]], "j"), 5],
  [makeCase("eq-like sums of pairs, small ints, 2^6", 64, [[0, 1], [2, 3], [0, 3]], "k", true), 6],
  [makeCase("degree 4 small ints, length 11", 11, [[0, 1, 2, 3]], "l", true), 4],
];

describe("sum-check", () => {
  describe("completeness", () => {
    for (const [c, numVars] of CASES) {
      it(`accepts an honest proof: ${c.name}`, () => {
        const res = proveSumcheck({ tables: c.tables, terms: c.terms, transcript: new Transcript(DOMAIN) });
        expect(res.claim).to.equal(bruteSum(c, numVars));
        expect(res.proof.rounds).to.have.length(numVars);
        expect(res.finalEvaluations).to.deep.equal(c.tables.map((t) => evaluateMle(t, res.point)));
        expect(verifyAndCheck(c, res.claim, res.proof, numVars, res.degree)).to.equal(true);
      });
    }

    it("accepts honest proofs for random term shapes, sizes and small/large entries (property)", () => {
      const shape = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 3,
      });
      fc.assert(
        fc.property(shape, fc.integer({ min: 0, max: 20 }), fc.string(), fc.boolean(), (factors, length, seed, small) => {
          const c = makeCase("prop", length, factors, seed, small);
          const numVars = Math.max(0, ...c.tables.map((t) => Math.ceil(Math.log2(Math.max(t.length, 1)))));
          const res = proveSumcheck({ tables: c.tables, terms: c.terms, transcript: new Transcript(DOMAIN) });
          expect(res.claim).to.equal(bruteSum(c, numVars));
          expect(verifyAndCheck(c, res.claim, res.proof, numVars, res.degree)).to.equal(true);
        }),
        { numRuns: 40 },
      );
    });

    it("leaves the input tables untouched", () => {
      const c = CASES[4][0];
      const before = c.tables.map((t) => t.slice());
      proveSumcheck({ tables: c.tables, terms: c.terms, transcript: new Transcript(DOMAIN) });
      expect(c.tables).to.deep.equal(before);
    });

    it("proves with a degree bound above the terms' degree (generic kernel for a product of two)", () => {
      const [c, n] = CASES[4];
      const res = proveSumcheck({ tables: c.tables, terms: c.terms, degree: 3, transcript: new Transcript(DOMAIN) });
      expect(res.proof.rounds[0]).to.have.length(3);
      expect(verifyAndCheck(c, res.claim, res.proof, n, 3)).to.equal(true);
      // Both kernels agree on the honest polynomial: the top coefficient is zero.
      for (const round of res.proof.rounds) expect(round[2]).to.equal(0n);
    });

    it("refuses bad tables, naming the table and entry", () => {
      const t = () => new Transcript(DOMAIN);
      const terms = [{ coeff: 1n, factors: [0, 1] }];
      expect(() => proveSumcheck({ tables: [[1n, 2n], [3n, Fr.MODULUS]], terms, transcript: t() })).to.throw(
        /table 1 entry 1 is not a canonical field element/,
      );
      expect(() => proveSumcheck({ tables: [[1n, 2n, 3n], [1n]], terms, numVars: 1, transcript: t() })).to.throw(
        /table 0 has 3 entries, more than 2\^1/,
      );
      expect(() => proveSumcheck({ tables: [[1n]], terms, transcript: t() })).to.throw(/term 0 refers to table 1, have 1/);
    });

    it("refuses to prove a false claim", () => {
      const c = CASES[4][0];
      expect(() =>
        proveSumcheck({ tables: c.tables, terms: c.terms, claim: 1n, transcript: new Transcript(DOMAIN) }),
      ).to.throw(/not the sum/);
    });
  });

  describe("soundness", () => {
    const [c, numVars] = CASES[9];
    const honest = proveSumcheck({ tables: c.tables, terms: c.terms, transcript: new Transcript(DOMAIN) });
    const degree = honest.degree;

    it("rejects a wrong claimed sum", () => {
      expect(verifyAndCheck(c, Fr.add(honest.claim, 1n), honest.proof, numVars, degree)).to.equal(false);
    });

    it("rejects any altered round coefficient (every round, every coefficient)", () => {
      for (let j = 0; j < numVars; j++) {
        for (let k = 0; k < degree; k++) {
          const rounds = honest.proof.rounds.map((r) => r.slice());
          rounds[j][k] = Fr.add(rounds[j][k], 1n);
          expect(verifyAndCheck(c, honest.claim, { rounds }, numVars, degree), `round ${j} coeff ${k}`).to.equal(
            false,
          );
        }
      }
    });

    it("rejects altered rounds in the degree-2 kernel's proofs too (f·g + c·h·k)", () => {
      const [c2, n2] = CASES[7];
      const proof2 = proveSumcheck({ tables: c2.tables, terms: c2.terms, transcript: new Transcript(DOMAIN) });
      expect(verifyAndCheck(c2, proof2.claim, proof2.proof, n2, 2)).to.equal(true);
      for (let j = 0; j < n2; j++) {
        for (let k = 0; k < 2; k++) {
          const rounds = proof2.proof.rounds.map((r) => r.slice());
          rounds[j][k] = Fr.sub(rounds[j][k], 1n);
          expect(verifyAndCheck(c2, proof2.claim, { rounds }, n2, 2), `round ${j} coeff ${k}`).to.equal(false);
        }
      }
      expect(verifyAndCheck(c2, Fr.sub(proof2.claim, 1n), proof2.proof, n2, 2)).to.equal(false);
    });

    it("rejects a wrong final evaluation", () => {
      const sub = verifySumcheck({ claim: honest.claim, numVars, degree, proof: honest.proof, transcript: new Transcript(DOMAIN) });
      const evals = c.tables.map((t) => evaluateMle(t, sub.point));
      evals[2] = Fr.add(evals[2], 1n);
      expect(combineTerms(c.terms, evals)).to.not.equal(sub.expectedEvaluation);
    });

    it("rejects a proof replayed under another transcript domain", () => {
      const sub = verifySumcheck({ claim: honest.claim, numVars, degree, proof: honest.proof, transcript: new Transcript("other") });
      const evals = c.tables.map((t) => evaluateMle(t, sub.point));
      expect(combineTerms(c.terms, evals)).to.not.equal(sub.expectedEvaluation);
    });

    it("refuses malformed proofs with a SumcheckError naming the problem", () => {
      const t = () => new Transcript(DOMAIN);
      const rounds = honest.proof.rounds;
      expect(() => verifySumcheck({ claim: honest.claim, numVars, degree, proof: { rounds: rounds.slice(1) }, transcript: t() }))
        .to.throw(SumcheckError, /rounds, expected 5/);
      const short = rounds.map((r, j) => (j === 2 ? r.slice(1) : r));
      expect(() => verifySumcheck({ claim: honest.claim, numVars, degree, proof: { rounds: short }, transcript: t() }))
        .to.throw(SumcheckError, /round 2 has 3 coefficients, expected 4/);
      const big = rounds.map((r, j) => (j === 1 ? [Fr.MODULUS, ...r.slice(1)] : r));
      expect(() => verifySumcheck({ claim: honest.claim, numVars, degree, proof: { rounds: big }, transcript: t() }))
        .to.throw(SumcheckError, /round 1 coefficient 0/);
    });
  });
});
