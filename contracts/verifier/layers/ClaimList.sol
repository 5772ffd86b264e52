// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";

/// @title ClaimList — the claims an extension step hands on, in the order the TypeScript walk makes them
/// @notice An extension step (Extension.sol) returns one list; the interpreter's ROUTE sends claim i to the
/// program's dest i, so the list's order is the order of the TypeScript verifier's `claim` / `claimAdvice` /
/// `claimWeight` calls (which fixes the order of the batch opening's records).
library ClaimList {
    /// @notice A list with room for `capacity` claims; `length` are filled.
    struct List {
        ProofStream.Claim[] items;
        uint256 length;
    }

    /// @notice The step handed on more claims than it declared room for (a verifier bug).
    error ClaimListFull(uint256 capacity);

    function create(uint256 capacity) internal pure returns (List memory list) {
        list.items = new ProofStream.Claim[](capacity);
    }

    /// @notice Appends the claim (point, value); the point is shared, not copied.
    function push(List memory list, uint256[] memory point, uint256 value) internal pure {
        uint256 n = list.length;
        if (n == list.items.length) revert ClaimListFull(n);
        list.items[n] = ProofStream.Claim(point, value);
        list.length = n + 1;
    }

    /// @notice The filled claims (the array itself, shortened in place).
    function done(List memory list) internal pure returns (ProofStream.Claim[] memory out) {
        out = list.items;
        uint256 n = list.length;
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }
}
