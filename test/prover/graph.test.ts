/**
 * The whole-model proof (src/prover/graph/): completeness end to end on corpus models and a residual graph,
 * the proof stream's format errors, packed tensors, the verifier plan as plain data, unsupported nodes.
 * Soundness is in graph-soundness.test.ts.
 */
import { expect } from "chai";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { G1, encodeG1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import {
  executePlan,
  packTensors,
  packedBytes,
  publicRange,
  widthFor,
  ProofFormatError,
  ProofReader,
  ProofRejectedError,
  ProofWriter,
  ProverInputError,
  UnsupportedNodeError,
  unpackTensors,
  verifierPlan,
  verifyInference,
} from "../../src/prover/graph";
import { proveBatchOpening } from "../../src/pcs/batch";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { evaluateMle } from "../../src/poly/mle";
import { proveInference } from "../../src/prover/graph";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { setupModel } from "../../src/prover/setup";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";
import { builtModel, graphSrs, proveCorpus, proveModel, type ProvedModel } from "./graph-helpers";

const CORPUS_MODELS = ["1l_relu", "1l_mlp", "2l_relu_fc", "3l_relu_conv_fc", "1l_sigmoid", "1l_conv", "1l_average", "1l_flatten", "1l_concat", "1l_batch_norm"];

/** A residual block with fan-out: X → Gemm → Relu ─┐, X ─→ Add(·, X) → Gemm; X feeds three consumers. */
function residualGraph() {
  return importOnnxBytes(
    buildOnnx({
      inputs: [{ name: "X", dims: [2, 4] }],
      outputs: [{ name: "Y", dims: [2, 3] }],
      initializers: [
        { name: "W1", dims: [4, 4], values: seeded(16, 3) },
        { name: "B1", dims: [4], values: seeded(4, 4) },
        { name: "W2", dims: [4, 3], values: seeded(12, 5) },
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

describe("prover: whole-model proof", function () {
  this.timeout(120_000);
  const proved = new Map<string, ProvedModel>();

  describe("completeness on corpus models", () => {
    for (const name of CORPUS_MODELS) {
      it(`${name}: proves and verifies; the plan is plain data and re-executes after a JSON round trip`, function () {
        const p = proveCorpus(name);
        if (!p) return this.skip();
        proved.set(name, p);
        verifyInference({ vk: p.vk, model: p.model, statement: p.statement, proof: p.proof });
        const plan = verifierPlan(p.vk, p.model);
        const json = JSON.stringify(plan, (_, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));
        const back = JSON.parse(json, (_, v: unknown) => (v && typeof v === "object" && "bigint" in v ? BigInt((v as { bigint: string }).bigint) : v)) as typeof plan;
        executePlan(back, p.statement, p.proof);
        expect(p.statement.digest).to.equal(p.setup.digest);
        expect(p.statement.input.length).to.equal(packedBytes(plan.inputs));
      });
    }
  });

  it("a residual block with fan-out (Gemm, Relu, Add of two branches, Mul, MatMul) proves and verifies", () => {
    const { model, trace } = builtModel(residualGraph());
    expect(model.graph.nodes.map((n) => model.plans.get(n.name)!.kind)).to.deep.equal(["linear", "table", "add", "mul", "linear"]);
    const p = proveModel(model, trace);
    verifyInference({ vk: p.vk, model: p.model, statement: p.statement, proof: p.proof });
    proved.set("residual", p);
  });

  it("movement nodes in one graph: Tile, Gather of an index list and of one index, Expand, Add with broadcasting, Transpose", () => {
    const graph = importOnnxBytes(
      buildOnnx({
        inputs: [{ name: "X", dims: [2, 3] }],
        outputs: [{ name: "Y", dims: [3, 2, 4] }],
        initializers: [
          { name: "reps", type: "int64", dims: [2], values: [2, 1] },
          { name: "idx", type: "int64", dims: [3], values: [2, 0, -1] },
          { name: "one", type: "int64", dims: [], values: [1] },
          { name: "shape", type: "int64", dims: [3], values: [2, 4, 3] },
        ],
        nodes: [
          { op: "Tile", inputs: ["X", "reps"], outputs: ["T"], name: "tile" },
          { op: "Gather", inputs: ["T", "idx"], outputs: ["G"], name: "gather_list", attrs: { axis: 1 } },
          { op: "Expand", inputs: ["G", "shape"], outputs: ["E"], name: "expand" },
          { op: "Gather", inputs: ["E", "one"], outputs: ["S"], name: "gather_one", attrs: { axis: 0 } },
          { op: "Relu", inputs: ["S"], outputs: ["R"], name: "relu" },
          { op: "Add", inputs: ["R", "E"], outputs: ["A"], name: "add_broadcast" },
          { op: "Transpose", inputs: ["A"], outputs: ["Y"], name: "transpose", attrs: { perm: [2, 0, 1] } },
        ],
      }),
    );
    const { model, trace } = builtModel(graph);
    expect(model.graph.nodes.map((n) => model.plans.get(n.name)!.kind)).to.deep.equal(["movement", "movement", "movement", "movement", "table", "add", "movement"]);
    const p = proveModel(model, trace);
    verifyInference({ vk: p.vk, model: p.model, statement: p.statement, proof: p.proof });
  });

  it("a Concat of differently scaled inputs: each input rescaled by a requant before the re-indexing", () => {
    const graph = importOnnxBytes(
      buildOnnx({
        inputs: [{ name: "X", dims: [2, 3] }],
        outputs: [{ name: "Y", dims: [2, 6] }],
        nodes: [
          { op: "Sigmoid", inputs: ["X"], outputs: ["S"], name: "sigmoid" },
          { op: "Concat", inputs: ["X", "S"], outputs: ["Y"], name: "concat", attrs: { axis: 1 } },
        ],
      }),
    );
    const { model, trace } = builtModel(graph);
    const rescale = (model.plans.get("concat")!.params as { rescale: unknown[] }).rescale;
    expect(rescale.filter((r) => r !== null).length).to.be.greaterThan(0);
    const p = proveModel(model, trace);
    verifyInference({ vk: p.vk, model: p.model, statement: p.statement, proof: p.proof });
  });

  it("refuses a node it cannot prove, naming node, op and kind", () => {
    const graph = importOnnxBytes(
      buildOnnx({
        inputs: [
          { name: "X", dims: [2, 4] },
          { name: "I", type: "int64", dims: [3] },
        ],
        outputs: [{ name: "Y", dims: [2, 3] }],
        nodes: [{ op: "Gather", inputs: ["X", "I"], outputs: ["Y"], name: "lt", attrs: { axis: 1 } }],
      }),
    );
    const { model } = builtModel(graph);
    expect(() => setupModel(model, graphSrs())).to.throw(UnsupportedNodeError, 'node "lt" (Gather, kind movement) cannot be proved yet: a runtime gather with leading data axes larger than 1');
  });

  it("the proof stream: scalars, points, sum-checks; truncation, non-canonical words, off-curve points, trailing bytes", () => {
    const w = new ProofWriter();
    w.scalar(5n);
    w.point(G1.BASE);
    w.point(G1.ZERO);
    w.sumcheck({ rounds: [[1n, 2n], [3n, 4n]] });
    const bytes = w.bytes();
    expect(bytes.length).to.equal(32 + 64 + 64 + 4 * 32);
    const r = new ProofReader(bytes);
    expect(r.scalar("s")).to.equal(5n);
    expect(r.point("p").equals(G1.BASE)).to.equal(true);
    expect(r.point("q").equals(G1.ZERO)).to.equal(true);
    expect(r.sumcheck(2, 2, "sc").rounds).to.deep.equal([[1n, 2n], [3n, 4n]]);
    r.finish();
    expect(() => new ProofReader(bytes.slice(0, 40)).point("x").toString()).to.throw(ProofFormatError, "proof truncated at byte 40 while reading x");
    const big = new Uint8Array(32).fill(0xff);
    expect(() => new ProofReader(big).scalar("the value")).to.throw(ProofFormatError, "non-canonical scalar at byte 0 (the value)");
    const off = encodeG1(G1.BASE);
    off[63] ^= 1;
    expect(() => new ProofReader(off).point("A")).to.throw(ProofFormatError, "point off the curve or not reduced at byte 0 (A)");
    const extra = new ProofReader(new Uint8Array(33));
    extra.scalar("s");
    expect(() => extra.finish()).to.throw(ProofFormatError, "1 trailing bytes after the proof (at byte 32)");
    expect(() => new ProofWriter().scalar(Fr.MODULUS)).to.throw(RangeError);
  });

  it("packs tensors at their widths (int32 big-endian in graph order here) and refuses wrong sizes", () => {
    const int32 = publicRange("int64", 12);
    const infos = [{ name: "a", shape: [2], ...int32 }, { name: "b", shape: [], ...int32 }];
    const bytes = packTensors([{ data: [1, -2] }, { data: [2 ** 31 - 1] }], infos);
    expect(Buffer.from(bytes).toString("hex")).to.equal("00000001fffffffe7fffffff");
    expect(unpackTensors(bytes, infos).map((t) => Array.from(t.data))).to.deep.equal([[1, -2], [2 ** 31 - 1]]);
    expect(() => packTensors([{ data: [1] }, { data: [1] }], infos)).to.throw(ProverInputError, '"a" has 1 values');
    expect(() => packTensors([{ data: [1, 2 ** 31] }, { data: [1] }], infos)).to.throw(ProverInputError, '"a"[1] = 2147483648 is outside its declared range');
    expect(() => unpackTensors(bytes.slice(1), infos)).to.throw(ProverInputError, "11 bytes");
  });

  it("the declared ranges and widths: b-bit floats in ⌈b/8⌉ bytes, bools in one, other integers as int32", () => {
    expect(publicRange("float32", 8)).to.deep.equal({ lo: -128, hi: 127, width: 1 });
    expect(publicRange("float16", 12)).to.deep.equal({ lo: -2048, hi: 2047, width: 2 });
    expect(publicRange("float32", 16)).to.deep.equal({ lo: -32768, hi: 32767, width: 2 });
    expect(publicRange("bool", 12)).to.deep.equal({ lo: 0, hi: 1, width: 1 });
    expect(publicRange("int64", 8)).to.deep.equal({ lo: -(2 ** 31), hi: 2 ** 31 - 1, width: 4 });
    expect(widthFor(0, 255)).to.equal(2);
    expect(widthFor(-129, 0)).to.equal(2);
    expect(widthFor(-32769, 0)).to.equal(4);
    expect(() => widthFor(0, 2 ** 31)).to.throw(RangeError, "no public width");
  });

  for (const [dtype, bits] of [["float32", 8], ["float32", 12], ["float32", 16], ["bool", 8], ["int32", 8]] as const) {
    it(`round-trips ${dtype} at ${bits} bits through its width at the edges (min, max, 0, −1 where inside) and refuses a value outside, naming tensor and index`, () => {
      const r = publicRange(dtype, bits);
      const infos = [{ name: "x", shape: [2, 3], ...r }, { name: "y", shape: [3], ...r }];
      const edges = [r.lo, r.hi, 0, -1].filter((v) => v >= r.lo && v <= r.hi);
      const x = Array.from({ length: 6 }, (_, i) => edges[i % edges.length]);
      const y = Array.from({ length: 3 }, (_, i) => edges[(i + 1) % edges.length]);
      const bytes = packTensors([{ data: x }, { data: y }], infos);
      expect(bytes.length).to.equal(9 * r.width);
      expect(packedBytes(infos)).to.equal(9 * r.width);
      expect(unpackTensors(bytes, infos).map((t) => Array.from(t.data))).to.deep.equal([x, y]);
      // The first value's bytes: big-endian two's complement of the width.
      const first = BigInt.asUintN(8 * r.width, BigInt(x[0])).toString(16).padStart(2 * r.width, "0");
      expect(Buffer.from(bytes.subarray(0, r.width)).toString("hex")).to.equal(first);
      for (const bad of [r.lo - 1, r.hi + 1]) {
        expect(() => packTensors([{ data: x }, { data: [y[0], bad, y[2]] }], infos)).to.throw(ProverInputError, `"y"[1] = ${bad} is outside its declared range [${r.lo}, ${r.hi}]`);
      }
      expect(() => unpackTensors(Uint8Array.from([...bytes, 0]), infos)).to.throw(ProverInputError, `${bytes.length + 1} bytes`);
    });
  }

  it("the slotted batch-opening prover makes exactly proveBatchOpening's proof (one point and several)", () => {
    const srs = graphSrs();
    const tables = [randomFrs(2 ** 6, "t0"), randomFrs(2 ** 4, "t1"), randomFrs(2 ** 7, "t2")];
    const commitments = tables.map((t) => HyperKZG.commit(srs, t));
    const slotClaim = (poly: number, low: bigint[], sel: bigint[]) => {
      const point = [...low, ...sel];
      return { poly, point, value: evaluateMle(tables[poly], point) };
    };
    const shared = randomFrs(3, "p");
    const several = [slotClaim(0, shared, [1n, 0n, 1n]), slotClaim(0, shared, [0n, 1n, 1n]), slotClaim(1, randomFrs(2, "q"), [1n, 1n]), slotClaim(2, randomFrs(7, "r"), []), slotClaim(2, shared, [0n, 0n, 1n, 1n])];
    const one = [slotClaim(0, randomFrs(6, "s"), []), slotClaim(0, randomFrs(6, "s"), [])];
    for (const claims of [several, one]) {
      const a = proveBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("t") });
      const b = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("t") });
      expect(b.sumcheck?.rounds ?? null).to.deep.equal(a.sumcheck?.rounds ?? null);
      expect(b.opening.evals).to.deep.equal(a.opening.evals);
      expect(b.opening.w.equals(a.opening.w) && b.opening.wPrime.equals(a.opening.wPrime)).to.equal(true);
      expect(b.opening.folds.every((f, i) => f.equals(a.opening.folds[i]))).to.equal(true);
    }
  });

  describe("with the corpus proofs", () => {
    it("reports progress by stage and the proof's cost", function () {
      const p = proved.get("1l_mlp");
      if (!p) return this.skip();
      const stages: string[] = [];
      const { proof, stats } = proveInference({
        setup: p.setup,
        model: p.model,
        srs: graphSrs(),
        trace: p.trace,
        prover: p.statement.prover,
        onProgress: (stage, done, total) => done === total && stages.push(stage),
      });
      expect(stages).to.deep.equal(["witness", "commit", "arena", "walk", "opening"]);
      expect(Buffer.from(proof).equals(Buffer.from(p.proof))).to.equal(true);
      expect(stats.words).to.equal(proof.length / 32);
      expect(32 * stats.scalars + 64 * stats.points).to.equal(proof.length);
      expect(stats.commitments).to.equal(4);
      // The arena's zero-check (6 rounds: the 2^6 limb table), the requant's and MatMul's, the batch opening's.
      expect(stats.sumcheckRounds).to.be.greaterThan(12);
    });

    it("rejects a model that does not hash to the verifying key's digest", function () {
      const a = proved.get("1l_relu");
      const b = proved.get("1l_sigmoid");
      if (!a || !b) return this.skip();
      expect(() => verifyInference({ vk: b.vk, model: a.model, statement: a.statement, proof: a.proof })).to.throw(ProofRejectedError, "model: the model hashes to");
    });
  });
});
