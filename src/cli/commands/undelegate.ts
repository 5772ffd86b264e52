import type { Command } from "commander";
import { connect, parseAddress, parseLA, printJson, withNetworkOptions, type NetworkOptions } from "./network-context";

/** `deepprove undelegate <prover> <amount|all>`: queues stake for withdrawal after the unbonding period. */
export function registerUndelegate(program: Command): void {
  withNetworkOptions(
    program
      .command("undelegate")
      .description("queue (part of) a delegation for withdrawal; it stays slashable until withdrawn")
      .argument("<prover>", "prover address")
      .argument("<amount>", "LA to undelegate, or `all`"),
    { signer: true }
  ).action(async (prover: string, amount: string, options: NetworkOptions) => {
    const proverAddress = await parseAddress(prover, "prover");
    const wei = amount === "all" ? undefined : parseLA(amount, "amount");
    const { undelegate } = await import("../../sdk/staking/undelegate");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await undelegate(
      client,
      wei === undefined
        ? { contracts, prover: proverAddress, all: true }
        : { contracts, prover: proverAddress, amount: wei }
    );
    printJson({
      action: "undelegate",
      delegator: account,
      prover: proverAddress,
      request: result.id,
      shares: result.shares,
      transaction: hash,
    });
  });
}
