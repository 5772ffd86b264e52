/** The node's configuration file and the `deepprove node` command's user errors: one line naming the field. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeConfigError, loadNodeConfig, parseNodeConfig } from "../../src/node/config";

describe("node: configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepprove-node-config-"));
  mkdirSync(join(dir, "setup"));
  const file = join(dir, "node.json");
  after(() => rmSync(dir, { recursive: true, force: true }));

  const valid = { pricePerCycle: "0.0001", capacity: 5000, models: { "1": { setup: "setup", minCycles: 100 } } };

  it("reads prices in LA, capacities, models with paths relative to the file, and defaults", () => {
    writeFileSync(file, JSON.stringify(valid));
    const config = loadNodeConfig(file);
    expect(config.pricePerCycle).to.equal(10n ** 14n);
    expect(config.capacity).to.equal(5000n);
    expect(config.models.get(1n)).to.deep.equal({ setup: join(dir, "setup"), minCycles: 100n });
    expect(config.state).to.equal(join(dir, "node-state.json"));
    expect(config.pollSeconds).to.equal(5);
    expect(config.settle).to.equal(true);
  });

  const cases: [string, unknown, RegExp][] = [
    ["a price that is not a decimal", { ...valid, pricePerCycle: "1e-4" }, /pricePerCycle: "1e-4" is not a decimal LA amount/],
    ["a missing price", { ...valid, pricePerCycle: undefined }, /field "pricePerCycle" \(decimal LA string\) is required/],
    ["a zero capacity", { ...valid, capacity: 0 }, /capacity: expected a positive integer, got 0/],
    ["no models", { ...valid, models: {} }, /field "models" must map at least one registry model id/],
    ["a bad model id", { ...valid, models: { x: { setup: "setup" } } }, /models\.x \(model id\): expected a positive integer/],
    ["a missing setup directory", { ...valid, models: { "1": { setup: "nope" } } }, /models\.1\.setup: .*nope does not exist/],
    ["an unknown field", { ...valid, prices: 1 }, /unknown field "prices"/],
    ["a bad poll interval", { ...valid, pollSeconds: -1 }, /pollSeconds must be a positive number/],
  ];
  for (const [what, raw, message] of cases) {
    it(`refuses ${what}, naming the file and field`, () => {
      expect(() => parseNodeConfig(raw, file)).to.throw(NodeConfigError, message);
    });
  }

  it("`deepprove node` prints one line for a missing configuration file, no stack trace", () => {
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "..", "..", "src", "cli", "main.ts"), "node", "--config", join(dir, "missing.json"), "--key", "env:NOPE"], {
      encoding: "utf8",
    });
    expect(run.status).to.equal(1);
    expect(run.stderr.trim()).to.equal(`deepprove: --config ${join(dir, "missing.json")}: no such file`);
  });
});
