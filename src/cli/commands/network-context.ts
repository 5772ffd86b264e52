/**
 * What the network commands share: the `--network/--rpc-url/--deployments/--key` options, turning them into a
 * viem client and the network's addresses, parsing LA amounts and addresses with errors that name the bad
 * option, and printing results as one JSON object (bigints as decimal strings).
 *
 * This module is loaded when the CLI starts, so it imports nothing heavy: viem and the SDK are loaded inside
 * the functions that need them (`deepprove --help` must not pay for them).
 */
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Address, Chain, Hex } from "viem";
import type { NetworkAddresses } from "../../sdk/deployments";
import type { NetworkClient } from "../../sdk/client";

/** Options every network command accepts. */
export interface NetworkOptions {
  network: string;
  rpcUrl?: string;
  /** Address book folder; the package's `deployments/` when absent. */
  deployments?: string;
  key?: string;
}

/** RPC endpoints assumed when `--rpc-url` and `DEEPPROVE_RPC_URL` are both absent. */
const DEFAULT_RPC: Readonly<Record<string, string>> = { localhost: "http://127.0.0.1:8545" };

/** Adds the shared network options to `command`. */
export function withNetworkOptions(command: Command, options: { signer: boolean }): Command {
  command
    .option(
      "--network <name>",
      "network whose deployments/<name>/ to use",
      process.env.DEEPPROVE_NETWORK ?? "localhost"
    )
    .option("--rpc-url <url>", "JSON-RPC endpoint (default: $DEEPPROVE_RPC_URL, or 127.0.0.1:8545 for localhost)")
    .option(
      "--deployments <dir>",
      "address book folder (default: $DEEPPROVE_DEPLOYMENTS_DIR, else the package's deployments/)",
      process.env.DEEPPROVE_DEPLOYMENTS_DIR
    );
  if (options.signer)
    command.option("--key <file|env:VAR>", "private key: a file holding it, or env:VAR", process.env.DEEPPROVE_KEY);
  return command;
}

/** A user mistake: printed as one line by the CLI, never a stack trace. */
export class CliInputError extends Error {
  override name = "CliInputError";
}

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
const LA_DECIMALS = 18;

/** Reads a private key from `file` or `env:VAR`; the error names the source, never the key. */
export function loadPrivateKey(spec: string): Hex {
  let raw: string | undefined;
  if (spec.startsWith("env:")) {
    const name = spec.slice(4);
    raw = process.env[name];
    if (raw === undefined) throw new CliInputError(`--key ${spec}: environment variable ${name} is not set`);
  } else {
    if (!existsSync(spec)) throw new CliInputError(`--key ${spec}: no such file`);
    raw = readFileSync(spec, "utf8");
  }
  const key = raw.trim();
  const prefixed = key.startsWith("0x") ? key : `0x${key}`;
  if (!PRIVATE_KEY.test(prefixed)) {
    throw new CliInputError(`--key ${spec}: expected a 32-byte hex private key`);
  }
  return prefixed as Hex;
}

/**
 * Parses a positive decimal amount of a token with `decimals` decimals (`"12.5"`) into base units, exactly;
 * `what` names the argument and `unit` the token in the error.
 */
export function parseUnitsExact(value: string, decimals: number, what: string, unit: string): bigint {
  const pattern = new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`);
  if (!pattern.test(value)) throw new CliInputError(`${what}: "${value}" is not a decimal ${unit} amount`);
  // Exact decimal → base units (the regex bounds the fraction), without loading viem's parseUnits.
  const [whole, fraction = ""] = value.split(".");
  const units = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0"));
  if (units === 0n) throw new CliInputError(`${what}: must be more than 0 ${unit}`);
  return units;
}

/** Parses a decimal LA amount (`"12.5"`) into wei; `what` names the argument in the error. */
export function parseLA(value: string, what: string): bigint {
  return parseUnitsExact(value, LA_DECIMALS, what, "LA");
}

/** Parses an address argument into its checksummed form; `what` names it in the error. */
export async function parseAddress(value: string, what: string): Promise<Address> {
  const { getAddress, isAddress } = await import("viem");
  if (!isAddress(value, { strict: false })) throw new CliInputError(`${what}: "${value}" is not an address`);
  return getAddress(value);
}

/** Parses a non-negative integer argument. */
export function parseInteger(value: string, what: string): bigint {
  if (!/^\d+$/.test(value)) throw new CliInputError(`${what}: "${value}" is not a non-negative integer`);
  return BigInt(value);
}

/** A connected client (with the signer when `--key` was given) and the network's addresses. */
export interface NetworkContext {
  client: NetworkClient;
  contracts: NetworkAddresses;
  account?: Address;
}

/** Resolves the options into a client and addresses; checks the RPC answers and the contracts exist. */
export async function connect(options: NetworkOptions, needsSigner: boolean): Promise<NetworkContext> {
  const [{ createPublicClient, createWalletClient, http }, { privateKeyToAccount }, addressBook] = await Promise.all([
    import("viem"),
    import("viem/accounts"),
    import("../../sdk/deployments"),
  ]);
  const url = options.rpcUrl ?? process.env.DEEPPROVE_RPC_URL ?? DEFAULT_RPC[options.network];
  if (!url) throw new CliInputError(`network "${options.network}": pass --rpc-url or set DEEPPROVE_RPC_URL`);
  const contracts = addressBook.readNetworkAddresses(
    options.deployments ?? addressBook.DEFAULT_DEPLOYMENTS_DIR,
    options.network
  );
  const transport = http(url, { retryCount: 0 });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch {
    throw new CliInputError(`cannot reach the RPC at ${url} (is the node running?)`);
  }
  const chain: Chain = {
    id: chainId,
    name: options.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  };
  if (!needsSigner) return { client: createPublicClient({ chain, transport }), contracts };
  if (!options.key) throw new CliInputError("this command sends a transaction: pass --key <file|env:VAR>");
  const account = privateKeyToAccount(loadPrivateKey(options.key));
  return { client: createWalletClient({ account, chain, transport }), contracts, account: account.address };
}

/** Prints `value` as JSON on stdout (bigints as decimal strings). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}
