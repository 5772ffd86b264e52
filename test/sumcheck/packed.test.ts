import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm";
import { provePairProductSumcheck, proveSumcheck, verifySumcheck, type ProductTerm } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "./helpers";

const native = loadNative();
const R = Fr.MODULUS;

/** Random tables with 0, 1, r − 1 and small values mixed in. */
function table(n: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n, 2n, R - 3n];
  return randomFrs(2 ** n, seed).map((x, i) => (i % 5 === 2 ? edges[i % edges.length] : x));
}

describe("pair-product sum-check over packed vectors (native)", function () {
  before(function () {
    if (!native) this.skip();
  });

  for (const [n, k] of [[0, 1], [1, 2], [4, 3], [7, 4]] as const) {
    it(`makes proveSumcheck's proof, point and transcript state (${k} pairs over ${n} variables)`, () => {
      const tables = Array.from({ length: 2 * k }, (_, i) => (i === 1 ? randomSmall(2 ** n, `s${n}`) : table(n, `t${n}/${i}`)));
      const terms: ProductTerm[] = Array.from({ length: k }, (_, j) => ({ coeff: 1n, factors: [2 * j, 2 * j + 1] }));
      const ta = new Transcript("packed");
      const a = proveSumcheck({ tables, terms, numVars: n, degree: 2, transcript: ta });
      const tb = new Transcript("packed");
      const pairs = Array.from({ length: k }, (_, j) => [native!.frFromBigints(tables[2 * j], 2 ** n), native!.frFromBigints(tables[2 * j + 1], 2 ** n)] as const);
      const b = provePairProductSumcheck({ native: native!, pairs, numVars: n, claim: a.claim, transcript: tb, threads: 2 });
      expect(b.claim).to.equal(a.claim);
      expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
      expect(b.point).to.deep.equal(a.point);
      expect(tb.challengeScalar("next")).to.equal(ta.challengeScalar("next"));
      const sub = verifySumcheck({ claim: b.claim, numVars: n, degree: 2, proof: b.proof, transcript: new Transcript("packed") });
      expect(sub.point).to.deep.equal(b.point);
    });
  }

  it("refuses a wrong claim and mismatched vectors", () => {
    const pairs = [[native!.frFromBigints(table(3, "x"), 8), native!.frFromBigints(table(3, "y"), 8)] as const];
    expect(() => provePairProductSumcheck({ native: native!, pairs, numVars: 3, claim: 5n, transcript: new Transcript("t"), threads: 1 })).to.throw(RangeError, "not the sum");
    expect(() => provePairProductSumcheck({ native: native!, pairs, numVars: 4, transcript: new Transcript("t"), threads: 1 })).to.throw(RangeError, "pair 0 is not 2^4 words");
    expect(() => provePairProductSumcheck({ native: native!, pairs: [], numVars: 3, transcript: new Transcript("t"), threads: 1 })).to.throw(RangeError, "no terms");
  });
});

describe("eq-weighted sum-check kernel: native and bigint rounds agree", function () {
  before(function () {
    if (!native) this.skip();
  });

  /** Runs `f` with the MSM backend (which also picks the field kernels) forced, restoring the environment. */
  function withBackend<T>(backend: string, f: () => T): T {
    const saved = process.env.DEEPPROVE_MSM_BACKEND;
    process.env.DEEPPROVE_MSM_BACKEND = backend;
    try {
      return f();
    } finally {
      if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
      else process.env.DEEPPROVE_MSM_BACKEND = saved;
    }
  }

  it("the same proof for 1, 2 and 3 factors with signed small tables, above the native threshold", () => {
    const n = 13;
    const tables = [table(n, "e0"), randomSmall(2 ** n, "e1", 1000), table(n, "e2")];
    const point = randomFrs(n, "ep");
    const terms: ProductTerm[] = [
      { coeff: 3n, factors: [0], eqPoint: point },
      { coeff: R - 1n, factors: [0, 1], eqPoint: point },
      { coeff: 1n, factors: [1, 2, 2], eqPoint: randomFrs(n, "eq") },
    ];
    const run = (backend: string) => withBackend(backend, () => proveSumcheck({ tables, terms, numVars: n, transcript: new Transcript("eq") }));
    const a = run("portable");
    const b = run("native");
    expect(b.claim).to.equal(a.claim);
    expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
    expect(b.finalEvaluations).to.deep.equal(a.finalEvaluations);
  });
});
