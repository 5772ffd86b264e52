// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {CompareStep} from "./layers/CompareStep.sol";
import {LogicStep} from "./layers/LogicStep.sol";
import {ExactStep} from "./layers/ExactStep.sol";

/// @title ModelVerifierExact — the extension library of the exact integer kinds (compare, logic, exact)
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one step of an integer-valued node on
/// the register's claims: u8 sub-opcode (below; src/compiler/program/exact.ts `EXACT_OP` holds the same numbers),
/// then the step's parameters (docs/verifier-gen.md, "ModelVerifierExact").
///   COMPARE  1  CompareStep.sol  Less / Greater / LessOrEqual / GreaterOrEqual (sign bit by limb range checks)
///   LOGIC    2  LogicStep.sol    Not / And / Or / Xor
///   EXACT    3  ExactStep.sol    integer Add / Sub / Mul (tensor or constant operand)
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierExact {
    uint256 internal constant OP_COMPARE = 1;
    uint256 internal constant OP_LOGIC = 2;
    uint256 internal constant OP_EXACT = 3;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error ExactOpUnknown(uint256 op);

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
        if (op == OP_COMPARE) out = CompareStep.run(s, r, input);
        else if (op == OP_LOGIC) out = LogicStep.run(s, r, input);
        else if (op == OP_EXACT) out = ExactStep.run(s, r, input);
        else revert ExactOpUnknown(op);
        Program.finish(r);
        return Extension.close(s, out);
    }
}
