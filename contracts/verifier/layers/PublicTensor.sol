// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Mle} from "./Mle.sol";

/// @title PublicTensor — the MLE of a public integer tensor, read from its packed big-endian bytes
/// @notice Twin of `evaluateTensor` (src/prover/tensor.ts) on the statement's bytes: each value is `width` bytes
/// (1, 2 or 4: the tensor's width, a model constant — docs/calldata.md), two's complement, row-major; the tensor's
/// MLE is in the axis-padded layout (axis a owns the variables [start_a, start_a + bits_a), the last axis lowest),
/// so T~(p) = Σ_rows w(row)·Σ_c v[row, c]·eq_last[c] with eq_last the eq table of the last axis' variables and
/// w(row) the product of the other axes' eq entries. O(size): one mulmod per element and one per row; padding is
/// never touched. A calldata word holds 32 / width values (its lanes); from TELESCOPED_MIN_ROWS rows on they are
/// read without a mask per value (telescoped coefficients, {_coefficients}).
library PublicTensor {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev Rows from which {_dot}'s telescoped coefficients pay for their preparation (≈ 16 opcodes per entry,
    /// against 2 opcodes per value saved: measured break-even near 8 rows); fewer rows use {_dotMasked}.
    uint256 private constant TELESCOPED_MIN_ROWS = 8;

    /// @notice T~(point) for the tensor of `shape` whose `width`-byte elements start at calldata offset `at`.
    /// @dev The caller checks that the bytes are there (the statement's length is fixed by the model) and that
    /// `width` is 1, 2 or 4.
    function evaluate(uint256 at, uint256 width, uint256[] memory shape, uint256[] memory point)
        internal
        pure
        returns (uint256)
    {
        uint256 rank = shape.length;
        uint256 size = 1;
        for (uint256 a; a < rank; ++a) size *= shape[a];
        if (size == 0) return 0;
        if (rank == 0) return _element(at, width);
        uint256 lanes = 32 / width;
        shape = _mergeShortRows(shape, lanes);
        uint256 lastDim = shape[shape.length - 1];
        uint256 lastBits = _bits(lastDim);
        uint256[] memory w = _rowWeights(shape, point, lastBits);
        if (w.length < TELESCOPED_MIN_ROWS) {
            uint256[] memory low = _padded(Mle.eqTable(point, 0, lastBits), lastDim, lanes);
            return _dotMasked(at, width, lastDim, low, Mle.prefixIndicator(lastDim, point, 0, lastBits), w);
        }
        (uint256[] memory coefs, uint256 lowSum) = _coefficients(point, lastBits, lastDim, width);
        return _dot(at, width, lastDim, coefs, lowSum, w);
    }

    /// @dev A row shorter than a word wastes lanes. While the last axis has a power-of-two length d = 2^b it merges
    /// into the one before: element (i, j) sits at padded index i·2^b + j = i·d + j, so the merged axis is
    /// contiguous, its variables are the same (b low, then the previous axis' bits) and ⌈log2(d'·d)⌉ = ⌈log2 d'⌉ + b.
    /// Returns `shape` itself when nothing merges.
    function _mergeShortRows(uint256[] memory shape, uint256 lanes) private pure returns (uint256[] memory) {
        uint256 rank = shape.length;
        uint256 kept = rank;
        uint256 lastDim = shape[rank - 1];
        while (kept > 1 && lastDim < lanes && lastDim & (lastDim - 1) == 0) {
            --kept;
            lastDim *= shape[kept - 1];
        }
        if (kept == rank) return shape;
        uint256[] memory merged = new uint256[](kept);
        for (uint256 a; a + 1 < kept; ++a) merged[a] = shape[a];
        merged[kept - 1] = lastDim;
        return merged;
    }

    /// @dev The first `d` entries of `table` followed by zeros up to a multiple of `lanes` entries: a row's last
    /// calldata word may then be read whole — the lanes past the row (the next row's values, or whatever follows
    /// the tensor) meet a zero entry.
    function _padded(uint256[] memory table, uint256 d, uint256 lanes) private pure returns (uint256[] memory out) {
        out = new uint256[]((d + lanes - 1) & ~(lanes - 1));
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(table, 0x20), shl(5, d))
        }
    }

    /// @dev The per-lane coefficients {_dot} multiplies the shifted words by, from e = the eq table of the last
    /// axis' variables (point[0 … lastBits)), and Σ_{c<d} e[c] (the prefix indicator, O(lastBits)).
    /// Per word of n = 32 / width lanes of L = 8·width bits (lane 0 the most significant), {_dot} multiplies
    /// y_l = x >> L·(n − 1 − l) — lane l with the lanes before it above it, y_l = Σ_{m≤l} u_m·2^{L(l−m)} — by c_l,
    /// with no mask per lane. Choosing c_l = e_l − 2^L·e_{l+1} (c_{n−1} = e_{n−1}) telescopes:
    /// Σ_l y_l·c_l = Σ_m u_m·Σ_{l≥m} 2^{L(l−m)}·c_l = Σ_m u_m·e_m.
    /// The entries from `d` on are zero up to a multiple of n (a row's last word is read whole: the lanes past the
    /// row meet zero coefficients, and so does the lane before them: c_{d−1} = e_{d−1}). The table is built in
    /// place in the returned array (capacity max(2^lastBits, padded), length the padded size).
    function _coefficients(uint256[] memory point, uint256 lastBits, uint256 d, uint256 width)
        private
        pure
        returns (uint256[] memory out, uint256 sum)
    {
        uint256 lanes = 32 / width;
        uint256 padded = (d + lanes - 1) & ~(lanes - 1);
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
            let k := shl(shl(3, width), 1)
            let group := shl(5, lanes)
            // In place, ascending (entry l + 1 is still e_{l+1} when entry l is rewritten); a word's last lane
            // keeps its e.
            for { let g := dst } lt(g, end) { g := add(g, group) } {
                for { let q := g let last := add(g, sub(group, 0x20)) } lt(q, last) { q := add(q, 0x20) } {
                    mstore(q, addmod(mload(q), sub(r, mulmod(k, mload(add(q, 0x20)), r)), r))
                }
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
    /// Per calldata word: one load and one XOR with the lanes' top bits (every lane read as v + 2^(L−1),
    /// unsigned; the bias 2^(L−1)·Σ_rows w·Σ_c e[c] is subtracted once at the end), then per lane one shift, one
    /// table read and one MULMOD; four products (each < r) are summed with ADD before one ADDMOD (4r < 2^256).
    /// The parameters are reused as locals once read (the stack has no room for more).
    function _dot(
        uint256 at,
        uint256 width,
        uint256 lastDim,
        uint256[] memory coefs,
        uint256 lowSum,
        uint256[] memory w
    )
        private
        pure
        returns (uint256 result)
    {
        assembly ("memory-safe") {
            // One row: Σ over its words from calldata offset p of the table [t, tEnd), `bytesPer`-byte lanes. A
            // word's lanes are unrolled per width (constant shifts; a loop over the lanes cost half as much again
            // per value).
            function row(p, t, tEnd, bytesPer) -> sum {
                // 2^(L−1) in every L-bit lane, L = 8·bytesPer ((2^256 − 1) / (2^L − 1) is 1 in every lane).
                let top := shl(sub(shl(3, bytesPer), 1), div(not(0), sub(shl(shl(3, bytesPer), 1), 1)))
                for { } lt(t, tEnd) { p := add(p, 0x20) } {
                    let x := xor(calldataload(p), top)
                    switch bytesPer
                    case 1 {
                        sum := dot32(sum, x, t)
                        t := add(t, 0x400)
                    }
                    case 2 {
                        sum := dot16(sum, x, t)
                        t := add(t, 0x200)
                    }
                    default {
                        sum := dot8(sum, x, t)
                        t := add(t, 0x100)
                    }
                }
            }
            // acc + Σ_l y_l·t[l] mod r over a word's n lanes, y_l = x >> (256/n)·(n − 1 − l).
            function dot8(acc, x, t) -> s {
                let r := R_MODULUS
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(224, x), mload(t), r), mulmod(shr(192, x), mload(add(t, 0x20)), r)),
                        add(mulmod(shr(160, x), mload(add(t, 0x40)), r), mulmod(shr(128, x), mload(add(t, 0x60)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(96, x), mload(add(t, 0x80)), r), mulmod(shr(64, x), mload(add(t, 0xa0)), r)),
                        add(mulmod(shr(32, x), mload(add(t, 0xc0)), r), mulmod(x, mload(add(t, 0xe0)), r))
                    ),
                    r
                )
            }
            function dot16(acc, x, t) -> s {
                let r := R_MODULUS
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(240, x), mload(t), r), mulmod(shr(224, x), mload(add(t, 0x20)), r)),
                        add(mulmod(shr(208, x), mload(add(t, 0x40)), r), mulmod(shr(192, x), mload(add(t, 0x60)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(176, x), mload(add(t, 0x80)), r), mulmod(shr(160, x), mload(add(t, 0xa0)), r)),
                        add(mulmod(shr(144, x), mload(add(t, 0xc0)), r), mulmod(shr(128, x), mload(add(t, 0xe0)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(112, x), mload(add(t, 0x100)), r), mulmod(shr(96, x), mload(add(t, 0x120)), r)),
                        add(mulmod(shr(80, x), mload(add(t, 0x140)), r), mulmod(shr(64, x), mload(add(t, 0x160)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(48, x), mload(add(t, 0x180)), r), mulmod(shr(32, x), mload(add(t, 0x1a0)), r)),
                        add(mulmod(shr(16, x), mload(add(t, 0x1c0)), r), mulmod(x, mload(add(t, 0x1e0)), r))
                    ),
                    r
                )
            }
            function dot32(acc, x, t) -> s {
                let r := R_MODULUS
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(248, x), mload(t), r), mulmod(shr(240, x), mload(add(t, 0x20)), r)),
                        add(mulmod(shr(232, x), mload(add(t, 0x40)), r), mulmod(shr(224, x), mload(add(t, 0x60)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(216, x), mload(add(t, 0x80)), r), mulmod(shr(208, x), mload(add(t, 0xa0)), r)),
                        add(mulmod(shr(200, x), mload(add(t, 0xc0)), r), mulmod(shr(192, x), mload(add(t, 0xe0)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(184, x), mload(add(t, 0x100)), r), mulmod(shr(176, x), mload(add(t, 0x120)), r)),
                        add(mulmod(shr(168, x), mload(add(t, 0x140)), r), mulmod(shr(160, x), mload(add(t, 0x160)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(152, x), mload(add(t, 0x180)), r), mulmod(shr(144, x), mload(add(t, 0x1a0)), r)),
                        add(mulmod(shr(136, x), mload(add(t, 0x1c0)), r), mulmod(shr(128, x), mload(add(t, 0x1e0)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(120, x), mload(add(t, 0x200)), r), mulmod(shr(112, x), mload(add(t, 0x220)), r)),
                        add(mulmod(shr(104, x), mload(add(t, 0x240)), r), mulmod(shr(96, x), mload(add(t, 0x260)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(88, x), mload(add(t, 0x280)), r), mulmod(shr(80, x), mload(add(t, 0x2a0)), r)),
                        add(mulmod(shr(72, x), mload(add(t, 0x2c0)), r), mulmod(shr(64, x), mload(add(t, 0x2e0)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(56, x), mload(add(t, 0x300)), r), mulmod(shr(48, x), mload(add(t, 0x320)), r)),
                        add(mulmod(shr(40, x), mload(add(t, 0x340)), r), mulmod(shr(32, x), mload(add(t, 0x360)), r))
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(24, x), mload(add(t, 0x380)), r), mulmod(shr(16, x), mload(add(t, 0x3a0)), r)),
                        add(mulmod(shr(8, x), mload(add(t, 0x3c0)), r), mulmod(x, mload(add(t, 0x3e0)), r))
                    ),
                    r
                )
            }
            lastDim := mul(width, lastDim) // a row's bytes
            // The bias of every value read: 2^(L−1)·Σ_c e[c], L = 8·width.
            lowSum := mulmod(shl(sub(shl(3, width), 1), 1), lowSum, R_MODULUS)
            let tableEnd := add(add(coefs, 0x20), shl(5, mload(coefs)))
            coefs := add(coefs, 0x20)
            let wsum := 0
            let wp := add(w, 0x20)
            w := add(wp, shl(5, mload(w)))
            for { } lt(wp, w) { wp := add(wp, 0x20) } {
                result := addmod(result, mulmod(mload(wp), row(at, coefs, tableEnd, width), R_MODULUS), R_MODULUS)
                wsum := addmod(wsum, mload(wp), R_MODULUS)
                at := add(at, lastDim)
            }
            // Every value was read as v + 2^(L−1): subtract 2^(L−1)·Σ_rows w·Σ_c e[c].
            result := addmod(result, sub(R_MODULUS, mulmod(lowSum, wsum, R_MODULUS)), R_MODULUS)
        }
    }

    /// @dev Fewer than TELESCOPED_MIN_ROWS rows: Σ_row w[row]·Σ_{c<lastDim} v[row, c]·low[c], the rows consecutive
    /// from calldata offset `at`, `low` the plain eq table zero-padded to whole words ({_padded}). Per calldata word
    /// one load and one XOR with the lanes' top bits, then a shift and a mask per lane; four products (each < r)
    /// are summed with ADD before one ADDMOD (4r < 2^256); `lowSum` = Σ_c low[c] (the prefix indicator). The
    /// parameters are reused as locals once read.
    function _dotMasked(
        uint256 at,
        uint256 width,
        uint256 lastDim,
        uint256[] memory low,
        uint256 lowSum,
        uint256[] memory w
    )
        private
        pure
        returns (uint256 result)
    {
        assembly ("memory-safe") {
            // One row (as {_dot}'s, a mask per lane).
            function row(p, t, tEnd, bytesPer) -> sum {
                let top := shl(sub(shl(3, bytesPer), 1), div(not(0), sub(shl(shl(3, bytesPer), 1), 1)))
                for { } lt(t, tEnd) { p := add(p, 0x20) } {
                    let x := xor(calldataload(p), top)
                    switch bytesPer
                    case 1 {
                        sum := masked32(sum, x, t)
                        t := add(t, 0x400)
                    }
                    case 2 {
                        sum := masked16(sum, x, t)
                        t := add(t, 0x200)
                    }
                    default {
                        sum := masked8(sum, x, t)
                        t := add(t, 0x100)
                    }
                }
            }
            // acc + Σ_l (y_l & mask)·t[l] mod r over a word's n lanes, y_l = x >> (256/n)·(n − 1 − l).
            function masked8(acc, x, t) -> s {
                let r := R_MODULUS
                let m := 0xffffffff
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(224, x), mload(t), r), mulmod(and(shr(192, x), m), mload(add(t, 0x20)), r)),
                        add(
                            mulmod(and(shr(160, x), m), mload(add(t, 0x40)), r),
                            mulmod(and(shr(128, x), m), mload(add(t, 0x60)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(96, x), m), mload(add(t, 0x80)), r),
                            mulmod(and(shr(64, x), m), mload(add(t, 0xa0)), r)
                        ),
                        add(
                            mulmod(and(shr(32, x), m), mload(add(t, 0xc0)), r),
                            mulmod(and(x, m), mload(add(t, 0xe0)), r)
                        )
                    ),
                    r
                )
            }
            function masked16(acc, x, t) -> s {
                let r := R_MODULUS
                let m := 0xffff
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(240, x), mload(t), r), mulmod(and(shr(224, x), m), mload(add(t, 0x20)), r)),
                        add(
                            mulmod(and(shr(208, x), m), mload(add(t, 0x40)), r),
                            mulmod(and(shr(192, x), m), mload(add(t, 0x60)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(176, x), m), mload(add(t, 0x80)), r),
                            mulmod(and(shr(160, x), m), mload(add(t, 0xa0)), r)
                        ),
                        add(
                            mulmod(and(shr(144, x), m), mload(add(t, 0xc0)), r),
                            mulmod(and(shr(128, x), m), mload(add(t, 0xe0)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(112, x), m), mload(add(t, 0x100)), r),
                            mulmod(and(shr(96, x), m), mload(add(t, 0x120)), r)
                        ),
                        add(
                            mulmod(and(shr(80, x), m), mload(add(t, 0x140)), r),
                            mulmod(and(shr(64, x), m), mload(add(t, 0x160)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(48, x), m), mload(add(t, 0x180)), r),
                            mulmod(and(shr(32, x), m), mload(add(t, 0x1a0)), r)
                        ),
                        add(
                            mulmod(and(shr(16, x), m), mload(add(t, 0x1c0)), r),
                            mulmod(and(x, m), mload(add(t, 0x1e0)), r)
                        )
                    ),
                    r
                )
            }
            function masked32(acc, x, t) -> s {
                let r := R_MODULUS
                let m := 0xff
                s := acc
                s := addmod(
                    s,
                    add(
                        add(mulmod(shr(248, x), mload(t), r), mulmod(and(shr(240, x), m), mload(add(t, 0x20)), r)),
                        add(
                            mulmod(and(shr(232, x), m), mload(add(t, 0x40)), r),
                            mulmod(and(shr(224, x), m), mload(add(t, 0x60)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(216, x), m), mload(add(t, 0x80)), r),
                            mulmod(and(shr(208, x), m), mload(add(t, 0xa0)), r)
                        ),
                        add(
                            mulmod(and(shr(200, x), m), mload(add(t, 0xc0)), r),
                            mulmod(and(shr(192, x), m), mload(add(t, 0xe0)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(184, x), m), mload(add(t, 0x100)), r),
                            mulmod(and(shr(176, x), m), mload(add(t, 0x120)), r)
                        ),
                        add(
                            mulmod(and(shr(168, x), m), mload(add(t, 0x140)), r),
                            mulmod(and(shr(160, x), m), mload(add(t, 0x160)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(152, x), m), mload(add(t, 0x180)), r),
                            mulmod(and(shr(144, x), m), mload(add(t, 0x1a0)), r)
                        ),
                        add(
                            mulmod(and(shr(136, x), m), mload(add(t, 0x1c0)), r),
                            mulmod(and(shr(128, x), m), mload(add(t, 0x1e0)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(120, x), m), mload(add(t, 0x200)), r),
                            mulmod(and(shr(112, x), m), mload(add(t, 0x220)), r)
                        ),
                        add(
                            mulmod(and(shr(104, x), m), mload(add(t, 0x240)), r),
                            mulmod(and(shr(96, x), m), mload(add(t, 0x260)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(88, x), m), mload(add(t, 0x280)), r),
                            mulmod(and(shr(80, x), m), mload(add(t, 0x2a0)), r)
                        ),
                        add(
                            mulmod(and(shr(72, x), m), mload(add(t, 0x2c0)), r),
                            mulmod(and(shr(64, x), m), mload(add(t, 0x2e0)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(56, x), m), mload(add(t, 0x300)), r),
                            mulmod(and(shr(48, x), m), mload(add(t, 0x320)), r)
                        ),
                        add(
                            mulmod(and(shr(40, x), m), mload(add(t, 0x340)), r),
                            mulmod(and(shr(32, x), m), mload(add(t, 0x360)), r)
                        )
                    ),
                    r
                )
                s := addmod(
                    s,
                    add(
                        add(
                            mulmod(and(shr(24, x), m), mload(add(t, 0x380)), r),
                            mulmod(and(shr(16, x), m), mload(add(t, 0x3a0)), r)
                        ),
                        add(
                            mulmod(and(shr(8, x), m), mload(add(t, 0x3c0)), r),
                            mulmod(and(x, m), mload(add(t, 0x3e0)), r)
                        )
                    ),
                    r
                )
            }
            lastDim := mul(width, lastDim) // a row's bytes
            // The bias of every value read: 2^(L−1)·Σ_c low[c], L = 8·width.
            lowSum := mulmod(shl(sub(shl(3, width), 1), 1), lowSum, R_MODULUS)
            let tableEnd := add(add(low, 0x20), shl(5, mload(low)))
            low := add(low, 0x20)
            let wsum := 0
            let wp := add(w, 0x20)
            w := add(wp, shl(5, mload(w)))
            for { } lt(wp, w) { wp := add(wp, 0x20) } {
                result := addmod(result, mulmod(mload(wp), row(at, low, tableEnd, width), R_MODULUS), R_MODULUS)
                wsum := addmod(wsum, mload(wp), R_MODULUS)
                at := add(at, lastDim)
            }
            // Every value was read as v + 2^(L−1): subtract 2^(L−1)·Σ_rows w·Σ_c low[c].
            result := addmod(result, sub(R_MODULUS, mulmod(lowSum, wsum, R_MODULUS)), R_MODULUS)
        }
    }

    /// @notice The index of the first of `count` `width`-byte values at calldata offset `at` outside [lo, hi], or
    /// type(uint256).max when all are inside.
    /// @dev With L = 8·width, x = (v − lo) mod 2^L lies in [0, hi − lo] exactly for the values inside. A whole
    /// calldata word at once (SWAR on its L-bit lanes, no carry crossing a lane): x = ((v & LOW) + (off & LOW)) ^
    /// ((v ^ off) & TOP) with off = −lo in every lane, LOW the lanes' low L − 1 bits and TOP their top bit, and
    /// x > span ⇔ the top bit of x or of (x & LOW) + (2^(L−1) − 1 − span) is set (for span < 2^(L−1), neither sum
    /// leaving its lane). A flagged word, the tail, and every value when span ≥ 2^(L−1) are scanned one value at a
    /// time.
    function firstOutOfRange(uint256 at, uint256 width, uint256 count, int256 lo, int256 hi)
        internal
        pure
        returns (uint256 index)
    {
        index = type(uint256).max;
        assembly ("memory-safe") {
            // The whole words from calldata offset p to `end`, l-bit lanes: where the first word holding a value
            // outside [lo, lo + span] starts (`end` if none), off = −lo mod 2^l, span < 2^(l−1).
            function firstFlagged(p, end, off, span, l) -> q {
                // 2^(l−1) in every lane ((2^256 − 1) / (2^l − 1) is 1 in every lane), and the lanes' low bits.
                let topMask := shl(sub(l, 1), div(not(0), sub(shl(l, 1), 1)))
                let lowMask := sub(topMask, shr(sub(l, 1), topMask))
                let offLow := and(mul(off, shr(sub(l, 1), topMask)), lowMask)
                let offTop := and(mul(off, shr(sub(l, 1), topMask)), topMask)
                let limit := mul(sub(sub(shl(sub(l, 1), 1), 1), span), shr(sub(l, 1), topMask))
                for { } lt(p, end) { p := add(p, 0x20) } {
                    let v := calldataload(p)
                    let x := xor(add(and(v, lowMask), offLow), and(xor(v, offTop), topMask))
                    if and(or(x, add(and(x, lowMask), limit)), topMask) { break }
                }
                q := p
            }
            let l := shl(3, width)
            let laneMask := sub(shl(l, 1), 1)
            hi := sub(hi, lo) // the span
            lo := and(sub(0, lo), laneMask) // the offset −lo in one lane
            let i := 0
            if lt(hi, shl(sub(l, 1), 1)) {
                // Whole words of 32 / width values, then the rest one value at a time.
                let q := firstFlagged(at, add(at, mul(width, sub(count, mod(count, div(32, width))))), lo, hi, l)
                i := div(sub(q, at), width)
            }
            for { } lt(i, count) { i := add(i, 1) } {
                if gt(and(add(shr(sub(256, l), calldataload(add(at, mul(i, width)))), lo), laneMask), hi) {
                    index := i
                    break
                }
            }
        }
    }

    /// @dev The first element as a field element (a rank-0 tensor).
    function _element(uint256 at, uint256 width) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            let raw := shr(sub(256, shl(3, width)), calldataload(at))
            v := mod(add(R_MODULUS, signextend(sub(width, 1), raw)), R_MODULUS)
        }
    }

    /// @dev ⌈log2 d⌉ (0 for d ≤ 1).
    function _bits(uint256 d) private pure returns (uint256 b) {
        while ((1 << b) < d) ++b;
    }
}
