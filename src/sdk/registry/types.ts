/** What the registry actions share: the parameters' common shape and the records they return. */
import { isHex, keccak256, type Abi, type Address, type Hex } from "viem";
import type { NetworkAddresses } from "../deployments";
import { InvalidParameterError } from "../errors";

/** The address-book part every registry action needs. */
export interface RegistryContracts {
  contracts: Pick<NetworkAddresses, "registry">;
}

/** A registered model, as {@link getModel} returns it. */
export interface ModelRecord {
  modelId: bigint;
  commitment: Hex;
  verifier: Address;
  owner: Address;
  /** No new inference can be recorded; earlier records stay valid. */
  deprecated: boolean;
  /** Unix seconds of the registration block. */
  registeredAt: bigint;
  metadataURI: string;
}

/** A verified inference, as {@link getInference} returns it. */
export interface InferenceRecord {
  inferenceId: bigint;
  modelId: bigint;
  /** keccak256 of the packed input bytes. */
  inputHash: Hex;
  /** keccak256 of the packed output bytes. */
  outputHash: Hex;
  /** The sender the proof was bound to. */
  prover: Address;
  blockNumber: bigint;
  /** Unix seconds of the block. */
  timestamp: bigint;
}

/**
 * Errors of the model's verifier, to decode its rejections by name: a generated verifier's custom errors are
 * bubbled up unchanged by the registry (pass its ABI, or just its `error` items).
 */
export interface VerifierErrors {
  verifierAbi?: Abi;
}

/** Checks `value` is 0x-prefixed hex with whole bytes; `what` names the parameter in the error. */
export function requireBytes(action: string, what: string, value: Hex): Hex {
  if (!isHex(value, { strict: true }) || value.length % 2 !== 0) {
    throw new InvalidParameterError(`${action}: ${what} must be 0x-prefixed hex bytes, got ${String(value).slice(0, 20)}`);
  }
  return value;
}

/** Checks `value` is a positive id (ids start at 1). */
export function requireId(action: string, what: string, value: bigint): bigint {
  if (typeof value !== "bigint" || value <= 0n) {
    throw new InvalidParameterError(`${action}: ${what} must be a positive bigint id, got ${String(value)}`);
  }
  return value;
}

/** The statement hash the registry stores for `bytes` (keccak256), or `hash` itself when given. */
export function statementHash(action: string, what: string, value: { bytes?: Hex; hash?: Hex }): Hex {
  if (value.hash !== undefined) {
    if (!isHex(value.hash, { strict: true }) || value.hash.length !== 66) {
      throw new InvalidParameterError(`${action}: ${what}Hash must be a 32-byte hex hash, got ${value.hash}`);
    }
    return value.hash;
  }
  if (value.bytes === undefined) throw new InvalidParameterError(`${action}: give ${what} or ${what}Hash`);
  return keccak256(requireBytes(action, what, value.bytes));
}
