import type { Command } from "commander";
import { connect, parseInteger, printJson, withNetworkOptions, type NetworkOptions } from "./network-context";

interface ClaimOptions extends NetworkOptions {
  epoch?: string[];
}

/**
 * `deepprove claim [--epoch n...]`: settles the signer's (a prover's) emission rewards for the given epochs
 * (finalizing them if needed), then claims its commission. Delegators' rewards raise their share price instead.
 */
export function registerClaim(program: Command): void {
  withNetworkOptions(
    program
      .command("claim")
      .description("pay your epoch rewards into your pool (--epoch) and claim your prover commission")
      .option("--epoch <n...>", "epochs whose emission reward to settle first"),
    { signer: true }
  ).action(async (options: ClaimOptions) => {
    const epochs = (options.epoch ?? []).map((e) => parseInteger(e, "--epoch"));
    const { finalizeEpoch, getEpoch, getEpochRewards, payReward, getProverPool, claimCommission } = await import(
      "../../sdk"
    );
    const { client, contracts, account } = await connect(options, true);
    const settled = [];
    for (const epoch of epochs) {
      const info = await getEpoch(client, { contracts, epoch });
      if (!info.finalized) await finalizeEpoch(client, { contracts, epoch });
      const rewards = await getEpochRewards(client, { contracts, epoch, prover: account! });
      if (rewards.paid) {
        settled.push({ epoch, paid: 0n, note: "already paid" });
        continue;
      }
      const { hash, result } = await payReward(client, { contracts, epoch, prover: account! });
      settled.push({ epoch, paid: result, transaction: hash });
    }
    const pool = await getProverPool(client, { contracts, prover: account! });
    let commission: { amount: bigint; transaction?: string } = { amount: 0n };
    if (pool.commissionOwed > 0n) {
      const { hash, result } = await claimCommission(client, { contracts });
      commission = { amount: result, transaction: hash };
    }
    printJson({ action: "claim", prover: account, epochs: settled, commission });
  });
}
