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

    /// @dev Address of the pairing-check precompile.
    uint256 private constant PAIRING_PRECOMPILE = 0x08;
    /// @dev Bytes per (G1, G2) pair in the pairing precompile's input.
    uint256 private constant PAIR_BYTES = 192;

    /// @notice The pairing precompile rejected its input (a point off the curve or outside the subgroup).
    error PairingInputInvalid();
    /// @notice The pairing input is not a whole number of (G1, G2) pairs.
    error PairingInputLength(uint256 length);

    /// @notice Returns whether prod_i e(a_i, b_i) == 1 for the pairs packed in `input`.
    /// @param input Concatenated pairs, each G1 (64 bytes) then G2 (128 bytes), in precompile encoding.
    /// @return holds True when the product of pairings is the identity of GT.
    function pairingCheck(bytes memory input) internal view returns (bool holds) {
        uint256 length = input.length;
        if (length % PAIR_BYTES != 0) revert PairingInputLength(length);
        bool ok;
        /// @solidity memory-safe-assembly
        assembly {
            // staticcall(gas, 0x08, input data, length, scratch 0x00, 32): the result is one word, 0 or 1.
            ok := staticcall(gas(), PAIRING_PRECOMPILE, add(input, 0x20), length, 0x00, 0x20)
            holds := mload(0x00)
        }
        if (!ok) revert PairingInputInvalid();
    }
}
