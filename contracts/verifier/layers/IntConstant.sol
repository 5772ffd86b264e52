// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Program} from "./Program.sol";
import {Mle} from "./Mle.sol";

/// @title IntConstant — the MLE of an integer constant carried in the program, evaluated by the verifier
/// @notice The tree kinds' constants (a MatMul's path matrix, a gathered table of child ids or class labels, an
/// Equal's comparand, a Concat's constant input) and the exact kinds' (ExactStep.sol) are not committed: the plan
/// carries them (at most 4,096 entries, bound by the plan hash) and the verifier evaluates K~(point) =
/// Σ_i K_i·eq(i, point) itself, over one eq table of K's padded layout.
/// Program encoding (src/compiler/program/exact.ts `writeConstant`, the one writer): u8 variables
/// n, u8 byte width w (1 … 31), u16 count, then per non-zero entry its u32 index in K's padded layout and a
/// w-byte big-endian two's-complement value.
library IntConstant {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The constant's encoding does not fit the point it is evaluated at (a generator bug): its variable
    /// count is not the point's, its width is outside 1 … 31, or an index lies outside its padded layout.
    error IntConstantMalformed();

    /// @notice K~(point) for the constant the program lists next (the reader moves past it).
    function evaluate(Program.Reader memory r, uint256[] memory point) internal pure returns (uint256 sum) {
        bool ok;
        (sum, ok) = tryEvaluate(r, point);
        if (!ok) revert IntConstantMalformed();
    }

    /// @notice K~(point), or ok = false for an encoding that does not fit the point (the caller names the error:
    /// ExactStep its ExactForm, the tree steps IntConstantMalformed).
    function tryEvaluate(Program.Reader memory r, uint256[] memory point) internal pure returns (uint256 sum, bool ok) {
        uint256 n = Program.u8(r);
        uint256 width = Program.u8(r);
        uint256 count = Program.u16(r);
        if (n != point.length || width == 0 || width > 31) return (0, false);
        uint256[] memory table = Mle.eqTable(point, 0, n);
        uint256 p = Program.skip(r, count * (4 + width));
        ok = true;
        assembly ("memory-safe") {
            let m := R_MODULUS
            let size := mload(table)
            let shift := shl(3, sub(32, width))
            let end := add(p, mul(count, add(4, width)))
            for {} lt(p, end) { p := add(p, add(4, width)) } {
                let index := shr(224, mload(p))
                let inside := lt(index, size)
                ok := and(ok, inside)
                let v := signextend(sub(width, 1), shr(shift, mload(add(p, 4))))
                // A negative value v (two's complement in 256 bits) is r − |v| in the field (|v| < 2^247 < r).
                if slt(v, 0) { v := sub(m, sub(0, v)) }
                // An index outside the table fails the evaluation; it is never read (no memory expansion).
                if inside { sum := addmod(sum, mulmod(v, mload(add(table, shl(5, add(index, 1)))), m), m) }
            }
        }
    }
}
