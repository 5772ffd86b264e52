/**
 * What every SDK action shares: the client type it takes, the account check, allowance top-up and receipt
 * confirmation. Actions take a viem client first and a parameters object second (viem style).
 */
import {
  parseEventLogs,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  type ContractEventName,
  type Hash,
  type ParseEventLogsReturnType,
  type TransactionReceipt,
  type Transport,
} from "viem";
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { laTokenAbi } from "./abis";
import { AccountMissingError, DeepproveSdkError } from "./errors";

/** Any viem client: public for reads; with an `account` for writes (a wallet client extended or not). */
export type NetworkClient = Client<Transport, Chain | undefined, Account | undefined>;

/** Outcome of every write: the transaction, its block, and what the function returned (simulated first). */
export interface WriteResult<T> {
  hash: Hash;
  blockNumber: bigint;
  result: T;
}

/** Returns the client's account or throws {@link AccountMissingError} naming `action`. */
export function requireAccount(client: NetworkClient, action: string): Account {
  if (!client.account) throw new AccountMissingError(action);
  return client.account;
}

/** Waits for `hash` and throws if the transaction reverted (a race between simulation and inclusion). */
export async function confirm(client: NetworkClient, action: string, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status !== "success") {
    throw new DeepproveSdkError(`${action}: transaction ${hash} reverted on inclusion`, {
      hint: "State changed between simulation and inclusion; check the pool or epoch and retry.",
    });
  }
  return receipt;
}

/** Approves `spender` for `amount` LA unless the current allowance already covers it. */
export async function ensureAllowance(
  client: NetworkClient,
  parameters: { token: Address; spender: Address; amount: bigint }
): Promise<void> {
  const account = requireAccount(client, "approve");
  const allowance = await readContract(client, {
    address: parameters.token,
    abi: laTokenAbi,
    functionName: "allowance",
    args: [account.address, parameters.spender],
  });
  if (allowance >= parameters.amount) return;
  const { request } = await simulateContract(client, {
    account,
    address: parameters.token,
    abi: laTokenAbi,
    functionName: "approve",
    args: [parameters.spender, parameters.amount],
  });
  await confirm(client, "approve", await writeContract(client, request));
}

/**
 * Arguments of the first `eventName` log in `receipt`: what the transaction actually did, which can differ from
 * the simulation one block earlier (rewards vest every second).
 */
export function eventArgs<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: TransactionReceipt,
  abi: abi,
  eventName: eventName
): ParseEventLogsReturnType<abi, eventName, true>[number]["args"] {
  const [log] = parseEventLogs({ abi, eventName, logs: receipt.logs, strict: true });
  if (!log) throw new DeepproveSdkError(`transaction ${receipt.transactionHash} emitted no ${String(eventName)} event`);
  return log.args;
}
