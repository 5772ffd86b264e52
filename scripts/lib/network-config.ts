/**
 * Parameters the deploy script starts the network with. Production values are the documented defaults
 * (docs/contracts/*.md); the dev profile (in-process `hardhat` and `localhost` nodes) shortens governance's
 * delays so that a proposal can pass within a test. Everything here is later owned by governance.
 */
import type { Address } from "viem";

const LA = 10n ** 18n;
const HOUR = 3_600;
const DAY = 24 * HOUR;

export interface NetworkConfig {
  /** Fixed supply minted at deployment, LA wei. */
  initialSupply: bigint;
  /** Receives the initial supply (the deployer when omitted). */
  initialHolder?: Address;
  /** May pause staking and emission (none when omitted; governance can grant it later). */
  guardian?: Address;
  /** Holds the market role until the market contract exists (dev and tests only; governance grants it). */
  market?: Address;
  staking: {
    minSelfStake: bigint;
    unbondingPeriod: number;
    commissionDelay: number;
    rewardVesting: number;
    slashFractionBps: number;
    slashRecipient: Address;
  };
  emission: { epochLength: number; emissionRateBps: number; maxRewardRateBps: number; minFeePerCycle: bigint };
  /** The proof market and its fee converter (docs/market.md). */
  proofMarket: {
    batchLength: number;
    revealLength: number;
    settleWindow: number;
    minProvingTime: number;
    /** LA wei of self-stake locked per cycle of revealed capacity. */
    collateralPerCycle: bigint;
    /** Oldest feed answer the converter accepts, seconds. */
    feedMaxAge: number;
  };
  /** Payment tokens and their feeds (LA per whole token); the market is deployed when given or mocked. */
  payments?: { usdc: Address; ethFeed: Address; usdcFeed: Address };
  /** Without `payments`, deploy a mock USDC and mock feeds answering {@link DEV_PRICES} (dev networks). */
  mockPayments: boolean;
  /** LA the deployer moves into the fee converter's inventory (dev: from the initial supply). */
  converterFunding: bigint;
  governance: {
    /** Seconds between proposal and vote start (the token's clock is timestamps). */
    votingDelay: number;
    votingPeriod: number;
    proposalThreshold: bigint;
    quorumPercent: number;
    /** Seconds a passed proposal waits in the timelock. */
    timelockDelay: number;
  };
}

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** Mainnet-grade defaults. */
export const PRODUCTION_CONFIG: NetworkConfig = Object.freeze({
  initialSupply: 1_000_000_000n * LA,
  staking: {
    minSelfStake: 10_000n * LA,
    unbondingPeriod: 14 * DAY,
    commissionDelay: 7 * DAY,
    rewardVesting: 7 * DAY,
    slashFractionBps: 1_000,
    slashRecipient: ZERO,
  },
  emission: { epochLength: DAY, emissionRateBps: 400, maxRewardRateBps: 2_000, minFeePerCycle: 10n ** 9n },
  proofMarket: {
    batchLength: 10 * 60,
    revealLength: 5 * 60,
    settleWindow: 10 * 60,
    minProvingTime: HOUR,
    collateralPerCycle: 10n ** 9n,
    feedMaxAge: HOUR,
  },
  converterFunding: 0n,
  mockPayments: false,
  governance: {
    votingDelay: DAY,
    votingPeriod: 7 * DAY,
    proposalThreshold: 100_000n * LA,
    quorumPercent: 4,
    timelockDelay: 2 * DAY,
  },
});

/** Local development: same economics, governance that completes in minutes of simulated time. */
export const DEV_CONFIG: NetworkConfig = Object.freeze({
  ...PRODUCTION_CONFIG,
  governance: { votingDelay: 1, votingPeriod: HOUR, proposalThreshold: 0n, quorumPercent: 4, timelockDelay: 60 },
  converterFunding: 1_000_000n * LA,
  mockPayments: true,
});

/** Answers of the dev networks' mock feeds (8 decimals): LA per ETH and per USDC. */
export const DEV_PRICES = Object.freeze({ feedDecimals: 8, laPerEth: 2_000n * 10n ** 8n, laPerUsdc: 5n * 10n ** 7n });

/** Networks that get {@link DEV_CONFIG}; every other network gets {@link PRODUCTION_CONFIG}. */
export const DEV_NETWORKS: readonly string[] = ["hardhat", "localhost"];

/** The configuration for `network`, with the optional accounts filled in. */
export function configFor(
  network: string,
  accounts: Pick<NetworkConfig, "guardian" | "market" | "initialHolder"> = {}
): NetworkConfig {
  const base = DEV_NETWORKS.includes(network) ? DEV_CONFIG : PRODUCTION_CONFIG;
  return { ...base, ...Object.fromEntries(Object.entries(accounts).filter(([, v]) => v !== undefined)) };
}
