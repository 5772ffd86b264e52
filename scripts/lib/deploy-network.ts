/**
 * Deploys and wires the network's contracts with viem, against any EIP-1193 provider or RPC URL:
 *
 *   1. LATimelock (deployer as bootstrap admin), LAToken, ProverStaking, EmissionController, LAGovernor, and
 *      InferenceRegistry (no administrator, nothing to wire or hand over);
 *   2. roles: the emission controller mints LA and pays rewards; the guardian may pause; the market role goes
 *      to a placeholder account only when one is configured (dev);
 *   3. hand-over: the timelock becomes `DEFAULT_ADMIN_ROLE` of token, staking and emission; the governor
 *      becomes the timelock's proposer and canceller, anyone its executor; the deployer renounces every role.
 *
 * Nothing is written here: the caller records the returned deployments once every step has succeeded.
 */
import {
  encodeFunctionData,
  getAddress,
  keccak256,
  toHex,
  zeroAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hash,
  type Transport,
} from "viem";
import { deployContract, sendTransaction, waitForTransactionReceipt } from "viem/actions";
import type { ContractDeployment, NetworkAddresses } from "../../src/sdk/deployments";
import { readArtifact, type NetworkContractName } from "./artifacts";
import type { NetworkConfig } from "./network-config";

export type DeployClient = Client<Transport, Chain | undefined, Account>;

const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;
const role = (name: string) => keccak256(toHex(name));

export interface DeployedNetwork {
  addresses: NetworkAddresses;
  deployments: ContractDeployment[];
}

/** Deploys, wires and hands the network over to governance; see the file header for the steps. */
export async function deployNetwork(client: DeployClient, config: NetworkConfig): Promise<DeployedNetwork> {
  const deployer = client.account.address;
  const deployments: ContractDeployment[] = [];

  const deploy = async (contractName: NetworkContractName, args: unknown[]): Promise<Address> => {
    const { abi, bytecode } = readArtifact(contractName);
    const hash = await deployContract(client, {
      abi,
      bytecode,
      args,
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success" || !receipt.contractAddress) {
      throw new Error(`deploying ${contractName} failed in transaction ${hash}`);
    }
    const address = getAddress(receipt.contractAddress);
    deployments.push({
      contractName,
      address,
      abi,
      transactionHash: hash,
      blockNumber: Number(receipt.blockNumber),
      args: JSON.parse(JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
    });
    return address;
  };

  const call = async (contractName: NetworkContractName, to: Address, functionName: string, args: unknown[]) => {
    const { abi } = readArtifact(contractName);
    const data = encodeFunctionData({ abi: abi as Abi, functionName, args });
    const hash: Hash = await sendTransaction(client, {
      to,
      data,
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success") throw new Error(`${contractName}.${functionName} failed in transaction ${hash}`);
  };

  const timelock = await deploy("LATimelock", [config.governance.timelockDelay, [], [zeroAddress], deployer]);
  const token = await deploy("LAToken", [config.initialHolder ?? deployer, config.initialSupply, deployer]);
  const staking = await deploy("ProverStaking", [token, deployer, config.staking]);
  const emission = await deploy("EmissionController", [token, staking, deployer, config.emission]);
  const { governance } = config;
  const governor = await deploy("LAGovernor", [
    token,
    timelock,
    governance.votingDelay,
    governance.votingPeriod,
    governance.proposalThreshold,
    governance.quorumPercent,
  ]);

  const registry = await deploy("InferenceRegistry", []);

  await call("LAToken", token, "grantRole", [role("MINTER_ROLE"), emission]);
  await call("ProverStaking", staking, "grantRole", [role("EMISSION_ROLE"), emission]);
  for (const [name, address] of [
    ["ProverStaking", staking],
    ["EmissionController", emission],
  ] as const) {
    if (config.guardian) await call(name, address, "grantRole", [role("GUARDIAN_ROLE"), config.guardian]);
    if (config.market) await call(name, address, "grantRole", [role("MARKET_ROLE"), config.market]);
  }
  for (const [name, address] of [
    ["LAToken", token],
    ["ProverStaking", staking],
    ["EmissionController", emission],
  ] as const) {
    await call(name, address, "grantRole", [DEFAULT_ADMIN_ROLE, timelock]);
    await call(name, address, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer]);
  }
  await call("LATimelock", timelock, "grantRole", [role("PROPOSER_ROLE"), governor]);
  await call("LATimelock", timelock, "grantRole", [role("CANCELLER_ROLE"), governor]);
  await call("LATimelock", timelock, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer]);

  return { addresses: { token, staking, emission, governor, timelock, registry }, deployments };
}
