// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Mle} from "./Mle.sol";

/// @title PublicTensor — the MLE of a public integer tensor, read from int32 big-endian bytes
/// @notice Twin of `evaluateTensor` (src/prover/tensor.ts) on the statement's bytes: each value is 4 bytes,
/// two's complement, row-major; the tensor's MLE is in the axis-padded layout (axis a owns the variables
/// [start_a, start_a + bits_a), the last axis lowest). O(size): one mulmod per element for the last axis,
/// then one per completed row of every higher axis; padding is never touched.
library PublicTensor {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev Bytes per element.
    uint256 internal constant ELEMENT_BYTES = 4;

    /// @notice T~(point) for the tensor of `shape` whose elements start at calldata offset `at`.
    /// @dev The caller checks that the bytes are there (the statement's length is fixed by the model).
    function evaluate(uint256 at, uint256[] memory shape, uint256[] memory point) internal pure returns (uint256) {
        uint256 rank = shape.length;
        uint256 size = 1;
        for (uint256 a; a < rank; ++a) size *= shape[a];
        if (size == 0) return 0;
        if (rank == 0) return _element(at, 0);
        // eq tables per axis, in the layout's variable order (last axis lowest).
        uint256[] memory tables = new uint256[](rank);
        uint256 start;
        for (uint256 a = rank; a > 0; ) {
            --a;
            uint256 bits = _bits(shape[a]);
            uint256[] memory t = Mle.eqTable(point, start, bits);
            uint256 first;
            assembly ("memory-safe") {
                first := add(t, 0x20)
            }
            tables[a] = first;
            start += bits;
        }
        return _contract(at, size, shape, tables);
    }

    /// @dev Streams the elements row-major: acc[a] accumulates axis a's partial sum; when axis a's index wraps,
    /// acc[a]·eq_{a−1}[i_{a−1}] is added one level up.
    function _contract(uint256 at, uint256 size, uint256[] memory shape, uint256[] memory tables)
        private
        pure
        returns (uint256 result)
    {
        uint256 rank = shape.length;
        uint256[] memory acc = new uint256[](rank);
        uint256[] memory idx = new uint256[](rank);
        uint256 lastDim = shape[rank - 1];
        uint256 lastTable = tables[rank - 1];
        uint256 rows = size / lastDim;
        for (uint256 row; row < rows; ++row) {
            uint256 sum = _rowSum(at + row * lastDim * ELEMENT_BYTES, lastDim, lastTable);
            result = addmod(result, _carry(sum, shape, tables, acc, idx), R_MODULUS);
        }
    }

    /// @dev Σ_i v_i·eq_last[i] over one row (v_i signed: R + v is congruent to v and below 2^256). Eight values per
    /// calldata word (one load, then shifts), the row's tail one at a time.
    function _rowSum(uint256 p, uint256 lastDim, uint256 table) private pure returns (uint256 sum) {
        assembly ("memory-safe") {
            let i := 0
            let r := R_MODULUS
            for {} iszero(gt(add(i, 8), lastDim)) { i := add(i, 8) } {
                let w := calldataload(add(p, shl(2, i)))
                let t := add(table, shl(5, i))
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(224, w))), mload(t), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(192, w))), mload(add(t, 0x20)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(160, w))), mload(add(t, 0x40)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(128, w))), mload(add(t, 0x60)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(96, w))), mload(add(t, 0x80)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(64, w))), mload(add(t, 0xa0)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, shr(32, w))), mload(add(t, 0xc0)), r), r)
                sum := addmod(sum, mulmod(add(r, signextend(3, w)), mload(add(t, 0xe0)), r), r)
            }
            for {} lt(i, lastDim) { i := add(i, 1) } {
                let v := signextend(3, shr(224, calldataload(add(p, shl(2, i)))))
                sum := addmod(sum, mulmod(add(r, v), mload(add(table, shl(5, i))), r), r)
            }
        }
    }

    /// @notice The index of the first of `count` int32 values at calldata offset `at` outside [lo, hi], or
    /// type(uint256).max when all are inside. Eight values per word: (v − lo) mod 2^32 > hi − lo flags one.
    function firstOutOfRange(uint256 at, uint256 count, int256 lo, int256 hi) internal pure returns (uint256 index) {
        index = type(uint256).max;
        assembly ("memory-safe") {
            let mask := 0xffffffff
            let off := and(sub(0, lo), mask)
            let span := sub(hi, lo)
            let i := 0
            for {} iszero(gt(add(i, 8), count)) { i := add(i, 8) } {
                let w := calldataload(add(at, shl(2, i)))
                let flags := gt(and(add(shr(224, w), off), mask), span)
                flags := or(flags, gt(and(add(shr(192, w), off), mask), span))
                flags := or(flags, gt(and(add(shr(160, w), off), mask), span))
                flags := or(flags, gt(and(add(shr(128, w), off), mask), span))
                flags := or(flags, gt(and(add(shr(96, w), off), mask), span))
                flags := or(flags, gt(and(add(shr(64, w), off), mask), span))
                flags := or(flags, gt(and(add(shr(32, w), off), mask), span))
                flags := or(flags, gt(and(add(w, off), mask), span))
                if flags { break }
            }
            // Scan the flagged word (or the tail after the last whole word) one value at a time.
            for {} lt(i, count) { i := add(i, 1) } {
                if gt(and(add(shr(224, calldataload(add(at, shl(2, i)))), off), mask), span) {
                    index := i
                    break
                }
            }
        }
    }

    /// @dev Carries a completed row up through the axes whose index wraps; returns what leaves axis 0 (the
    /// whole sum after the last row, else 0).
    function _carry(
        uint256 carry,
        uint256[] memory shape,
        uint256[] memory tables,
        uint256[] memory acc,
        uint256[] memory idx
    ) private pure returns (uint256) {
        for (uint256 a = shape.length - 1; a > 0; ) {
            --a;
            uint256 i = idx[a];
            uint256 total = addmod(acc[a], mulmod(carry, _load(tables[a], i), R_MODULUS), R_MODULUS);
            if (i + 1 < shape[a]) {
                idx[a] = i + 1;
                acc[a] = total;
                return 0;
            }
            idx[a] = 0;
            acc[a] = 0;
            carry = total;
        }
        return carry;
    }

    /// @dev Entry i of the table whose first entry is at memory address `table`.
    function _load(uint256 table, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(table, shl(5, i)))
        }
    }

    /// @dev The element at index i as a field element.
    function _element(uint256 at, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mod(add(R_MODULUS, signextend(3, shr(224, calldataload(add(at, mul(i, 4)))))), R_MODULUS)
        }
    }

    /// @dev ⌈log2 d⌉ (0 for d ≤ 1).
    function _bits(uint256 d) private pure returns (uint256 b) {
        while ((1 << b) < d) ++b;
    }
}
