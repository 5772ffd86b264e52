/**
 * The reduction IOP (ReduceSum / ReduceMean / ReduceSumSquare accumulators): completeness on synthetic axes
 * and on the corpus (every reduce-sum node: the recomputed accumulator requantizes exactly to the trace, the
 * IOP proves, verifies and hands on a true claim on X); soundness: every message tampered, a false claim
 * refused by the prover and rejected by the verifier, a moved claim point.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { qRange, requantizeArray } from "../../src/model/quant/fixed-point";
import { LayerProofError } from "../../src/prover/claims";
import { proveReduce, reduceAcc, reduceOutShape, reduceWords, verifyReduce, type ReduceSpec } from "../../src/prover/layers/reduce";
import { reduceNode } from "../../src/prover/layers/reduce-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";
import { claimOn, expectTensorClaim, tamperedCopies, tensorHolds } from "./select-helpers";

function roundTrip(spec: ReduceSpec, x: { shape: readonly number[]; data: number[] }, seed: string) {
  const acc = reduceAcc(spec, x);
  const claim = claimOn(acc, seed);
  const { proof, claim: pc } = proveReduce({ spec, x, claim, transcript: new Transcript("reduce") });
  const vc = verifyReduce({ spec, claim, proof, transcript: new Transcript("reduce") });
  expect(vc).to.deep.equal(pc);
  return { acc, claim, proof, out: vc };
}

describe("prover: reduction IOP (ReduceSum / Mean / SumSquare)", () => {
  describe("completeness", () => {
    const cases: [string, ReduceSpec][] = [
      ["sum over the last axis", { x: [2, 3, 5], axes: [2], term: "value" }],
      ["sum over the middle axis", { x: [2, 5, 3], axes: [1], term: "value" }],
      ["sum over axes 0 and 2", { x: [3, 4, 6], axes: [2, 0], term: "value" }],
      ["sum over everything (scalar)", { x: [1, 1, 300], axes: [0, 1, 2], term: "value" }],
      ["squares over the last axis", { x: [4, 7], axes: [1], term: "square" }],
      ["squares over everything", { x: [3, 3, 3], axes: [0, 1, 2], term: "square" }],
    ];
    for (const [name, spec] of cases) {
      it(name, () => {
        const x = intTensor([...spec.x], name, 2047);
        const r = roundTrip(spec, x, name);
        expectTensorClaim(x, r.out, "X claim");
        expect(r.acc.shape).to.deep.equal(reduceOutShape(spec));
        expect(reduceWords(spec)).to.equal(r.proof.sumcheck.rounds.flat().length + 1);
      });
    }
  });

  describe("corpus", function () {
    this.timeout(120_000);
    for (const name of ["1l_mean", "1l_var", "reducel1", "hierarchical_risk"]) {
      it(name, function () {
        const loaded = loadCorpusTrace(name);
        if (!loaded) this.skip();
        const { model, trace } = loaded!;
        const values = new Map<string, { shape: readonly number[]; data: number[] }>();
        model.graph.inputs.forEach((info, i) => values.set(info.name, { shape: trace.inputs[i].shape, data: Array.from(trace.inputs[i].data) }));
        for (const [w, q] of model.weights) values.set(w, { shape: q.tensor.shape, data: Array.from(q.tensor.data) });
        const { qmin, qmax } = qRange(DEFAULT_BITS);
        let proved = 0;
        for (const step of trace.steps) {
          step.outputs.forEach((o, i) => values.set(o, { shape: step.values[i].shape, data: Array.from(step.values[i].data) }));
          if (step.kind !== "reduce-sum") continue;
          const n = reduceNode(model, step.node);
          const input = values.get(n.x)!;
          // ReduceL1 sums |x| (the driver proves |x| by a table lookup).
          const x = n.abs ? { shape: input.shape, data: input.data.map((v) => Math.abs(v)) } : input;
          const acc = reduceAcc(n.spec, x);
          const y = requantizeArray(Float64Array.from(acc.data), { multiplier: Number(n.multiplier), shift: n.shift }, qmin, qmax);
          expect(Array.from(y), `${step.node}: requant(acc) = trace`).to.deep.equal(Array.from(step.values[0].data));
          const r = roundTrip(n.spec, x, `${name}/${step.node}`);
          expectTensorClaim(x, r.out, `${step.node}: X claim`);
          proved++;
        }
        expect(proved).to.be.greaterThan(0);
      });
    }
  });

  describe("soundness", () => {
    for (const term of ["value", "square"] as const) {
      const spec: ReduceSpec = { x: [3, 4, 5], axes: [0, 2], term };
      const x = intTensor([3, 4, 5], `sound/${term}`, 2047);
      it(`${term}: every message tampered is rejected or hands on a false claim`, () => {
        const r = roundTrip(spec, x, "t");
        for (const { path, proof } of tamperedCopies(r.proof)) {
          let caught = false;
          try {
            caught = !tensorHolds(x, verifyReduce({ spec, claim: r.claim, proof, transcript: new Transcript("reduce") }));
          } catch (e) {
            expect(e, path).to.be.instanceOf(LayerProofError);
            caught = true;
          }
          expect(caught, path).to.equal(true);
        }
      });
      it(`${term}: a false claim is refused by the prover and rejected (or handed on false) by the verifier`, () => {
        const r = roundTrip(spec, x, "f");
        const bad = { point: r.claim.point, value: Fr.add(r.claim.value, 1n) };
        expect(() => proveReduce({ spec, x, claim: bad, transcript: new Transcript("reduce") })).to.throw(LayerProofError, /false/);
        let caught = false;
        try {
          caught = !tensorHolds(x, verifyReduce({ spec, claim: bad, proof: r.proof, transcript: new Transcript("reduce") }));
        } catch (e) {
          expect(e).to.be.instanceOf(LayerProofError);
          caught = true;
        }
        expect(caught).to.equal(true);
      });
    }
    it("bad specs and claim shapes are refused", () => {
      const x = intTensor([2, 3], "bad", 10);
      expect(() => reduceOutShape({ x: [2, 3], axes: [2], term: "value" })).to.throw(LayoutError, /axes/);
      expect(() => reduceOutShape({ x: [2, 3], axes: [1, 1], term: "value" })).to.throw(LayoutError, /axes/);
      expect(() => reduceOutShape({ x: [2, 3], axes: [1], term: "abs" as "value" })).to.throw(LayoutError, /term/);
      expect(() => proveReduce({ spec: { x: [2, 3], axes: [1], term: "value" }, x, claim: { point: [], value: 0n }, transcript: new Transcript("r") })).to.throw(LayerProofError, /coordinates/);
    });
  });
});
