/**
 * The prover node's state machine on the in-process network: a batch served end to end, two nodes competing
 * through DARA, a kill at every durable step followed by a restart (no transaction sent twice, no job lost, no
 * proof computed twice), batches it must not bid in, lost jobs, and a state file that is not its own.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { readFileSync } from "node:fs";
import { getContractEvents, getTransactionCount, readContract, sendTransaction, waitForTransactionReceipt } from "viem/actions";
import { inferenceRegistryAbi, laTokenAbi, proofMarketAbi } from "../../src/sdk/abis";
import { NodeKilled } from "../../src/node/node";
import { NodeStateError } from "../../src/node/state";
import { batchEnd, nodeFixture, requestProofs, startNode, stateFile, timeTo, type NodeFixture } from "./fixture";

const PRICE = 10n ** 12n;

/** The market's `eventName` logs, with the arguments the tests read. */
async function events(fx: NodeFixture, eventName: "AskCommitted" | "AskRevealed" | "BatchSettled" | "JobFulfilled") {
  const logs = await getContractEvents(fx.deployer, { address: fx.contracts.market!, abi: proofMarketAbi, eventName, fromBlock: 0n, strict: true });
  return logs.map((log) => ({ args: log.args as { batch?: bigint; prover?: string } }));
}

async function verifications(fx: NodeFixture) {
  return getContractEvents(fx.deployer, { address: fx.contracts.registry, abi: inferenceRegistryAbi, eventName: "InferenceVerified", fromBlock: 0n, strict: true });
}

/**
 * One node serves batch 0 with three requests (two trade, the marginal one is reduced away), ticking once per
 * phase. With `failAt`, the node is killed the first time it reaches that durable step and restarted from its
 * state file, and the interrupted pass is run again.
 */
async function serveBatch(fx: NodeFixture, failAt?: string) {
  const file = stateFile();
  const calls = { count: 0 };
  const lines: string[] = [];
  let kills = 0;
  const failpoint = (point: string) => {
    if (point === failAt && kills === 0) {
      kills++;
      throw new Error("simulated kill");
    }
  };
  const options = { stateFile: file, price: PRICE, capacity: 10_000n, failpoint, calls, lines };
  let node = await startNode(fx, 0, options);
  const tick = async () => {
    try {
      await node.tick();
    } catch (error) {
      if (!(error instanceof NodeKilled)) throw error;
      node = await startNode(fx, 0, options); // the restart: a new process reading the same state file
      await node.tick();
    }
  };
  const prover = fx.provers[0].account.address;
  const nonceBefore = await getTransactionCount(fx.deployer, { address: prover });
  const ids = await requestProofs(fx, 3);
  await tick(); // commit
  await timeTo(batchEnd(fx, 0n));
  await tick(); // reveal
  await timeTo(batchEnd(fx, 0n) + BigInt(fx.timing.revealLength));
  await tick(); // settle, collect, prove, verify, fulfil
  await tick(); // nothing left to do
  const nonceAfter = await getTransactionCount(fx.deployer, { address: prover });
  return { node, ids, calls, lines, kills, sent: nonceAfter - nonceBefore, file };
}

describe("node: prover node on the in-process network", function () {
  this.timeout(300_000);

  it("commits, reveals, settles by DARA, proves, records in the registry, fulfils and is paid in LA", async () => {
    const fx = await loadFixture(nodeFixture);
    const prover = fx.provers[0].account.address;
    const before = await readContract(fx.deployer, { address: fx.contracts.token, abi: laTokenAbi, functionName: "balanceOf", args: [prover] });
    const { node, ids, calls, lines, sent } = await serveBatch(fx);
    const jobs = Object.values(node.state.jobs);
    expect(jobs.map((j) => [j.requestId, j.phase])).to.deep.equal([
      [ids[0].toString(), "fulfilled"],
      [ids[1].toString(), "fulfilled"],
    ]);
    expect(calls.count).to.equal(2);
    // commit (batch 0), commit (batch 1, which is taking requests by then), reveal, settle, 2 × (verify, fulfil)
    expect(sent).to.equal(8);
    const paid = jobs.reduce((sum, j) => sum + BigInt(j.payout!), 0n);
    const after = await readContract(fx.deployer, { address: fx.contracts.token, abi: laTokenAbi, functionName: "balanceOf", args: [prover] });
    expect(paid > 0n).to.equal(true);
    expect(after - before).to.equal(paid);
    const status = await readContract(fx.deployer, { address: fx.contracts.market!, abi: proofMarketAbi, functionName: "getRequest", args: [ids[2]] });
    expect(status.status).to.equal(5); // Unmatched: the marginal bid
    expect(lines.some((l) => /settled by DARA, 2 winner\(s\)/.test(l))).to.equal(true);
    expect(lines.some((l) => /fulfilled, paid \d+ LA wei/.test(l))).to.equal(true);
    const records = await verifications(fx);
    expect(records.map((r) => r.args.prover)).to.deep.equal([prover, prover]);
  });

  const POINTS = [
    "commit:signed",
    "commit:sent",
    "commit:confirmed",
    "reveal:signed",
    "reveal:sent",
    "reveal:confirmed",
    "settle:signed",
    "settle:sent",
    "settle:confirmed",
    "prove:written",
    "prove:done",
    "verify:signed",
    "verify:sent",
    "verify:confirmed",
    "fulfil:signed",
    "fulfil:sent",
    "fulfil:confirmed",
  ];
  for (const point of POINTS) {
    it(`killed at ${point} and restarted: nothing sent twice, nothing lost`, async () => {
      const fx = await loadFixture(nodeFixture);
      const { node, calls, kills, sent } = await serveBatch(fx, point);
      expect(kills).to.equal(1);
      expect(Object.values(node.state.jobs).map((j) => j.phase)).to.deep.equal(["fulfilled", "fulfilled"]);
      expect(sent).to.equal(8);
      expect(calls.count).to.equal(2); // a proof on disk is never recomputed
      expect((await events(fx, "AskCommitted")).map((e) => e.args.batch)).to.deep.equal([0n, 1n]);
      expect(await events(fx, "AskRevealed")).to.have.length(1);
      expect(await events(fx, "BatchSettled")).to.have.length(1);
      expect(await verifications(fx)).to.have.length(2);
      expect(await events(fx, "JobFulfilled")).to.have.length(2);
      expect(Object.values(node.state.txs).every((t) => t.status === "confirmed")).to.equal(true);
    });
  }

  it("a recorded transaction whose nonce another transaction used is dropped, and the action redone once", async () => {
    const fx = await loadFixture(nodeFixture);
    const file = stateFile();
    const options = { stateFile: file, price: PRICE, capacity: 10_000n };
    const node = await startNode(fx, 0, { ...options, failpoint: (p) => { if (p === "verify:signed") throw new Error("kill"); } });
    await requestProofs(fx, 3);
    await node.tick();
    await timeTo(batchEnd(fx, 0n));
    await node.tick();
    await timeTo(batchEnd(fx, 0n) + BigInt(fx.timing.revealLength));
    await node.tick().catch((e) => expect(e).to.be.instanceOf(NodeKilled));
    // While the node is down, the same key sends another transaction with the recorded nonce.
    const recorded = JSON.parse(readFileSync(file, "utf8")).txs["verify:1"];
    expect(recorded.status).to.equal("signed");
    const prover = fx.provers[0];
    await waitForTransactionReceipt(prover, { hash: await sendTransaction(prover, { to: prover.account.address, value: 0n, nonce: recorded.nonce }) });
    const restarted = await startNode(fx, 0, options);
    expect(restarted.state.txs["verify:1"].status).to.equal("dropped");
    await restarted.tick();
    expect(Object.values(restarted.state.jobs).map((j) => j.phase)).to.deep.equal(["fulfilled", "fulfilled"]);
    expect(restarted.state.txs["verify:1"]).to.deep.include({ status: "confirmed", attempt: 2 });
    expect(await verifications(fx)).to.have.length(2);
  });

  it("two nodes compete: the cheaper fills its capacity, the other takes the rest, one settlement", async () => {
    const fx = await loadFixture(nodeFixture);
    const a = await startNode(fx, 0, { stateFile: stateFile(), price: PRICE, capacity: 1_000n });
    const b = await startNode(fx, 1, { stateFile: stateFile(), price: 2n * PRICE, capacity: 5_000n });
    const ids = await requestProofs(fx, 4);
    const both = async () => {
      await a.tick();
      await b.tick();
    };
    await both();
    await timeTo(batchEnd(fx, 0n));
    await both();
    await timeTo(batchEnd(fx, 0n) + BigInt(fx.timing.revealLength));
    await both();
    await both();
    // Next-fit over asks by price: request 1 fills A's 1,000 cycles, 2-4 go to B, 4 is the marginal bid.
    expect(Object.values(a.state.jobs).map((j) => [j.requestId, j.phase])).to.deep.equal([[ids[0].toString(), "fulfilled"]]);
    expect(Object.values(b.state.jobs).map((j) => [j.requestId, j.phase])).to.deep.equal([
      [ids[1].toString(), "fulfilled"],
      [ids[2].toString(), "fulfilled"],
    ]);
    const settled = await events(fx, "BatchSettled");
    expect(settled).to.have.length(1);
    expect(Object.keys(a.state.txs)).to.include("settle:0"); // A ticks first in the window and settles
    expect(Object.keys(b.state.txs)).not.to.include("settle:0"); // B observes the settlement
    const fulfilled = await events(fx, "JobFulfilled");
    expect(fulfilled.map((e) => e.args.prover)).to.have.members([a.address, b.address, b.address]);
  });

  it("does not reveal in a batch it cannot fully serve, and says why", async () => {
    const fx = await loadFixture(nodeFixture);
    const lines: string[] = [];
    const node = await startNode(fx, 0, { stateFile: stateFile(), price: PRICE, capacity: 10_000n, lines });
    await requestProofs(fx, 1); // a single request: nothing can trade
    await node.tick();
    await timeTo(batchEnd(fx, 0n));
    await node.tick();
    expect(node.state.asks["0"]).to.deep.include({ decision: "skip" });
    expect(lines.join("\n")).to.match(/batch 0: not revealing \(1 request\(s\) in the batch: nothing can trade\)/);
    expect(await events(fx, "AskRevealed")).to.have.length(0);
  });

  it("gives up a job whose deadline passed while it was down, without sending anything", async () => {
    const fx = await loadFixture(nodeFixture);
    const file = stateFile();
    const node = await startNode(fx, 0, { stateFile: file, price: PRICE, capacity: 10_000n, failpoint: (p) => { if (p === "settle:confirmed") throw new Error("down"); } });
    await requestProofs(fx, 3);
    await node.tick();
    await timeTo(batchEnd(fx, 0n));
    await node.tick();
    await timeTo(batchEnd(fx, 0n) + BigInt(fx.timing.revealLength));
    await node.tick().catch((e) => expect(e).to.be.instanceOf(NodeKilled));
    await timeTo(batchEnd(fx, 0n) + 30n * 86_400n); // down for a month
    const restarted = await startNode(fx, 0, { stateFile: file, price: PRICE, capacity: 10_000n });
    const prover = fx.provers[0].account.address;
    const nonce = await getTransactionCount(fx.deployer, { address: prover });
    await restarted.tick();
    expect(Object.values(restarted.state.jobs).map((j) => j.phase)).to.deep.equal(["expired", "expired"]);
    // It commits for the current batch, and nothing else.
    expect(Number(await getTransactionCount(fx.deployer, { address: prover })) - nonce).to.equal(1);
  });

  it("refuses a state file written for another prover", async () => {
    const fx = await loadFixture(nodeFixture);
    const file = stateFile();
    await startNode(fx, 0, { stateFile: file, price: PRICE, capacity: 1n });
    const error = await startNode(fx, 1, { stateFile: file, price: PRICE, capacity: 1n }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NodeStateError);
    expect(String((error as Error).message)).to.match(/belongs to prover 0x[0-9a-fA-F]{40}, not 0x/);
    expect(JSON.parse(readFileSync(file, "utf8")).prover).to.equal(fx.provers[0].account.address);
  });
});

