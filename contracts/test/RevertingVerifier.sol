// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInferenceVerifier} from "../registry/IInferenceVerifier.sol";

/// @title RevertingVerifier (test double)
/// @notice Rejects every proof with a custom error carrying data derived from the call, the way a generated
/// verifier names the failed check; tests assert the registry bubbles it up byte for byte.
contract RevertingVerifier is IInferenceVerifier {
    bytes32 private immutable COMMITMENT;

    error SumcheckRoundMismatch(uint256 round, bytes32 claim);

    constructor(bytes32 commitment) {
        COMMITMENT = commitment;
    }

    /// @inheritdoc IInferenceVerifier
    function verifyInference(bytes calldata input, bytes calldata, address, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        revert SumcheckRoundMismatch(input.length, keccak256(proof));
    }

    /// @inheritdoc IInferenceVerifier
    function modelCommitment() external view returns (bytes32) {
        return COMMITMENT;
    }
}
