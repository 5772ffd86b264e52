/**
 * The SDK, the deploy script and the prover node against a real `npx hardhat node` process over HTTP JSON-RPC
 * (spawned on a free port, killed after): deploy the network and examples/mlp's generated verifier, re-run the
 * deploy (idempotent: nothing sent), serve a batch with an in-process node (test verifier), then run the product
 * — `deepprove node` with the whole-model prover — until it has fulfilled a request, and stop it with Ctrl-C.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, createWalletClient, http, parseEther, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deployContract, getBlock, getTransactionCount, readContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { laTokenAbi } from "../../src/sdk/abis";
import { getRequest, readNetworkAddresses, registerModel, registerProver, requestProof } from "../../src/sdk";
import { ProverNode } from "../../src/node/node";
import { COMMITMENT_A } from "../registry/fixture";
import { keccakBackend } from "../node/fixture";
import { createSetupDir, loadSetupDir } from "../../src/artifacts/setup-dir";
import { quantizeInputs, readInputs } from "../../src/model";
import { packTensors, publicTensors } from "../../src/prover/graph";
import { proofMarketAbi } from "../../src/sdk/abis";

const MLP = join(__dirname, "..", "..", "examples", "mlp");

async function marketTiming(client: ReturnType<typeof createWalletClient>, market: `0x${string}`) {
  const read = (functionName: "GENESIS" | "BATCH_LENGTH" | "REVEAL_LENGTH") => readContract(client, { address: market, abi: proofMarketAbi, functionName });
  const [genesis, batchLength, revealLength] = await Promise.all([read("GENESIS"), read("BATCH_LENGTH"), read("REVEAL_LENGTH")]);
  return { genesis, batchLength, revealLength };
}

const ROOT = join(__dirname, "..", "..");
const MNEMONIC = "test test test test test test test test test test test junk";
const HARDHAT_CLI = require.resolve("hardhat/internal/cli/cli.js");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `hardhat node` on `port` and resolves once it serves JSON-RPC. */
function startHardhatNode(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--port", String(port), "--hostname", "127.0.0.1"], { cwd: ROOT });
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/Started HTTP and WebSocket JSON-RPC server/.test(out)) {
        child.stdout!.off("data", onData);
        child.stdout!.resume(); // keep draining its account list and request log
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.resume();
    child.once("exit", (code) => reject(new Error(`hardhat node exited (${code}) before serving: ${out.slice(-500)}`)));
  });
}

describe("sdk: against a `npx hardhat node` process on localhost", function () {
  this.timeout(300_000);
  let child: ChildProcess | undefined;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), "deepprove-localhost-"));

  const setupDir = join(dir, "setup-mlp");

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = await startHardhatNode(port);
    createSetupDir({ model: join(MLP, "network.onnx"), calibration: join(MLP, "input.json"), out: setupDir });
  });

  after(() => {
    if (child && child.exitCode === null) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  const deployer = mnemonicToAccount(MNEMONIC, { addressIndex: 0 });
  const deploy = () =>
    spawnSync(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "scripts/deploy.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        DEEPPROVE_RPC_URL: url,
        DEEPPROVE_NETWORK: "localhost",
        DEEPPROVE_DEPLOYER_KEY: bytesToHex(deployer.getHdKey().privateKey!),
        DEEPPROVE_DEPLOYMENTS_DIR: dir,
        DEEPPROVE_SETUP_DIR: setupDir,
      },
    });
  const wallet = (index: number) =>
    createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: index }), transport: http(url, { retryCount: 3 }), pollingInterval: 50 });

  it("deploys the network and a model's generated verifier over JSON-RPC; a second run sends nothing", async () => {
    const first = deploy();
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/deploying to localhost from 0x[0-9a-fA-F]{40} \(no record of LAToken\)/);
    expect(first.stdout).to.match(/model 1: .*setup-mlp \(digest 0x[0-9a-f]{64}\), verifier 0x[0-9a-fA-F]{40} \(deployed ModelVerifierPcs, (ModelVerifier\w+, )*ModelVerifier, Verifier_[0-9a-f]{8};/);
    const book = readNetworkAddresses(dir, "localhost");
    const nonce = await getTransactionCount(wallet(0), { address: deployer.address });
    const second = deploy();
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.match(/already deployed on localhost \(every recorded contract is live\): nothing sent/);
    expect(second.stdout).to.match(/model 1: .*\(already deployed;/);
    expect(readNetworkAddresses(dir, "localhost")).to.deep.equal(book);
    expect(await getTransactionCount(wallet(0), { address: deployer.address })).to.equal(nonce);
  });

  it("runs the market through the SDK and a prover node over HTTP", async () => {
    const contracts = readNetworkAddresses(dir, "localhost");
    const owner = wallet(0);
    const artifact = JSON.parse(readFileSync(join(ROOT, "artifacts", "contracts", "test", "KeccakBoundVerifier.sol", "KeccakBoundVerifier.json"), "utf8"));
    const hash = await deployContract(owner, { abi: artifact.abi, bytecode: artifact.bytecode, args: [COMMITMENT_A], chain: null });
    const verifier = (await waitForTransactionReceipt(owner, { hash })).contractAddress!;
    const { result: modelId } = await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier, metadataURI: "localhost test" });
    const prover = wallet(1);
    const client = wallet(2);
    for (const user of [prover, client]) {
      const tx = await writeContract(owner, { address: contracts.token, abi: laTokenAbi, functionName: "transfer", args: [user.account.address, parseEther("50000")], chain: null });
      await waitForTransactionReceipt(owner, { hash: tx });
    }
    await registerProver(prover, { contracts, metadataURI: "node", commissionBps: 500, selfStake: parseEther("20000") });

    const lines: string[] = [];
    const node = await ProverNode.start({
      client: prover,
      contracts,
      backend: keccakBackend(),
      config: { pricePerCycle: 10n ** 12n, capacity: 10_000n, models: new Map([[modelId, { setup: "", minCycles: 1n }]]), settle: true },
      stateFile: join(dir, "node-state.json"),
      log: (line) => lines.push(line),
    });
    const deadline = BigInt(Math.floor(Date.now() / 1000)) + 3n * 86_400n;
    const ids: bigint[] = [];
    for (const i of [0, 1, 2]) {
      const { result } = await requestProof(client, {
        contracts,
        modelId,
        input: `0x0${i}` as Hex,
        cycles: 1_000n,
        maxPricePerCycle: (10n - BigInt(i)) * 10n ** 12n,
        deadline,
        payment: { token: "LA" },
      });
      ids.push(result.requestId);
    }
    const timing = node.timing;
    const { timestamp } = await getBlock(owner);
    const end = timing.genesis + ((timestamp - timing.genesis) / timing.batchLength + 1n) * timing.batchLength;
    const advanceTo = async (t: bigint) => {
      await owner.request({ method: "evm_setNextBlockTimestamp", params: [Number(t)] } as never);
      await owner.request({ method: "evm_mine", params: [] } as never);
    };
    await node.tick(); // commit
    await advanceTo(end);
    await node.tick(); // reveal
    await advanceTo(end + timing.revealLength);
    await node.tick(); // settle, prove, verify, fulfil
    const statuses = await Promise.all(ids.map((requestId) => getRequest(client, { contracts, requestId })));
    expect(statuses.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled", "unmatched"]);
    expect(lines.join("\n")).to.match(/batch \d+: settled by DARA, 2 winner\(s\)/);
    const balance = await readContract(client, { address: contracts.token, abi: laTokenAbi, functionName: "balanceOf", args: [prover.account.address] });
    expect(balance > parseEther("30000")).to.equal(true);
  });

  it("`deepprove node` (the product: whole-model prover, generated verifier) serves requests over HTTP until Ctrl-C", async () => {
    const contracts = readNetworkAddresses(dir, "localhost");
    const setup = loadSetupDir(setupDir);
    const qinput = quantizeInputs(setup.model, readInputs(join(MLP, "input.json"), setup.graph));
    const altered = [{ ...qinput[0], data: Float64Array.from(qinput[0].data, (v, k) => (k === 0 ? (v > 0 ? v - 1 : v + 1) : v)) }];
    const inputs = [packTensors(qinput, publicTensors(setup.model.graph.inputs, setup.model.bits)), packTensors(altered, publicTensors(setup.model.graph.inputs, setup.model.bits))].map((b) => bytesToHex(b));
    const client = wallet(2);
    const { timestamp } = await getBlock(client);
    const ids: bigint[] = [];
    for (const [i, input] of inputs.entries()) {
      const { result } = await requestProof(client, { contracts, modelId: 1n, input, cycles: 1_000n, maxPricePerCycle: (9n - BigInt(i)) * 10n ** 12n, deadline: timestamp + 3n * 86_400n, payment: { token: "LA" } });
      ids.push(result.requestId);
    }
    writeFileSync(join(dir, "node.json"), JSON.stringify({ pricePerCycle: "0.000002", capacity: 5000, models: { "1": { setup: "setup-mlp" } }, state: "cli-state.json", pollSeconds: 0.5 }));
    const key = bytesToHex(mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!);
    const cli = [join(ROOT, "src", "cli", "main.ts"), "node", "--network", "localhost", "--rpc-url", url, "--deployments", dir, "--key", "env:NODE_KEY", "--config", join(dir, "node.json")];
    const node = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...cli], { env: { ...process.env, NODE_KEY: key } });
    let log = "";
    node.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => node.once("exit", resolve));
    const until = async (pattern: RegExp) => {
      while (!pattern.test(log)) {
        if (node.exitCode !== null) throw new Error(`deepprove node exited: ${log}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const { genesis, batchLength, revealLength } = await marketTiming(client, contracts.market!);
    const end = genesis + ((timestamp - genesis) / batchLength + 1n) * batchLength;
    const advanceTo = async (t: bigint) => {
      await client.request({ method: "evm_setNextBlockTimestamp", params: [Number(t)] } as never);
      await client.request({ method: "evm_mine", params: [] } as never);
    };
    try {
      await until(/committed a sealed ask \(5000 cycles\)/);
      expect(log).to.match(/node: prover 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 on localhost: 5000 cycles per batch/);
      await advanceTo(end);
      await until(/revealed ask 5000 cycles/);
      await advanceTo(end + revealLength);
      await until(/request \d+: fulfilled, paid \d+ LA wei/);
    } finally {
      node.kill("SIGINT"); // stops after the current pass
    }
    expect(await exited).to.equal(0);
    expect(log).to.match(/stopping after this pass/);
    expect(log).to.match(/WARNING: model 1's setup uses the INSECURE development SRS/);
    expect(log).to.match(/request \d+: verified on-chain as inference \d+, gas \d+/);
    const statuses = await Promise.all(ids.map((requestId) => getRequest(client, { contracts, requestId })));
    expect(statuses.map((r) => r.status)).to.deep.equal(["fulfilled", "unmatched"]);
    const state = JSON.parse(readFileSync(join(dir, "cli-state.json"), "utf8")) as { txs: Record<string, { status: string }> };
    expect(Object.values(state.txs).every((t) => t.status === "confirmed")).to.equal(true);
  });
});
