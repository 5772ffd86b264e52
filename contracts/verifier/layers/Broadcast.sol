// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Program} from "./Program.sol";
import {Mle} from "./Mle.sol";

/// @title Broadcast — the factor numpy broadcasting contributes to an operand's claim
/// @notice B̃(p) = factor · b̃(q) (docs/prover.md, `broadcastPoint`): q is a selection of p's coordinates (a
/// {Program.gather}) and factor = Π over broadcast axes whose size d is not a power of two of
/// prefixIndicator(d, p_axis). Program encoding: u8 count, then per axis u32 d, u8 start, u8 bits (the axis'
/// coordinates p[start … start + bits)).
library Broadcast {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The broadcast factor of the axes the program lists, at `point`.
    function factor(Program.Reader memory r, uint256[] memory point) internal pure returns (uint256 f) {
        uint256 n = Program.u8(r);
        f = 1;
        for (uint256 i; i < n; ++i) {
            uint256 d = Program.u32(r);
            uint256 start = Program.u8(r);
            uint256 bits = Program.u8(r);
            f = mulmod(f, Mle.prefixIndicator(d, point, start, bits), R_MODULUS);
        }
    }
}
