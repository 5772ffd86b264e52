// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BatchOpening} from "../verifier/BatchOpening.sol";
import {HyperKZG} from "../verifier/HyperKZG.sol";
import {Transcript} from "../verifier/Transcript.sol";

/// @title BatchOpeningHarness
/// @notice Exposes the batch-opening verifier to differential tests against src/pcs/batch.ts.
contract BatchOpeningHarness {
    /// @notice Starts a transcript for `domain` and verifies a batch opening on it (reverts if invalid).
    /// @dev Word layouts in contracts/verifier/BatchOpening.sol and docs/hyperkzg.md ("Batch opening on-chain").
    /// @return The transcript state after the batch opening.
    function batchOpeningVerify(
        bytes32 domain,
        uint256[] calldata commitments,
        uint256[] calldata claims,
        uint256[] calldata proof,
        uint256 inverseHint,
        HyperKZG.VerifierKey calldata vk
    ) external view returns (bytes32) {
        return BatchOpening.verify(Transcript.start(domain), commitments, claims, proof, inverseHint, vk);
    }
}
