// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {IntConstant} from "./IntConstant.sol";
import {SelectorStep} from "./SelectorStep.sol";
import {Mle} from "./Mle.sol";

/// @title IntConcatStep — a Concat of integer tensors with constant inputs carried in the program (`int-concat`)
/// @notice Twin of `intConcatHandler.verify` (src/prover/graph/nodes/int-move.ts; docs/prover.md "Exact integer
/// movement"). At the merged claim (r, v) on Y: absorb("reindex.claim", [r, v]); every constant input j's part
/// c_j = Σ_x C_j(x)·S_j(x) is computed here — the Concat selector S_j at r is eq(r, the output position of x), so
/// c_j is the MLE at r of C_j spread over the OUTPUT's layout (IntConstant, indices in Y's padded layout); the
/// prover sends the parts of every activation input but the last (absorb("concat.parts", …)), the last is
/// v − Σ c_j − Σ sent; then one selector sum-check per activation input in input order (SelectorStep, pool: r).
/// Claims in: the one merged claim on Y. Claims out: one per activation input, in input order.
/// Program: u8 constants, each an IntConstant over Y's layout; u8 activations A ≥ 1; A selectors.
library IntConcatStep {
    bytes32 internal constant LABEL_CLAIM = "reindex.claim";
    bytes32 internal constant LABEL_PARTS = "concat.parts";

    /// @notice The register is not one claim, or the program lists no activation input (a generator bug).
    error IntConcatProgram();

    /// @notice Runs the step on the merged claim; returns one claim per activation input.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory xs)
    {
        if (input.length != 1) revert IntConcatProgram();
        ProofStream.Claim memory claim = input[0];
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        uint256 rest = claim.value;
        for (uint256 j = Program.u8(r); j > 0; --j) rest = Mle.sub(rest, IntConstant.evaluate(r, claim.point));
        uint256 k = Program.u8(r);
        if (k == 0) revert IntConcatProgram();
        uint256 at = ProofStream.absorbScalars(s, LABEL_PARTS, k - 1);
        for (uint256 j; j + 1 < k; ++j) rest = Mle.sub(rest, ProofStream.word(at, j));
        xs = new ProofStream.Claim[](k);
        for (uint256 j; j < k; ++j) {
            xs[j] = SelectorStep.verify(s, r, j + 1 < k ? ProofStream.word(at, j) : rest, claim.point);
        }
    }
}
