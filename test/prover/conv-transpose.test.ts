/**
 * The ConvTranspose IOP: the reference accumulator against the executor's kernel (1-D, 2-D, 3-D, strides,
 * dilations, pads, output padding, bias), completeness (true claims on X, W and the bias), the corpus model
 * `1l_conv_transpose` (recomputed accumulator requantizes exactly to the trace), soundness (every message
 * tampered, a false claim refused / rejected, missing or extra bias, bad specs).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { convTranspose } from "../../src/model/kernels/linear";
import { qRange, requantizeArray, type FixedPoint } from "../../src/model/quant/fixed-point";
import { LayerProofError } from "../../src/prover/claims";
import {
  convTransposeAcc,
  convTransposeOutShape,
  convTransposeVerifierCost,
  proveConvTranspose,
  verifyConvTranspose,
  type ConvTransposeProof,
  type ConvTransposeSpec,
} from "../../src/prover/layers/conv-transpose";
import { convTransposeNode } from "../../src/prover/layers/conv-transpose-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";
import { claimOn, expectTensorClaim, tamperedCopies, tensorHolds } from "./select-helpers";

type T = { shape: readonly number[]; data: number[] };

function spec2d(x: number[], w: number[], s: number[], d: number[], p: number[], outPad: number[], bias: boolean): ConvTransposeSpec {
  const outSpatial = x.slice(2).map((n, a) => s[a] * (n - 1) + outPad[a] + (w[2 + a] - 1) * d[a] + 1 - 2 * p[a]);
  return { x, w, strides: s, dilations: d, padsBegin: p, outSpatial, ...(bias ? { bias: [w[1]] } : {}) };
}

function operands(spec: ConvTransposeSpec, seed: string) {
  const x = intTensor([...spec.x], `${seed}/x`, 2047);
  const w = intTensor([...spec.w], `${seed}/w`, 2047);
  const bias = spec.bias ? intTensor([...spec.bias], `${seed}/b`, 100000) : undefined;
  return { x, w, bias };
}

function kernelRef(spec: ConvTransposeSpec, x: T, w: T, bias?: T): number[] {
  const f = (t: T) => ({ dtype: "float32" as const, shape: [...t.shape], data: Float64Array.from(t.data) });
  const g = { group: 1, kernel: spec.w.slice(2), strides: spec.strides, dilations: spec.dilations, padsBegin: spec.padsBegin, outSpatial: spec.outSpatial };
  return Array.from(convTranspose(f(x), f(w), bias ? Float64Array.from(bias.data) : undefined, g).data);
}

function roundTrip(spec: ConvTransposeSpec, x: T, w: T, bias: T | undefined, seed: string) {
  const acc = convTransposeAcc(spec, x, w, bias);
  const claim = claimOn(acc, seed);
  const { proof, claims } = proveConvTranspose({ spec, x, w, bias, claim, transcript: new Transcript("convt") });
  const verified = verifyConvTranspose({ spec, claim, proof, transcript: new Transcript("convt") });
  expect(verified).to.deep.equal(claims);
  return { acc, claim, proof, claims: verified };
}

const CASES: [string, ConvTransposeSpec][] = [
  ["2-D stride 2, 3×3, pad 1, output padding 1, bias", spec2d([1, 3, 5, 5], [3, 2, 3, 3], [2, 2], [1, 1], [1, 1], [1, 1], true)],
  ["2-D stride (2, 3), 2×4 kernel, dilation (1, 2), no bias", spec2d([2, 2, 3, 4], [2, 3, 2, 4], [2, 3], [1, 2], [0, 1], [0, 0], false)],
  ["1-D stride 3, kernel 2", spec2d([1, 4, 6], [4, 2, 2], [3], [1], [0], [2], true)],
  ["3-D stride 2, 2×2×2", spec2d([1, 1, 2, 3, 2], [1, 2, 2, 2, 2], [2, 2, 2], [1, 1, 1], [0, 0, 1], [0, 1, 0], true)],
  ["stride 1 (plain transposed conv), 5×5 pad 2", spec2d([1, 2, 4, 4], [2, 1, 5, 5], [1, 1], [1, 1], [2, 2], [0, 0], false)],
];

describe("prover: ConvTranspose IOP", () => {
  describe("completeness", () => {
    for (const [name, spec] of CASES) {
      it(name, () => {
        const { x, w, bias } = operands(spec, name);
        const r = roundTrip(spec, x, w, bias, name);
        expect(r.acc.data, "reference accumulator = executor kernel").to.deep.equal(kernelRef(spec, x, w, bias));
        expect(r.acc.shape).to.deep.equal(convTransposeOutShape(spec));
        expectTensorClaim(x, r.claims.x, "X claim");
        expectTensorClaim(w, r.claims.w, "W claim");
        if (bias) expectTensorClaim(bias, r.claims.bias!, "bias claim");
        const cost = convTransposeVerifierCost(spec);
        const words = (bias ? 1 : 0) + r.proof.sumcheck.rounds.flat().length + 2 + r.proof.gather.sumcheck.rounds.flat().length + 1;
        expect(cost.words).to.equal(words);
        expect(cost.rounds).to.equal(r.proof.sumcheck.rounds.length + r.proof.gather.sumcheck.rounds.length);
      });
    }
  });

  it("corpus: 1l_conv_transpose", function () {
    this.timeout(60_000);
    const loaded = loadCorpusTrace("1l_conv_transpose");
    if (!loaded) this.skip();
    const { model, trace, env } = loaded!;
    const { qmin, qmax } = qRange(DEFAULT_BITS);
    let proved = 0;
    for (const step of trace.steps) {
      if (step.op !== "ConvTranspose") continue;
      const n = convTransposeNode(model, step.node);
      const t = (v: string) => ({ shape: env.get(v)!.shape, data: Array.from(env.get(v)!.data) });
      const [x, w] = [t(n.x), t(n.w)];
      const bias = n.bias ? t(n.bias) : undefined;
      const acc = convTransposeAcc(n.spec, x, w, bias);
      const fp = step.plan.params as unknown as FixedPoint;
      expect(Array.from(requantizeArray(Float64Array.from(acc.data), fp, qmin, qmax)), "requant(acc) = trace").to.deep.equal(Array.from(step.values[0].data));
      const r = roundTrip(n.spec, x, w, bias, step.node);
      expectTensorClaim(x, r.claims.x, "X claim");
      expectTensorClaim(w, r.claims.w, "W claim");
      if (bias) expectTensorClaim(bias, r.claims.bias!, "bias claim");
      proved++;
    }
    expect(proved).to.equal(1);
  });

  describe("soundness", () => {
    const [, spec] = CASES[0];
    const { x, w, bias } = operands(spec, "sound");
    const allTrue = (c: ReturnType<typeof verifyConvTranspose>) => tensorHolds(x, c.x) && tensorHolds(w, c.w) && tensorHolds(bias!, c.bias!);

    it("every message tampered: rejected or a false claim handed on", () => {
      const r = roundTrip(spec, x, w, bias, "t");
      const copies = tamperedCopies(r.proof);
      expect(copies.length).to.be.greaterThan(20);
      for (const { path, proof } of copies) {
        let caught = false;
        try {
          caught = !allTrue(verifyConvTranspose({ spec, claim: r.claim, proof, transcript: new Transcript("convt") }));
        } catch (e) {
          expect(e, path).to.be.instanceOf(LayerProofError);
          caught = true;
        }
        expect(caught, path).to.equal(true);
      }
    });

    it("a false claim is refused by the prover and rejected by the verifier", () => {
      const r = roundTrip(spec, x, w, bias, "f");
      const bad = { point: r.claim.point, value: Fr.add(r.claim.value, 1n) };
      expect(() => proveConvTranspose({ spec, x, w, bias, claim: bad, transcript: new Transcript("convt") })).to.throw(LayerProofError, /false/);
      let caught = false;
      try {
        caught = !allTrue(verifyConvTranspose({ spec, claim: bad, proof: r.proof, transcript: new Transcript("convt") }));
      } catch (e) {
        expect(e).to.be.instanceOf(LayerProofError);
        caught = true;
      }
      expect(caught).to.equal(true);
    });

    it("a missing or extra bias value is rejected; bad specs are refused", () => {
      const r = roundTrip(spec, x, w, bias, "b");
      const noBias: ConvTransposeProof = { ...r.proof, biasValue: null };
      expect(() => verifyConvTranspose({ spec, claim: r.claim, proof: noBias, transcript: new Transcript("convt") })).to.throw(LayerProofError, /bias value is missing/);
      const { bias: _b, ...unbiased } = spec;
      expect(() => verifyConvTranspose({ spec: unbiased, claim: r.claim, proof: r.proof, transcript: new Transcript("convt") })).to.throw(LayerProofError, /unexpected bias/);
      expect(() => convTransposeOutShape({ ...spec, w: [2, 2, 3, 3] })).to.throw(LayoutError, /input channels/);
      expect(() => convTransposeOutShape({ ...spec, strides: [0, 1] })).to.throw(LayoutError, /strides/);
      expect(() => convTransposeOutShape({ ...spec, bias: [5] })).to.throw(LayoutError, /bias/);
    });
  });
});
