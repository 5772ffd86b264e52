// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInferenceVerifier} from "../registry/IInferenceVerifier.sol";

/// @title KeccakBoundVerifier (test double)
/// @notice Accepts a "proof" iff it is the 32 bytes keccak256(abi.encode(input, output, prover)): like a real
/// proof it is bound to the statement and to the prover's address, so copying it to another sender fails.
/// A proof of the wrong length reverts with {ProofLength}; a wrong 32-byte proof makes it return false (a
/// behaviour real verifiers must not have, exercised so the registry's handling of it is tested).
contract KeccakBoundVerifier is IInferenceVerifier {
    bytes32 private immutable COMMITMENT;

    error ProofLength(uint256 length);

    constructor(bytes32 commitment) {
        COMMITMENT = commitment;
    }

    /// @inheritdoc IInferenceVerifier
    function verifyInference(bytes calldata input, bytes calldata output, address prover, bytes calldata proof)
        external
        pure
        returns (bool)
    {
        if (proof.length != 32) revert ProofLength(proof.length);
        return bytes32(proof) == keccak256(abi.encode(input, output, prover));
    }

    /// @inheritdoc IInferenceVerifier
    function modelCommitment() external view returns (bytes32) {
        return COMMITMENT;
    }
}
