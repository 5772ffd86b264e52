// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title CopyStep — copies by a public map: a constant index (a point map) and gathers / nearest Resize
/// @notice Twins of the `index` point map of `movementHandler` (src/prover/graph/nodes/movement.ts, Gather of one
/// constant index: the input point is the output point with the index's bits inserted) and of `verifyGather`
/// (src/prover/layers/gather.ts: Trilu, Tile, Expand, DepthToSpace, …) and `verifyResize` (resize.ts, nearest):
/// absorb(label, [r…, v]), then one selector sum-check (SelectorStep) on the claim's point → the claim on X.
library CopyStep {
    /// @notice A copy step got another number of claims than it takes (a generator bug).
    error CopyClaimCount(uint256 count);

    /// @notice Every claim's point re-gathered from itself ‖ (0, 1): the index's bits are pool entries n and
    /// n + 1. Program: a gather (u8 count, u8 pool index per coordinate), applied to every claim.
    function index(Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        uint256 at = r.ptr;
        for (uint256 i; i < claims.length; ++i) {
            r.ptr = at;
            uint256[] memory p = claims[i].point;
            uint256 n = p.length;
            uint256[] memory pool = new uint256[](n + 2);
            // pool = point ‖ (0, 1): the point's words copied in one go (pool[n] is already 0).
            assembly ("memory-safe") {
                mcopy(add(pool, 0x20), add(p, 0x20), shl(5, n))
            }
            pool[n + 1] = 1;
            claims[i].point = Program.gather(r, pool);
        }
        if (claims.length == 0) Program.skip(r, Program.u8(r));
        return claims;
    }

    /// @notice One claim Y~(r) = v on a copy's output → the claim on X. Program: word label (the IOP's
    /// "<op>.claim"), then the selector (SelectorStep.verify; pool: the claim's point).
    function gather(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (claims.length != 1) revert CopyClaimCount(claims.length);
        ProofStream.Claim memory claim = claims[0];
        ProofStream.absorbClaim(s, bytes32(Program.word(r)), claim);
        out = new ProofStream.Claim[](1);
        out[0] = SelectorStep.verify(s, r, claim.value, claim.point);
    }
}
