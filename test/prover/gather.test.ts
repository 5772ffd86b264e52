/**
 * Copies by a public map (Trilu, Expand, Tile, DepthToSpace, SpaceToDepth, Gather / GatherElements / GatherND
 * with constant indices): the map read off the executor reproduces the trace on the corpus (`tril`, `triu`,
 * `ltsf`'s Expand) and on generated graphs; the IOP proves, verifies and hands on a true claim; soundness: every
 * message tampered, a false claim refused and rejected, malformed maps refused.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type IntegerTrace, type QuantizedModel } from "../../src/model";
import { LayerProofError } from "../../src/prover/claims";
import { checkGatherSpec, gatherApply, proveGather, verifyGather, type GatherSpec } from "../../src/prover/layers/gather";
import { GATHER_OPS, gatherNode } from "../../src/prover/layers/gather-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { inputsFor, writeModel } from "../model/helpers/harness";
import type { GraphSpec, NodeSpec, TensorSpec } from "../model/helpers/onnx-builder";
import { loadCorpusTrace } from "./corpus-helpers";
import { claimOn, expectTensorClaim, tamperedCopies, tensorHolds } from "./select-helpers";

type T = { shape: readonly number[]; data: number[] };

function graph(x: number[], out: number[], node: Omit<NodeSpec, "outputs">, initializers: TensorSpec[] = []): GraphSpec {
  return { opset: 17, inputs: [{ name: "X", dims: x }], outputs: [{ name: "Y", dims: out }], nodes: [{ ...node, outputs: ["Y"] }], initializers };
}
const ints = (name: string, dims: number[], values: number[]): TensorSpec => ({ name, dims, type: "int64", values });

const SYNTHETIC: [string, GraphSpec][] = [
  ["Tile", graph([2, 3], [4, 9], { op: "Tile", inputs: ["X", "R"] }, [ints("R", [2], [2, 3])])],
  ["Expand (broadcast a middle axis)", graph([2, 1, 3], [2, 4, 3], { op: "Expand", inputs: ["X", "S"] }, [ints("S", [3], [2, 4, 3])])],
  ["DepthToSpace (CRD)", graph([1, 8, 2, 3], [1, 2, 4, 6], { op: "DepthToSpace", inputs: ["X"], attrs: { blocksize: 2, mode: "CRD" } })],
  ["SpaceToDepth", graph([1, 2, 4, 6], [1, 8, 2, 3], { op: "SpaceToDepth", inputs: ["X"], attrs: { blocksize: 2 } })],
  ["Gather with 2-D indices (one negative)", graph([5, 3], [2, 2, 3], { op: "Gather", inputs: ["X", "I"], attrs: { axis: 0 } }, [ints("I", [2, 2], [4, 0, -1, 2])])],
  ["GatherElements", graph([3, 4], [3, 2], { op: "GatherElements", inputs: ["X", "I"], attrs: { axis: 1 } }, [ints("I", [3, 2], [0, 3, 1, 1, 2, 0])])],
  ["GatherND", graph([3, 4, 2], [2, 2], { op: "GatherND", inputs: ["X", "I"] }, [ints("I", [2, 2], [0, 1, 2, 3])])],
  ["Expand of a scalar (rank-0 input)", graph([], [2, 3], { op: "Expand", inputs: ["X", "S"] }, [ints("S", [2], [2, 3])])],
  ["Trilu lower, k = −1", graph([2, 4, 4], [2, 4, 4], { op: "Trilu", inputs: ["X", "K"], attrs: { upper: 0 } }, [ints("K", [], [-1])])],
];

function synthetic(spec: GraphSpec): { model: QuantizedModel; trace: IntegerTrace } {
  const g = importOnnx(writeModel(spec));
  const inputs = inputsFor(g);
  const model = quantizeGraph(g, [inputs], 12);
  return { model, trace: runInteger(model, quantizeInputs(model, inputs)) };
}

function roundTrip(spec: GatherSpec, x: T, seed: string) {
  const y = gatherApply(spec, x);
  const claim = claimOn(y, seed);
  const { proof, claim: pc } = proveGather({ spec, x, claim, transcript: new Transcript("gather") });
  const vc = verifyGather({ spec, claim, proof, transcript: new Transcript("gather") });
  expect(vc).to.deep.equal(pc);
  expectTensorClaim(x, vc, "X claim");
  return { y, claim, proof };
}

/** Every gather-kind step of a trace: the map reproduces the output, and the IOP round-trips. */
function checkTrace(model: QuantizedModel, trace: IntegerTrace, seed: string): number {
  const values = new Map<string, T>();
  model.graph.inputs.forEach((info, i) => values.set(info.name, { shape: trace.inputs[i].shape, data: Array.from(trace.inputs[i].data) }));
  let proved = 0;
  for (const step of trace.steps) {
    step.outputs.forEach((o, i) => values.set(o, { shape: step.values[i].shape, data: Array.from(step.values[i].data) }));
    if (step.kind !== "movement" || !(GATHER_OPS as readonly string[]).includes(step.op)) continue;
    const n = gatherNode(model, step.node);
    const x = values.get(n.x)!;
    expect(gatherApply(n.spec, x).data, `${step.node}: map reproduces the trace`).to.deep.equal(Array.from(step.values[0].data));
    roundTrip(n.spec, x, `${seed}/${step.node}`);
    proved++;
  }
  return proved;
}

describe("prover: copies by a public map (Trilu, Expand, Tile, Gather…)", function () {
  this.timeout(60_000);
  for (const name of ["tril", "triu", "ltsf"]) {
    it(`corpus ${name}`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      expect(checkTrace(loaded!.model, loaded!.trace, name)).to.be.greaterThan(0);
    });
  }
  for (const [name, spec] of SYNTHETIC) {
    it(name, () => {
      const { model, trace } = synthetic(spec);
      expect(checkTrace(model, trace, name)).to.equal(1);
    });
  }

  it("soundness: every message tampered; a false claim refused and rejected; bad maps refused", () => {
    const spec: GatherSpec = { x: [3, 4], out: [2, 5], map: [11, 0, -1, 5, 5, 3, 7, -1, 2, 9] };
    const x = { shape: [3, 4], data: [5, -3, 8, 1, 0, 7, -9, 4, 2, 6, -1, 3] };
    const r = roundTrip(spec, x, "t");
    for (const { path, proof } of tamperedCopies(r.proof)) {
      let caught = false;
      try {
        caught = !tensorHolds(x, verifyGather({ spec, claim: r.claim, proof, transcript: new Transcript("gather") }));
      } catch (e) {
        expect(e, path).to.be.instanceOf(LayerProofError);
        caught = true;
      }
      expect(caught, path).to.equal(true);
    }
    const bad = { point: r.claim.point, value: Fr.add(r.claim.value, 1n) };
    expect(() => proveGather({ spec, x, claim: bad, transcript: new Transcript("gather") })).to.throw(LayerProofError, /false/);
    expect(() => checkGatherSpec({ ...spec, map: [12, ...spec.map.slice(1)] })).to.throw(LayoutError, /outside/);
    expect(() => checkGatherSpec({ ...spec, map: spec.map.slice(1) })).to.throw(LayoutError, /map entries/);
  });
});
