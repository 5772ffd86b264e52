/**
 * The linear-Resize IOP on generated ONNX graphs (every coordinate transformation, scales and sizes, 1 to 3
 * interpolated axes, Upsample): the spec restated from the executor reproduces the trace exactly (the
 * recomputed accumulator requantizes to the trace's output), the IOP proves, verifies and hands on a true claim;
 * soundness: every message tampered, a false claim refused and rejected, malformed specs refused.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger } from "../../src/model";
import { qRange, requantizeArray } from "../../src/model/quant/fixed-point";
import { LayerProofError } from "../../src/prover/claims";
import { checkResizeLinearSpec, proveResizeLinear, resizeLinearAcc, resizeLinearSelectorCost, verifyResizeLinear, type ResizeLinearSpec } from "../../src/prover/layers/resize-linear";
import { resizeLinearNode } from "../../src/prover/layers/resize-linear-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { inputsFor, writeModel } from "../model/helpers/harness";
import type { GraphSpec, NodeSpec, TensorSpec } from "../model/helpers/onnx-builder";
import { claimOn, expectTensorClaim, tamperedCopies, tensorHolds } from "./select-helpers";

const BITS = 12;

function resizeGraph(x: number[], out: number[], node: Omit<NodeSpec, "outputs">, initializers: TensorSpec[], opset = 17): GraphSpec {
  return { opset, inputs: [{ name: "X", dims: x }], outputs: [{ name: "Y", dims: out }], nodes: [{ ...node, outputs: ["Y"] }], initializers };
}

const scales = (values: number[]): TensorSpec => ({ name: "S", dims: [values.length], values });
const sizes = (values: number[]): TensorSpec => ({ name: "Z", dims: [values.length], type: "int64", values });

const CASES: [string, GraphSpec][] = [
  ["half_pixel, scales 2 × 2", resizeGraph([1, 2, 3, 4], [1, 2, 6, 8], { op: "Resize", inputs: ["X", "", "S"], attrs: { mode: "linear" } }, [scales([1, 1, 2, 2])])],
  ["align_corners, sizes", resizeGraph([1, 1, 3, 3], [1, 1, 5, 7], { op: "Resize", inputs: ["X", "", "", "Z"], attrs: { mode: "linear", coordinate_transformation_mode: "align_corners" } }, [sizes([1, 1, 5, 7])])],
  ["asymmetric, one axis (1-D), downscale", resizeGraph([2, 9], [2, 4], { op: "Resize", inputs: ["X", "", "S"], attrs: { mode: "linear", coordinate_transformation_mode: "asymmetric" } }, [scales([1, 0.5])])],
  ["pytorch_half_pixel, 3 axes", resizeGraph([2, 3, 2], [3, 5, 4], { op: "Resize", inputs: ["X", "", "S"], attrs: { mode: "linear", coordinate_transformation_mode: "pytorch_half_pixel" } }, [scales([1.5, 1.75, 2])])],
  ["interpolated axes 0 and 2 around a copied axis", resizeGraph([2, 3, 3], [4, 3, 5], { op: "Resize", inputs: ["X", "", "S"], attrs: { mode: "linear" } }, [scales([2, 1, 1.75])])],
  ["Upsample (opset 9), linear", resizeGraph([1, 1, 2, 3], [1, 1, 4, 6], { op: "Upsample", inputs: ["X", "S"], attrs: { mode: "linear" } }, [scales([1, 1, 2, 2])], 9)],
];

function load(spec: GraphSpec) {
  const graph = importOnnx(writeModel(spec));
  const inputs = inputsFor(graph);
  const model = quantizeGraph(graph, [inputs], BITS);
  const trace = runInteger(model, quantizeInputs(model, inputs));
  return { model, trace };
}

describe("prover: linear Resize IOP", function () {
  this.timeout(60_000);
  for (const [name, graph] of CASES) {
    it(`${name}: the spec reproduces the trace; proves, verifies, hands on a true claim`, () => {
      const { model, trace } = load(graph);
      const step = trace.steps[0];
      expect(step.kind).to.equal("resize-linear");
      const n = resizeLinearNode(model, step.node);
      const x = { shape: trace.inputs[0].shape, data: Array.from(trace.inputs[0].data) };
      const acc = resizeLinearAcc(n.spec, x);
      const { qmin, qmax } = qRange(BITS);
      const y = requantizeArray(Float64Array.from(acc.data), { multiplier: Number(n.multiplier), shift: n.shift }, qmin, qmax);
      expect(Array.from(y), "requant(acc) = trace").to.deep.equal(Array.from(step.values[0].data));
      const claim = claimOn(acc, name);
      const { proof, claim: pc } = proveResizeLinear({ spec: n.spec, x, claim, transcript: new Transcript("rl") });
      const vc = verifyResizeLinear({ spec: n.spec, claim, proof, transcript: new Transcript("rl") });
      expect(vc).to.deep.equal(pc);
      expectTensorClaim(x, vc, "X claim");
      expect(resizeLinearSelectorCost(n.spec)).to.be.greaterThan(0);
    });
  }

  it("soundness: every message tampered; a false claim refused and rejected", () => {
    const { model, trace } = load(CASES[0][1]);
    const n = resizeLinearNode(model, trace.steps[0].node);
    const x = { shape: trace.inputs[0].shape, data: Array.from(trace.inputs[0].data) };
    const claim = claimOn(resizeLinearAcc(n.spec, x), "t");
    const { proof } = proveResizeLinear({ spec: n.spec, x, claim, transcript: new Transcript("rl") });
    for (const { path, proof: bad } of tamperedCopies(proof)) {
      let caught = false;
      try {
        caught = !tensorHolds(x, verifyResizeLinear({ spec: n.spec, claim, proof: bad, transcript: new Transcript("rl") }));
      } catch (e) {
        expect(e, path).to.be.instanceOf(LayerProofError);
        caught = true;
      }
      expect(caught, path).to.equal(true);
    }
    const wrong = { point: claim.point, value: Fr.add(claim.value, 1n) };
    expect(() => proveResizeLinear({ spec: n.spec, x, claim: wrong, transcript: new Transcript("rl") })).to.throw(LayerProofError, /false/);
    let caught = false;
    try {
      caught = !tensorHolds(x, verifyResizeLinear({ spec: n.spec, claim: wrong, proof, transcript: new Transcript("rl") }));
    } catch (e) {
      expect(e).to.be.instanceOf(LayerProofError);
      caught = true;
    }
    expect(caught).to.equal(true);
  });

  it("malformed specs are refused", () => {
    const base: ResizeLinearSpec = { x: [2, 3], out: [2, 5], axes: [1], lower: [[0, 0, 1, 1, 2]], upper: [[1, 1, 2, 2, 2]], weights: new Array<number>(10).fill(8192) };
    checkResizeLinearSpec(base);
    expect(() => checkResizeLinearSpec({ ...base, upper: [[1, 1, 2, 2, 3]] })).to.throw(LayoutError, /tap indices/);
    expect(() => checkResizeLinearSpec({ ...base, weights: [1] })).to.throw(LayoutError, /weights/);
    expect(() => checkResizeLinearSpec({ ...base, out: [3, 5] })).to.throw(LayoutError, /changes size/);
    expect(() => checkResizeLinearSpec({ ...base, axes: [] })).to.throw(LayoutError, /axes/);
  });
});
