import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { G1Bases, loadNative, msm, nativeArithmetic } from "../../src/msm";
import { pointsToCanonicalBytes, readWordLE, writeWordLE } from "../../src/msm/layout";
import { randomFrs } from "../sumcheck/helpers";

// The native kernels exist in two copies that differ only in the field arithmetic (native/src/arith.h): "adx"
// (mulx/adcx/adox Montgomery multiplication, cmov add/sub) and "portable" (unsigned __int128). msm.test.ts and
// fr-native.test.ts run on whichever this CPU selects; this file runs both copies against independent
// definitions (noble points, bigint Fr) on edge and random inputs, and against each other at sizes where the
// threads engage, so both stay covered on any CPU that has ADX (and the portable one on any CPU).

const native = loadNative();
const R = Fr.MODULUS;
const Fp = bn254.fields.Fp;
const P = Fp.ORDER;
const MONT_R = 1n << 256n;
const ADDON = join(__dirname, "..", "..", "native", "build", "Release", "deepprove_native.node");

/** Values at the edges of the Montgomery multiplication's range for modulus m: limb and carry boundaries. */
function edges(m: bigint): bigint[] {
  const powers = [1, 63, 64, 65, 127, 128, 191, 192, 252, 253].map((k) => 1n << BigInt(k));
  const limbMax = [64, 128, 192].map((k) => (1n << BigInt(k)) - 1n);
  return [0n, 1n, 2n, 3n, m - 1n, m - 2n, (m - 1n) / 2n, (m + 1n) / 2n, ...powers, ...powers.map((x) => m - x), ...limbMax];
}

function words(bytes: Uint8Array): bigint[] {
  return Array.from({ length: bytes.length / 32 }, (_, i) => readWordLE(bytes, 32 * i));
}

function packed(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, i) => writeWordLE(out, 32 * i, v));
  return out;
}

/** sum s_i·P_i the slow obvious way (noble), independent of the native kernels. */
function naive(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return scalars.reduce((acc, s, i) => (s === 0n ? acc : acc.add(points[i].multiply(s))), G1.ZERO);
}

/**
 * Curve points whose x coordinate in Montgomery form (x·2^256 mod p, the operand the kernels multiply) is an
 * edge value, where x^3 + 3 has a square root; each with both y.
 */
function edgePoints(): G1Point[] {
  const rInv = Fp.inv(Fp.create(MONT_R % P));
  const out: G1Point[] = [];
  for (const xMont of edges(P)) {
    const x = Fp.mul(xMont % P, rInv);
    let y: bigint;
    try {
      y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
    } catch {
      continue; // not an x coordinate of the curve
    }
    for (const yy of [y, Fp.neg(y)]) out.push(G1.fromAffine({ x, y: yy }));
  }
  return out;
}

describe("native arithmetic copies (adx and portable)", function () {
  const copies: ("adx" | "portable")[] = [];
  let initial: "adx" | "portable";

  before(function () {
    if (!native) this.skip();
    initial = native.arithmetic();
    copies.push("portable");
    if (native.adxSupported()) copies.push("adx");
  });

  after(() => {
    if (native) native.arithmetic(initial);
  });

  it("selects adx exactly when the CPU has BMI2 and ADX, switches, and refuses unknown names", () => {
    const n = native!;
    if (!process.env.DEEPPROVE_NATIVE_ARITH) expect(initial).to.equal(n.adxSupported() ? "adx" : "portable");
    expect(nativeArithmetic()).to.equal(initial);
    expect(n.arithmetic("portable")).to.equal("portable");
    expect(n.arithmetic("auto")).to.equal(n.adxSupported() ? "adx" : "portable");
    expect(() => n.arithmetic("fast" as "adx")).to.throw(RangeError, /"fast" is not one of auto, portable, adx/);
    if (n.adxSupported()) expect(n.arithmetic("adx")).to.equal("adx");
    else expect(() => n.arithmetic("adx")).to.throw(RangeError, /needs a CPU with BMI2 and ADX/);
    n.arithmetic(initial);
  });

  it("DEEPPROVE_NATIVE_ARITH forces the portable fallback in a fresh process; a bad value is refused", () => {
    const run = (value: string, code: string) =>
      spawnSync(process.execPath, ["-e", code], {
        env: { ...process.env, DEEPPROVE_NATIVE_ARITH: value },
        encoding: "utf8",
      });
    const forced = run("portable", `process.stdout.write(require(${JSON.stringify(ADDON)}).arithmetic())`);
    expect(forced.status, forced.stderr).to.equal(0);
    expect(forced.stdout).to.equal("portable");
    const saved = process.env.DEEPPROVE_NATIVE_ARITH;
    try {
      process.env.DEEPPROVE_NATIVE_ARITH = "turbo";
      expect(() => nativeArithmetic()).to.throw(/DEEPPROVE_NATIVE_ARITH=turbo is not one of auto, adx, portable/);
    } finally {
      if (saved === undefined) delete process.env.DEEPPROVE_NATIVE_ARITH;
      else process.env.DEEPPROVE_NATIVE_ARITH = saved;
    }
  });

  for (const copy of ["portable", "adx"] as const) {
    describe(`${copy} copy against the definitions`, () => {
      before(function () {
        if (!copies.includes(copy)) this.skip();
        native!.arithmetic(copy);
      });
      after(() => native?.arithmetic(initial));

      it("Fr products of every pair of edge values (frPairProducts, one pair per call)", () => {
        const e = edges(R);
        for (const x of e) {
          for (const y of e) {
            const out = words(native!.frPairProducts([packed([x, 0n])], [packed([y, 0n])], 1));
            expect(out[0], `${x} · ${y}`).to.equal(Fr.mul(x, y));
          }
        }
      });

      it("Fr sums and differences at the edges (frFold with u = 1 and u = 0, frLinearCombination)", () => {
        const e = edges(R);
        const pairs = e.flatMap((x) => e.map((y) => [x, y]));
        const folded = packed(pairs.flat());
        expect(words(native!.frFold(folded, 1n, 1))).to.deep.equal(pairs.map(([, y]) => y));
        expect(words(native!.frFold(folded, 0n, 1))).to.deep.equal(pairs.map(([x]) => x));
        const xs = pairs.map(([x]) => x);
        const ys = pairs.map(([, y]) => y);
        const sum = native!.frLinearCombination([packed(xs), packed(ys)], [1n, 1n], 1);
        expect(words(sum)).to.deep.equal(xs.map((x, i) => Fr.add(x, ys[i])));
        const diff = native!.frLinearCombination([packed(xs), packed(ys)], [1n, R - 1n], 1);
        expect(words(diff)).to.deep.equal(xs.map((x, i) => Fr.sub(x, ys[i])));
      });

      it("Fr kernels on random vectors: fold, evaluation, powers, inversion", () => {
        const a = randomFrs(257, `arith/${copy}/a`);
        const [u, x] = randomFrs(2, `arith/${copy}/ux`);
        const fold = words(native!.frFold(packed(a.slice(0, 256)), u, 2));
        expect(fold).to.deep.equal(Array.from({ length: 128 }, (_, i) => Fr.add(a[2 * i], Fr.mul(u, Fr.sub(a[2 * i + 1], a[2 * i])))));
        const horner = a.reduceRight((acc, c) => Fr.add(Fr.mul(acc, x), c), 0n);
        expect(words(native!.frEval(packed(a), x, 2))).to.deep.equal([horner]);
        const powers = words(native!.frPowers(x, 40));
        powers.forEach((p, i) => expect(p).to.equal(Fr.pow(x, BigInt(i))));
        const nonZero = a.map((v) => (v === 0n ? 1n : v)).concat(edges(R).filter((v) => v !== 0n));
        words(native!.frBatchInvert(nonZero, 2)).forEach((inv, i) => expect(Fr.mul(inv, nonZero[i])).to.equal(1n));
      });

      it("MSM over points whose Montgomery x is an edge value, with edge scalars, GLV on and off", () => {
        const points = edgePoints();
        expect(points.length).to.be.greaterThan(6);
        const bases = G1Bases.fromPoints(points);
        const edgeScalars = edges(R);
        const scalars = points.map((_, i) => edgeScalars[i % edgeScalars.length]);
        const expected = naive(points, scalars);
        for (const glv of [true, false]) {
          for (const windowBits of [0, 3, 16]) {
            expect(msm(bases, scalars, { backend: "native", glv, windowBits, threads: 1 }).equals(expected)).to.equal(true);
          }
        }
        // Every point once with scalar 1, then P + P (doubling) and P + (−P) (infinity) inside one bucket.
        expect(msm(bases, points.map(() => 1n), { backend: "native" }).equals(naive(points, points.map(() => 1n)))).to.equal(true);
        const twice = G1Bases.fromPoints([points[0], points[0], points[1], points[1].negate()]);
        expect(msm(twice, [5n, 5n, 7n, 7n], { backend: "native", glv: false }).equals(points[0].multiply(10n))).to.equal(true);
        // Each edge point twice with its own digit: every bucket doubles its affine point (squares of edge x).
        const doubled = G1Bases.fromPoints([...points, ...points]);
        const digits = [...points.map((_, i) => BigInt(i + 1)), ...points.map((_, i) => BigInt(i + 1))];
        const sumDoubled = naive(points, points.map((_, i) => BigInt(2 * (i + 1))));
        expect(msm(doubled, digits, { backend: "native", glv: false, windowBits: 16, threads: 1 }).equals(sumDoubled)).to.equal(true);
      });

      it("MSM on random points and scalars matches the portable (noble) backend; fixed-base and point checks", () => {
        const n = 700;
        const ks = randomFrs(n, `arith/${copy}/points`);
        const points = ks.map((k) => G1.BASE.multiply(k === 0n ? 1n : k));
        const bases = G1Bases.fromPoints(points);
        const scalars = randomFrs(n, `arith/${copy}/scalars`);
        const expected = msm(bases, scalars, { backend: "portable" });
        for (const glv of [true, false]) {
          for (const threads of [1, 2]) {
            expect(msm(bases, scalars, { backend: "native", glv, threads }).equals(expected)).to.equal(true);
          }
        }
        const few = [0n, 1n, 2n, R - 1n, (R + 1n) / 2n, ...scalars.slice(0, 11)];
        const fixed = native!.pointsFromMontgomery(native!.fixedBaseG1(few, 2));
        expect(Buffer.from(fixed).equals(Buffer.from(pointsToCanonicalBytes(few.map((s) => (s === 0n ? G1.ZERO : G1.BASE.multiply(s))))))).to.equal(true);
        const mont = bases.montgomeryBytes().slice();
        expect(native!.checkPoints(mont)).to.equal(-1);
        mont[64 * 5 + 40] ^= 1; // y of point 5 changed: off the curve
        expect(native!.checkPoints(mont)).to.equal(5);
      });
    });
  }

  it("the two copies give identical bytes where threads and large windows engage", function () {
    if (copies.length < 2) this.skip();
    const n = 1 << 15; // two Fr-vector threads (2^14 elements each); MSM windows split over two threads
    const a = randomFrs(64, "arith/big").flatMap((s) => Array.from({ length: n / 64 }, (_, i) => Fr.mul(s, BigInt(i + 1))));
    const vec = packed(a);
    const [u, x] = randomFrs(2, "arith/big/ux");
    const basesBytes = native!.fixedBaseG1(a.slice(0, 4096), 2);
    const results = copies.map((copy) => {
      native!.arithmetic(copy);
      const out = [
        native!.msm(basesBytes, a.slice(0, 4096), 2),
        native!.msm(basesBytes, a.slice(0, 4096), 2, 0, 2),
        native!.fixedBaseG1(a.slice(0, 300), 2),
        native!.frFold(vec, u, 2),
        native!.frEval(vec, x, 2),
        native!.frEvalPlusMinus(vec, x, 2),
        native!.frLinearCombination([vec, vec.subarray(0, 32 * 1000)], [u, x], 2),
        native!.frDivideByLinear(vec, x),
        native!.frDivideBySquareTimesLinear(vec, x),
        native!.frPairProducts([vec], [vec], 2),
        native!.frWeightedProductsWords([vec, vec], vec.subarray(0, (32 * n) / 2), 2),
        native!.frEqSum(1 << 12, [0, 100], [randomFrs(12, "eq/a"), randomFrs(8, "eq/b")], [u, x]),
        native!.frBatchInvert(vec.subarray(0, 32 * 5000), 2),
        native!.frPowers(x, 5000),
      ];
      return out.map((bytes) => Buffer.from(bytes).toString("hex"));
    });
    native!.arithmetic(initial);
    results[1].forEach((hex, i) => expect(hex, `output ${i}`).to.equal(results[0][i]));
  });
});
