// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IInferenceVerifier
/// @notice The interface every generated model verifier implements; the {InferenceRegistry} knows models only
/// through it. A verifier checks one statement: "`output` is what the committed model computes on `input`",
/// with the proof bound to `prover` through the Fiat-Shamir transcript.
interface IInferenceVerifier {
    /// @notice Checks `proof` for the statement (`input`, `output`) proved by `prover`.
    /// @param input The quantized input tensors packed by the model's layout (opaque to the registry).
    /// @param output The quantized output tensors packed by the model's layout (opaque to the registry).
    /// @param prover The address bound into the proof's transcript: a proof made for one address fails for
    /// any other, so a copied proof is worthless.
    /// @param proof The compiled proof (calldata layout of docs/calldata.md).
    /// @return True when the proof holds; a failing check reverts with a custom error naming it.
    function verifyInference(bytes calldata input, bytes calldata output, address prover, bytes calldata proof)
        external
        view
        returns (bool);

    /// @notice The model commitment this verifier is generated for (a hash of the HyperKZG commitment and the
    /// layout).
    function modelCommitment() external view returns (bytes32);
}
