import type { Address } from "viem";
import { simulateContract, writeContract } from "viem/actions";
import { proverStakingAbi } from "../abis";
import { confirm, ensureAllowance, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import type { NetworkAddresses } from "../deployments";

export interface RegisterProverParameters {
  contracts: Pick<NetworkAddresses, "token" | "staking">;
  /** Where the prover describes itself (endpoint, hardware, contact). */
  metadataURI: string;
  /** Share of each reward the prover keeps, in basis points (≤ 5,000). */
  commissionBps: number;
  /** Initial self-stake in LA wei (≥ the minimum self-stake). */
  selfStake: bigint;
  /** Approve the staking contract for `selfStake` first if needed (default true). */
  approve?: boolean;
}

/**
 * Registers the client's account as a prover with a self-stake.
 * @example
 * await registerProver(wallet, { contracts, metadataURI: "https://prover.example", commissionBps: 1000, selfStake: parseEther("10000") })
 */
export async function registerProver(
  client: NetworkClient,
  parameters: RegisterProverParameters
): Promise<WriteResult<void>> {
  const account = requireAccount(client, "registerProver");
  const { commissionBps } = parameters;
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 65_535) {
    throw new InvalidParameterError(
      `registerProver: commissionBps must be an integer in basis points, got ${commissionBps}`
    );
  }
  try {
    if (parameters.approve !== false) {
      await ensureAllowance(client, {
        token: parameters.contracts.token,
        spender: parameters.contracts.staking,
        amount: parameters.selfStake,
      });
    }
    const { request } = await simulateContract(client, {
      account,
      address: parameters.contracts.staking as Address,
      abi: proverStakingAbi,
      functionName: "registerProver",
      args: [parameters.metadataURI, commissionBps, parameters.selfStake],
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "registerProver", hash);
    return { hash, blockNumber: receipt.blockNumber, result: undefined };
  } catch (error) {
    throw wrapContractError("registerProver", error);
  }
}
