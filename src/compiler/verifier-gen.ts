/**
 * The verifier generator: a model's verifier plan → the Solidity source of its on-chain verifier. The contract
 * embeds the model's program (./program/model.ts: the plan with every constant) and implements
 * `IInferenceVerifier` by calling the `ModelVerifier` interpreter library (linked at deploy, like
 * `ModelVerifierPcs` behind it). Refused, with the reason: a plan with a step the interpreter does not run, a
 * program too large for the 24,576-byte code limit, and a model whose estimated verification exceeds the
 * 16,777,216-gas transaction cap. Spec: docs/verifier-gen.md.
 */
import { relative, dirname, join, sep } from "node:path";
import type { VerifierPlan } from "../prover/graph/plan";
import { VERSION } from "../version";
import { modelProgram } from "./program/model";
import { estimateVerifier, TX_GAS_CAP, type VerifierEstimate } from "./verifier-estimate";

/** EIP-170's limit on deployed code. */
export const CODE_SIZE_LIMIT = 24_576;
/** Deployed bytes of a generated verifier besides its program (measured: dispatch, the library call, ABI code). */
export const VERIFIER_CODE_OVERHEAD = 1_200;

/** A model the generator refuses (the reason names the limit and the numbers). */
export class VerifierGenError extends Error {
  override readonly name = "VerifierGenError";
}

/** Options of {@link generateVerifier}. */
export interface GenerateVerifierOptions {
  /** Contract name (default `Verifier_<first 8 hex digits of the digest>`). */
  readonly contractName?: string;
  /** Where the `contracts/` directory holding ModelVerifier.sol is, relative to the output file's directory. */
  readonly contractsImport?: string;
}

/** The generated verifier. */
export interface GeneratedVerifier {
  readonly contractName: string;
  readonly source: string;
  readonly program: Uint8Array;
  readonly estimate: VerifierEstimate;
}

/** Generates the verifier of `plan`. @throws {VerifierGenError} (and UnsupportedStepError) naming the reason */
export function generateVerifier(plan: VerifierPlan, options: GenerateVerifierOptions = {}): GeneratedVerifier {
  const limits = limitRefusals(plan);
  if (limits.reasons.length > 0) throw new VerifierGenError(limits.reasons[0]);
  return emit(plan, options, limits.program, limits.estimate);
}

/** A verifier generated past the limits, for measuring (see {@link generateVerifierForMeasurement}). */
export interface MeasurementVerifier extends GeneratedVerifier {
  /** The refusals {@link generateVerifier} would have made (gas cap, then code size), in that order; may be empty. */
  readonly bypassed: readonly string[];
}

/**
 * MEASUREMENT ONLY — never for a deployment: the verifier of `plan` even when its estimated gas exceeds the
 * EIP-7825 cap or its code the EIP-170 limit, so that a harness can deploy it on a network with those limits
 * lifted (e.g. `scripts/llm-gas.ts`: Hardhat with `allowUnlimitedContractSize` and no per-transaction cap) and
 * MEASURE what verification costs. Such a contract cannot be deployed, or cannot verify, on mainnet. Steps the
 * interpreter does not run are still refused. `deepprove verifier`, the bench and the deploy scripts call
 * {@link generateVerifier}, which has no option to skip a limit (test/llm/llm-gas.test.ts).
 */
export function generateVerifierForMeasurement(plan: VerifierPlan, options: GenerateVerifierOptions = {}): MeasurementVerifier {
  const limits = limitRefusals(plan);
  const out = emit(plan, options, limits.program, limits.estimate);
  const marker = limits.reasons.map((r) => `// MEASUREMENT ONLY, not deployable: ${r}\n`).join("");
  return { ...out, source: out.source.replace(/\n/, `\n${marker}`), bypassed: limits.reasons };
}

/** The program, the estimate and every limit they break (the gas cap first, then the code size). */
function limitRefusals(plan: VerifierPlan): { program: Uint8Array; estimate: VerifierEstimate; reasons: string[] } {
  const program = modelProgram(plan);
  const estimate = estimateVerifier(plan);
  const reasons: string[] = [];
  if (estimate.total > TX_GAS_CAP) {
    reasons.push(
      `verification would need about ${estimate.total.toLocaleString("en-US")} gas (proof ${estimate.proofBytes} bytes, ${estimate.sumcheckRounds} sum-check rounds), above the ${TX_GAS_CAP.toLocaleString("en-US")}-gas transaction cap (EIP-7825)`,
    );
  }
  const codeSize = program.length + VERIFIER_CODE_OVERHEAD;
  if (codeSize > CODE_SIZE_LIMIT) {
    reasons.push(`the verifier's code would be about ${codeSize} bytes (program ${program.length}), above the ${CODE_SIZE_LIMIT}-byte contract size limit (EIP-170)`);
  }
  return { program, estimate, reasons };
}

function emit(plan: VerifierPlan, options: GenerateVerifierOptions, program: Uint8Array, estimate: VerifierEstimate): GeneratedVerifier {
  const contractName = options.contractName ?? `Verifier_${plan.digest.slice(2, 10)}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(contractName)) throw new VerifierGenError(`contract name "${contractName}" is not a Solidity identifier`);
  const root = (options.contractsImport ?? "..").replace(/\/+$/, "");
  const source = `// SPDX-License-Identifier: MIT
// Generated by deepprove ${VERSION} (\`deepprove verifier\`) for model ${plan.digest}. Do not edit: regenerate.
pragma solidity ^0.8.28;

import {IInferenceVerifier} from "${root}/registry/IInferenceVerifier.sol";
import {ModelVerifier} from "${root}/verifier/ModelVerifier.sol";

/// @title ${contractName} — the on-chain verifier of model ${plan.digest}
/// @notice Verifies inference proofs of this one model: its program (the verifier plan with every constant —
/// the W commitment, the SRS's G2 elements, slots, the lookup arena's shape and every layer's parameters) runs on
/// the ModelVerifier interpreter. Estimated cost: ${estimate.total.toLocaleString("en-US")} gas per proof of
/// ${estimate.proofBytes} bytes (docs/verifier-gen.md).
contract ${contractName} is IInferenceVerifier {
    /// @notice The model digest, which the InferenceRegistry stores as the model's commitment.
    bytes32 public constant MODEL_DIGEST = ${plan.digest};

    /// @dev The model's verifier program (${program.length} bytes, format version ${program[0]}).
    bytes private constant PROGRAM =
        hex"${Buffer.from(program).toString("hex")}";

    /// @inheritdoc IInferenceVerifier
    /// @dev ModelVerifier.verify(PROGRAM, input, output, prover, proof) encoded by hand (STATICCALL: a library's
    /// view function may be called directly; a revert is re-thrown as is): the program constant is copied once,
    /// straight into the call's arguments, where the compiler would copy it into memory and then again into the
    /// ABI-encoded call — memory this frame pays for quadratically.
    function verifyInference(bytes calldata input, bytes calldata output, address prover, bytes calldata proof)
        external
        view
        returns (bool)
    {
        uint256 ptr;
        assembly ("memory-safe") {
            // The selector and the five head words at ptr; the program's [length, bytes] is allocated next.
            ptr := mload(0x40)
            mstore(0x40, add(ptr, 0xa4))
        }
        bytes memory program = PROGRAM;
        bytes4 selector = ModelVerifier.verify.selector;
        assembly ("memory-safe") {
            // The program where its argument goes (moved there if the compiler put it elsewhere), zero-padded;
            // the free pointer then marks where the next argument goes.
            let args := add(ptr, 4)
            let size := mload(program)
            if iszero(eq(program, add(args, 0xa0))) { mcopy(add(args, 0xa0), program, add(size, 0x20)) }
            mstore(ptr, selector)
            mstore(args, 0xa0)
            mstore(add(args, 0x60), prover)
            mstore(add(add(args, 0xc0), size), 0)
            mstore(0x40, add(add(args, 0xc0), and(add(size, 31), not(31))))
        }
        _argument(ptr, 0x20, input);
        _argument(ptr, 0x40, output);
        _argument(ptr, 0x80, proof);
        return _call(ptr);
    }

    /// @dev Appends \`data\` as [length, bytes zero-padded to a word] at the free pointer (allocated) and writes its
    /// offset into head word \`head\` of the call at \`ptr\`.
    function _argument(uint256 ptr, uint256 head, bytes calldata data) private pure {
        assembly ("memory-safe") {
            let to := mload(0x40)
            mstore(add(add(ptr, 4), head), sub(to, add(ptr, 4)))
            mstore(to, data.length)
            mstore(add(add(to, 0x20), and(data.length, not(31))), 0)
            calldatacopy(add(to, 0x20), data.offset, data.length)
            mstore(0x40, add(add(to, 0x20), and(add(data.length, 31), not(31))))
        }
    }

    /// @dev The call encoded from \`ptr\` to the free pointer; true when ModelVerifier returned true.
    function _call(uint256 ptr) private view returns (bool ok) {
        address lib = address(ModelVerifier);
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), lib, ptr, sub(mload(0x40), ptr), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            // No outcome (no code at lib): revert empty, as the compiler's own library calls do.
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            returndatacopy(0, 0, 0x20)
            ok := eq(mload(0), 1)
        }
    }

    /// @inheritdoc IInferenceVerifier
    function modelCommitment() external pure returns (bytes32) {
        return MODEL_DIGEST;
    }
}
`;
  return { contractName, source, program, estimate };
}

/** The import root (`contracts/` of this package) as seen from the directory of `outFile`, with '/' separators. */
export function contractsImportFor(outFile: string, contractsDir: string): string {
  const rel = relative(dirname(outFile), contractsDir) || ".";
  const posix = rel.split(sep).join("/");
  return posix.startsWith(".") ? posix : `./${posix}`;
}

/** The `contracts/` directory of this package. */
export function packageContractsDir(): string {
  return join(__dirname, "..", "..", "contracts");
}
