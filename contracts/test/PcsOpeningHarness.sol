// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HyperKZG} from "../verifier/HyperKZG.sol";
import {ModelVerifierPcs} from "../verifier/ModelVerifierPcs.sol";
import {OpeningBatch} from "../verifier/layers/OpeningBatch.sol";

/// @title PcsOpeningHarness
/// @notice Calls the interpreter's batch opening (`ModelVerifierPcs.opening`, a linked library) as the
/// interpreter does — records and commitments as bytes — for test/verifier-sol/opening-batch.test.ts.
contract PcsOpeningHarness {
    /// @notice ModelVerifierPcs.opening (reverts with the failed check's custom error).
    function opening(
        bytes32 state,
        bytes calldata commitments,
        bytes calldata records,
        uint256 count,
        HyperKZG.VerifierKey calldata vk,
        bytes calldata proof,
        uint256 offset
    ) external view returns (bytes32) {
        // The interpreter absorbs "batch.commitments" and "batch.claims" before the call (ModelVerifier._opening).
        bytes32 absorbed = OpeningBatch.absorb(state, _words(commitments), _words(records), count);
        return ModelVerifierPcs.opening(absorbed, commitments, records, count, vk, proof, offset);
    }

    /// @dev A calldata byte string viewed as its whole 32-byte words.
    function _words(bytes calldata b) private pure returns (uint256[] calldata w) {
        assembly ("memory-safe") {
            w.offset := b.offset
            w.length := shr(5, b.length)
        }
    }
}
