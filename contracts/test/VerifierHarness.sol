// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Transcript} from "../verifier/Transcript.sol";
import {Sumcheck} from "../verifier/Sumcheck.sol";
import {HyperKZG} from "../verifier/HyperKZG.sol";

/// @title VerifierHarness
/// @notice Exposes the verifier libraries to differential tests against the TypeScript reference.
contract VerifierHarness {
    /// @notice Starts a transcript, absorbs `scalars` under `label`, then squeezes `challenges` challenges.
    function transcriptRun(bytes32 domain, bytes32 label, uint256[] calldata scalars, uint256 challenges)
        external
        pure
        returns (bytes32 state, uint256[] memory out)
    {
        state = Transcript.start(domain);
        state = Transcript.absorbScalars(state, label, scalars);
        out = new uint256[](challenges);
        for (uint256 i; i < challenges; ++i) {
            (state, out[i]) = Transcript.challenge(state, "challenge");
        }
    }

    /// @notice Starts a transcript for `domain` and runs the sum-check verifier on it.
    function sumcheckVerify(bytes32 domain, uint256 claim, uint256 numVars, uint256 degree, uint256[] calldata rounds)
        external
        pure
        returns (bytes32 state, uint256[] memory point, uint256 expectedEvaluation)
    {
        return Sumcheck.verify(Transcript.start(domain), claim, numVars, degree, rounds);
    }

    /// @notice Starts a transcript for `domain` and verifies one HyperKZG opening on it (reverts if invalid).
    function hyperkzgVerify(
        bytes32 domain,
        uint256[2] calldata commitment,
        uint256[] calldata point,
        uint256 value,
        uint256[] calldata proof,
        uint256 inverseHint,
        HyperKZG.VerifierKey calldata vk
    ) external view returns (bytes32) {
        return HyperKZG.verify(
            Transcript.start(domain), commitment[0], commitment[1], point, value, proof, inverseHint, vk
        );
    }
}
