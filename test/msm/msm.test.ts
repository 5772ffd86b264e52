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

    it("refuses a window width outside 1..20", () => {
      const bases = G1Bases.fromPoints(pointsFrom([1, 2]));
      expect(() => msm(bases, [1n, 2n], { backend: "native", windowBits: 21 })).to.throw(RangeError, /windowBits must be in 0\.\.20/);
      expect(() => msm(bases, [1n, 2n], { backend: "native", windowBits: -1 })).to.throw(RangeError, /windowBits must be in 0\.\.20/);
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

  describe("GLV endomorphism (native)", () => {
    // φ(x, y) = (β·x, y) = λ·(x, y) on G1; the native split is k ≡ k1 + k2·λ (mod r), |k1|, |k2| < 2^126.
    const P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
    const BETA = 0x30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd48n;
    const LAMBDA = 0x30644e72e131a029048b6e193fd84104cc37a73fec2bc5e9b8ca0b2d36636f23n;
    const BOUND = 1n << 126n;
    // The lattice basis (A1, -B1), (A2, B2): c1 = round(B2·k/r) and c2 = round(B1·k/r) change value where
    // B2·k/r or B1·k/r crosses a half-integer; scalars there are the split's rounding edges.
    const B1 = 0x89d3256894d213e3n;
    const B2 = 0x6f4d8248eeb859fd0be4e1541221250bn;
    const modP = (v: bigint): bigint => ((v % P) + P) % P;

    /** Scalars next to the rounding edges of c1 and c2, for a few multiples m. */
    function roundingEdges(multiples: readonly bigint[]): bigint[] {
      const out: bigint[] = [];
      for (const [coefficient, limit] of [[B2, B2], [B1, B1]] as const) {
        for (const m of multiples) {
          const k = ((2n * (m % limit) + 1n) * R) / (2n * coefficient); // B·k/r just below m + 1/2
          for (const d of [-1n, 0n, 1n, 2n]) if (k + d >= 0n && k + d < R) out.push(k + d);
        }
      }
      return out;
    }

    /** Random canonical scalars from a fixed seed (splitmix-style), reproducible. */
    function randomScalars(count: number, seed: bigint): bigint[] {
      let state = seed;
      const next = (): bigint => {
        state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
        return state ^ (state >> 29n);
      };
      return Array.from({ length: count }, () => ((next() << 192n) | (next() << 128n) | (next() << 64n) | next()) % R);
    }

    const edges = [0n, 1n, 2n, LAMBDA, R - LAMBDA, R - 1n, (R - 1n) / 2n, (R + 1n) / 2n, B1, B2, R - B2, LAMBDA + 1n];

    before(function () {
      if (!native) this.skip();
    });

    it("β and λ are matching cube roots of unity: (β·x, y) = λ·(x, y)", () => {
      expect(modP(BETA * BETA * BETA)).to.equal(1n);
      expect(BETA).to.not.equal(1n);
      expect(Fr.reduce(LAMBDA * LAMBDA + LAMBDA + 1n)).to.equal(0n);
      for (const k of [1n, 7n, 0x1234567890abcdefn]) {
        const p = G1.BASE.multiply(k);
        const { x, y } = p.toAffine();
        expect(G1.fromAffine({ x: modP(BETA * x), y }).equals(p.multiply(LAMBDA))).to.equal(true);
      }
    });

    it("splits k into k1 + k2·λ with |k1|, |k2| < 2^126: random k, edges, the rounding boundaries of both halves", () => {
      const ks = [...edges, ...roundingEdges(randomScalars(200, 3n)), ...randomScalars(20000, 11n)];
      const halves = native!.glvSplit(ks);
      expect(halves).to.have.length(2 * ks.length);
      let widest = 0n;
      const wrong: bigint[] = [];
      for (const [i, k] of ks.entries()) {
        const [k1, k2] = [halves[2 * i], halves[2 * i + 1]];
        const m1 = k1 < 0n ? -k1 : k1;
        const m2 = k2 < 0n ? -k2 : k2;
        if (Fr.reduce(k1 + k2 * LAMBDA) !== k || m1 >= BOUND || m2 >= BOUND) wrong.push(k);
        if (m1 > widest) widest = m1;
        if (m2 > widest) widest = m2;
      }
      expect(wrong).to.deep.equal([]);
      // The bound is tight to within a factor 2: the widest half seen is above 2^125.
      expect(widest > BOUND / 2n).to.equal(true);
      expect(native!.glvSplit([0n])).to.deep.equal([0n, 0n]);
      expect(native!.glvSplit([LAMBDA])).to.deep.equal([0n, 1n]);
      expect(native!.glvSplit([R - LAMBDA])).to.deep.equal([0n, -1n]);
      expect(native!.glvSplit([R - 1n])).to.deep.equal([-1n, 0n]);
    });

    it("refuses a non-canonical scalar in the split, naming the index", () => {
      expect(() => native!.glvSplit([1n, R])).to.throw(RangeError, /scalar 1 is not a canonical Fr element/);
    });

    it("GLV on, off and automatic agree with the portable backend on edge scalars (odd sizes, every thread count)", () => {
      // Scalars whose halves sit at the bounds: the widest k1 and k2 among many random k, and their negations.
      const sample = randomScalars(4000, 5n);
      const split = native!.glvSplit(sample);
      const abs = (v: bigint): bigint => (v < 0n ? -v : v);
      const widest = (h: number): bigint =>
        sample.reduce((best, k, i) => (abs(split[2 * i + h]) > abs(split[2 * best.index + h]) ? { k, index: i } : best), {
          k: sample[0],
          index: 0,
        }).k;
      const wide = [widest(0), widest(1)];
      const pool = [...edges, ...wide, ...wide.map((k) => R - k), ...roundingEdges([5n, 1n << 100n])];
      const srsPoints = pointsFrom(Array.from({ length: 64 }, (_, i) => (i % 9 === 4 ? 0 : i * 7919 + 1)));
      for (const n of [1, 2, 3, 17, 63]) {
        const points = srsPoints.slice(0, n);
        const bases = G1Bases.fromPoints(points);
        fc.assert(
          fc.property(fc.array(fc.oneof(fc.constantFrom(...pool), scalarArb), { minLength: n, maxLength: n }), (scalars) => {
            const expected = msm(bases, scalars, { backend: "portable" });
            for (const glv of [true, false, undefined]) {
              for (const threads of [1, 2, 3]) {
                expect(msm(bases, scalars, { backend: "native", threads, glv }).equals(expected), `glv=${glv} t=${threads}`).to.equal(true);
              }
            }
          }),
          { numRuns: 6 },
        );
      }
    });

    it("with GLV on: repeated points, P and -P, infinity, n = 0 and 1, forced window widths, 1100 points on 1..3 threads", () => {
      const glv = true;
      const p = G1.BASE.multiply(123n);
      const bases3 = G1Bases.fromPoints([p, p, p.negate()]);
      expect(msm(bases3, [], { backend: "native", glv }).equals(G1.ZERO)).to.equal(true);
      expect(msm(bases3, [LAMBDA], { backend: "native", glv }).equals(p.multiply(LAMBDA))).to.equal(true);
      expect(msm(bases3, [LAMBDA, R - LAMBDA, 0n], { backend: "native", glv }).equals(G1.ZERO)).to.equal(true);
      expect(msm(bases3, [LAMBDA, 0n, LAMBDA], { backend: "native", glv }).equals(G1.ZERO)).to.equal(true);
      expect(msm(bases3, [R - 1n, R - 1n, 1n], { backend: "native", glv }).equals(p.multiply(3n).negate())).to.equal(true);
      expect(msm(G1Bases.fromPoints([G1.ZERO, p]), [R - 1n, 0n], { backend: "native", glv }).equals(G1.ZERO)).to.equal(true);

      const n = 1100; // >= 2 × 512 points, so threads engage (whole windows or point chunks, depending on c)
      const base = pointsFrom(Array.from({ length: 40 }, (_, i) => (i === 7 ? 0 : i + 2)));
      const bases = G1Bases.fromPoints(Array.from({ length: n }, (_, i) => base[i % 40]));
      const scalars = randomScalars(n, 17n).map((k, i) => (i % 5 === 0 ? edges[i % edges.length] : k));
      const expected = msm(bases, scalars, { backend: "portable" });
      for (const windowBits of [1, 2, 7, 13, 15, 16, undefined]) {
        for (const threads of [1, 2, 3]) {
          expect(msm(bases, scalars, { backend: "native", threads, windowBits, glv }).equals(expected), `c=${windowBits} t=${threads}`).to.equal(true);
        }
      }
    });

    it("the plan splits wide scalars and leaves narrow ones whole", () => {
      const wide = native!.msmPlan(1 << 16, 253, 2);
      expect(wide.glv).to.equal(true);
      expect(wide.windowBits).to.be.within(1, 17);
      expect(native!.msmPlan(1 << 16, 8, 2).glv).to.equal(false);
      expect(native!.msmPlan(1 << 20, 128, 2).glv).to.equal(false);
      expect(native!.msmPlan(0, 0).glv).to.equal(false);
      expect(() => native!.msmPlan(1, 300)).to.throw(RangeError, /bits must be in 0\.\.254/);
    });

    it("refuses a glv argument outside 0..2", () => {
      const bytes = G1Bases.fromPoints([G1.BASE]).montgomeryBytes();
      expect(() => native!.msm(bytes, [1n], 1, 0, 3 as 0)).to.throw(RangeError, /glv must be 0 \(automatic\), 1 \(on\) or 2 \(off\)/);
    });
  });

  describe("batch-affine buckets (native)", () => {
    // Affine buckets filled by batches sharing one inversion (native/src/batch_affine.h): a point meeting a
    // bucket already in the batch is deferred, the deferral queue spills into XYZZ side buckets when full,
    // P + P enters the batch as a doubling and P + (−P) empties the bucket. Forced on here; results must be
    // those of the XYZZ buckets and of the portable backend.
    const batchAffine = true;
    const p = G1.BASE.multiply(123n);

    before(function () {
      if (!native) this.skip();
    });

    it("n = 0 and 1, repeated points, P and -P, P + P, infinity (GLV on and off)", () => {
      const bases3 = G1Bases.fromPoints([p, p, p.negate()]);
      for (const glv of [true, false, undefined]) {
        const o = { backend: "native", batchAffine, glv } as const;
        expect(msm(bases3, [], o).equals(G1.ZERO)).to.equal(true);
        expect(msm(bases3, [7n], o).equals(p.multiply(7n))).to.equal(true);
        expect(msm(bases3, [R - 1n], o).equals(p.negate())).to.equal(true);
        expect(msm(bases3, [5n, R - 5n, 0n], o).equals(G1.ZERO)).to.equal(true); // P + (−P) in one bucket
        expect(msm(bases3, [5n, 0n, 5n], o).equals(G1.ZERO)).to.equal(true);
        expect(msm(bases3, [5n, 5n, 0n], o).equals(p.multiply(10n))).to.equal(true); // P + P: a doubling
        expect(msm(bases3, [5n, 5n, R - 5n], o).equals(p.multiply(15n))).to.equal(true);
        expect(msm(bases3, [R - 5n, R - 5n, 5n], o).equals(p.multiply(15n).negate())).to.equal(true);
        expect(msm(G1Bases.fromPoints([G1.ZERO, p]), [R - 1n, 0n], o).equals(G1.ZERO)).to.equal(true);
        expect(msm(G1Bases.fromPoints([G1.ZERO, p, G1.ZERO]), [3n, 4n, 5n], o).equals(p.multiply(4n))).to.equal(true);
      }
    });

    it("matches XYZZ and portable on random inputs with heavy bucket collisions (small pools of points and scalars)", () => {
      const pool = pointsFrom([1, 2, 3, 0]);
      const points = [...pool, pool[0].negate(), pool[1].negate()];
      const scalars = [1n, 2n, 3n, R - 1n, R - 2n, (R - 1n) / 2n, (R + 1n) / 2n, 0n];
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: points.length - 1 }), fc.integer({ min: 0, max: scalars.length - 1 })), {
            minLength: 1,
            maxLength: 80,
          }),
          fc.integer({ min: 1, max: 16 }),
          fc.boolean(),
          (pairs, windowBits, glv) => {
            const pts = pairs.map(([i]) => points[i]);
            const sc = pairs.map(([, j]) => scalars[j]);
            const bases = G1Bases.fromPoints(pts);
            const expected = naive(pts, sc);
            for (const mode of [true, false]) {
              const got = msm(bases, sc, { backend: "native", batchAffine: mode, windowBits, glv });
              expect(got.equals(expected), `batchAffine=${mode} c=${windowBits} glv=${glv}`).to.equal(true);
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    it("every point in one bucket: deferral queue full, spill into the XYZZ side bucket (1 and 2 threads)", () => {
      // 1100 points, one scalar: at c = 16 the batch holds one addition, the next 256 conflicting points are
      // deferred and the rest spill; at c = 1 the batch is a single addition and nothing is deferred (only
      // for s = 1: forced affine buckets at c = 1 cost an inversion per addition, 255 windows for wide s).
      const n = 1100;
      const base = pointsFrom(Array.from({ length: 37 }, (_, i) => (i === 5 ? 0 : i + 2)));
      const points = Array.from({ length: n }, (_, i) => base[i % 37]);
      const bases = G1Bases.fromPoints(points);
      for (const s of [1n, R - 1n, 0x1234567890abcdefn, (R - 1n) / 2n]) {
        const scalars = new Array<bigint>(n).fill(s);
        const expected = msm(bases, scalars, { backend: "portable" });
        for (const windowBits of s === 1n ? [1, 16, undefined] : [16, undefined]) {
          for (const threads of [1, 2]) {
            const got = msm(bases, scalars, { backend: "native", threads, windowBits, batchAffine });
            expect(got.equals(expected), `s=${s} c=${windowBits} t=${threads}`).to.equal(true);
          }
        }
      }
    });

    it("on 1500 repeated points at forced window widths, GLV on and off, 1 and 2 threads", () => {
      // Few buckets (small c) make batches of one or two additions and long deferral chains, flushed while the
      // deferred points are being retried; large c makes batches of 1024. (c = 1..4 are left to the random
      // test above: forced affine buckets there cost an inversion per addition over up to 255 windows.)
      const n = 1500;
      const base = pointsFrom(Array.from({ length: 50 }, (_, i) => (i === 9 ? 0 : i + 2)));
      const points = Array.from({ length: n }, (_, i) => base[i % 50]);
      const bases = G1Bases.fromPoints(points);
      const full = Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? R - 1n : i % 11 === 0 ? (R - 1n) / 2n : Fr.reduce(BigInt(i + 1) ** 37n * 0x9e3779b97f4a7c15n),
      );
      const small = Array.from({ length: n }, (_, i) => Fr.fromSigned(((i * 131) % 255) - 127));
      for (const scalars of [full, small]) {
        const expected = msm(bases, scalars, { backend: "portable" });
        for (const windowBits of [5, 9, 12, 16, undefined]) {
          for (const glv of [true, false]) {
            for (const threads of [1, 2]) {
              const got = msm(bases, scalars, { backend: "native", threads, windowBits, glv, batchAffine });
              expect(got.equals(expected), `c=${windowBits} glv=${glv} t=${threads}`).to.equal(true);
            }
          }
        }
      }
    });

    it("at c = 16, on digits at the int16 boundary (±2^15) for positive and negated points", () => {
      const boundary = Array.from({ length: 15 }, (_, w) => 1n << BigInt(16 * w + 15)).reduce((a, b) => a + b);
      const ones = [15, 16, 17, 31, 32, 33, 63, 64, 240, 250, 252].map((k) => (1n << BigInt(k)) - 1n);
      const mags = [boundary, boundary >> 16n, ...ones, (R - 1n) / 2n, 1n << 15n, 3n << 14n];
      const scalars = mags.flatMap((m) => [m, R - m]);
      const points = pointsFrom(scalars.map((_, i) => i + 2));
      const bases = G1Bases.fromPoints(points);
      const expected = naive(points, scalars);
      for (const glv of [true, false]) {
        for (const threads of [1, 2]) {
          const got = msm(bases, scalars, { backend: "native", threads, windowBits: 16, glv, batchAffine });
          expect(got.equals(expected), `glv=${glv} t=${threads}`).to.equal(true);
        }
      }
      for (const [i, s] of scalars.entries()) {
        const one = [...new Array<bigint>(i).fill(0n), s];
        expect(msm(bases, one, { backend: "native", windowBits: 16, glv: false, batchAffine }).equals(points[i].multiply(s)), `scalar ${i}`).to.equal(true);
      }
    });

    it("the plan takes affine buckets for large full-width MSMs and XYZZ for small ones; forcing either is honoured", () => {
      expect(native!.msmPlan(1 << 20, 253, 2).affine).to.equal(true);
      expect(native!.msmPlan(1 << 18, 253, 2).affine).to.equal(true);
      expect(native!.msmPlan(64, 253, 2).affine).to.equal(false);
      expect(native!.msmPlan(1 << 16, 8, 2).affine).to.equal(false);
      const bases = G1Bases.fromPoints(pointsFrom([1, 2, 3]));
      for (const batch of [true, false]) {
        expect(msm(bases, [1n, 2n, 3n], { backend: "native", batchAffine: batch }).equals(G1.BASE.multiply(14n))).to.equal(true);
      }
    });

    it("refuses a buckets argument outside 0..2", () => {
      const bytes = G1Bases.fromPoints([G1.BASE]).montgomeryBytes();
      expect(() => native!.msm(bytes, [1n], 1, 0, 0, 3 as 0)).to.throw(RangeError, /buckets must be 0 \(automatic\), 1 \(affine\) or 2 \(XYZZ\)/);
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
