// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Mle — eq polynomials and indicators the layer verifiers evaluate themselves
/// @notice Conventions of docs/sumcheck.md: variable j is bit j of the index (little-endian);
/// eq(x, y) = Π_j (x_j y_j + (1 − x_j)(1 − y_j)).
library Mle {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The modexp precompile failed (out of gas).
    error ModexpFailed();

    /// @notice eq(x, y[offset … offset + |x|)), O(|x|).
    function eqAt(uint256[] memory x, uint256[] memory y, uint256 offset) internal pure returns (uint256 acc) {
        uint256 n = x.length;
        assembly ("memory-safe") {
            acc := 1
            let m := R_MODULUS
            let px := add(x, 0x20)
            let py := add(add(y, 0x20), shl(5, offset))
            for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                let a := mload(add(px, shl(5, j)))
                let b := mload(add(py, shl(5, j)))
                // a·b + (1 − a)(1 − b) = 2ab − a − b + 1
                let ab := mulmod(a, b, m)
                let t := addmod(addmod(ab, ab, m), sub(m, addmod(a, b, m)), m)
                acc := mulmod(acc, addmod(t, 1, m), m)
            }
        }
    }

    /// @notice eq(x, y) for points of equal length (the caller guarantees it).
    function eq(uint256[] memory x, uint256[] memory y) internal pure returns (uint256) {
        return eqAt(x, y, 0);
    }

    /// @notice The table eq(b, point[offset … offset + n)) over b ∈ {0,1}^n: 2^n entries, one mulmod each.
    function eqTable(uint256[] memory point, uint256 offset, uint256 n) internal pure returns (uint256[] memory t) {
        t = new uint256[](1 << n);
        assembly ("memory-safe") {
            // m: the modulus kept on the stack (a literal is re-loaded with a CODECOPY at every use).
            let m := R_MODULUS
            let base := add(t, 0x20)
            mstore(base, 1)
            let pp := add(add(point, 0x20), shl(5, offset))
            // The first variable writes (1 − p_0, p_0); every later one doubles the table two entries per
            // iteration (the table has an even number of entries from then on).
            if n {
                let r := mload(pp)
                mstore(add(base, 0x20), r)
                mstore(base, addmod(1, sub(m, r), m))
            }
            let half := 0x40
            for { let j := 1 } lt(j, n) { j := add(j, 1) } {
                let r := mload(add(pp, shl(5, j)))
                for { let slot := base let end := add(base, half) } lt(slot, end) { slot := add(slot, 0x40) } {
                    let v := mload(slot)
                    let hi := mulmod(v, r, m)
                    mstore(add(slot, half), hi)
                    mstore(slot, addmod(v, sub(m, hi), m))
                    v := mload(add(slot, 0x20))
                    hi := mulmod(v, r, m)
                    mstore(add(add(slot, 0x20), half), hi)
                    mstore(add(slot, 0x20), addmod(v, sub(m, hi), m))
                }
                half := shl(1, half)
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
    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        return addmod(a, R_MODULUS - b, R_MODULUS);
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
