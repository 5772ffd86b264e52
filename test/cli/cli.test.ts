import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { VERSION } from "../../src/version";

function deepprove(...args: string[]) {
  return spawnSync(process.execPath, ["bin/deepprove.js", ...args], { encoding: "utf8" });
}

describe("cli: deepprove", () => {
  it("prints help listing its usage", () => {
    const run = deepprove("--help");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/^Usage: deepprove/);
  });

  it("prints the package version", () => {
    const run = deepprove("--version");
    expect(run.status).to.equal(0);
    expect(run.stdout.trim()).to.equal(VERSION);
  });

  it("fails with a pointer to --help on an unknown command", () => {
    const run = deepprove("no-such-command");
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/deepprove --help/);
  });
});
