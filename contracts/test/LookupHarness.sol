// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LogUp} from "../verifier/LogUp.sol";
import {Transcript} from "../verifier/Transcript.sol";

/// @title LookupHarness
/// @notice Exposes the LogUp verifier library to differential tests against the TypeScript reference.
contract LookupHarness {
    /// @notice Starts a transcript for `domain` and verifies one lookup proof on it, returning its claims.
    function logupVerify(
        bytes32 domain,
        LogUp.Table calldata table,
        uint256[] calldata lengths,
        uint256[] calldata proof
    ) external pure returns (LogUp.Claims memory) {
        return LogUp.verify(Transcript.start(domain), table, lengths, proof);
    }
}
