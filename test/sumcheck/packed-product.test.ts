import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { eqTable } from "../../src/poly/mle";
import { proveSumcheck, verifySumcheck, type ProductTerm } from "../../src/sumcheck";
import { advanceEqWeight, eqRoundCoefficients, initEqWeight } from "../../src/sumcheck/eq-kernel";
import { proveProductPacked } from "../../src/sumcheck/packed-product";
import { loadWalkKernels, type NativeWalkKernels } from "../../src/sumcheck/walk-native";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "./helpers";

const native = loadWalkKernels();
const R = Fr.MODULUS;
const BACKEND_ENV = "DEEPPROVE_MSM_BACKEND";

/** Random tables with 0, 1, r − 1 and small values mixed in. */
function table(length: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n, 2n, R - 3n];
  return randomFrs(length, seed).map((x, i) => (i % 7 === 3 ? edges[i % edges.length] : x));
}

/** Runs `body` on the bigint prover (the portable backend: no native kernels). */
function onBigints<T>(body: () => T): T {
  const saved = process.env[BACKEND_ENV];
  process.env[BACKEND_ENV] = "portable";
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  }
}

/** The kernel's definition over bigints: Σ_i w[i]·Σ_s c_s·Π_{m∈terms[s]} tables[m](t) for t < points. */
function roundSumsByDefinition(tables: bigint[][], len: number, terms: number[][], coeffs: bigint[], weights: bigint[] | null, points: number): bigint[] {
  return Array.from({ length: points }, (_, t) => {
    let acc = 0n;
    for (let i = 0; i < len / 2; i++) {
      let pair = 0n;
      terms.forEach((factors, s) => {
        let p = coeffs[s];
        for (const m of factors) p = Fr.mul(p, Fr.reduce(tables[m][2 * i] + BigInt(t) * (tables[m][2 * i + 1] - tables[m][2 * i])));
        pair = Fr.add(pair, p);
      });
      acc = Fr.add(acc, weights ? Fr.mul(pair, weights[i]) : pair);
    }
    return acc;
  });
}

const words = (out: Uint8Array): bigint[] => native!.frToBigints(out);

/** Both statements, bigint and packed: same claim, rounds, point, final evaluations and transcript state. */
function expectSameProof(tables: bigint[][], terms: ProductTerm[], numVars: number, degree?: number): void {
  const ta = new Transcript("walk");
  const a = onBigints(() => proveSumcheck({ tables, terms, numVars, ...(degree ? { degree } : {}), transcript: ta }));
  const tb = new Transcript("walk");
  const b = proveSumcheck({ tables, terms, numVars, ...(degree ? { degree } : {}), claim: a.claim, transcript: tb });
  expect(b.claim).to.equal(a.claim);
  expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
  expect(b.point).to.deep.equal(a.point);
  expect(b.finalEvaluations).to.deep.equal(a.finalEvaluations);
  expect(tb.challengeScalar("next")).to.equal(ta.challengeScalar("next"));
  const sub = verifySumcheck({ claim: b.claim, numVars, degree: a.degree, proof: b.proof, transcript: new Transcript("walk") });
  expect(sub.point).to.deep.equal(b.point);
}

describe("walk sum-check over packed words (native)", function () {
  before(function () {
    if (!native) this.skip();
  });

  for (const arith of ["portable", "adx"] as const) {
    describe(`${arith} arithmetic`, () => {
      before(function () {
        if (arith === "adx" && !native!.adxSupported()) this.skip();
        native!.arithmetic(arith);
      });
      after(() => native!.arithmetic("auto"));

      it("walkProductRoundSums equals its definition (weighted and not, repeated factors, odd coefficients)", () => {
        const len = 2 ** 9;
        const tables = [table(len, "a"), randomSmall(len, "b"), table(len, "c"), table(len, "d")];
        const terms = [[0, 1], [2], [1, 1, 3], [3, 0, 2, 1]];
        const coeffs = [1n, R - 1n, 5n, table(1, "coeff")[0]];
        const weights = table(len / 2, "w");
        const packed = tables.map((t) => native!.frFromBigints(t, len));
        for (const w of [weights, null]) {
          for (const threads of [1, 2]) {
            const out = native!.walkProductRoundSums(packed, len, terms, native!.frFromBigints(coeffs, coeffs.length), w && native!.frFromBigints(w, w.length), 5, threads);
            expect(words(out)).to.deep.equal(roundSumsByDefinition(tables, len, terms, coeffs, w, 5));
          }
        }
        // A prefix of the tables: the first `len` words only.
        const short = native!.walkProductRoundSums(packed, 8, [[0, 2]], native!.frFromBigints([1n], 1), null, 3, 1);
        expect(words(short)).to.deep.equal(roundSumsByDefinition(tables, 8, [[0, 2]], [1n], null, 3));
      });

      it("runs every kind of statement to the bigint prover's proof", () => {
        const n = 7;
        const size = 2 ** n;
        const t = [table(size, "t0"), randomSmall(size, "t1"), table(size - 5, "t2"), randomSmall(size, "t3", 4)];
        const p = table(n, "P");
        const q = table(n, "Q");
        // degree 2 pairs (matrix products), degree 3 with a repeated factor, several coefficients
        expectSameProof(t, [{ coeff: 1n, factors: [0, 1] }, { coeff: 7n, factors: [2, 3] }], n);
        expectSameProof(t, [{ coeff: R - 2n, factors: [0, 0, 1] }, { coeff: 3n, factors: [3] }], n);
        // a degree above the terms' (the round polynomials get zero top coefficients)
        expectSameProof(t, [{ coeff: 1n, factors: [0, 1] }], n, 4);
        // every term eq-weighted, two distinct points and one shared (grouped), mixed factor counts
        expectSameProof(t, [
          { coeff: 1n, factors: [0, 1], eqPoint: p },
          { coeff: 9n, factors: [2], eqPoint: q },
          { coeff: R - 1n, factors: [3, 1, 0], eqPoint: p },
        ], n);
        // some eq-weighted (materialized eq tables), some not
        expectSameProof(t, [{ coeff: 2n, factors: [0, 3], eqPoint: p }, { coeff: 1n, factors: [1, 2] }], n);
      });
    });
  }

  it("eqRoundCoefficients groups terms by eq state on packed words to the bigint kernel's coefficients", () => {
    const n = 8;
    const size = 2 ** n;
    // signed small representatives (as proveSumcheck's bigint path holds them) next to full-width entries
    const tables = [table(size, "g0"), randomSmall(size, "g1").map((v) => (v > R / 2n ? v - R : v)), table(size, "g2")];
    const p = initEqWeight(table(n, "gp"));
    const q = initEqWeight(table(n, "gq"));
    const terms: ProductTerm[] = [
      { coeff: 3n, factors: [0, 1] },
      { coeff: R - 1n, factors: [2] },
      { coeff: 1n, factors: [1, 2, 0] },
    ];
    const states = [p, q, p];
    for (let j = 0; j < 3; j++) {
      const bigints = onBigints(() => eqRoundCoefficients(tables, terms, states, 4, j));
      expect(eqRoundCoefficients(tables, terms, states, 4, j)).to.deep.equal(bigints);
      const r = table(1, `r${j}`)[0];
      tables.forEach((t, k) => (tables[k] = Array.from({ length: t.length / 2 }, (_, i) => Fr.reduce(t[2 * i] + r * (t[2 * i + 1] - t[2 * i])))));
      advanceEqWeight(p, j, r);
      advanceEqWeight(q, j, r);
    }
  });

  it("gives the eq kernel's weights the eq table's values", () => {
    // The suffix weights of the eq mode are frEqSum's: the same little-endian eq table as eqTable.
    const point = table(5, "eq");
    expect(words(native!.frEqSum(32, [0], [point], [1n]))).to.deep.equal(eqTable(point));
  });

  it("refuses a false claim as proveSumcheck does", () => {
    const tables = [table(64, "x"), table(64, "y")];
    expect(() => proveProductPacked({ native: native as NativeWalkKernels, tables, terms: [{ coeff: 1n, factors: [0, 1] }], numVars: 6, degree: 2, claim: 5n, transcript: new Transcript("walk"), threads: 1 })).to.throw(
      RangeError,
      "the given claim is not the sum over the hypercube",
    );
  });

  it("names what is wrong in the kernel's arguments", () => {
    const a = native!.frFromBigints(table(8, "e"), 8);
    const one = native!.frFromBigints([1n], 1);
    const call = (tables: Uint8Array[], len: number, terms: number[][], coeffs: Uint8Array, weights: Uint8Array | null, points = 3) => () =>
      native!.walkProductRoundSums(tables, len, terms, coeffs, weights, points, 1);
    expect(call([a], 16, [[0]], one, null)).to.throw(RangeError, "table 0: 8 words, fewer than 16");
    expect(call([a], 7, [[0]], one, null)).to.throw(RangeError, "len must be even");
    expect(call([a], 8, [[1]], one, null)).to.throw(RangeError, "term 0 refers to table 1, have 1");
    expect(call([a], 8, [[]], one, null)).to.throw(RangeError, "term 0 has no factors");
    expect(call([a], 8, [], one, null)).to.throw(RangeError, "terms: no terms");
    expect(call([a], 8, [[0]], new Uint8Array(32).fill(255), null)).to.throw(RangeError, "coefficient 0 is not a canonical Fr element");
    expect(call([a], 8, [[0], [0]], one, null)).to.throw(RangeError, "coeffs: 1 words, fewer than 2");
    expect(call([a], 8, [[0]], one, one)).to.throw(RangeError, "weights: 1 words, fewer than 4");
    expect(call([a], 8, [[0]], one, null, 0)).to.throw(RangeError, "points must be in 1..64");
    expect(call([a.subarray(0, 33)], 8, [[0]], one, null)).to.throw(RangeError, "not whole 32-byte words");
  });
});
