// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Fr} from "../Fr.sol";
import {Sumcheck} from "../Sumcheck.sol";
import {Transcript} from "../Transcript.sol";

/// @title ProofStream — the proof bytes as a calldata cursor plus the Fiat–Shamir transcript state
/// @notice The proof of a whole inference is the concatenation of every prover message in the order the
/// verifier reads them (docs/calldata.md): a scalar is 32 bytes big-endian and must be < r; a G1 point is
/// 64 bytes (x ‖ y, infinity = 64 zero bytes) and must be on the curve. A stream is read exactly once, front
/// to back; every message is absorbed into the transcript straight from calldata (no copy).
/// @dev Reverts name the byte offset (relative to the start of the proof) of the message that failed, like
/// the TypeScript `ProofReader`.
library ProofStream {
    /// @dev Fr's modulus r and Fp's modulus p (local, so assembly can name them).
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    uint256 private constant P_MODULUS = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// @dev The constant b of the curve y² = x³ + b.
    uint256 private constant CURVE_B = 3;

    /// @notice The reading state: transcript word, cursor and bounds (absolute calldata offsets).
    struct Stream {
        bytes32 state;
        uint256 cursor;
        uint256 end;
        uint256 start;
    }

    /// @notice A claim f~(point) = value.
    struct Claim {
        uint256[] point;
        uint256 value;
    }

    /// @notice The proof ends before a message of `needed` bytes that starts at byte `offset`.
    error ProofTruncated(uint256 offset, uint256 needed);
    /// @notice The scalar at byte `offset` is not a canonical field element (it is ≥ r).
    error ProofScalarNotCanonical(uint256 offset);
    /// @notice The G1 point at byte `offset` is not on the curve (or a coordinate is ≥ p).
    error ProofPointInvalid(uint256 offset);
    /// @notice `count` bytes follow the last message.
    error ProofTrailingBytes(uint256 count);

    /// @notice A stream over `proof`, continuing the transcript in `state`.
    function open(bytes calldata proof, bytes32 state) internal pure returns (Stream memory s) {
        uint256 at;
        assembly ("memory-safe") {
            at := proof.offset
        }
        s.state = state;
        s.cursor = at;
        s.start = at;
        s.end = at + proof.length;
    }

    /// @notice A stream over `tail`, the proof's bytes from byte `base` on (the part of it a callee is sent),
    /// continuing the transcript in `state`: the cursor is at `tail`'s first byte, and {offsetOf} and every
    /// revert count from the whole proof's first byte, exactly as a stream over the whole proof would.
    /// @dev The start is moved back by `base` modulo 2^256, and that underflow is intended: the proof's first
    /// byte is not in this frame's calldata, and `base` may exceed `tail`'s calldata offset, so `start` is then a
    /// wrapped, virtual offset. Only {offsetOf} reads it, and it subtracts modulo 2^256 too; `cursor` and `end`
    /// stay real calldata offsets, so {take}'s checked `end − cursor` still guards every read.
    function openAt(bytes calldata tail, bytes32 state, uint256 base) internal pure returns (Stream memory s) {
        s = open(tail, state);
        unchecked {
            s.start -= base;
        }
    }

    /// @notice The byte offset in the proof of the cursor (the next byte to read).
    function position(Stream memory s) internal pure returns (uint256) {
        return offsetOf(s, s.cursor);
    }

    /// @notice Reverts unless every byte has been read.
    function close(Stream memory s) internal pure {
        if (s.cursor != s.end) revert ProofTrailingBytes(s.end - s.cursor);
    }

    /// @notice The byte offset in the proof of calldata offset `at` (for error reports).
    /// @dev Modulo 2^256: a stream over the proof's tail has its start moved back by the bytes before the tail
    /// ({openAt}, ModelVerifierPcs.opening), which may lie below the tail's calldata offset in that frame.
    function offsetOf(Stream memory s, uint256 at) internal pure returns (uint256) {
        unchecked {
            return at - s.start;
        }
    }

    /// @notice Takes the next `words` 32-byte words; returns their calldata offset.
    function take(Stream memory s, uint256 words) internal pure returns (uint256 at) {
        at = s.cursor;
        uint256 size = words << 5;
        if (s.end - at < size) revert ProofTruncated(offsetOf(s, at), size);
        s.cursor = at + size;
    }

    /// @notice Word `i` of a run of words at calldata offset `at`.
    function word(uint256 at, uint256 i) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := calldataload(add(at, shl(5, i)))
        }
    }

    /// @notice Reads `n` scalars (each checked < r) and absorbs them under `label` in one hash, straight from
    /// calldata; returns their calldata offset (read them with {word}). n = 0 reads and absorbs nothing.
    function absorbScalars(Stream memory s, bytes32 label, uint256 n) internal pure returns (uint256 at) {
        if (n == 0) return s.cursor;
        at = take(s, n);
        bool ok = true;
        assembly ("memory-safe") {
            // m: the modulus kept on the stack (a literal is re-loaded with a CODECOPY at every use).
            let m := R_MODULUS
            let end := add(at, shl(5, n))
            for { let p := at } lt(p, end) { p := add(p, 0x20) } {
                ok := and(ok, lt(calldataload(p), m))
            }
        }
        if (!ok) _nameNonCanonical(s, at, n);
        bytes32 state = s.state;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            calldatacopy(add(ptr, 0x40), at, shl(5, n))
            state := keccak256(ptr, add(0x40, shl(5, n)))
        }
        s.state = state;
    }

    /// @notice Reads one G1 point (checked on the curve; infinity is (0, 0)) and absorbs it under `label`.
    function absorbG1(Stream memory s, bytes32 label) internal pure returns (uint256 x, uint256 y) {
        uint256 at = take(s, 2);
        x = word(at, 0);
        y = word(at, 1);
        if (!(x == 0 && y == 0)) {
            uint256 p = P_MODULUS;
            if (x >= p || y >= p || mulmod(y, y, p) != addmod(mulmod(mulmod(x, x, p), x, p), CURVE_B, p)) {
                revert ProofPointInvalid(offsetOf(s, at));
            }
        }
        absorbWords(s, label, at, 2);
    }

    /// @notice Absorbs `n` calldata words at `at` under `label` (the caller vouches for their form).
    function absorbWords(Stream memory s, bytes32 label, uint256 at, uint256 n) internal pure {
        bytes32 state = s.state;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            calldatacopy(add(ptr, 0x40), at, shl(5, n))
            state := keccak256(ptr, add(0x40, shl(5, n)))
        }
        s.state = state;
    }

    /// @notice Absorbs memory words (canonical, e.g. a claim's point) followed by one more word, in one hash.
    function absorbMemory(Stream memory s, bytes32 label, uint256[] memory words, uint256 last) internal pure {
        s.state = Transcript.absorbMemoryWordsAndOne(s.state, label, words, last);
    }

    /// @notice Absorbs a claim as one message [point…, value] (every layer IOP starts so).
    function absorbClaim(Stream memory s, bytes32 label, Claim memory c) internal pure {
        absorbMemory(s, label, c.point, c.value);
    }

    /// @notice Absorbs 32-byte words held in memory (canonical by construction), as one message; n ≥ 1.
    function absorbMemoryWords(Stream memory s, bytes32 label, uint256[] memory words) internal pure {
        bytes32 state = s.state;
        assembly ("memory-safe") {
            let n := mload(words)
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            mcopy(add(ptr, 0x40), add(words, 0x20), shl(5, n))
            state := keccak256(ptr, add(0x40, shl(5, n)))
        }
        s.state = state;
    }

    /// @notice Squeezes one challenge: S = keccak256(S ‖ label), c = S mod r.
    function challenge(Stream memory s, bytes32 label) internal pure returns (uint256 c) {
        bytes32 state = s.state;
        assembly ("memory-safe") {
            mstore(0x00, state)
            mstore(0x20, label)
            state := keccak256(0x00, 0x40)
            c := mod(state, R_MODULUS)
        }
        s.state = state;
    }

    /// @notice Runs a sum-check of `numVars` rounds of degree `degree` on `claim`, its rounds read from the
    /// stream (numVars·degree scalars, docs/sumcheck.md); returns the point and the expected evaluation.
    function sumcheck(Stream memory s, uint256 claim, uint256 numVars, uint256 degree)
        internal
        pure
        returns (uint256[] memory point, uint256 expected)
    {
        uint256 n = numVars * degree;
        uint256 at = take(s, n);
        // The canonical test of the words rides along the round loop; on failure name the first bad word, or
        // the claim (Sumcheck.verifyCanonical's own check, in its order).
        bool ok;
        (s.state, point, expected, ok) = Sumcheck.replay(s.state, claim, numVars, degree, at);
        if (!ok) {
            _nameNonCanonical(s, at, n);
            Fr.checked(claim);
        }
    }

    /// @dev Reverts naming the first non-canonical word of the run (cold path).
    function _nameNonCanonical(Stream memory s, uint256 at, uint256 n) private pure {
        for (uint256 i; i < n; ++i) {
            if (word(at, i) >= R_MODULUS) revert ProofScalarNotCanonical(offsetOf(s, at + (i << 5)));
        }
    }
}
