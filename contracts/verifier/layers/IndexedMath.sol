// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Mle} from "./Mle.sol";
import {IntConstant} from "./IntConstant.sol";

/// @title IndexedMath — the arithmetic the indexed steps share (ModelVerifierIndexed.sol)
/// @notice Limb sums (Σ 2^(jL)·v_j, with a sign word), sub-points of a point whose axes are contiguous runs of
/// coordinates (src/prover/tensor.ts: the last axis holds the lowest variables), the index ramps c ↦ c, and the
/// MLE of a small integer constant the program carries.
library IndexedMath {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice A program constant is malformed (a generator bug).
    error ConstantMalformed();

    /// @notice Σ_{j<n} 2^(jL)·claims[start + j].value.
    function limbClaims(ProofStream.Claim[] memory claims, uint256 start, uint256 n, uint256 limbBits)
        internal
        pure
        returns (uint256 acc)
    {
        for (uint256 j; j < n; ++j) {
            acc = addmod(acc, mulmod(claims[start + j].value, 1 << (limbBits * j), R_MODULUS), R_MODULUS);
        }
    }

    /// @notice Σ_{j<n} 2^(jL)·claims[start + j].value − 2^(nL)·claims[start + n].value (a signed decomposition).
    function signedClaims(ProofStream.Claim[] memory claims, uint256 start, uint256 n, uint256 limbBits)
        internal
        pure
        returns (uint256)
    {
        uint256 top = mulmod(claims[start + n].value, 1 << (limbBits * n), R_MODULUS);
        return Mle.sub(limbClaims(claims, start, n, limbBits), top);
    }

    /// @notice The same signed decomposition of the n + 1 stream words at calldata offset `at`.
    function signedWords(uint256 at, uint256 n, uint256 limbBits) internal pure returns (uint256 acc) {
        for (uint256 j; j < n; ++j) {
            acc = addmod(acc, mulmod(ProofStream.word(at, j), 1 << (limbBits * j), R_MODULUS), R_MODULUS);
        }
        acc = Mle.sub(acc, mulmod(ProofStream.word(at, n), 1 << (limbBits * n), R_MODULUS));
    }

    /// @notice n challenges under one label (the TypeScript transcript's `challengeScalars`).
    function challenges(ProofStream.Stream memory s, bytes32 label, uint256 n)
        internal
        pure
        returns (uint256[] memory c)
    {
        c = new uint256[](n);
        for (uint256 i; i < n; ++i) c[i] = ProofStream.challenge(s, label);
    }

    /// @notice point[offset … offset + n) as a new array.
    function slice(uint256[] memory point, uint256 offset, uint256 n) internal pure returns (uint256[] memory out) {
        out = new uint256[](n);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(add(point, 0x20), shl(5, offset)), shl(5, n))
        }
    }

    /// @notice a[ao … ao + an) ‖ b[bo … bo + bn) ‖ c[co … co + cn) (low variables first).
    function join3(
        uint256[] memory a,
        uint256 ao,
        uint256 an,
        uint256[] memory b,
        uint256 bo,
        uint256 bn,
        uint256[] memory c,
        uint256 co,
        uint256 cn
    )
        internal
        pure
        returns (uint256[] memory out)
    {
        out = new uint256[](an + bn + cn);
        assembly ("memory-safe") {
            let dst := add(out, 0x20)
            mcopy(dst, add(add(a, 0x20), shl(5, ao)), shl(5, an))
            dst := add(dst, shl(5, an))
            mcopy(dst, add(add(b, 0x20), shl(5, bo)), shl(5, bn))
            dst := add(dst, shl(5, bn))
            mcopy(dst, add(add(c, 0x20), shl(5, co)), shl(5, cn))
        }
    }

    /// @notice n copies of 1/2 (a multilinear sum over a cube of 2^n points is 2^n × its value there).
    function halves(uint256 n) internal pure returns (uint256[] memory out) {
        out = new uint256[](n);
        // (r + 1) / 2 = 2⁻¹ mod r.
        uint256 half = (R_MODULUS + 1) >> 1;
        for (uint256 i; i < n; ++i) out[i] = half;
    }

    /// @notice eq(a[ao … ao + n), b[bo … bo + n)).
    function eqRange(uint256[] memory a, uint256 ao, uint256[] memory b, uint256 bo, uint256 n)
        internal
        pure
        returns (uint256)
    {
        return Mle.eqAt(slice(a, ao, n), b, bo);
    }

    /// @notice Σ_i 2^i·p_i over point[offset … offset + bits): the MLE of c ↦ c over a whole padded axis.
    function fullRamp(uint256[] memory point, uint256 offset, uint256 bits) internal pure returns (uint256 acc) {
        for (uint256 i; i < bits; ++i) acc = addmod(acc, mulmod(point[offset + i], 1 << i, R_MODULUS), R_MODULUS);
    }

    /// @notice Σ_{c<n} c·eq(c, point[offset … offset + bits)): the MLE of c ↦ c on the first n entries, 0 beyond.
    function ramp(uint256 n, uint256[] memory point, uint256 offset, uint256 bits) internal pure returns (uint256 acc) {
        if (n == 1 << bits) return fullRamp(point, offset, bits);
        uint256[] memory t = Mle.eqTable(point, offset, bits);
        for (uint256 c = 1; c < n; ++c) acc = addmod(acc, mulmod(c, t[c], R_MODULUS), R_MODULUS);
    }

    /// @notice K~(point) for the integer constant the program lists next (IntConstant's encoding, the bytes
    /// src/compiler/program/exact.ts `writeConstant` writes).
    function constantAt(Program.Reader memory r, uint256[] memory point) internal pure returns (uint256 sum) {
        bool ok;
        (sum, ok) = IntConstant.tryEvaluate(r, point);
        if (!ok) revert ConstantMalformed();
    }
}
