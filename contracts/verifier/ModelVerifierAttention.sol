// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {SoftmaxStep} from "./layers/SoftmaxStep.sol";
import {LogSoftmaxStep} from "./layers/LogSoftmaxStep.sol";
import {NormStep} from "./layers/NormStep.sol";
import {DivStep} from "./layers/DivStep.sol";
import {WhereStep} from "./layers/WhereStep.sol";
import {Reindex} from "./layers/Reindex.sol";
import {LayerOps} from "./layers/LayerOps.sol";

/// @title ModelVerifierAttention — the extension library of the transformer and LLM node steps
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one transformer step
/// (softmax, log-softmax / logsumexp, normalization, division, constant-mask Where, constant-index Scatter) on
/// the register's claims: u8 sub-opcode (below; src/compiler/program/attention.ts `ATTENTION_OP` holds the same
/// numbers), then the step's parameters.
///   SOFTMAX        1  SoftmaxStep.sol
///   LOGSOFTMAX_A   2  LogSoftmaxStep.arena (before the step's REQUANT)
///   LOGSOFTMAX_B   3  LogSoftmaxStep.rest (after it)
///   NORM_ARENA     4  NormStep.arena (before the norm step's requantizations)
///   NORM_SUMS      5  NormStep.sums (after them)
///   RESHAPE        6  Reindex.single on one claim (a flat weight seen in another shape; LayerOps REINDEX bytes)
///   DIV            7  DivStep.sol (after the div step's requantization and limb openings)
///   WHERE          8  WhereStep.run (public copy maps: constant-index Scatter; after MERGEMANY of the claims on y)
///   POINTS         9  every claim's point re-gathered from (point ‖ 0 ‖ 1): a Split part aligned to its size
///   WHERE_MASK    10  WhereStep.mask (a constant-condition Where, after MERGEMANY of the claims on y)
/// The LLM steps (RMSNorm, RoPE, token embedding, the causal mask) are in ModelVerifierLlm.
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierAttention {
    uint256 internal constant OP_SOFTMAX = 1;
    uint256 internal constant OP_LOGSOFTMAX_ARENA = 2;
    uint256 internal constant OP_LOGSOFTMAX_REST = 3;
    uint256 internal constant OP_NORM_ARENA = 4;
    uint256 internal constant OP_NORM_SUMS = 5;
    uint256 internal constant OP_RESHAPE = 6;
    uint256 internal constant OP_DIV = 7;
    uint256 internal constant OP_WHERE = 8;
    uint256 internal constant OP_POINTS = 9;
    uint256 internal constant OP_WHERE_MASK = 10;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error AttentionOpUnknown(uint256 op);

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
        if (op == OP_SOFTMAX) out = SoftmaxStep.run(s, r, input);
        else if (op == OP_LOGSOFTMAX_ARENA) out = LogSoftmaxStep.arena(s, r, input);
        else if (op == OP_LOGSOFTMAX_REST) out = LogSoftmaxStep.rest(s, r, input);
        else if (op == OP_NORM_ARENA) out = NormStep.arena(r, input);
        else if (op == OP_NORM_SUMS) out = NormStep.sums(s, r, input);
        else if (op == OP_RESHAPE) out = _reshape(s, r, input);
        else if (op == OP_DIV) out = DivStep.run(s, r);
        else if (op == OP_WHERE) out = WhereStep.run(s, r, input);
        else if (op == OP_POINTS) out = _points(r, input);
        else if (op == OP_WHERE_MASK) out = WhereStep.mask(s, r, input);
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

    /// @dev An aligned Split part: the input's point is the output's with the axis' high bits (constants) inserted.
    /// Section: one gather over the pool (point ‖ 0 ‖ 1), applied to every claim.
    function _points(Program.Reader memory r, ProofStream.Claim[] memory input)
        private
        pure
        returns (ProofStream.Claim[] memory out)
    {
        uint256 at = r.ptr;
        out = new ProofStream.Claim[](input.length);
        for (uint256 i; i < input.length; ++i) {
            r.ptr = at;
            uint256[] memory p = input[i].point;
            uint256[] memory pool = new uint256[](p.length + 2);
            for (uint256 j; j < p.length; ++j) pool[j] = p[j];
            pool[p.length + 1] = 1;
            out[i] = ProofStream.Claim(Program.gather(r, pool), input[i].value);
        }
        if (input.length == 0) Program.skip(r, Program.u8(r));
    }
}
