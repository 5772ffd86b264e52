/**
 * Deploys the LA token, prover staking, emission controller, timelock, governor and inference registry to the
 * selected Hardhat network, hands every parameter to governance and writes `deployments/<network>/<Contract>.json`.
 *
 *   npx hardhat run scripts/deploy.ts --network localhost   (after `npx hardhat node`)
 *   npx hardhat run scripts/deploy.ts                       (in-process network: a dry run)
 *
 * Optional environment: DEEPPROVE_GUARDIAN, DEEPPROVE_MARKET (placeholder market role, dev only),
 * DEEPPROVE_INITIAL_HOLDER (addresses), DEEPPROVE_DEPLOYMENTS_DIR (default ./deployments).
 * The deployer is the network's first account (Hardhat's `accounts` config for the network).
 */
import hre from "hardhat";
import { createWalletClient, custom, getAddress, isAddress, type Address, type EIP1193Provider } from "viem";
import { DEFAULT_DEPLOYMENTS_DIR, writeContractDeployment } from "../src/sdk/deployments";
import { deployNetwork } from "./lib/deploy-network";
import { configFor } from "./lib/network-config";

function addressFromEnv(name: string): Address | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  if (!isAddress(value)) throw new Error(`${name}=${value} is not an address`);
  return getAddress(value);
}

async function main(): Promise<void> {
  const provider = hre.network.provider as unknown as EIP1193Provider;
  const [deployer] = (await provider.request({ method: "eth_accounts" })) as Address[];
  if (!deployer) throw new Error(`network ${hre.network.name} has no unlocked account to deploy from`);
  const chainId = Number(await provider.request({ method: "eth_chainId" }));
  const client = createWalletClient({
    account: getAddress(deployer),
    chain: {
      id: chainId,
      name: hre.network.name,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [] } },
    },
    transport: custom(provider),
  });
  const config = configFor(hre.network.name, {
    guardian: addressFromEnv("DEEPPROVE_GUARDIAN"),
    market: addressFromEnv("DEEPPROVE_MARKET"),
    initialHolder: addressFromEnv("DEEPPROVE_INITIAL_HOLDER"),
  });
  const { deployments } = await deployNetwork(client, config);
  const dir = process.env.DEEPPROVE_DEPLOYMENTS_DIR ?? DEFAULT_DEPLOYMENTS_DIR;
  for (const record of deployments) {
    const file = writeContractDeployment(dir, hre.network.name, record);
    console.log(`${record.contractName.padEnd(20)} ${record.address}  ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(`deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
