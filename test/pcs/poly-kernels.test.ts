import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative, msm } from "../../src/msm";
import { writeWordLE } from "../../src/msm/layout";
import { nativeKernels, polyKernels, portableKernels } from "../../src/pcs/poly-kernels";
import { insecureDevSrs } from "../../src/pcs/srs";
import { randomFrs } from "../sumcheck/helpers";

const R = Fr.MODULUS;
const native = loadNative();

/** Random elements with the edge values 0, 1, r - 1 and (r ± 1)/2 mixed in. */
function vector(n: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n, (R - 1n) / 2n, (R + 1n) / 2n];
  return randomFrs(n, seed).map((x, i) => (i % 7 === 3 ? edges[i % edges.length] : x));
}

/** Independent reference: sum_i v_i·x^i. */
function evalRef(v: readonly bigint[], x: bigint): bigint {
  return v.reduce((acc, c, i) => Fr.add(acc, Fr.mul(c, Fr.pow(x, BigInt(i)))), 0n);
}

function polyMul(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const out = new Array<bigint>(Math.max(0, a.length + b.length - 1)).fill(0n);
  a.forEach((ai, i) => b.forEach((bj, j) => (out[i + j] = Fr.add(out[i + j], Fr.mul(ai, bj)))));
  return out;
}

function polySub(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => Fr.sub(a[i] ?? 0n, b[i] ?? 0n));
}

describe("HyperKZG polynomial kernels", () => {
  describe("portable kernels against the definitions", () => {
    const k = portableKernels();
    it("evaluates at x and ±x, for even and odd lengths", () => {
      for (const n of [0, 1, 2, 5, 8]) {
        const v = vector(n, `eval/${n}`);
        const [x] = randomFrs(1, `x/${n}`);
        expect(k.evalAt(v, x)).to.equal(evalRef(v, x));
        expect(k.evalPlusMinus(v, x)).to.deep.equal([evalRef(v, x), evalRef(v, Fr.neg(x))]);
      }
    });

    it("divides: input - quotient·divisor leaves only a remainder of lower degree than the divisor", () => {
      const v = vector(9, "div");
      const [x, s] = randomFrs(2, "div/xs");
      const linear = [Fr.neg(x), 1n]; // X - x
      const cubic = [Fr.mul(s, s), Fr.neg(s), Fr.neg(s), 1n]; // (X^2 - s)(X - s)
      for (const [q, divisor] of [
        [k.divideByLinear(v, x), linear],
        [k.divideBySquareTimesLinear(v, s), cubic],
      ]) {
        expect(q).to.have.length(v.length - divisor.length + 1);
        const rest = polySub(v, polyMul(q, divisor));
        expect(rest.slice(divisor.length - 1).every((c) => c === 0n)).to.equal(true);
      }
      expect(k.divideByLinear([5n], x)).to.deep.equal([]);
      expect(k.divideBySquareTimesLinear([1n, 2n, 3n], s)).to.deep.equal([]);
    });
  });

  describe("native and portable agree", () => {
    before(function () {
      if (!native) this.skip();
    });
    const n = () => nativeKernels(native!);
    const p = portableKernels();

    // 2^16 entries: the element-wise kernels and the evaluation split over both threads.
    for (const size of [0, 1, 2, 3, 4, 7, 64, 1 << 16]) {
      it(`on ${size} entries: every kernel`, () => {
        const k = n();
        const v = vector(size, `agree/${size}`);
        const w = vector(Math.max(0, size - 5), `agree/w/${size}`);
        const [u, x, c] = randomFrs(3, `agree/s/${size}`);
        const packed = k.fromBigints(v, size + 2);
        expect(k.length(packed)).to.equal(size + 2);
        expect(k.toBigints(packed)).to.deep.equal([...v, 0n, 0n]);
        const vp = k.fromBigints(v, size);
        const wp = k.fromBigints(w, w.length);
        if (size % 2 === 0 && size > 0) expect(k.toBigints(k.fold(vp, u))).to.deep.equal(p.fold(v, u));
        expect(k.evalPlusMinus(vp, x)).to.deep.equal(p.evalPlusMinus(v, x));
        expect(k.evalAt(vp, x)).to.equal(p.evalAt(v, x));
        for (const coeffs of [[1n, c], [c, R - 1n], [0n, 1n]]) {
          expect(k.toBigints(k.linearCombination([vp, wp], coeffs))).to.deep.equal(p.linearCombination([v, w], coeffs));
        }
        expect(k.toBigints(k.divideByLinear(vp, x))).to.deep.equal(p.divideByLinear(v, x));
        expect(k.toBigints(k.divideBySquareTimesLinear(vp, x))).to.deep.equal(p.divideBySquareTimesLinear(v, x));
      });
    }

    it("commits packed coefficients to the same point as bigint ones", () => {
      const srs = insecureDevSrs(16);
      const v = vector(13, "commit");
      const k = n();
      expect(k.commit(srs, k.fromBigints(v, 13)).equals(p.commit(srs, v))).to.equal(true);
      expect(msm(srs.g1Powers, k.fromBigints(v, 13), { backend: "portable" }).equals(p.commit(srs, v))).to.equal(true);
    });

    it("refuses non-canonical words and bad lengths, naming them", () => {
      const k = n();
      const bad = k.fromBigints([1n, 2n, 3n, 4n], 4);
      writeWordLE(bad, 64, R);
      expect(() => k.fold(bad, 1n)).to.throw(RangeError, /word 2 is not a canonical Fr element/);
      expect(() => k.fold(new Uint8Array(33), 1n)).to.throw(RangeError, /not a multiple of 32/);
      expect(() => k.fold(k.fromBigints([1n, 2n, 3n], 3), 1n)).to.throw(RangeError, /3 words is not even/);
      expect(() => k.evalAt(k.fromBigints([1n], 1), R)).to.throw(RangeError, /x is not a canonical Fr element/);
      expect(() => k.fromBigints([R], 1)).to.throw(RangeError, /scalar 0 is not a canonical/);
      expect(() => k.fromBigints([1n, 2n], 1)).to.throw(RangeError, /size is below/);
      expect(() => k.linearCombination([bad], [1n, 2n])).to.throw(RangeError, /one coefficient per vector/);
      expect(() => msm(insecureDevSrs(4).g1Powers, new Uint8Array(40))).to.throw(RangeError, /not whole 32-byte words/);
    });
  });

  it("polyKernels follows the requested backend", () => {
    expect(polyKernels("portable").backend).to.equal("portable");
    if (native) expect(polyKernels("native").backend).to.equal("native");
  });
});
