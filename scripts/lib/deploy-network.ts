/**
 * Deploys and wires the network's contracts with viem, against any EIP-1193 provider or RPC URL:
 *
 *   1. LATimelock (deployer as bootstrap admin), LAToken, ProverStaking, EmissionController, LAGovernor, and
 *      InferenceRegistry (no administrator, nothing to wire or hand over);
 *   2. the proof market, when payment tokens are configured or mocked (dev: MockUSDC and two MockPriceFeeds,
 *      recorded as EthPriceFeed and UsdcPriceFeed): FeeConverter (funded with LA), ProofMarket (governed by the
 *      timelock, surplus to the timelock);
 *   3. roles: the emission controller mints LA and pays rewards; the guardian may pause; the market role goes
 *      to the ProofMarket, and to a placeholder account only when one is configured (dev);
 *   4. hand-over: the timelock becomes `DEFAULT_ADMIN_ROLE` of token, staking and emission; the governor
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
import { deployContract, getBlock, sendTransaction, waitForTransactionReceipt } from "viem/actions";
import type { ContractDeployment, NetworkAddresses } from "../../src/sdk/deployments";
import { readArtifact, type NetworkContractName } from "./artifacts";
import { DEV_PRICES, type NetworkConfig } from "./network-config";

/** Decimals of (real) USDC on every chain the market targets. */
const USDC_DECIMALS = 6;

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

  const deploy = async (
    artifactName: NetworkContractName,
    args: unknown[],
    contractName: string = artifactName
  ): Promise<Address> => {
    const { abi, bytecode } = readArtifact(artifactName);
    const hash = await deployContract(client, {
      abi,
      bytecode,
      args,
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success" || !receipt.contractAddress) {
      throw new Error(`deploying ${contractName} (${artifactName}) failed in transaction ${hash}`);
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
  const { timestamp: now } = await getBlock(client);
  const market = await deployMarket(config, deploy, call, {
    token,
    staking,
    emission,
    registry,
    timelock,
    deployer,
    now,
  });

  await call("LAToken", token, "grantRole", [role("MINTER_ROLE"), emission]);
  await call("ProverStaking", staking, "grantRole", [role("EMISSION_ROLE"), emission]);
  for (const [name, address] of [
    ["ProverStaking", staking],
    ["EmissionController", emission],
  ] as const) {
    if (config.guardian) await call(name, address, "grantRole", [role("GUARDIAN_ROLE"), config.guardian]);
    if (config.market) await call(name, address, "grantRole", [role("MARKET_ROLE"), config.market]);
    if (market) await call(name, address, "grantRole", [role("MARKET_ROLE"), market.market]);
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

  return { addresses: { token, staking, emission, governor, timelock, registry, ...market }, deployments };
}

type Deploy = (artifactName: NetworkContractName, args: unknown[], contractName?: string) => Promise<Address>;
type Call = (contractName: NetworkContractName, to: Address, functionName: string, args: unknown[]) => Promise<void>;

/**
 * Deploys the fee converter and the proof market (and dev mocks), funds the converter and hands the converter
 * to the timelock. Returns nothing when no payment tokens are configured and mocks are off.
 */
async function deployMarket(
  config: NetworkConfig,
  deploy: Deploy,
  call: Call,
  core: {
    token: Address;
    staking: Address;
    emission: Address;
    registry: Address;
    timelock: Address;
    deployer: Address;
    /** Latest block time: batch 0 of the market starts there. */
    now: bigint;
  }
): Promise<{ market: Address; converter: Address } | undefined> {
  let payments = config.payments;
  if (!payments && config.mockPayments) {
    const { feedDecimals, laPerEth, laPerUsdc } = DEV_PRICES;
    payments = {
      usdc: await deploy("MockUSDC", []),
      ethFeed: await deploy("MockPriceFeed", [feedDecimals, laPerEth], "EthPriceFeed"),
      usdcFeed: await deploy("MockPriceFeed", [feedDecimals, laPerUsdc], "UsdcPriceFeed"),
    };
  }
  if (!payments) return undefined;
  const converter = await deploy("FeeConverter", [core.token, core.deployer]);
  await call("FeeConverter", converter, "setSource", [zeroAddress, payments.ethFeed, 18, config.proofMarket.feedMaxAge]);
  await call("FeeConverter", converter, "setSource", [
    payments.usdc,
    payments.usdcFeed,
    USDC_DECIMALS,
    config.proofMarket.feedMaxAge,
  ]);
  const { batchLength, revealLength, settleWindow, minProvingTime, collateralPerCycle } = config.proofMarket;
  const market = await deploy("ProofMarket", [
    {
      la: core.token,
      usdc: payments.usdc,
      staking: core.staking,
      emission: core.emission,
      registry: core.registry,
      converter,
      genesis: core.now,
      batchLength,
      revealLength,
      settleWindow,
      minProvingTime,
    },
    core.timelock,
    core.timelock,
    collateralPerCycle,
  ]);
  await call("FeeConverter", converter, "grantRole", [role("MARKET_ROLE"), market]);
  // The funding comes from the deployer, who holds the supply unless another initial holder was configured.
  if (config.converterFunding > 0n && (!config.initialHolder || config.initialHolder === core.deployer)) {
    await call("LAToken", core.token, "transfer", [converter, config.converterFunding]);
  }
  await call("FeeConverter", converter, "grantRole", [DEFAULT_ADMIN_ROLE, core.timelock]);
  await call("FeeConverter", converter, "renounceRole", [DEFAULT_ADMIN_ROLE, core.deployer]);
  return { market, converter };
}
