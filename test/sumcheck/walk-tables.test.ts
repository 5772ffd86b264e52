import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { readWordLE } from "../../src/msm/layout";
import { selectorSumcheckTable, selectorTable, windowGroup, identityGroup, type Selector } from "../../src/prover/layers/selector";
import { reduceSelector } from "../../src/prover/layers/reduce";
import { selectTapSelector } from "../../src/prover/layers/select";
import { proveHadamard, verifyHadamard } from "../../src/prover/layers/elementwise";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { proveSoftmaxDivision, rowExpWitness, softmaxGeometry, softmaxWitness, verifySoftmaxDivision, type SoftmaxSpec } from "../../src/prover/layers/softmax";
import { loadWalkKernels } from "../../src/sumcheck/walk-native";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";

// The walk's packed tables (docs/sumcheck.md, "Packed tables as input"): the native Kronecker product against its
// definition, the selector's packed table against the bigint one, and the softmax division's packed columns
// giving the bigint prover's proof.

const native = loadWalkKernels();
const R = Fr.MODULUS;
const BACKEND_ENV = "DEEPPROVE_MSM_BACKEND";

/** Random values with 0, 1 and r − 1 mixed in. */
function values(n: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n];
  return randomFrs(n, seed).map((x, i) => (i % 5 === 2 ? edges[i % 3] : x));
}

function words(packed: Uint8Array): bigint[] {
  return Array.from({ length: packed.length / 32 }, (_, i) => readWordLE(packed, 32 * i));
}

/** Runs `body` with the native backend off (the bigint code alone). */
function onBigints<T>(body: () => T): T {
  const saved = process.env[BACKEND_ENV];
  process.env[BACKEND_ENV] = "portable";
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  }
}

/** The table as bigints, whichever form it came in. */
function asBigints(t: readonly bigint[] | Uint8Array): bigint[] {
  return t instanceof Uint8Array ? words(t) : [...t];
}

describe("walk tables: the native Kronecker product", function () {
  before(function () {
    if (!native) this.skip();
  });

  for (const arith of ["portable", "adx"] as const) {
    describe(`${arith} arithmetic`, () => {
      before(function () {
        if (arith === "adx" && !native!.adxSupported()) this.skip();
        native!.arithmetic(arith);
      });
      after(() => native!.arithmetic("auto"));

      it("equals hi[h]·lo[l] at out[h·|lo| + l] (sizes 1 and odd, zero rows, edge values, 1 and 2 threads)", () => {
        for (const [nh, nl] of [[1, 1], [1, 7], [5, 1], [3, 5], [9, 13], [64, 512]]) {
          const hi = values(nh, `hi${nh}`);
          const lo = values(nl, `lo${nl}`);
          hi[0] = 0n; // a zero row
          const want = hi.flatMap((h) => lo.map((l) => Fr.mul(h, l)));
          for (const threads of [1, 2]) {
            const out = native!.walkKronecker(native!.frFromBigints(hi, nh), native!.frFromBigints(lo, nl), threads);
            expect(words(out), `${nh}×${nl}, ${threads} thread(s)`).to.deep.equal(want);
          }
        }
      });

      it("every pair of edge values (0, 1, 2, r − 2, r − 1)", () => {
        const e = [0n, 1n, 2n, R - 2n, R - 1n];
        const out = words(native!.walkKronecker(native!.frFromBigints(e, e.length), native!.frFromBigints(e, e.length), 1));
        expect(out).to.deep.equal(e.flatMap((h) => e.map((l) => Fr.mul(h, l))));
      });
    });
  }

  it("an empty side gives an empty product; non-canonical words and partial words are refused", () => {
    const one = native!.frFromBigints([1n], 1);
    expect(native!.walkKronecker(new Uint8Array(0), one, 1).length).to.equal(0);
    expect(native!.walkKronecker(one, new Uint8Array(0), 1).length).to.equal(0);
    const bad = new Uint8Array(32);
    let m = R;
    for (let i = 0; i < 32; i++, m >>= 8n) bad[i] = Number(m & 0xffn);
    expect(() => native!.walkKronecker(bad, one, 1)).to.throw(RangeError, /hi entry 0 is not a canonical Fr element/);
    expect(() => native!.walkKronecker(one, bad, 1)).to.throw(RangeError, /lo entry 0 is not a canonical Fr element/);
    expect(() => native!.walkKronecker(one, new Uint8Array(33), 1)).to.throw(RangeError, /not whole 32-byte words/);
  });
});

describe("walk tables: the selector's packed table", () => {
  const point = (n: number, seed: string) => values(n, seed);

  /** Selectors with one, two and three groups, padding, strides, dilations and out-of-range taps. */
  function selectors(): { what: string; selector: Selector }[] {
    const maxOverRows = selectTapSelector(
      { x: [3, 5, 6], out: [3, 5, 1], kernel: [1, 1, 6], strides: [1, 1, 1], dilations: [1, 1, 1], padsBegin: [0, 0, 0], mode: "max", bits: 8 },
      point(2 + 3 + 0 + 0 + 0 + 3, "tap"),
    );
    return [
      { what: "select tap selector [3, 5, 6]", selector: maxOverRows },
      { what: "reduce selector [7, 9] over axis 1", selector: reduceSelector({ x: [7, 9], axes: [1], term: "value" }, point(3, "red")) },
      { what: "one identity group [33]", selector: { inShape: [33], groups: [identityGroup(0, 33, point(6, "id"))] } },
      {
        what: "windows with stride, dilation and padding [10, 11]",
        selector: {
          inShape: [10, 11],
          groups: [
            windowGroup(0, 10, { size: 4, point: point(2, "o0") }, { size: 3, point: point(2, "k0") }, 2, 2, 1),
            windowGroup(1, 11, { size: 5, point: point(3, "o1") }, { size: 3, point: null }, 2, 1, 1),
          ],
        },
      },
    ];
  }

  it("equals selectorTable on every selector (packed with the walk kernels, bigints without)", () => {
    for (const { what, selector } of selectors()) {
      const reference = onBigints(() => selectorTable(selector));
      expect(asBigints(selectorSumcheckTable(selector)), what).to.deep.equal(reference);
      expect(onBigints(() => selectorSumcheckTable(selector)), `${what} (portable backend)`).to.deep.equal(reference);
      if (native) expect(selectorSumcheckTable(selector), `${what}: packed`).to.be.instanceOf(Uint8Array);
    }
  });
});

describe("walk tables: the softmax division's packed columns", () => {
  /** A softmax witness on [2, 5, 6] (rows of 6 along axis 2; padding on every axis). */
  function witness() {
    const spec: SoftmaxSpec = { x: [2, 5, 6], axes: [2], bits: 8, qmax: 127, expOne: 128 };
    const exp = Array.from({ length: 256 }, (_, i) => Math.round(128 * Math.exp(-(255 - i) / 32)));
    const q = { shape: spec.x, data: Float64Array.from({ length: 60 }, (_, i) => ((i * 37) % 101) - 50) };
    const rw = rowExpWitness(spec, exp, q);
    const y = { shape: spec.x, data: Float64Array.from(rw.e, (e, f) => Math.floor((2 * e * spec.qmax + rw.s[rw.rowOf[f]]) / (2 * rw.s[rw.rowOf[f]]))) };
    return { spec, w: softmaxWitness(spec, exp, q, y) };
  }

  it("gives the bigint prover's proof, which verifies", () => {
    const { spec, w } = witness();
    expect(softmaxGeometry(spec).layout.paddedSize).to.equal(128);
    const packed = proveSoftmaxDivision(spec, w, new Transcript("division"));
    const bigints = onBigints(() => proveSoftmaxDivision(spec, w, new Transcript("division")));
    expect(packed.proof).to.deep.equal(bigints.proof);
    const claims = verifySoftmaxDivision(spec, packed.proof, new Transcript("division"));
    expect(claims.e).to.deep.equal(packed.claims.e);
  });
});

describe("walk tables: Hadamard operands of the output's shape", () => {
  it("give the bigint prover's proof and values (same-shape and broadcast operands), which verify", () => {
    const outShape = [5, 12];
    const a = { shape: outShape, data: Float64Array.from({ length: 60 }, (_, i) => ((i * 29) % 41) - 20) };
    for (const b of [
      { shape: outShape, data: Float64Array.from({ length: 60 }, (_, i) => ((i * 13) % 17) - 8) },
      { shape: [1, 12], data: Float64Array.from({ length: 12 }, (_, i) => i - 6) },
    ]) {
      const point = values(layoutOf(outShape).numVars, `had${b.shape[0]}`);
      const acc = { shape: outShape, data: Float64Array.from(a.data, (v, i) => v * b.data[b.shape[0] === 1 ? i % 12 : i]) };
      const claim = { point, value: evaluateTensor(layoutOf(outShape), acc.data, point) };
      const packed = proveHadamard({ outShape, a, b, claim, transcript: new Transcript("had") });
      const bigints = onBigints(() => proveHadamard({ outShape, a, b, claim, transcript: new Transcript("had") }));
      expect(packed.proof, `b [${b.shape.join(", ")}]`).to.deep.equal(bigints.proof);
      expect(packed.claims).to.deep.equal(bigints.claims);
      const claims = verifyHadamard({ outShape, aShape: a.shape, bShape: b.shape, claim, proof: packed.proof, transcript: new Transcript("had") });
      expect(claims).to.deep.equal(packed.claims);
    }
  });
});
