/**
 * The network commands of the `deepprove` CLI (staking, registry) against a real `hardhat node` on 127.0.0.1 (random free port,
 * started and killed by this test): deploy with the deploy script's code, then drive the CLI as a user would.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  http,
  keccak256,
  parseEther,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";
import {
  emissionControllerAbi,
  laTokenAbi,
  proofMarketAbi,
  verifyInference,
  writeContractDeployment,
  type NetworkAddresses,
} from "../../src/sdk";
import { main } from "../../src/cli/main";

const ROOT = join(__dirname, "..", "..");
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const NODE_START_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startNode(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [require.resolve("hardhat/internal/cli/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`hardhat node did not start within ${NODE_START_TIMEOUT_MS} ms`));
    }, NODE_START_TIMEOUT_MS);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}: ${output}`));
    });
  });
}

const account = (index: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
const privateKeyOf = (index: number): Hex => toHex(account(index).getHdKey().privateKey!);

describe("cli: network commands against a hardhat node", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let rpcUrl = "";
  let dir = "";
  let contracts: NetworkAddresses;
  const prover = account(2).address;
  const delegator = account(3).address;

  const withDefaults = (args: string[]) => [
    ...args,
    ...(args.includes("--network") ? [] : ["--network", "localhost"]),
    ...["--rpc-url", rpcUrl, "--deployments", join(dir, "deployments")],
  ];
  /** Runs the real `bin/deepprove.js` in a child process (start-up included: ~3 s each, so used sparingly). */
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, ["bin/deepprove.js", ...withDefaults(args)], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DEEPPROVE_KEY: undefined },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, json: () => JSON.parse(run.stdout) };
  };
  /** Runs the same entry point (`main`) in this process, capturing its output: same code path, no start-up. */
  const cliInProcess = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const [stdoutWrite, stderrWrite] = [process.stdout.write, process.stderr.write];
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
    let status: number;
    try {
      status = await main(["node", "deepprove", ...withDefaults(args)]);
    } finally {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
    }
    const stdout = out.join("");
    return { status, stdout, stderr: err.join(""), json: () => JSON.parse(stdout) };
  };
  const keyFile = (name: string) => join(dir, `${name}.key`);
  const rpc = async (method: string, params: unknown[] = []) => {
    const client = createPublicClient({ transport: http(rpcUrl) });
    return client.request({ method: method as "eth_chainId", params: params as never });
  };

  before(async () => {
    const port = await freePort();
    node = await startNode(port);
    rpcUrl = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), "deepprove-cli-"));
    writeFileSync(keyFile("prover"), `${privateKeyOf(2)}\n`);
    writeFileSync(keyFile("delegator"), privateKeyOf(3).slice(2));
    const deployer = createWalletClient({ account: account(0).address, transport: http(rpcUrl) });
    const { addresses, deployments } = await deployNetwork(
      deployer,
      configFor("localhost", { market: account(1).address })
    );
    for (const record of deployments) writeContractDeployment(join(dir, "deployments"), "localhost", record);
    contracts = addresses;
    const funder = createWalletClient({ account: account(0), transport: http(rpcUrl) });
    const chain = null;
    for (const to of [prover, delegator]) {
      await funder.writeContract({
        address: contracts.token,
        abi: laTokenAbi,
        functionName: "transfer",
        args: [to, parseEther("100000")],
        chain,
      });
    }
    await rpc("evm_mine");
  });

  after(() => {
    node?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("registers a prover, stakes, delegates and shows the pool", async () => {
    const registered = cli(
      "prover",
      "register",
      "--metadata",
      "https://prover.example",
      "--commission",
      "1000",
      "--stake",
      "20000",
      "--key",
      keyFile("prover")
    );
    expect(registered.status, registered.stderr).to.equal(0);
    expect(registered.json()).to.include({ action: "register", prover, commissionBps: 1000 });

    expect(cli("stake", "500", "--key", keyFile("prover")).status).to.equal(0);
    const delegated = cli("delegate", prover, "2500.5", "--key", keyFile("delegator"));
    expect(delegated.status, delegated.stderr).to.equal(0);
    expect(delegated.json()).to.include({ delegator, amount: parseEther("2500.5").toString() });

    const shown = cli("prover", "show", prover);
    expect(shown.status).to.equal(0);
    expect(shown.json()).to.include({ registered: true, active: true, activeStake: parseEther("23000.5").toString() });
  });

  it("undelegates, refuses an early withdrawal with the date, and withdraws after unbonding", async () => {
    const queued = await cliInProcess("undelegate", prover, "500", "--key", keyFile("delegator"));
    expect(queued.status, queued.stderr).to.equal(0);
    expect(queued.json().request).to.equal("1");

    const early = await cliInProcess("withdraw", "--key", keyFile("delegator"));
    expect(early.status).to.equal(1);
    expect(early.stderr).to.match(/^deepprove: nothing to withdraw yet: the next request matures at \d{4}-/);

    await rpc("evm_increaseTime", [configFor("localhost").staking.unbondingPeriod]);
    await rpc("evm_mine");
    const done = await cliInProcess("withdraw", "--key", keyFile("delegator"));
    expect(done.status, done.stderr).to.equal(0);
    expect(BigInt(done.json().withdrawn[0].amount)).to.be.closeTo(parseEther("500"), 10n ** 6n);

    const position = await cliInProcess("prover", "position", delegator, prover);
    expect(position.json().unbonding).to.deep.equal([]);
  });

  it("settles an epoch's reward and claims the commission", async () => {
    const epoch = await cliInProcess("prover", "epoch");
    const next = BigInt(epoch.json().id) + 1n;
    const [start, end] = [
      BigInt(epoch.json().end),
      BigInt(epoch.json().end) + BigInt(configFor("localhost").emission.epochLength),
    ];
    await rpc("evm_setNextBlockTimestamp", [Number(start)]);
    const market = createWalletClient({ account: account(1).address, transport: http(rpcUrl) });
    await market.writeContract({
      address: contracts.emission,
      abi: emissionControllerAbi,
      functionName: "recordWork",
      args: [prover as Address, 10_000n, 10n ** 15n],
      chain: null,
    });
    await rpc("evm_setNextBlockTimestamp", [Number(end)]);
    await rpc("evm_mine");
    const commission = await cliInProcess("prover", "commission", "1500", "--key", keyFile("prover"));
    expect(commission.status, commission.stderr).to.equal(0);
    const claimed = await cliInProcess("claim", "--epoch", next.toString(), "--key", keyFile("prover"));
    expect(claimed.status, claimed.stderr).to.equal(0);
    const result = claimed.json();
    const paid = BigInt(result.epochs[0].paid);
    expect(paid).to.be.greaterThan(0n);
    expect(BigInt(result.commission.amount)).to.equal((paid * 1_000n) / 10_000n);
    const shown = await cliInProcess("prover", "epoch", "--epoch", next.toString(), "--prover", prover);
    expect(shown.json()).to.deep.include({ finalized: true, paid: paid.toString() });
    expect(shown.json().rewards.paid).to.equal(true);
  });

  it("registers a model and shows models and verified inferences", async () => {
    const artifact = JSON.parse(
      readFileSync(join(ROOT, "artifacts/contracts/test/KeccakBoundVerifier.sol/KeccakBoundVerifier.json"), "utf8")
    ) as { abi: Abi; bytecode: Hex };
    const commitment = keccak256(toHex("cli model"));
    const chain = defineChain({
      id: 31_337,
      name: "localhost",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    const wallet = createWalletClient({ account: account(2).address, chain, transport: http(rpcUrl) });
    const deployHash = await wallet.deployContract({ ...artifact, args: [commitment] });
    const publicClient = createPublicClient({ transport: http(rpcUrl) });
    const verifier = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;

    const mismatch = await cliInProcess(
      "model", "register", "--commitment", keccak256(toHex("other")), "--verifier", verifier, "--metadata", "m",
      "--key", keyFile("prover")
    );
    expect(mismatch.status).to.equal(1);
    expect(mismatch.stderr).to.match(/CommitmentMismatch/);
    const registered = await cliInProcess(
      "model", "register", "--commitment", commitment, "--verifier", verifier, "--metadata", "ipfs://cli",
      "--key", keyFile("prover")
    );
    expect(registered.status, registered.stderr).to.equal(0);
    expect(registered.json()).to.include({ action: "register-model", modelId: "1", owner: prover });
    const shown = await cliInProcess("model", "show", "1");
    expect(shown.json()).to.include({ commitment, metadataURI: "ipfs://cli", owner: prover, deprecated: false });

    const [input, output] = ["0x0102", "0x03"] as const;
    const proof = keccak256(
      encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "address" }], [input, output, prover])
    );
    await verifyInference(wallet, { contracts, modelId: 1n, input, output, proof });
    const inference = await cliInProcess("inference", "show", "1");
    expect(inference.status, inference.stderr).to.equal(0);
    expect(inference.json()).to.include({ modelId: "1", prover, inputHash: keccak256(input), outputHash: keccak256(output) });

    for (const [args, message] of [
      [["model", "show", "0"], /id: ids start at 1/],
      [["model", "show", "7"], /UnknownModel\(7\)/],
      [["inference", "show", "9"], /UnknownInference\(9\)/],
      [["model", "register", "--commitment", "0x12", "--verifier", verifier, "--metadata", "m", "--key", keyFile("prover")], /--commitment/],
    ] as [string[], RegExp][]) {
      const run = await cliInProcess(...args);
      expect(run.status, args.join(" ")).to.equal(1);
      expect(run.stderr, args.join(" ")).to.match(message);
    }
  });

  it("runs a market batch: requests, a sealed ask, settlement, fulfilment and refunds", async () => {
    const publicClient = createPublicClient({ transport: http(rpcUrl) });
    const read = (functionName: "GENESIS" | "BATCH_LENGTH" | "REVEAL_LENGTH" | "currentBatch") =>
      publicClient.readContract({ address: contracts.market!, abi: proofMarketAbi, functionName });
    const [genesis, length, reveal] = [await read("GENESIS"), await read("BATCH_LENGTH"), await read("REVEAL_LENGTH")];
    // Start at the beginning of a fresh batch so that every order below lands in the same one.
    const batch = (await read("currentBatch")) + 1n;
    await rpc("evm_setNextBlockTimestamp", [Number(genesis + batch * length + 1n)]);
    await rpc("evm_mine");

    const request = (cycles: string, price: string) =>
      cliInProcess("market", "request", "--model", "1", "--input", "0x0102", "--cycles", cycles, "--max-price", price, "--key", keyFile("delegator"));
    const first = await request("1000", "0.001");
    expect(first.status, first.stderr).to.equal(0);
    expect(first.json()).to.include({ action: "request", batch: batch.toString(), escrow: parseEther("1").toString() });
    const second = await request("500", "0.0005");
    expect(second.status, second.stderr).to.equal(0);
    const committed = await cliInProcess("market", "ask", "commit", "--price", "0.0001", "--capacity", "5000", "--key", keyFile("prover"));
    expect(committed.status, committed.stderr).to.equal(0);
    const { salt } = committed.json();

    await rpc("evm_setNextBlockTimestamp", [Number(genesis + (batch + 1n) * length)]);
    await rpc("evm_mine");
    const revealed = await cliInProcess(
      "market", "ask", "reveal", "--batch", batch.toString(), "--price", "0.0001", "--capacity", "5000", "--salt", salt,
      "--key", keyFile("prover")
    );
    expect(revealed.status, revealed.stderr).to.equal(0);
    await rpc("evm_setNextBlockTimestamp", [Number(genesis + (batch + 1n) * length + reveal)]);
    await rpc("evm_mine");
    const settled = await cliInProcess("market", "settle", batch.toString(), "--key", keyFile("delegator"));
    expect(settled.status, settled.stderr).to.equal(0);
    const outcome = settled.json();
    expect(outcome.winners).to.deep.equal([{ request: first.json().requestId, prover: prover.toLowerCase() }]);
    expect(outcome.buyerPrice).to.equal(parseEther("0.0005").toString());

    const [input, output] = ["0x0102", "0x03"] as const;
    const proof = keccak256(
      encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "address" }], [input, output, prover])
    );
    const chain = defineChain({
      id: 31_337,
      name: "localhost",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    const wallet = createWalletClient({ account: prover, chain, transport: http(rpcUrl) });
    const { result: recorded } = await verifyInference(wallet, { contracts, modelId: 1n, input, output, proof });
    const fulfilled = await cliInProcess(
      "market", "fulfil", first.json().requestId, recorded.inferenceId.toString(), "--key", keyFile("prover")
    );
    expect(fulfilled.status, fulfilled.stderr).to.equal(0);
    expect(fulfilled.json().payout).to.equal(parseEther("0.5").toString());
    const shown = await cliInProcess("market", "show", first.json().requestId);
    expect(shown.json()).to.include({ status: "fulfilled", prover });
    const refunded = await cliInProcess("market", "refund", "--key", keyFile("delegator"));
    expect(refunded.status, refunded.stderr).to.equal(0);
    expect(refunded.json().amount).to.equal(parseEther("0.75").toString());

    for (const [args, message] of [
      [["market", "request", "--model", "1", "--input", "0x01", "--cycles", "1", "--max-price", "1", "--pay", "DOGE", "--key", keyFile("delegator")], /--pay: "DOGE" is not LA, USDC or ETH/],
      [["market", "request", "--model", "1", "--input", "0x01", "--cycles", "1", "--max-price", "1", "--pay", "USDC", "--key", keyFile("delegator")], /--amount: required with --pay USDC/],
      [["market", "request", "--model", "1", "--cycles", "1", "--max-price", "1", "--key", keyFile("delegator")], /exactly one of --input/],
      [["market", "refund", "--key", keyFile("delegator")], /NothingToWithdraw/],
      [["market", "settle", batch.toString(), "--key", keyFile("delegator")], /NotInPhase|BatchClosed/],
    ] as [string[], RegExp][]) {
      const run = await cliInProcess(...args);
      expect(run.status, args.join(" ")).to.equal(1);
      expect(run.stderr, args.join(" ")).to.match(message);
    }
  });

  it("reports user mistakes in one line naming the bad input, without a stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [["delegate", prover, "abc", "--key", keyFile("delegator")], /amount: "abc" is not a decimal LA amount/],
      [["delegate", "0x1234", "1", "--key", keyFile("delegator")], /prover: "0x1234" is not an address/],
      [["delegate", prover, "1"], /pass --key/],
      [["delegate", prover, "1", "--key", join(dir, "missing.key")], /--key .*missing\.key: no such file/],
      [["delegate", prover, "1", "--key", "env:NO_SUCH_VARIABLE"], /environment variable NO_SUCH_VARIABLE is not set/],
      [
        ["prover", "register", "--metadata", "x", "--commission", "100", "--stake", "1", "--key", keyFile("prover")],
        /ProverAlreadyRegistered/,
      ],
      [["undelegate", delegator, "1", "--key", keyFile("prover")], /no shares of prover/],
      [["prover", "show", prover, "--network", "nowhere"], /no deployment of LAToken on "nowhere"/],
    ];
    for (const [args, message] of cases) {
      const run = await cliInProcess(...args);
      expect(run.status, args.join(" ")).to.equal(1);
      expect(run.stderr, args.join(" ")).to.match(message);
      expect(run.stderr).to.not.match(/\n\s+at /);
    }
    // and the same through the real binary
    const spawned = cli("delegate", prover, "-5", "--key", keyFile("delegator"));
    expect(spawned.status).to.equal(1);
    expect(spawned.stderr).to.match(/error: unknown option '-5'|not a decimal LA amount/);
  });
});
