/**
 * `deepprove generate`: quantized greedy generation beside llama.cpp's recorded continuation, JSON output,
 * and one-line errors (no stack trace) for bad files and arguments.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const STORIES = join("..", "shared", "models", "gguf", "stories260K.gguf");
const EXPECTED_40 = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

function deepprove(...args: string[]) {
  return spawnSync(process.execPath, ["bin/deepprove.js", ...args], { encoding: "utf8" });
}

describe("cli: deepprove generate", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-generate-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--json reports text, reference_text and agree_tokens for stories260K", () => {
    const run = deepprove("generate", STORIES, "--prompt", "Once upon a time", "--tokens", "40", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout);
    expect(out.reference_text).to.equal(EXPECTED_40);
    expect(out.text).to.equal(EXPECTED_40);
    expect(out.agree_tokens).to.equal(40);
    expect(out.bits).to.equal(12);
    expect(out.prompt_ids).to.deep.equal([1, 403, 407, 261, 378]);
  });

  it("prints a readable report, without a reference for an unrecorded prompt", () => {
    const run = deepprove("generate", STORIES, "--prompt", "Tom had a red car", "--tokens", "8", "--bits", "10");
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/quantized {2}"/);
    expect(run.stdout).to.match(/no recorded reference for this model and prompt/);
  });

  it("bad files and arguments fail with one clear line", () => {
    const notGguf = join(dir, "model.gguf");
    writeFileSync(notGguf, "not a model at all");
    for (const [args, pattern] of [
      [[notGguf], /model\.gguf: not a GGUF file: expected magic "GGUF"/],
      [[STORIES, "--bits", "20"], /--bits must be an integer in 8\.\.16/],
      [[STORIES, "--tokens", "3000"], /exceeds the model's context length 2048/],
    ] as const) {
      const run = deepprove("generate", ...args, "--prompt", "hi");
      expect(run.status).to.not.equal(0);
      expect(run.stderr).to.match(pattern);
      expect(run.stderr).to.not.match(/\n\s+at /);
    }
  });
});
