/**
 * The transaction journal: every on-chain action of the node goes intent → tx hash → confirmed, each step
 * persisted before the next is taken.
 *
 * A transaction is signed locally with an explicit nonce, and the signed bytes and their hash are recorded
 * (status `signed`) BEFORE the broadcast. Whatever instant the node dies at, a restart finds one of:
 *   - `signed` or `sent` with a receipt on-chain → it was mined: record the outcome;
 *   - `signed` or `sent` without a receipt, the nonce still unused → rebroadcast the SAME bytes (same nonce,
 *     same hash: the network cannot see two transactions);
 *   - `signed` or `sent` without a receipt, the nonce used by another transaction → `dropped` (someone else
 *     used this key meanwhile); the action is then re-derived from chain state by the caller.
 * A key whose transaction is `confirmed` is never sent again. Because the node sends one transaction at a time
 * and resolves the journal before each send, there is at most one unresolved record.
 */
import type { Account, Address, Chain, Client, Hash, Hex, TransactionReceipt, Transport } from "viem";
import { TransactionReceiptNotFoundError, keccak256 } from "viem";
import {
  getTransactionCount,
  getTransactionReceipt,
  prepareTransactionRequest,
  sendRawTransaction,
  signTransaction,
  waitForTransactionReceipt,
} from "viem/actions";
import { wrapContractError } from "../sdk/errors";
import type { StateStore, TxRecord } from "./state";

/** A client with a LOCAL account (a private key): the node signs its own transactions. */
export type SigningClient = Client<Transport, Chain | undefined, Account>;

/** A call to send. */
export interface TxCall {
  to: Address;
  data: Hex;
  value?: bigint;
}

/**
 * Called at each durable step (`<action>:signed`, `<action>:sent`, `<action>:confirmed`, and the node's own
 * points): tests throw from it to kill the node exactly there.
 */
export type Failpoint = (point: string) => void;

/** The node gave up on an action after `attempts` reverted transactions. */
export class TxGaveUpError extends Error {
  override name = "TxGaveUpError";
}

/** Most transactions sent for one key before the node stops retrying it. */
export const MAX_ATTEMPTS = 3;
/** How long one wait for a receipt lasts; the record stays `sent` and the next pass waits again. */
export const RECEIPT_TIMEOUT_MS = 180_000;
/** Receipt polling interval (the client's default is 4 s over HTTP). */
const RECEIPT_POLL_MS = 200;

const action = (key: string) => key.split(":")[0];

export class TxJournal {
  constructor(
    private readonly client: SigningClient,
    private readonly store: StateStore,
    private readonly failpoint: Failpoint = () => {}
  ) {}

  /** The journal record of `key`, if any. */
  get(key: string): TxRecord | undefined {
    return this.store.state.txs[key];
  }

  /** Resolves every `signed` or `sent` record against the chain (see the file header). */
  async reconcile(): Promise<void> {
    for (const record of Object.values(this.store.state.txs)) {
      if (record.status === "signed" || record.status === "sent") await this.resolve(record);
    }
  }

  /**
   * Sends the transaction for `key` unless the journal already has it confirmed, and waits for it.
   * @returns the receipt (successful or reverted; a reverted one is recorded as such).
   * @throws {TxGaveUpError} after {@link MAX_ATTEMPTS} reverted transactions for `key`; a contract error (decoded
   * by name) when the call would revert now — nothing is recorded or sent then.
   */
  async send(key: string, call: TxCall): Promise<TransactionReceipt> {
    await this.reconcile();
    const prior = this.get(key);
    if (prior?.status === "confirmed") return getTransactionReceipt(this.client, { hash: prior.hash });
    const attempt = (prior?.attempt ?? 0) + 1;
    if (prior && attempt > MAX_ATTEMPTS) throw new TxGaveUpError(`${key}: ${prior.attempt} transactions reverted, giving up`);

    const { account } = this.client;
    const nonce = await getTransactionCount(this.client, { address: account.address, blockTag: "pending" });
    let raw: Hex;
    try {
      // Estimating gas executes the call: a transaction that would revert is refused here, before any record.
      const request = await prepareTransactionRequest(this.client, {
        account,
        chain: this.client.chain ?? null, // without a chain object, the chain id is read from the node
        to: call.to,
        data: call.data,
        value: call.value,
        nonce,
      });
      raw = await signTransaction(this.client, { ...request, account, chain: this.client.chain ?? null } as Parameters<typeof signTransaction>[1]);
    } catch (error) {
      throw wrapContractError(action(key), error);
    }
    const record: TxRecord = { key, status: "signed", nonce, hash: keccak256(raw), raw, attempt };
    this.store.update((s) => {
      s.txs[key] = record;
    });
    this.failpoint(`${action(key)}:signed`);
    await this.broadcast(record);
    this.failpoint(`${action(key)}:sent`);
    const receipt = await waitForTransactionReceipt(this.client, { hash: record.hash, pollingInterval: RECEIPT_POLL_MS, timeout: RECEIPT_TIMEOUT_MS });
    this.recordReceipt(key, receipt);
    this.failpoint(`${action(key)}:confirmed`);
    return receipt;
  }

  /** Broadcasts a recorded transaction (again); "already known" answers mean it is in the pool already. */
  private async broadcast(record: TxRecord): Promise<void> {
    try {
      await sendRawTransaction(this.client, { serializedTransaction: record.raw });
    } catch (error) {
      const known = (await this.receipt(record.hash).catch(() => undefined)) !== undefined;
      if (!known && !/already known|known transaction|already imported/i.test(String((error as Error).message))) {
        throw wrapContractError(action(record.key), error);
      }
    }
    if (this.get(record.key)?.status === "signed") {
      this.store.update((s) => {
        s.txs[record.key].status = "sent";
      });
    }
  }

  private recordReceipt(key: string, receipt: TransactionReceipt): void {
    this.store.update((s) => {
      const r = s.txs[key];
      r.status = receipt.status === "success" ? "confirmed" : "reverted";
      r.blockNumber = receipt.blockNumber.toString();
      r.gasUsed = receipt.gasUsed.toString();
    });
  }

  /** The receipt of `hash`, or undefined when the chain does not know it; any other failure (RPC down) throws. */
  private async receipt(hash: Hash): Promise<TransactionReceipt | undefined> {
    try {
      return await getTransactionReceipt(this.client, { hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }
  }

  private async resolve(record: TxRecord): Promise<void> {
    // Only a definite "not found" may lead to `dropped`: a lookup that failed for another reason must not.
    const mined = await this.receipt(record.hash);
    if (mined) return this.recordReceipt(record.key, mined);
    const used = await getTransactionCount(this.client, { address: this.client.account.address, blockTag: "latest" });
    if (used > record.nonce) {
      this.store.update((s) => {
        s.txs[record.key].status = "dropped";
      });
      return;
    }
    await this.broadcast(record);
    const receipt = await waitForTransactionReceipt(this.client, { hash: record.hash, pollingInterval: RECEIPT_POLL_MS, timeout: RECEIPT_TIMEOUT_MS });
    this.recordReceipt(record.key, receipt);
  }
}
