/**
 * The re-indexing IOPs on the real corpus (../shared/models): every Pad, Slice, Concat, Reshape and Flatten
 * node whose plan does not rescale its inputs is proved from a claim on its traced output and verified, and the
 * claims handed on are true — so the spec read from the node reproduces the executor exactly.
 */
import { expect } from "chai";
import type { Tensor } from "../../src/model";
import { movementNode } from "../../src/prover/layers/movement-spec";
import { proveConcat, verifyConcat } from "../../src/prover/layers/concat";
import { proveReindex, reindexOutShape, verifyReindex } from "../../src/prover/layers/reindex";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";

const MODELS = ["1l_pad", "1l_average", "1l_slice", "1l_concat", "1l_flatten", "1l_reshape", "ltsf", "lstm_medium", "decision_tree", "random_forest", "gradient_boosted_trees", "3l_relu_conv_fc", "idolmodel"];
const OPS = new Set(["Pad", "Slice", "Concat", "Reshape", "Flatten"]);

const holds = (t: Tensor, c: { point: readonly bigint[]; value: bigint }) => evaluateTensor(layoutOf(t.shape), t.data, c.point) === c.value;

describe("prover: re-indexing IOPs on corpus models", function () {
  this.timeout(300_000);
  for (const name of MODELS) {
    it(name, function () {
      const loaded = loadCorpusTrace(name, true);
      if (!loaded) this.skip();
      const { model, trace, env } = loaded!;
      let proved = 0;
      for (const step of trace.steps) {
        if (OPS.has(step.op) && step.kind === "movement") {
          const m = movementNode(model, step.node);
          const out = step.values[0];
          const layout = layoutOf(out.shape);
          const point = randomFrs(layout.numVars, `${name}/${step.node}`);
          const claim = { point, value: evaluateTensor(layout, out.data, point) };
          if (m.kind === "single") {
            const x = env.get(m.input);
            if (!m.rescaled && x) {
              expect(reindexOutShape(m.layer), `${step.node}: shape`).to.deep.equal([...out.shape]);
              const { proof } = proveReindex({ layer: m.layer, x, claim, transcript: new Transcript("corpus") });
              expect(holds(x, verifyReindex({ layer: m.layer, claim, proof, transcript: new Transcript("corpus") })), `${step.node}: input claim`).to.equal(true);
              proved++;
            }
          } else {
            const xs = m.inputs.map((v) => env.get(v));
            if (!m.rescaled && xs.every((t) => t !== undefined)) {
              const { proof } = proveConcat({ spec: m.spec, inputs: xs as Tensor[], claim, transcript: new Transcript("corpus") });
              const claims = verifyConcat({ spec: m.spec, claim, proof, transcript: new Transcript("corpus") });
              claims.forEach((c, j) => expect(holds(xs[j]!, c), `${step.node}: input ${j} claim`).to.equal(true));
              proved++;
            }
          }
        }
        step.outputs.forEach((o, j) => o !== "" && env.set(o, step.values[j]));
      }
      expect(proved, "re-indexing nodes proved").to.be.greaterThan(0);
    });
  }
});
