// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Mle} from "../verifier/layers/Mle.sol";

/// @title PublicTensorHarness — the eq evaluations of Mle (the table PublicTensor's evaluation builds on, and eqAt),
/// for the tests (the evaluation and the range check themselves are tested through ModelVerifierPcs.publicTensor /
/// firstOutOfRange)
contract PublicTensorHarness {
    /// @notice Mle.eqTable(point, offset, n).
    function eqTable(uint256[] memory point, uint256 offset, uint256 n) external pure returns (uint256[] memory) {
        return Mle.eqTable(point, offset, n);
    }

    /// @notice Mle.eqAt(x, y, offset).
    function eqAt(uint256[] memory x, uint256[] memory y, uint256 offset) external pure returns (uint256) {
        return Mle.eqAt(x, y, offset);
    }

    /// @notice Mle.eqAt(x, y, offset) with y decoded first: y below x in memory.
    function eqAtYFirst(uint256[] memory y, uint256[] memory x, uint256 offset) external pure returns (uint256) {
        return Mle.eqAt(x, y, offset);
    }
}
