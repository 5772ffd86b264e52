import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { eqTable, evaluateMle } from "../../src/poly";
import { combineTerms, proveSumcheck, verifySumcheck, type ProductTerm } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "./helpers";

const DOMAIN = "eq-sumcheck-test";

/** The same statement with every eq weight turned into an explicit table factor. */
function materialize(tables: bigint[][], terms: ProductTerm[]): { tables: bigint[][]; terms: ProductTerm[] } {
  const all = tables.slice();
  const plain = terms.map((t) => {
    if (!t.eqPoint) return t;
    all.push(eqTable(t.eqPoint));
    return { coeff: t.coeff, factors: [...t.factors, all.length - 1] };
  });
  return { tables: all, terms: plain };
}

function check(tables: bigint[][], terms: ProductTerm[], numVars: number) {
  const res = proveSumcheck({ tables, terms, numVars, transcript: new Transcript(DOMAIN) });
  const sub = verifySumcheck({ claim: res.claim, numVars, degree: res.degree, proof: res.proof, transcript: new Transcript(DOMAIN) });
  const evals = tables.map((t) => evaluateMle(t, sub.point));
  return { res, sub, ok: combineTerms(terms, evals, sub.point) === sub.expectedEvaluation };
}

describe("sum-check with eq-weighted terms", () => {
  const shapes: [string, number, number[][], boolean][] = [
    ["eq·f, 0 variables", 0, [[0]], false],
    ["eq·f, 1 variable", 1, [[0]], false],
    ["eq·f, 6 variables", 6, [[0]], false],
    ["eq·f·g, 5 variables", 5, [[0, 1]], false],
    ["eq·f·g·h + eq'·g, 4 variables, small ints", 4, [[0, 1, 2], [1]], true],
    ["two groups eq_1·F_1 + eq_2·F_2 (the batch opening's shape), 5 variables", 5, [[0], [1]], false],
  ];
  for (const [name, n, shape, small] of shapes) {
    it(`complete, and the proof equals the one for materialized eq tables: ${name}`, () => {
      const numTables = Math.max(...shape.flat()) + 1;
      const tables = Array.from({ length: numTables }, (_, k) =>
        small ? randomSmall(2 ** n, `${name}/${k}`) : randomFrs(2 ** n, `${name}/${k}`),
      );
      const coeffs = randomFrs(shape.length, `${name}/c`);
      const terms = shape.map((factors, t) => ({ coeff: coeffs[t], factors, eqPoint: randomFrs(n, `${name}/P${t}`) }));
      const { res, ok } = check(tables, terms, n);
      expect(ok).to.equal(true);
      const m = materialize(tables, terms);
      const ref = proveSumcheck({ tables: m.tables, terms: m.terms, numVars: n, transcript: new Transcript(DOMAIN) });
      expect(res.claim).to.equal(ref.claim);
      expect(res.proof).to.deep.equal(ref.proof);
      expect(res.finalEvaluations).to.deep.equal(ref.finalEvaluations.slice(0, tables.length));
    });
  }

  it("mixes eq-weighted and plain terms (eq tables materialized internally)", () => {
    const tables = [randomFrs(16, "mix/0"), randomFrs(16, "mix/1")];
    const terms: ProductTerm[] = [
      { coeff: 3n, factors: [0, 1], eqPoint: randomFrs(4, "mix/P") },
      { coeff: 5n, factors: [1, 1] },
    ];
    const { res, ok } = check(tables, terms, 4);
    expect(ok).to.equal(true);
    expect(res.finalEvaluations).to.have.length(2);
    const m = materialize(tables, terms);
    expect(res.proof).to.deep.equal(proveSumcheck({ ...m, numVars: 4, transcript: new Transcript(DOMAIN) }).proof);
  });

  it("rejects every altered round coefficient and a wrong claim", () => {
    const tables = [randomFrs(16, "snd/0"), randomFrs(16, "snd/1")];
    const terms: ProductTerm[] = [{ coeff: 1n, factors: [0, 1], eqPoint: randomFrs(4, "snd/P") }];
    const { res } = check(tables, terms, 4);
    const verdict = (claim: bigint, rounds: bigint[][]) => {
      const sub = verifySumcheck({ claim, numVars: 4, degree: 3, proof: { rounds }, transcript: new Transcript(DOMAIN) });
      return combineTerms(terms, tables.map((t) => evaluateMle(t, sub.point)), sub.point) === sub.expectedEvaluation;
    };
    const honest = res.proof.rounds.map((r) => r.slice());
    expect(verdict(res.claim, honest)).to.equal(true);
    expect(verdict(Fr.add(res.claim, 1n), honest)).to.equal(false);
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 3; k++) {
        const rounds = honest.map((r) => r.slice());
        rounds[j][k] = Fr.add(rounds[j][k], 1n);
        expect(verdict(res.claim, rounds), `round ${j} coeff ${k}`).to.equal(false);
      }
    }
  });

  it("refuses an eq point of the wrong length or with a non-canonical coordinate; combineTerms needs the point", () => {
    const tables = [randomFrs(8, "bad")];
    const t = () => new Transcript(DOMAIN);
    expect(() => proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0], eqPoint: [1n, 2n] }], transcript: t() })).to.throw(
      /eq point of term 0 has 2 coordinates, not 3/,
    );
    expect(() =>
      proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0], eqPoint: [1n, 2n, Fr.MODULUS] }], transcript: t() }),
    ).to.throw(/eq point of term 0, coordinate 2/);
    expect(() => combineTerms([{ coeff: 1n, factors: [0], eqPoint: [1n] }], [1n])).to.throw(/no point was given/);
  });
});
