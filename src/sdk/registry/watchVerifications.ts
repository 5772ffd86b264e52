import type { Address } from "viem";
import { watchContractEvent } from "viem/actions";
import { inferenceRegistryAbi } from "../abis";
import type { NetworkClient } from "../client";
import { wrapContractError, type DeepproveSdkError } from "../errors";
import type { RegistryContracts } from "./types";

/** One `InferenceVerified` event, with where it was logged. */
export interface VerificationEvent {
  inferenceId: bigint;
  modelId: bigint;
  prover: Address;
  inputHash: `0x${string}`;
  outputHash: `0x${string}`;
  blockNumber: bigint;
  transactionHash: `0x${string}`;
}

export interface WatchVerificationsParameters extends RegistryContracts {
  /** Only this model's verifications (default: every model). */
  modelId?: bigint;
  /** Only this prover's verifications (default: every prover). */
  prover?: Address;
  /** Called with each batch of new verifications, in log order. */
  onVerifications: (events: VerificationEvent[]) => void;
  /** Called when polling fails (the watch keeps going). */
  onError?: (error: DeepproveSdkError) => void;
  /** Polling interval in milliseconds (default: the client's). */
  pollingInterval?: number;
}

/**
 * Watches the registry for verified inferences (filtered by model and/or prover on the node) and returns the
 * function that stops watching.
 * @example
 * const stop = watchVerifications(publicClient, { contracts, modelId: 1n, onVerifications: (events) => console.log(events) })
 */
export function watchVerifications(client: NetworkClient, parameters: WatchVerificationsParameters): () => void {
  return watchContractEvent(client, {
    address: parameters.contracts.registry,
    abi: inferenceRegistryAbi,
    eventName: "InferenceVerified",
    args: { modelId: parameters.modelId, prover: parameters.prover },
    strict: true,
    pollingInterval: parameters.pollingInterval,
    onLogs: (logs) =>
      parameters.onVerifications(
        logs.map((log) => ({
          ...log.args,
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
        }))
      ),
    onError: (error) => parameters.onError?.(wrapContractError("watchVerifications", error)),
  });
}
