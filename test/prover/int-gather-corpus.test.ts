/**
 * The corpus runner (scripts/prove-corpus.ts) on a model that ships no input.json: the synthetic input is
 * deterministic, shaped as the graph's inputs (symbolic dims 1), written to the run's scratch directory and never
 * into the corpus, and `doodles` proves and verifies on it with the "synthetic input" note.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { proveOne, syntheticInputFile } from "../../scripts/prove-corpus";

const CORPUS = resolve(__dirname, "../../../shared/models");

describe("corpus runner: a model without input.json proves on a synthetic input", function () {
  this.timeout(120_000);
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), "deepprove-gn-"));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it("the synthetic input is deterministic, shaped by the graph, and lives in the scratch directory", function () {
    const model = join(CORPUS, "doodles", "network.onnx");
    if (!existsSync(model)) return this.skip();
    const a = syntheticInputFile(model, join(scratch, "a"));
    const b = syntheticInputFile(model, join(scratch, "b"));
    expect(a.startsWith(scratch)).to.equal(true);
    const json = JSON.parse(readFileSync(a, "utf8")) as { input_data: number[][] };
    expect(readFileSync(a, "utf8")).to.equal(readFileSync(b, "utf8"));
    expect(json.input_data.map((l) => l.length)).to.deep.equal([64 * 64]);
    expect(json.input_data[0].every((v) => v >= 0 && v < 1)).to.equal(true);
    expect(new Set(json.input_data[0]).size).to.be.greaterThan(1000);
    expect(readdirSync(join(CORPUS, "doodles"))).to.deep.equal(["network.onnx"]);
  });

  it("doodles: proved and verified, noted as a synthetic input", function () {
    if (!existsSync(join(CORPUS, "doodles", "network.onnx"))) return this.skip();
    const row = proveOne(CORPUS, "doodles", DEFAULT_BITS, scratch);
    expect(row.status).to.equal("proved");
    expect(row.note).to.match(/^synthetic input/);
    expect(readdirSync(join(CORPUS, "doodles"))).to.deep.equal(["network.onnx"]);
  });
});
