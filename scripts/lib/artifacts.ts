/** Reads compiled contracts (ABI and creation bytecode) from Hardhat's `artifacts/` folder. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi, Hex } from "viem";

/** Contract name → artifact path under `artifacts/contracts/`, for every contract the deploy script creates. */
export const NETWORK_ARTIFACTS = Object.freeze({
  LAToken: "token/LAToken.sol/LAToken.json",
  ProverStaking: "staking/ProverStaking.sol/ProverStaking.json",
  EmissionController: "staking/EmissionController.sol/EmissionController.json",
  LAGovernor: "governance/LAGovernor.sol/LAGovernor.json",
  LATimelock: "governance/LATimelock.sol/LATimelock.json",
  InferenceRegistry: "registry/InferenceRegistry.sol/InferenceRegistry.json",
  FeeConverter: "market/FeeConverter.sol/FeeConverter.json",
  ProofMarket: "market/ProofMarket.sol/ProofMarket.json",
  MockUSDC: "market/mocks/MockUSDC.sol/MockUSDC.json",
  MockPriceFeed: "market/mocks/MockPriceFeed.sol/MockPriceFeed.json",
});

export type NetworkContractName = keyof typeof NETWORK_ARTIFACTS;

export const ARTIFACTS_DIR = join(__dirname, "..", "..", "artifacts", "contracts");

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

/** Loads `name`'s artifact; throws a message that says to compile when it is missing. */
export function readArtifact(name: NetworkContractName): Artifact {
  const path = join(ARTIFACTS_DIR, NETWORK_ARTIFACTS[name]);
  if (!existsSync(path)) throw new Error(`artifact of ${name} missing at ${path}: run \`npx hardhat compile\` first`);
  const { abi, bytecode } = JSON.parse(readFileSync(path, "utf8")) as Artifact;
  return { abi, bytecode };
}
