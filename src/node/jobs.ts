/**
 * One assigned job, phase by phase: prove (the proof is written to disk before anything is sent, so a restart
 * never proves twice), record it in the registry (`verifyInference`: the proof is bound to this node's address),
 * then `fulfil` the request with that inference, which pays the node in LA. Each transaction goes through the
 * journal; each phase change is persisted after the transaction it depends on is confirmed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex, encodeFunctionData, hexToBytes, parseEventLogs, type Hex, type TransactionReceipt } from "viem";
import { inferenceRegistryAbi, proofMarketAbi } from "../sdk/abis";
import { ContractRevertError } from "../sdk/errors";
import { getPublishedInput } from "../sdk/market/inputs";
import type { NodeContext } from "./context";
import { TxGaveUpError } from "./journal";
import { writeFileAtomic, type JobPhase, type JobRecord } from "./state";

/** What the proof file holds. */
interface ProofFile {
  requestId: string;
  input: Hex;
  output: Hex;
  proof: Hex;
}

function setPhase(ctx: NodeContext, job: JobRecord, phase: JobPhase, fields: Partial<JobRecord> = {}): void {
  Object.assign(job, fields, { phase });
  ctx.store.update((s) => {
    Object.assign(s.jobs[job.requestId], fields, { phase });
  });
}

function eventOf<const N extends "InferenceVerified" | "JobFulfilled">(receipt: TransactionReceipt, name: N) {
  const abi = name === "InferenceVerified" ? inferenceRegistryAbi : proofMarketAbi;
  const [log] = parseEventLogs({ abi, eventName: name, logs: receipt.logs, strict: true } as never) as { args: Record<string, unknown> }[];
  if (!log) throw new Error(`transaction ${receipt.transactionHash} emitted no ${name}`);
  return log.args;
}

async function prove(ctx: NodeContext, job: JobRecord): Promise<void> {
  const requestId = BigInt(job.requestId);
  const file = join(ctx.proofDir, `request-${job.requestId}.json`);
  // A proof written before a restart is reused (the file is written atomically: it is whole or absent).
  if (!existsSync(file)) {
    const input = await getPublishedInput(ctx.client, { contracts: ctx.contracts, requestId, inputHash: job.inputHash, fromBlock: ctx.fromBlock });
    if (input === undefined) return setPhase(ctx, job, "failed", { reason: "the input was never published" });
    ctx.log(`request ${requestId}: proving model ${job.modelId} …`);
    const started = Date.now();
    let proved;
    try {
      proved = await ctx.backend.prove({ modelId: BigInt(job.modelId), input: hexToBytes(input), prover: ctx.prover });
    } catch (error) {
      return setPhase(ctx, job, "failed", { reason: `proving failed: ${(error as Error).message}` });
    }
    const { output, proof } = proved;
    const content: ProofFile = { requestId: job.requestId, input, output: bytesToHex(output), proof: bytesToHex(proof) };
    writeFileAtomic(file, `${JSON.stringify(content)}\n`);
    ctx.log(`request ${requestId}: proved in ${((Date.now() - started) / 1000).toFixed(1)} s (${proof.length} proof bytes)`);
    ctx.failpoint("prove:written");
  }
  setPhase(ctx, job, "proved", { proofFile: file });
  ctx.failpoint("prove:done");
}

async function record(ctx: NodeContext, job: JobRecord): Promise<void> {
  if (!job.proofFile || !existsSync(job.proofFile)) return setPhase(ctx, job, "assigned", { proofFile: undefined }); // prove again
  const file = JSON.parse(readFileSync(job.proofFile, "utf8")) as ProofFile;
  const receipt = await ctx.journal.send(`verify:${job.requestId}`, {
    to: ctx.contracts.registry,
    data: encodeFunctionData({
      abi: inferenceRegistryAbi,
      functionName: "verifyInference",
      args: [BigInt(job.modelId), file.input, file.output, file.proof],
    }),
  });
  if (receipt.status !== "success") return; // recorded as reverted; retried (bounded) on the next pass
  const inferenceId = eventOf(receipt, "InferenceVerified").inferenceId as bigint;
  setPhase(ctx, job, "verified", { inferenceId: inferenceId.toString() });
  ctx.log(`request ${job.requestId}: verified on-chain as inference ${inferenceId}, gas ${receipt.gasUsed} (tx ${receipt.transactionHash})`);
}

async function fulfil(ctx: NodeContext, job: JobRecord): Promise<void> {
  const request = await ctx.reader.request(BigInt(job.requestId));
  if (request.status === "fulfilled") return setPhase(ctx, job, "fulfilled");
  if (request.status === "expired") return setPhase(ctx, job, "expired", { reason: "expired before fulfilment" });
  const receipt = await ctx.journal.send(`fulfil:${job.requestId}`, {
    to: ctx.reader.market,
    data: encodeFunctionData({ abi: proofMarketAbi, functionName: "fulfil", args: [BigInt(job.requestId), BigInt(job.inferenceId!)] }),
  });
  if (receipt.status !== "success") return;
  const payout = eventOf(receipt, "JobFulfilled").payout as bigint;
  setPhase(ctx, job, "fulfilled", { payout: payout.toString() });
  ctx.log(`request ${job.requestId}: fulfilled, paid ${payout} LA wei, gas ${receipt.gasUsed} (tx ${receipt.transactionHash})`);
}

/**
 * Advances `job` as far as it can go now. A contract refusal (the verifier rejecting the proof, a fulfilment the
 * market refuses) or repeated reverts end the job as `failed`, with the reason: these do not heal by retrying.
 */
export async function advanceJob(ctx: NodeContext, job: JobRecord, now: bigint): Promise<void> {
  if (job.phase === "assigned" || job.phase === "proved") {
    // A proof recorded after the deadline cannot fulfil: stop spending on a lost job.
    if (now > BigInt(job.deadline)) return setPhase(ctx, job, "expired", { reason: "deadline passed before the proof was recorded" });
  }
  try {
    if (job.phase === "assigned") await prove(ctx, job);
    if (job.phase === "proved") await record(ctx, job);
    if (job.phase === "verified") await fulfil(ctx, job);
  } catch (error) {
    if (!(error instanceof ContractRevertError || error instanceof TxGaveUpError)) throw error;
    setPhase(ctx, job, "failed", { reason: error.message });
    ctx.log(`request ${job.requestId}: FAILED — ${error.message}`);
  }
}
