// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {CausalMaskStep} from "./layers/CausalMaskStep.sol";
import {RmsNormStep} from "./layers/RmsNormStep.sol";
import {RopeStep} from "./layers/RopeStep.sol";
import {EmbeddingStep} from "./layers/EmbeddingStep.sol";
import {ArgmaxStep} from "./layers/ArgmaxStep.sol";

/// @title ModelVerifierLlm — the extension library of the LLM node steps (docs/gguf.md, "LLM layers")
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one step of the llama graph on the
/// register's claims: u8 sub-opcode (below; src/compiler/program/attention.ts `LLM_OP` holds the same numbers),
/// then the step's parameters.
///   CAUSAL_MASK  1  CausalMaskStep.sol (after the causal softmax's inner SOFTMAX, ModelVerifierAttention)
///   RMSNORM      2  RmsNormStep.sol (after the step's REQUANT)
///   ROPE         3  RopeStep.sol (after the step's REQUANT)
///   EMBEDDING    4  EmbeddingStep.sol
///   ARGMAX       5  ArgmaxStep.sol (the next-token choice of proved generation)
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierLlm {
    uint256 internal constant OP_CAUSAL_MASK = 1;
    uint256 internal constant OP_RMSNORM = 2;
    uint256 internal constant OP_ROPE = 3;
    uint256 internal constant OP_EMBEDDING = 4;
    uint256 internal constant OP_ARGMAX = 5;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error LlmOpUnknown(uint256 op);

    /// @notice Extension.sol's entry point.
    function run(uint256[] calldata frame, bytes memory section, bytes calldata proof)
        public
        view
        returns (uint256[] memory)
    {
        (ProofStream.Stream memory s, ProofStream.Claim[] memory input) = Extension.open(frame, proof);
        Program.Reader memory r = Program.reader(section);
        uint256 op = Program.u8(r);
        ProofStream.Claim[] memory out;
        if (op == OP_CAUSAL_MASK) out = CausalMaskStep.run(s, r, input);
        else if (op == OP_RMSNORM) out = RmsNormStep.run(s, r, input);
        else if (op == OP_ROPE) out = RopeStep.run(s, r, input);
        else if (op == OP_EMBEDDING) out = EmbeddingStep.run(r, input);
        else if (op == OP_ARGMAX) out = ArgmaxStep.run(s, r, input);
        else revert LlmOpUnknown(op);
        Program.finish(r);
        return Extension.close(s, out);
    }
}
