/**
 * The prover CLI end to end on the corpus model 2l_relu_fc: setup → prove → verify valid through the real
 * `deepprove` binary in a child process, then every way a verification must fail, with its exit code — those
 * through the CLI's `main` in this process (same code path, without a child's start-up per case).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PROOF_HEADER_BYTES, decodeProofFile, encodeProofFile, writeProofFile } from "../../src/artifacts/proof-file";
import { runCliInProcess as inProcess } from "./in-process";

const CORPUS = resolve(__dirname, "../../../shared/models");
const MODEL = join(CORPUS, "2l_relu_fc", "network.onnx");
const INPUT = join(CORPUS, "2l_relu_fc", "input.json");
const PROVER = "0x00000000000000000000000000000000000000a1";
const OTHER = "0x00000000000000000000000000000000000000b2";

function deepprove(...args: string[]) {
  return spawnSync(process.execPath, [resolve(__dirname, "../../bin/deepprove.js"), ...args], { encoding: "utf8", timeout: 300_000 });
}

describe("cli: setup, prove, verify (2l_relu_fc)", function () {
  let root: string;
  let dir: string;
  let proof: string;

  before(function () {
    if (!existsSync(MODEL)) this.skip();
    root = mkdtempSync(join(tmpdir(), "deepprove-prover-cli-"));
    dir = join(root, "setup");
    proof = join(root, "proof.bin");
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  /** Writes a variant of the valid proof file and returns its path. */
  function variant(name: string, change: (bytes: Uint8Array) => Uint8Array): string {
    const path = join(root, name);
    writeFileSync(path, change(Uint8Array.from(readFileSync(proof))));
    return path;
  }

  it("setup writes the directory, warning about the development SRS", () => {
    const run = deepprove("setup", MODEL, "--input", INPUT, "--out", dir);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/WARNING: INSECURE development SRS/);
    expect(run.stdout).to.match(/model digest: +0x[0-9a-f]{64}/);
  });

  it("prove writes a proof file and prints the outputs and figures", () => {
    const run = deepprove("prove", dir, "--input", INPUT, "--out", proof, "--prover", PROVER);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^output /m);
    expect(run.stdout).to.match(/proof: +\d+ bytes/);
    expect(decodeProofFile(readFileSync(proof)).prover).to.equal(PROVER);
  });

  it("verify accepts the proof (exit 0), also when --prover names its prover", async () => {
    const run = deepprove("verify", dir, proof);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal("valid");
    expect((await inProcess("verify", dir, proof, "--prover", PROVER.toUpperCase().replace("0X", "0x"))).status).to.equal(0);
  });

  it("verify refuses another --prover (exit 1)", async () => {
    const run = await inProcess("verify", dir, proof, "--prover", OTHER);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^invalid: the proof is bound to prover 0x0+a1, not 0x0+b2/);
  });

  it("verify rejects a tampered proof stream with the verifier's reason (exit 1)", async () => {
    const tampered = variant("tampered.bin", (bytes) => {
      bytes[bytes.length - 40] ^= 1; // inside the last proof word
      return bytes;
    });
    const run = await inProcess("verify", dir, tampered);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^invalid: \S/);
  });

  it("verify rejects a proof whose prover field was rewritten: the address is bound by the transcript (exit 1)", async () => {
    const rebound = variant("rebound.bin", (bytes) => encodeProofFile({ ...decodeProofFile(bytes), prover: OTHER }));
    const run = await inProcess("verify", dir, rebound, "--prover", OTHER);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^invalid: /);
  });

  it("verify rejects a proof whose output bytes were changed (exit 1)", async () => {
    const forged = variant("forged.bin", (bytes) => {
      const file = decodeProofFile(bytes);
      const output = Uint8Array.from(file.output);
      output[output.length - 1] ^= 1;
      return encodeProofFile({ ...file, output });
    });
    expect((await inProcess("verify", dir, forged)).status).to.equal(1);
  });

  it("the JSON form of the same proof verifies too", async () => {
    const json = join(root, "proof.json");
    writeProofFile(json, decodeProofFile(readFileSync(proof)), { form: "json" });
    expect((await inProcess("verify", dir, json)).stdout.trim()).to.equal("valid");
  });

  it("verify exits 2 on a usage error, a missing or malformed proof file, and a broken setup directory", async () => {
    const usage = deepprove("verify", dir);
    expect(usage.status).to.equal(2);
    expect(usage.stderr).to.match(/missing required argument 'proof'/);
    const missing = await inProcess("verify", dir, join(root, "none.bin"));
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/none\.bin: cannot open/);
    const truncated = variant("truncated.bin", (bytes) => bytes.subarray(0, PROOF_HEADER_BYTES + 2));
    const cut = await inProcess("verify", dir, truncated);
    expect(cut.status).to.equal(2);
    expect(cut.stderr).to.match(/truncated/);
    expect(cut.stderr).to.not.match(/\n\s+at /); // no stack trace
    rmSync(join(dir, "verifying-key.json"));
    const broken = await inProcess("verify", dir, proof);
    expect(broken.status).to.equal(2);
    expect(broken.stderr).to.match(/verifying-key\.json: missing/);
  });
});
