import type { Command } from "commander";
import { connect, parseAddress, parseLA, printJson, withNetworkOptions, type NetworkOptions } from "./network-context";

/** `deepprove delegate <prover> <amount>`: delegates LA to a prover's pool. */
export function registerDelegate(program: Command): void {
  withNetworkOptions(
    program
      .command("delegate")
      .description("delegate LA to a prover's pool (approves the staking contract if needed)")
      .argument("<prover>", "prover address")
      .argument("<amount>", "LA to delegate, e.g. 500"),
    { signer: true }
  ).action(async (prover: string, amount: string, options: NetworkOptions) => {
    const proverAddress = await parseAddress(prover, "prover");
    const wei = parseLA(amount, "amount");
    const { delegate } = await import("../../sdk/staking/delegate");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await delegate(client, { contracts, prover: proverAddress, amount: wei });
    printJson({
      action: "delegate",
      delegator: account,
      prover: proverAddress,
      amount: wei,
      shares: result,
      transaction: hash,
    });
  });
}
