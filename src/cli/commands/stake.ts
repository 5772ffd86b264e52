import type { Command } from "commander";
import { connect, parseLA, printJson, withNetworkOptions, type NetworkOptions } from "./network-context";

/** `deepprove stake <amount>`: adds LA to the signer's own prover pool (its self-stake). */
export function registerStake(program: Command): void {
  withNetworkOptions(
    program
      .command("stake")
      .description("add LA to your own prover's self-stake (register first with `deepprove prover register`)")
      .argument("<amount>", "LA to stake, e.g. 1000 or 12.5"),
    { signer: true }
  ).action(async (amount: string, options: NetworkOptions) => {
    const wei = parseLA(amount, "amount");
    const { delegate } = await import("../../sdk/staking/delegate");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await delegate(client, { contracts, prover: account!, amount: wei });
    printJson({ action: "stake", prover: account, amount: wei, shares: result, transaction: hash });
  });
}
