// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title MaxMinStep — MaxPool, GlobalMaxPool, ReduceMax and ReduceMin by range checks (plan kind `select`)
/// @notice Twin of `verifySelect` (src/prover/layers/select.ts) as `selectHandler` runs it, spec in docs/prover.md
/// ("More layers: max and min"). In: the register holds the arena's claims on the step's column (qmin + D, −s) at
/// the tap point ρ (components 0 and 1), then the K claims on y (consumers', in order). The step absorbs every y
/// claim ("select.claims"), then [ρ…, qmin + D~, −s~] ("select.arena"), reads and absorbs y~(ρ_o) ("select.y"),
/// and reduces T~(ρ) − F·P~(ρ) to X with the tap selector, where T~ = y~(ρ_o) − σ·D~ and the fill pattern
/// P~(ρ) = 1_real~(ρ_o) − V~(ρ), V = Π_g Σ T_g (the in-bounds taps: each group table's sum, computed as
/// 2^{n}·S~(½, …, ½) from the same selector). Out: X; the y claims, then y at ρ_o; s at ρ (value −component 1),
/// then s at (½^κ ‖ ρ_o) with value 2^−κ (every output chooses exactly one tap).
/// Program: word qmin, word σ (1 or −1), word F, u8 κ (kernel variables, the low ones of ρ), the output's real
/// indicator on ρ (Broadcast format), then the tap selector (u8 n, groups; pool: ρ).
library MaxMinStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev 1/2 mod r.
    uint256 private constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;
    bytes32 internal constant LABEL_CLAIMS = "select.claims";
    bytes32 internal constant LABEL_ARENA = "select.arena";
    bytes32 internal constant LABEL_Y = "select.y";

    /// @notice The register lacks the arena's two claims (a generator bug).
    error MaxMinClaimCount(uint256 count);

    /// @dev The step's constants and the arena's claim.
    struct Inputs {
        uint256 qmin;
        uint256 sign;
        uint256 fill;
        uint256 kappa;
        uint256[] rho;
        uint256 d;
        uint256 minusS;
    }

    function verify(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        view
        returns (ProofStream.Claim[] memory out)
    {
        if (claims.length < 2) revert MaxMinClaimCount(claims.length);
        uint256 k = claims.length - 2;
        Inputs memory a;
        a.qmin = Program.word(r);
        a.sign = Program.word(r);
        a.fill = Program.word(r);
        a.kappa = Program.u8(r);
        a.rho = claims[0].point;
        a.minusS = claims[1].value;
        for (uint256 i; i < k; ++i) ProofStream.absorbClaim(s, LABEL_CLAIMS, claims[2 + i]);
        uint256[] memory pair = new uint256[](2);
        pair[0] = claims[0].value;
        pair[1] = a.minusS;
        ProofStream.absorbMemoryWords(s, LABEL_ARENA, Mle.concat(a.rho, pair));
        a.d = Mle.sub(claims[0].value, a.qmin);
        uint256 y = ProofStream.word(ProofStream.absorbScalars(s, LABEL_Y, 1), 0);
        uint256 taps = Mle.sub(y, mulmod(a.sign, a.d, R_MODULUS));
        uint256 value = Mle.sub(taps, mulmod(a.fill, _fillPattern(r, a.rho), R_MODULUS));
        out = new ProofStream.Claim[](k + 4);
        out[0] = SelectorStep.verify(s, r, value, a.rho);
        _handOn(a, claims, y, out);
    }

    /// @dev P~(ρ) = 1_real~(ρ_o) − V~(ρ); reads the indicator, then the selector's groups without consuming them
    /// (the sum-check reads them again).
    function _fillPattern(Program.Reader memory r, uint256[] memory rho) private pure returns (uint256) {
        uint256 real = Broadcast.factor(r, rho);
        uint256 at = r.ptr;
        uint256 n = Program.u8(r);
        uint256[] memory half = new uint256[](n);
        for (uint256 j; j < n; ++j) half[j] = HALF;
        // Σ_x T_g[x] = 2^{bits_g}·⟨T_g, eq(½, ·)⟩, and the groups' bits add up to n.
        uint256 valid = mulmod(SelectorStep.evaluate(r, half, rho), 1 << n, R_MODULUS);
        r.ptr = at;
        return Mle.sub(real, valid);
    }

    /// @dev out[0] is X; then the y claims, y at ρ_o, s at ρ and s at (½^κ ‖ ρ_o).
    function _handOn(Inputs memory a, ProofStream.Claim[] memory claims, uint256 y, ProofStream.Claim[] memory out)
        private
        pure
    {
        uint256 k = claims.length - 2;
        for (uint256 i; i < k; ++i) out[1 + i] = claims[2 + i];
        uint256 n = a.rho.length - a.kappa;
        uint256[] memory rhoO = new uint256[](n);
        uint256[] memory halfRhoO = new uint256[](a.rho.length);
        uint256 halfPower = 1;
        for (uint256 j; j < a.kappa; ++j) {
            halfRhoO[j] = HALF;
            halfPower = mulmod(halfPower, HALF, R_MODULUS);
        }
        for (uint256 j; j < n; ++j) {
            rhoO[j] = a.rho[a.kappa + j];
            halfRhoO[a.kappa + j] = rhoO[j];
        }
        out[k + 1] = ProofStream.Claim(rhoO, y);
        out[k + 2] = ProofStream.Claim(a.rho, Mle.sub(0, a.minusS));
        out[k + 3] = ProofStream.Claim(halfRhoO, halfPower);
    }
}
