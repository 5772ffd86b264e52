import type { Command } from "commander";
import {
  CliInputError,
  connect,
  parseAddress,
  parseInteger,
  parseLA,
  printJson,
  withNetworkOptions,
  type NetworkOptions,
} from "./network-context";

function parseBps(value: string): number {
  const bps = Number(parseInteger(value, "commission"));
  if (bps > 10_000) throw new CliInputError(`commission: ${value} basis points is more than 100 %`);
  return bps;
}

/** `deepprove prover register|commission|show|position|epoch`: prover management and network queries. */
export function registerProver(program: Command): void {
  const prover = program.command("prover").description("register and manage a prover; query pools, positions, epochs");

  withNetworkOptions(
    prover
      .command("register")
      .description("register the signer as a prover with a self-stake")
      .requiredOption("--metadata <uri>", "where the prover describes itself")
      .requiredOption("--commission <bps>", "commission in basis points (≤ 5000)")
      .requiredOption("--stake <amount>", "initial self-stake in LA"),
    { signer: true }
  ).action(async (options: NetworkOptions & { metadata: string; commission: string; stake: string }) => {
    const commissionBps = parseBps(options.commission);
    const selfStake = parseLA(options.stake, "--stake");
    const { registerProver: registerProverOnChain } = await import("../../sdk/staking/registerProver");
    const { client, contracts, account } = await connect(options, true);
    const { hash } = await registerProverOnChain(client, {
      contracts,
      metadataURI: options.metadata,
      commissionBps,
      selfStake,
    });
    printJson({ action: "register", prover: account, commissionBps, selfStake, transaction: hash });
  });

  withNetworkOptions(
    prover
      .command("commission")
      .description("schedule a commission change (applies after the commission delay)")
      .argument("<bps>", "new commission in basis points"),
    { signer: true }
  ).action(async (bps: string, options: NetworkOptions) => {
    const commissionBps = parseBps(bps);
    const { setCommission } = await import("../../sdk/staking/setCommission");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await setCommission(client, { contracts, commissionBps });
    printJson({ action: "commission", prover: account, commissionBps, effectiveAt: result, transaction: hash });
  });

  withNetworkOptions(
    prover.command("show").description("show a prover's pool").argument("<address>", "prover address"),
    { signer: false }
  ).action(async (address: string, options: NetworkOptions) => {
    const target = await parseAddress(address, "address");
    const { getProverPool } = await import("../../sdk/staking/getProverPool");
    const { client, contracts } = await connect(options, false);
    printJson(await getProverPool(client, { contracts, prover: target }));
  });

  withNetworkOptions(
    prover
      .command("position")
      .description("show a delegator's stakes in the given pools and its unbonding requests")
      .argument("<delegator>", "delegator address")
      .argument("<provers...>", "prover addresses"),
    { signer: false }
  ).action(async (delegator: string, provers: string[], options: NetworkOptions) => {
    const who = await parseAddress(delegator, "delegator");
    const pools = await Promise.all(provers.map((p) => parseAddress(p, "prover")));
    const { getDelegatorPosition } = await import("../../sdk/staking/getDelegatorPosition");
    const { client, contracts } = await connect(options, false);
    printJson(await getDelegatorPosition(client, { contracts, delegator: who, provers: pools }));
  });

  withNetworkOptions(
    prover
      .command("epoch")
      .description("show the current (or a given) emission epoch, and a prover's rewards in it")
      .option("--epoch <n>", "epoch number (default: current)")
      .option("--prover <address>", "prover whose work and reward to show"),
    { signer: false }
  ).action(async (options: NetworkOptions & { epoch?: string; prover?: string }) => {
    const epoch = options.epoch === undefined ? undefined : parseInteger(options.epoch, "--epoch");
    const who = options.prover === undefined ? undefined : await parseAddress(options.prover, "--prover");
    const { getEpoch, getEpochRewards } = await import("../../sdk");
    const { client, contracts } = await connect(options, false);
    const info = await getEpoch(client, { contracts, epoch });
    const rewards = who ? await getEpochRewards(client, { contracts, epoch: info.id, prover: who }) : undefined;
    printJson({ ...info, rewards });
  });
}
