import { expect } from "chai";
import { spawnSync } from "node:child_process";

/** The README's main job (`npm run demo`) runs end to end on a fresh in-process network. */
describe("project: the demo (README main job)", () => {
  it("runs every step and reports verified results", function () {
    this.timeout(180_000);
    const run = spawnSync("npx", ["hardhat", "run", "--no-compile", "scripts/demo.ts"], { encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/argmax agrees: true/);
    expect(run.stdout).to.match(/TypeScript verifier: true/);
    expect(run.stdout).to.match(/Solidity verifier: accepted; transaction gas \d+/);
    expect(run.stdout).to.match(/a wrong claimed value is rejected on-chain: true/);
    expect(run.stdout).to.match(/active true, stake 25000 LA/);
  });
});
