import { expect } from "chai";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { G1Bases, loadNative, msm, nativeMsmFlush } from "../../src/msm";
import { randomFrs } from "../sumcheck/helpers";

// The batch-affine buckets' flush (native/src/batch_affine.h) runs either on the arithmetic copy's scalar
// products or, on CPUs with AVX-512 IFMA, eight additions per vector (native/src/ifma/flush.cc: radix-2^52
// Montgomery, other scales, lane chains for the batch inversion, gathers and scatters of the buckets). Every
// test here runs on both flushes (the IFMA one where the CPU has it) against the portable (noble) backend or
// the naive sum, and checks through the addon's batch counter that the IFMA flush really ran. Batches of fewer
// than 32 additions always take the scalar flush, so the inputs are sized to fill larger ones (window widths
// of 9 bits and up: 2^8 buckets, batches of 32; c = 16: batches of 1024); the last batch of every window is
// whatever is left, so its size is rarely a multiple of 8.

const native = loadNative();
const R = Fr.MODULUS;
const Fp = bn254.fields.Fp;
const P = Fp.ORDER;
const LAMBDA = 0x30644e72e131a029048b6e193fd84104cc37a73fec2bc5e9b8ca0b2d36636f23n;
const ADDON = join(__dirname, "..", "..", "native", "build", "Release", "deepprove_native.node");
type Flush = "ifma" | "scalar";

/** sum s_i·P_i the slow obvious way (noble), independent of the native kernels. */
function naive(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return scalars.reduce((acc, s, i) => (s === 0n ? acc : acc.add(points[i].multiply(s))), G1.ZERO);
}

/** k·G for each k (0: infinity). */
function pointsFrom(seeds: readonly number[]): G1Point[] {
  return seeds.map((k) => (k === 0 ? G1.ZERO : G1.BASE.multiply(BigInt(k))));
}

/**
 * Curve points whose x in Montgomery form (x·2^256 mod p, the word the flush repacks into 52-bit limbs) sits at
 * a 52-bit or 64-bit limb boundary or next to p, where x^3 + 3 is a square; each with both y.
 */
function limbEdgePoints(): G1Point[] {
  const powers = [1, 51, 52, 53, 63, 64, 103, 104, 105, 155, 156, 157, 207, 208, 209, 252, 253].map((k) => 1n << BigInt(k));
  const values = [1n, 2n, P - 1n, P - 2n, ...powers, ...powers.map((x) => x - 1n), ...powers.map((x) => P - x)];
  const rInv = Fp.inv(Fp.create((1n << 256n) % P));
  const out: G1Point[] = [];
  for (const xMont of values) {
    const x = Fp.mul(xMont % P, rInv);
    let y: bigint;
    try {
      y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
    } catch {
      continue; // not the x of a curve point
    }
    for (const yy of [y, Fp.neg(y)]) out.push(G1.fromAffine({ x, y: yy }));
  }
  return out;
}

/** Scalars at the edges: 0, 1, 2, r − 1, r − 2, (r ± 1)/2, λ, −λ, and the split's halves' extremes. */
const EDGE_SCALARS = [0n, 1n, 2n, R - 1n, R - 2n, (R - 1n) / 2n, (R + 1n) / 2n, LAMBDA, R - LAMBDA, (1n << 126n) - 1n];

describe("MSM batch-affine flush: ifma and scalar (native)", () => {
  let initial: Flush;
  const flushes: Flush[] = [];

  before(function () {
    if (!native) this.skip();
    initial = native.msmFlush();
    flushes.push("scalar");
    if (native.ifmaSupported()) flushes.push("ifma");
  });

  after(() => {
    if (native) native.msmFlush(initial);
  });

  /** Runs `body` on the given flush and checks whether IFMA batches ran (they must, on the ifma flush). */
  function onFlush(flush: Flush, body: () => void): void {
    const n = native!;
    n.msmFlush(flush);
    const before = n.ifmaBatches();
    try {
      body();
    } finally {
      n.msmFlush(initial);
    }
    const ran = n.ifmaBatches() - before;
    if (flush === "ifma") expect(ran, "IFMA batches run").to.be.greaterThan(0);
    else expect(ran, "IFMA batches run on the scalar flush").to.equal(0);
  }

  it("selects ifma exactly when the CPU has AVX-512 IFMA, switches, and refuses unknown names", () => {
    const n = native!;
    if (!process.env.DEEPPROVE_MSM_FLUSH) expect(initial).to.equal(n.ifmaSupported() ? "ifma" : "scalar");
    expect(nativeMsmFlush()).to.equal(initial);
    expect(n.msmFlush("scalar")).to.equal("scalar");
    expect(n.msmFlush("auto")).to.equal(n.ifmaSupported() ? "ifma" : "scalar");
    expect(() => n.msmFlush("vector" as "ifma")).to.throw(RangeError, /"vector" is not one of auto, ifma, scalar/);
    if (n.ifmaSupported()) expect(n.msmFlush("ifma")).to.equal("ifma");
    else expect(() => n.msmFlush("ifma")).to.throw(RangeError, /needs a CPU with AVX-512 F and IFMA/);
    n.msmFlush(initial);
  });

  it("DEEPPROVE_MSM_FLUSH forces each flush in a fresh process; a bad value is refused", () => {
    const run = (value: string) =>
      spawnSync(process.execPath, ["-e", `process.stdout.write(require(${JSON.stringify(ADDON)}).msmFlush())`], {
        env: { ...process.env, DEEPPROVE_MSM_FLUSH: value },
        encoding: "utf8",
      });
    const scalar = run("scalar");
    expect(scalar.status, scalar.stderr).to.equal(0);
    expect(scalar.stdout).to.equal("scalar");
    const ifma = run("ifma");
    expect(ifma.status, ifma.stderr).to.equal(0);
    expect(ifma.stdout).to.equal(native!.ifmaSupported() ? "ifma" : "scalar"); // the addon alone falls back
    const saved = process.env.DEEPPROVE_MSM_FLUSH;
    try {
      process.env.DEEPPROVE_MSM_FLUSH = "turbo";
      expect(() => nativeMsmFlush()).to.throw(/DEEPPROVE_MSM_FLUSH=turbo is not one of auto, ifma, scalar/);
      if (!native!.ifmaSupported()) {
        process.env.DEEPPROVE_MSM_FLUSH = "ifma";
        expect(() => nativeMsmFlush()).to.throw(/lacks AVX-512 IFMA/);
      }
    } finally {
      if (saved === undefined) delete process.env.DEEPPROVE_MSM_FLUSH;
      else process.env.DEEPPROVE_MSM_FLUSH = saved;
    }
  });

  for (const flush of ["scalar", "ifma"] as const) {
    describe(`${flush} flush`, () => {
      before(function () {
        if (!flushes.includes(flush)) this.skip();
      });

      it("edge scalars, repeated points (P + P in a batch), P and −P, infinity, sizes not a multiple of 8", () => {
        // 1001 and 1543 terms over 61 points (one of them infinity, some negated copies), so buckets receive the
        // same point again (a doubling in the batch), its negation (the bucket empties) and everything else.
        const base = pointsFrom(Array.from({ length: 61 }, (_, i) => (i === 17 ? 0 : 1000 + 7 * i)));
        for (const n of [1001, 1543]) {
          const points = Array.from({ length: n }, (_, i) => (i % 5 === 3 ? base[i % 61].negate() : base[i % 61]));
          const random = randomFrs(n, `ifma/edge/${n}`);
          const scalars = random.map((s, i) => (i % 3 === 0 ? EDGE_SCALARS[(i / 3) % EDGE_SCALARS.length] : i % 3 === 1 ? BigInt(i % 29) : s));
          const bases = G1Bases.fromPoints(points);
          const expected = msm(bases, scalars, { backend: "portable" });
          onFlush(flush, () => {
            for (const [windowBits, glv, threads] of [
              [9, true, 1],
              [10, false, 2],
              [13, true, 2],
              [16, false, 1],
              [undefined, undefined, 2],
            ] as const) {
              const got = msm(bases, scalars, { backend: "native", batchAffine: true, windowBits, glv, threads });
              expect(got.equals(expected), `n=${n} c=${windowBits} glv=${glv} t=${threads}`).to.equal(true);
            }
          });
        }
      });

      it("points whose Montgomery x is at a 52- or 64-bit limb boundary, each added to itself and to others", () => {
        const edgePoints = limbEdgePoints();
        expect(edgePoints.length).to.be.greaterThan(10);
        // Each edge point 12 times with digits that repeat (doublings of edge x, then sums with random points).
        const filler = pointsFrom(Array.from({ length: 40 }, (_, i) => 5000 + 13 * i));
        const points = [...Array.from({ length: 12 }, () => edgePoints).flat(), ...filler];
        const scalars = points.map((_, i) => (i < 12 * edgePoints.length ? BigInt(1 + (i % edgePoints.length)) * BigInt(1 + Math.floor(i / 97)) : Fr.reduce(BigInt(i) ** 19n)));
        const bases = G1Bases.fromPoints(points);
        const expected = naive(points, scalars);
        onFlush(flush, () => {
          for (const windowBits of [9, 11]) {
            for (const glv of [true, false]) {
              const got = msm(bases, scalars, { backend: "native", batchAffine: true, windowBits, glv, threads: 1 });
              expect(got.equals(expected), `c=${windowBits} glv=${glv}`).to.equal(true);
            }
          }
        });
      });

      it("heavy bucket collisions (small pools of points and scalars): deferrals and spills around full batches", () => {
        const pool = pointsFrom([1, 2, 3, 0, 5, 8]);
        const points = [...pool, pool[0].negate(), pool[1].negate()];
        // About 60 distinct scalars: enough distinct buckets per window to fill batches of 32, few enough that
        // hundreds of points collide in them (deferral queue full, spills).
        const scalars = [...EDGE_SCALARS, 3n, 300n, 511n, ...randomFrs(48, "ifma/pool")];
        onFlush(flush, () => {
          fc.assert(
            fc.property(
              fc.array(fc.tuple(fc.integer({ min: 0, max: points.length - 1 }), fc.integer({ min: 0, max: scalars.length - 1 })), {
                minLength: 300,
                maxLength: 700,
              }),
              fc.integer({ min: 9, max: 11 }),
              fc.boolean(),
              (pairs, windowBits, glv) => {
                const pts = pairs.map(([i]) => points[i]);
                const sc = pairs.map(([, j]) => scalars[j]);
                // Collapse to distinct (point, scalar) sums for the reference: Σ over the pool of (Σ scalars)·P.
                const sums = new Map<number, bigint>();
                pairs.forEach(([i, j]) => sums.set(i, Fr.add(sums.get(i) ?? 0n, scalars[j])));
                const expected = [...sums].reduce((acc, [i, s]) => (s === 0n ? acc : acc.add(points[i].multiply(s))), G1.ZERO);
                const got = msm(G1Bases.fromPoints(pts), sc, { backend: "native", batchAffine: true, windowBits, glv });
                expect(got.equals(expected), `c=${windowBits} glv=${glv}`).to.equal(true);
              },
            ),
            { numRuns: 12 },
          );
        });
      });
    });
  }

  it("ifma and scalar give identical bytes on random inputs: every plan shape, 1 and 2 threads, sizes off by one", function () {
    if (flushes.length < 2) this.skip();
    const n = native!;
    const size = (1 << 13) + 3;
    const scalars = randomFrs(size, "ifma/random");
    const small = scalars.map((s, i) => Fr.fromSigned(Number(s % 65536n) - 32768 + (i % 2)));
    const bases = n.fixedBaseG1(randomFrs(size, "ifma/bases"), 2);
    const shapes: [number, 0 | 1 | 2, 0 | 1 | 2][] = [
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 1],
      [12, 1, 1],
      [16, 2, 1],
      [17, 1, 1],
    ];
    const results = (["scalar", "ifma"] as const).map((flush) => {
      const out: string[] = [];
      onFlush(flush, () => {
        for (const threads of [1, 2]) {
          for (const [c, glv, buckets] of shapes) {
            for (const s of [scalars, small, scalars.slice(0, size - 4)]) {
              out.push(Buffer.from(n.msm(bases, s, threads, c, glv, buckets)).toString("hex"));
            }
          }
        }
      });
      return out;
    });
    results[1].forEach((hex, i) => expect(hex, `output ${i}`).to.equal(results[0][i]));
  });
});
