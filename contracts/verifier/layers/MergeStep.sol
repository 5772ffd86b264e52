// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Mle} from "./Mle.sol";

/// @title MergeStep — several claims on one tensor become one
/// @notice Twin of `verifyMerge` (src/prover/layers/merge.ts), spec in docs/prover.md ("Claim merging"):
/// absorb("merge.claims", [p_i…, v_i]) for each claim; if every point is the same the values must agree (no
/// messages); otherwise c = challenge("merge.coeff"), a degree-2 sum-check of Σ c^i v_i over n variables,
/// absorb("merge.eval", [value]) and the check (Σ c^i eq(p_i, ρ))·value = final claim.
library MergeStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIMS = "merge.claims";
    bytes32 internal constant LABEL_COEFF = "merge.coeff";
    bytes32 internal constant LABEL_EVAL = "merge.eval";
    uint256 private constant DEGREE = 2;

    /// @notice Claims at one point carry different values.
    error MergeValuesDisagree();
    /// @notice The merged value does not match the sum-check's final claim.
    error MergeCheckFailed();
    /// @notice A claim's point does not have the tensor's `numVars` coordinates (a verifier bug).
    error MergeClaimShape(uint256 index);

    /// @notice Merges `claims` (k ≥ 1, each with `numVars` coordinates) into one claim.
    function verify(ProofStream.Stream memory s, uint256 numVars, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim memory merged)
    {
        uint256 k = claims.length;
        bool same = true;
        bytes32 first = keccak256(abi.encodePacked(claims[0].point));
        for (uint256 i; i < k; ++i) {
            if (claims[i].point.length != numVars) revert MergeClaimShape(i);
            ProofStream.absorbClaim(s, LABEL_CLAIMS, claims[i]);
            if (i > 0 && keccak256(abi.encodePacked(claims[i].point)) != first) same = false;
        }
        if (same) {
            for (uint256 i = 1; i < k; ++i) {
                if (claims[i].value != claims[0].value) revert MergeValuesDisagree();
            }
            return claims[0];
        }
        uint256 c = ProofStream.challenge(s, LABEL_COEFF);
        uint256 target;
        uint256 power = 1;
        for (uint256 i; i < k; ++i) {
            target = addmod(target, mulmod(power, claims[i].value, R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        uint256 expected;
        (merged.point, expected) = ProofStream.sumcheck(s, target, numVars, DEGREE);
        merged.value = ProofStream.word(ProofStream.absorbScalars(s, LABEL_EVAL, 1), 0);
        uint256 weight;
        power = 1;
        for (uint256 i; i < k; ++i) {
            weight = addmod(weight, mulmod(power, Mle.eq(claims[i].point, merged.point), R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        if (mulmod(weight, merged.value, R_MODULUS) != expected) revert MergeCheckFailed();
    }
}
