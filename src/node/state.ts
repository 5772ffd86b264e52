/**
 * The prover node's state on disk: a JSON file rewritten atomically (temporary file, fsync, rename, fsync of
 * the folder) before and after every on-chain action, so that a node killed at any instant restarts from a
 * state that is either the one before a write or the one after it — never half of one.
 *
 * What it holds (docs/node.md, "State file"):
 *   - `asks`: per batch, the sealed ask (price, capacity, salt) and the decision at reveal time. The salt is
 *     written BEFORE the commitment is sent: an ask whose salt were lost could never be revealed.
 *   - `jobs`: per assigned request, its phase (assigned → proved → verified → fulfilled, or a terminal failure),
 *     the proof file and the registry inference id.
 *   - `txs`: the transaction journal, keyed by action (`commit:<batch>`, `reveal:<batch>`, `settle:<batch>`,
 *     `cancel:<batch>`, `verify:<request>`, `fulfil:<request>`): the signed transaction (nonce, hash, raw bytes)
 *     is recorded before it is broadcast, then its outcome. See ./journal.ts.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Address, Hash, Hex } from "viem";

/** Bumped when the file's shape changes incompatibly. */
export const STATE_VERSION = 1;

/** The node's sealed ask for one batch. Amounts are decimal strings (JSON has no bigint). */
export interface AskRecord {
  batch: string;
  pricePerCycle: string;
  capacity: string;
  salt: Hex;
  commitment: Hex;
  /** Set at reveal time: whether the node revealed, and why not when it did not. */
  decision?: "reveal" | "skip";
  reason?: string;
  /** The batch's outcome as far as this node is concerned: jobs discovered, collateral released. */
  done?: boolean;
}

/** Phases of an assigned job. */
export type JobPhase = "assigned" | "proved" | "verified" | "fulfilled" | "expired" | "failed";

export interface JobRecord {
  requestId: string;
  batch: string;
  modelId: string;
  inputHash: Hex;
  deadline: string;
  cycles: string;
  phase: JobPhase;
  /** File (next to the state file) holding the proof and output once proved. */
  proofFile?: string;
  inferenceId?: string;
  payout?: string;
  /** Why the job ended in `failed` or `expired`. */
  reason?: string;
}

/** Journal states of one transaction: signed (recorded, maybe not broadcast), sent, then its outcome. */
export type TxStatus = "signed" | "sent" | "confirmed" | "reverted" | "dropped";

export interface TxRecord {
  key: string;
  status: TxStatus;
  nonce: number;
  hash: Hash;
  /** The signed transaction: rebroadcast verbatim after a restart (same nonce, same hash: never a second tx). */
  raw: Hex;
  attempt: number;
  blockNumber?: string;
  gasUsed?: string;
}

export interface NodeState {
  version: number;
  chainId: number;
  market: Address;
  prover: Address;
  asks: Record<string, AskRecord>;
  jobs: Record<string, JobRecord>;
  txs: Record<string, TxRecord>;
}

/** A state file that cannot be used: names the file and what is wrong. */
export class NodeStateError extends Error {
  override name = "NodeStateError";
}

/** Writes `text` to `file` atomically and durably (temporary file, fsync, rename, fsync of the folder). */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dir = openSync(dirname(file), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems refuse to fsync a directory; the rename is still atomic there.
  }
}

/**
 * The state file of one node (one prover on one market of one chain). Every mutation goes through
 * {@link StateStore.update}, which writes the whole file atomically before returning.
 */
export class StateStore {
  private constructor(
    readonly file: string,
    private current: NodeState
  ) {}

  /**
   * Opens `file`, creating an empty state when it does not exist. Refuses a file made for another chain,
   * market or prover (a node must never act on someone else's journal).
   */
  static open(file: string, identity: Pick<NodeState, "chainId" | "market" | "prover">): StateStore {
    if (!existsSync(file)) {
      const store = new StateStore(file, { version: STATE_VERSION, ...identity, asks: {}, jobs: {}, txs: {} });
      store.update(() => {});
      return store;
    }
    let state: NodeState;
    try {
      state = JSON.parse(readFileSync(file, "utf8")) as NodeState;
    } catch (cause) {
      throw new NodeStateError(`state file ${file} is not valid JSON (${(cause as Error).message})`);
    }
    if (state.version !== STATE_VERSION) {
      throw new NodeStateError(`state file ${file}: version ${String(state.version)}, this node reads ${STATE_VERSION}`);
    }
    for (const field of ["chainId", "market", "prover"] as const) {
      const expected = String(identity[field]).toLowerCase();
      if (String(state[field]).toLowerCase() !== expected) {
        throw new NodeStateError(
          `state file ${file} belongs to ${field} ${String(state[field])}, not ${String(identity[field])}: use another --state file`
        );
      }
    }
    for (const field of ["asks", "jobs", "txs"] as const) {
      if (typeof state[field] !== "object" || state[field] === null) {
        throw new NodeStateError(`state file ${file}: field "${field}" is missing`);
      }
    }
    return new StateStore(file, state);
  }

  /** A deep copy of the state (callers never mutate the stored one directly). */
  get state(): NodeState {
    return structuredClone(this.current);
  }

  /** Applies `mutate` to a copy of the state and persists it atomically; the copy becomes the state. */
  update(mutate: (state: NodeState) => void): NodeState {
    const next = structuredClone(this.current);
    mutate(next);
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    return structuredClone(next);
  }
}
