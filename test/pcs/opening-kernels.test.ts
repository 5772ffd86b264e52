import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative, type NativeKernels } from "../../src/msm";
import { writeWordLE } from "../../src/msm/layout";
import { proveBatchOpening, verifyBatchOpening, type OpeningClaim } from "../../src/pcs/batch";
import { HyperKZG, verifierKey } from "../../src/pcs/hyperkzg";
import { divideByLinear, divideBySquareTimesLinear } from "../../src/pcs/kzg";
import { openingKernels, releaseVectors, RELEASE_MIN_BYTES, type OpeningKernels } from "../../src/pcs/opening-kernels";
import { insecureDevSrs } from "../../src/pcs/srs";
import { bindFirstVariable, eqTable, evaluateMle } from "../../src/poly/mle";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { provePairProductSumcheck } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

const R = Fr.MODULUS;
const native = loadNative();
const kernels = openingKernels(native);
const THREADS = 2;

/** Random elements with the edge values 0, 1, r − 1 and (r ± 1)/2 mixed in (a hashed seed, then x ↦ x² + c: cheap for 10^5 words). */
function vector(n: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n, (R - 1n) / 2n, (R + 1n) / 2n];
  const [x0, c] = randomFrs(2, seed);
  let x = x0;
  return Array.from({ length: n }, (_, i) => {
    x = Fr.add(Fr.mul(x, x), c);
    return i % 7 === 3 ? edges[i % edges.length] : x;
  });
}

function words(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  values.forEach((v, i) => writeWordLE(out, i * 32, v));
  return out;
}

function bigints(w: Uint8Array): bigint[] {
  return native!.frToBigints(w);
}

/** The native addon without the in-place kernels: the previous, copying implementation. */
function withoutOpeningKernels(n: NativeKernels): NativeKernels {
  const names: (keyof OpeningKernels)[] = ["openingEqSumInto", "openingPairFoldSums", "openingQuotientZ", "openingQuotientL", "frFoldInto", "frLinearCombinationInto"];
  return Object.create(n, Object.fromEntries(names.map((k) => [k, { value: undefined }]))) as NativeKernels;
}

describe("batch opening in-place kernels (native/src/opening.cc) against their JS references", function () {
  before(function () {
    if (!kernels) this.skip();
  });
  after(() => native?.arithmetic("auto"));

  for (const arithmetic of ["portable", "adx"] as const) {
    describe(`${arithmetic} arithmetic`, () => {
      before(function () {
        if (arithmetic === "adx" && !native!.adxSupported()) this.skip();
        native!.arithmetic(arithmetic);
      });

      it("openingEqSumInto adds Σ scale·eq(·, point) at each offset, for entries inside one block and across blocks", () => {
        for (const logn of [0, 1, 4, 10, 13]) {
          // 2^13 words are two output blocks (MIN_EQ_BLOCK): entries inside one and across both.
          const n = 2 ** logn;
          const offsets: number[] = [];
          const points: bigint[][] = [];
          const scales: bigint[] = [];
          for (let e = 0; e < 12; e++) {
            const len = [0, 1, Math.floor(logn / 2), logn - 1, logn][e % 5];
            if (len < 0 || len > logn) continue;
            offsets.push(((e * 7919) % 2 ** (logn - len)) * 2 ** len);
            points.push(vector(len, `eq/${logn}/${e}`));
            scales.push(vector(1, `eqs/${logn}/${e}`)[0]);
          }
          const start = vector(n, `eq0/${logn}`);
          const expected = [...start];
          points.forEach((p, e) => eqTable(p).forEach((v, i) => (expected[offsets[e] + i] = Fr.add(expected[offsets[e] + i], Fr.mul(scales[e], v)))));
          const out = words(start);
          kernels!.openingEqSumInto(out, offsets, points, scales, THREADS);
          expect(bigints(out)).to.deep.equal(expected);
        }
      });

      it("openingPairFoldSums binds every pair (in place and into new vectors) and returns the next round's sums", () => {
        for (const len of [2, 4, 8, 2 ** 12, 2 ** 14]) {
          // 8 pairs of 2^14 words are 2^15 quads of work: two workers, so the in-place blocks are moved down.
          const m = len === 2 ** 14 ? 8 : 2;
          const a = Array.from({ length: m }, (_, k) => vector(len, `pa/${len}/${k}`));
          const b = Array.from({ length: m }, (_, k) => vector(len, `pb/${len}/${k}`));
          const [r] = vector(1, `pr/${len}`);
          const fa = a.map((v) => bindFirstVariable(v, r));
          const fb = b.map((v) => bindFirstVariable(v, r));
          const expected = [0n, 0n, 0n];
          for (let k = 0; k < m && len >= 4; k++) {
            for (let i = 0; i + 1 < len / 2; i += 2) {
              expected[0] = Fr.add(expected[0], Fr.mul(fa[k][i], fb[k][i]));
              expected[1] = Fr.add(expected[1], Fr.mul(fa[k][i + 1], fb[k][i + 1]));
              expected[2] = Fr.add(expected[2], Fr.mul(Fr.sub(fa[k][i + 1], fa[k][i]), Fr.sub(fb[k][i + 1], fb[k][i])));
            }
          }
          const srcA = a.map(words);
          const srcB = b.map(words);
          const dstA = a.map(() => new Uint8Array((len / 2) * 32));
          const sums = kernels!.openingPairFoldSums(srcA, srcB, dstA, srcB, len, r, THREADS);
          expect(bigints(sums)).to.deep.equal(expected);
          dstA.forEach((d, k) => expect(bigints(d)).to.deep.equal(fa[k]));
          srcB.forEach((d, k) => expect(bigints(d.subarray(0, (len / 2) * 32))).to.deep.equal(fb[k]));
          expect(bigints(srcA[0])).to.deep.equal(a[0]); // a source bound elsewhere is not written
        }
      });

      it("openingQuotientZ then openingQuotientL give ⌊B/Z⌋ and ⌊(B − Z(z)·Q)/(X − z)⌋ in B's words", () => {
        for (const n of [1, 2, 3, 4, 5, 8, 33, 2 ** 12]) {
          const bCoeffs = vector(n, `q/${n}`);
          const [s, z, zAtZ] = vector(3, `qs/${n}`);
          const q = divideBySquareTimesLinear(bCoeffs, s);
          const l = bCoeffs.map((c, i) => Fr.sub(c, Fr.mul(zAtZ, q[i] ?? 0n)));
          const buf = words(bCoeffs);
          kernels!.openingQuotientZ(buf, s);
          if (n > 3) expect(bigints(buf.subarray(96))).to.deep.equal(q);
          expect(bigints(buf.subarray(0, Math.min(n, 3) * 32))).to.deep.equal(bCoeffs.slice(0, 3));
          kernels!.openingQuotientL(buf, s, zAtZ, z);
          expect(bigints(buf.subarray(32))).to.deep.equal(divideByLinear(l, z));
        }
      });

      it("frFoldInto and frLinearCombinationInto write the copying kernels' words into the given buffer", () => {
        const v = vector(2 ** 13, "fold");
        const [u] = vector(1, "u");
        const out = new Uint8Array(2 ** 12 * 32);
        kernels!.frFoldInto(words(v), out, u, THREADS);
        expect(bigints(out)).to.deep.equal(bindFirstVariable(v, u));
        const w = vector(100, "lc");
        const [c0, c1] = vector(2, "lcc");
        const dst = words(v);
        kernels!.frLinearCombinationInto(dst, [dst, words(w)], [c0, c1], THREADS);
        expect(bigints(dst)).to.deep.equal(v.map((x, i) => Fr.add(Fr.mul(c0, x), Fr.mul(c1, w[i] ?? 0n))));
      });
    });
  }

  it("openingRelease frees a vector's buffer now (every view of it empty), once", function () {
    if (typeof kernels!.openingRelease !== "function") this.skip();
    const v = words(vector(64, "release"));
    const view = v.subarray(32);
    const other = words(vector(4, "kept"));
    expect(kernels!.openingRelease!([v])).to.equal(1);
    expect(v.length).to.equal(0);
    expect(view.length).to.equal(0);
    expect(kernels!.openingRelease!([v])).to.equal(0);
    expect(other.length).to.equal(4 * 32);
    expect(() => kernels!.openingRelease!([[1n] as unknown as Uint8Array])).to.throw(TypeError, "vector 0 must be a Uint8Array");
  });

  it("releaseVectors frees buffers of RELEASE_MIN_BYTES or more and leaves smaller ones (Node's pooled Buffers) to the GC", function () {
    if (typeof kernels!.openingRelease !== "function") this.skip();
    const large = new Uint8Array(RELEASE_MIN_BYTES);
    const small = Buffer.alloc(64);
    releaseVectors(kernels, [large.subarray(32), small]);
    expect(large.length).to.equal(0);
    expect(small.length).to.equal(64);
    releaseVectors(undefined, [small]); // without the kernels: nothing happens
    expect(small.length).to.equal(64);
  });

  it("refuses non-canonical words, misaligned and overlapping vectors and offsets off their grid, naming them", () => {
    const bad = words([1n, 2n, R, 3n]);
    expect(() => kernels!.openingQuotientZ(bad, 1n)).to.throw(RangeError, "b: word 2 is not a canonical Fr element");
    const eight = words(vector(8, "x"));
    expect(() => kernels!.openingQuotientZ(new Uint8Array(eight.buffer, 4, 64), 1n)).to.throw(RangeError, "8-byte aligned");
    expect(() => kernels!.openingEqSumInto(new Uint8Array(8 * 32), [2], [[5n, 6n]], [1n], 1)).to.throw(RangeError, "entry 0: offset 2 is not a multiple of 2^2");
    expect(() => kernels!.openingEqSumInto(new Uint8Array(8 * 32), [8], [[]], [1n], 1)).to.throw(RangeError, "entry 0");
    expect(() => kernels!.openingEqSumInto(new Uint8Array(6 * 32), [0], [[]], [1n], 1)).to.throw(RangeError, "not a power of two");
    expect(() => kernels!.frFoldInto(eight, eight.subarray(32), 1n, 1)).to.throw(RangeError, "dst overlaps src");
    const other = words(vector(8, "y"));
    expect(() => kernels!.openingPairFoldSums([eight], [other], [other.subarray(32)], [other], 8, 1n, 1)).to.throw(RangeError, "dstA 0 overlaps srcB");
    expect(() => kernels!.openingPairFoldSums([eight], [bad], [eight], [bad], 4, 1n, 1)).to.throw(RangeError, "srcB 0: word 2");
    expect(() => kernels!.openingPairFoldSums([eight], [other], [eight], [other], 3, 1n, 1)).to.throw(RangeError, "power of two");
  });
});

describe("batch opening prover with the in-place kernels: the previous implementation's proof, word for word", function () {
  this.timeout(120_000);
  before(function () {
    if (!kernels) this.skip();
  });

  it("the fused pair sum-check (E_p bound in place) makes the copying one's rounds, with short zero-extended pairs", () => {
    for (const [numVars, sizes] of [[1, [1, 2]], [5, [32, 4, 1, 32]], [9, [512, 2, 64, 128, 8]]] as const) {
      const make = () => sizes.map((s, k) => [words(vector(s, `sa/${numVars}/${k}`)), words(vector(s, `sb/${numVars}/${k}`))] as const);
      const ta = new Transcript("fused");
      const a = provePairProductSumcheck({ native: withoutOpeningKernels(native!), pairs: make(), numVars, transcript: ta, threads: THREADS, zeroExtended: true });
      const tb = new Transcript("fused");
      const pairs = make();
      const bKept = pairs.map(([x]) => Uint8Array.from(x));
      const b = provePairProductSumcheck({ native: native!, pairs, numVars, transcript: tb, threads: THREADS, zeroExtended: true, bindInPlace: true });
      expect(b.claim).to.equal(a.claim);
      expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
      expect(b.point).to.deep.equal(a.point);
      expect(tb.challengeScalar("next")).to.equal(ta.challengeScalar("next"));
      pairs.forEach(([x], k) => expect(x).to.deep.equal(bKept[k])); // the a vectors (the caller's tables) are untouched
    }
  });

  it("HyperKZG with B and both quotients in place makes the portable proof, on G handed over or kept", () => {
    const srs = insecureDevSrs(2 ** 10);
    for (const l of [1, 2, 3, 10]) {
      const evals = vector(2 ** l - (l > 2 ? 3 : 0), `h/${l}`);
      const point = vector(l, `hp/${l}`);
      const ref = HyperKZG.open({ srs, evals, point, transcript: new Transcript("h"), kernels: "portable" });
      const packed = words([...evals, ...new Array<bigint>(2 ** l - evals.length).fill(0n)]);
      const kept = Uint8Array.from(packed);
      const keep = HyperKZG.open({ srs, evals: packed, point, transcript: new Transcript("h"), kernels: "native" });
      expect(packed).to.deep.equal(kept);
      const consume = HyperKZG.open({ srs, evals: packed, consumeEvals: true, point, transcript: new Transcript("h"), kernels: "native" });
      for (const p of [keep, consume]) {
        expect(p.value).to.equal(ref.value);
        expect(p.proof.evals).to.deep.equal(ref.proof.evals);
        expect(p.proof.folds.every((f, j) => f.equals(ref.proof.folds[j]))).to.equal(true);
        expect(p.proof.w.equals(ref.proof.w) && p.proof.wPrime.equals(ref.proof.wPrime)).to.equal(true);
      }
    }
  });

  it("the slotted opening equals proveBatchOpening's proof on tables of several sizes (short ones zero-extended), and verifies", () => {
    const srs = insecureDevSrs(2 ** 10);
    const vk = verifierKey(srs);
    const sizes = [2 ** 10, 2 ** 3, 2 ** 7, 2 ** 1, 2 ** 9];
    const tables = sizes.map((s, p) => vector(s, `t/${p}`));
    const commitments = tables.map((t) => HyperKZG.commit(srs, t));
    const claim = (poly: number, head: bigint[], tail: bigint[]): OpeningClaim => {
      const point = [...head, ...tail];
      return { poly, point, value: evaluateMle(tables[poly], point) };
    };
    const shared = vector(4, "shared");
    const sets: OpeningClaim[][] = [
      [claim(0, vector(10, "c0"), []), claim(0, shared, [1n, 0n, 1n, 1n, 0n, 0n]), claim(0, shared, [0n, 1n, 1n, 0n, 1n, 0n]), claim(1, vector(3, "c1"), []), claim(2, shared, [0n, 1n, 1n]), claim(3, [], [1n]), claim(4, vector(9, "c4"), []), claim(4, shared, [0n, 0n, 1n, 1n, 0n])],
      [claim(1, vector(2, "c5"), [1n]), claim(2, vector(7, "c6"), [])],
      [claim(2, vector(7, "c7"), []), claim(2, vector(7, "c7"), [])],
    ];
    for (const claims of sets) {
      const ref = proveBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("s") });
      const packed = tables.map((t, p) => (p % 2 === 0 ? words(t) : t));
      const proof = proveSlottedBatchOpening({ srs, tables: packed, commitments, claims, transcript: new Transcript("s"), kernels: "native" });
      expect(proof.sumcheck?.rounds ?? null).to.deep.equal(ref.sumcheck?.rounds ?? null);
      expect(proof.opening.evals).to.deep.equal(ref.opening.evals);
      expect(proof.opening.folds.every((f, j) => f.equals(ref.opening.folds[j]))).to.equal(true);
      expect(proof.opening.w.equals(ref.opening.w) && proof.opening.wPrime.equals(ref.opening.wPrime)).to.equal(true);
      expect(packed.every((t, p) => (t instanceof Uint8Array ? bigints(t) : t).every((x, i) => x === tables[p][i]))).to.equal(true); // tables untouched
      expect(verifyBatchOpening({ vk, commitments, claims, proof, transcript: new Transcript("s") })).to.equal(true);
      const tampered = { ...proof, opening: { ...proof.opening, evals: proof.opening.evals.map((e, i) => (i === 0 ? Fr.add(e, 1n) : e)) } };
      expect(verifyBatchOpening({ vk, commitments, claims, proof: tampered, transcript: new Transcript("s") })).to.equal(false);
    }
  });
});
