import { expect } from "chai";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { SetupDirError } from "../../src/artifacts/errors";
import { SETUP_FILES, SETUP_VERSION, createSetupDir, loadSetupDir, loadSetupSrs } from "../../src/artifacts/setup-dir";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";

/** A small Gemm → Relu → Gemm model written to `path`; `seed` changes the weights. */
/** A two-layer MLP; `activation` "Sigmoid" makes it carry a 2^b-row activation table (a larger SRS). */
function writeModel(path: string, seed: number, activation: "Relu" | "Sigmoid" = "Relu"): void {
  const bytes = buildOnnx({
    inputs: [{ name: "x", dims: [1, 4] }],
    outputs: [{ name: "y", dims: [1, 2] }],
    initializers: [
      { name: "W1", dims: [3, 4], values: seeded(12, seed) },
      { name: "B1", dims: [3], values: seeded(3, seed + 1) },
      { name: "W2", dims: [2, 3], values: seeded(6, seed + 2) },
    ],
    nodes: [
      { op: "Gemm", inputs: ["x", "W1", "B1"], outputs: ["h"], name: "fc1", attrs: { transB: 1 } },
      { op: activation, inputs: ["h"], outputs: ["r"], name: "act" },
      { op: "Gemm", inputs: ["r", "W2"], outputs: ["y"], name: "fc2", attrs: { transB: 1 } },
    ],
  });
  writeFileSync(path, bytes);
}

function expectRefused(dir: string, pattern: RegExp, options: { provingKey?: boolean } = {}): void {
  expect(() => loadSetupDir(dir, options)).to.throw(pattern);
}

/** Rewrites the manifest's recorded hash of `name` so that only the deeper checks can catch a change. */
function rehash(dir: string, name: string): void {
  const path = join(dir, SETUP_FILES.manifest);
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  manifest.files[name] = `0x${Buffer.from(keccak_256(readFileSync(join(dir, name)))).toString("hex")}`;
  writeFileSync(path, JSON.stringify(manifest));
}

describe("artifacts: setup directory", () => {
  let root: string;
  let good: string;
  let model: string;
  let input: string;
  const fresh = (name: string): string => {
    const dir = join(root, name);
    cpSync(good, dir, { recursive: true });
    return dir;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), "deepprove-setup-dir-"));
    model = join(root, "model.onnx");
    input = join(root, "input.json");
    writeModel(model, 3);
    writeFileSync(input, JSON.stringify({ input_data: [[0.5, -1, 0.25, 2]] }));
    good = join(root, "good");
    createSetupDir({ model, calibration: input, out: good, bits: 10 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("writes the five files and loads them back, re-deriving the model", () => {
    const loaded = loadSetupDir(good, { provingKey: true });
    expect(loaded.manifest).to.include({ format: "deepprove-setup", version: SETUP_VERSION, bits: 10 });
    expect(loaded.manifest.srs.kind).to.equal("insecure-dev");
    expect(loaded.insecure).to.equal(true);
    expect(loaded.vk.digest).to.equal(loaded.manifest.digest);
    expect(loaded.pk!.digest).to.equal(loaded.manifest.digest);
    expect(loaded.model.bits).to.equal(10);
    expect(readFileSync(join(good, SETUP_FILES.model)).equals(readFileSync(model))).to.equal(true);
    expect(loadSetupSrs(loaded).g1Powers.length).to.equal(loaded.manifest.srs.size);
  });

  it("refuses to overwrite unless forced, and forced only over a setup directory", () => {
    expect(() => createSetupDir({ model, calibration: input, out: good })).to.throw(SetupDirError, /already exists/);
    const other = join(root, "not-a-setup");
    mkdirSync(other);
    expect(() => createSetupDir({ model, calibration: input, out: other, force: true })).to.throw(SetupDirError, /not a setup directory/);
    const again = fresh("forced");
    const made = createSetupDir({ model, calibration: input, out: again, bits: 11, force: true });
    expect(loadSetupDir(again).manifest.bits).to.equal(11);
    expect(made.manifest.digest).to.not.equal(loadSetupDir(good).manifest.digest);
  });

  it("refuses a .ptau file too small for the model, naming it, and writes nothing", () => {
    const ptau = resolve(__dirname, "../fixtures/ptau/pot8_final.ptau");
    const out = join(root, "ptau-too-small");
    const sigmoid = join(root, "sigmoid.onnx");
    writeModel(sigmoid, 3, "Sigmoid");
    expect(() => createSetupDir({ model: sigmoid, calibration: input, out, ptau })).to.throw(/pot8_final\.ptau: .*maxSize \d+ is not in 1\.\.511/);
    expect(existsSync(out)).to.equal(false);
  });

  it("leaves nothing behind when the model cannot be imported", () => {
    const out = join(root, "never");
    const bad = join(root, "bad.onnx");
    writeFileSync(bad, "not onnx");
    expect(() => createSetupDir({ model: bad, calibration: input, out })).to.throw();
    expect(() => loadSetupDir(out)).to.throw(SetupDirError, /no such directory/);
  });

  it("refuses a missing file, naming it", () => {
    for (const name of [SETUP_FILES.model, SETUP_FILES.calibration, SETUP_FILES.manifest, SETUP_FILES.verifyingKey]) {
      const dir = fresh(`missing-${name}`);
      rmSync(join(dir, name));
      expectRefused(dir, new RegExp(`${name.replace(".", "\\.")}: missing`));
    }
    const dir = fresh("missing-pk");
    rmSync(join(dir, SETUP_FILES.provingKey));
    expect(() => loadSetupDir(dir)).to.not.throw();
    expectRefused(dir, /proving-key\.json: missing/, { provingKey: true });
  });

  it("refuses another format or version of the manifest", () => {
    const edit = (name: string, change: (m: Record<string, unknown>) => void) => {
      const dir = fresh(name);
      const path = join(dir, SETUP_FILES.manifest);
      const m = JSON.parse(readFileSync(path, "utf8"));
      change(m);
      writeFileSync(path, JSON.stringify(m));
      return dir;
    };
    expectRefused(edit("fmt", (m) => (m.format = "other")), /setup\.json: format is "other"/);
    expectRefused(edit("ver", (m) => (m.version = SETUP_VERSION + 1)), /version 2 is not supported/);
    expectRefused(edit("bits", (m) => (m.bits = 99)), /field "bits"/);
    expectRefused(edit("srs", (m) => (m.srs = { kind: "magic", origin: "x", size: 1 })), /srs\.kind "magic"/);
    const broken = fresh("json");
    writeFileSync(join(broken, SETUP_FILES.manifest), "{");
    expectRefused(broken, /setup\.json: not valid JSON/);
  });

  it("refuses a model file changed after setup, by hash and — with the hash forged — by digest", () => {
    const swapped = fresh("swapped");
    writeModel(join(swapped, SETUP_FILES.model), 99);
    expectRefused(swapped, /model\.onnx: keccak256 .* differs .* changed after setup/);
    rehash(swapped, SETUP_FILES.model);
    expectRefused(swapped, /model\.onnx: the model re-quantized from model\.onnx \+ calibration\.json at 10 bits hashes to 0x[0-9a-f]{64}, not to the keys' digest/);
  });

  it("refuses a changed calibration input (other scales: another model)", () => {
    const dir = fresh("calibration");
    writeFileSync(join(dir, SETUP_FILES.calibration), JSON.stringify({ input_data: [[5, -7, 3, 9]] }));
    rehash(dir, SETUP_FILES.calibration);
    expectRefused(dir, /not to the keys' digest/);
  });

  it("refuses keys whose digest differs from the manifest", () => {
    const dir = join(root, "other-keys");
    const otherModel = join(root, "other.onnx");
    writeModel(otherModel, 42);
    createSetupDir({ model: otherModel, calibration: input, out: dir, bits: 10 });
    const mixed = fresh("mixed");
    cpSync(join(dir, SETUP_FILES.verifyingKey), join(mixed, SETUP_FILES.verifyingKey));
    rehash(mixed, SETUP_FILES.verifyingKey);
    expectRefused(mixed, /verifying-key\.json: digest 0x[0-9a-f]+ differs from 0x[0-9a-f]+ in setup\.json/);
  });
});
