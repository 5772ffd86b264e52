/**
 * Where with a constant condition (handler `where-mask`, src/prover/graph/nodes/where-mask.ts): the mask committed
 * in W, one degree-3 sum-check. Completeness on fills on either side, broadcast masks, padded axes, two runtime
 * inputs (one rescaled), a constant tensor input and merged claims; soundness: every proof word flipped, dishonest
 * traces (the driver's unsafe hook) refused or rejected, and a prover that proves consistently with ANOTHER mask
 * (one entry flipped) rejected by the opening of W.
 */
import { expect } from "chai";
import { importOnnx } from "../../src/model";
import type { QuantizedModel } from "../../src/model";
import { proveInference, verifierPlan } from "../../src/prover/graph";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { builtModel, graphSrs, proveModel, PROVER, rejection, tamperedOutput, type ProvedModel } from "./graph-helpers";
import { constantTensor, fillFalse, fillTrue, flippedMaskProof, maskStep, twoRuntime } from "./where-graphs";

const built = (spec: GraphSpec) => builtModel(importOnnx(writeModel(spec)));

/** Proves a model whose trace or weights a dishonest prover changed; the verdict against the honest setup. */
function dishonest(honest: ProvedModel, model: QuantizedModel, trace: ProvedModel["trace"]): string {
  let proved;
  try {
    proved = proveInference({ setup: honest.setup, model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
  } catch (e) {
    expect(String(e)).to.match(/claim is false|not the sum over the hypercube/);
    return String(e);
  }
  const why = rejection(honest, proved.statement, proved.proof);
  expect(why).to.not.equal("accepted");
  return why;
}

/** Every 32-byte word of the proof flipped (its lowest bit) is rejected. */
function everyWordRejected(p: ProvedModel): void {
  for (let w = 0; w < p.proof.length / 32; w++) {
    const bad = Uint8Array.from(p.proof);
    bad[w * 32 + 31] ^= 1;
    expect(rejection(p, p.statement, bad), `word ${w}`).to.not.equal("accepted");
  }
}

describe("prover: Where with a constant condition (committed mask, one sum-check)", function () {
  this.timeout(300_000);

  const cases: { name: string; spec: GraphSpec; fills: (number | null)[]; sent: number }[] = [
    { name: "fill on the true side, mask [1, 1, 3, 3] over [1, 2, 3, 3] (padded axes)", spec: fillTrue(3), fills: [-1, null], sent: 1 },
    { name: "fill [1] on the false side, mask [5] over [3, 5]", spec: fillFalse(5), fills: [null, 1], sent: 1 },
    { name: "two runtime inputs, one rescaled, mask [3, 3] over [2, 3, 3]", spec: twoRuntime(3), fills: [null, null], sent: 2 },
    { name: "a constant tensor input (an opening of W) and the output read twice (merged claims)", spec: constantTensor(), fills: [null, null], sent: 2 },
  ];

  for (const c of cases) {
    it(`${c.name}: proves and verifies`, () => {
      const { model, trace } = built(c.spec);
      const step = maskStep(model);
      expect(step.data.map((d) => (d.fill === null ? null : Math.sign(d.fill)))).to.deep.equal(c.fills);
      expect(step.data.filter((d) => d.fill === null)).to.have.length(c.sent);
      expect(model.weights.has(step.mask.tensor)).to.equal(true);
      expect(rejection(proveModel(model, trace))).to.equal("accepted");
    });
  }

  it("the verifier's work does not grow with the output: the plan step holds shapes and fills, no maps", () => {
    const { model } = built(fillTrue(16));
    const json = JSON.stringify(maskStep(model));
    expect(json.length).to.be.below(600);
  });

  for (const spec of [fillTrue(3), constantTensor()]) {
    it(`every 32-byte word of the proof flipped is rejected (${spec.nodes.map((n) => n.op).join(" → ")})`, () => {
      const { model, trace } = built(spec);
      everyWordRejected(proveModel(model, trace));
    });
  }

  for (const [what, index, change] of [
    ["a masked entry (the fill) changed", 1, (v: number) => v + 1],
    ["a kept entry changed", 0, (v: number) => v - 1],
    ["a kept entry replaced by the fill", 0, () => -1],
  ] as const) {
    it(`a dishonest trace (${what}) is refused or rejected`, () => {
      const { model, trace } = built(fillTrue(3));
      const honest = proveModel(model, trace);
      dishonest(honest, model, tamperedOutput(trace, model.graph.nodes[0].name, index, change));
    });
  }

  it("a prover that uses another mask consistently (one entry flipped) is rejected by the opening of W", () => {
    const { model, trace } = built(fillTrue(3));
    const honest = proveModel(model, trace);
    const lie = flippedMaskProof(honest);
    expect(rejection(honest, lie.statement, lie.proof)).to.match(/open|pairing|batch/i);
  });

  it("the verifier plan names the step and no public map", () => {
    const { model, trace } = built(fillTrue(3));
    const p = proveModel(model, trace);
    const plan = verifierPlan(p.vk, p.model);
    expect(plan.nodes.map((n) => n.handler)).to.include("where-mask");
    expect(plan.nodes.map((n) => n.handler)).to.not.include("where");
  });
});
