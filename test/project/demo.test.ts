import { expect } from "chai";
import { spawnSync } from "node:child_process";

/** The README's main job (`npm run demo`) runs end to end on a fresh in-process network. */
describe("project: the demo (README main job)", () => {
  it("runs every step and reports verified results", function () {
    this.timeout(300_000);
    const run = spawnSync("npx", ["hardhat", "run", "--no-compile", "scripts/demo.ts"], { encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/argmax agrees: true/);
    expect(run.stdout).to.match(/WARNING: INSECURE development SRS/);
    expect(run.stdout).to.match(/setup directory .*: model digest 0x[0-9a-f]{64}/);
    // The market: two nodes bid, DARA settles, the winner proves, the registry verifies, LA pays, emission pays.
    expect(run.stdout).to.match(/\[prover A\] batch \d+: revealed ask/);
    expect(run.stdout).to.match(/\[prover B\] batch \d+: revealed ask/);
    expect(run.stdout).to.match(/settled by DARA, 1 winner\(s\)/);
    expect(run.stdout).to.match(/request 1: proved in [\d.]+ s \(\d+ proof bytes\)/);
    expect(run.stdout).to.match(/request 1: verified on-chain as inference 1, gas \d+/);
    expect(run.stdout).to.match(/request 1: fulfilled, paid \d+ LA wei/);
    expect(run.stdout).to.match(/^inference id 1 \(model 1, request 1\), proved by 0x[0-9a-fA-F]{40}$/m);
    expect(run.stdout).to.match(/^the same proof sent from the other prover's address: rejected \(checkInference reverted: \w+/m);
    expect(run.stdout).to.match(/^client +\d+ USDC in → [\d.]+ LA escrow; fee [\d.]+ LA; refund [\d.]+ LA$/m);
    expect(run.stdout).to.match(/epoch \d+ reward [1-9][\d.]* LA minted/);
    expect(run.stdout).to.match(/^delegator +stake in prover A's pool 10000 → 1000\d\.\d+ LA after vesting$/m);
    expect(run.stdout).to.match(/^ {2}verify:1 \(prover A\) +[\d,]+$/m);
  });
});
