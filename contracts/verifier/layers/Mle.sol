// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Mle — eq polynomials and indicators the layer verifiers evaluate themselves
/// @notice Conventions of docs/sumcheck.md: variable j is bit j of the index (little-endian);
/// eq(x, y) = Π_j (x_j y_j + (1 − x_j)(1 − y_j)).
library Mle {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The modexp precompile failed (out of gas).
    error ModexpFailed();

    /// @notice eq(x, y[offset … offset + |x|)), O(|x|), for canonical coordinates (< r: every point a verifier
    /// holds is made of transcript challenges).
    /// @dev Per coordinate the factor a·b + (1 − a)(1 − b) = 2ab + 1 + (2r − a − b), left unreduced (< 3r + 1
    /// < 2^256 for canonical a, b: 2ab mod r < r, a + b < 2r) for the MULMOD that takes it: one MULMOD for 2ab
    /// (2b < 2^255 needs no reduction) and one for the product. Two coordinates per iteration (an odd one
    /// first), y's word addressed as x's plus a fixed distance: the loop's jumps and pointer steps are most of
    /// its cost besides the MULMODs.
    function eqAt(uint256[] memory x, uint256[] memory y, uint256 offset) internal pure returns (uint256 acc) {
        assembly ("memory-safe") {
            acc := 1
            let m := R_MODULUS
            let twoM := shl(1, m)
            let px := add(x, 0x20)
            let end := add(px, shl(5, mload(x)))
            // the distance from x_j to y_{offset + j} (modulo 2^256: y may lie below x)
            let d := sub(add(add(y, 0x20), shl(5, offset)), px)
            if and(mload(x), 1) {
                let a := mload(px)
                let b := mload(add(px, d))
                acc := mod(add(add(mulmod(a, add(b, b), m), 1), sub(twoM, add(a, b))), m)
                px := add(px, 0x20)
            }
            for { } lt(px, end) { px := add(px, 0x40) } {
                let a := mload(px)
                let b := mload(add(px, d))
                let f := add(add(mulmod(a, add(b, b), m), 1), sub(twoM, add(a, b)))
                a := mload(add(px, 0x20))
                b := mload(add(add(px, 0x20), d))
                acc := mulmod(acc, mulmod(f, add(add(mulmod(a, add(b, b), m), 1), sub(twoM, add(a, b))), m), m)
            }
        }
    }

    /// @notice eq(x, y) for points of equal length (the caller guarantees it).
    function eq(uint256[] memory x, uint256[] memory y) internal pure returns (uint256) {
        return eqAt(x, y, 0);
    }

    /// @notice The table eq(b, point[offset … offset + n)) over b ∈ {0,1}^n: 2^n entries, two MULMODs each.
    function eqTable(uint256[] memory point, uint256 offset, uint256 n) internal pure returns (uint256[] memory t) {
        t = new uint256[](1 << n);
        uint256 dst;
        uint256 coords;
        assembly ("memory-safe") {
            dst := add(t, 0x20)
            coords := add(add(point, 0x20), shl(5, offset))
        }
        eqInto(dst, coords, n);
    }

    /// @notice Writes the eq table of the n coordinates at memory address `coords` (eq(b, c) over b ∈ {0,1}^n,
    /// variable j = bit j) at memory address `dst`: 2^n words, which must not overlap the coordinates. The first
    /// two coordinates write their 4 products directly (one, (1 − c, c)); each later one splits every entry v
    /// into v·(1 − c) (in place) and v·c (h bytes further on), four entries per iteration (h ≥ 4 words by then:
    /// the loop's jumps and pointer steps are shared by 8 MULMODs).
    function eqInto(uint256 dst, uint256 coords, uint256 n) internal pure {
        assembly ("memory-safe") {
            // m: the modulus kept on the stack (a literal is re-loaded with a CODECOPY at every use).
            let m := R_MODULUS
            mstore(dst, 1)
            let end := add(coords, shl(5, n))
            if n {
                let c := mload(coords)
                let cc := addmod(1, sub(m, c), m)
                switch n
                case 1 {
                    mstore(dst, cc)
                    mstore(add(dst, 0x20), c)
                }
                default {
                    // entry b_0 + 2·b_1: (1 − c)(1 − d), c(1 − d), (1 − c)d, cd
                    let d := mload(add(coords, 0x20))
                    let dd := addmod(1, sub(m, d), m)
                    mstore(dst, mulmod(cc, dd, m))
                    mstore(add(dst, 0x20), mulmod(c, dd, m))
                    mstore(add(dst, 0x40), mulmod(cc, d, m))
                    mstore(add(dst, 0x60), mulmod(c, d, m))
                }
            }
            let h := 0x80
            for { coords := add(coords, 0x40) } lt(coords, end) { coords := add(coords, 0x20) } {
                let c := mload(coords)
                let cc := addmod(1, sub(m, c), m)
                for { let slot := dst let half := add(dst, h) } lt(slot, half) { slot := add(slot, 0x80) } {
                    let v := mload(slot)
                    mstore(add(slot, h), mulmod(v, c, m))
                    mstore(slot, mulmod(v, cc, m))
                    let at := add(slot, 0x20)
                    v := mload(at)
                    mstore(add(at, h), mulmod(v, c, m))
                    mstore(at, mulmod(v, cc, m))
                    at := add(slot, 0x40)
                    v := mload(at)
                    mstore(add(at, h), mulmod(v, c, m))
                    mstore(at, mulmod(v, cc, m))
                    at := add(slot, 0x60)
                    v := mload(at)
                    mstore(add(at, h), mulmod(v, c, m))
                    mstore(at, mulmod(v, cc, m))
                }
                h := shl(1, h)
            }
        }
    }

    /// @notice Σ_{i < bound} eq(point[offset … offset + k), i) for bound ≤ 2^k: the MLE of the indicator of the
    /// first `bound` indices, O(k) (docs/prover.md, `prefixIndicator`).
    function prefixIndicator(uint256 bound, uint256[] memory point, uint256 offset, uint256 k)
        internal
        pure
        returns (uint256 result)
    {
        if (bound >= (1 << k)) return 1;
        assembly ("memory-safe") {
            let m := R_MODULUS
            let pp := add(add(point, 0x20), shl(5, offset))
            let acc := 1
            for { let j := k } gt(j, 0) { } {
                j := sub(j, 1)
                let r := mload(add(pp, shl(5, j)))
                let oneMinus := addmod(1, sub(m, r), m)
                switch and(shr(j, bound), 1)
                case 1 {
                    result := addmod(result, mulmod(acc, oneMinus, m), m)
                    acc := mulmod(acc, r, m)
                }
                default { acc := mulmod(acc, oneMinus, m) }
            }
        }
    }

    /// @notice a − b mod r for canonical a, b.
    /// @dev In assembly: the literal modulus is loaded once (Solidity's expression loads it twice, each a
    /// CODECOPY sequence at the optimizer's runs 200). b > r panics with 0x11 as the checked `r − b` did.
    function sub(uint256 a, uint256 b) internal pure returns (uint256 d) {
        assembly ("memory-safe") {
            let m := R_MODULUS
            if gt(b, m) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x11)
                revert(0, 0x24)
            }
            d := addmod(a, sub(m, b), m)
        }
    }

    /// @notice a⁻¹ mod r through the modexp precompile (a ≠ 0; a = 0 returns 0).
    function inverse(uint256 a) internal view returns (uint256 inv) {
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x20)
            mstore(add(ptr, 0x20), 0x20)
            mstore(add(ptr, 0x40), 0x20)
            mstore(add(ptr, 0x60), a)
            mstore(add(ptr, 0x80), sub(R_MODULUS, 2))
            mstore(add(ptr, 0xa0), R_MODULUS)
            ok := staticcall(gas(), 0x05, ptr, 0xc0, ptr, 0x20)
            inv := mload(ptr)
        }
        if (!ok) revert ModexpFailed();
    }

    /// @notice The concatenation a ‖ b (a pool of coordinates for {Program.gather}).
    function concat(uint256[] memory a, uint256[] memory b) internal pure returns (uint256[] memory out) {
        uint256 na = a.length;
        uint256 nb = b.length;
        out = new uint256[](na + nb);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(a, 0x20), shl(5, na))
            mcopy(add(add(out, 0x20), shl(5, na)), add(b, 0x20), shl(5, nb))
        }
    }
}
