// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Mle} from "../verifier/layers/Mle.sol";

/// @title PublicTensorHarness — the eq table PublicTensor's evaluation builds on, for the tests (the evaluation and
/// the range check themselves are tested through ModelVerifierPcs.publicTensor / firstOutOfRange)
contract PublicTensorHarness {
    /// @notice Mle.eqTable(point, offset, n).
    function eqTable(uint256[] memory point, uint256 offset, uint256 n) external pure returns (uint256[] memory) {
        return Mle.eqTable(point, offset, n);
    }
}
