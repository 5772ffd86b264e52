/**
 * Transformer layers in the whole-model proof (docs/prover.md, "Transformer layers"): softmax end to end on the
 * corpus model `1l_softmax` — completeness, every proof word altered, and dishonest provers (a wrong softmax
 * output; a wrong row max) rejected. Skipped when the corpus is not beside the repo.
 */
import { expect } from "chai";
import { importOnnx } from "../../src/model";
import { executePlan, proveInference, ProverInputError, verifierPlan } from "../../src/prover/graph";
import { loadCorpusTrace } from "./corpus-helpers";
import { rejection, tamperedTrace, builtModel, graphSrs, proveModel, PROVER, type ProvedModel } from "./graph-helpers";
import { writeModel } from "../model/helpers/harness";
import { seeded, type GraphSpec } from "../model/helpers/onnx-builder";

/**
 * Softmax layouts the corpus lacks: an inner axis (opset 13), the 2-D coercion over two axes (opset 11), rows of
 * one, a row of 40 (two 16-bit limbs for rem at 12 bits), and a Gemm producer (the input claims go through its
 * requant).
 */
const SYNTHETIC: Record<string, GraphSpec> = {
  "Softmax over an inner axis (opset 13)": {
    opset: 13,
    inputs: [{ name: "X", dims: [2, 5, 3] }],
    outputs: [{ name: "Y", dims: [2, 5, 3] }],
    nodes: [{ op: "Softmax", inputs: ["X"], outputs: ["Y"], attrs: { axis: 1 } }],
  },
  "Softmax coerced to 2-D over two axes (opset 11)": {
    opset: 11,
    inputs: [{ name: "X", dims: [2, 3, 4] }],
    outputs: [{ name: "Y", dims: [2, 3, 4] }],
    nodes: [{ op: "Softmax", inputs: ["X"], outputs: ["Y"], attrs: { axis: 1 } }],
  },
  "Softmax over an axis of size 1": {
    opset: 13,
    inputs: [{ name: "X", dims: [4, 1] }],
    outputs: [{ name: "Y", dims: [4, 1] }],
    nodes: [{ op: "Softmax", inputs: ["X"], outputs: ["Y"], attrs: { axis: 1 } }],
  },
  "Gemm → Softmax over rows of 40": {
    opset: 17,
    inputs: [{ name: "X", dims: [3, 6] }],
    outputs: [{ name: "Y", dims: [3, 40] }],
    nodes: [
      { op: "Gemm", inputs: ["X", "W"], outputs: ["h"] },
      { op: "Softmax", inputs: ["h"], outputs: ["Y"] },
    ],
    initializers: [{ name: "W", dims: [6, 40], values: seeded(240, 11) }],
  },
};

/** LogSoftmax layouts: one axis of 10 (k = 4), a [1, 8] row after a Gemm (one row: no row variables), rows of one, a two-axis 2-D coercion. */
const LOG_SOFTMAX: Record<string, GraphSpec> = {
  "LogSoftmax over rows of 10 (opset 13)": {
    opset: 13,
    inputs: [{ name: "X", dims: [3, 10] }],
    outputs: [{ name: "Y", dims: [3, 10] }],
    nodes: [{ op: "LogSoftmax", inputs: ["X"], outputs: ["Y"] }],
  },
  "Gemm → LogSoftmax": {
    opset: 17,
    inputs: [{ name: "X", dims: [1, 6] }],
    outputs: [{ name: "Y", dims: [1, 8] }],
    nodes: [
      { op: "Gemm", inputs: ["X", "W"], outputs: ["h"] },
      { op: "LogSoftmax", inputs: ["h"], outputs: ["Y"], attrs: { axis: 1 } },
    ],
    initializers: [{ name: "W", dims: [6, 8], values: seeded(48, 13) }],
  },
  "LogSoftmax over an axis of size 1 (k = 0)": {
    opset: 13,
    inputs: [{ name: "X", dims: [4, 1] }],
    outputs: [{ name: "Y", dims: [4, 1] }],
    nodes: [{ op: "LogSoftmax", inputs: ["X"], outputs: ["Y"], attrs: { axis: 1 } }],
  },
  "LogSoftmax coerced to 2-D (opset 11)": {
    opset: 11,
    inputs: [{ name: "X", dims: [2, 3, 2] }],
    outputs: [{ name: "Y", dims: [2, 3, 2] }],
    nodes: [{ op: "LogSoftmax", inputs: ["X"], outputs: ["Y"], attrs: { axis: 1 } }],
  },
};

/** The verifier plan is plain data: it re-executes the proof after a JSON round trip (bigints tagged). */
function planRoundTrip(p: ProvedModel): void {
  const json = JSON.stringify(verifierPlan(p.vk, p.model), (_, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));
  const back = JSON.parse(json, (_, v: unknown) => (v && typeof v === "object" && "bigint" in v ? BigInt((v as { bigint: string }).bigint) : v)) as ReturnType<typeof verifierPlan>;
  executePlan(back, p.statement, p.proof);
}

describe("prover: transformer layers (softmax)", function () {
  this.timeout(300_000);
  let p: ProvedModel;
  let node: string;

  before(function () {
    const c = loadCorpusTrace("1l_softmax");
    if (!c) return this.skip();
    p = proveModel(c.model, c.trace);
    node = c.model.graph.nodes.find((n) => n.op === "Softmax")!.name;
  });

  it("proves and verifies 1l_softmax; the plan re-executes after a JSON round trip", () => {
    expect(rejection(p)).to.equal("accepted");
    planRoundTrip(p);
  });

  it("rejects every 32-byte word of the proof altered", () => {
    const words = p.proof.length / 32;
    const steps = new Set<string>();
    for (let w = 0; w < words; w++) {
      const bad = p.proof.slice();
      bad[32 * w + 31] ^= 1;
      const why = rejection(p, p.statement, bad);
      expect(why, `word ${w}`).to.not.equal("accepted");
      steps.add(why.split(":")[0]);
    }
    expect([...steps]).to.include(`node ${node} (Softmax)`);
  });

  it("rejects a changed output value", () => {
    const output = p.statement.output.slice();
    output[3] ^= 1;
    expect(rejection(p, { ...p.statement, output })).to.not.equal("accepted");
  });

  it("an honest prover refuses a trace whose softmax output is wrong", () => {
    const bad = tamperedTrace(p.trace, node, 1, 1);
    expect(() => proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER })).to.throw(ProverInputError, /not roundDiv/);
  });

  for (const [name, spec] of Object.entries(SYNTHETIC)) {
    it(`proves and verifies: ${name}`, () => {
      const { model, trace } = builtModel(importOnnx(writeModel(spec)));
      expect(rejection(proveModel(model, trace))).to.equal("accepted");
    });
  }

  for (const delta of [1, -1, 7]) {
    it(`rejects a dishonest proof of a softmax output off by ${delta}`, () => {
      const bad = tamperedTrace(p.trace, node, 0, delta);
      const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
      // The forged y breaks rem ∈ [0, 2S): its limbs leave the range table, so the arena's sums disagree.
      expect(rejection(p, forged.statement, forged.proof)).to.match(/^arena/);
    });
  }
});

describe("prover: transformer layers (log-softmax)", function () {
  this.timeout(300_000);

  for (const [name, spec] of Object.entries(LOG_SOFTMAX)) {
    it(`proves and verifies: ${name}`, () => {
      const { model, trace } = builtModel(importOnnx(writeModel(spec)));
      expect(rejection(proveModel(model, trace))).to.equal("accepted");
    });
  }

  describe("soundness (Gemm → LogSoftmax)", () => {
    let p: ProvedModel;
    let node: string;
    before(() => {
      const { model, trace } = builtModel(importOnnx(writeModel(LOG_SOFTMAX["Gemm → LogSoftmax"])));
      p = proveModel(model, trace);
      node = model.graph.nodes.find((n) => n.op === "LogSoftmax")!.name;
    });

    it("the plan re-executes after a JSON round trip", () => {
      planRoundTrip(p);
    });

    it("rejects every 32-byte word of the proof altered", () => {
      const steps = new Set<string>();
      for (let w = 0; w < p.proof.length / 32; w++) {
        const bad = p.proof.slice();
        bad[32 * w + 31] ^= 1;
        const why = rejection(p, p.statement, bad);
        expect(why, `word ${w}`).to.not.equal("accepted");
        steps.add(why.split(":")[0]);
      }
      expect([...steps]).to.include(`node ${node} (LogSoftmax)`);
    });

    for (const delta of [1, -1]) {
      it(`rejects a dishonest proof of an output off by ${delta}`, () => {
        const bad = tamperedTrace(p.trace, node, 2, delta);
        expect(() => proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER })).to.throw(ProverInputError);
        const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
        expect(rejection(p, forged.statement, forged.proof)).to.match(/^arena/);
      });
    }
  });
});

describe("prover: transformer layers (reduce-logsumexp)", function () {
  this.timeout(300_000);
  let p: ProvedModel;
  let node: string;

  before(function () {
    const c = loadCorpusTrace("logsumexp");
    if (!c) return this.skip();
    p = proveModel(c.model, c.trace);
    node = c.model.graph.nodes.find((n) => n.op === "ReduceLogSumExp")!.name;
  });

  it("proves and verifies the corpus logsumexp ([1, 2, 2, 8] → [1, 2, 8]); the plan re-executes after a JSON round trip", () => {
    expect(rejection(p)).to.equal("accepted");
    planRoundTrip(p);
  });

  it("proves and verifies ReduceLogSumExp over two axes with keepdims (opset 13)", () => {
    const spec: GraphSpec = {
      opset: 13,
      inputs: [{ name: "X", dims: [2, 3, 5] }],
      outputs: [{ name: "Y", dims: [2, 1, 1] }],
      nodes: [{ op: "ReduceLogSumExp", inputs: ["X"], outputs: ["Y"], attrs: { axes: [1, 2], keepdims: 1 } }],
    };
    const { model, trace } = builtModel(importOnnx(writeModel(spec)));
    expect(rejection(proveModel(model, trace))).to.equal("accepted");
  });

  it("rejects every 32-byte word of the proof altered", () => {
    const steps = new Set<string>();
    for (let w = 0; w < p.proof.length / 32; w++) {
      const bad = p.proof.slice();
      bad[32 * w + 31] ^= 1;
      const why = rejection(p, p.statement, bad);
      expect(why, `word ${w}`).to.not.equal("accepted");
      steps.add(why.split(":")[0]);
    }
    expect([...steps]).to.include(`node ${node} (ReduceLogSumExp)`);
  });

  it("rejects a dishonest proof of an output off by one", () => {
    const bad = tamperedTrace(p.trace, node, 1, 1);
    expect(() => proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER })).to.throw(ProverInputError);
    const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: bad, prover: PROVER, unsafeDishonest: true });
    expect(rejection(p, forged.statement, forged.proof)).to.match(/^arena/);
  });
});
