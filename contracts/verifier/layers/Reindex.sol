// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title Reindex — single-input re-indexing layers and Concat
/// @notice Twins of `verifyReindex` (src/prover/layers/reindex.ts) and `verifyConcat` (concat.ts), spec in
/// docs/prover.md ("Re-indexing layers"). Both absorb the claim as "reindex.claim" and reduce it with
/// selector sum-checks whose sources are coordinates of the claim's point.
library Reindex {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIM = "reindex.claim";
    bytes32 internal constant LABEL_PARTS = "concat.parts";

    /// @notice Window sum, Pad, Slice or Reshape. Program: u8 hasConstant; [word value, u8 axes; per axis
    /// u8 start, u8 bits, u32 out, u32 lo, u32 hi]; then the selector (pool: the claim's point). The constant
    /// term of a Pad with a non-zero value is value·(Π_a ind[0, out_a)(r_a) − Π_a ind[lo_a, hi_a)(r_a)).
    function single(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        pure
        returns (ProofStream.Claim memory x)
    {
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        uint256 value = claim.value;
        if (Program.u8(r) != 0) value = Mle.sub(value, _padConstant(r, claim.point));
        x = SelectorStep.verify(s, r, value, claim.point);
    }

    /// @notice Concat of k inputs: the prover sends the parts v_0 … v_{k−2} (absorb "concat.parts"); the
    /// last is the claim minus their sum; then one selector per input. Program: u8 k, then k selectors.
    function concat(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        pure
        returns (ProofStream.Claim[] memory xs)
    {
        uint256 k = Program.u8(r);
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        uint256 at = ProofStream.absorbScalars(s, LABEL_PARTS, k - 1);
        xs = new ProofStream.Claim[](k);
        uint256 rest = claim.value;
        for (uint256 j; j < k; ++j) {
            uint256 part = rest;
            if (j + 1 < k) {
                part = ProofStream.word(at, j);
                rest = Mle.sub(rest, part);
            }
            xs[j] = SelectorStep.verify(s, r, part, claim.point);
        }
    }

    function _padConstant(Program.Reader memory r, uint256[] memory point) private pure returns (uint256) {
        uint256 value = Program.word(r);
        uint256 axes = Program.u8(r);
        uint256 all = 1;
        uint256 inner = 1;
        for (uint256 a; a < axes; ++a) {
            (uint256 whole, uint256 interval) = _axisIndicators(r, point);
            all = mulmod(all, whole, R_MODULUS);
            inner = mulmod(inner, interval, R_MODULUS);
        }
        return mulmod(value, Mle.sub(all, inner), R_MODULUS);
    }

    /// @dev One axis: ind[0, out)(r_a) and ind[lo, hi)(r_a) = prefix(hi) − prefix(lo).
    function _axisIndicators(Program.Reader memory r, uint256[] memory point)
        private
        pure
        returns (uint256 whole, uint256 interval)
    {
        uint256 start = Program.u8(r);
        uint256 bits = Program.u8(r);
        whole = Mle.prefixIndicator(Program.u32(r), point, start, bits);
        uint256 lo = Mle.prefixIndicator(Program.u32(r), point, start, bits);
        interval = Mle.sub(Mle.prefixIndicator(Program.u32(r), point, start, bits), lo);
    }
}
