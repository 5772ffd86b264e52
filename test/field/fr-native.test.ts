import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm";
import { readWordLE } from "../../src/msm/layout";
import { eqTable } from "../../src/poly/mle";
import { randomFrs } from "../sumcheck/helpers";

const native = loadNative();
const R = Fr.MODULUS;
const EDGES = [1n, R - 1n, 2n, R - 2n, (R - 1n) / 2n, (R + 1n) / 2n, 3n];

function words(bytes: Uint8Array): bigint[] {
  return Array.from({ length: bytes.length / 32 }, (_, i) => readWordLE(bytes, 32 * i));
}

/** Random non-zero elements with the edge values mixed in. */
function nonZero(n: number, seed: string): bigint[] {
  return randomFrs(n, seed).map((x, i) => (i % 6 === 1 ? EDGES[i % EDGES.length] : x === 0n ? 1n : x));
}

/** Many pseudo-random elements quickly (a multiplicative walk), edges mixed in. */
function cheap(n: number, seed: string): bigint[] {
  const [g, start] = randomFrs(2, seed);
  const out = new Array<bigint>(n);
  let x = start;
  for (let i = 0; i < n; i++) {
    out[i] = i % 6 === 1 ? EDGES[i % EDGES.length] : x;
    x = Fr.add(Fr.mul(x, g), BigInt(i));
  }
  return out;
}

describe("native Fr kernels against the bigint definitions", function () {
  before(function () {
    if (!native) this.skip();
  });

  it("frBatchInvert: 1/v for every value on 1 and 2 threads, zero refused by index", () => {
    for (const n of [1, 2, 7, 300]) {
      const v = nonZero(n, `inv/${n}`);
      const expected = v.map((x) => Fr.inv(x));
      for (const threads of [1, 2]) expect(words(native!.frBatchInvert(v, threads))).to.deep.equal(expected);
    }
    // Enough elements for two threads, each with its own inversion.
    const big = cheap(2 ** 15 + 3, "inv/big").map((x) => (x === 0n ? 5n : x));
    const inv = words(native!.frBatchInvert(big, 2));
    expect(inv.every((y, i) => Fr.mul(y, big[i]) === 1n)).to.equal(true);
    expect(() => native!.frBatchInvert([1n, 0n, 2n], 1)).to.throw(RangeError, "element 1 is zero");
    expect(() => native!.frBatchInvert([R], 1)).to.throw(RangeError, "not a canonical");
  });

  it("Fr.batchInvert gives the same values through the native kernels as through bigints", () => {
    const v = nonZero(Fr.NATIVE_BATCH_INVERT_MIN + 5, "batch");
    const out = Fr.batchInvert(v);
    for (const i of [0, 1, 2, 7, 100, v.length - 1]) expect(Fr.mul(out[i], v[i])).to.equal(1n);
    expect(out).to.deep.equal(words(native!.frBatchInvert(v, 1)));
    const withZero = [...v];
    withZero[4000] = 0n;
    expect(() => Fr.batchInvert(withZero)).to.throw(RangeError, "batchInvert: element 4000 is zero");
  });

  it("frPairProducts: Σ a·b at even and odd indices and Σ of the differences' products", () => {
    // 2 × 2^15 entries: enough work for the kernel to split over two threads.
    for (const [m, n] of [[1, 2], [3, 8], [2, 2 ** 15]] as const) {
      const as = Array.from({ length: m }, (_, k) => cheap(n, `a/${k}`).map((x, i) => (i % 9 === 0 ? 0n : x)));
      const bs = Array.from({ length: m }, (_, k) => cheap(n, `b/${k}`));
      let s0 = 0n;
      let s1 = 0n;
      let s2 = 0n;
      for (let k = 0; k < m; k++) {
        for (let i = 0; i < n / 2; i++) {
          const [a0, a1, b0, b1] = [as[k][2 * i], as[k][2 * i + 1], bs[k][2 * i], bs[k][2 * i + 1]];
          s0 = Fr.add(s0, Fr.mul(a0, b0));
          s1 = Fr.add(s1, Fr.mul(a1, b1));
          s2 = Fr.add(s2, Fr.mul(Fr.sub(a1, a0), Fr.sub(b1, b0)));
        }
      }
      const pack = (v: bigint[]) => native!.frFromBigints(v, v.length);
      for (const threads of [1, 2]) {
        expect(words(native!.frPairProducts(as.map(pack), bs.map(pack), threads))).to.deep.equal([s0, s1, s2]);
      }
    }
    const a = native!.frFromBigints([1n, 2n], 2);
    expect(() => native!.frPairProducts([a], [native!.frFromBigints([1n, 2n, 3n, 4n], 4)], 1)).to.throw(RangeError, "same length");
    expect(() => native!.frPairProducts([native!.frFromBigints([1n], 1)], [native!.frFromBigints([1n], 1)], 1)).to.throw(RangeError, "even");
  });

  it("frWeightedProducts: Σ w·Π factors at t = 0..k, signed representatives read modulo r", () => {
    const half = 5;
    const f0 = cheap(2 * half, "w0");
    const f1 = [-3n, 4n, 0n, -(R - 1n), 7n, R - 1n, -1n, 1n, 2n, 9n];
    const w = cheap(half, "ww");
    const reduce = (v: bigint) => Fr.reduce(v);
    const expected = [0n, 1n, 2n].map((t) => {
      let acc = 0n;
      for (let i = 0; i < half; i++) {
        const at = (f: bigint[]) => Fr.add(reduce(f[2 * i]), Fr.mul(BigInt(t), Fr.sub(reduce(f[2 * i + 1]), reduce(f[2 * i]))));
        acc = Fr.add(acc, Fr.mul(w[i], Fr.mul(at(f0), at(f1))));
      }
      return acc;
    });
    expect(words(native!.frWeightedProducts([f0, f1], w, 1))).to.deep.equal(expected);
    expect(() => native!.frWeightedProducts([f0.slice(0, 9)], w, 1)).to.throw(RangeError, "factor 0: 9 entries");
    expect(() => native!.frWeightedProducts([[...f0.slice(0, 9), R]], w, 1)).to.throw(RangeError, "not below r");
    expect(() => native!.frWeightedProducts([[1, 2] as unknown as bigint[]], [1n], 1)).to.throw(TypeError, "not a bigint");
  });

  it("frEqSum: Σ scale·eq(·, point) at each offset, overlapping terms added", () => {
    const size = 64;
    const terms = [
      { offset: 0, point: randomFrs(4, "p0"), scale: R - 1n },
      { offset: 16, point: randomFrs(3, "p1"), scale: 5n },
      { offset: 0, point: randomFrs(5, "p2"), scale: randomFrs(1, "s")[0] },
      { offset: 63, point: [], scale: 7n },
      { offset: 32, point: [0n, 1n, R - 1n], scale: 1n },
    ];
    const expected = new Array<bigint>(size).fill(0n);
    for (const t of terms) eqTable(t.point).forEach((e, i) => (expected[t.offset + i] = Fr.add(expected[t.offset + i], Fr.mul(t.scale, e))));
    const out = native!.frEqSum(size, terms.map((t) => t.offset), terms.map((t) => t.point), terms.map((t) => t.scale));
    expect(words(out)).to.deep.equal(expected);
    expect(() => native!.frEqSum(8, [4], [[1n, 2n, 3n]], [1n])).to.throw(RangeError, "exceeds size");
    expect(() => native!.frEqSum(8, [0], [[R]], [1n])).to.throw(RangeError, "not a canonical");
    expect(() => native!.frEqSum(8, [0, 1], [[1n]], [1n])).to.throw(RangeError, "same length");
  });
});
