import { expect } from "chai";
import fc from "fast-check";
import { mulShiftRound, qRange, quantizeValues, requantize, requantizeArray, roundDiv, toFixedPoint } from "../../src/model/quant/fixed-point";

/** Reference floor((x*M + 2^(s-1)) / 2^s) in bigint. */
function ref(x: bigint, m: bigint, s: bigint): bigint {
  const p = x * m + (s > 0n ? 1n << (s - 1n) : 0n);
  return p >> s;
}

describe("model: fixed-point requantization", () => {
  it("mulShiftRound equals the bigint definition, including past 2^53", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 62 }), (x, m, s) => {
        expect(mulShiftRound(x, m, s)).to.equal(Number(ref(BigInt(x), BigInt(m), BigInt(s))));
      }),
      { numRuns: 2000 },
    );
  });

  it("rounds half up (towards +infinity) on exact halves", () => {
    expect(mulShiftRound(3, 1, 1)).to.equal(2); // 1.5 -> 2
    expect(mulShiftRound(-3, 1, 1)).to.equal(-1); // -1.5 -> -1
    expect(mulShiftRound(-5, 1, 2)).to.equal(-1); // -1.25 -> -1
  });

  it("toFixedPoint keeps 31 bits of precision over a wide range of ratios", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), (r) => {
        const fp = toFixedPoint(r);
        expect(Math.abs(fp.multiplier)).to.be.below(2 ** 31);
        expect(Math.abs(fp.multiplier / 2 ** fp.shift - r) / r).to.be.below(2 ** -29);
      }),
    );
    expect(toFixedPoint(0)).to.deep.equal({ multiplier: 0, shift: 0 });
    expect(toFixedPoint(-0.5).multiplier).to.be.below(0);
  });

  it("requantize clamps to the signed bit range", () => {
    const { qmin, qmax } = qRange(8);
    expect([qmin, qmax]).to.deep.equal([-128, 127]);
    const fp = toFixedPoint(1);
    expect(requantize(1000, fp, qmin, qmax)).to.equal(127);
    expect(requantize(-1000, fp, qmin, qmax)).to.equal(-128);
    expect([...requantizeArray(Float64Array.of(5, -300, 2 ** 60), toFixedPoint(0.5), qmin, qmax)]).to.deep.equal([3, -128, 127]);
  });

  it("roundDiv rounds half up for either sign of the divisor and saturates on 0", () => {
    expect(roundDiv(7, 2, 99)).to.equal(4);
    expect(roundDiv(-7, 2, 99)).to.equal(-3);
    expect(roundDiv(7, -2, 99)).to.equal(-3);
    expect(roundDiv(5, 0, 99)).to.equal(99);
    expect(roundDiv(-5, 0, 99)).to.equal(-99);
    expect(roundDiv(0, 0, 99)).to.equal(0);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), (n, d) => {
        const q = roundDiv(n, d, 0);
        // q = floor(n/d + 1/2): q - 1/2 <= n/d < q + 1/2
        expect(2 * n >= (2 * q - 1) * d && 2 * n < (2 * q + 1) * d).to.equal(true);
      }),
    );
    // Divisors qb·2^s far beyond 2^53 (the "div" kind with a large shift) stay exact.
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 46), max: 2 ** 46 }), fc.integer({ min: -(2 ** 15), max: 2 ** 15 }), fc.integer({ min: 0, max: 62 }), (n, qb, s) => {
        const d = qb * 2 ** s;
        const q = roundDiv(n, d, 7);
        if (qb === 0) {
          expect(q).to.equal(n === 0 ? 0 : Math.sign(n) * 7);
          return;
        }
        let bn = 2n * BigInt(n) + BigInt(d);
        let bd = 2n * BigInt(d);
        if (bd < 0n) {
          bn = 2n * BigInt(-n) - BigInt(d);
          bd = -bd;
        }
        const floor = bn / bd - (bn % bd !== 0n && bn < 0n ? 1n : 0n);
        expect(q).to.equal(Number(floor));
      }),
      { numRuns: 2000 },
    );
  });

  it("quantizes weights by rounding half away from zero and clamping", () => {
    expect([...quantizeValues(Float64Array.of(0.5, -0.5, 1.49, 1000), 1, -128, 127)]).to.deep.equal([1, -1, 1, 127]);
  });
});
