// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Mle} from "./Mle.sol";

/// @title PublicTensor — the MLE of a public integer tensor, read from int32 big-endian bytes
/// @notice Twin of `evaluateTensor` (src/prover/tensor.ts) on the statement's bytes: each value is 4 bytes,
/// two's complement, row-major; the tensor's MLE is in the axis-padded layout (axis a owns the variables
/// [start_a, start_a + bits_a), the last axis lowest), so T~(p) = Σ_rows w(row)·Σ_c v[row, c]·eq_last[c] with
/// eq_last the eq table of the last axis' variables and w(row) the product of the other axes' eq entries.
/// O(size): one mulmod per element and one per row; padding is never touched. From TELESCOPED_MIN_ROWS rows on the
/// lanes of a calldata word are read without a mask per value (telescoped coefficients, {_coefficients}).
library PublicTensor {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev Bytes per element.
    uint256 internal constant ELEMENT_BYTES = 4;
    /// @dev 2^31, and 2^31 in every 32-bit lane of a word: XORing an int32 with 2^31 gives v + 2^31 as an
    /// unsigned integer, so {_dot} reads eight values from a word with no sign extension per element and
    /// subtracts 2^31·Σ_rows w·Σ_c eq_last[c] once at the end.
    uint256 private constant BIAS = 0x80000000;
    uint256 private constant LANE_TOP = 0x8000000080000000800000008000000080000000800000008000000080000000;
    /// @dev The low 31 bits of every lane, and 1 in every lane ({firstOutOfRange}: x · LANE_ONES repeats x).
    uint256 private constant LANE_LOW = 0x7fffffff7fffffff7fffffff7fffffff7fffffff7fffffff7fffffff7fffffff;
    uint256 private constant LANE_ONES = 0x0000000100000001000000010000000100000001000000010000000100000001;
    uint256 private constant LOW_31 = 0x7fffffff;
    uint256 private constant LANE_MASK = 0xffffffff;
    /// @dev Rows from which {_dot}'s telescoped coefficients pay for their preparation (≈ 130 opcodes per 8
    /// entries, against 2 opcodes per value saved: measured break-even near 8 rows); fewer rows use {_dotMasked}.
    uint256 private constant TELESCOPED_MIN_ROWS = 8;
    /// @dev 2^32: one lane's weight relative to the next ({_coefficients}).
    uint256 private constant LANE_SPAN = 0x100000000;

    /// @notice T~(point) for the tensor of `shape` whose elements start at calldata offset `at`.
    /// @dev The caller checks that the bytes are there (the statement's length is fixed by the model).
    function evaluate(uint256 at, uint256[] memory shape, uint256[] memory point) internal pure returns (uint256) {
        uint256 rank = shape.length;
        uint256 size = 1;
        for (uint256 a; a < rank; ++a) size *= shape[a];
        if (size == 0) return 0;
        if (rank == 0) return _element(at, 0);
        uint256 lastDim = shape[rank - 1];
        uint256 lastBits = _bits(lastDim);
        uint256[] memory w = _rowWeights(shape, point, lastBits);
        if (w.length < TELESCOPED_MIN_ROWS) {
            return _dotMasked(at, lastDim, _padded(Mle.eqTable(point, 0, lastBits), lastDim), w);
        }
        (uint256[] memory coefs, uint256 lowSum) = _coefficients(point, lastBits, lastDim);
        return _dot(at, lastDim, coefs, lowSum, w);
    }

    /// @dev The first `d` entries of `table` followed by zeros up to a multiple of 8 entries: a row's last
    /// calldata word may then be read whole — the lanes past the row (the next row's values, or whatever follows
    /// the tensor) meet a zero entry.
    function _padded(uint256[] memory table, uint256 d) private pure returns (uint256[] memory out) {
        out = new uint256[]((d + 7) & ~uint256(7));
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(table, 0x20), shl(5, d))
        }
    }

    /// @dev The per-lane coefficients {_dot} multiplies the shifted words by, from e = the eq table of the last
    /// axis' variables (point[0 … lastBits)), and Σ_{c<d} e[c] (the prefix indicator, O(lastBits)).
    /// Per word of 8 lanes (lane 0 the most significant), {_dot} multiplies y_l = x >> 32·(7 − l) — lane l with
    /// the lanes before it above it, y_l = Σ_{m≤l} u_m·2^{32(l−m)} — by c_l, with no mask per lane. Choosing
    /// c_l = e_l − 2^32·e_{l+1} (c_7 = e_7) telescopes: Σ_l y_l·c_l = Σ_m u_m·Σ_{l≥m} 2^{32(l−m)}·c_l = Σ_m u_m·e_m.
    /// The entries from `d` on are zero up to a multiple of 8 (a row's last word is read whole: the lanes past the
    /// row meet zero coefficients, and so does the lane before them: c_{d−1} = e_{d−1}). The table is built in
    /// place in the returned array (capacity max(2^lastBits, padded), length the padded size).
    function _coefficients(uint256[] memory point, uint256 lastBits, uint256 d)
        private
        pure
        returns (uint256[] memory out, uint256 sum)
    {
        uint256 padded = (d + 7) & ~uint256(7);
        uint256 entries = 1 << lastBits;
        out = new uint256[](entries > padded ? entries : padded);
        uint256 dst;
        uint256 coords;
        assembly ("memory-safe") {
            dst := add(out, 0x20)
            coords := add(point, 0x20)
        }
        Mle.eqInto(dst, coords, lastBits);
        sum = Mle.prefixIndicator(d, point, 0, lastBits);
        assembly ("memory-safe") {
            mstore(out, padded)
            let end := add(dst, shl(5, padded))
            for { let p := add(dst, shl(5, d)) } lt(p, end) { p := add(p, 0x20) } { mstore(p, 0) }
            let r := R_MODULUS
            let k := LANE_SPAN
            // In place, ascending (entry l + 1 is still e_{l+1} when entry l is rewritten); lane 7 keeps e_7.
            for { let g := dst } lt(g, end) { g := add(g, 0x100) } {
                mstore(g, addmod(mload(g), sub(r, mulmod(k, mload(add(g, 0x20)), r)), r))
                mstore(add(g, 0x20), addmod(mload(add(g, 0x20)), sub(r, mulmod(k, mload(add(g, 0x40)), r)), r))
                mstore(add(g, 0x40), addmod(mload(add(g, 0x40)), sub(r, mulmod(k, mload(add(g, 0x60)), r)), r))
                mstore(add(g, 0x60), addmod(mload(add(g, 0x60)), sub(r, mulmod(k, mload(add(g, 0x80)), r)), r))
                mstore(add(g, 0x80), addmod(mload(add(g, 0x80)), sub(r, mulmod(k, mload(add(g, 0xa0)), r)), r))
                mstore(add(g, 0xa0), addmod(mload(add(g, 0xa0)), sub(r, mulmod(k, mload(add(g, 0xc0)), r)), r))
                mstore(add(g, 0xc0), addmod(mload(add(g, 0xc0)), sub(r, mulmod(k, mload(add(g, 0xe0)), r)), r))
            }
        }
    }

    /// @dev w(row) for every row (row-major index over all axes but the last): Π_a eq_a[i_a], eq_a the eq table
    /// of axis a's variables, built outermost axis first (an axis of one element contributes 1).
    function _rowWeights(uint256[] memory shape, uint256[] memory point, uint256 lastBits)
        private
        pure
        returns (uint256[] memory w)
    {
        uint256 rank = shape.length;
        // Axis a's first variable: lastBits plus the bits of the axes between it and the last.
        uint256[] memory starts = new uint256[](rank);
        uint256 start = lastBits;
        for (uint256 a = rank - 1; a > 0; ) {
            --a;
            starts[a] = start;
            start += _bits(shape[a]);
        }
        w = new uint256[](1);
        w[0] = 1;
        for (uint256 a; a + 1 < rank; ++a) {
            uint256 d = shape[a];
            if (d == 1) continue;
            uint256[] memory t = Mle.eqTable(point, starts[a], _bits(d));
            if (w.length == 1) {
                // The first axis of more than one element: its table's first d entries are the weights.
                assembly ("memory-safe") {
                    mstore(t, d)
                }
                w = t;
            } else {
                w = _kron(w, t, d);
            }
        }
    }

    /// @dev out[i·d + j] = w[i]·t[j] for j < d.
    function _kron(uint256[] memory w, uint256[] memory t, uint256 d) private pure returns (uint256[] memory out) {
        out = new uint256[](w.length * d);
        assembly ("memory-safe") {
            let r := R_MODULUS
            let o := add(out, 0x20)
            let tEnd := add(add(t, 0x20), shl(5, d))
            for { let p := add(w, 0x20) let end := add(p, shl(5, mload(w))) } lt(p, end) { p := add(p, 0x20) } {
                let x := mload(p)
                for { let q := add(t, 0x20) } lt(q, tEnd) { q := add(q, 0x20) } {
                    mstore(o, mulmod(x, mload(q), r))
                    o := add(o, 0x20)
                }
            }
        }
    }

    /// @dev Σ_row w[row]·Σ_{c<lastDim} v[row, c]·e[c], the rows consecutive from calldata offset `at`, through the
    /// telescoped coefficients of {_coefficients} (`coefs`, zero-padded to whole words; `lowSum` = Σ_c e[c]).
    /// Eight values per calldata word: one load and one XOR with LANE_TOP (every lane read as v + 2^31, unsigned;
    /// the bias 2^31·Σ_rows w·Σ_c e[c] is subtracted once at the end), then per lane one shift, one table read and
    /// one MULMOD; four products (each < r) are summed with ADD before one ADDMOD (4r < 2^256).
    function _dot(uint256 at, uint256 lastDim, uint256[] memory coefs, uint256 lowSum, uint256[] memory w)
        private
        pure
        returns (uint256 result)
    {
        assembly ("memory-safe") {
            // Constants on the stack (as literals the optimizer loads each with a CODECOPY at every use).
            let r := R_MODULUS
            let top := LANE_TOP
            let table := add(coefs, 0x20)
            let tableEnd := add(table, shl(5, mload(coefs)))
            let rowBytes := shl(2, lastDim)
            let wsum := 0
            for { let wp := add(w, 0x20) let wEnd := add(wp, shl(5, mload(w))) } lt(wp, wEnd) { wp := add(wp, 0x20) } {
                let sum := 0
                let p := at
                for { let t := table } lt(t, tableEnd) { t := add(t, 0x100) } {
                    let x := xor(calldataload(p), top)
                    // lanes 0 … 3: y_0 = x >> 224 … y_3 = x >> 128
                    sum := addmod(
                        sum,
                        add(
                            add(mulmod(shr(224, x), mload(t), r), mulmod(shr(192, x), mload(add(t, 0x20)), r)),
                            add(
                                mulmod(shr(160, x), mload(add(t, 0x40)), r),
                                mulmod(shr(128, x), mload(add(t, 0x60)), r)
                            )
                        ),
                        r
                    )
                    // lanes 4 … 7: y_4 = x >> 96 … y_7 = x
                    sum := addmod(
                        sum,
                        add(
                            add(mulmod(shr(96, x), mload(add(t, 0x80)), r), mulmod(shr(64, x), mload(add(t, 0xa0)), r)),
                            add(mulmod(shr(32, x), mload(add(t, 0xc0)), r), mulmod(x, mload(add(t, 0xe0)), r))
                        ),
                        r
                    )
                    p := add(p, 0x20)
                }
                let x := mload(wp)
                result := addmod(result, mulmod(x, sum, r), r)
                wsum := addmod(wsum, x, r)
                at := add(at, rowBytes)
            }
            // Every value was read as v + 2^31: subtract 2^31·Σ_rows w·Σ_c e[c].
            result := addmod(result, sub(r, mulmod(mulmod(BIAS, lowSum, r), wsum, r)), r)
        }
    }

    /// @dev Fewer than TELESCOPED_MIN_ROWS rows: Σ_row w[row]·Σ_{c<lastDim} v[row, c]·low[c], the rows consecutive
    /// from calldata offset `at`, `low` the plain eq table zero-padded to whole words ({_padded}). Eight values per
    /// calldata word (one load, one XOR with LANE_TOP,
    /// then a shift and a mask each); four products (each < r) are summed with ADD before one ADDMOD
    /// (4r < 2^256).
    function _dotMasked(uint256 at, uint256 lastDim, uint256[] memory low, uint256[] memory w)
        private
        pure
        returns (uint256 result)
    {
        assembly ("memory-safe") {
            // Constants on the stack (as literals the optimizer loads each with a CODECOPY at every use).
            let r := R_MODULUS
            let top := LANE_TOP
            let table := add(low, 0x20)
            let wsum := 0
            let wp := add(w, 0x20)
            for { let wEnd := add(wp, shl(5, mload(w))) } lt(wp, wEnd) { wp := add(wp, 0x20) } {
                let sum := 0
                let i := 0
                for { } lt(i, lastDim) { i := add(i, 8) } {
                    let x := xor(calldataload(add(at, shl(2, i))), top)
                    let t := add(table, shl(5, i))
                    sum := addmod(
                        sum,
                        add(
                            add(
                                mulmod(shr(224, x), mload(t), r),
                                mulmod(and(shr(192, x), LANE_MASK), mload(add(t, 0x20)), r)
                            ),
                            add(
                                mulmod(and(shr(160, x), LANE_MASK), mload(add(t, 0x40)), r),
                                mulmod(and(shr(128, x), LANE_MASK), mload(add(t, 0x60)), r)
                            )
                        ),
                        r
                    )
                    sum := addmod(
                        sum,
                        add(
                            add(
                                mulmod(and(shr(96, x), LANE_MASK), mload(add(t, 0x80)), r),
                                mulmod(and(shr(64, x), LANE_MASK), mload(add(t, 0xa0)), r)
                            ),
                            add(
                                mulmod(and(shr(32, x), LANE_MASK), mload(add(t, 0xc0)), r),
                                mulmod(and(x, LANE_MASK), mload(add(t, 0xe0)), r)
                            )
                        ),
                        r
                    )
                }
                let x := mload(wp)
                result := addmod(result, mulmod(x, sum, r), r)
                wsum := addmod(wsum, x, r)
                at := add(at, shl(2, lastDim))
            }
            // Every value was read as v + 2^31: subtract 2^31·Σ_rows w·Σ_c low[c].
            let lowSum := 0
            for { let i := 0 } lt(i, lastDim) { i := add(i, 1) } {
                lowSum := addmod(lowSum, mload(add(table, shl(5, i))), r)
            }
            result := addmod(result, sub(r, mulmod(mulmod(BIAS, lowSum, r), wsum, r)), r)
        }
    }

    /// @notice The index of the first of `count` int32 values at calldata offset `at` outside [lo, hi], or
    /// type(uint256).max when all are inside.
    /// @dev x = (v − lo) mod 2^32 lies in [0, hi − lo] exactly for the values inside. Eight values per calldata
    /// word at once (SWAR on the 32-bit lanes, no carry crossing a lane): x = ((v & LOW) + (off & LOW)) ^ ((v ^
    /// off) & TOP) with off = −lo in every lane, and x > span ⇔ the top bit of x or of (x & LOW) + (2^31 − 1 −
    /// span) is set (for span < 2^31, neither sum leaving its lane). A flagged word, the tail, and every value
    /// when span ≥ 2^31 are scanned one value at a time.
    function firstOutOfRange(uint256 at, uint256 count, int256 lo, int256 hi) internal pure returns (uint256 index) {
        index = type(uint256).max;
        assembly ("memory-safe") {
            let off := and(sub(0, lo), LANE_MASK)
            let span := sub(hi, lo)
            let i := 0
            if lt(span, BIAS) {
                // The lane masks on the stack (literals cost a CODECOPY at every use).
                let lowMask := LANE_LOW
                let topMask := LANE_TOP
                let offs := mul(off, LANE_ONES)
                let offLow := and(offs, lowMask)
                let offTop := and(offs, topMask)
                let limit := mul(sub(LOW_31, span), LANE_ONES)
                for { } iszero(gt(add(i, 8), count)) { i := add(i, 8) } {
                    let v := calldataload(add(at, shl(2, i)))
                    let x := xor(add(and(v, lowMask), offLow), and(xor(v, offTop), topMask))
                    if and(or(x, add(and(x, lowMask), limit)), topMask) { break }
                }
            }
            for { } lt(i, count) { i := add(i, 1) } {
                if gt(and(add(shr(224, calldataload(add(at, shl(2, i)))), off), LANE_MASK), span) {
                    index := i
                    break
                }
            }
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
