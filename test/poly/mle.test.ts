import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import {
  bindFirstVariable,
  bindFirstVariableInPlace,
  compressRoundPoly,
  decompressRoundPoly,
  eqEval,
  eqTable,
  evaluateCompressed,
  evaluateMle,
  evaluatePoly,
  interpolateFromIntegerNodes,
  numVarsFor,
  padToPowerOfTwo,
} from "../../src/poly";

const fr = fc.bigInt({ min: 0n, max: Fr.MODULUS - 1n });
/** A table of 2^n entries with a point of n coordinates, n in 0..5. */
const tableAndPoint = fc
  .integer({ min: 0, max: 5 })
  .chain((n) => fc.tuple(fc.array(fr, { minLength: 2 ** n, maxLength: 2 ** n }), fc.array(fr, { minLength: n, maxLength: n })));

/** The definition: f(x) = sum_i e_i prod_j (bit_j(i) ? x_j : 1 - x_j). */
function naiveEvaluate(evals: readonly bigint[], point: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < evals.length; i++) {
    let w = 1n;
    for (let j = 0; j < point.length; j++) w = Fr.mul(w, (i >> j) & 1 ? point[j] : Fr.sub(1n, point[j]));
    acc = Fr.add(acc, Fr.mul(evals[i], w));
  }
  return acc;
}

describe("multilinear polynomials", () => {
  it("evaluateMle matches the little-endian definition", () => {
    fc.assert(fc.property(tableAndPoint, ([evals, point]) => {
        expect(evaluateMle(evals, point)).to.equal(naiveEvaluate(evals, point));
      }),
    );
  });

  it("agrees with the table on Boolean points (x_j = bit j of the index)", () => {
    const evals = [10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n];
    for (let i = 0; i < 8; i++) {
      expect(evaluateMle(evals, [BigInt(i & 1), BigInt((i >> 1) & 1), BigInt((i >> 2) & 1)])).to.equal(evals[i]);
    }
  });

  it("bind then evaluate == evaluate (property)", () => {
    fc.assert(
      fc.property(tableAndPoint.filter(([, p]) => p.length >= 1), ([evals, point]) => {
        const bound = bindFirstVariable(evals, point[0]);
        expect(evaluateMle(bound, point.slice(1))).to.equal(evaluateMle(evals, point));
        const inPlace = evals.slice();
        bindFirstVariableInPlace(inPlace, point[0]);
        expect(inPlace).to.deep.equal(bound);
      }),
    );
  });

  it("zero-padding: any length is padded to a power of two and evaluates the same", () => {
    fc.assert(
      fc.property(fc.array(fr, { maxLength: 20 }), fc.array(fr, { minLength: 5, maxLength: 5 }), (values, point) => {
        const n = numVarsFor(values.length);
        const padded = padToPowerOfTwo(values);
        expect(padded.length).to.equal(2 ** n);
        expect(evaluateMle(values, point)).to.equal(evaluateMle(padToPowerOfTwo(values, 5), point));
        expect(evaluateMle(values, point.slice(0, n))).to.equal(naiveEvaluate(padded, point.slice(0, n)));
      }),
    );
    expect(numVarsFor(0)).to.equal(0);
    expect(numVarsFor(1)).to.equal(0);
    expect(numVarsFor(5)).to.equal(3);
    expect(evaluateMle([], [])).to.equal(0n);
    expect(evaluateMle([7n], [])).to.equal(7n);
    expect(() => evaluateMle([1n, 2n, 3n], [1n])).to.throw(/need more than the 1 point coordinates/);
    expect(() => bindFirstVariableInPlace([1n], 2n)).to.throw(/not an even power of two/);
  });

  it("eq tables: entry i is eq(bits(i), r), the MLE of the table is eq(., r), and it sums to 1", () => {
    fc.assert(
      fc.property(fc.array(fr, { maxLength: 5 }), fc.array(fr, { minLength: 5, maxLength: 5 }), (r, x) => {
        const table = eqTable(r);
        expect(table.length).to.equal(2 ** r.length);
        table.forEach((e, i) => expect(e).to.equal(eqEval(r.map((_, j) => BigInt((i >> j) & 1)), r)));
        expect(evaluateMle(table, x.slice(0, r.length))).to.equal(eqEval(x.slice(0, r.length), r));
        expect(table.reduce(Fr.add, 0n)).to.equal(1n);
      }),
      { numRuns: 40 },
    );
  });

  it("f(r) = <table, eq(., r)> (property)", () => {
    fc.assert(fc.property(tableAndPoint, ([evals, point]) => {
        expect(Fr.innerProduct(evals, eqTable(point))).to.equal(evaluateMle(evals, point));
      }),
    );
  });
});

describe("univariate helpers", () => {
  const poly = fc.array(fr, { minLength: 2, maxLength: 6 });

  it("interpolation from 0..d recovers the coefficients", () => {
    fc.assert(
      fc.property(poly, (c) => {
        const values = c.map((_, t) => evaluatePoly(c, BigInt(t)));
        expect(interpolateFromIntegerNodes(values)).to.deep.equal(c);
      }),
    );
  });

  it("compress/decompress round-trips given the claim h(0) + h(1)", () => {
    fc.assert(
      fc.property(poly, fr, (c, r) => {
        const claim = Fr.add(evaluatePoly(c, 0n), evaluatePoly(c, 1n));
        const compressed = compressRoundPoly(c);
        expect(compressed).to.have.length(c.length - 1);
        expect(decompressRoundPoly(compressed, claim)).to.deep.equal(c);
        expect(evaluateCompressed(compressed, claim, r)).to.equal(evaluatePoly(c, r));
      }),
    );
    expect(() => compressRoundPoly([1n])).to.throw(/degree >= 1/);
  });
});
