import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import {
  commitCoefficients,
  divideByLinear,
  divideBySquareTimesLinear,
  evaluateAtPlusMinusWithPowers,
} from "../../src/pcs/kzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { evaluatePoly } from "../../src/poly";

const fr = fc.bigInt({ min: 0n, max: Fr.MODULUS - 1n });
const poly = fc.array(fr, { maxLength: 12 });

/** c = q·d + rem, checked at a random point. */
function mulPoly(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const out = new Array<bigint>(Math.max(0, a.length + b.length - 1)).fill(0n);
  a.forEach((x, i) => b.forEach((y, j) => (out[i + j] = Fr.add(out[i + j], Fr.mul(x, y)))));
  return out;
}

describe("KZG helpers", () => {
  it("divideByLinear: c(X) = q(X)(X - x) + c(x)", () => {
    fc.assert(
      fc.property(poly, fr, fr, (c, x, t) => {
        const q = divideByLinear(c, x);
        const lhs = evaluatePoly(c, t);
        const rhs = Fr.add(Fr.mul(evaluatePoly(q, t), Fr.sub(t, x)), evaluatePoly(c, x));
        expect(lhs).to.equal(rhs);
        expect(q.length).to.equal(Math.max(c.length - 1, 0));
      }),
    );
  });

  it("divideBySquareTimesLinear: the quotient of long division by (X^2 - a)(X - a), remainder of degree < 3", () => {
    fc.assert(
      fc.property(poly, fr, (c, a) => {
        const q = divideBySquareTimesLinear(c, a);
        expect(q.length).to.equal(Math.max(c.length - 3, 0));
        const prod = mulPoly(q, mulPoly([Fr.neg(a), 0n, 1n], [Fr.neg(a), 1n]));
        const rem = c.map((ci, i) => Fr.sub(ci, prod[i] ?? 0n));
        for (let i = 3; i < rem.length; i++) expect(rem[i]).to.equal(0n);
      }),
    );
  });

  it("evaluateAtPlusMinusWithPowers gives c(x) and c(-x)", () => {
    fc.assert(
      fc.property(poly, fr, (c, x) => {
        const [plus, minus] = evaluateAtPlusMinusWithPowers(c, Fr.powers(x, c.length));
        expect(plus).to.equal(evaluatePoly(c, x));
        expect(minus).to.equal(evaluatePoly(c, Fr.neg(x)));
      }),
    );
    expect(() => evaluateAtPlusMinusWithPowers([1n, 2n], [1n])).to.throw(/too few powers/);
  });

  it("commitCoefficients is [c(tau)]_1 and refuses more coefficients than powers", () => {
    const srs = insecureDevSrs(4, "kzg-helpers");
    const c = [3n, 5n, 7n];
    const [g, tauG, tau2G] = [0, 1, 2].map((i) => srs.g1Powers.at(i));
    const expected = g.multiply(3n).add(tauG.multiply(5n)).add(tau2G.multiply(7n));
    expect(commitCoefficients(srs, c).equals(expected)).to.equal(true);
    expect(commitCoefficients(srs, []).equals(g.subtract(g))).to.equal(true); // infinity
    expect(() => commitCoefficients(srs, [1n, 1n, 1n, 1n, 1n])).to.throw(/5 coefficients but the SRS has 4 powers/);
  });
});
