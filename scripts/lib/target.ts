/**
 * Where the deploy script sends its transactions:
 *   - `DEEPPROVE_RPC_URL` set: that JSON-RPC endpoint, signing with the private key in `DEEPPROVE_DEPLOYER_KEY`
 *     (hex, or `env:VAR`/a file path as the CLI's --key), network name `DEEPPROVE_NETWORK` (names the folder
 *     under deployments/ and picks the configuration: `localhost`/`hardhat` get the dev profile);
 *   - otherwise the Hardhat network selected with `--network` (the in-process network by default, or
 *     `--network localhost` for `npx hardhat node`), deploying from its first unlocked account.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  createWalletClient,
  custom,
  getAddress,
  http,
  type Account,
  type Address,
  type Chain,
  type Client,
  type EIP1193Provider,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getChainId } from "viem/actions";

export type TargetClient = Client<Transport, Chain | undefined, Account>;

export interface DeployTarget {
  client: TargetClient;
  network: string;
}

const NETWORK_NAME = /^[A-Za-z0-9_-]+$/;

function readKey(spec: string): `0x${string}` {
  let raw = spec;
  if (spec.startsWith("env:")) raw = process.env[spec.slice(4)] ?? "";
  else if (!spec.startsWith("0x") && existsSync(spec)) raw = readFileSync(spec, "utf8");
  const key = raw.trim().startsWith("0x") ? raw.trim() : `0x${raw.trim()}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error("DEEPPROVE_DEPLOYER_KEY: expected a 32-byte hex private key (or env:VAR, or a file)");
  return key as `0x${string}`;
}

const chainOf = (id: number, name: string, url?: string): Chain => ({
  id,
  name,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: url ? [url] : [] } },
});

/** Resolves the target from the environment, or from Hardhat's selected network (`provider`, `name`). */
export async function deployTarget(hardhat: { provider: EIP1193Provider; name: string }): Promise<DeployTarget> {
  const url = process.env.DEEPPROVE_RPC_URL;
  if (url) {
    const network = process.env.DEEPPROVE_NETWORK;
    if (!network || !NETWORK_NAME.test(network)) {
      throw new Error("DEEPPROVE_RPC_URL is set: also set DEEPPROVE_NETWORK to a plain name (it names deployments/<name>/)");
    }
    if (!process.env.DEEPPROVE_DEPLOYER_KEY) throw new Error("DEEPPROVE_RPC_URL is set: also set DEEPPROVE_DEPLOYER_KEY");
    const account = privateKeyToAccount(readKey(process.env.DEEPPROVE_DEPLOYER_KEY));
    const transport = http(url, { retryCount: 0 });
    let id: number;
    try {
      id = await getChainId(createWalletClient({ account, transport }));
    } catch {
      throw new Error(`cannot reach the RPC at ${url}`);
    }
    return { client: createWalletClient({ account, chain: chainOf(id, network, url), transport, pollingInterval: 250 }), network };
  }
  const [deployer] = (await hardhat.provider.request({ method: "eth_accounts" })) as Address[];
  if (!deployer) throw new Error(`network ${hardhat.name} has no unlocked account to deploy from`);
  const id = Number(await hardhat.provider.request({ method: "eth_chainId" }));
  const client = createWalletClient({
    account: getAddress(deployer),
    chain: chainOf(id, hardhat.name),
    transport: custom(hardhat.provider),
    pollingInterval: 250,
  }) as unknown as TargetClient;
  return { client, network: hardhat.name };
}
