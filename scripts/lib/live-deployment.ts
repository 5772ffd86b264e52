/**
 * Idempotent deployment: an address book already on disk is reused when every record in it is live on the
 * target chain — the recorded transaction exists and created that very address, and code is there. A record
 * from another chain (e.g. a restarted `npx hardhat node`) fails the check, and the network is deployed afresh.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Account, Chain, Client, Transport } from "viem";
import { getAddress } from "viem";
import { getCode, getTransactionReceipt } from "viem/actions";
import {
  NETWORK_CONTRACTS,
  OPTIONAL_NETWORK_CONTRACTS,
  readContractDeployment,
  readNetworkAddresses,
  type ContractDeployment,
  type NetworkAddresses,
} from "../../src/sdk/deployments";

export type ReadClient = Client<Transport, Chain | undefined, Account | undefined>;

/** Whether `record` is live on the chain `client` talks to (see the file header). */
export async function isLive(client: ReadClient, record: ContractDeployment): Promise<boolean> {
  const receipt = await getTransactionReceipt(client, { hash: record.transactionHash }).catch(() => undefined);
  if (!receipt?.contractAddress || getAddress(receipt.contractAddress) !== getAddress(record.address)) return false;
  const code = await getCode(client, { address: record.address }).catch(() => undefined);
  return code !== undefined && code !== "0x";
}

/**
 * The network's addresses when its address book in `dir` is complete and live (the market too when
 * `withMarket`), else undefined together with the reason.
 */
export async function liveDeployment(
  client: ReadClient,
  dir: string,
  network: string,
  withMarket: boolean
): Promise<{ addresses?: NetworkAddresses; reason: string }> {
  const names = [...Object.values(NETWORK_CONTRACTS), ...(withMarket ? Object.values(OPTIONAL_NETWORK_CONTRACTS) : [])];
  for (const name of names) {
    if (!existsSync(join(dir, network, `${name}.json`))) return { reason: `no record of ${name}` };
    const record = readContractDeployment(dir, network, name);
    if (!(await isLive(client, record))) return { reason: `${name} at ${record.address} is not on this chain` };
  }
  return { addresses: readNetworkAddresses(dir, network), reason: "every recorded contract is live" };
}
