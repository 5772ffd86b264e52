/**
 * Whole-model proofs with chunked commitments (plan option `chunkBits`, src/prover/graph/chunks.ts): a small
 * model whose A, M and H each span several chunks proves and verifies; every chunk commitment tampered, two
 * chunks swapped, a plan reading the wrong chunk count and a key with another chunk width are rejected; the
 * Solidity generator refuses the plan; an unchunked setup is exactly the old one (no `chunkBits` anywhere).
 */
import { expect } from "chai";
import { decodeG1, encodeG1, G1 } from "../../src/curve/bn254";
import { sizingPlan } from "../../src/artifacts/setup-dir";
import { ProgramError } from "../../src/compiler/program/writer";
import { modelProgram } from "../../src/compiler/program/model";
import { arenaContext } from "../../src/lookup/arena-protocol";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { chunkCount } from "../../src/pcs/chunked";
import { executePlan, proveInference, verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { chooseChunkBits, chunkedPlanRefusal } from "../../src/prover/graph/chunks";
import { parseVerifyingKey, verifyingKeyJson } from "../../src/prover/keys";
import { modelDigest, setupModel } from "../../src/prover/setup";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";
import { builtModel, graphSrs, PROVER, rejection, type ProvedModel } from "./graph-helpers";

/** Gemm → Relu → Add(·, X) → Mul(·, X) → MatMul: advice (requant limbs, Relu's y) and arena columns of several sizes. */
function graph() {
  return importOnnxBytes(
    buildOnnx({
      inputs: [{ name: "X", dims: [4, 8] }],
      outputs: [{ name: "Y", dims: [4, 3] }],
      initializers: [
        { name: "W1", dims: [8, 8], values: seeded(64, 13) },
        { name: "B1", dims: [8], values: seeded(8, 14) },
        { name: "W2", dims: [8, 3], values: seeded(24, 15) },
      ],
      nodes: [
        { op: "Gemm", inputs: ["X", "W1", "B1"], outputs: ["H"], name: "fc1" },
        { op: "Relu", inputs: ["H"], outputs: ["R"], name: "relu" },
        { op: "Add", inputs: ["R", "X"], outputs: ["S"], name: "residual" },
        { op: "Mul", inputs: ["S", "X"], outputs: ["P"], name: "gate" },
        { op: "MatMul", inputs: ["P", "W2"], outputs: ["Y"], name: "fc2" },
      ],
    }),
  );
}

/** Proves the model with the given chunk width (null: unchunked). */
function prove(model: ProvedModel["model"], trace: ProvedModel["trace"], chunkBits: number | null): ProvedModel {
  const setup = setupModel(model, graphSrs(), { chunkBits });
  const vk = parseVerifyingKey(verifyingKeyJson(setup, graphSrs()));
  const { statement, proof } = proveInference({ setup, model, srs: graphSrs(), trace, prover: PROVER });
  return { model, trace, setup, vk, statement, proof };
}

describe("prover: chunked commitments", function () {
  this.timeout(300_000);
  let plain: ProvedModel;
  let chunked: ProvedModel;
  let plan: VerifierPlan;
  let c: number;
  /** Chunk counts of A, M, H. */
  let counts: { A: number; M: number; H: number };

  before(() => {
    const { model, trace } = builtModel(graph());
    c = chooseChunkBits(sizingPlan(model), 1);
    plain = prove(model, trace, null);
    chunked = prove(model, trace, c);
    plan = verifierPlan(chunked.vk, model);
    const arena = arenaContext(plan.arena);
    counts = { A: chunkCount(plan.advice!.numVars, c), M: chunkCount(arena.mLayout.numVars, c), H: chunkCount(arena.hLayout.numVars, c) };
  });

  it("chunks A, M and H at the largest slot, and the proof verifies", () => {
    expect(plan.chunkBits).to.equal(c);
    expect(counts.A).to.be.greaterThan(1);
    expect(counts.H).to.be.greaterThan(1);
    expect(rejection(chunked)).to.equal("accepted");
    // The proofs differ by the extra chunk commitments and the shorter opening (c variables, not the largest n).
    expect(chunked.proof.length).to.not.equal(plain.proof.length);
    expect(rejection(plain)).to.equal("accepted");
  });

  it("an unchunked setup has no chunkBits in its statement or plan (ONNX digests and proofs unchanged)", () => {
    expect("chunkBits" in plain.setup.statement).to.equal(false);
    expect(verifierPlan(plain.vk, plain.model).chunkBits).to.equal(null);
    expect(chunked.setup.statement.chunkBits).to.equal(c);
    expect(chunked.setup.digest).to.not.equal(plain.setup.digest);
    expect(chunkedPlanRefusal(verifierPlan(plain.vk, plain.model))).to.equal(null);
  });

  it("rejects every tampered chunk commitment and two swapped chunks", () => {
    const chunks = counts.A + counts.M + counts.H;
    // The proof opens with A's chunks, then the arena's M chunks, then H's (all 64-byte points).
    const offsets = [
      ...Array.from({ length: counts.A }, (_, k) => 64 * k),
      ...Array.from({ length: counts.M }, (_, k) => 64 * (counts.A + k)),
      ...Array.from({ length: counts.H }, (_, k) => 64 * (counts.A + counts.M + k)),
    ];
    expect(offsets).to.have.length(chunks);
    for (const at of offsets) {
      const bad = Uint8Array.from(chunked.proof);
      bad.set(encodeG1(decodeG1(bad, at).add(G1.BASE)), at);
      expect(rejection(chunked, chunked.statement, bad), `chunk at byte ${at}`).to.not.equal("accepted");
    }
    for (const [a, b] of [[0, 64], [64 * counts.A + 64 * counts.M, 64 * counts.A + 64 * counts.M + 64]]) {
      const swapped = Uint8Array.from(chunked.proof);
      swapped.set(chunked.proof.subarray(a, a + 64), b);
      swapped.set(chunked.proof.subarray(b, b + 64), a);
      expect(rejection(chunked, chunked.statement, swapped), `swap at ${a}`).to.not.equal("accepted");
    }
  });

  it("rejects the proof under a plan with another chunk count, or a key with another chunk width", () => {
    for (const other of [null, c + 1, c - 1]) {
      expect(() => executePlan({ ...plan, chunkBits: other }, chunked.statement, chunked.proof), `chunkBits ${other}`).to.throw(/./);
    }
    // The chunk width is part of the digest: a key whose statement says otherwise names another model.
    const statement = { ...chunked.vk.statement, chunkBits: c + 1 };
    const vk = { ...chunked.vk, statement };
    expect(rejection(chunked, chunked.statement, chunked.proof, vk)).to.match(/hashes to/);
    const relabelled = { ...vk, digest: modelDigest(statement) };
    expect(rejection(chunked, { ...chunked.statement, digest: relabelled.digest }, chunked.proof, relabelled)).to.not.equal("accepted");
  });

  it("the Solidity generator refuses a chunked plan, naming the cost of supporting it", () => {
    expect(chunkedPlanRefusal(plan)).to.match(/chunks of 2\^\d+ entries .* ecMul and 64 calldata bytes per chunk/);
    expect(() => modelProgram(plan)).to.throw(ProgramError, /Solidity verifier does not read/);
  });
});
