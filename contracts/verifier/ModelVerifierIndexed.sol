// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {ExactDivStep} from "./layers/ExactDivStep.sol";
import {WhereRuntimeStep} from "./layers/WhereRuntimeStep.sol";
import {TopKStep} from "./layers/TopKStep.sol";
import {ScatterRuntimeStep} from "./layers/ScatterRuntimeStep.sol";

/// @title ModelVerifierIndexed — the extension library of the remaining corpus kinds (integer Div by a constant,
/// runtime-condition Where, TopK, Scatter at runtime indices)
/// @notice Runs, for the interpreter's EXT instruction (Extension.sol's ABI), one step on the register's claims:
/// u8 sub-opcode (below; src/compiler/program/indexed.ts `INDEXED_OP` holds the same numbers), then the step's
/// parameters (docs/verifier-gen.md, "ModelVerifierIndexed").
///   EXACT_DIV      1  ExactDivStep.sol        integer Div by a constant (truncation toward zero)
///   WHERE_RUNTIME  2  WhereRuntimeStep.sol    Where with a runtime bool condition
///   TOPK           3  TopKStep.sol            TopK over the last axis (values and indices)
///   SCATTER        4  ScatterRuntimeStep.sol  ScatterElements / ScatterND at runtime indices
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE sends to tensors and to openings of W and A.
library ModelVerifierIndexed {
    uint256 internal constant OP_EXACT_DIV = 1;
    uint256 internal constant OP_WHERE_RUNTIME = 2;
    uint256 internal constant OP_TOPK = 3;
    uint256 internal constant OP_SCATTER = 4;

    /// @notice The section names an unknown sub-opcode (a generator bug).
    error IndexedOpUnknown(uint256 op);

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
        if (op == OP_EXACT_DIV) out = ExactDivStep.run(s, r, input);
        else if (op == OP_WHERE_RUNTIME) out = WhereRuntimeStep.run(s, r, input);
        else if (op == OP_TOPK) out = TopKStep.run(s, r, input);
        else if (op == OP_SCATTER) out = ScatterRuntimeStep.run(s, r, input);
        else revert IndexedOpUnknown(op);
        Program.finish(r);
        return Extension.close(s, out);
    }
}
