// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Fr — arithmetic in the scalar field of BN254
/// @notice r = 21888242871839275222246405745257275088548364400416034343698204186575808495617, the field of
/// every proof message. `mulmod`/`addmod` reduce into it directly; the helpers here exist for the checks
/// and the few operations Solidity has no opcode for.
library Fr {
    /// @dev The scalar field modulus r.
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice A proof value is not a canonical field element (it is >= r).
    /// @param value The offending value.
    error FieldElementNotCanonical(uint256 value);

    /// @notice Reverts unless `x` < r; returns `x`.
    function checked(uint256 x) internal pure returns (uint256) {
        if (x >= R) revert FieldElementNotCanonical(x);
        return x;
    }

    /// @notice a - b mod r, for canonical a, b. Equivalent to `addmod(a, R - b, R)`.
    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        return addmod(a, R - b, R);
    }

    /// @notice -a mod r, for canonical a.
    function neg(uint256 a) internal pure returns (uint256) {
        return a == 0 ? 0 : R - a;
    }
}
