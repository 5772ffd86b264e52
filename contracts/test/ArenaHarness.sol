// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LookupArena} from "../verifier/LookupArena.sol";
import {Transcript} from "../verifier/Transcript.sol";

/// @title ArenaHarness
/// @notice Exposes the LookupArena verifier library to differential tests against src/lookup/arena-verifier.ts.
contract ArenaHarness {
    /// @notice Starts a transcript for `domain` and verifies the arena at byte `offset` of `proof`.
    function arenaVerify(bytes32 domain, LookupArena.Shape calldata shape, bytes calldata proof, uint256 offset)
        external
        pure
        returns (LookupArena.Claims memory)
    {
        return LookupArena.verify(Transcript.start(domain), shape, proof, offset);
    }

    /// @notice The execution gas of LookupArena.verify alone (the shape already in memory, as a generated
    /// verifier's constants would be; the proof's calldata cost is the caller's to add).
    function arenaVerifyGas(bytes32 domain, LookupArena.Shape calldata shape, bytes calldata proof, uint256 offset)
        external
        view
        returns (uint256 gasUsed)
    {
        LookupArena.Shape memory s = shape;
        bytes32 state = Transcript.start(domain);
        uint256 before = gasleft();
        LookupArena.verify(state, s, proof, offset);
        gasUsed = before - gasleft();
    }
}
