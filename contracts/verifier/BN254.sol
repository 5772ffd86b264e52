// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BN254 precompile wrappers
/// @notice Thin, checked wrappers over the alt_bn128 precompiles of EIP-196/197 (ecAdd 0x06, ecMul 0x07,
/// pairing 0x08), with the gas prices of EIP-1108.
/// @dev Points use the precompiles' encoding: G1 as (x, y); G2 as (x.c1, x.c0, y.c1, y.c0) — the imaginary
/// coefficient first. The point at infinity is (0, 0).
library BN254 {
    /// @dev Base field modulus p of BN254.
    uint256 internal constant P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// @dev Scalar field modulus r of BN254 (the order of G1 and G2).
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @dev Addresses of the ecAdd, ecMul and pairing-check precompiles.
    uint256 private constant EC_ADD_PRECOMPILE = 0x06;
    uint256 private constant EC_MUL_PRECOMPILE = 0x07;
    uint256 private constant PAIRING_PRECOMPILE = 0x08;
    /// @dev Bytes per (G1, G2) pair in the pairing precompile's input.
    uint256 private constant PAIR_BYTES = 192;

    /// @notice The pairing precompile rejected its input (a point off the curve or outside the subgroup).
    error PairingInputInvalid();
    /// @notice The pairing input is not a whole number of (G1, G2) pairs.
    error PairingInputLength(uint256 length);
    /// @notice ecAdd or ecMul rejected a point: a coordinate >= p or a point off the curve.
    error G1PointInvalid(uint256 x, uint256 y);

    /// @notice Negates a G1 point: (x, y) -> (x, p - y); infinity stays (0, 0).
    function negate(uint256 x, uint256 y) internal pure returns (uint256, uint256) {
        if (x == 0 && y == 0) return (0, 0);
        return (x, P - (y % P));
    }

    /// @notice (ax, ay) + (bx, by) through precompile 0x06 (150 gas); infinity (0, 0) as `a` returns `b`.
    /// @dev Reverts with {G1PointInvalid} naming `b` if the precompile refuses the input.
    function add(uint256 ax, uint256 ay, uint256 bx, uint256 by) internal view returns (uint256 x, uint256 y) {
        if (ax == 0 && ay == 0) return (bx, by);
        bool ok;
        assembly ("memory-safe") {
            // Scratch at the free-memory pointer (not advanced): [a.x, a.y, b.x, b.y] -> sum in the first two.
            let ptr := mload(0x40)
            mstore(ptr, ax)
            mstore(add(ptr, 0x20), ay)
            mstore(add(ptr, 0x40), bx)
            mstore(add(ptr, 0x60), by)
            ok := staticcall(gas(), EC_ADD_PRECOMPILE, ptr, 0x80, ptr, 0x40)
            x := mload(ptr)
            y := mload(add(ptr, 0x20))
        }
        if (!ok) revert G1PointInvalid(bx, by);
    }

    /// @notice (ax, ay) + s·(bx, by) through precompiles 0x07 then 0x06 (6,000 + 150 gas).
    /// @dev Reverts with {G1PointInvalid} naming the point the precompile refused.
    function mulAdd(uint256 ax, uint256 ay, uint256 bx, uint256 by, uint256 s)
        internal
        view
        returns (uint256 x, uint256 y)
    {
        bool mulOk;
        bool addOk;
        assembly ("memory-safe") {
            // Scratch at the free-memory pointer (not advanced): [a.x, a.y, b.x, b.y, s]. ecMul(b, s) writes
            // s·b over b, so ecAdd then reads (a, s·b) in place and writes the sum to the first two words.
            let ptr := mload(0x40)
            mstore(ptr, ax)
            mstore(add(ptr, 0x20), ay)
            mstore(add(ptr, 0x40), bx)
            mstore(add(ptr, 0x60), by)
            mstore(add(ptr, 0x80), s)
            mulOk := staticcall(gas(), EC_MUL_PRECOMPILE, add(ptr, 0x40), 0x60, add(ptr, 0x40), 0x40)
            addOk := staticcall(gas(), EC_ADD_PRECOMPILE, ptr, 0x80, ptr, 0x40)
            x := mload(ptr)
            y := mload(add(ptr, 0x20))
        }
        if (!mulOk) revert G1PointInvalid(bx, by);
        if (!addOk) revert G1PointInvalid(ax, ay);
    }

    /// @notice Σ_p weights[p]·P_p over points packed (x, y) in `points`: nothing for weight 0, an ecAdd for
    /// weight 1, an ecMul + ecAdd otherwise (the weight-1 skip saves 6,000 gas per such point); while the sum is
    /// still (0, 0) the ecAdd is skipped (a weight-1 point is taken as it is, as {add} does, and a multiple is
    /// the ecMul's output).
    /// @dev `points` holds at least 2·weights.length words. One assembly loop over scratch memory at the free
    /// pointer (not advanced): [sum.x, sum.y, B.x, B.y, s]. Refused points are named as {add} / {mulAdd} do.
    function linearCombination(uint256[] calldata points, uint256[] memory weights)
        internal
        view
        returns (uint256 x, uint256 y)
    {
        uint256 n = weights.length;
        points = points[:2 * n];
        // 1: the term's point was refused (by ecMul, or by ecAdd for weight 1); 2: the running sum, by ecAdd.
        uint256 failed;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0)
            mstore(add(ptr, 0x20), 0)
            let src := points.offset
            for {
                let wp := add(weights, 0x20)
                let end := add(wp, shl(5, n))
            } lt(wp, end) { wp := add(wp, 0x20) } {
                let w := mload(wp)
                if w {
                    let empty := iszero(or(mload(ptr), mload(add(ptr, 0x20))))
                    calldatacopy(add(ptr, 0x40), src, 0x40)
                    switch w
                    case 1 {
                        switch empty
                        case 1 { mcopy(ptr, add(ptr, 0x40), 0x40) }
                        default {
                            if iszero(staticcall(gas(), EC_ADD_PRECOMPILE, ptr, 0x80, ptr, 0x40)) {
                                failed := 1
                                break
                            }
                        }
                    }
                    default {
                        mstore(add(ptr, 0x80), w)
                        // The product lands on the sum when there is none yet, else on B for the ecAdd.
                        let out := add(ptr, shl(6, iszero(empty)))
                        if iszero(staticcall(gas(), EC_MUL_PRECOMPILE, add(ptr, 0x40), 0x60, out, 0x40)) {
                            failed := 1
                            break
                        }
                        if iszero(empty) {
                            if iszero(staticcall(gas(), EC_ADD_PRECOMPILE, ptr, 0x80, ptr, 0x40)) {
                                failed := 2
                                break
                            }
                        }
                    }
                }
                src := add(src, 0x40)
            }
            switch failed
            case 1 {
                x := calldataload(src)
                y := calldataload(add(src, 0x20))
            }
            default {
                x := mload(ptr)
                y := mload(add(ptr, 0x20))
            }
        }
        if (failed != 0) revert G1PointInvalid(x, y);
    }

    /// @notice Returns whether prod_i e(a_i, b_i) == 1 for the pairs packed in `input`.
    /// @param input Concatenated pairs, each G1 (64 bytes) then G2 (128 bytes), in precompile encoding.
    /// @return holds True when the product of pairings is the identity of GT.
    function pairingCheck(bytes memory input) internal view returns (bool holds) {
        uint256 length = input.length;
        if (length % PAIR_BYTES != 0) revert PairingInputLength(length);
        bool ok;
        assembly ("memory-safe") {
            // staticcall(gas, 0x08, input data, length, scratch 0x00, 32): the result is one word, 0 or 1.
            ok := staticcall(gas(), PAIRING_PRECOMPILE, add(input, 0x20), length, 0x00, 0x20)
            holds := mload(0x00)
        }
        if (!ok) revert PairingInputInvalid();
    }
}
