/** Property tests: random Conv geometries (groups, strides, dilations, pads, 1-D/2-D) and random Pad/Slice specs. */
import { expect } from "chai";
import fc from "fast-check";
import { MODULUS } from "../../src/field/fr";
import { conv } from "../../src/model/kernels/linear";
import { stridedSlice } from "../../src/model/kernels/movement";
import { LayerProofError } from "../../src/prover/claims";
import { proveConv, verifyConv, type ConvSpec } from "../../src/prover/layers/conv";
import { proveReindex, verifyReindex, type ReindexSpec } from "../../src/prover/layers/reindex";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor, randomFrs } from "./helpers";

const DOMAIN = "conv-property";
const small = (max: number) => fc.integer({ min: 1, max });

/** One spatial axis: input size, kernel, stride, dilation, begin pad; output size follows (≥ 1 guaranteed). */
const axis = fc.record({ k: small(3), s: small(3), d: small(2), p: fc.integer({ min: 0, max: 2 }), extra: fc.integer({ min: 0, max: 4 }) }).map(({ k, s, d, p, extra }) => {
  const eff = (k - 1) * d + 1;
  const size = Math.max(1, eff - p + extra);
  const out = Math.floor((size + p - eff) / s) + 1;
  return { size, k, s, d, p, out: Math.max(out, 1) };
});

const convCase = fc
  .record({ n: small(2), g: small(3), cg: small(2), mg: small(2), axes: fc.array(axis, { minLength: 1, maxLength: 2 }), bias: fc.boolean(), seed: fc.string() })
  .map(({ n, g, cg, mg, axes, bias, seed }) => {
    const spec: ConvSpec = {
      x: [n, g * cg, ...axes.map((a) => a.size)],
      w: [g * mg, cg, ...axes.map((a) => a.k)],
      strides: axes.map((a) => a.s),
      dilations: axes.map((a) => a.d),
      padsBegin: axes.map((a) => a.p),
      outSpatial: axes.map((a) => a.out),
      group: g,
      ...(bias ? { bias: [g * mg] } : {}),
    };
    return { spec, seed };
  });

const f64 = (t: { shape: number[]; data: number[] }) => ({ dtype: "float32" as const, shape: t.shape, data: Float64Array.from(t.data) });

describe("prover: Conv and re-indexing properties", function () {
  this.timeout(120_000);
  it("Conv: honest proofs verify and hand on true claims; a shifted claim is rejected", function () {
    fc.assert(
      fc.property(convCase, ({ spec, seed }) => {
        const x = intTensor([...spec.x], `${seed}x`, 2048);
        const w = intTensor([...spec.w], `${seed}w`, 2048);
        const bias = spec.bias ? intTensor([...spec.bias], `${seed}b`, 1 << 20) : undefined;
        const geom = { group: spec.group!, kernel: spec.w.slice(2), strides: spec.strides, dilations: spec.dilations, padsBegin: spec.padsBegin, outSpatial: spec.outSpatial };
        const acc = conv(f64(x), f64(w), bias ? Float64Array.from(bias.data) : undefined, geom);
        const l = layoutOf(acc.shape);
        const point = randomFrs(l.numVars, seed);
        const claim = { point, value: evaluateTensor(l, acc.data, point) };
        const { proof } = proveConv({ spec, x, w, bias, claim, transcript: new Transcript(DOMAIN) });
        const out = verifyConv({ spec, claim, proof, transcript: new Transcript(DOMAIN) });
        expect(evaluateTensor(layoutOf(x.shape), x.data, out.x.point)).to.equal(out.x.value);
        expect(evaluateTensor(layoutOf(w.shape), w.data, out.w.point)).to.equal(out.w.value);
        const shifted = { point, value: (claim.value + 1n) % MODULUS };
        expect(() => verifyConv({ spec, claim: shifted, proof, transcript: new Transcript(DOMAIN) })).to.throw(LayerProofError);
      }),
      { numRuns: 40 },
    );
  });

  it("Slice and Pad: honest proofs verify and hand on true claims", function () {
    const sliceAxis = fc.record({ d: small(6), a: fc.nat(), b: fc.nat(), step: fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0) }).map(({ d, a, b, step }) => {
      const start = a % d;
      const max = step > 0 ? Math.floor((d - 1 - start) / step) + 1 : Math.floor(start / -step) + 1;
      return { d, start, step, count: 1 + (b % max) };
    });
    const padAxis = fc.record({ d: small(5), b: fc.integer({ min: -1, max: 3 }), e: fc.integer({ min: 0, max: 3 }), mode: fc.constantFrom("constant", "edge", "reflect") });
    fc.assert(
      fc.property(fc.array(sliceAxis, { minLength: 1, maxLength: 3 }), fc.array(padAxis, { minLength: 1, maxLength: 3 }), fc.string(), (sl, pd, seed) => {
        const xs = intTensor(sl.map((a) => a.d), `${seed}s`);
        const sliced = stridedSlice(f64(xs), sl.map((a) => a.start), sl.map((a) => a.step), sl.map((a) => a.count));
        check({ op: "slice", spec: { x: xs.shape, starts: sl.map((a) => a.start), steps: sl.map((a) => a.step), out: sl.map((a) => a.count) } }, xs, sliced, seed);
        const mode = pd[0].mode as "constant" | "edge" | "reflect";
        // reflect needs pads below the axis size (ONNX); begin may crop by one.
        const begin = pd.map((a) => (mode === "reflect" ? Math.min(Math.max(a.b, 0), a.d - 1) : Math.max(a.b, -Math.min(1, a.d - 1))));
        const end = pd.map((a) => (mode === "reflect" ? Math.min(a.e, a.d - 1) : a.e));
        const xp = intTensor(pd.map((a) => a.d), `${seed}p`);
        check({ op: "pad", spec: { x: xp.shape, begin, end, mode } }, xp, padRef(xp, begin, end, mode), seed);
      }),
      { numRuns: 40 },
    );
  });
});

function check(layer: ReindexSpec, x: { shape: number[]; data: number[] }, out: { shape: readonly number[]; data: ArrayLike<number> }, seed: string): void {
  const l = layoutOf(out.shape);
  const point = randomFrs(l.numVars, seed);
  const claim = { point, value: evaluateTensor(l, out.data, point) };
  const { proof } = proveReindex({ layer, x, claim, transcript: new Transcript(DOMAIN) });
  const c = verifyReindex({ layer, claim, proof, transcript: new Transcript(DOMAIN) });
  expect(evaluateTensor(layoutOf(x.shape), x.data, c.point)).to.equal(c.value);
}

/** Reference ONNX Pad (constant 0 / edge / reflect). */
function padRef(x: { shape: number[]; data: number[] }, begin: number[], end: number[], mode: string): { shape: number[]; data: number[] } {
  const shape = x.shape.map((d, a) => d + begin[a] + end[a]);
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Array<number>(size).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < size; o++) {
    let src = 0;
    let inside = true;
    x.shape.forEach((d, a) => {
      let i = idx[a] - begin[a];
      if (mode === "edge") i = Math.min(Math.max(i, 0), d - 1);
      if (mode === "reflect" && d > 1) while (i < 0 || i >= d) i = i < 0 ? -i : 2 * (d - 1) - i;
      if (mode === "reflect" && d === 1) i = 0;
      inside &&= i >= 0 && i < d;
      src = src * d + i;
    });
    if (inside) data[o] = x.data[src];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { shape, data };
}
