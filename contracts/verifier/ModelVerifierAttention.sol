// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {SoftmaxStep} from "./layers/SoftmaxStep.sol";
import {LogSoftmaxStep} from "./layers/LogSoftmaxStep.sol";
import {CausalMaskStep} from "./layers/CausalMaskStep.sol";
import {RmsNormStep} from "./layers/RmsNormStep.sol";
import {RopeStep} from "./layers/RopeStep.sol";
import {EmbeddingStep} from "./layers/EmbeddingStep.sol";
import {NormStep} from "./layers/NormStep.sol";
import {Reindex} from "./layers/Reindex.sol";
import {LayerOps} from "./layers/LayerOps.sol";

/// @title ModelVerifierAttention — the extension library of the transformer and LLM node steps
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one transformer or LLM
/// step (softmax, log-softmax / logsumexp, causal softmax, RMSNorm, RoPE, token embedding) on the register's claims: u8 sub-opcode (below;
/// src/compiler/program/attention.ts `ATTENTION_OP` holds the same numbers), then the step's parameters.
///   SOFTMAX        1  SoftmaxStep.sol
///   LOGSOFTMAX_A   2  LogSoftmaxStep.arena (before the step's REQUANT)
///   LOGSOFTMAX_B   3  LogSoftmaxStep.rest (after it)
///   CAUSAL_MASK    4  CausalMaskStep.sol (after the causal softmax's inner SOFTMAX)
///   RMSNORM        5  RmsNormStep.sol (after the step's REQUANT)
///   ROPE           6  RopeStep.sol (after the step's REQUANT)
///   EMBEDDING      7  EmbeddingStep.sol
///   NORM_ARENA     8  NormStep.arena (before the norm step's requantizations)
///   NORM_SUMS      9  NormStep.sums (after them)
///   RESHAPE       10  Reindex.single on one claim (a flat weight seen in another shape; LayerOps REINDEX bytes)
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierAttention {
    uint256 internal constant OP_SOFTMAX = 1;
    uint256 internal constant OP_LOGSOFTMAX_ARENA = 2;
    uint256 internal constant OP_LOGSOFTMAX_REST = 3;
    uint256 internal constant OP_CAUSAL_MASK = 4;
    uint256 internal constant OP_RMSNORM = 5;
    uint256 internal constant OP_ROPE = 6;
    uint256 internal constant OP_EMBEDDING = 7;
    uint256 internal constant OP_NORM_ARENA = 8;
    uint256 internal constant OP_NORM_SUMS = 9;
    uint256 internal constant OP_RESHAPE = 10;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error AttentionOpUnknown(uint256 op);

    /// @notice Extension.sol's entry point.
    function run(uint256[] memory frame, bytes memory section, bytes calldata proof)
        public
        view
        returns (uint256[] memory)
    {
        (ProofStream.Stream memory s, ProofStream.Claim[] memory input) = Extension.open(frame, proof);
        Program.Reader memory r = Program.reader(section);
        uint256 op = Program.u8(r);
        ProofStream.Claim[] memory out;
        if (op == OP_SOFTMAX) out = SoftmaxStep.run(s, r, input);
        else if (op == OP_LOGSOFTMAX_ARENA) out = LogSoftmaxStep.arena(s, r, input);
        else if (op == OP_LOGSOFTMAX_REST) out = LogSoftmaxStep.rest(s, r, input);
        else if (op == OP_CAUSAL_MASK) out = CausalMaskStep.run(s, r, input);
        else if (op == OP_RMSNORM) out = RmsNormStep.run(s, r, input);
        else if (op == OP_ROPE) out = RopeStep.run(s, r, input);
        else if (op == OP_EMBEDDING) out = EmbeddingStep.run(r, input);
        else if (op == OP_NORM_ARENA) out = NormStep.arena(r, input);
        else if (op == OP_NORM_SUMS) out = NormStep.sums(s, r, input);
        else if (op == OP_RESHAPE) out = _reshape(s, r, input);
        else revert AttentionOpUnknown(op);
        Program.finish(r);
        return Extension.close(s, out);
    }

    /// @dev One claim through a Reindex selector (the section continues with LayerOps' REINDEX instruction bytes).
    function _reshape(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        private
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (input.length != 1 || Program.u8(r) != LayerOps.OP_REINDEX) revert AttentionOpUnknown(OP_RESHAPE);
        out = new ProofStream.Claim[](1);
        out[0] = Reindex.single(s, r, input[0]);
    }
}
