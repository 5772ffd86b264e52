import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeModel } from "./helpers/harness";

const ROOT = resolve(__dirname, "../..");
const CORPUS = resolve(ROOT, "../shared/models");

function deepprove(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin/deepprove.js"), ...args], { encoding: "utf8", cwd: ROOT });
}

describe("cli: deepprove inspect / run", function () {
  this.timeout(60_000);
  const tmp = mkdtempSync(join(tmpdir(), "deepprove-cli-"));
  const model = writeModel({
    inputs: [{ name: "X", dims: ["batch", 4] }],
    outputs: [{ name: "Y", dims: [] }],
    initializers: [{ name: "W", dims: [4, 3], values: [1, 0, -1, 0.5, 2, 0, 0, -1, 1, 0.25, 0.5, 0.75] }],
    nodes: [
      { op: "MatMul", inputs: ["X", "W"], outputs: ["Z"] },
      { op: "Sigmoid", inputs: ["Z"], outputs: ["Y"] },
    ],
  });
  const input = join(tmp, "input.json");
  writeFileSync(input, JSON.stringify({ input_data: [[0.1, -0.4, 0.9, 0.3]] }));

  it("inspect --json reports inputs, outputs, parameters and ops", () => {
    const r = deepprove("inspect", model, "--json");
    expect(r.status, r.stderr).to.equal(0);
    const s = JSON.parse(r.stdout);
    expect(s.inputs).to.deep.equal([{ name: "X", dtype: "float32", shape: [1, 4] }]);
    expect(s.outputs[0].shape).to.deep.equal([1, 3]);
    expect(s.parameters).to.equal(12);
    expect(s.ops).to.deep.equal({ MatMul: 1, Sigmoid: 1 });
    expect(s.supported).to.equal(true);
  });

  it("inspect exits non-zero and lists an unsupported operator", () => {
    const bad = writeModel({ inputs: [{ name: "X", dims: [2] }], outputs: [{ name: "Y", dims: [2] }], nodes: [{ op: "Det", inputs: ["X"], outputs: ["Y"], name: "d" }] });
    const r = deepprove("inspect", bad);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/unsupported:\n {2}operator Det is not supported \(first at node "d"\)/);
  });

  it("run --json gives cosine, max_abs_error and argmax_agree", () => {
    const r = deepprove("run", model, "--input", input, "--bits", "10", "--json");
    expect(r.status, r.stderr).to.equal(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.bits).to.equal(10);
    expect(rep.cosine).to.be.at.least(0.999);
    expect(rep.max_abs_error).to.be.a("number").and.below(0.01);
    expect(rep.argmax_agree).to.equal(true);
    expect(rep.outputs[0].quantized).to.have.length(3);
  });

  it("run prints a one-line error, without a stack trace, for a bad model, a bad input or bad bits", () => {
    const junk = join(tmp, "junk.onnx");
    writeFileSync(junk, "this is not a model");
    let r = deepprove("run", junk, "--input", input);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/^deepprove: .*junk.onnx: not a valid ONNX model/);
    expect(r.stderr).to.not.match(/\n\s+at /);
    const short = join(tmp, "short.json");
    writeFileSync(short, "[1, 2]");
    r = deepprove("run", model, "--input", short);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/input "X" has 2 values, expected 4 for shape \[1, 4\]/);
    r = deepprove("run", model, "--input", input, "--bits", "20");
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/--bits/);
    r = deepprove("run", join(tmp, "missing.onnx"), "--input", input);
    expect(r.stderr).to.match(/missing.onnx: cannot read the model file \(ENOENT\)/);
  });

  it("runs a corpus model end to end", function () {
    const dir = join(CORPUS, "3l_relu_conv_fc");
    if (!existsSync(dir)) this.skip();
    const r = deepprove("run", join(dir, "network.onnx"), "--input", join(dir, "input.json"), "--json");
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).cosine).to.be.at.least(0.99);
  });
});
