/**
 * `deepprove node --network <name> --key <file|env:VAR> --config <node.json> [--state <file>] [--once]`: runs a
 * prover node that serves the proof market — sealed asks from the configured price and capacity, DARA
 * settlement, proving with the whole-model prover from each model's setup directory, registry verification,
 * fulfilment. Progress lines on stderr; state (journal) in the configured state file, so a restarted node
 * picks up where it stopped. Ctrl-C stops after the current pass. Spec: docs/node.md.
 */
import type { Command } from "commander";
import { connect, withNetworkOptions, type NetworkOptions } from "./network-context";

interface NodeOptions extends NetworkOptions {
  config: string;
  state?: string;
  once?: boolean;
}

/** Registers `deepprove node`. */
export function registerNode(program: Command): void {
  withNetworkOptions(
    program
      .command("node")
      .description("run a prover node: bid in the proof market, prove what it wins, fulfil through the registry")
      .requiredOption("--config <file>", "node configuration (JSON: pricePerCycle, capacity, models, state, pollSeconds, settle)")
      .option("--state <file>", "state file (overrides the configuration's)")
      .option("--once", "make one pass over the market and exit"),
    { signer: true }
  ).action(async (options: NodeOptions) => {
    const [{ loadNodeConfig }, { ProverNode }, { setupBackend }, { readContractDeployment, DEFAULT_DEPLOYMENTS_DIR }] = await Promise.all([
      import("../../node/config"),
      import("../../node/node"),
      import("../../node/setup-backend"),
      import("../../sdk/deployments"),
    ]);
    const config = loadNodeConfig(options.config);
    const { client, contracts } = await connect(options, true);
    const log = (line: string) => process.stderr.write(`node: ${line}\n`);
    const market = readContractDeployment(options.deployments ?? DEFAULT_DEPLOYMENTS_DIR, options.network, "ProofMarket");
    const node = await ProverNode.start({
      client: client as Parameters<typeof ProverNode.start>[0]["client"],
      contracts,
      backend: setupBackend(config.models, log),
      config,
      stateFile: options.state ?? config.state,
      fromBlock: BigInt(market.blockNumber),
      log,
    });
    log(`prover ${node.address} on ${options.network}: ${config.capacity} cycles per batch at ${config.pricePerCycle} LA wei/cycle, models ${[...config.models.keys()].join(", ")}`);
    if (options.once) return node.tick();
    const stop = new AbortController();
    process.once("SIGINT", () => {
      log("stopping after this pass (state is on disk)");
      stop.abort();
    });
    process.once("SIGTERM", () => stop.abort());
    await node.run(config.pollSeconds, stop.signal);
  });
}
