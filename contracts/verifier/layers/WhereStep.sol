// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title WhereStep — Where with a constant condition (handler `where`): y = Σ_j G_j(x_j)
/// @notice Twin of the walk of src/prover/graph/nodes/where.ts (after the claims on y are merged by the
/// interpreter's MERGEMANY): parts v_j = absorb("where.parts", k − 1 scalars), v_{k−1} = v − Σ v_j; then per data
/// input the gather IOP (`verifyGather`, src/prover/layers/gather.ts): absorb("gather.claim", [r…, v_j]) and the
/// selector sum-check of its copy map. Claims in: the one (merged) claim on y. Claims out: one per data input.
/// Program: u8 k, then per input its selector (SelectorStep format, pool = the claim's point).
library WhereStep {
    bytes32 internal constant LABEL_PARTS = "where.parts";
    bytes32 internal constant LABEL_GATHER_CLAIM = "gather.claim";

    /// @notice The register is not one claim on y, or the Where has no data input (a generator bug).
    error WhereClaims(uint256 count);

    /// @notice Runs the walk on the merged claim; returns the claims on the data inputs.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        uint256 k = Program.u8(r);
        if (input.length != 1 || k == 0) revert WhereClaims(input.length);
        ProofStream.Claim memory claim = input[0];
        uint256 at = ProofStream.absorbScalars(s, LABEL_PARTS, k - 1);
        uint256 last = claim.value;
        for (uint256 j; j + 1 < k; ++j) last = Mle.sub(last, ProofStream.word(at, j));
        ClaimList.List memory out = ClaimList.create(k);
        for (uint256 j; j < k; ++j) {
            ProofStream.Claim memory part = ProofStream.Claim(claim.point, j + 1 < k ? ProofStream.word(at, j) : last);
            ProofStream.absorbClaim(s, LABEL_GATHER_CLAIM, part);
            ProofStream.Claim memory x = SelectorStep.verify(s, r, part.value, claim.point);
            ClaimList.push(out, x.point, x.value);
        }
        return ClaimList.done(out);
    }
}
