// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Fr} from "./Fr.sol";

/// @title Transcript — the keccak256 Fiat–Shamir transcript of docs/transcript.md, replayed on-chain
/// @notice The state is one 32-byte word S. Every operation is one keccak256 over whole words:
///   start      S = keccak256(PROTOCOL_TAG ‖ domain)
///   absorb     S = keccak256(S ‖ label ‖ w_1 ‖ … ‖ w_k)   (k >= 1; k = 0 leaves S unchanged)
///   challenge  S = keccak256(S ‖ label),  c = S mod r
/// Labels are ASCII right-padded with zeros, i.e. Solidity's `bytes32("label")`. This must stay byte-for-byte
/// identical to `src/transcript/keccak.ts`; the test vectors of docs/transcript.md pin both.
library Transcript {
    /// @dev bytes32("deepprove-evm/transcript/v1").
    bytes32 internal constant PROTOCOL_TAG = "deepprove-evm/transcript/v1";
    /// @dev Fr's modulus r (Fr.R), for assembly.
    uint256 private constant Fr_R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice Starts a transcript for protocol `domain`.
    function start(bytes32 domain) internal pure returns (bytes32 state) {
        assembly ("memory-safe") {
            // keccak256(PROTOCOL_TAG ‖ domain) over the scratch space 0x00..0x3f.
            mstore(0x00, PROTOCOL_TAG)
            mstore(0x20, domain)
            state := keccak256(0x00, 0x40)
        }
    }

    /// @notice Absorbs field elements from calldata, checking each is canonical (< r).
    /// @dev One keccak256 over S ‖ label ‖ xs, built at the free-memory pointer (not advanced: scratch only); the
    /// canonical test reads the copied words (r on the stack: as a literal the optimizer re-loads it with a
    /// CODECOPY at every use) and reverts naming the first word ≥ r.
    function absorbScalars(bytes32 state, bytes32 label, uint256[] calldata xs) internal pure returns (bytes32) {
        uint256 n = xs.length;
        if (n == 0) return state;
        bool bad;
        uint256 value;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            let words := add(ptr, 0x40)
            calldatacopy(words, xs.offset, shl(5, n))
            let r := Fr_R
            for {
                let p := words
                let end := add(words, shl(5, n))
            } lt(p, end) { p := add(p, 0x20) } {
                value := mload(p)
                if iszero(lt(value, r)) {
                    bad := 1
                    break
                }
            }
            state := keccak256(ptr, add(0x40, shl(5, n)))
        }
        if (bad) revert Fr.FieldElementNotCanonical(value);
        return state;
    }

    /// @notice Absorbs raw words from calldata (e.g. G1 coordinates, which live in Fp and are checked by the
    /// precompiles that later consume them).
    function absorbWords(bytes32 state, bytes32 label, uint256[] calldata words) internal pure returns (bytes32) {
        uint256 n = words.length;
        if (n == 0) return state;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            calldatacopy(add(ptr, 0x40), words.offset, shl(5, n))
            state := keccak256(ptr, add(0x40, shl(5, n)))
        }
        return state;
    }

    /// @notice Absorbs the words of a memory array followed by one more word, in one hash (a point and its
    /// value, say). The caller vouches that they are canonical.
    function absorbMemoryWordsAndOne(bytes32 state, bytes32 label, uint256[] memory words, uint256 last)
        internal
        pure
        returns (bytes32)
    {
        uint256 n = words.length;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            // the words in one MCOPY (3 gas a word and a fixed 3, against ~30 a word for a loop)
            mcopy(add(ptr, 0x40), add(words, 0x20), shl(5, n))
            mstore(add(ptr, add(0x40, shl(5, n))), last)
            state := keccak256(ptr, add(0x60, shl(5, n)))
        }
        return state;
    }

    /// @notice Absorbs three words in one hash (e.g. a claim with its sizes).
    function absorb3(bytes32 state, bytes32 label, uint256 a, uint256 b, uint256 c) internal pure returns (bytes32) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            mstore(add(ptr, 0x40), a)
            mstore(add(ptr, 0x60), b)
            mstore(add(ptr, 0x80), c)
            state := keccak256(ptr, 0xa0)
        }
        return state;
    }

    /// @notice Absorbs one G1 point given by its coordinates (two words; infinity is (0, 0)).
    function absorbPoint(bytes32 state, bytes32 label, uint256 x, uint256 y) internal pure returns (bytes32) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            mstore(add(ptr, 0x40), x)
            mstore(add(ptr, 0x60), y)
            state := keccak256(ptr, 0x80)
        }
        return state;
    }

    /// @notice Squeezes one challenge: S = keccak256(S ‖ label), c = S mod r.
    function challenge(bytes32 state, bytes32 label) internal pure returns (bytes32 next, uint256 c) {
        assembly ("memory-safe") {
            mstore(0x00, state)
            mstore(0x20, label)
            next := keccak256(0x00, 0x40)
            c := mod(next, 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001)
        }
    }
}
