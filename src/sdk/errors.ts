/**
 * Errors of the SDK, viem style: a short message that says what went wrong and what to do, the cause kept for
 * debugging, and one small subclass per failure so callers can tell them apart by `name`.
 */
import { BaseError as ViemBaseError, ContractFunctionRevertedError, decodeErrorResult, isHex, type Abi } from "viem";
import {
  emissionControllerAbi,
  feeConverterAbi,
  inferenceRegistryAbi,
  laTokenAbi,
  proofMarketAbi,
  proverStakingAbi,
} from "./abis";

/** Base of every SDK error: `shortMessage` is one line fit for a CLI; `hint` says what to do about it. */
export class DeepproveSdkError extends Error {
  override name = "DeepproveSdkError";
  readonly shortMessage: string;
  readonly hint?: string;

  constructor(shortMessage: string, options: { hint?: string; cause?: unknown } = {}) {
    super(options.hint ? `${shortMessage}\n${options.hint}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.hint = options.hint;
  }
}

/** The deployments directory lacks a network, a contract file, or a field in it. */
export class DeploymentNotFoundError extends DeepproveSdkError {
  override name = "DeploymentNotFoundError";
}

/** A parameter given to an SDK function is malformed (names the parameter and the value). */
export class InvalidParameterError extends DeepproveSdkError {
  override name = "InvalidParameterError";
}

/** A write needs an account on the wallet client and none was set. */
export class AccountMissingError extends DeepproveSdkError {
  override name = "AccountMissingError";
  constructor(action: string) {
    super(`${action}: the wallet client has no account`, {
      hint: "Create the client with `account` (e.g. privateKeyToAccount(key)), or pass --key to the CLI.",
    });
  }
}

/** A contract call reverted with one of the network's custom errors. */
export class ContractRevertError extends DeepproveSdkError {
  override name = "ContractRevertError";
  /** Custom error name, e.g. `UnbondingNotMatured`. */
  readonly errorName: string;
  /** Decoded arguments of the custom error. */
  readonly args: readonly unknown[];

  constructor(action: string, errorName: string, args: readonly unknown[], cause: unknown) {
    super(`${action} reverted: ${errorName}(${args.map(formatArg).join(", ")})`, {
      hint: hintFor(errorName, args),
      cause,
    });
    this.errorName = errorName;
    this.args = args;
  }
}

function formatArg(value: unknown): string {
  return typeof value === "bigint" ? value.toString() : String(value);
}

const timestamp = (value: unknown) => new Date(Number(value) * 1000).toISOString();

/** What to do about each custom error a user can hit. */
function hintFor(errorName: string, args: readonly unknown[]): string | undefined {
  switch (errorName) {
    case "ProverNotRegistered":
      return `Address ${String(args[0])} is not a registered prover: check the address, or register it first.`;
    case "ProverAlreadyRegistered":
      return "This account is already a prover: use `setCommission`/`setMetadataURI`, or delegate to top up its stake.";
    case "CommissionTooHigh":
      return `Commission is in basis points and at most ${formatArg(args[1])} (${Number(args[1]) / 100} %).`;
    case "SelfStakeBelowMinimum":
      return `Stake at least the minimum self-stake of ${formatArg(args[1])} wei LA.`;
    case "InsufficientShares":
      return `You hold ${formatArg(args[1])} shares of this pool; undelegate at most that many.`;
    case "AmountRoundsToZero":
      return "The amount is too small to be worth one unit at this pool's rate; use a larger amount.";
    case "UnbondingNotMatured":
      return `Request ${formatArg(args[0])} can be withdrawn from ${timestamp(args[1])}; try again then.`;
    case "UnbondingNotFound":
      return `Request ${formatArg(
        args[0]
      )} does not exist or belongs to another account; list yours with getDelegatorPosition.`;
    case "NothingToClaim":
      return "No commission is owed yet: rewards are paid per finalized epoch (payReward).";
    case "CollateralLocked":
      return "Part of your self-stake is locked as market collateral; wait for your jobs to settle.";
    case "EpochNotEnded":
      return `Epoch ${formatArg(args[0])} ends at ${timestamp(args[1])}; finalize it after that.`;
    case "EpochNotFinalized":
      return `Finalize epoch ${formatArg(args[0])} first (anyone may).`;
    case "EpochHasNoWork":
    case "NoWork":
      return "No verified work was recorded for this epoch/prover, so there is nothing to pay.";
    case "RewardAlreadyPaid":
      return "This reward was already paid into the prover's pool.";
    case "EnforcedPause":
      return "The contract is paused by the guardian; wait for governance to unpause it.";
    case "ERC20InsufficientBalance":
      return "Your LA balance is too low for this amount.";
    case "UnknownModel":
      return `No model has id ${formatArg(args[0])}: check the id (models are numbered from 1) and the network.`;
    case "ModelIsDeprecated":
      return `Model ${formatArg(args[0])} was deprecated by its owner; use the model id that replaced it.`;
    case "NotModelOwner":
      return `Only the owner of model ${formatArg(args[0])} may do this; ${String(args[1])} is not it.`;
    case "VerifierHasNoCode":
      return `Nothing is deployed at ${String(args[0])}: deploy the generated verifier first.`;
    case "ProofRejected":
      return "The verifier returned false: the proof does not hold for this input, output and sender.";
    case "UnknownInference":
      return `No inference has id ${formatArg(args[0])} on this network.`;
    case "NotInPhase":
      return `Batch ${formatArg(args[0])} is not in that phase now: requests and commitments during the batch, reveals after it, then settlement (docs/market.md).`;
    case "DeadlineTooSoon":
      return `The deadline must be at least ${timestamp(args[1])} (after the batch's settlement plus the minimum proving time).`;
    case "SlippageExceeded":
      return `The payment buys ${formatArg(args[0])} LA wei at the oracle price but the escrow needs ${formatArg(args[1])}: pay more or lower the price.`;
    case "StalePrice":
      return "The price feed is stale; pay in LA or retry when the oracle has updated.";
    case "CommitmentMismatch":
      return args.length === 2 && typeof args[0] === "bigint"
        ? "The reveal does not match the commitment: use the exact price, capacity and salt committed."
        : "The verifier was generated for another model: regenerate it from this model's verifying key.";
    case "WrongInference":
      return "The inference must be the assigned prover's own verification of the request's model and input.";
    case "BatchFull":
      return `Batch ${formatArg(args[0])} is full; try again in the next batch.`;
    case "NothingToWithdraw":
      return "No refund is owed to this account.";
    case "ERC20InsufficientAllowance":
      return "The LA allowance is too low; the SDK approves automatically unless `approve: false` was passed.";
    default:
      return undefined;
  }
}

/** Every custom error the network's contracts can raise, to decode revert data viem left undecoded. */
const NETWORK_ERRORS: Abi = [
  ...proverStakingAbi,
  ...emissionControllerAbi,
  ...laTokenAbi,
  ...inferenceRegistryAbi,
  ...proofMarketAbi,
  ...feeConverterAbi,
].filter((item) => item.type === "error");

/**
 * Some providers (Hardhat's in-process EIP-1193 provider among them) report a revert with an error code viem
 * does not map to a contract revert; the raw revert data is then further down the cause chain.
 */
function decodeNestedRevert(
  error: unknown,
  errors: Abi = NETWORK_ERRORS
): { errorName: string; args: readonly unknown[] } | undefined {
  for (let cause = error; cause instanceof Error || (cause && typeof cause === "object"); ) {
    // viem keeps undecodable revert data in `raw` (ContractFunctionRevertedError), providers in `data`.
    for (const data of [(cause as { raw?: unknown }).raw, (cause as { data?: unknown }).data]) {
      if (typeof data !== "string" || !isHex(data) || data.length < 10) continue;
      try {
        const decoded = decodeErrorResult({ abi: errors, data });
        return { errorName: decoded.errorName, args: decoded.args ?? [] };
      } catch {
        // not one of ours: keep walking
      }
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns a viem error from a contract call into a {@link ContractRevertError} when it carries a decoded custom
 * error, else into a {@link DeepproveSdkError} with viem's short message; never loses the cause.
 * @param extraErrors Errors of contracts the call reaches beyond the network's own (e.g. a model's generated
 * verifier, whose custom errors the registry bubbles up unchanged).
 */
export function wrapContractError(action: string, error: unknown, extraErrors: Abi = []): DeepproveSdkError {
  if (error instanceof DeepproveSdkError) return error;
  if (error instanceof ViemBaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      return new ContractRevertError(action, reverted.data.errorName, reverted.data.args ?? [], error);
    }
    const errors = extraErrors.length === 0 ? NETWORK_ERRORS : [...NETWORK_ERRORS, ...extraErrors];
    const nested = decodeNestedRevert(error, errors);
    if (nested) return new ContractRevertError(action, nested.errorName, nested.args, error);
    return new DeepproveSdkError(`${action} failed: ${error.shortMessage}`, { cause: error });
  }
  return new DeepproveSdkError(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
