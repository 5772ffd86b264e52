/**
 * The bench's on-chain measurement: deploys the interpreter libraries and the model's generated verifier on
 * Hardhat's in-process network (Osaka rules, EIP-7825 cap) and sends ONE verification transaction,
 * `verifyInference(input, output, prover, proof)`, reporting the receipt's gasUsed (intrinsic gas, calldata and
 * the EIP-7623 floor included), the calldata size and the verifier's deployed bytecode size.
 *
 * Needs the project's Hardhat setup (run from the repository: `hardhat.config.ts` and the compiled libraries).
 */
import { encodeFunctionData, toHex, type Abi, type Address, type Hex } from "viem";
import { compileVerifier, linkBytecode } from "../compiler/compile-verifier";
import { INTERPRETER_LIBRARIES } from "../compiler/interpreter-libraries";
import { generateVerifier } from "../compiler/verifier-gen";
import type { QuantizedModel } from "../model/quant/quantize";
import { verifierPlan, type InferenceStatement } from "../prover/graph";
import type { VerifyingKey } from "../prover/keys";
import type { OnChainMeasurement } from "./model-bench";

const CONTRACT_NAME = "BenchVerifier";

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** Sends a transaction from the first unlocked account and returns its receipt (throws on a revert). */
async function send(provider: Eip1193, from: Address, tx: { to?: Address; data: Hex }): Promise<{ gasUsed: bigint; contractAddress: Address | null }> {
  const hash = (await provider.request({ method: "eth_sendTransaction", params: [{ from, ...tx }] })) as Hex;
  const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as { status: Hex; gasUsed: Hex; contractAddress: Address | null };
  if (receipt.status !== "0x1") throw new Error(`bench: transaction ${hash} reverted`);
  return { gasUsed: BigInt(receipt.gasUsed), contractAddress: receipt.contractAddress };
}

/**
 * Measures one verification of `proof` on the in-process network.
 * @throws when the generator refuses the model (unsupported step, size or gas cap; the reason is in the message)
 *   or the verification reverts
 */
export async function measureOnChain(args: {
  readonly vk: VerifyingKey;
  readonly model: QuantizedModel;
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
}): Promise<OnChainMeasurement> {
  const generated = generateVerifier(verifierPlan(args.vk, args.model), { contractName: CONTRACT_NAME, contractsImport: ".." });
  // Loading Hardhat creates the project's runtime environment (hardhat.config.ts in the working directory).
  const hre = await import("hardhat");
  await hre.run("compile", { quiet: true });
  const provider = hre.network.provider as Eip1193;
  const [from] = (await provider.request({ method: "eth_accounts" })) as Address[];

  const libraries: Record<string, Address> = {};
  for (const name of INTERPRETER_LIBRARIES) {
    const artifact = await hre.artifacts.readArtifact(name);
    const { contractAddress } = await send(provider, from, { data: linkBytecode(artifact.bytecode as Hex, artifact.linkReferences, libraries) });
    libraries[name] = contractAddress!;
  }
  const compiled = compileVerifier(generated.source, CONTRACT_NAME);
  const { contractAddress: verifier } = await send(provider, from, { data: linkBytecode(compiled.bytecode, compiled.linkReferences, libraries) });
  const code = (await provider.request({ method: "eth_getCode", params: [verifier, "latest"] })) as Hex;

  const data = encodeFunctionData({
    abi: compiled.abi as Abi,
    functionName: "verifyInference",
    args: [toHex(args.statement.input), toHex(args.statement.output), args.statement.prover, toHex(args.proof)],
  });
  const { gasUsed } = await send(provider, from, { to: verifier!, data });
  return { gas: Number(gasUsed), calldata_bytes: (data.length - 2) / 2, verifier_bytecode_bytes: (code.length - 2) / 2 };
}
