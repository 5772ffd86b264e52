/**
 * The address book: `deployments/<network>/<Contract>.json`, one file per contract with its address, ABI,
 * deployment transaction and block. Written by `scripts/deploy.ts`, read by the SDK and the CLI.
 *
 * Later contracts (registry, market) add their names to {@link NETWORK_CONTRACTS} and a field to
 * {@link NetworkAddresses}; readers of the existing fields are unaffected.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAddress, type Abi, type Address, type Hash } from "viem";
import { DeploymentNotFoundError } from "./errors";

/** One contract's record in `deployments/<network>/<Contract>.json`. */
export interface ContractDeployment {
  contractName: string;
  address: Address;
  abi: Abi;
  transactionHash: Hash;
  blockNumber: number;
  /** Constructor arguments, JSON-encoded (bigints as decimal strings). */
  args: unknown[];
}

/** Addresses of the network's contracts, by role. */
export interface NetworkAddresses {
  token: Address;
  staking: Address;
  emission: Address;
  governor: Address;
  timelock: Address;
  registry: Address;
  /** The proof market and its fee converter: absent on networks deployed without payment tokens. */
  market?: Address;
  converter?: Address;
}

type RequiredRole = Exclude<keyof NetworkAddresses, "market" | "converter">;

/** Role → contract (artifact) name of each contract every deployment has. */
export const NETWORK_CONTRACTS: Readonly<Record<RequiredRole, string>> = Object.freeze({
  token: "LAToken",
  staking: "ProverStaking",
  emission: "EmissionController",
  governor: "LAGovernor",
  timelock: "LATimelock",
  registry: "InferenceRegistry",
});

/** Role → contract name of the contracts a deployment may have (read when their file exists). */
export const OPTIONAL_NETWORK_CONTRACTS: Readonly<Record<"market" | "converter", string>> = Object.freeze({
  market: "ProofMarket",
  converter: "FeeConverter",
});

/** Default location of the address book: `deployments/` at the repository root. */
export const DEFAULT_DEPLOYMENTS_DIR = join(__dirname, "..", "..", "deployments");

const NETWORK_NAME = /^[A-Za-z0-9_-]+$/;

function networkDir(dir: string, network: string): string {
  if (!NETWORK_NAME.test(network)) {
    throw new DeploymentNotFoundError(`network name "${network}" is not a plain name`, {
      hint: "Use letters, digits, '-' or '_' (e.g. localhost, sepolia).",
    });
  }
  return join(dir, network);
}

/** Reads one contract's record; throws {@link DeploymentNotFoundError} naming the file and the bad field. */
export function readContractDeployment(dir: string, network: string, contractName: string): ContractDeployment {
  const file = join(networkDir(dir, network), `${contractName}.json`);
  if (!existsSync(file)) {
    throw new DeploymentNotFoundError(`no deployment of ${contractName} on "${network}": ${file} is missing`, {
      hint: `Deploy first: npx hardhat run scripts/deploy.ts --network ${network}`,
    });
  }
  let record: Partial<ContractDeployment>;
  try {
    record = JSON.parse(readFileSync(file, "utf8")) as Partial<ContractDeployment>;
  } catch (cause) {
    throw new DeploymentNotFoundError(`${file} is not valid JSON`, { cause });
  }
  if (typeof record.address !== "string" || !isAddress(record.address)) {
    throw new DeploymentNotFoundError(`${file}: field "address" is missing or not an address`);
  }
  if (!Array.isArray(record.abi)) throw new DeploymentNotFoundError(`${file}: field "abi" is missing`);
  return record as ContractDeployment;
}

/** Reads the addresses of every network contract on `network` (optional ones when deployed). */
export function readNetworkAddresses(dir: string, network: string): NetworkAddresses {
  const entries = Object.entries(NETWORK_CONTRACTS).map(([role, name]) => [
    role,
    readContractDeployment(dir, network, name).address,
  ]);
  for (const [role, name] of Object.entries(OPTIONAL_NETWORK_CONTRACTS)) {
    if (existsSync(join(networkDir(dir, network), `${name}.json`))) {
      entries.push([role, readContractDeployment(dir, network, name).address]);
    }
  }
  return Object.fromEntries(entries) as NetworkAddresses;
}

/**
 * Writes one contract's record atomically (temporary file, then rename), so a reader never sees half a file.
 * @returns the path written.
 */
export function writeContractDeployment(dir: string, network: string, record: ContractDeployment): string {
  const folder = networkDir(dir, network);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${record.contractName}.json`);
  const json = JSON.stringify(record, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2);
  writeFileSync(`${file}.tmp`, `${json}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
