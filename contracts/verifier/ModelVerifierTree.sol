// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {ClaimList} from "./layers/ClaimList.sol";
import {IntMatmulStep} from "./layers/IntMatmulStep.sol";
import {IntGatherStep} from "./layers/IntGatherStep.sol";
import {IntOneHotStep} from "./layers/IntOneHotStep.sol";
import {IntEqualStep} from "./layers/IntEqualStep.sol";
import {IntGatherFormsStep} from "./layers/IntGatherFormsStep.sol";
import {IntConcatStep} from "./layers/IntConcatStep.sol";

/// @title ModelVerifierTree — the extension library of the tree models' integer kinds
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one step of an integer node of the
/// decision-tree family (docs/prover.md "Integer kinds for the tree models"; docs/verifier-gen.md
/// "ModelVerifierTree") on the register's claims: u8 sub-opcode (below; src/compiler/program/tree.ts `TREE_OP` holds
/// the same numbers), then the step's parameters.
///   MATMUL  1  IntMatmulStep.sol  integer MatMul (`int-matmul`), and the selection Y = H·D of a runtime gather
///                                 (`int-gather`) whose data is a constant the verifier evaluates
///   ROWS    2  IntGatherStep.sol  the one-hot rows IOP of a runtime gather that owns its H (`int-gather`)
///   ONEHOT  3  IntOneHotStep.sol  OneHot at a runtime index (`int-onehot`)
///   EQUAL   4  IntEqualStep.sol   Equal as an exact zero test (`int-equal`)
///   SELECT  5  IntGatherFormsStep.sol  the selection sum-check of a wide GatherElements (`int-gather`, `elements`)
///   ROWSC   6  IntGatherFormsStep.sol  the rows IOP of the wide GatherElements and GatherND forms (any K shape, C
///                                      index components)
///   CONCAT  7  IntConcatStep.sol  a Concat of integer tensors with carried constant inputs (`int-concat`)
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierTree {
    uint256 internal constant OP_MATMUL = 1;
    uint256 internal constant OP_ROWS = 2;
    uint256 internal constant OP_ONEHOT = 3;
    uint256 internal constant OP_EQUAL = 4;
    uint256 internal constant OP_SELECT = 5;
    uint256 internal constant OP_ROWS_FORMS = 6;
    uint256 internal constant OP_CONCAT = 7;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error TreeOpUnknown(uint256 op);
    /// @notice ROWS got another register than the arena's one claim on H (a generator bug).
    error TreeRowsClaims(uint256 count);

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
        if (op == OP_MATMUL) out = IntMatmulStep.run(s, r, input);
        else if (op == OP_ROWS) out = _rows(s, r, input);
        else if (op == OP_ONEHOT) out = IntOneHotStep.run(s, r, input);
        else if (op == OP_EQUAL) out = IntEqualStep.run(s, r, input);
        else if (op == OP_SELECT) out = IntGatherFormsStep.select(s, r, input);
        else if (op == OP_ROWS_FORMS) out = IntGatherFormsStep.rows(s, r, input);
        else if (op == OP_CONCAT) out = IntConcatStep.run(s, r, input);
        else revert TreeOpUnknown(op);
        Program.finish(r);
        return Extension.close(s, out);
    }

    /// @dev ROWS: the arena's claim on H handed on first, then the rows IOP's claims on H and the indices.
    function _rows(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        private
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert TreeRowsClaims(input.length);
        ClaimList.List memory out = ClaimList.create(3);
        ClaimList.push(out, input[0].point, input[0].value);
        IntGatherStep.rows(s, r, input[0], out);
        return ClaimList.done(out);
    }
}
