/**
 * Shared setup of the registry tests: a registry, and the verifier doubles of contracts/test/ for two models.
 * `boundProof` makes the proof the KeccakBoundVerifier accepts: keccak256(abi.encode(input, output, prover)).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { InferenceRegistry, KeccakBoundVerifier, RevertingVerifier } from "../../typechain-types";

export const COMMITMENT_A = ethers.id("model A: HyperKZG commitment + layout");
export const COMMITMENT_B = ethers.id("model B: HyperKZG commitment + layout");

const coder = ethers.AbiCoder.defaultAbiCoder();

/** The 32-byte proof {KeccakBoundVerifier} accepts for (`input`, `output`) proved by `prover`. */
export function boundProof(input: string, output: string, prover: string): string {
  return ethers.keccak256(coder.encode(["bytes", "bytes", "address"], [input, output, prover]));
}

/** Statement hashes the registry stores. */
export const hashOf = (bytes: string) => ethers.keccak256(bytes);

export interface RegistryFixture {
  registry: InferenceRegistry;
  bound: KeccakBoundVerifier;
  reverting: RevertingVerifier;
  owner: HardhatEthersSigner;
  prover: HardhatEthersSigner;
  other: HardhatEthersSigner;
  /** Model 1: KeccakBoundVerifier for COMMITMENT_A, owned by `owner`. */
  boundModel: bigint;
  /** Model 2: RevertingVerifier for COMMITMENT_B, owned by `owner`. */
  revertingModel: bigint;
}

export async function registryFixture(): Promise<RegistryFixture> {
  const [owner, prover, other] = await ethers.getSigners();
  const registry = await ethers.deployContract("InferenceRegistry");
  const bound = await ethers.deployContract("KeccakBoundVerifier", [COMMITMENT_A]);
  const reverting = await ethers.deployContract("RevertingVerifier", [COMMITMENT_B]);
  await registry.registerModel(COMMITMENT_A, await bound.getAddress(), "ipfs://model-a", owner.address);
  await registry.registerModel(COMMITMENT_B, await reverting.getAddress(), "ipfs://model-b", owner.address);
  return { registry, bound, reverting, owner, prover, other, boundModel: 1n, revertingModel: 2n };
}

/** Everything a failed call could have touched, to compare before and after a revert. */
export async function registrySnapshot(registry: InferenceRegistry): Promise<string> {
  const models = await registry.modelCount();
  const inferences = await registry.inferenceCount();
  const state = {
    models,
    inferences,
    modelRecords: await Promise.all(
      Array.from({ length: Number(models) }, (_, i) => registry.getModel(BigInt(i + 1)).then((m) => [...m]))
    ),
    inferenceRecords: await Promise.all(
      Array.from({ length: Number(inferences) }, (_, i) =>
        registry.getInference(BigInt(i + 1)).then((r) => [...r])
      )
    ),
  };
  return JSON.stringify(state, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}
