/**
 * `deepprove generate --prove` and `deepprove verify` on a generation proof (tiny llama GGUF), through the CLI's
 * `main` in this process: the setup is made, the proof written and verified (text and JSON), the setup reused;
 * a tampered proof exits 1 with the reason, unusable files exit 2.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeProofFile, encodeProofFile } from "../../src/artifacts/proof-file";
import { runCliInProcess as cli } from "../cli/in-process";
import { writeTinyLlama } from "./tiny-gguf";

describe("llm: deepprove generate --prove, verify (tiny llama)", function () {
  this.timeout(600_000);
  let root: string;
  let model: string;
  let proof: string;
  let setup: string;
  let ids: number[];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "deepprove-llm-cli-"));
    model = join(root, "tiny.gguf");
    proof = join(root, "gen.proof");
    setup = `${proof}.setup`;
    await writeTinyLlama(model);
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  it("generate --prove makes the setup, writes the proof and prints the text and the figures", async () => {
    const r = await cli("generate", model, "--prompt", "ab c", "--tokens", "6", "--prove", "--out", proof, "--json");
    expect(r.status, r.stderr).to.equal(0);
    const json = JSON.parse(r.stdout) as { ids: number[]; text: string; prove_ms: number; proof_bytes: number; context: number; setup: string; tokens_per_s: number };
    expect(json.ids).to.have.length(6);
    expect(json.context).to.equal(16);
    expect(json.proof_bytes).to.be.greaterThan(0).and.equal(decodeProofFile(readFileSync(proof)).proof.length);
    expect(json.tokens_per_s).to.be.greaterThan(0);
    expect(existsSync(join(setup, "setup.json"))).to.equal(true);
    expect(r.stderr).to.match(/generate: proving/).and.match(/INSECURE/);
    ids = json.ids;
  });

  it("verify accepts it and prints the certified tokens (text and --json)", async () => {
    const text = await cli("verify", setup, proof);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/^valid\n/).and.match(/generated {2}".*" \(6 tokens\)/);
    const json = await cli("verify", setup, proof, "--json");
    expect(json.status).to.equal(0);
    const v = JSON.parse(json.stdout) as { valid: boolean; generated_ids: number[]; prompt_ids: number[] };
    expect(v.valid).to.equal(true);
    expect(v.generated_ids).to.deep.equal(ids);
    expect(v.prompt_ids[0]).to.equal(1); // BOS
  });

  it("a second generate --prove reuses the setup", async () => {
    const other = join(root, "again.proof");
    const r = await cli("generate", model, "--prompt", "ab c", "--tokens", "3", "--prove", "--out", other, "--setup", setup, "--json");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/loading the setup/).and.not.match(/committing/);
    expect((await cli("verify", setup, other)).status).to.equal(0);
  });

  it("a tampered proof exits 1 with the reason; a missing proof or setup exits 2", async () => {
    const file = decodeProofFile(readFileSync(proof));
    const output = file.output.slice();
    output[4 * (file.generation!.promptTokens - 1) + 3] ^= 1; // the first generated token
    const input = file.input.slice();
    input[4 * file.generation!.promptTokens + 3] ^= 1; // fed back consistently
    const bad = join(root, "bad.proof");
    writeFileSync(bad, encodeProofFile({ ...file, input, output }));
    const r = await cli("verify", setup, bad, "--json");
    expect(r.status).to.equal(1);
    expect((JSON.parse(r.stdout) as { valid: boolean; reason: string }).valid).to.equal(false);
    const text = await cli("verify", setup, bad);
    expect(text.status).to.equal(1);
    expect(text.stdout).to.match(/^invalid: /);
    expect((await cli("verify", setup, join(root, "missing.proof"))).status).to.equal(2);
    expect((await cli("verify", join(root, "no-setup"), proof)).status).to.equal(2);
  });

  it("generate refuses --out without --prove and --prove without --out", async () => {
    expect((await cli("generate", model, "--prompt", "ab", "--out", join(root, "x.proof"))).status).to.not.equal(0);
    expect((await cli("generate", model, "--prompt", "ab", "--prove"))).to.include({ status: 1 });
  });
});
