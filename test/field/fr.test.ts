import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";

const R = Fr.MODULUS;
const fr = fc.bigInt({ min: 0n, max: R - 1n });
const frNonZero = fc.bigInt({ min: 1n, max: R - 1n });
const small = fc.integer({ min: -(2 ** 20), max: 2 ** 20 });

describe("Fr", () => {
  describe("field laws (property)", () => {
    it("addition and multiplication are commutative and associative", () => {
      fc.assert(
        fc.property(fr, fr, fr, (a, b, c) => {
          expect(Fr.add(a, b)).to.equal(Fr.add(b, a));
          expect(Fr.mul(a, b)).to.equal(Fr.mul(b, a));
          expect(Fr.add(Fr.add(a, b), c)).to.equal(Fr.add(a, Fr.add(b, c)));
          expect(Fr.mul(Fr.mul(a, b), c)).to.equal(Fr.mul(a, Fr.mul(b, c)));
        }),
      );
    });

    it("multiplication distributes over addition; identities and negation", () => {
      fc.assert(
        fc.property(fr, fr, fr, (a, b, c) => {
          expect(Fr.mul(a, Fr.add(b, c))).to.equal(Fr.add(Fr.mul(a, b), Fr.mul(a, c)));
          expect(Fr.add(a, 0n)).to.equal(a);
          expect(Fr.mul(a, 1n)).to.equal(a);
          expect(Fr.add(a, Fr.neg(a))).to.equal(0n);
          expect(Fr.sub(a, b)).to.equal(Fr.add(a, Fr.neg(b)));
        }),
      );
    });

    it("inverses: a · a^-1 = 1, batch inversion agrees, Fermat", () => {
      fc.assert(
        fc.property(fc.array(frNonZero, { minLength: 1, maxLength: 8 }), (xs) => {
          const invs = Fr.batchInvert(xs);
          xs.forEach((x, i) => {
            expect(Fr.mul(x, invs[i])).to.equal(1n);
            expect(invs[i]).to.equal(Fr.inv(x));
          });
          expect(Fr.pow(xs[0], R - 2n)).to.equal(invs[0]);
        }),
        { numRuns: 30 },
      );
    });

    it("signed small integers round-trip and add like integers", () => {
      fc.assert(
        fc.property(small, small, (a, b) => {
          expect(Fr.toSigned(Fr.fromSigned(a))).to.equal(BigInt(a));
          expect(Fr.toSigned(Fr.add(Fr.fromSigned(a), Fr.fromSigned(b)))).to.equal(BigInt(a + b));
          expect(Fr.toSigned(Fr.mul(Fr.fromSigned(a), Fr.fromSigned(b)))).to.equal(BigInt(a) * BigInt(b));
        }),
      );
    });

    it("bytes round-trip; non-canonical words are refused", () => {
      fc.assert(
        fc.property(fr, (a) => {
          expect(Fr.fromBytes(Fr.toBytes(a))).to.equal(a);
        }),
      );
      const word = new Uint8Array(32).fill(0xff);
      expect(() => Fr.fromBytes(word)).to.throw(/not a canonical Fr element/);
    });
  });

  describe("vectors", () => {
    it("innerProduct equals the sum of reduced products", () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fr, fr), { maxLength: 20 }), (pairs) => {
          const a = pairs.map((p) => p[0]);
          const b = pairs.map((p) => p[1]);
          const expected = pairs.reduce((acc, [x, y]) => Fr.add(acc, Fr.mul(x, y)), 0n);
          expect(Fr.innerProduct(a, b)).to.equal(expected);
        }),
      );
      expect(() => Fr.innerProduct([1n], [])).to.throw(/lengths differ/);
    });

    it("addVectors, scaleVector, addScaledInPlace, powers", () => {
      fc.assert(
        fc.property(fc.array(fr, { maxLength: 10 }), fr, (a, c) => {
          const scaled = Fr.scaleVector(a, c);
          expect(scaled).to.deep.equal(a.map((x) => Fr.mul(x, c)));
          expect(Fr.addVectors(a, scaled)).to.deep.equal(a.map((x) => Fr.mul(x, Fr.add(c, 1n))));
          const acc = new Array<bigint>(a.length + 2).fill(1n);
          Fr.addScaledInPlace(acc, a, c);
          expect(acc).to.deep.equal([...scaled.map((x) => Fr.add(x, 1n)), 1n, 1n]);
        }),
      );
      expect(Fr.powers(3n, 4)).to.deep.equal([1n, 3n, 9n, 27n]);
      expect(() => Fr.addScaledInPlace([0n], [1n, 2n], 1n)).to.throw(/source 2 > target 1/);
    });

    it("small-integer vectors: fromSignedVector and isSmallVector", () => {
      const v = Fr.fromSignedVector([-3, 0, 7, -(2 ** 31)]);
      expect(v).to.deep.equal([R - 3n, 0n, 7n, R - 2n ** 31n]);
      expect(Fr.isSmallVector(v)).to.equal(true);
      expect(Fr.isSmallVector([...v, 1n << 40n])).to.equal(false);
      expect(Fr.isSmallVector([R - (1n << 40n)])).to.equal(false);
    });
  });
});
