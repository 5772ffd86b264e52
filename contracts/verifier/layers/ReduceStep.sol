// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title ReduceStep — the sum over reduced axes of ReduceSum / ReduceMean / ReduceL1 / ReduceL2
/// @notice Twin of `verifyReduce` (src/prover/layers/reduce.ts), spec in docs/prover.md ("More layers:
/// reductions"): absorb("reduce.claim", [r…, v]); a plain sum is one selector sum-check (SelectorStep, degree 2);
/// a sum of squares is a degree-3 sum-check over X's n variables, absorb("reduce.eval", [x]) and the check
/// x²·S~(ρ) = the final claim, S the reduction's selector (kept axes eq(r_a, ·), reduced axes summed).
/// Program: u8 term (0 value, 1 square), then the selector (u8 n, groups; pool: the claim's point).
library ReduceStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIM = "reduce.claim";
    bytes32 internal constant LABEL_EVAL = "reduce.eval";
    uint256 internal constant TERM_SQUARE = 1;
    /// @dev x²·S per variable.
    uint256 private constant SQUARE_DEGREE = 3;

    /// @notice x²·S~(ρ) does not match the sum-check's final claim.
    error ReduceCheckFailed();
    /// @notice The step got another number of claims than one (a generator bug).
    error ReduceClaimCount(uint256 count);

    /// @notice The claim on the accumulator → the claim on X.
    function verify(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (claims.length != 1) revert ReduceClaimCount(claims.length);
        ProofStream.Claim memory claim = claims[0];
        uint256 term = Program.u8(r);
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        out = new ProofStream.Claim[](1);
        if (term != TERM_SQUARE) {
            out[0] = SelectorStep.verify(s, r, claim.value, claim.point);
            return out;
        }
        uint256 numVars = Program.u8(r);
        uint256 expected;
        (out[0].point, expected) = ProofStream.sumcheck(s, claim.value, numVars, SQUARE_DEGREE);
        uint256 x = ProofStream.word(ProofStream.absorbScalars(s, LABEL_EVAL, 1), 0);
        out[0].value = x;
        uint256 selector = SelectorStep.evaluate(r, out[0].point, claim.point);
        if (mulmod(mulmod(x, x, R_MODULUS), selector, R_MODULUS) != expected) revert ReduceCheckFailed();
    }
}
