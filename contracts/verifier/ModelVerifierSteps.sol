// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {Extension} from "./layers/Extension.sol";
import {CopyStep} from "./layers/CopyStep.sol";
import {MaxMinStep} from "./layers/MaxMinStep.sol";
import {ReduceStep} from "./layers/ReduceStep.sol";
import {AffineStep} from "./layers/AffineStep.sol";
import {ConvTransposeStep} from "./layers/ConvTransposeStep.sol";

/// @title ModelVerifierSteps — the extension library of the CNN-class node steps
/// @notice Runs, for the interpreter's EXT_STEPS instruction (Extension.sol's ABI), one step on the register's
/// claims: u8 step (below; src/compiler/program/steps.ts `STEP_OP` holds the same numbers), then its parameters.
///   INDEX    1  CopyStep.index        Gather of one constant index (a point map, no messages)
///   GATHER   2  CopyStep.gather       Trilu / Tile / Expand / … and nearest Resize (label, selector)
///   MAXMIN   3  MaxMinStep            MaxPool, ReduceMax, ReduceMin
///   REDUCE   4  ReduceStep            ReduceSum / ReduceMean / ReduceL1 / ReduceL2's sum
///   AFFINE   5  AffineStep            BatchNormalization's x ⊙ γ + β
///   CONVT    6  ConvTransposeStep     ConvTranspose
/// Every step reads its messages from the proof stream and returns the claims it hands on, which the program's
/// next ROUTE / ROUTEALL sends to tensors and to openings of W and A.
library ModelVerifierSteps {
    uint256 internal constant STEP_INDEX = 1;
    uint256 internal constant STEP_GATHER = 2;
    uint256 internal constant STEP_MAXMIN = 3;
    uint256 internal constant STEP_REDUCE = 4;
    uint256 internal constant STEP_AFFINE = 5;
    uint256 internal constant STEP_CONVT = 6;

    /// @notice The section names an unknown step (a generator bug).
    error StepUnknown(uint256 step);

    /// @notice Extension.sol's entry point.
    function run(uint256[] calldata frame, bytes memory section, bytes calldata proof)
        public
        view
        returns (uint256[] memory)
    {
        (ProofStream.Stream memory s, ProofStream.Claim[] memory input) = Extension.open(frame, proof);
        Program.Reader memory r = Program.reader(section);
        uint256 step = Program.u8(r);
        ProofStream.Claim[] memory out;
        if (step == STEP_INDEX) out = CopyStep.index(r, input);
        else if (step == STEP_GATHER) out = CopyStep.gather(s, r, input);
        else if (step == STEP_MAXMIN) out = MaxMinStep.verify(s, r, input);
        else if (step == STEP_REDUCE) out = ReduceStep.verify(s, r, input);
        else if (step == STEP_AFFINE) out = AffineStep.verify(s, r, input);
        else if (step == STEP_CONVT) out = ConvTransposeStep.verify(s, r, input);
        else revert StepUnknown(step);
        Program.finish(r);
        return Extension.close(s, out);
    }
}
