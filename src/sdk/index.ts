/**
 * The deepprove viem SDK. Every action takes a viem client first and a parameters object second; writes need
 * a client with an `account`. Contract addresses come from the address book ({@link readNetworkAddresses}).
 *
 * Areas: staking (provers, delegation), emission (epochs, rewards), registry (models, verified inferences),
 * market (requests, sealed asks, settlement, jobs).
 */
export * from "./abis";
export * from "./errors";
export * from "./deployments";
export { type NetworkClient, type WriteResult } from "./client";
export * from "./staking/registerProver";
export * from "./staking/delegate";
export * from "./staking/undelegate";
export * from "./staking/withdraw";
export * from "./staking/claimCommission";
export * from "./staking/setCommission";
export * from "./staking/getProverPool";
export * from "./staking/getDelegatorPosition";
export * from "./emission/getEpoch";
export * from "./emission/getEpochRewards";
export * from "./emission/finalizeEpoch";
export * from "./emission/payReward";
export * from "./registry/types";
export * from "./registry/registerModel";
export * from "./registry/verifyInference";
export * from "./registry/checkInference";
export * from "./registry/getModel";
export * from "./registry/getInference";
export * from "./registry/isVerified";
export * from "./registry/manageModel";
export * from "./registry/watchVerifications";
export * from "./market/types";
export * from "./market/requestProof";
export * from "./market/asks";
export * from "./market/settleBatch";
export * from "./market/jobs";
export * from "./market/inputs";
