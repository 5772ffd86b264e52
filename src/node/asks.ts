/**
 * The node's side of one batch: commit a sealed ask while the batch takes requests, decide at reveal time
 * whether to reveal (every request in the batch must be one this node can serve: the clearing may assign it
 * any of them), settle with the DARA clearing or observe someone else's settlement, cancel a batch nobody
 * settled, and find the jobs the settlement assigned to it.
 */
import { bytesToHex, encodeFunctionData, hexToBytes } from "viem";
import { proofMarketAbi } from "../sdk/abis";
import { ContractRevertError } from "../sdk/errors";
import { getPublishedInput } from "../sdk/market/inputs";
import { clearMarketBatch } from "../sdk/market/settleBatch";
import type { NodeContext } from "./context";
import type { AskRecord } from "./state";

/** Why a batch is not worth revealing in, or undefined when it is. */
async function reasonToSkip(ctx: NodeContext, record: AskRecord): Promise<string | undefined> {
  const batch = BigInt(record.batch);
  const { requestIds } = await ctx.reader.batch(batch);
  // Trade reduction: with fewer than two requests nothing can trade, so revealing would only lock collateral.
  if (requestIds.length < 2) return `${requestIds.length} request(s) in the batch: nothing can trade`;
  for (const id of requestIds) {
    const r = await ctx.reader.request(id);
    const model = ctx.config.models.get(r.modelId);
    if (!model) return `request ${id} is for model ${r.modelId}, which this node does not prove`;
    if (r.cycles < model.minCycles) return `request ${id} pays for ${r.cycles} cycles, this node needs ${model.minCycles}`;
    const input = await getPublishedInput(ctx.client, { contracts: ctx.contracts, requestId: id, inputHash: r.inputHash, fromBlock: ctx.fromBlock });
    if (input === undefined) return `request ${id}: its input is not published`;
    const problem = ctx.backend.checkInput?.(r.modelId, hexToBytes(input));
    if (problem) return `request ${id}: its input cannot be proved (${problem})`;
  }
  // The reveal locks collateral for the whole capacity; jobs won since the commit may have taken some.
  const needed = BigInt(record.capacity) * (await ctx.reader.collateralPerCycle());
  const free = await ctx.reader.freeCollateral(ctx.prover);
  if (free < needed) return `free self-stake ${free} LA wei cannot collateralize ${record.capacity} cycles (${needed} LA wei)`;
  return undefined;
}

/** Commits an ask for `batch` (the current one): the salt is on disk before the commitment is sent. */
export async function commitAsk(ctx: NodeContext, batch: bigint): Promise<void> {
  let record = ctx.store.state.asks[batch.toString()];
  if (!record) {
    const rate = await ctx.reader.collateralPerCycle();
    const free = await ctx.reader.freeCollateral(ctx.prover);
    const affordable = rate === 0n ? ctx.config.capacity : free / rate;
    const capacity = affordable < ctx.config.capacity ? affordable : ctx.config.capacity;
    if (capacity === 0n || !(await ctx.reader.isActive(ctx.prover))) return; // nothing to offer: no ask this batch
    const salt = bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    const commitment = await ctx.reader.commitmentFor(batch, ctx.prover, ctx.config.pricePerCycle, capacity, salt);
    record = { batch: batch.toString(), pricePerCycle: ctx.config.pricePerCycle.toString(), capacity: capacity.toString(), salt, commitment };
    const fresh = record;
    ctx.store.update((s) => {
      s.asks[fresh.batch] = fresh;
    });
  }
  if ((await ctx.reader.commitmentOf(batch, ctx.prover)) === record.commitment) return;
  const receipt = await ctx.journal.send(`commit:${batch}`, {
    to: ctx.reader.market,
    data: encodeFunctionData({ abi: proofMarketAbi, functionName: "commitAsk", args: [batch, record.commitment] }),
  });
  ctx.log(`batch ${batch}: committed a sealed ask (${record.capacity} cycles) in tx ${receipt.transactionHash}`);
}

/** In the reveal phase: reveals the ask if the batch is one the node can serve, else records why not. */
export async function revealAsk(ctx: NodeContext, record: AskRecord): Promise<void> {
  const batch = BigInt(record.batch);
  if (record.decision === undefined) {
    if ((await ctx.reader.commitmentOf(batch, ctx.prover)) !== record.commitment) {
      return decide(ctx, record, "skip", "the commitment never landed");
    }
    const reason = await reasonToSkip(ctx, record);
    if (reason) return decide(ctx, record, "skip", reason);
    decide(ctx, record, "reveal");
  }
  if (record.decision !== "reveal" || (await ctx.reader.revealed(batch, ctx.prover))) return;
  const receipt = await ctx.journal.send(`reveal:${batch}`, {
    to: ctx.reader.market,
    data: encodeFunctionData({
      abi: proofMarketAbi,
      functionName: "revealAsk",
      args: [batch, BigInt(record.pricePerCycle), BigInt(record.capacity), record.salt],
    }),
  });
  ctx.log(`batch ${batch}: revealed ask ${record.capacity} cycles at ${record.pricePerCycle} LA wei/cycle, collateral locked (tx ${receipt.transactionHash})`);
}

function decide(ctx: NodeContext, record: AskRecord, decision: "reveal" | "skip", reason?: string): void {
  record.decision = decision;
  record.reason = reason;
  ctx.store.update((s) => {
    s.asks[record.batch].decision = decision;
    if (reason) s.asks[record.batch].reason = reason;
  });
  if (decision === "skip") ctx.log(`batch ${record.batch}: not revealing (${reason})`);
}

/** In the settlement window: posts the DARA clearing (if this node settles), unless the batch is closed. */
export async function settle(ctx: NodeContext, batch: bigint): Promise<void> {
  if (!ctx.config.settle || (await ctx.reader.batch(batch)).closed) return;
  const clearing = await clearMarketBatch(ctx.client, { contracts: ctx.contracts, batch });
  const data = encodeFunctionData({
    abi: proofMarketAbi,
    functionName: "settle",
    args: [batch, clearing.bids, clearing.asks, { assignment: clearing.assignment, buyerPrice: clearing.buyerPrice, sellerPrice: clearing.sellerPrice }],
  });
  try {
    const receipt = await ctx.journal.send(`settle:${batch}`, { to: ctx.reader.market, data });
    ctx.log(
      `batch ${batch}: settled by DARA, ${clearing.winners} winner(s) at ${clearing.buyerPrice}/${clearing.sellerPrice} LA wei/cycle (buyer/seller), gas ${receipt.gasUsed} (tx ${receipt.transactionHash})`
    );
  } catch (error) {
    // Another settler got there first: observing its settlement is just as good.
    if (error instanceof ContractRevertError && error.errorName === "BatchClosed") return;
    throw error;
  }
}

/** After the settlement window of a batch nobody settled: cancels it to release the collateral. */
export async function cancel(ctx: NodeContext, batch: bigint): Promise<void> {
  if ((await ctx.reader.batch(batch)).closed) return;
  try {
    const receipt = await ctx.journal.send(`cancel:${batch}`, {
      to: ctx.reader.market,
      data: encodeFunctionData({ abi: proofMarketAbi, functionName: "cancelBatch", args: [batch] }),
    });
    ctx.log(`batch ${batch}: nobody settled; cancelled, collateral released (tx ${receipt.transactionHash})`);
  } catch (error) {
    if (error instanceof ContractRevertError && error.errorName === "BatchClosed") return;
    throw error;
  }
}

/** Once the batch is closed: records every job the settlement assigned to this node; marks the ask done. */
export async function collectJobs(ctx: NodeContext, record: AskRecord): Promise<boolean> {
  const batch = BigInt(record.batch);
  const { requestIds, closed } = await ctx.reader.batch(batch);
  if (!closed) return false;
  const known = ctx.store.state.jobs;
  for (const id of requestIds) {
    if (known[id.toString()]) continue;
    const r = await ctx.reader.request(id);
    if (r.prover.toLowerCase() !== ctx.prover.toLowerCase()) continue;
    ctx.store.update((s) => {
      s.jobs[id.toString()] = {
        requestId: id.toString(),
        batch: record.batch,
        modelId: r.modelId.toString(),
        inputHash: r.inputHash,
        deadline: r.deadline.toString(),
        cycles: r.cycles.toString(),
        phase: r.status === "fulfilled" ? "fulfilled" : r.status === "expired" ? "expired" : "assigned",
      };
    });
    ctx.log(`batch ${batch}: won request ${id} (model ${r.modelId}, ${r.cycles} cycles, deadline ${r.deadline})`);
  }
  ctx.store.update((s) => {
    s.asks[record.batch].done = true;
  });
  return true;
}
