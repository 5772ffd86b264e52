/**
 * The prover node: serves the proof market with one account. Each pass ({@link ProverNode.tick}) reads the
 * chain, resolves the transaction journal, and takes every action that is due:
 *
 *   batch taking requests   → commit a sealed ask (price and capacity from the configuration)
 *   batch in reveal phase   → reveal it if every request of the batch is servable (else skip, with the reason)
 *   batch in settlement     → settle with the DARA clearing (or observe another settler's settlement)
 *   batch past settlement   → cancel it if nobody settled (releases the collateral)
 *   batch closed            → record the jobs assigned to this node
 *   job                     → prove, record in the registry (verifyInference), fulfil (paid in LA)
 *
 * Everything the node must not forget is on disk before it acts (./state.ts, ./journal.ts), and every action
 * first checks the chain, so a node restarted at any point neither loses work nor submits anything twice.
 * Progress lines go to `log` (the CLI: stderr).
 */
import type { Address } from "viem";
import { getBlock, getChainId } from "viem/actions";
import type { NetworkAddresses } from "../sdk/deployments";
import { cancel, collectJobs, commitAsk, revealAsk, settle } from "./asks";
import type { ProofBackend } from "./backend";
import { MarketReader, batchAt, batchPhase, type MarketTiming } from "./chain";
import type { NodeConfig } from "./config";
import type { NodeContext } from "./context";
import { advanceJob } from "./jobs";
import { TxJournal, type SigningClient } from "./journal";
import { StateStore, type NodeState } from "./state";

/** Thrown through the node when a test's failpoint fires: the node stops as if killed at that point. */
export class NodeKilled extends Error {
  override name = "NodeKilled";
}

export interface ProverNodeOptions {
  /** A client with the prover's local (private-key) account. */
  client: SigningClient;
  contracts: NetworkAddresses;
  backend: ProofBackend;
  config: Pick<NodeConfig, "pricePerCycle" | "capacity" | "models" | "settle">;
  /** The state file; proofs are kept in `<stateFile>.proofs/`. */
  stateFile: string;
  /** First block to search logs from (default: the market's deployment block if known, else 0). */
  fromBlock?: bigint;
  log?: (line: string) => void;
  /** Tests only: called at every durable step; throwing there simulates a kill at that instant. */
  failpoint?: (point: string) => void;
}

const TERMINAL = new Set(["fulfilled", "expired", "failed"]);

export class ProverNode {
  private constructor(private readonly ctx: NodeContext) {}

  /** Connects, opens (or creates) the state file and reconciles its journal against the chain. */
  static async start(options: ProverNodeOptions): Promise<ProverNode> {
    const { client, contracts } = options;
    const prover = client.account.address as Address;
    const reader = new MarketReader(client, contracts);
    const store = StateStore.open(options.stateFile, { chainId: await getChainId(client), market: reader.market, prover });
    const failpoint = (point: string) => {
      try {
        options.failpoint?.(point);
      } catch (cause) {
        throw new NodeKilled(`killed at ${point}`, { cause });
      }
    };
    const journal = new TxJournal(client, store, failpoint);
    const ctx: NodeContext = {
      client,
      contracts,
      prover,
      config: options.config,
      backend: options.backend,
      reader,
      timing: await reader.timing(),
      store,
      journal,
      proofDir: `${options.stateFile}.proofs`,
      fromBlock: options.fromBlock ?? 0n,
      log: options.log ?? ((line) => process.stderr.write(`node ${prover.slice(0, 10)}: ${line}\n`)),
      failpoint,
    };
    await journal.reconcile();
    return new ProverNode(ctx);
  }

  /** The prover's address. */
  get address(): Address {
    return this.ctx.prover;
  }

  /** The market's batch timing. */
  get timing(): MarketTiming {
    return this.ctx.timing;
  }

  /** A copy of the node's state (asks, jobs, journal). */
  get state(): NodeState {
    return this.ctx.store.state;
  }

  /** One pass over the market: every action that is due now (see the file header). */
  async tick(): Promise<void> {
    const { ctx } = this;
    await ctx.journal.reconcile();
    const { timestamp: now } = await getBlock(ctx.client, { blockTag: "latest" });
    const current = batchAt(ctx.timing, now);
    if (current !== undefined) await this.guard(`batch ${current} commit`, () => commitAsk(ctx, current));

    for (const record of Object.values(ctx.store.state.asks)) {
      if (record.done) continue;
      const batch = BigInt(record.batch);
      const phase = batchPhase(ctx.timing, batch, now);
      if (phase === "reveal") await this.guard(`batch ${batch} reveal`, () => revealAsk(ctx, record));
      const revealed = ctx.store.state.asks[record.batch].decision === "reveal";
      if (phase === "settle" && revealed) await this.guard(`batch ${batch} settle`, () => settle(ctx, batch));
      if (phase === "cancel" && revealed) await this.guard(`batch ${batch} cancel`, () => cancel(ctx, batch));
      if ((phase === "settle" || phase === "cancel") && revealed) {
        await this.guard(`batch ${batch} jobs`, () => collectJobs(ctx, record));
      } else if (phase === "settle" || phase === "cancel") {
        ctx.store.update((s) => {
          s.asks[record.batch].done = true; // never revealed: nothing to collect
        });
      }
    }

    for (const job of Object.values(ctx.store.state.jobs)) {
      if (!TERMINAL.has(job.phase)) await this.guard(`request ${job.requestId}`, () => advanceJob(ctx, job, now));
    }
  }

  /** Runs {@link tick} every `pollSeconds` until `signal` aborts. */
  async run(pollSeconds: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.tick();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollSeconds * 1000);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** Runs one action; a failure is logged and retried on the next pass, a simulated kill propagates. */
  private async guard(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof NodeKilled) throw error;
      this.ctx.log(`${what}: ${error instanceof Error ? error.message : String(error)} (retrying next pass)`);
    }
  }
}
