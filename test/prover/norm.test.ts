/**
 * Normalization layers (kind `norm`: LayerNormalization, InstanceNormalization) in the whole-model proof
 * (docs/prover.md, "Normalization (kind norm)"): completeness on the corpus models `layernorm` and
 * `1l_instance_norm` (skipped when the corpus is not beside the repo) and on built graphs with several groups
 * whose size is not a power of two; soundness: every word of a norm-only proof altered, and dishonest provers
 * (μ, V, r or z off from the executor's value, everything after them consistent) rejected by the arena.
 */
import { expect } from "chai";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type IntegerTrace, type Tensor } from "../../src/model";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { qRange, requantize, type FixedPoint } from "../../src/model/quant/fixed-point";
import { executePlan, proveInference, ProofRejectedError, ProverInputError, verifierPlan, type InferenceStatement } from "../../src/prover/graph";
import type { NormNodeStep } from "../../src/prover/graph/nodes/norm";
import type { VerifierPlan } from "../../src/prover/graph/plan";
import { normGeometry, normWitness, type NormGiven } from "../../src/prover/layers/norm";
import { LayoutError } from "../../src/prover/tensor";
import { writeModel } from "../model/helpers/harness";
import { seeded, type GraphSpec } from "../model/helpers/onnx-builder";
import { loadCorpusTrace } from "./corpus-helpers";
import { builtModel, graphSrs, proveModel, PROVER, type ProvedModel } from "./graph-helpers";

/** Layouts the corpus lacks: several groups of a non-power-of-two size, a Gemm producer, no bias, InstanceNorm with many channels. */
const BUILT: Record<string, GraphSpec> = {
  "LayerNormalization over [5, 6] from axis 1 (3 groups of 30)": {
    opset: 17,
    inputs: [{ name: "X", dims: [3, 5, 6] }],
    outputs: [{ name: "Y", dims: [3, 5, 6] }],
    nodes: [{ op: "LayerNormalization", inputs: ["X", "G", "B"], outputs: ["Y"], attrs: { axis: 1 } }],
    initializers: [
      { name: "G", dims: [5, 6], values: seeded(30, 3).map((v) => 1 + v / 2) },
      { name: "B", dims: [5, 6], values: seeded(30, 4) },
    ],
  },
  "Gemm → LayerNormalization over rows of 10 (no bias)": {
    opset: 17,
    inputs: [{ name: "X", dims: [4, 6] }],
    outputs: [{ name: "Y", dims: [4, 10] }],
    nodes: [
      { op: "Gemm", inputs: ["X", "W"], outputs: ["h"] },
      { op: "LayerNormalization", inputs: ["h", "G"], outputs: ["Y"] },
    ],
    initializers: [
      { name: "W", dims: [6, 10], values: seeded(60, 5) },
      { name: "G", dims: [10], values: seeded(10, 6) },
    ],
  },
  "InstanceNormalization [2, 3, 3, 5] (6 groups of 15)": {
    opset: 17,
    inputs: [{ name: "X", dims: [2, 3, 3, 5] }],
    outputs: [{ name: "Y", dims: [2, 3, 3, 5] }],
    nodes: [{ op: "InstanceNormalization", inputs: ["X", "G", "B"], outputs: ["Y"], attrs: { epsilon: 0.001 } }],
    initializers: [
      { name: "G", dims: [3], values: [0.5, -1.25, 2] },
      { name: "B", dims: [3], values: [0.1, 0, -0.3] },
    ],
  },
};

/** The verifier's reason, or "accepted". */
function rejection(plan: VerifierPlan, statement: InferenceStatement, proof: Uint8Array): string {
  try {
    executePlan(plan, statement, proof);
  } catch (e) {
    if (e instanceof ProofRejectedError) return e.reason;
    throw e;
  }
  return "accepted";
}

/** What a dishonest prover changes: a per-group value (μ, V, r) or one normalized value z, by `delta` at index `at`. */
type Tamper = { readonly what: "mu" | "var" | "r" | "z"; readonly at: number; readonly delta: number };

/**
 * A trace whose norm node computes with one intermediate off (the executor's chain otherwise, every later value
 * consistent, y included): the changed intermediates ride along as trace values `<node>:mu`, `:var`, `:r`, `:z`,
 * which only the unsafe (dishonest) prover reads.
 */
function dishonestTrace(p: ProvedModel, step: NormNodeStep, tamper: Tamper): IntegerTrace {
  const q = p.trace.steps.flatMap((s) => s.outputs.map((o, j) => [o, s.values[j]] as const)).find(([o]) => o === step.x)?.[1] ?? p.trace.inputs[0];
  const honest = normWitness(step.spec, q, step.rsqrt);
  const bump = (values: readonly number[]) => values.map((v, i) => (i === tamper.at ? v + tamper.delta : v));
  const given: NormGiven = tamper.what === "mu" ? { mu: bump(honest.mu) } : tamper.what === "var" ? { variance: bump(honest.variance) } : tamper.what === "r" ? { r: bump(honest.r) } : {};
  const w = normWitness(step.spec, q, step.rsqrt, given);
  const { qmin, qmax } = qRange(step.spec.bits);
  const zfp: FixedPoint = { multiplier: Number(step.z.multiplier), shift: step.z.shift };
  let z = Array.from(w.acc.data, (a) => requantize(a, zfp, qmin, qmax));
  if (tamper.what === "z") z = bump(z);
  const gamma = p.model.weights.get(`${step.node}:gamma`)!.tensor.data;
  const beta = p.model.weights.get(`${step.node}:beta`)!.tensor.data;
  const yfp: FixedPoint = { multiplier: Number(step.requant.multiplier), shift: step.requant.shift };
  const y = z.map((v, i) => requantize(v * gamma[i] + beta[i], yfp, qmin, qmax));
  const tensor = (shape: readonly number[], data: readonly number[]): Tensor => ({ dtype: "float32", shape: [...shape], data: Float64Array.from(data) });
  const rows = step.v.shape;
  const extra = { mu: tensor(rows, w.mu), var: tensor(rows, w.variance), r: tensor(rows, w.r), z: tensor(step.spec.x, z) };
  const steps = p.trace.steps.map((s) => (s.node !== step.node ? s : { ...s, values: [tensor(step.spec.x, y)] }));
  const names = Object.keys(extra).map((k) => `${step.node}:${k}`);
  const carrier = { ...steps[steps.length - 1], node: `${step.node}:given`, outputs: names, values: Object.values(extra) };
  return { ...p.trace, steps: [...steps, carrier] };
}

describe("prover: normalization layers (kind norm)", function () {
  this.timeout(300_000);

  for (const name of ["layernorm", "1l_instance_norm"]) {
    it(`proves and verifies the corpus ${name}`, function () {
      const c = loadCorpusTrace(name);
      if (!c) return this.skip();
      const p = proveModel(c.model, c.trace);
      expect(rejection(verifierPlan(p.vk, p.model), p.statement, p.proof)).to.equal("accepted");
    });
  }

  for (const [name, spec] of Object.entries(BUILT)) {
    it(`proves and verifies: ${name}`, () => {
      const { model, trace } = builtModel(importOnnx(writeModel(spec)));
      const p = proveModel(model, trace);
      expect(rejection(verifierPlan(p.vk, p.model), p.statement, p.proof)).to.equal("accepted");
    });
  }

  it("the geometry refuses a bad axis, an odd or negative variance shift, and groups too large for exact sums", () => {
    const ok = { x: [2, 3, 5], axis: 1, bits: 12, varianceShift: 4, limbBits: 12 };
    const geo = normGeometry(ok);
    expect([geo.groups, geo.n, geo.innerVars, geo.rowLayout.numVars]).to.deep.equal([2, 15, 5, 1]);
    expect(geo.limbs).to.deep.equal({ mu: 1, rem: 1, variance: 2 });
    for (const bad of [{ axis: 3 }, { axis: -1 }, { varianceShift: 3 }, { varianceShift: -2 }, { x: [2, 0, 5] }, { x: [1, 2 ** 21], axis: 1, bits: 16 }]) {
      expect(() => normGeometry({ ...ok, ...bad }), JSON.stringify(bad)).to.throw(LayoutError);
    }
  });

  /** LayerNormalization over rows of 16, quantized on `calibration` and proved on `input` (both [4, 16]). */
  function layerNormOn(calibration: (i: number) => number, input: (i: number) => number): { p: ProvedModel; plan: VerifierPlan; step: NormNodeStep } {
    const graph = importOnnx(
      writeModel({
        opset: 17,
        inputs: [{ name: "X", dims: [4, 16] }],
        outputs: [{ name: "Y", dims: [4, 16] }],
        nodes: [{ op: "LayerNormalization", inputs: ["X", "G", "B"], outputs: ["Y"] }],
        initializers: [
          { name: "G", dims: [16], values: seeded(16, 9) },
          { name: "B", dims: [16], values: seeded(16, 10) },
        ],
      }),
    );
    const tensor = (f: (i: number) => number): Tensor => ({ dtype: "float32", shape: [4, 16], data: Float64Array.from({ length: 64 }, (_, i) => f(i)) });
    const model = quantizeGraph(graph, [[tensor(calibration)]], DEFAULT_BITS);
    const p = proveModel(model, runInteger(model, quantizeInputs(model, [tensor(input)])));
    const plan = verifierPlan(p.vk, p.model);
    return { p, plan, step: plan.nodes.find((s) => s.handler === "norm") as NormNodeStep };
  }

  it("proves and verifies a LayerNormalization with no variance shift (t = 0: groups of small variance around a large mean)", () => {
    const wave = (i: number) => 100 + Math.sin(i);
    const { p, plan, step } = layerNormOn(wave, wave);
    expect(step.spec.varianceShift).to.equal(0);
    expect(rejection(plan, p.statement, p.proof)).to.equal("accepted");
  });

  it("proves and verifies groups whose variance leaves the calibrated range (the min(·, 2^b − 1) binds)", () => {
    const { p, plan, step } = layerNormOn(
      (i) => 1 + 0.01 * Math.sin(i),
      (i) => ((i % 2 ? 1 : -1) * (i % 7)) / 7,
    );
    const w = normWitness(step.spec, p.trace.inputs[0], step.rsqrt);
    const top = 2 ** step.spec.bits - 1;
    const clamped = w.variance.filter((v) => Math.floor((v + 2 ** step.spec.varianceShift / 2) / 2 ** step.spec.varianceShift) > top);
    expect(clamped.length).to.be.greaterThan(0);
    expect(w.v.filter((v) => v === top).length).to.be.at.least(clamped.length);
    expect(rejection(plan, p.statement, p.proof)).to.equal("accepted");
  });

  describe("soundness", () => {
    let p: ProvedModel;
    let plan: VerifierPlan;
    let step: NormNodeStep;
    before(() => {
      const { model, trace } = builtModel(importOnnx(writeModel(BUILT["InstanceNormalization [2, 3, 3, 5] (6 groups of 15)"])));
      p = proveModel(model, trace);
      plan = verifierPlan(p.vk, p.model);
      step = plan.nodes.find((s) => s.handler === "norm") as NormNodeStep;
    });

    it("the verifier plan is plain data: it re-executes after a JSON round trip", () => {
      const json = JSON.stringify(plan, (_, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));
      const back = JSON.parse(json, (_, v: unknown) => (v && typeof v === "object" && "bigint" in v ? BigInt((v as { bigint: string }).bigint) : v)) as VerifierPlan;
      expect(rejection(back, p.statement, p.proof)).to.equal("accepted");
    });

    it("rejects every 32-byte word of a norm-only proof altered", () => {
      const steps = new Set<string>();
      for (let w = 0; w < p.proof.length / 32; w++) {
        const bad = p.proof.slice();
        bad[32 * w + 31] ^= 1;
        const why = rejection(plan, p.statement, bad);
        expect(why, `word ${w}`).to.not.equal("accepted");
        steps.add(why.split(":")[0]);
      }
      expect([...steps]).to.include(`node ${step.node} (InstanceNormalization)`);
    });

    it("an honest prover refuses a trace whose output is wrong", () => {
      const steps = p.trace.steps.map((s) => (s.node !== step.node ? s : { ...s, values: s.values.map((t) => ({ ...t, data: Float64Array.from(t.data, (v, i) => (i === 4 ? v + 1 : v)) })) }));
      expect(() => proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: { ...p.trace, steps }, prover: PROVER })).to.throw(ProverInputError);
    });

    const tampers: [string, Tamper][] = [
      ["μ off by one", { what: "mu", at: 2, delta: 1 }],
      ["μ off by minus one", { what: "mu", at: 0, delta: -1 }],
      ["V off by one", { what: "var", at: 3, delta: 1 }],
      ["V off by minus one", { what: "var", at: 5, delta: -1 }],
      ["r not the table entry", { what: "r", at: 1, delta: 1 }],
      ["z off by one", { what: "z", at: 7, delta: 1 }],
    ];
    for (const [name, tamper] of tampers) {
      it(`rejects a dishonest proof with ${name}`, () => {
        const forged = proveInference({ setup: p.setup, model: p.model, srs: graphSrs(), trace: dishonestTrace(p, step, tamper), prover: PROVER, unsafeDishonest: true });
        // The changed value breaks a lookup (a remainder, its complement, the RSQRT row or z's rounding leaves its
        // table), so the arena's sums disagree.
        expect(rejection(plan, forged.statement, forged.proof)).to.match(/^arena/);
      });
    }
  });
});
