// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInferenceVerifier} from "./IInferenceVerifier.sol";

/// @title InferenceRegistry
/// @notice Models (commitment, verifier, metadata) and the inferences their verifiers accepted. Anyone may
/// register a model; anyone may record an inference by presenting a proof bound to their own address. The
/// registry has no administrator: no account can add, edit or remove an inference record, and a model's
/// verifier can never be swapped (a fixed verifier is what makes a model id mean something). A model owner
/// may only edit the metadata URI, transfer ownership, and deprecate the model (one-way).
/// @dev Model and inference ids are sequential from 1 (0 is "none"). Duplicate inferences are allowed: the same
/// statement proved again (by the same or another prover) gets a new id, because callers such as the proof
/// market need a record made by a specific prover; {isVerified} answers for the statement whichever prover
/// proved it first. The verifier is called through a `view` interface, i.e. with STATICCALL: it cannot write
/// state or reenter a state-changing function, so no reentrancy guard is needed. See docs/contracts/registry.md.
contract InferenceRegistry {
    /// @notice A registered model.
    /// @param commitment The model commitment, equal to `verifier.modelCommitment()` at registration.
    /// @param verifier The verifier generated for the model; fixed for the model id's lifetime.
    /// @param owner May edit the metadata URI, transfer ownership and deprecate.
    /// @param deprecated No new inference can be recorded for the model (records already made stay valid).
    /// @param registeredAt Block timestamp of the registration.
    /// @param metadataURI Where the model is described (name, layout, vk, source); informative only.
    struct Model {
        bytes32 commitment;
        IInferenceVerifier verifier;
        address owner;
        bool deprecated;
        uint64 registeredAt;
        string metadataURI;
    }

    /// @notice A recorded (verified) inference, as returned by {getInference}.
    struct Inference {
        uint256 modelId;
        bytes32 inputHash;
        bytes32 outputHash;
        address prover;
        uint64 blockNumber;
        uint64 timestamp;
    }

    /// @dev Storage form of {Inference}: four slots (prover, block and time share one).
    struct StoredInference {
        bytes32 inputHash;
        bytes32 outputHash;
        address prover;
        uint48 blockNumber;
        uint48 timestamp;
        uint256 modelId;
    }

    /// @notice Number of models registered; the latest model id.
    uint256 public modelCount;
    /// @notice Number of inferences recorded; the latest inference id.
    uint256 public inferenceCount;

    mapping(uint256 modelId => Model) private _models;
    mapping(uint256 inferenceId => StoredInference) private _inferences;
    /// @dev keccak256(modelId, inputHash, outputHash) => id of the first inference recording that statement.
    mapping(bytes32 statement => uint256 inferenceId) private _firstInference;

    /// @notice A model was registered under `modelId`.
    event ModelRegistered(
        uint256 indexed modelId,
        bytes32 indexed commitment,
        address indexed verifier,
        address owner,
        string metadataURI
    );
    /// @notice The owner of `modelId` replaced its metadata URI.
    event ModelMetadataUpdated(uint256 indexed modelId, string metadataURI);
    /// @notice Ownership of `modelId` moved from `previousOwner` to `newOwner`.
    event ModelOwnershipTransferred(uint256 indexed modelId, address indexed previousOwner, address indexed newOwner);
    /// @notice `modelId` was deprecated: no new inference can be recorded for it.
    event ModelDeprecated(uint256 indexed modelId);
    /// @notice The verifier of `modelId` accepted a proof by `prover` that `outputHash`'s bytes are the model's
    /// output on `inputHash`'s bytes; the record is `inferenceId`.
    event InferenceVerified(
        uint256 indexed inferenceId,
        uint256 indexed modelId,
        address indexed prover,
        bytes32 inputHash,
        bytes32 outputHash
    );

    /// @notice `what` (a parameter name) is the zero address.
    error ZeroAddress(bytes32 what);
    /// @notice The commitment is zero (no verifier is generated for an empty model).
    error ZeroCommitment();
    /// @notice `verifier` has no code.
    error VerifierHasNoCode(address verifier);
    /// @notice The verifier is generated for `actual`, not for the `expected` commitment being registered.
    error CommitmentMismatch(bytes32 expected, bytes32 actual);
    /// @notice No model has id `modelId`.
    error UnknownModel(uint256 modelId);
    /// @notice `modelId` is deprecated: new inferences are refused.
    error ModelIsDeprecated(uint256 modelId);
    /// @notice `caller` is not the owner of `modelId`.
    error NotModelOwner(uint256 modelId, address caller);
    /// @notice The verifier of `modelId` returned false instead of reverting with a reason.
    error ProofRejected(uint256 modelId);
    /// @notice No inference has id `inferenceId`.
    error UnknownInference(uint256 inferenceId);

    /// @notice Registers a model under the next id, owned by `owner`.
    /// @dev Reads `verifier.modelCommitment()` once and requires it to equal `commitment`, so that a model id
    /// never pairs a commitment with a verifier generated for another model.
    /// @param commitment The model commitment (see {IInferenceVerifier.modelCommitment}).
    /// @param verifier The model's generated verifier.
    /// @param metadataURI Description of the model; informative only.
    /// @param owner The account that may edit metadata, transfer ownership and deprecate.
    /// @return modelId The new model's id.
    function registerModel(bytes32 commitment, IInferenceVerifier verifier, string calldata metadataURI, address owner)
        external
        returns (uint256 modelId)
    {
        if (commitment == bytes32(0)) revert ZeroCommitment();
        if (address(verifier) == address(0)) revert ZeroAddress("verifier");
        if (owner == address(0)) revert ZeroAddress("owner");
        if (address(verifier).code.length == 0) revert VerifierHasNoCode(address(verifier));
        bytes32 actual = verifier.modelCommitment();
        if (actual != commitment) revert CommitmentMismatch(commitment, actual);

        modelId = ++modelCount;
        _models[modelId] = Model({
            commitment: commitment,
            verifier: verifier,
            owner: owner,
            deprecated: false,
            registeredAt: uint64(block.timestamp),
            metadataURI: metadataURI
        });
        emit ModelRegistered(modelId, commitment, address(verifier), owner, metadataURI);
    }

    /// @notice Replaces the metadata URI of `modelId`. Model owner only.
    function setModelMetadata(uint256 modelId, string calldata metadataURI) external {
        _ownedModel(modelId).metadataURI = metadataURI;
        emit ModelMetadataUpdated(modelId, metadataURI);
    }

    /// @notice Gives `modelId` to `newOwner`. Model owner only.
    function transferModelOwnership(uint256 modelId, address newOwner) external {
        if (newOwner == address(0)) revert ZeroAddress("newOwner");
        Model storage model = _ownedModel(modelId);
        emit ModelOwnershipTransferred(modelId, model.owner, newOwner);
        model.owner = newOwner;
    }

    /// @notice Deprecates `modelId` for good: new inferences are refused, existing records stay. To replace a
    /// faulty verifier, register the model again (a new id) and deprecate the old one. Model owner only.
    function deprecateModel(uint256 modelId) external {
        Model storage model = _ownedModel(modelId);
        if (model.deprecated) revert ModelIsDeprecated(modelId);
        model.deprecated = true;
        emit ModelDeprecated(modelId);
    }

    /// @notice Verifies a proof that `output` is model `modelId`'s output on `input`, proved by the caller, and
    /// records it. A rejected proof reverts with the verifier's own error (or {ProofRejected}) and changes
    /// nothing.
    /// @param modelId A registered, not deprecated model.
    /// @param input The packed input tensors the proof is for.
    /// @param output The packed output tensors the proof is for.
    /// @param proof The compiled proof, bound to `msg.sender`.
    /// @return inferenceId The new record's id.
    function verifyInference(uint256 modelId, bytes calldata input, bytes calldata output, bytes calldata proof)
        external
        returns (uint256 inferenceId)
    {
        _check(modelId, input, output, msg.sender, proof);
        bytes32 inputHash = keccak256(input);
        bytes32 outputHash = keccak256(output);

        inferenceId = ++inferenceCount;
        _inferences[inferenceId] = StoredInference({
            inputHash: inputHash,
            outputHash: outputHash,
            prover: msg.sender,
            blockNumber: uint48(block.number),
            timestamp: uint48(block.timestamp),
            modelId: modelId
        });
        bytes32 statement = _statement(modelId, inputHash, outputHash);
        if (_firstInference[statement] == 0) _firstInference[statement] = inferenceId;
        emit InferenceVerified(inferenceId, modelId, msg.sender, inputHash, outputHash);
    }

    /// @notice Exactly the check {verifyInference} makes, without recording: for `eth_call`, to learn whether a
    /// proof bound to `prover` would be accepted (true) or why not (the revert).
    function checkInference(
        uint256 modelId,
        bytes calldata input,
        bytes calldata output,
        address prover,
        bytes calldata proof
    ) external view returns (bool) {
        _check(modelId, input, output, prover, proof);
        return true;
    }

    /// @notice The model registered under `modelId`; reverts {UnknownModel} if none.
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _existingModel(modelId);
    }

    /// @notice The inference recorded under `inferenceId`; reverts {UnknownInference} if none.
    function getInference(uint256 inferenceId) external view returns (Inference memory) {
        StoredInference storage stored = _inferences[inferenceId];
        if (stored.modelId == 0) revert UnknownInference(inferenceId);
        return Inference({
            modelId: stored.modelId,
            inputHash: stored.inputHash,
            outputHash: stored.outputHash,
            prover: stored.prover,
            blockNumber: stored.blockNumber,
            timestamp: stored.timestamp
        });
    }

    /// @notice Whether some inference of model `modelId` on the input with hash `inputHash` producing the output
    /// with hash `outputHash` was verified (by any prover).
    function isVerified(uint256 modelId, bytes32 inputHash, bytes32 outputHash) external view returns (bool) {
        return _firstInference[_statement(modelId, inputHash, outputHash)] != 0;
    }

    /// @notice Id of the first inference recording that statement, or 0 if it was never verified.
    function firstInferenceOf(uint256 modelId, bytes32 inputHash, bytes32 outputHash) external view returns (uint256) {
        return _firstInference[_statement(modelId, inputHash, outputHash)];
    }

    /// @dev Runs the model's verifier. Solidity calls a `view` function with STATICCALL, so the verifier cannot
    /// change state (nor reenter a function that does); its revert data is bubbled up unchanged.
    function _check(uint256 modelId, bytes calldata input, bytes calldata output, address prover, bytes calldata proof)
        private
        view
    {
        Model storage model = _existingModel(modelId);
        if (model.deprecated) revert ModelIsDeprecated(modelId);
        if (!model.verifier.verifyInference(input, output, prover, proof)) revert ProofRejected(modelId);
    }

    function _existingModel(uint256 modelId) private view returns (Model storage model) {
        model = _models[modelId];
        if (address(model.verifier) == address(0)) revert UnknownModel(modelId);
    }

    function _ownedModel(uint256 modelId) private view returns (Model storage model) {
        model = _existingModel(modelId);
        if (model.owner != msg.sender) revert NotModelOwner(modelId, msg.sender);
    }

    function _statement(uint256 modelId, bytes32 inputHash, bytes32 outputHash) private pure returns (bytes32) {
        return keccak256(abi.encode(modelId, inputHash, outputHash));
    }
}
