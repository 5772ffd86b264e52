// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title RowReduce — the row max and the row sum every softmax-like step shares
/// @notice Twins of `verifySelect` (src/prover/layers/select.ts) for a select spec that is a reduction (kernel =
/// the row axes, stride and dilation 1, no padding: every tap of a real output is in bounds) and of
/// `verifyReduce` with term "value" (src/prover/layers/reduce.ts). Spec: docs/prover.md ("More layers: max and
/// min", "More layers: reductions").
///
/// Row max — claims on m in, with the arena's claim on the step's CLAMP column (tap point ρ, components
///   (qmin + D, −s)): absorb("select.claims", c) per claim; absorb("select.arena", [ρ…, v0, v1]);
///   y = absorb("select.y", 1 scalar); the selector sum-check of T~(ρ) − F·P~(ρ) with T~ = y − (v0 − qmin),
///   F = qmin (max) and the fill pattern P~(ρ) = 1_real(ρ_o) − 1_real(ρ) (zero for power-of-two rows).
///   Hands on: x; every claim on m, then (ρ_o, y); (ρ, −v1) and (½^κ ‖ ρ_o, 2^−κ) on the choice s.
///   Program: word qmin, u8 κ, factor 1_real(ρ_o), factor 1_real(ρ) (Broadcast format over the tap point),
///   the selector (SelectorStep format, pool = ρ).
/// Row sum — a claim on S (row layout) in: absorb("reduce.claim", claim); the selector sum-check (pool = the
///   claim's point); returns the claim on e. Program: the selector.
library RowReduce {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev 1/2 in Fr.
    uint256 private constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;
    bytes32 internal constant LABEL_SELECT_CLAIMS = "select.claims";
    bytes32 internal constant LABEL_SELECT_ARENA = "select.arena";
    bytes32 internal constant LABEL_SELECT_Y = "select.y";
    bytes32 internal constant LABEL_REDUCE_CLAIM = "reduce.claim";

    /// @notice The row max of `claims` (claims on m) given the arena's claim `d` (component 0 of the CLAMP
    /// column, at the tap point) and its component 1 `negChoice`; appends the handed-on claims to `out`.
    function max(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim[] memory claims,
        ProofStream.Claim memory d,
        uint256 negChoice,
        ClaimList.List memory out
    ) internal pure {
        (uint256 y, uint256 kappa, uint256 value) = _open(s, r, claims, d, negChoice);
        ProofStream.Claim memory x = SelectorStep.verify(s, r, value, d.point);
        ClaimList.push(out, x.point, x.value);
        for (uint256 i; i < claims.length; ++i) ClaimList.push(out, claims[i].point, claims[i].value);
        _handOn(d.point, kappa, y, negChoice, out);
    }

    /// @dev The absorbs before the selector sum-check; returns y, κ and the value the sum-check must show,
    /// T~(ρ) − F·P~(ρ).
    function _open(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim[] memory claims,
        ProofStream.Claim memory d,
        uint256 negChoice
    ) private pure returns (uint256 y, uint256 kappa, uint256 value) {
        uint256[] memory rho = d.point;
        for (uint256 i; i < claims.length; ++i) ProofStream.absorbClaim(s, LABEL_SELECT_CLAIMS, claims[i]);
        uint256[] memory arena = new uint256[](rho.length + 1);
        for (uint256 j; j < rho.length; ++j) arena[j] = rho[j];
        arena[rho.length] = d.value;
        ProofStream.absorbMemory(s, LABEL_SELECT_ARENA, arena, negChoice);
        y = ProofStream.word(ProofStream.absorbScalars(s, LABEL_SELECT_Y, 1), 0);
        uint256 qmin = Program.word(r);
        kappa = Program.u8(r);
        // P~(ρ) = 1_real(ρ_o) − 1_real(ρ): the taps of a real output outside the input read F = qmin.
        uint256 realOut = Broadcast.factor(r, rho);
        uint256 fill = Mle.sub(realOut, Broadcast.factor(r, rho));
        // T~ = y − D~ with D~ = v0 − qmin.
        value = Mle.sub(Mle.sub(y, Mle.sub(d.value, qmin)), mulmod(qmin, fill, R_MODULUS));
    }

    /// @dev (ρ_o, y) on m; (ρ, −v1) and (½^κ ‖ ρ_o, 2^−κ) on the choice s.
    function _handOn(uint256[] memory rho, uint256 kappa, uint256 y, uint256 negChoice, ClaimList.List memory out)
        private
        pure
    {
        uint256[] memory rhoO = new uint256[](rho.length - kappa);
        for (uint256 j; j < rhoO.length; ++j) rhoO[j] = rho[kappa + j];
        ClaimList.push(out, rhoO, y);
        ClaimList.push(out, rho, Mle.sub(0, negChoice));
        // Every output chooses exactly one tap: Σ_k s[o, k] = 1, so s at (½^κ ‖ ρ_o) is 2^−κ.
        uint256[] memory half = new uint256[](rho.length);
        uint256 halfPower = 1;
        for (uint256 j; j < kappa; ++j) {
            half[j] = HALF;
            halfPower = mulmod(halfPower, HALF, R_MODULUS);
        }
        for (uint256 j = kappa; j < rho.length; ++j) half[j] = rho[j];
        ClaimList.push(out, half, halfPower);
    }

    /// @notice The row sum S~(claim) = Σ_row e: returns the claim on e.
    function sum(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        pure
        returns (ProofStream.Claim memory)
    {
        ProofStream.absorbClaim(s, LABEL_REDUCE_CLAIM, claim);
        return SelectorStep.verify(s, r, claim.value, claim.point);
    }
}
