// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Mle} from "./Mle.sol";

/// @title SelectorStep — the factorized-selector sum-check of every re-indexing layer
/// @notice Twin of `verifySelector` (src/prover/layers/selector.ts), spec in docs/prover.md ("Factorized
/// selectors"): Y~(r) = Σ_x X(x)·S(x), one degree-2 sum-check over X's n variables, then
/// absorb("select.eval", [x]) and the check x·S~(ρ) = final claim, with S~(ρ) = Π_g T_g(ρ_g) and
/// T_g(ρ_g) = Σ_{source tuples t} weight(t)·Π_{pointed sources j} eq(p_j, t_j)·eq(ρ_g, index(t)).
/// Program: u8 n, u8 groups; per group u8 kind, u8 lo, u8 bits (ρ_g = ρ[lo … lo + bits)), then by kind
///   IDENTITY  u32 size, gather(pool) (bits coordinates): index(i) = i — O(bits), no table
///   AFFINE    u32 inSize, i32 offset, u8 sources (1 or 2); per source u32 size, i32 coefficient, u8 pointed,
///             [gather(pool)]: index = offset + Σ_j coefficient_j·t_j, padding outside [0, inSize)
///   EXPLICIT  u8 sources; per source u32 size, u8 pointed, [gather(pool)]; u8 weighted, u8 index width w;
///             per tuple (row-major, last source fastest) a w-byte index (all ones: padding) [+ 32-byte weight]
library SelectorStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_EVAL = "select.eval";
    /// @dev Degree of X(x)·S(x) per variable.
    uint256 private constant DEGREE = 2;
    /// @dev Bytes of a weight.
    uint256 private constant WEIGHT_BYTES = 32;
    uint256 internal constant KIND_IDENTITY = 0;
    uint256 internal constant KIND_AFFINE = 1;
    uint256 internal constant KIND_EXPLICIT = 2;

    /// @notice x·S~(ρ) does not match the sum-check's final claim.
    error SelectorCheckFailed();
    /// @notice The program names an unknown group kind (a generator bug).
    error SelectorKindUnknown(uint256 kind);

    /// @notice Verifies Y~(r) = `value` for the selector the program describes (its sources' points are
    /// gathered from `pool`); returns the claim on X.
    function verify(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        uint256 value,
        uint256[] memory pool
    ) internal pure returns (ProofStream.Claim memory x) {
        uint256 numVars = Program.u8(r);
        uint256 expected;
        (x.point, expected) = ProofStream.sumcheck(s, value, numVars, DEGREE);
        x.value = ProofStream.word(ProofStream.absorbScalars(s, LABEL_EVAL, 1), 0);
        if (mulmod(x.value, evaluate(r, x.point, pool), R_MODULUS) != expected) revert SelectorCheckFailed();
    }

    /// @notice S~(ρ): the product over the groups of T_g(ρ_g).
    function evaluate(Program.Reader memory r, uint256[] memory rho, uint256[] memory pool)
        internal
        pure
        returns (uint256 acc)
    {
        uint256 groups = Program.u8(r);
        acc = 1;
        for (uint256 g; g < groups; ++g) {
            uint256 kind = Program.u8(r);
            uint256 lo = Program.u8(r);
            uint256 bits = Program.u8(r);
            uint256 t;
            if (kind == KIND_IDENTITY) t = _identity(r, rho, lo, bits, pool);
            else if (kind == KIND_AFFINE) t = _affine(r, rho, lo, bits, pool);
            else if (kind == KIND_EXPLICIT) t = _explicit(r, Mle.eqTable(rho, lo, bits), pool);
            else revert SelectorKindUnknown(kind);
            acc = mulmod(acc, t, R_MODULUS);
        }
    }

    /// @dev Σ_{i < size} eq(p, i)·eq(ρ_g, i) in O(bits): per bit the weights a_j = p_j ρ_j (bit 1) and
    /// b_j = (1 − p_j)(1 − ρ_j) (bit 0); from the top bit down, every bit j where `size` has a 1 adds
    /// acc·b_j·Π_{l<j}(a_l + b_l) (the indices sharing size's higher bits with bit j = 0), acc·a_j continues.
    function _identity(Program.Reader memory r, uint256[] memory rho, uint256 lo, uint256 bits, uint256[] memory pool)
        private
        pure
        returns (uint256 result)
    {
        uint256 size = Program.u32(r);
        uint256[] memory p = Program.gather(r, pool);
        // low[j] = Π_{l<j} (a_l + b_l)
        uint256[] memory low = new uint256[](bits + 1);
        assembly ("memory-safe") {
            let rMod := R_MODULUS
            let pp := add(p, 0x20)
            let rr := add(add(rho, 0x20), shl(5, lo))
            // low's entries from its first word (`low` + 0x20): no stack slot left for a base pointer.
            mstore(add(low, 0x20), 1)
            for { let j := 0 } lt(j, bits) { j := add(j, 1) } {
                let a := mulmod(mload(add(pp, shl(5, j))), mload(add(rr, shl(5, j))), rMod)
                let b := mulmod(
                    addmod(1, sub(rMod, mload(add(pp, shl(5, j)))), rMod),
                    addmod(1, sub(rMod, mload(add(rr, shl(5, j)))), rMod),
                    rMod
                )
                let at := add(low, shl(5, add(j, 1)))
                mstore(add(at, 0x20), mulmod(mload(at), addmod(a, b, rMod), rMod))
            }
            switch eq(size, shl(bits, 1))
            case 1 { result := mload(add(low, shl(5, add(bits, 1)))) }
            default {
                let acc := 1
                for { let j := bits } gt(j, 0) { } {
                    j := sub(j, 1)
                    let pj := mload(add(pp, shl(5, j)))
                    let rj := mload(add(rr, shl(5, j)))
                    // b_j = (1 − p_j)(1 − ρ_j), a_j = p_j ρ_j
                    let b := mulmod(addmod(1, sub(rMod, pj), rMod), addmod(1, sub(rMod, rj), rMod), rMod)
                    switch and(shr(j, size), 1)
                    case 1 {
                        // b's slot reused for acc·b_j·low[j] (no stack slot left for another name)
                        b := mulmod(mulmod(acc, b, rMod), mload(add(low, shl(5, add(j, 1)))), rMod)
                        result := addmod(result, b, rMod)
                        acc := mulmod(acc, mulmod(pj, rj, rMod), rMod)
                    }
                    default { acc := mulmod(acc, b, rMod) }
                }
            }
        }
    }

    /// @dev Σ_{o, k} eq(p_o, o)·eq(p_k, k)·eq(ρ_g, offset + c_o·o + c_k·k) over the indices in [0, inSize): the
    /// window sums of a convolution's spatial axis, a pooling window, a strided slice. The program fields are read
    /// in place (no point is gathered into an array), the three eq tables are built ({Mle.eqInto}) in scratch
    /// memory past the free memory pointer, never allocated — nothing allocates while they are in use, so every
    /// affine group reuses the same words and memory grows once — then the double sum runs by pointer
    /// ({_affineSum}). Scratch layout from the free memory pointer F:
    ///   F + 0x00 … 0xff  the geometry: 32·inSize, offset, then per source (outer, inner) its size, coefficient and
    ///                    table address (the longer source inner: fewer rows, each with more terms)
    ///   F + 0x100 …      E = eq(ρ_g, ·), 2^bits words
    ///   then per source  its gathered coordinates and their eq table (pointed), or `size` ones (summed plainly);
    ///                    a one-source group gets a second source of size 1, coefficient 0, table [1].
    function _affine(Program.Reader memory r, uint256[] memory rho, uint256 lo, uint256 bits, uint256[] memory pool)
        private
        pure
        returns (uint256)
    {
        uint256 geo;
        uint256 sources;
        assembly ("memory-safe") {
            geo := mload(0x40)
            // Header: u32 inSize (kept as 32·inSize), i32 offset, u8 sources.
            let p := mload(r)
            mstore(geo, shl(5, shr(224, mload(p))))
            mstore(add(geo, 0x20), signextend(3, shr(224, mload(add(p, 4)))))
            sources := byte(0, mload(add(p, 8)))
            mstore(r, add(p, 9))
        }
        uint256 e = geo + 0x100;
        Mle.eqInto(e, _coordinates(rho) + 32 * lo, bits);
        uint256 free = _affineSource(r, pool, e + (32 << bits), geo + 0x40);
        if (sources == 2) {
            _affineSource(r, pool, free, geo + 0xa0);
        } else {
            assembly ("memory-safe") {
                mstore(add(geo, 0xa0), 1)
                mstore(add(geo, 0xc0), 0)
                mstore(add(geo, 0xe0), free)
                mstore(free, 1)
            }
        }
        if (r.ptr > r.end) revert Program.ProgramTruncated();
        return _affineSum(geo);
    }

    /// @dev Reads one affine source (u32 size, i32 coefficient, u8 pointed, [u8 count, count pool indices]) into
    /// the three geometry words at `geo` (size, coefficient, table address), writing its table at `free`: a
    /// pointed source's coordinates pool[index], then their eq table; a plainly summed one, `size` ones. Returns
    /// the next free word.
    function _affineSource(Program.Reader memory r, uint256[] memory pool, uint256 free, uint256 geo)
        private
        pure
        returns (uint256 next)
    {
        uint256 n;
        uint256 table;
        bool ok = true;
        assembly ("memory-safe") {
            let p := mload(r)
            mstore(geo, shr(224, mload(p)))
            mstore(add(geo, 0x20), signextend(3, shr(224, mload(add(p, 4)))))
            switch byte(0, mload(add(p, 8)))
            case 0 {
                mstore(r, add(p, 9))
                mstore(add(geo, 0x40), free)
                next := add(free, shl(5, mload(geo)))
                for { } lt(free, next) { free := add(free, 0x20) } { mstore(free, 1) }
            }
            default {
                n := byte(0, mload(add(p, 9)))
                p := add(p, 10)
                table := add(free, shl(5, n))
                for { let q := free } lt(q, table) { q := add(q, 0x20) } {
                    let k := byte(0, mload(p))
                    ok := and(ok, lt(k, mload(pool)))
                    mstore(q, mload(add(add(pool, 0x20), shl(5, k))))
                    p := add(p, 1)
                }
                ok := and(ok, iszero(gt(p, mload(add(r, 0x20)))))
                mstore(r, p)
                mstore(add(geo, 0x40), table)
                next := add(table, shl(5, shl(n, 1)))
            }
        }
        if (!ok) revert Program.ProgramTruncated();
        if (table != 0) Mle.eqInto(table, free, n);
    }

    /// @dev The address of a point's first coordinate.
    function _coordinates(uint256[] memory point) private pure returns (uint256 first) {
        assembly ("memory-safe") {
            first := add(point, 0x20)
        }
    }

    /// @dev Σ_o A[o]·Σ_k B[k]·E[offset + c_o·o + c_k·k] over the in-range indices (A the outer table, B the inner,
    /// E at geo + 0x100; the geometry words of {_affine}, the longer source made inner here). An index is an
    /// address into E (E + 32·index, wrapping like the index: in range iff the address minus E is below 32·inSize,
    /// a negative index included). Per outer row the window's two ends are tested: both in range (an unclipped
    /// window — every window of an unpadded convolution) runs two terms per iteration with no test (two products
    /// < r summed with ADD: 2r < 2^256); a clipped one tests every term.
    function _affineSum(uint256 geo) private pure returns (uint256 acc) {
        assembly ("memory-safe") {
            // The longer source inner: swap the (size, coefficient, table) triples.
            if lt(mload(add(geo, 0xa0)), mload(add(geo, 0x40))) {
                for { let i := 0x40 } lt(i, 0xa0) { i := add(i, 0x20) } {
                    let w := mload(add(geo, i))
                    mstore(add(geo, i), mload(add(geo, add(i, 0x60))))
                    mstore(add(geo, add(i, 0x60)), w)
                }
            }
            let m := R_MODULUS
            let e := add(geo, 0x100)
            let inBytes := mload(geo)
            let step := shl(5, mload(add(geo, 0xc0)))
            let bTable := mload(add(geo, 0xe0))
            let bEnd := add(bTable, shl(5, mload(add(geo, 0xa0))))
            let row := add(e, shl(5, mload(add(geo, 0x20))))
            let aTable := mload(add(geo, 0x80))
            // Per-row constants into the geometry words (no stack slot left): outer end, row step, window span.
            mstore(add(geo, 0x40), add(aTable, shl(5, mload(add(geo, 0x40)))))
            mstore(add(geo, 0x60), shl(5, mload(add(geo, 0x60))))
            mstore(add(geo, 0xa0), mul(step, sub(mload(add(geo, 0xa0)), 1)))
            for { } lt(aTable, mload(add(geo, 0x40))) { aTable := add(aTable, 0x20) } {
                let inner := 0
                let idx := row
                let t := bTable
                switch and(lt(sub(row, e), inBytes), lt(sub(add(row, mload(add(geo, 0xa0))), e), inBytes))
                case 1 {
                    // Unclipped: B[k]·E[idx] for every k, two per iteration.
                    for { } lt(add(t, 0x20), bEnd) { t := add(t, 0x40) } {
                        inner := addmod(
                            inner,
                            add(mulmod(mload(t), mload(idx), m), mulmod(mload(add(t, 0x20)), mload(add(idx, step)), m)),
                            m
                        )
                        idx := add(idx, shl(1, step))
                    }
                    if lt(t, bEnd) { inner := addmod(inner, mulmod(mload(t), mload(idx), m), m) }
                }
                default {
                    // Clipped: only the terms whose index is in [0, inSize).
                    for { } lt(t, bEnd) { t := add(t, 0x20) } {
                        if lt(sub(idx, e), inBytes) { inner := addmod(inner, mulmod(mload(t), mload(idx), m), m) }
                        idx := add(idx, step)
                    }
                }
                // A[o]·(the row's inner sum).
                acc := addmod(acc, mulmod(inner, mload(aTable), m), m)
                row := add(row, mload(add(geo, 0x60)))
            }
        }
    }

    /// @dev The eq table of a gathered source point; returns the address of its first entry.
    function _tableOf(Program.Reader memory r, uint256[] memory pool) private pure returns (uint256 first) {
        uint256[] memory p = Program.gather(r, pool);
        uint256[] memory t = Mle.eqTable(p, 0, p.length);
        assembly ("memory-safe") {
            first := add(t, 0x20)
        }
    }

    /// @dev An explicit group: Σ over source tuples of weight·Π eq(p_j, t_j)·eq(ρ_g, index).
    function _explicit(Program.Reader memory r, uint256[] memory eqRho, uint256[] memory pool)
        private
        pure
        returns (uint256)
    {
        uint256 numSources = Program.u8(r);
        uint256[] memory sizes = new uint256[](numSources);
        // Per source its eq table (address of the first entry), or 0 for a plainly summed source.
        uint256[] memory tables = new uint256[](numSources);
        uint256 tuples = 1;
        for (uint256 j; j < numSources; ++j) {
            sizes[j] = Program.u32(r);
            tuples *= sizes[j];
            if (Program.u8(r) != 0) tables[j] = _tableOf(r, pool);
        }
        bool weighted = Program.u8(r) != 0;
        uint256 width = Program.u8(r);
        uint256 at = Program.skip(r, tuples * (width + (weighted ? WEIGHT_BYTES : 0)));
        return _explicitSum(at, tuples, width, weighted, eqRho, sizes, tables);
    }

    function _explicitSum(
        uint256 at,
        uint256 tuples,
        uint256 width,
        bool weighted,
        uint256[] memory eqRho,
        uint256[] memory sizes,
        uint256[] memory tables
    ) private pure returns (uint256 sum) {
        uint256[] memory counter = new uint256[](sizes.length);
        uint256 stride = width + (weighted ? WEIGHT_BYTES : 0);
        for (uint256 t; t < tuples; ++t) {
            sum = addmod(sum, _term(at + t * stride, width, weighted, eqRho, tables, counter), R_MODULUS);
            _increment(counter, sizes);
        }
    }

    /// @dev weight·eq(ρ_g, index)·Π_j eq(p_j, t_j) for the tuple record at `rec` (0 when it reads padding).
    function _term(
        uint256 rec,
        uint256 width,
        bool weighted,
        uint256[] memory eqRho,
        uint256[] memory tables,
        uint256[] memory counter
    ) private pure returns (uint256 term) {
        assembly ("memory-safe") {
            let rMod := R_MODULUS
            let idx := shr(shl(3, sub(32, width)), mload(rec))
            if iszero(eq(idx, sub(shl(shl(3, width), 1), 1))) {
                term := mload(add(add(eqRho, 0x20), shl(5, idx)))
                let n := mload(tables)
                for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                    let table := mload(add(tables, shl(5, add(j, 1))))
                    if table {
                        let c := mload(add(counter, shl(5, add(j, 1))))
                        term := mulmod(term, mload(add(table, shl(5, c))), rMod)
                    }
                }
                if weighted { term := mulmod(term, mload(add(rec, width)), rMod) }
            }
        }
    }

    /// @dev Row-major increment of the source counter (last source fastest).
    function _increment(uint256[] memory counter, uint256[] memory sizes) private pure {
        for (uint256 j = counter.length; j > 0; ) {
            --j;
            uint256 v = counter[j] + 1;
            if (v < sizes[j]) {
                counter[j] = v;
                return;
            }
            counter[j] = 0;
        }
    }
}
