// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {IntGatherStep} from "./IntGatherStep.sol";
import {Mle} from "./Mle.sol";

/// @title IntOneHotStep — OneHot at a runtime index (handler `int-onehot`)
/// @notice Twin of `intOneHotHandler.verify` (src/prover/graph/nodes/int-onehot.ts; docs/prover.md "OneHot at a
/// runtime index"): the output is y = off·1_real + (on − off)·H with H the committed one-hot matrix [K, depth], so
///   1. every claim (r, v) on y is a claim on H at r (y is H up to an aligned reshape) with value
///      (v − off·1_real(r))·(on − off)⁻¹ — no message;
///   2. the arena's claim on H is handed on (an opening of A);
///   3. the one-hot rows IOP at the arena's point (IntGatherStep.rows) → H at ρ′ ‖ ρ_K, the indices at ρ_K.
/// Claims in: the arena's claim on H, then every claim on y (take order).
/// Claims out: H per claim on y, the arena's claim on H, H (rows), the indices.
/// Program: word off, word (on − off)⁻¹, gather of H's point (pool: the claim's point), 1_real's factor over H's
/// layout at that point (Broadcast format), then IntGatherStep's rows parameters. The first three are re-read for
/// every claim.
library IntOneHotStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The register does not start with the arena's claim on H (a generator bug).
    error IntOneHotClaims();

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length == 0) revert IntOneHotClaims();
        uint256 off = Program.word(r);
        uint256 scale = Program.word(r);
        uint256 at = r.ptr;
        ClaimList.List memory out = ClaimList.create(input.length + 2);
        for (uint256 i = 1; i < input.length; ++i) {
            r.ptr = at;
            (uint256[] memory point, uint256 value) = _onH(r, input[i], off, scale);
            ClaimList.push(out, point, value);
        }
        if (input.length == 1) {
            // No claim on y: the per-claim parameters are skipped all the same.
            Program.skip(r, Program.u8(r));
            Program.skip(r, 6 * Program.u8(r));
        }
        ProofStream.Claim memory arena = input[0];
        ClaimList.push(out, arena.point, arena.value);
        IntGatherStep.rows(s, r, arena, out);
        return ClaimList.done(out);
    }

    /// @dev A claim (r, v) on y as a claim on H: the point gathered, (v − off·1_real(point))·(on − off)⁻¹.
    function _onH(Program.Reader memory r, ProofStream.Claim memory c, uint256 off, uint256 scale)
        private
        pure
        returns (uint256[] memory point, uint256 value)
    {
        point = Program.gather(r, c.point);
        uint256 real = Broadcast.factor(r, point);
        value = mulmod(Mle.sub(c.value, mulmod(off, real, R_MODULUS)), scale, R_MODULUS);
    }
}
