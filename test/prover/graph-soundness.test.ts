/**
 * Soundness of the whole-model proof: every 32-byte word of a proof altered in turn, the statement's parts
 * changed (input, output, prover address, digest), another model's key, truncated / extended proofs, an input
 * outside the b-bit range, and proofs a dishonest prover makes from a tampered trace (a wrong activation output,
 * a wrong requantized output, a wrong weight) — each rejected with a ProofRejectedError naming the step.
 */
import { expect } from "chai";
import { runInteger, type IntegerTrace } from "../../src/model";
import { proveInference } from "../../src/prover/graph";
import { setupModel } from "../../src/prover/setup";
import { loadCorpusTrace } from "./corpus-helpers";
import { rejection, tamperedTrace, graphSrs, proveModel, PROVER, type ProvedModel } from "./graph-helpers";

describe("prover: whole-model proof soundness", function () {
  this.timeout(120_000);
  let p: ProvedModel;
  let other: ProvedModel;

  before(function () {
    const mlp = loadCorpusTrace("1l_mlp");
    const relu = loadCorpusTrace("1l_relu");
    if (!mlp || !relu) return this.skip();
    p = proveModel(mlp.model, mlp.trace);
    other = proveModel(relu.model, relu.trace);
  });

  it("the honest proof is accepted (control)", () => {
    expect(rejection(p)).to.equal("accepted");
  });

  it("every 32-byte word of the proof altered is rejected", () => {
    const words = p.proof.length / 32;
    const steps = new Set<string>();
    for (let w = 0; w < words; w++) {
      const bad = p.proof.slice();
      bad[32 * w + 31] ^= 1;
      const why = rejection(p, p.statement, bad);
      expect(why, `word ${w}`).to.not.equal("accepted");
      steps.add(why.split(":")[0]);
    }
    expect(words).to.be.greaterThan(100);
    expect([...steps]).to.include.members(["advice commitment", "arena", "node Gemm_0 (Gemm)", "batch opening"]);
  });

  it("a changed input value, output value, prover address or digest is rejected", () => {
    const input = p.statement.input.slice();
    input[3] ^= 1;
    expect(rejection(p, { ...p.statement, input })).to.not.equal("accepted");
    const output = p.statement.output.slice();
    output[output.length - 1] ^= 1;
    expect(rejection(p, { ...p.statement, output })).to.not.equal("accepted");
    expect(rejection(p, { ...p.statement, prover: "0x00000000000000000000000000000000000000ab" })).to.not.equal("accepted");
    expect(rejection(p, { ...p.statement, digest: other.statement.digest })).to.match(/^statement: digest/);
  });

  it("an input outside the b-bit range is rejected before any proof is read", () => {
    const input = p.statement.input.slice();
    input.set([0x08, 0x00], 0); // 12-bit values are packed in 2 bytes; 2048 > qmax
    expect(rejection(p, { ...p.statement, input })).to.match(/statement: input "input"\[0\] = 2048 is outside its range \[-2048, 2047\]/);
  });

  it("an input one value short or one byte long is rejected naming the tensor", () => {
    const short = p.statement.input.slice(0, p.statement.input.length - 2);
    const long = Uint8Array.from([...p.statement.input, 0]);
    for (const input of [short, long]) expect(rejection(p, { ...p.statement, input })).to.match(/^statement: .*"input"/);
  });

  it("another model's proof and statement, a truncated and an extended proof are rejected", () => {
    expect(rejection(p, other.statement, other.proof)).to.match(/^statement: digest/);
    expect(rejection(p, { ...other.statement, digest: p.statement.digest }, other.proof)).to.not.equal("accepted");
    expect(rejection(p, p.statement, p.proof.slice(0, p.proof.length - 32))).to.match(/truncated/);
    expect(rejection(p, p.statement, p.proof.slice(0, 100))).to.match(/truncated/);
    const longer = new Uint8Array(p.proof.length + 32);
    longer.set(p.proof);
    expect(rejection(p, p.statement, longer)).to.match(/32 trailing bytes/);
  });

  it("proofs from a tampered trace are rejected: a wrong activation output, a wrong requantized output", () => {
    // 1l_mlp's Relu is fused into Gemm_0's requantization (s > 0: the dishonest witness hides the error in rem,
    // whose limbs leave the range table); 1l_relu's Relu is a requantization with s = 0 (the error sits in the
    // saturation flags, which the requant identity's zero-check refuses).
    for (const [m, node] of [[p, "Relu_1"], [other, "Relu_0"]] as const) {
      const prove = (trace: IntegerTrace) => proveInference({ setup: m.setup, model: m.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
      const relu = m.trace.steps.find((s) => s.node === node)!;
      const data = Array.from(relu.values[0].data);
      const inside = data.findIndex((v) => v > 0 && v < 2000);
      const zero = data.findIndex((v) => v === 0);
      const cases = [tamperedTrace(m.trace, node, inside, 1), tamperedTrace(m.trace, node, inside, -1), ...(zero >= 0 ? [tamperedTrace(m.trace, node, zero, 1), tamperedTrace(m.trace, node, zero, -1)] : [])];
      expect(inside >= 0 && cases.length >= 2).to.equal(true);
      for (const trace of cases) {
        const bad = prove(trace);
        expect(rejection(m, bad.statement, bad.proof)).to.not.equal("accepted");
      }
    }
  });

  it("a proof made with a wrong weight (trace and openings consistent with it) fails at the batch opening", () => {
    const mlp = loadCorpusTrace("1l_mlp")!;
    const weights = mlp.model.weights.get("dense.weight")!.tensor.data;
    weights[0] += 1;
    const trace = runInteger(mlp.model, mlp.trace.inputs);
    const wrong = setupModel(mlp.model, graphSrs());
    const bad = proveInference({ setup: { ...p.setup, table: wrong.table }, model: mlp.model, srs: graphSrs(), trace, prover: PROVER });
    expect(rejection(p, bad.statement, bad.proof)).to.match(/^batch opening/);
  });
});
