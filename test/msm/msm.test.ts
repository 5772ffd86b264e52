import { expect } from "chai";
import fc from "fast-check";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { G1Bases, loadNative, msm, nativeLoadError, selectedBackend } from "../../src/msm";
import { POINT_BYTES, pointsToCanonicalBytes } from "../../src/msm/layout";

const R = Fr.MODULUS;
const native = loadNative();

/** sum s_i·P_i the slow obvious way, independent of both backends. */
function naive(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return scalars.reduce((acc, s, i) => (s === 0n ? acc : acc.add(points[i].multiply(s))), G1.ZERO);
}

/** Distinct-ish points k_i·G (k_i from a seed), with a given index forced to infinity when asked. */
function pointsFrom(seeds: readonly number[]): G1Point[] {
  return seeds.map((k) => (k === 0 ? G1.ZERO : G1.BASE.multiply(BigInt(k))));
}

const scalarArb = fc.oneof(
  fc.constant(0n),
  fc.constant(1n),
  fc.constant(R - 1n),
  fc.constant((R - 1n) / 2n),
  fc.constant((R + 1n) / 2n),
  fc.integer({ min: -300, max: 300 }).map((k) => Fr.fromSigned(k)),
  fc.bigInt({ min: 0n, max: R - 1n }),
);

describe("msm", () => {
  it("native kernels are built on this machine (set DEEPPROVE_SKIP_NATIVE=1 to allow the fallback)", function () {
    if (process.env.DEEPPROVE_SKIP_NATIVE === "1") this.skip();
    expect(nativeLoadError()).to.equal(undefined);
    if (!process.env.DEEPPROVE_MSM_BACKEND) expect(selectedBackend()).to.equal("native");
  });

  for (const backend of ["native", "portable"] as const) {
    describe(`${backend} backend`, () => {
      before(function () {
        if (backend === "native" && !native) this.skip();
      });

      it("n = 0 gives infinity, n = 1 gives s·P", () => {
        const bases = G1Bases.fromPoints([G1.BASE.multiply(5n)]);
        expect(msm(bases, [], { backend }).equals(G1.ZERO)).to.equal(true);
        expect(msm(bases, [7n], { backend }).equals(G1.BASE.multiply(35n))).to.equal(true);
        expect(msm(bases, [R - 1n], { backend }).equals(G1.BASE.multiply(5n).negate())).to.equal(true);
      });

      it("matches the naive sum on random inputs with zeros, r - 1, small negatives, repeats, infinity", () => {
        fc.assert(
          fc.property(
            fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), scalarArb), { minLength: 1, maxLength: 24 }),
            (pairs) => {
              const points = pointsFrom(pairs.map(([k]) => k));
              const scalars = pairs.map(([, s]) => s);
              expect(msm(G1Bases.fromPoints(points), scalars, { backend }).equals(naive(points, scalars))).to.equal(true);
            },
          ),
          { numRuns: backend === "native" ? 60 : 15 },
        );
      });

      it("cancels to infinity (P and -P, s and r - s)", () => {
        const p = G1.BASE.multiply(123n);
        const bases = G1Bases.fromPoints([p, p, p.negate()]);
        expect(msm(bases, [5n, R - 5n, 0n], { backend }).equals(G1.ZERO)).to.equal(true);
        expect(msm(bases, [5n, 0n, 5n], { backend }).equals(G1.ZERO)).to.equal(true);
        expect(msm(bases, [5n, 5n, R - 5n], { backend }).equals(p.multiply(15n))).to.equal(true);
      });

      it("uses only a prefix of longer bases, and rejects more scalars than bases", () => {
        const points = pointsFrom([3, 5, 7, 11]);
        const bases = G1Bases.fromPoints(points);
        expect(msm(bases, [1n, 2n], { backend }).equals(G1.BASE.multiply(13n))).to.equal(true);
        expect(() => msm(bases.prefix(1), [1n, 2n], { backend })).to.throw(RangeError, /2 scalars but only 1 bases/);
      });

      it("rejects non-canonical scalars, naming the index", () => {
        const bases = G1Bases.fromPoints(pointsFrom([1, 2, 3]));
        expect(() => msm(bases, [1n, R, 2n], { backend })).to.throw(RangeError, /scalar 1 is not a canonical Fr element/);
        expect(() => msm(bases, [-1n], { backend })).to.throw(RangeError, /scalar 0 is not a canonical Fr element/);
        expect(() => msm(bases, [1n << 300n], { backend })).to.throw(RangeError, /scalar 0/);
      });
    });
  }

  describe("native and portable agree", () => {
    before(function () {
      if (!native) this.skip();
    });

    it("on sizes around window and thread boundaries (non-powers of two)", () => {
      const srsPoints = pointsFrom(Array.from({ length: 64 }, (_, i) => i * 7919 + 1));
      for (const n of [2, 3, 17, 63, 64]) {
        const bases = G1Bases.fromPoints(srsPoints.slice(0, n));
        fc.assert(
          fc.property(fc.array(scalarArb, { minLength: n, maxLength: n }), (scalars) => {
            const a = msm(bases, scalars, { backend: "native", threads: 2 });
            const b = msm(bases, scalars, { backend: "portable" });
            expect(a.equals(b)).to.equal(true);
          }),
          { numRuns: 4 },
        );
      }
    });

    it("at every forced window width, across the carry into the top window", () => {
      const n = 1100; // >= 2 × 512 points, so two threads engage (by windows or by chunks, depending on c)
      const points = pointsFrom(Array.from({ length: n }, (_, i) => (i * 104729) % 5000 + 1));
      const bases = G1Bases.fromPoints(points);
      const scalars = Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? R - 1n : i % 11 === 0 ? (R - 1n) / 2n : Fr.reduce(BigInt(i + 3) ** 41n),
      );
      const expected = msm(bases, scalars, { backend: "portable" });
      for (const windowBits of [1, 2, 3, 5, 8, 11, 13, 15, 16]) {
        for (const threads of [1, 2]) {
          expect(msm(bases, scalars, { backend: "native", threads, windowBits }).equals(expected), `c=${windowBits}`).to.equal(true);
        }
      }
    });

    it("at c = 16, on digits at the int16 boundary (±2^15) for positive and negated points", () => {
      // Magnitudes whose every 16-bit window is exactly 2^15 (the rounding boundary), all-ones runs that carry
      // through every window, and short scalars whose top window takes the carry; each also negated (r - m).
      const boundary = Array.from({ length: 15 }, (_, w) => 1n << BigInt(16 * w + 15)).reduce((a, b) => a + b);
      const ones = [15, 16, 17, 31, 32, 33, 63, 64, 240, 250, 252].map((k) => (1n << BigInt(k)) - 1n);
      const mags = [boundary, boundary >> 16n, ...ones, (R - 1n) / 2n, 1n << 15n, 3n << 14n];
      const scalars = mags.flatMap((m) => [m, R - m]);
      const points = pointsFrom(scalars.map((_, i) => i + 2));
      const bases = G1Bases.fromPoints(points);
      const expected = naive(points, scalars);
      for (const threads of [1, 2]) {
        expect(msm(bases, scalars, { backend: "native", threads, windowBits: 16 }).equals(expected)).to.equal(true);
      }
      for (const [i, s] of scalars.entries()) {
        expect(msm(bases, [...new Array<bigint>(i).fill(0n), s], { backend: "native", windowBits: 16 }).equals(points[i].multiply(s)), `scalar ${i}`).to.equal(true);
      }
    });

    it("refuses a window width outside 1..16", () => {
      const bases = G1Bases.fromPoints(pointsFrom([1, 2]));
      expect(() => msm(bases, [1n, 2n], { backend: "native", windowBits: 17 })).to.throw(RangeError, /windowBits must be in 0\.\.16/);
    });

    it("on 1500 points over every thread count, with full and with small signed scalars", () => {
      const n = 1500;
      const base = pointsFrom(Array.from({ length: 50 }, (_, i) => i + 2));
      const points = Array.from({ length: n }, (_, i) => base[i % 50]); // heavy repetition
      const bases = G1Bases.fromPoints(points);
      const full = Array.from({ length: n }, (_, i) => Fr.reduce(BigInt(i + 1) ** 37n * 0x9e3779b97f4a7c15n));
      const small = Array.from({ length: n }, (_, i) => Fr.fromSigned(((i * 131) % 255) - 127));
      for (const scalars of [full, small]) {
        const expected = msm(bases, scalars, { backend: "portable" });
        for (const threads of [1, 2, 3]) {
          expect(msm(bases, scalars, { backend: "native", threads }).equals(expected)).to.equal(true);
        }
      }
    });
  });

  describe("G1Bases", () => {
    const points = pointsFrom([0, 1, 2, 99, 12345]);

    it("round-trips points through Montgomery bytes, keeping infinity", () => {
      const bases = G1Bases.fromPoints(points);
      const again = G1Bases.fromMontgomeryBytes(bases.montgomeryBytes());
      expect(again.length).to.equal(points.length);
      for (let i = 0; i < points.length; i++) expect(again.at(i).equals(points[i])).to.equal(true);
      expect(again.toPoints().map((p, i) => p.equals(points[i]))).to.deep.equal(points.map(() => true));
      expect(Array.from(again.montgomeryBytes().subarray(0, POINT_BYTES))).to.deep.equal(new Array(64).fill(0));
    });

    it("prefix shares storage and bounds-checks", () => {
      const bases = G1Bases.fromMontgomeryBytes(G1Bases.fromPoints(points).montgomeryBytes());
      const p = bases.prefix(2);
      expect(p.length).to.equal(2);
      expect(p.at(1).equals(G1.BASE)).to.equal(true);
      expect(() => p.at(2)).to.throw(RangeError, /index 2 outside 0..1/);
      expect(() => bases.prefix(6)).to.throw(RangeError, /6 is not in 0..5/);
      expect(bases.prefix(0).length).to.equal(0);
    });

    it("refuses bytes that are not curve points, naming the point and offset", () => {
      const good = G1Bases.fromPoints(points).montgomeryBytes();
      const offCurve = new Uint8Array(good);
      offCurve[3 * POINT_BYTES + 5] ^= 1;
      expect(() => G1Bases.fromMontgomeryBytes(offCurve, { source: "x.bin" })).to.throw(
        RangeError,
        /x\.bin: G1 point 3 \(byte offset 192\) is not a valid BN254 G1 point/,
      );
      const unreduced = new Uint8Array(good);
      unreduced.fill(0xff, 2 * POINT_BYTES, 2 * POINT_BYTES + 32);
      expect(() => G1Bases.fromMontgomeryBytes(unreduced)).to.throw(RangeError, /G1 point 2/);
      expect(() => G1Bases.fromMontgomeryBytes(new Uint8Array(65))).to.throw(RangeError, /not a multiple of 64/);
    });

    it("canonical byte layout is little-endian x ‖ y", () => {
      const bytes = pointsToCanonicalBytes([G1.BASE]);
      expect(bytes[0]).to.equal(1);
      expect(bytes[32]).to.equal(2);
      expect(bytes.reduce((a, b) => a + b, 0)).to.equal(3);
    });
  });

  describe("backend selection", () => {
    const saved = process.env.DEEPPROVE_MSM_BACKEND;
    afterEach(() => {
      if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
      else process.env.DEEPPROVE_MSM_BACKEND = saved;
    });

    it("honours DEEPPROVE_MSM_BACKEND and rejects unknown values", () => {
      process.env.DEEPPROVE_MSM_BACKEND = "portable";
      expect(selectedBackend()).to.equal("portable");
      process.env.DEEPPROVE_MSM_BACKEND = "auto";
      expect(selectedBackend()).to.equal(native ? "native" : "portable");
      process.env.DEEPPROVE_MSM_BACKEND = "gpu";
      expect(() => selectedBackend()).to.throw(/DEEPPROVE_MSM_BACKEND=gpu is not one of native, portable, auto/);
    });
  });
});
