import type { Command } from "commander";
import {
  CliInputError,
  connect,
  parseInteger,
  printJson,
  withNetworkOptions,
  type NetworkOptions,
} from "./network-context";

/** `deepprove withdraw [id...]`: pays out matured unbonding requests (all matured ones by default). */
export function registerWithdraw(program: Command): void {
  withNetworkOptions(
    program
      .command("withdraw")
      .description("withdraw matured unbonding requests (every matured one when no id is given)")
      .argument("[ids...]", "unbonding request ids"),
    { signer: true }
  ).action(async (ids: string[], options: NetworkOptions) => {
    const requested = ids.map((id) => parseInteger(id, "id"));
    const [{ getBlock }, { getDelegatorPosition }, { withdraw }] = await Promise.all([
      import("viem/actions"),
      import("../../sdk/staking/getDelegatorPosition"),
      import("../../sdk/staking/withdraw"),
    ]);
    const { client, contracts, account } = await connect(options, true);
    let targets = requested;
    if (targets.length === 0) {
      const position = await getDelegatorPosition(client, { contracts, delegator: account!, provers: [] });
      const { timestamp } = await getBlock(client);
      targets = position.unbonding.filter((u) => u.releaseAt <= timestamp).map((u) => u.id);
      if (targets.length === 0) {
        const next = position.unbonding.map((u) => u.releaseAt).sort((a, b) => (a < b ? -1 : 1))[0];
        throw new CliInputError(
          next === undefined
            ? "nothing to withdraw: no pending unbonding requests"
            : `nothing to withdraw yet: the next request matures at ${new Date(Number(next) * 1000).toISOString()}`
        );
      }
    }
    const paid = [];
    for (const id of targets) {
      const { hash, result } = await withdraw(client, { contracts, id });
      paid.push({ request: id, amount: result, transaction: hash });
    }
    printJson({ action: "withdraw", delegator: account, withdrawn: paid });
  });
}
