/**
 * The registry's viem SDK against the in-process network, on the registry the deploy script's code deploys:
 * every action, and the errors a user sees (decoded verifier errors included).
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { createWalletClient, custom, defineChain, getAddress, keccak256, type EIP1193Provider, type Hex } from "viem";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";
import {
  ContractRevertError,
  InvalidParameterError,
  checkInference,
  deprecateModel,
  getInference,
  getModel,
  isVerified,
  registerModel,
  setModelMetadata,
  submitProof,
  transferModelOwnership,
  verifyInference,
  watchVerifications,
  type VerificationEvent,
} from "../../src/sdk";
import { COMMITMENT_A, COMMITMENT_B, boundProof } from "./fixture";

const hardhat = defineChain({
  id: 31_337,
  name: "hardhat",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});
const walletFor = (address: string) =>
  createWalletClient({
    account: getAddress(address),
    chain: hardhat,
    transport: custom(network.provider as unknown as EIP1193Provider, { retryCount: 0 }),
  });

const INPUT: Hex = "0x0a0b0c";
const OUTPUT: Hex = "0x0102";

async function sdkRegistryFixture() {
  const [deployer, owner, prover, other] = await ethers.getSigners();
  const { addresses } = await deployNetwork(walletFor(deployer.address), configFor("hardhat"));
  const bound = await ethers.deployContract("KeccakBoundVerifier", [COMMITMENT_A]);
  const reverting = await ethers.deployContract("RevertingVerifier", [COMMITMENT_B]);
  return {
    contracts: addresses,
    bound: getAddress(await bound.getAddress()),
    reverting: getAddress(await reverting.getAddress()),
    revertingAbi: JSON.parse(reverting.interface.formatJson()),
    owner: walletFor(owner.address),
    prover: walletFor(prover.address),
    other: walletFor(other.address),
  };
}

/** Runs `action`, expecting a ContractRevertError named `errorName`; returns it. */
async function revertOf(action: Promise<unknown>, errorName: string): Promise<ContractRevertError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error, `expected ${errorName}`).to.be.instanceOf(ContractRevertError);
  expect((error as ContractRevertError).errorName).to.equal(errorName);
  return error as ContractRevertError;
}

describe("sdk: registry actions", () => {
  it("registers a model, verifies an inference and reads both back", async () => {
    const { contracts, bound, owner, prover } = await loadFixture(sdkRegistryFixture);
    const { result: modelId } = await registerModel(owner, {
      contracts,
      commitment: COMMITMENT_A as Hex,
      verifier: bound,
      metadataURI: "ipfs://a",
    });
    expect(modelId).to.equal(1n);
    const model = await getModel(prover, { contracts, modelId });
    expect(model).to.include({ commitment: COMMITMENT_A, verifier: bound, owner: owner.account.address, deprecated: false });
    expect(model.metadataURI).to.equal("ipfs://a");

    const proof = boundProof(INPUT, OUTPUT, prover.account.address) as Hex;
    expect(await checkInference(prover, { contracts, modelId, input: INPUT, output: OUTPUT, proof })).to.deep.equal({
      accepted: true,
    });
    const before = await isVerified(prover, { contracts, modelId, input: INPUT, output: OUTPUT });
    expect(before).to.deep.equal({ verified: false, firstInferenceId: 0n });

    const { result, blockNumber } = await verifyInference(prover, { contracts, modelId, input: INPUT, output: OUTPUT, proof });
    expect(result).to.deep.equal({ inferenceId: 1n, inputHash: keccak256(INPUT), outputHash: keccak256(OUTPUT) });
    const record = await getInference(owner, { contracts, inferenceId: 1n });
    expect(record).to.include({ inferenceId: 1n, modelId, prover: prover.account.address, blockNumber });
    expect(await isVerified(owner, { contracts, modelId, inputHash: keccak256(INPUT), output: OUTPUT })).to.deep.equal({
      verified: true,
      firstInferenceId: 1n,
    });
    // submitProof is the same action under the market's name.
    const again = await submitProof(prover, { contracts, modelId, input: INPUT, output: OUTPUT, proof });
    expect(again.result.inferenceId).to.equal(2n);
  });

  it("reports rejections: copied proofs, verifier errors by name, unknown ids, bad parameters", async () => {
    const { contracts, bound, reverting, revertingAbi, owner, prover, other } = await loadFixture(sdkRegistryFixture);
    const { result: modelId } = await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier: bound, metadataURI: "" });
    const { result: badModel } = await registerModel(owner, {
      contracts,
      commitment: COMMITMENT_B as Hex,
      verifier: reverting,
      metadataURI: "",
    });
    const proof = boundProof(INPUT, OUTPUT, prover.account.address) as Hex;

    const copied = await revertOf(
      verifyInference(other, { contracts, modelId, input: INPUT, output: OUTPUT, proof }),
      "ProofRejected"
    );
    expect(copied.hint).to.match(/does not hold/);
    const check = await checkInference(other, { contracts, modelId, input: INPUT, output: OUTPUT, proof });
    expect(check.accepted).to.equal(false);
    if (!check.accepted) expect((check.reason as ContractRevertError).errorName).to.equal("ProofRejected");

    const named = await revertOf(
      verifyInference(prover, { contracts, modelId: badModel, input: INPUT, output: OUTPUT, proof, verifierAbi: revertingAbi }),
      "SumcheckRoundMismatch"
    );
    expect(named.args).to.deep.equal([3n, keccak256(proof)]);
    const checked = await checkInference(prover, {
      contracts,
      modelId: badModel,
      input: INPUT,
      output: OUTPUT,
      proof,
      verifierAbi: revertingAbi,
    });
    expect(checked.accepted === false && (checked.reason as ContractRevertError).errorName).to.equal("SumcheckRoundMismatch");

    await revertOf(getModel(prover, { contracts, modelId: 9n }), "UnknownModel");
    await revertOf(getInference(prover, { contracts, inferenceId: 1n }), "UnknownInference");
    await revertOf(
      registerModel(owner, { contracts, commitment: COMMITMENT_B as Hex, verifier: bound, metadataURI: "" }),
      "CommitmentMismatch"
    );
    const rejection = (action: Promise<unknown>) => action.then(() => undefined, (e: unknown) => e);
    const zeroId = await rejection(getModel(prover, { contracts, modelId: 0n }));
    expect(zeroId).to.be.instanceOf(InvalidParameterError).with.property("message").match(/modelId/);
    const oddHex = await rejection(verifyInference(prover, { contracts, modelId, input: "0x123" as Hex, output: OUTPUT, proof }));
    expect(oddHex).to.be.instanceOf(InvalidParameterError).with.property("message").match(/input must be 0x-prefixed hex/);
    const noInput = await rejection(isVerified(prover, { contracts, modelId, output: OUTPUT }));
    expect(noInput).to.be.instanceOf(InvalidParameterError).with.property("message").match(/give input or inputHash/);
  });

  it("model owners edit, transfer and deprecate; others are refused by name", async () => {
    const { contracts, bound, owner, other, prover } = await loadFixture(sdkRegistryFixture);
    const { result: modelId } = await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier: bound, metadataURI: "a" });
    await setModelMetadata(owner, { contracts, modelId, metadataURI: "b" });
    expect((await getModel(owner, { contracts, modelId })).metadataURI).to.equal("b");
    const refused = await revertOf(deprecateModel(other, { contracts, modelId }), "NotModelOwner");
    expect(refused.hint).to.match(/Only the owner of model 1/);
    await transferModelOwnership(owner, { contracts, modelId, newOwner: other.account.address });
    await deprecateModel(other, { contracts, modelId });
    expect(await getModel(owner, { contracts, modelId })).to.include({ owner: other.account.address, deprecated: true });
    const proof = boundProof(INPUT, OUTPUT, prover.account.address) as Hex;
    await revertOf(verifyInference(prover, { contracts, modelId, input: INPUT, output: OUTPUT, proof }), "ModelIsDeprecated");
  });

  it("watchVerifications reports new verifications, filtered by model", async () => {
    const { contracts, bound, owner, prover } = await loadFixture(sdkRegistryFixture);
    const { result: modelId } = await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier: bound, metadataURI: "" });
    const { result: otherModel } = await registerModel(owner, { contracts, commitment: COMMITMENT_A as Hex, verifier: bound, metadataURI: "" });
    const seen: VerificationEvent[] = [];
    const stop = watchVerifications(prover, { contracts, modelId, pollingInterval: 20, onVerifications: (events) => seen.push(...events) });
    try {
      // The watch installs its log filter asynchronously: give it a few polling intervals first.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const proof = boundProof(INPUT, OUTPUT, prover.account.address) as Hex;
      await verifyInference(prover, { contracts, modelId: otherModel, input: INPUT, output: OUTPUT, proof });
      const { hash } = await verifyInference(prover, { contracts, modelId, input: INPUT, output: OUTPUT, proof });
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).to.have.length(1);
      expect(seen[0]).to.include({ inferenceId: 2n, modelId, prover: prover.account.address, transactionHash: hash });
    } finally {
      stop();
    }
  });
});
