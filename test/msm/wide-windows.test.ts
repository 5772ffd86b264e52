import { expect } from "chai";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { G1Bases, loadNative, msm } from "../../src/msm";

// Windows of 17..20 bits (docs/msm.md, "Wide windows"): their digits no longer fit int16, so the native MSM
// stores them as int32. These tests reach that path by forcing the width (the plan itself takes 17 or 18
// only for large MSMs of narrow scalars) and compare against the portable backend or the naive sum. Wide windows have up to
// 2^19 buckets whose reduction runs even for a handful of points, so the inputs are small and the calls few.

const R = Fr.MODULUS;
const native = loadNative();
/** λ: the cube root of unity in Fr that the GLV split uses (φ(P) = λ·P). */
const LAMBDA = 0x30644e72e131a029048b6e193fd84104cc37a73fec2bc5e9b8ca0b2d36636f23n;

function naive(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return scalars.reduce((acc, s, i) => (s === 0n ? acc : acc.add(points[i].multiply(s))), G1.ZERO);
}

/** Deterministic full-width scalars (an LCG over Fr), so failures reproduce. */
function scalarsFrom(count: number, seed: bigint): bigint[] {
  let x = seed;
  return Array.from({ length: count }, () => (x = Fr.reduce(x * 0x9e3779b97f4a7c15f39cc0605cedc835n + 0x2545f4914f6cdd1dn)));
}

/** Magnitudes whose every c-bit window is exactly 2^(c-1): the signed recoding's rounding boundary everywhere. */
function boundaryMagnitude(c: number, bits: number): bigint {
  let m = 0n;
  for (let pos = c - 1; pos < bits; pos += c) m |= 1n << BigInt(pos);
  return m;
}

describe("msm: wide windows (17..20 bits, int32 digits)", () => {
  before(function () {
    if (!native) this.skip();
  });

  const edges = [0n, 1n, 2n, R - 1n, R - 2n, (R - 1n) / 2n, (R + 1n) / 2n, LAMBDA, R - LAMBDA, LAMBDA + 1n];

  it("at c = 17 matches the portable backend: GLV on and off, every bucket kind, 1..3 threads", () => {
    // 1100 points (>= 2 × 512, so two threads engage: 15 plain windows split by point chunks, 8 GLV windows by
    // window), drawn from 40 distinct points with one at infinity: repeats, P and −P (via r − 1), edges.
    const n = 1100;
    const base = Array.from({ length: 40 }, (_, i) => (i === 7 ? G1.ZERO : G1.BASE.multiply(BigInt(i + 2))));
    const bases = G1Bases.fromPoints(Array.from({ length: n }, (_, i) => base[i % 40]));
    const scalars = scalarsFrom(n, 5n).map((k, i) => (i % 5 === 0 ? edges[(i / 5) % edges.length] : k));
    const expected = msm(bases, scalars, { backend: "portable" });
    for (const glv of [false, true]) {
      for (const batchAffine of [undefined, true, false]) {
        const got = msm(bases, scalars, { backend: "native", threads: 2, windowBits: 17, glv, batchAffine });
        expect(got.equals(expected), `glv=${glv} batchAffine=${batchAffine}`).to.equal(true);
      }
    }
    for (const threads of [1, 3]) {
      expect(msm(bases, scalars, { backend: "native", threads, windowBits: 17 }).equals(expected), `t=${threads}`).to.equal(true);
    }
  });

  it("at c = 18, 19 and 20 matches the portable backend, GLV on and off", () => {
    const n = 1100;
    const base = Array.from({ length: 25 }, (_, i) => G1.BASE.multiply(BigInt(3 * i + 1)));
    const bases = G1Bases.fromPoints(Array.from({ length: n }, (_, i) => base[i % 25]));
    const scalars = scalarsFrom(n, 9n).map((k, i) => (i % 3 === 0 ? edges[(i / 3) % edges.length] : k));
    const expected = msm(bases, scalars, { backend: "portable" });
    for (const [windowBits, glv] of [[18, false], [19, true], [20, false], [20, true]] as const) {
      const got = msm(bases, scalars, { backend: "native", threads: 2, windowBits, glv });
      expect(got.equals(expected), `c=${windowBits} glv=${glv}`).to.equal(true);
    }
  });

  it("on digits at the boundary ±2^(c-1), negated points, carries into the top window, 0, 1, r − 1", () => {
    for (const c of [17, 20]) {
      const boundary = boundaryMagnitude(c, 252);
      const ones = [c - 1, c, c + 1, 2 * c, 126, 127, 250, 252].map((k) => (1n << BigInt(k)) - 1n);
      const mags = [boundary, boundary >> BigInt(c), ...ones, (R - 1n) / 2n, 1n << BigInt(c - 1), 1n];
      const scalars = [0n, ...mags.flatMap((m) => [m, R - m])];
      const points = scalars.map((_, i) => G1.BASE.multiply(BigInt(i + 2)));
      points[3] = points[4]; // a duplicate point with other scalars
      const bases = G1Bases.fromPoints(points);
      const expected = naive(points, scalars);
      for (const glv of [false, true]) {
        const got = msm(bases, scalars, { backend: "native", threads: 1, windowBits: c, glv });
        expect(got.equals(expected), `c=${c} glv=${glv}`).to.equal(true);
      }
    }
    // One term each at c = 17 (no other digits in the buckets): s·P alone.
    const p = G1.BASE.multiply(77n);
    for (const s of [1n, R - 1n, boundaryMagnitude(17, 252), R - boundaryMagnitude(17, 252), (R + 1n) / 2n]) {
      expect(msm(G1Bases.fromPoints([p]), [s], { backend: "native", windowBits: 17 }).equals(p.multiply(s)), `s=${s}`).to.equal(true);
    }
  });

  it("points at infinity, zero scalars and P + (−P) give the right sums", () => {
    const p = G1.BASE.multiply(1234n);
    const bases = G1Bases.fromPoints([p, G1.ZERO, p.negate(), p, G1.ZERO]);
    expect(msm(bases, [5n, 7n, 5n, 0n, R - 1n], { backend: "native", windowBits: 17 }).equals(G1.ZERO)).to.equal(true);
    expect(msm(bases, [0n, 0n, 0n, 0n, 0n], { backend: "native", windowBits: 17 }).equals(G1.ZERO)).to.equal(true);
    expect(msm(bases, [R - 1n, 3n, 0n, 1n, 9n], { backend: "native", windowBits: 19, glv: true }).equals(G1.ZERO)).to.equal(true);
    expect(msm(bases, [2n, 0n, 0n, R - 1n, 0n], { backend: "native", windowBits: 17, glv: false }).equals(p)).to.equal(true);
  });

  it("the plan takes a wide window where it saves a window outright (16-bit scalars), not for full-width or int8 ones", () => {
    expect(native!.msmPlan(1 << 20, 253, 2)).to.deep.equal({ glv: true, windowBits: 16, affine: true });
    expect(native!.msmPlan(1 << 22, 253, 2)).to.deep.equal({ glv: false, windowBits: 16, affine: true });
    expect(native!.msmPlan(1 << 24, 253, 2)).to.deep.equal({ glv: false, windowBits: 16, affine: true });
    expect(native!.msmPlan(1 << 22, 16, 2)).to.deep.equal({ glv: false, windowBits: 18, affine: true });
    for (const log of [16, 20, 22, 24, 26]) {
      for (const bits of [1, 8, 16, 126, 253]) expect(native!.msmPlan(2 ** log, bits, 2).windowBits).to.be.at.most(18);
      expect(native!.msmPlan(2 ** log, 8, 2).windowBits).to.be.at.most(16);
    }
  });

  it("refuses a window width above 20", () => {
    const bases = G1Bases.fromPoints([G1.BASE, G1.BASE.multiply(2n)]);
    expect(() => msm(bases, [1n, 2n], { backend: "native", windowBits: 21 })).to.throw(RangeError, /windowBits must be in 0\.\.20/);
  });
});
