import type { Command } from "commander";
import {
  CliInputError,
  connect,
  parseInteger,
  parseLA,
  parseUnitsExact,
  printJson,
  withNetworkOptions,
  type NetworkOptions,
} from "./network-context";
import { parseRegistryId } from "./model";

/** Decimals of each payment token's amount (`--amount`). */
const PAYMENT_DECIMALS = { ETH: 18, USDC: 6 } as const;
/** Slack added to the earliest allowed deadline when `--deadline` is omitted, seconds. */
const DEFAULT_DEADLINE_SLACK = 3_600n;
const HEX_BYTES = /^0x([0-9a-fA-F]{2})*$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

interface RequestOptions extends NetworkOptions {
  model: string;
  input?: string;
  inputHash?: string;
  cycles: string;
  maxPrice: string;
  pay: string;
  amount?: string;
  deadline?: string;
}

interface AskOptions extends NetworkOptions {
  price: string;
  capacity: string;
  batch?: string;
  salt?: string;
}

/** The request's payment from `--pay` and `--amount`. */
function parsePayment(options: RequestOptions) {
  const token = options.pay.toUpperCase();
  if (token === "LA") {
    if (options.amount !== undefined) throw new CliInputError("--amount: not used with --pay LA (the escrow is cycles × max price)");
    return { token: "LA" } as const;
  }
  if (token !== "ETH" && token !== "USDC") throw new CliInputError(`--pay: "${options.pay}" is not LA, USDC or ETH`);
  if (options.amount === undefined) throw new CliInputError(`--amount: required with --pay ${token} (how much ${token} to convert)`);
  return { token, amountIn: parseUnitsExact(options.amount, PAYMENT_DECIMALS[token], "--amount", token) } as const;
}

/** `deepprove market …`: proof requests, sealed asks, settlement, fulfilment and refunds (docs/market.md). */
export function registerMarket(program: Command): void {
  const market = program.command("market").description("request proofs, bid as a prover, settle batches, fulfil jobs");

  withNetworkOptions(
    market
      .command("request")
      .description("request a proof in the current batch, escrowing LA (or ETH/USDC converted at the oracle price)")
      .requiredOption("--model <id>", "registered model id")
      .option("--input <hex>", "the packed input bytes (hashed here)")
      .option("--input-hash <hex>", "keccak256 of the packed input bytes")
      .requiredOption("--cycles <n>", "cycles as measured by the executor")
      .requiredOption("--max-price <LA>", "most you pay per cycle, in LA (e.g. 0.0001)")
      .option("--pay <token>", "LA, USDC or ETH", "LA")
      .option("--amount <n>", "USDC or ETH to convert (must buy at least cycles × max price in LA)")
      .option("--deadline <unix>", "fulfilment deadline (default: the earliest allowed plus one hour)"),
    { signer: true }
  ).action(async (options: RequestOptions) => {
    const modelId = parseRegistryId(options.model, "--model");
    const cycles = parseInteger(options.cycles, "--cycles");
    const maxPricePerCycle = parseLA(options.maxPrice, "--max-price");
    const payment = parsePayment(options);
    if ((options.input === undefined) === (options.inputHash === undefined)) {
      throw new CliInputError("give exactly one of --input <hex> or --input-hash <hex>");
    }
    if (options.input !== undefined && !HEX_BYTES.test(options.input)) throw new CliInputError("--input: not 0x-prefixed hex bytes");
    if (options.inputHash !== undefined && !HASH.test(options.inputHash)) throw new CliInputError("--input-hash: not a 32-byte hex hash");
    const [{ requestProof }, { readContract }, { proofMarketAbi }] = await Promise.all([
      import("../../sdk/market/requestProof"),
      import("viem/actions"),
      import("../../sdk/abis"),
    ]);
    const { client, contracts, account } = await connect(options, true);
    let deadline: bigint;
    if (options.deadline !== undefined) deadline = parseInteger(options.deadline, "--deadline");
    else {
      if (!contracts.market) throw new CliInputError(`network "${options.network}" has no ProofMarket`);
      const read = (functionName: "GENESIS" | "BATCH_LENGTH" | "REVEAL_LENGTH" | "SETTLE_WINDOW" | "MIN_PROVING_TIME" | "currentBatch") =>
        readContract(client, { address: contracts.market!, abi: proofMarketAbi, functionName });
      const [genesis, length, reveal, settle, proving, batch] = await Promise.all([
        read("GENESIS"),
        read("BATCH_LENGTH"),
        read("REVEAL_LENGTH"),
        read("SETTLE_WINDOW"),
        read("MIN_PROVING_TIME"),
        read("currentBatch"),
      ]);
      deadline = genesis + (batch + 1n) * length + reveal + settle + proving + DEFAULT_DEADLINE_SLACK;
    }
    const { hash, result } = await requestProof(client, {
      contracts,
      modelId,
      input: options.input as `0x${string}` | undefined,
      inputHash: options.inputHash as `0x${string}` | undefined,
      cycles,
      maxPricePerCycle,
      deadline,
      payment,
    });
    printJson({ action: "request", client: account, ...result, cycles, maxPricePerCycle, deadline, transaction: hash });
  });

  const ask = market.command("ask").description("sealed asks: commit during a batch, reveal after it");
  withNetworkOptions(
    ask
      .command("commit")
      .description("commit a sealed ask for the current batch; keep the printed salt for the reveal")
      .requiredOption("--price <LA>", "your price per cycle, in LA")
      .requiredOption("--capacity <cycles>", "cycles you can prove in this batch")
      .option("--salt <hex>", "32-byte salt (default: random)"),
    { signer: true }
  ).action(async (options: AskOptions) => {
    const pricePerCycle = parseLA(options.price, "--price");
    const capacity = parseInteger(options.capacity, "--capacity");
    if (options.salt !== undefined && !HASH.test(options.salt)) throw new CliInputError("--salt: not 32 bytes of hex");
    const { commitAsk } = await import("../../sdk/market/asks");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await commitAsk(client, {
      contracts,
      pricePerCycle,
      capacity,
      salt: options.salt as `0x${string}` | undefined,
    });
    printJson({ action: "commit-ask", prover: account, ...result, transaction: hash });
  });

  withNetworkOptions(
    ask
      .command("reveal")
      .description("reveal a committed ask in its batch's reveal phase (locks collateral)")
      .requiredOption("--batch <n>", "the batch committed to")
      .requiredOption("--price <LA>", "the committed price per cycle, in LA")
      .requiredOption("--capacity <cycles>", "the committed capacity")
      .requiredOption("--salt <hex>", "the salt printed by `market ask commit`"),
    { signer: true }
  ).action(async (options: AskOptions) => {
    const batch = parseInteger(options.batch!, "--batch");
    const pricePerCycle = parseLA(options.price, "--price");
    const capacity = parseInteger(options.capacity, "--capacity");
    if (!HASH.test(options.salt!)) throw new CliInputError("--salt: not 32 bytes of hex");
    const { revealAsk } = await import("../../sdk/market/asks");
    const { client, contracts, account } = await connect(options, true);
    const salt = options.salt as `0x${string}`;
    const { hash } = await revealAsk(client, { contracts, ask: { batch, pricePerCycle, capacity, salt } });
    printJson({ action: "reveal-ask", prover: account, batch, pricePerCycle, capacity, transaction: hash });
  });

  withNetworkOptions(
    market.command("settle").description("clear a batch with DARA and settle it (anyone may)").argument("<batch>", "batch number"),
    { signer: true }
  ).action(async (batchArg: string, options: NetworkOptions) => {
    const batch = parseInteger(batchArg, "batch");
    const { settleBatch } = await import("../../sdk/market/settleBatch");
    const { client, contracts } = await connect(options, true);
    const { hash, result } = await settleBatch(client, { contracts, batch });
    const winners = result.bids.slice(0, result.winners).map((b, k) => ({
      request: b.id,
      prover: `0x${result.asks[result.assignment[k]].id.toString(16).padStart(40, "0")}`,
    }));
    printJson({
      action: "settle",
      batch,
      winners,
      buyerPrice: result.buyerPrice,
      sellerPrice: result.sellerPrice,
      surplus: result.surplus,
      transaction: hash,
    });
  });

  withNetworkOptions(
    market
      .command("fulfil")
      .description("fulfil an assigned request with your registry inference; pays you in LA")
      .argument("<request>", "request id")
      .argument("<inference>", "registry inference id"),
    { signer: true }
  ).action(async (requestArg: string, inferenceArg: string, options: NetworkOptions) => {
    const requestId = parseRegistryId(requestArg, "request");
    const inferenceId = parseRegistryId(inferenceArg, "inference");
    const { fulfil } = await import("../../sdk/market/jobs");
    const { client, contracts } = await connect(options, true);
    const { hash, result } = await fulfil(client, { contracts, requestId, inferenceId });
    printJson({ action: "fulfil", request: requestId, inference: inferenceId, payout: result, transaction: hash });
  });

  withNetworkOptions(
    market.command("expire").description("expire a job past its deadline: slash the prover, refund the client").argument("<request>", "request id"),
    { signer: true }
  ).action(async (requestArg: string, options: NetworkOptions) => {
    const requestId = parseRegistryId(requestArg, "request");
    const { expireRequest } = await import("../../sdk/market/jobs");
    const { client, contracts } = await connect(options, true);
    const { hash, result } = await expireRequest(client, { contracts, requestId });
    printJson({ action: "expire", request: requestId, refund: result, transaction: hash });
  });

  withNetworkOptions(market.command("refund").description("withdraw your refunds (LA)"), { signer: true }).action(
    async (options: NetworkOptions) => {
      const { withdrawRefund } = await import("../../sdk/market/jobs");
      const { client, contracts, account } = await connect(options, true);
      const { hash, result } = await withdrawRefund(client, { contracts });
      printJson({ action: "refund", client: account, amount: result, transaction: hash });
    }
  );

  withNetworkOptions(market.command("show").description("show a request").argument("<request>", "request id"), {
    signer: false,
  }).action(async (requestArg: string, options: NetworkOptions) => {
    const requestId = parseRegistryId(requestArg, "request");
    const { getRequest } = await import("../../sdk/market/jobs");
    const { client, contracts } = await connect(options, false);
    printJson(await getRequest(client, { contracts, requestId }));
  });
}
