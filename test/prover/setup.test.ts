import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { quantizeGraph } from "../../src/model/quant/quantize";
import { canonicalJson } from "../../src/prover/canonical";
import { LayerProofError } from "../../src/prover/claims";
import {
  KeyFileError,
  parseProvingKey,
  provingKeyJson,
  readProvingKey,
  readVerifyingKey,
  verifyingKeyJson,
  writeKeyFile,
} from "../../src/prover/keys";
import { liftWeightClaim, modelPolyLayout, modelPolyTable, slotOf } from "../../src/prover/model-poly";
import { modelDigest, SetupError, setupModel } from "../../src/prover/setup";
import { evaluateTensor, LayoutError } from "../../src/prover/tensor";
import { proveWeightClaims, verifyWeightClaims } from "../../src/prover/weight-opening";
import { Transcript } from "../../src/transcript";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";
import { inputsFor } from "../model/helpers/harness";
import { intTensor, randomFrs } from "./helpers";

// The model polynomial holds the CLAMP table of the whole-model proof (2^13 rows × 2 columns at 12 bits).
const SRS = insecureDevSrs(2 ** 15);

describe("prover: model polynomial, setup and key files", () => {
  describe("model polynomial layout", () => {
    const weights = {
      a: intTensor([3, 5], "a"), // 4·8 = 32
      b: intTensor([7], "b"), // 8
      c: intTensor([2, 2, 3], "c"), // 16
      d: intTensor([], "d"), // 1
      e: intTensor([5, 6], "e"), // 64
      f: intTensor([4, 4], "f"), // 16, as many variables as c
    };
    const entries = Object.entries(weights).map(([name, t]) => ({ name, shape: t.shape }));
    const layout = modelPolyLayout(entries);
    const table = modelPolyTable(layout, (n) => weights[n as keyof typeof weights].data);

    it("places tensors by decreasing size at aligned offsets", () => {
      expect(layout.slots.map((s) => [s.name, s.offset])).to.deep.equal([
        ["e", 0],
        ["a", 64],
        ["c", 96],
        ["f", 112],
        ["b", 128],
        ["d", 136],
      ]);
      for (const s of layout.slots) expect(s.offset % s.layout.paddedSize).to.equal(0);
      expect(layout.numVars).to.equal(8);
      expect(table.length).to.equal(256);
    });

    it("lifts a tensor claim to the model polynomial with the slot's selector bits", () => {
      for (const [name, t] of Object.entries(weights)) {
        const slot = slotOf(layout, name);
        const point = randomFrs(slot.layout.numVars, `lift-${name}`);
        const value = evaluateTensor(slot.layout, t.data, point);
        const lifted = liftWeightClaim(layout, { tensor: name, point, value });
        expect(evaluateMle(table, lifted.point), name).to.equal(value);
      }
      expect(() => liftWeightClaim(layout, { tensor: "zz", point: [], value: 0n })).to.throw(LayoutError, 'no weight named "zz"');
      expect(() => liftWeightClaim(layout, { tensor: "a", point: [1n], value: 0n })).to.throw(LayoutError, "1 coordinates");
      expect(() => modelPolyLayout([...entries, { name: "a", shape: [1] }])).to.throw(LayoutError, "twice");
    });

    it("opens claims on several tensors with one batch opening; a wrong value or slot is rejected", () => {
      const commitment = HyperKZG.commit(SRS, table);
      const vk = HyperKZG.verifierKey(SRS);
      const claimOn = (name: string, seed: string) => {
        const slot = slotOf(layout, name);
        const point = randomFrs(slot.layout.numVars, seed);
        return { tensor: name, point, value: evaluateTensor(slot.layout, weights[name as keyof typeof weights].data, point) };
      };
      const claims = [claimOn("a", "o1"), claimOn("e", "o2"), claimOn("a", "o3"), claimOn("d", "o4"), claimOn("b", "o5")];
      const proof = proveWeightClaims({ srs: SRS, layout, table, commitment, claims, transcript: new Transcript("weights") });
      const verify = (cs: typeof claims) => verifyWeightClaims({ vk, layout, commitment, claims: cs, proof, transcript: new Transcript("weights") });
      verify(claims);
      expect(() => verify(claims.map((c, i) => (i === 1 ? { ...c, value: Fr.add(c.value, 1n) } : c)))).to.throw(LayerProofError);
      // A true claim on "c" attributed to "f" (same number of variables, another slot) is rejected.
      const withC = [...claims.slice(0, 4), claimOn("c", "o6")];
      const proofC = proveWeightClaims({ srs: SRS, layout, table, commitment, claims: withC, transcript: new Transcript("weights") });
      const misattributed = withC.map((c, i) => (i === 4 ? { ...c, tensor: "f" } : c));
      expect(() => verifyWeightClaims({ vk, layout, commitment, claims: misattributed, proof: proofC, transcript: new Transcript("weights") })).to.throw(LayerProofError);
      verifyWeightClaims({ vk, layout, commitment, claims: withC, proof: proofC, transcript: new Transcript("weights") });
    });
  });

  describe("setup and keys", () => {
    const graph = importOnnxBytes(
      buildOnnx({
        inputs: [{ name: "X", dims: [2, 5] }],
        outputs: [{ name: "Y", dims: [2, 3] }],
        initializers: [
          { name: "W", dims: [3, 5], values: seeded(15, 1) },
          { name: "C", dims: [3], values: seeded(3, 2) },
        ],
        nodes: [{ op: "Gemm", inputs: ["X", "W", "C"], outputs: ["Y"], name: "fc", attrs: { transB: 1 } }],
      }),
    );
    const inputs = inputsFor(graph);
    const model = quantizeGraph(graph, [inputs], 12);
    const setup = setupModel(model, SRS);
    const dir = mkdtempSync(join(tmpdir(), "deepprove-keys-"));

    it("commits the weights and the accumulator-scale bias in one polynomial and names the model", () => {
      expect(setup.layout.slots.map((s) => s.name).filter((n) => !n.startsWith("table:"))).to.deep.equal(["W", "fc:bias"]);
      // The requantization's only table is the closed-form limb range table: nothing of it lives in W.
      expect(setup.layout.slots.map((s) => s.name).filter((n) => n.startsWith("table:"))).to.deep.equal([]);
      expect(HyperKZG.commit(SRS, setup.table).equals(setup.commitment)).to.equal(true);
      expect(setup.digest).to.match(/^0x[0-9a-f]{64}$/);
      expect(setupModel(model, SRS).digest).to.equal(setup.digest);
      const other = quantizeGraph(graph, [inputs], 10);
      expect(setupModel(other, SRS).digest).to.not.equal(setup.digest);
      expect(() => setupModel(model, insecureDevSrs(8))).to.throw(SetupError, "has only 8 powers");
    });

    it("writes and reads versioned key files that reproduce the commitment, layout and table", () => {
      const vkPath = join(dir, "vk.json");
      const pkPath = join(dir, "pk.json");
      writeKeyFile(vkPath, verifyingKeyJson(setup, SRS));
      writeKeyFile(pkPath, provingKeyJson(setup, SRS));
      const vk = readVerifyingKey(vkPath);
      const pk = readProvingKey(pkPath);
      expect(vk.digest).to.equal(setup.digest);
      expect(vk.commitment.equals(setup.commitment)).to.equal(true);
      expect(vk.pcs.tauG2.equals(SRS.tauG2)).to.equal(true);
      expect(vk.layout).to.deep.equal(setup.layout);
      expect(pk.table).to.deep.equal(setup.table);
      expect(pk.srsSize).to.equal(2 ** 15);
    });

    it("refuses bad key files with errors naming the file and the field", () => {
      const good = JSON.parse(JSON.stringify(verifyingKeyJson(setup, SRS))) as Record<string, unknown>;
      const write = (name: string, text: string) => {
        const p = join(dir, name);
        writeFileSync(p, text);
        return p;
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a key file is untyped JSON; tests mutate any field
      const bad = (mutate: (k: any) => void): string => {
        const k: unknown = JSON.parse(JSON.stringify(good));
        mutate(k);
        return write("bad.json", JSON.stringify(k));
      };
      expect(() => readVerifyingKey(join(dir, "missing.json"))).to.throw(KeyFileError, "missing.json: cannot read (ENOENT)");
      expect(() => readVerifyingKey(write("trunc.json", JSON.stringify(good).slice(0, 100)))).to.throw(KeyFileError, "trunc.json: not valid JSON");
      expect(() => readVerifyingKey(bad((k) => (k.version = 2)))).to.throw(KeyFileError, "version 2 is not supported");
      expect(() => readVerifyingKey(bad((k) => (k.format = "x")))).to.throw(KeyFileError, 'expected "deepprove-verifying-key"');
      expect(() => readVerifyingKey(bad((k) => (k.statement.bits = 8)))).to.throw(KeyFileError, "does not match the statement");
      expect(() => readVerifyingKey(bad((k) => delete k.srs))).to.throw(KeyFileError, 'field "srs" must be an object');
      expect(() => readVerifyingKey(bad((k) => (k.srs.tauG2 = "0x12")))).to.throw(KeyFileError, "srs.tauG2");
      const offCurve = bad((k) => {
        k.statement.commitment = `0x${"00".repeat(63)}05`;
        k.digest = modelDigest(k.statement);
      });
      expect(() => readVerifyingKey(offCurve)).to.throw(KeyFileError, "statement.commitment: not a G1 point");
      expect(() => readProvingKey(write("vk-as-pk.json", JSON.stringify(good)))).to.throw(KeyFileError, 'expected "deepprove-proving-key"');
      const pk = JSON.parse(JSON.stringify(provingKeyJson(setup, SRS)));
      pk.weights.W = pk.weights.W.slice(1);
      expect(() => parseProvingKey(pk, "pk.json")).to.throw(KeyFileError, 'pk.json: weights."W" must be 15 integers');
    });

    it("hashes a canonical JSON: sorted keys, no whitespace, finite numbers only", () => {
      expect(canonicalJson({ b: [1, 2.5, -0], a: "x", c: undefined, d: null, e: Int32Array.of(3) })).to.equal('{"a":"x","b":[1,2.5,0],"d":null,"e":[3]}');
      expect(() => canonicalJson({ a: NaN })).to.throw(RangeError, "$.a is NaN");
    });
  });
});
