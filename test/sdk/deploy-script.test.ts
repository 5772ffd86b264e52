/** `scripts/deploy.ts` as a user runs it (in-process network): every contract recorded, nothing half-written. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NETWORK_CONTRACTS, OPTIONAL_NETWORK_CONTRACTS } from "../../src/sdk/deployments";

describe("deploy: scripts/deploy.ts", function () {
  this.timeout(120_000);

  it("deploys every network contract and writes deployments/<network>/<Contract>.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepprove-deploy-"));
    try {
      const run = spawnSync(
        process.execPath,
        [require.resolve("hardhat/internal/cli/cli.js"), "run", "--no-compile", "scripts/deploy.ts"],
        { cwd: join(__dirname, "..", ".."), encoding: "utf8", env: { ...process.env, DEEPPROVE_DEPLOYMENTS_DIR: dir } }
      );
      expect(run.status, run.stderr).to.equal(0);
      const files = readdirSync(join(dir, "hardhat")).sort();
      // Dev networks also get the market with mock payment tokens and feeds.
      const expected = [
        ...Object.values(NETWORK_CONTRACTS),
        ...Object.values(OPTIONAL_NETWORK_CONTRACTS),
        "MockUSDC",
        "EthPriceFeed",
        "UsdcPriceFeed",
      ];
      expect(files).to.deep.equal(expected.map((name) => `${name}.json`).sort());
      for (const file of files) {
        const record = JSON.parse(readFileSync(join(dir, "hardhat", file), "utf8"));
        expect(record.address).to.match(/^0x[0-9a-fA-F]{40}$/);
        expect(record.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
        expect(record.blockNumber).to.be.a("number").greaterThan(0);
        expect(record.abi).to.be.an("array").with.length.greaterThan(0);
        expect(run.stdout).to.include(record.address);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with one line and writes nothing when an address variable is malformed", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepprove-deploy-"));
    try {
      const run = spawnSync(
        process.execPath,
        [require.resolve("hardhat/internal/cli/cli.js"), "run", "--no-compile", "scripts/deploy.ts"],
        {
          cwd: join(__dirname, "..", ".."),
          encoding: "utf8",
          env: { ...process.env, DEEPPROVE_DEPLOYMENTS_DIR: dir, DEEPPROVE_GUARDIAN: "0xnope" },
        }
      );
      expect(run.status).to.equal(1);
      expect(run.stderr).to.match(/deploy: DEEPPROVE_GUARDIAN=0xnope is not an address/);
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
