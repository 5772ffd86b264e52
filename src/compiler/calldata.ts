/**
 * The calldata compiler: a proof file (docs/proof-format.md) as the exact transaction data that verifies it —
 * `verifyInference(bytes input, bytes output, address prover, bytes proof)` on a generated model verifier
 * (`IInferenceVerifier`), or `verifyInference(uint256 modelId, bytes input, bytes output, bytes proof)` on the
 * `InferenceRegistry` (which binds the proof to `msg.sender`, so the sender must be the proof's prover). The
 * proof stream is passed through unchanged: it already is the verifier's calldata. Byte layout and gas
 * accounting: docs/calldata.md.
 */
import { encodeFunctionData, type Hex } from "viem";
import type { ProofFileContents } from "../artifacts/proof-file";

/** IInferenceVerifier.verifyInference and InferenceRegistry.verifyInference, as viem ABI items. */
export const VERIFY_INFERENCE_ABI = [
  {
    type: "function",
    name: "verifyInference",
    stateMutability: "view",
    inputs: [
      { name: "input", type: "bytes" },
      { name: "output", type: "bytes" },
      { name: "prover", type: "address" },
      { name: "proof", type: "bytes" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
] as const;

export const REGISTRY_VERIFY_INFERENCE_ABI = [
  {
    type: "function",
    name: "verifyInference",
    stateMutability: "nonpayable",
    inputs: [
      { name: "modelId", type: "uint256" },
      { name: "input", type: "bytes" },
      { name: "output", type: "bytes" },
      { name: "proof", type: "bytes" },
    ],
    outputs: [{ name: "inferenceId", type: "uint256" }],
  },
] as const;

/** Gas of transaction data (EIP-2028 and EIP-7623). */
export const CALLDATA_GAS = {
  /** Standard cost per zero / non-zero byte. */
  zeroByte: 4,
  nonZeroByte: 16,
  /** EIP-7623: tokens = zero bytes + 4 × non-zero bytes; floor = 21,000 + 10 × tokens. */
  tokensPerNonZeroByte: 4,
  floorPerToken: 10,
  transaction: 21_000,
} as const;

/** What the data of one transaction costs. */
export interface CalldataCost {
  readonly bytes: number;
  readonly zeroBytes: number;
  /** 16 per non-zero byte + 4 per zero byte (EIP-2028). */
  readonly standardGas: number;
  /** EIP-7623 floor of the whole transaction: 21,000 + 10 × (zero + 4 × non-zero). */
  readonly floorGas: number;
}

/** The standard data gas and EIP-7623 floor of `data`. */
export function calldataCost(data: Uint8Array): CalldataCost {
  let zeros = 0;
  for (const b of data) if (b === 0) zeros++;
  const nonZero = data.length - zeros;
  return {
    bytes: data.length,
    zeroBytes: zeros,
    standardGas: CALLDATA_GAS.zeroByte * zeros + CALLDATA_GAS.nonZeroByte * nonZero,
    floorGas: CALLDATA_GAS.transaction + CALLDATA_GAS.floorPerToken * (zeros + CALLDATA_GAS.tokensPerNonZeroByte * nonZero),
  };
}

const hex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;

/** Data of `IInferenceVerifier.verifyInference(input, output, prover, proof)` on the model's verifier. */
export function verifierCalldata(proof: ProofFileContents): Hex {
  return encodeFunctionData({ abi: VERIFY_INFERENCE_ABI, functionName: "verifyInference", args: [hex(proof.input), hex(proof.output), proof.prover, hex(proof.proof)] });
}

/** Data of `InferenceRegistry.verifyInference(modelId, input, output, proof)`; send it from `proof.prover`. */
export function registryCalldata(modelId: bigint, proof: ProofFileContents): Hex {
  if (modelId <= 0n || modelId >= 1n << 256n) throw new RangeError(`model id ${modelId} is not a registered id (1 … 2^256 − 1)`);
  return encodeFunctionData({ abi: REGISTRY_VERIFY_INFERENCE_ABI, functionName: "verifyInference", args: [modelId, hex(proof.input), hex(proof.output), hex(proof.proof)] });
}

/**
 * Checks that the statement bytes have the model's sizes (`inputBytes`, `outputBytes` = Σ elements × width, the
 * packing of src/prover/graph/statement.ts: `packedBytes`) before
 * any transaction is built: the verifier would reject them, but with a less helpful error.
 * @throws {RangeError} naming the field and both sizes
 */
export function checkStatementSizes(proof: ProofFileContents, sizes: { inputBytes: number; outputBytes: number }): void {
  if (proof.input.length !== sizes.inputBytes) throw new RangeError(`input: ${proof.input.length} bytes, the model's inputs take ${sizes.inputBytes}`);
  if (proof.output.length !== sizes.outputBytes) throw new RangeError(`output: ${proof.output.length} bytes, the model's outputs take ${sizes.outputBytes}`);
}
