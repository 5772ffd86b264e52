// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../verifier/BN254.sol";

/// @title Bn254Harness
/// @notice Test harness exposing {BN254.linearCombination} (the batch opening's combination of commitments), so
/// that its skips (weight 0, weight 1, an empty running sum) and the points its reverts name can be checked
/// against TypeScript's G1 arithmetic.
contract Bn254Harness {
    /// @notice Σ_p weights[p]·P_p over the points packed (x, y) in `points`.
    function linearCombination(uint256[] calldata points, uint256[] calldata weights)
        external
        view
        returns (uint256 x, uint256 y)
    {
        return BN254.linearCombination(points, weights);
    }
}
