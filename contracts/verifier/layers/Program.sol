// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Program — a reader over a verifier program (bytes in memory)
/// @notice A program is the compiled, per-model description of what the verifier checks (docs/verifier-gen.md):
/// opcodes and their numeric parameters, written by `src/compiler/program/writer.ts`. Integers are big-endian
/// and fixed-width (u8, u16, u32, signed i32, 32-byte words). The program is part of the verifier's code, not
/// of the prover's input; the bounds check only guards against a generator bug.
library Program {
    /// @notice The reading position: absolute memory addresses of the next byte and of the end.
    struct Reader {
        uint256 ptr;
        uint256 end;
    }

    /// @notice The program ends inside an instruction (a generator bug).
    error ProgramTruncated();
    /// @notice The program has bytes after its last instruction (a generator bug).
    error ProgramTrailingBytes();

    /// @notice A reader over `code`.
    function reader(bytes memory code) internal pure returns (Reader memory r) {
        uint256 p;
        assembly ("memory-safe") {
            p := add(code, 0x20)
        }
        r.ptr = p;
        r.end = p + code.length;
    }

    /// @notice True when every byte has been read.
    function done(Reader memory r) internal pure returns (bool) {
        return r.ptr == r.end;
    }

    /// @notice Reverts unless every byte has been read.
    function finish(Reader memory r) internal pure {
        if (r.ptr > r.end) revert ProgramTruncated();
        if (r.ptr != r.end) revert ProgramTrailingBytes();
    }

    /// @notice Reads an unsigned big-endian integer of `size` bytes (1 ≤ size ≤ 32).
    /// @dev No bounds check per read (reads are the verifier's hottest path): {finish} and {skip} catch a
    /// program that runs past its end.
    function uint_(Reader memory r, uint256 size) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := shr(shl(3, sub(32, size)), mload(p))
            mstore(r, add(p, size))
        }
    }

    function u8(Reader memory r) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := byte(0, mload(p))
            mstore(r, add(p, 1))
        }
    }

    function u16(Reader memory r) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := shr(240, mload(p))
            mstore(r, add(p, 2))
        }
    }

    function u32(Reader memory r) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := shr(224, mload(p))
            mstore(r, add(p, 4))
        }
    }

    /// @notice A two's-complement 32-bit integer.
    function i32(Reader memory r) internal pure returns (int256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := signextend(3, shr(224, mload(p)))
            mstore(r, add(p, 4))
        }
    }

    /// @notice A 32-byte word (a field constant, canonical by construction).
    function word(Reader memory r) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            let p := mload(r)
            v := mload(p)
            mstore(r, add(p, 32))
        }
    }

    /// @notice Skips `size` bytes; returns the memory address where they start.
    function skip(Reader memory r, uint256 size) internal pure returns (uint256 at) {
        at = r.ptr;
        if (at > r.end || r.end - at < size) revert ProgramTruncated();
        r.ptr = at + size;
    }

    /// @notice A point gathered from `pool`: u8 count, then one u8 pool index per coordinate.
    /// @dev Every point a layer hands on is a selection of coordinates it already holds (the claim's point,
    /// its sum-check point): the generator resolves the layout algebra (axis splits, transposes, broadcasts)
    /// at compile time, so the verifier only copies words.
    function gather(Reader memory r, uint256[] memory pool) internal pure returns (uint256[] memory out) {
        bool ok = true;
        assembly ("memory-safe") {
            // One block, no bounds check on the program (as every read: {finish} catches an overrun). The indices
            // are read 32 per word and copied four per iteration: the last iteration may write up to 3 words past
            // the point, into free memory. The pool index is checked (a generator bug would otherwise read memory
            // past the pool) once per word, in 16-bit lanes: index ≥ size ⇔ bit 8 of index + 0x100 − size, the
            // even and odd bytes apart, the bytes past the point masked to 0 (index 0 < size unless the pool is
            // empty, when any index is out of it). A pool of 256 coordinates or more needs no check.
            let at := mload(r)
            let n := byte(0, mload(at))
            at := add(at, 1)
            let end := add(at, n)
            mstore(r, end)
            let size := mload(pool)
            out := mload(0x40)
            mstore(out, n)
            let dst := add(out, 0x20)
            mstore(0x40, add(dst, shl(5, n)))
            let src := add(pool, 0x20)
            // 0x0001 repeated in each 16-bit lane, made at run time (a PUSH32 each is code ModelVerifier lacks).
            let lanes := div(not(0), 0xffff)
            let low := mul(lanes, 0xff)
            let bias := mul(lanes, sub(0x100, size))
            let check := lt(size, 0x100)
            for {} lt(at, end) { at := add(at, 32) } {
                let w := mload(at)
                let count := sub(end, at)
                if lt(count, 32) { w := and(w, not(shr(shl(3, count), not(0)))) }
                if gt(count, 32) { count := 32 }
                if check {
                    if and(or(add(and(w, low), bias), add(and(shr(8, w), low), bias)), shl(8, lanes)) { ok := 0 }
                }
                for { let j := 0 } lt(j, count) { j := add(j, 4) } {
                    mstore(dst, mload(add(src, shl(5, byte(j, w)))))
                    mstore(add(dst, 0x20), mload(add(src, shl(5, byte(add(j, 1), w)))))
                    mstore(add(dst, 0x40), mload(add(src, shl(5, byte(add(j, 2), w)))))
                    mstore(add(dst, 0x60), mload(add(src, shl(5, byte(add(j, 3), w)))))
                    dst := add(dst, 0x80)
                }
            }
        }
        if (!ok) revert ProgramTruncated();
    }
}
