import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";

const CLI = join(__dirname, "..", "..", "bin", "deepprove.js");

describe("deepprove bench crypto", () => {
  it("prints one JSON object with the MSM, peer, Fr, sum-check and HyperKZG keys (tiny sizes)", () => {
    const stdout = execFileSync(
      process.execPath,
      [CLI, "bench", "crypto", "--json", "--sizes", "4,6", "--protocol-size", "4", "--runs", "1"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines = stdout.trim().split("\n");
    expect(lines).to.have.length(1);
    const result = JSON.parse(lines[0]) as Record<string, unknown>;
    for (const key of [
      "msm_2p4_ms",
      "msm_2p6_ms",
      "msm_2p6_int8_ms",
      "peer_ffjavascript_msm_2p6_ms",
      "msm_2p6_speedup_vs_ffjavascript",
      "fr_mul_per_s",
      "sumcheck_prove_2p4_ms",
      "hyperkzg_commit_2p4_ms",
      "hyperkzg_open_2p4_ms",
      "hyperkzg_verify_ms",
    ]) {
      expect(result[key], key).to.be.a("number");
    }
    expect(result.msm_2p6_agrees_with_ffjavascript).to.equal(true);
    expect(result.hyperkzg_verify_ok).to.equal(true);
  });

  it("refuses a bad size with a one-line error and no stack trace", () => {
    const run = spawnSync(process.execPath, [CLI, "bench", "crypto", "--sizes", "16,x"], { encoding: "utf8" });
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/--sizes: x is not a log2 size in 1\.\.24/);
    expect(run.stderr).to.not.match(/\n\s+at /);
    expect(run.stdout).to.equal("");
  });
});
