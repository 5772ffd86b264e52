/**
 * Deploys a model's generated verifier from its setup directory and registers the model:
 *   1. the interpreter libraries (src/compiler/interpreter-libraries.ts: ModelVerifierPcs, the extension
 *      libraries, then ModelVerifier linked to them), from Hardhat's artifacts —
 *      once per network, shared by every model;
 *   2. the model's verifier: `generateVerifier` (src/compiler/verifier-gen.ts) on the setup's verifier plan,
 *      compiled with the project's solc (src/compiler/compile-verifier.ts), linked to ModelVerifier;
 *   3. `InferenceRegistry.registerModel(digest, verifier, metadataURI)`.
 * Each step is skipped when its result is already live (a recorded contract whose deployment transaction
 * created it; a registry model with that verifier), so a re-run sends nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getAddress, type Abi, type Address, type Hex } from "viem";
import { deployContract, readContract, waitForTransactionReceipt } from "viem/actions";
import { loadSetupDir } from "../../src/artifacts/setup-dir";
import { generateVerifier } from "../../src/compiler/verifier-gen";
import { verifierPlan } from "../../src/prover/graph";
import { inferenceRegistryAbi } from "../../src/sdk/abis";
import { registerModel } from "../../src/sdk/registry/registerModel";
import { readContractDeployment, type ContractDeployment, type NetworkAddresses } from "../../src/sdk/deployments";
import { ARTIFACTS_DIR } from "./artifacts";
import { compileVerifier, linkBytecode, type LinkReferences } from "../../src/compiler/compile-verifier";
import { INTERPRETER_LIBRARIES } from "../../src/compiler/interpreter-libraries";
import { isLive } from "./live-deployment";
import type { DeployClient } from "./deploy-network";


function readLibraryArtifact(name: string): { abi: Abi; bytecode: Hex; linkReferences: LinkReferences } {
  const path = join(ARTIFACTS_DIR, "verifier", `${name}.sol`, `${name}.json`);
  if (!existsSync(path)) throw new Error(`artifact of ${name} missing at ${path}: run \`npx hardhat compile\` first`);
  return JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: Hex; linkReferences: LinkReferences };
}

export interface DeployedVerifier {
  digest: Hex;
  verifier: Address;
  /** The generated contract's name (`Verifier_<digest prefix>`). */
  contractName: string;
  /** Records of the contracts deployed now (none on a re-run): the caller writes them to the address book. */
  deployments: ContractDeployment[];
  /** Verification gas the generator estimated for one proof. */
  estimatedGas: number;
}

export interface DeployedModel extends DeployedVerifier {
  modelId: bigint;
}

/**
 * Deploys what is missing of the verifier of the model in `setupDir`: the interpreter libraries and the
 * generated contract (steps 1–2 of the file header). `book` is the network's address book (`dir`, `network`),
 * read for contracts already deployed.
 */
export async function deployVerifier(
  client: DeployClient,
  parameters: { setupDir: string; book?: { dir: string; network: string } }
): Promise<DeployedVerifier> {
  const deployments: ContractDeployment[] = [];
  const recorded = async (name: string): Promise<Address | undefined> => {
    if (!parameters.book || !existsSync(join(parameters.book.dir, parameters.book.network, `${name}.json`))) return undefined;
    const record = readContractDeployment(parameters.book.dir, parameters.book.network, name);
    return (await isLive(client, record)) ? record.address : undefined;
  };
  const deploy = async (contractName: string, abi: Abi, bytecode: Hex): Promise<Address> => {
    const hash = await deployContract(client, { abi, bytecode, account: client.account, chain: client.chain ?? null });
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deploying ${contractName} failed in transaction ${hash}`);
    const address = getAddress(receipt.contractAddress);
    deployments.push({ contractName, address, abi, transactionHash: hash, blockNumber: Number(receipt.blockNumber), args: [] });
    return address;
  };

  const setup = loadSetupDir(parameters.setupDir);
  const generated = generateVerifier(verifierPlan(setup.vk, setup.model));
  const libraries: Record<string, Address> = {};
  for (const name of INTERPRETER_LIBRARIES) {
    const artifact = readLibraryArtifact(name);
    libraries[name] = (await recorded(name)) ?? (await deploy(name, artifact.abi, linkBytecode(artifact.bytecode, artifact.linkReferences, libraries)));
  }
  let verifier = await recorded(generated.contractName);
  if (!verifier) {
    const compiled = compileVerifier(generated.source, generated.contractName);
    verifier = await deploy(generated.contractName, compiled.abi, linkBytecode(compiled.bytecode, compiled.linkReferences, libraries));
  }
  return { digest: setup.vk.digest as Hex, verifier, contractName: generated.contractName, deployments, estimatedGas: generated.estimate.total };
}

/** Deploys the model's verifier (what is missing of it) and registers the model unless it is (file header). */
export async function deployModel(
  client: DeployClient,
  parameters: { contracts: Pick<NetworkAddresses, "registry">; setupDir: string; metadataURI?: string; book?: { dir: string; network: string } }
): Promise<DeployedModel> {
  const deployed = await deployVerifier(client, parameters);
  const modelId =
    (await registeredModel(client, parameters.contracts.registry, deployed.verifier)) ??
    (
      await registerModel(client, {
        contracts: parameters.contracts,
        commitment: deployed.digest,
        verifier: deployed.verifier,
        metadataURI: parameters.metadataURI ?? `deepprove setup ${deployed.digest}`,
      })
    ).result;
  return { ...deployed, modelId };
}

/** The id of the registry model whose verifier is `verifier`, if any (scans the registry: fine for a handful). */
async function registeredModel(client: DeployClient, registry: Address, verifier: Address): Promise<bigint | undefined> {
  const count = await readContract(client, { address: registry, abi: inferenceRegistryAbi, functionName: "modelCount" });
  for (let id = 1n; id <= count; id++) {
    const model = await readContract(client, { address: registry, abi: inferenceRegistryAbi, functionName: "getModel", args: [id] });
    if (getAddress(model.verifier) === verifier && !model.deprecated) return id;
  }
  return undefined;
}
