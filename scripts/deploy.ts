/**
 * Deploys the LA token, prover staking, emission controller, timelock, governor, inference registry, fee
 * converter and proof market, hands every parameter to governance and writes
 * `deployments/<network>/<Contract>.json` (address, ABI, transaction, block). Re-running it is safe: an address
 * book whose every record is live on the target chain is kept and nothing is sent (scripts/lib/live-deployment.ts).
 *
 *   npx hardhat run scripts/deploy.ts                       in-process network (a dry run: it vanishes after)
 *   npx hardhat run scripts/deploy.ts --network localhost   after `npx hardhat node`
 *   DEEPPROVE_RPC_URL=… DEEPPROVE_NETWORK=sepolia DEEPPROVE_DEPLOYER_KEY=env:KEY npx hardhat run scripts/deploy.ts
 *
 * Optional environment: DEEPPROVE_GUARDIAN, DEEPPROVE_MARKET (placeholder market role, dev only),
 * DEEPPROVE_INITIAL_HOLDER (addresses); DEEPPROVE_USDC, DEEPPROVE_ETH_FEED, DEEPPROVE_USDC_FEED (payment token
 * and feeds: the market is deployed on production networks only with all three; dev networks deploy mocks);
 * DEEPPROVE_DEPLOYMENTS_DIR (default ./deployments); DEEPPROVE_REDEPLOY=1 (deploy afresh even if live);
 * DEEPPROVE_SETUP_DIR (setup directories made by `deepprove setup`, comma-separated): each model's generated
 * verifier is deployed (with the interpreter libraries, once) and the model registered (scripts/lib/deploy-model.ts).
 * Targets: scripts/lib/target.ts.
 */
import hre from "hardhat";
import { getAddress, isAddress, type Address, type EIP1193Provider } from "viem";
import { DEFAULT_DEPLOYMENTS_DIR, writeContractDeployment, type ContractDeployment } from "../src/sdk/deployments";
import { deployModel } from "./lib/deploy-model";
import { deployNetwork } from "./lib/deploy-network";
import { liveDeployment } from "./lib/live-deployment";
import { configFor, type NetworkConfig } from "./lib/network-config";
import { deployTarget } from "./lib/target";

function addressFromEnv(name: string): Address | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  if (!isAddress(value)) throw new Error(`${name}=${value} is not an address`);
  return getAddress(value);
}

/** Payment token and feeds from the environment: all three or none. */
function paymentsFromEnv(): NetworkConfig["payments"] {
  const [usdc, ethFeed, usdcFeed] = ["DEEPPROVE_USDC", "DEEPPROVE_ETH_FEED", "DEEPPROVE_USDC_FEED"].map(addressFromEnv);
  if (!usdc && !ethFeed && !usdcFeed) return undefined;
  if (!usdc || !ethFeed || !usdcFeed) throw new Error("set all of DEEPPROVE_USDC, DEEPPROVE_ETH_FEED and DEEPPROVE_USDC_FEED, or none");
  return { usdc, ethFeed, usdcFeed };
}

async function main(): Promise<void> {
  const accounts = {
    guardian: addressFromEnv("DEEPPROVE_GUARDIAN"),
    market: addressFromEnv("DEEPPROVE_MARKET"),
    initialHolder: addressFromEnv("DEEPPROVE_INITIAL_HOLDER"),
  };
  const payments = paymentsFromEnv();
  const { client, network } = await deployTarget({ provider: hre.network.provider as unknown as EIP1193Provider, name: hre.network.name });
  const config: NetworkConfig = { ...configFor(network, accounts), ...(payments ? { payments } : {}) };
  const dir = process.env.DEEPPROVE_DEPLOYMENTS_DIR ?? DEFAULT_DEPLOYMENTS_DIR;
  const withMarket = config.payments !== undefined || config.mockPayments;

  const setupDirs = (process.env.DEEPPROVE_SETUP_DIR ?? "").split(",").filter((d) => d !== "");
  const redeploy = process.env.DEEPPROVE_REDEPLOY === "1";
  const live = redeploy ? { addresses: undefined, reason: "DEEPPROVE_REDEPLOY=1" } : await liveDeployment(client, dir, network, withMarket);
  let addresses = live.addresses;
  if (addresses) {
    console.log(`network contracts already deployed on ${network} (${live.reason}): nothing sent`);
    for (const [role, address] of Object.entries(addresses)) console.log(`${role.padEnd(20)} ${address}`);
  } else {
    console.log(`deploying to ${network} from ${client.account.address} (${live.reason})`);
    const deployed = await deployNetwork(client, config);
    addresses = deployed.addresses;
    record(dir, network, deployed.deployments);
  }
  for (const setupDir of setupDirs) {
    const model = await deployModel(client, { contracts: addresses, setupDir, book: redeploy ? undefined : { dir, network } });
    record(dir, network, model.deployments);
    const what = model.deployments.length === 0 ? "already deployed" : `deployed ${model.deployments.map((d) => d.contractName).join(", ")}`;
    console.log(`model ${model.modelId}: ${setupDir} (digest ${model.digest}), verifier ${model.verifier} (${what}; about ${model.estimatedGas} gas per proof)`);
  }
}

function record(dir: string, network: string, deployments: readonly ContractDeployment[]): void {
  for (const deployment of deployments) {
    const file = writeContractDeployment(dir, network, deployment);
    console.log(`${deployment.contractName.padEnd(20)} ${deployment.address}  ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(`deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
