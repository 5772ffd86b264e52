// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev The registry's state-changing surface the attacker tries to reach.
interface IRegistryWrite {
    function verifyInference(uint256 modelId, bytes calldata input, bytes calldata output, bytes calldata proof)
        external
        returns (uint256);
}

/// @title ReentrantVerifier (test double)
/// @notice A hostile verifier that ignores `view`: its `verifyInference` has the interface's selector but is
/// state-changing, and calls back into the registry to record an inference of another model (whose proof it
/// holds) under its own address. The registry calls verifiers with STATICCALL, so the reentrant write must
/// fail and the whole verification revert.
contract ReentrantVerifier {
    bytes32 private immutable COMMITMENT;
    IRegistryWrite private immutable REGISTRY;
    uint256 public targetModel;
    bytes public targetProof;

    constructor(bytes32 commitment, IRegistryWrite registry) {
        COMMITMENT = commitment;
        REGISTRY = registry;
    }

    /// @notice Arms the attack: which model to record an inference for, with which proof.
    function arm(uint256 modelId, bytes calldata proof) external {
        targetModel = modelId;
        targetProof = proof;
    }

    /// @notice Same selector as IInferenceVerifier.verifyInference, but it writes: reenters the registry.
    function verifyInference(bytes calldata input, bytes calldata output, address, bytes calldata)
        external
        returns (bool)
    {
        REGISTRY.verifyInference(targetModel, input, output, targetProof);
        return true;
    }

    /// @notice The commitment it claims to verify.
    function modelCommitment() external view returns (bytes32) {
        return COMMITMENT;
    }
}
