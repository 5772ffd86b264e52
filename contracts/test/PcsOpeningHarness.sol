// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HyperKZG} from "../verifier/HyperKZG.sol";
import {ModelVerifierPcs} from "../verifier/ModelVerifierPcs.sol";

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
        return ModelVerifierPcs.opening(state, commitments, records, count, vk, proof, offset);
    }
}
