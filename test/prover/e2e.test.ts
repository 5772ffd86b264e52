/**
 * End to end within the linear-layer scope: a model of two Gemm/MatMul layers reading the same input (fan-out)
 * is set up (one model commitment), then the accumulators acc1 = X·W1ᵀ + b1 and acc2 = X·W2 — computed here
 * from the trace's input and the committed weights, since the requantization proof is not built yet — are
 * proved: claims at random points → MatMul IOPs → the two claims on X merged and checked against the public
 * input → every weight claim lifted into the model polynomial → one batch opening.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import type { BatchOpeningProof } from "../../src/pcs/batch";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { quantizeGraph, type QuantizedModel } from "../../src/model/quant/quantize";
import { quantizeInputs, runInteger } from "../../src/model/exec/integer";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { proveMatMul, verifyMatMul, type MatMulProof, type MatMulSpec } from "../../src/prover/layers/matmul";
import { proveMerge, verifyMerge, type MergeProof } from "../../src/prover/layers/merge";
import type { WeightClaim } from "../../src/prover/model-poly";
import { linearNode } from "../../src/prover/layers/linear-spec";
import { setupModel, type ModelSetup } from "../../src/prover/setup";
import { evaluateTensor, LayoutError, layoutOf, paddedTable } from "../../src/prover/tensor";
import { proveWeightClaims, verifyWeightClaims } from "../../src/prover/weight-opening";
import { Transcript } from "../../src/transcript";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";
import { inputsFor } from "../model/helpers/harness";
import { broadcastMap, matmulRef } from "./helpers";

const DOMAIN = "prover-e2e-test";
// The model polynomial holds the CLAMP table of the whole-model proof (2^13 rows × 2 columns at 12 bits).
const SRS = insecureDevSrs(2 ** 15);
const VK = HyperKZG.verifierKey(SRS);
type Int = { shape: number[]; data: number[] };

const graph = importOnnxBytes(
  buildOnnx({
    inputs: [{ name: "X", dims: [2, 5] }],
    outputs: [
      { name: "Y1", dims: [2, 3] },
      { name: "Y2", dims: [2, 6] },
    ],
    initializers: [
      { name: "W1", dims: [3, 5], values: seeded(15, 11) },
      { name: "C1", dims: [3], values: seeded(3, 12) },
      { name: "W2", dims: [5, 6], values: seeded(30, 13) },
    ],
    nodes: [
      { op: "Gemm", inputs: ["X", "W1", "C1"], outputs: ["Y1"], name: "fc1", attrs: { transB: 1 } },
      { op: "MatMul", inputs: ["X", "W2"], outputs: ["Y2"], name: "fc2" },
    ],
  }),
);
const inputs = inputsFor(graph);
const model: QuantizedModel = quantizeGraph(graph, [inputs], 12);
const trace = runInteger(model, quantizeInputs(model, inputs));
const setup: ModelSetup = setupModel(model, SRS);

const weight = (name: string): Int => {
  const t = model.weights.get(name)!.tensor;
  return { shape: [...t.shape], data: Array.from(t.data) };
};
const X: Int = { shape: [2, 5], data: Array.from(trace.inputs[0].data) };
const LAYERS = ["fc1", "fc2"].map((node) => ({ node, ...linearNode(model, node) }));

/** acc = X·W (+ bias) from the given operands. */
function accumulator(x: Int, w: Int, spec: MatMulSpec, bias: Int | null): Int {
  const acc = matmulRef(x, w, spec.transA, spec.transB);
  if (bias) acc.data = broadcastMap(acc.shape, acc, bias, (a, b) => a + b);
  return acc;
}

interface Statement {
  readonly x: Int;
  readonly accs: readonly Int[];
}

interface Proof {
  readonly layers: readonly MatMulProof[];
  readonly merge: MergeProof;
  readonly opening: BatchOpeningProof;
}

/** Absorbs the public statement and draws one point per accumulator. */
function start(s: ModelSetup, st: Statement): { transcript: Transcript; claims: Claim[] } {
  const transcript = new Transcript(DOMAIN);
  transcript.absorbBytes("statement.digest", Buffer.from(s.digest.slice(2), "hex"));
  transcript.absorbPoint("statement.commitment", s.commitment);
  transcript.absorbScalars("statement.input", paddedTable(layoutOf(st.x.shape), st.x.data));
  st.accs.forEach((a) => transcript.absorbScalars("statement.output", paddedTable(layoutOf(a.shape), a.data)));
  const claims = st.accs.map((a) => {
    const point = transcript.challengeScalars("statement.point", layoutOf(a.shape).numVars);
    return { point, value: evaluateTensor(layoutOf(a.shape), a.data, point) };
  });
  return { transcript, claims };
}

/** The prover. `weights` is what it believes the weights are (honest: the committed ones). */
function prove(st: Statement, weights: (name: string) => Int, table: readonly bigint[] = setup.table): Proof {
  const { transcript, claims } = start(setup, st);
  const xClaims: Claim[] = [];
  const weightClaims: WeightClaim[] = [];
  const layers = LAYERS.map((l, i) => {
    const { proof, claims: out } = proveMatMul({ spec: l.spec, x: st.x, w: weights(l.w), bias: l.bias ? weights(l.bias) : undefined, claim: claims[i], transcript });
    xClaims.push(out.x);
    weightClaims.push({ tensor: l.w, ...out.w });
    if (l.bias) weightClaims.push({ tensor: l.bias, ...out.bias! });
    return proof;
  });
  const xl = layoutOf(st.x.shape);
  const merged = proveMerge({ table: paddedTable(xl, st.x.data), numVars: xl.numVars, claims: xClaims, transcript });
  const opening = proveWeightClaims({ srs: SRS, layout: setup.layout, table, commitment: setup.commitment, claims: weightClaims, transcript });
  return { layers, merge: merged.proof, opening };
}

/** The verifier: throws LayerProofError with the reason, or returns normally. */
function verify(s: ModelSetup, st: Statement, proof: Proof): void {
  const { transcript, claims } = start(s, st);
  const xClaims: Claim[] = [];
  const weightClaims: WeightClaim[] = [];
  LAYERS.forEach((l, i) => {
    const out = verifyMatMul({ spec: l.spec, claim: claims[i], proof: proof.layers[i], transcript });
    xClaims.push(out.x);
    weightClaims.push({ tensor: l.w, ...out.w });
    if (l.bias) weightClaims.push({ tensor: l.bias, ...out.bias! });
  });
  const xl = layoutOf(st.x.shape);
  const x = verifyMerge({ numVars: xl.numVars, claims: xClaims, proof: proof.merge, transcript });
  if (evaluateTensor(xl, st.x.data, x.point) !== x.value) throw new LayerProofError("input: the claim on X does not match the public input");
  verifyWeightClaims({ vk: VK, layout: s.layout, commitment: s.commitment, claims: weightClaims, proof: proof.opening, transcript });
}

const honest: Statement = {
  x: X,
  accs: LAYERS.map((l) => accumulator(X, weight(l.w), l.spec, l.bias ? weight(l.bias) : null)),
};

describe("prover: end to end (linear layers → one batch opening of the model commitment)", () => {
  const proof = prove(honest, weight);

  it("reads the layers' shapes, transposes and bias weights from the model", () => {
    expect(LAYERS.map((l) => [l.x, l.w, l.bias, l.spec])).to.deep.equal([
      ["X", "W1", "fc1:bias", { x: [2, 5], w: [3, 5], transA: false, transB: true, bias: [3] }],
      ["X", "W2", null, { x: [2, 5], w: [5, 6], transA: false, transB: false }],
    ]);
    expect(() => linearNode(model, "nope")).to.throw(LayoutError, 'no node named "nope"');
  });

  it("the accumulators are the ones the executor requantizes", () => {
    // y = clamp(floor((acc·M + 2^(s−1)) / 2^s)) must reproduce the trace's outputs exactly.
    LAYERS.forEach((l, i) => {
      const step = trace.steps.find((s) => s.node === l.node)!;
      const { multiplier, shift } = step.plan.params as { multiplier: number; shift: number };
      const y = honest.accs[i].data.map((a) => {
        const t = (BigInt(a) * BigInt(multiplier) + (1n << BigInt(shift - 1))) >> BigInt(shift);
        return Math.min(2047, Math.max(-2048, Number(t)));
      });
      expect(y, l.node).to.deep.equal(Array.from(step.values[0].data));
    });
  });

  it("verifies an honest proof", () => {
    verify(setup, honest, proof);
  });

  it("rejects a proof made with wrong weights (consistent accumulators, committed weights differ)", () => {
    const forgedW = (name: string): Int => {
      const w = weight(name);
      return name === "W2" ? { ...w, data: w.data.map((v, i) => (i === 7 ? v + 1 : v)) } : w;
    };
    const st: Statement = { x: X, accs: LAYERS.map((l) => accumulator(X, forgedW(l.w), l.spec, l.bias ? forgedW(l.bias) : null)) };
    const forgedTable = [...setup.table];
    const slot = setup.layout.slots.find((s) => s.name === "W2")!;
    // W2 is [5, 6], padded [8, 8]: flat index 7 = (1, 1) sits at padded index 9 of its slot.
    forgedTable[slot.offset + 9] = Fr.add(forgedTable[slot.offset + 9], 1n);
    const forged = prove(st, forgedW, forgedTable);
    expect(() => verify(setup, st, forged)).to.throw(LayerProofError, "weight opening");
  });

  it("rejects a wrong public input, a wrong output, and another model's key", () => {
    const otherX = { ...X, data: X.data.map((v, i) => (i === 0 ? v + 1 : v)) };
    expect(() => verify(setup, { ...honest, x: otherX }, proof)).to.throw(LayerProofError);
    const otherAcc = { ...honest.accs[1], data: honest.accs[1].data.map((v, i) => (i === 3 ? v - 1 : v)) };
    expect(() => verify(setup, { ...honest, accs: [honest.accs[0], otherAcc] }, proof)).to.throw(LayerProofError);
    const otherModel = setupModel(quantizeGraph(graph, [inputs], 11), SRS);
    expect(() => verify(otherModel, honest, proof)).to.throw(LayerProofError);
  });

  it("rejects a proof whose claim on X is checked at a wrong point or value", () => {
    const forged = { ...proof, merge: { ...proof.merge, value: Fr.add(proof.merge.value!, 1n) } };
    expect(() => verify(setup, honest, forged)).to.throw(LayerProofError, "merge");
    // A consistent rescaling of X and W values passes the MatMul IOP and is caught by the input check.
    const two = 2n;
    const l0 = proof.layers[0];
    const rescaled = { ...proof, layers: [{ ...l0, xValue: Fr.mul(l0.xValue, two), wValue: Fr.mul(l0.wValue, Fr.inv(two)) }, proof.layers[1]] };
    expect(() => verify(setup, honest, rescaled)).to.throw(LayerProofError);
  });

  it("rejects every altered element of the batch opening", () => {
    const op = proof.opening;
    const scalars: [string, (p: BatchOpeningProof) => BatchOpeningProof][] = [
      ["sum-check round", (p) => ({ ...p, sumcheck: { rounds: p.sumcheck!.rounds.map((r, j) => (j === 1 ? [Fr.add(r[0], 1n), ...r.slice(1)] : r)) } })],
      ["evaluation a_0", (p) => ({ ...p, opening: { ...p.opening, evals: p.opening.evals.map((e, j) => (j === 0 ? Fr.add(e, 1n) : e)) } })],
      ["W", (p) => ({ ...p, opening: { ...p.opening, w: p.opening.w.double() } })],
      ["W'", (p) => ({ ...p, opening: { ...p.opening, wPrime: p.opening.wPrime.double() } })],
      ["fold C_1", (p) => ({ ...p, opening: { ...p.opening, folds: p.opening.folds.map((c, j) => (j === 0 ? c.double() : c)) } })],
    ];
    expect(op.sumcheck, "claims at several points need the batch sum-check").to.not.equal(null);
    for (const [what, tamper] of scalars) {
      expect(() => verify(setup, honest, { ...proof, opening: tamper(op) }), what).to.throw(LayerProofError, "weight opening");
    }
  });
});
