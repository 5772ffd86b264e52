// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {IndexedMath} from "./IndexedMath.sol";
import {Mle} from "./Mle.sol";

/// @title ExactDivStep — integer division by a constant, truncating toward zero (handler `exact-div`)
/// @notice Twin of `exactDivHandler.verify` (src/prover/graph/nodes/exact-div.ts; relation in
/// src/prover/layers/exact-div.ts, spec in docs/prover.md "Integer Div by a constant"). y = trunc(x / d), D = |d|,
/// σ = sign(d); the prover committed, over y's layout, the L-bit limbs of x + 2^K·g (ux_j, j < m) and the sign g,
/// of Q + 2^K·h (uq_j) and h, of the remainder R (r_j, j < ℓ) and of its slack T = D − 1 − R (t_j), every one an
/// arena range column, so (K = m·L)
///     x = Σ 2^(jL)·ux_j − 2^K·g,   Q = Σ 2^(jL)·uq_j − 2^K·h,   y = σ·Q,
///     R + T = (D − 1)·1_real   and   x + (D − 1)·g − D·Q − R = 0                          (checked at ρ)
/// pin Q = trunc(x / D). No sum-check:
///   1. per claim (r, v) on y: the prover's uq_j~(r), h~(r) (absorb "exactdiv.quotient"), which must give
///      σ·(Σ 2^(jL)·uq_j − 2^K·h) = v; each is an opening of A at r;
///   2. the arena's claims on every column (at ρ) are openings of A; (R) and (E) are checked at ρ;
///   3. x~(ρ) = Σ 2^(jL)·ux_j(ρ) − 2^K·g(ρ) goes to x's producer.
/// Claims in: the arena's ux_0…, g, uq_0…, h, r_0…, t_0… (at ρ), then every claim on y (take order).
/// Claims out: per claim on y uq_0 … uq_{m−1}, h; then the arena's claims as they came; then x — the TypeScript
/// walk's order.
/// Program: u8 m, u8 ℓ, u8 L, u8 negative (σ = −1), word D, 1_real's factor on ρ (Broadcast format, y's layout).
library ExactDivStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_QUOTIENT = "exactdiv.quotient";

    /// @notice The register holds fewer claims than the step's arena columns (a generator bug).
    error ExactDivClaims(uint256 count, uint256 columns);
    /// @notice K = m·L is not below 256 (a generator bug).
    error ExactDivProgram();
    /// @notice The quotient's limbs at claim `index`'s point do not give the claimed output.
    error ExactDivQuotientWrong(uint256 index);
    /// @notice R + T ≠ (D − 1)·1_real at the arena point.
    error ExactDivRemainderWrong();
    /// @notice x + (D − 1)·g − D·Q − R ≠ 0 at the arena point.
    error ExactDivRelationWrong();

    /// @dev The step's constants: limb counts m and ℓ (remLimbs), L, σ = −1, D.
    struct Shape {
        uint256 m;
        uint256 remLimbs;
        uint256 limbBits;
        bool negative;
        uint256 d;
    }

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        // Separate statements: the reads must happen in program order (argument evaluation order is not).
        Shape memory g;
        g.m = Program.u8(r);
        g.remLimbs = Program.u8(r);
        g.limbBits = Program.u8(r);
        g.negative = Program.u8(r) != 0;
        g.d = Program.word(r);
        if (g.m * g.limbBits > 255) revert ExactDivProgram();
        uint256 columns = 2 * g.m + 2 + 2 * g.remLimbs;
        if (input.length < columns) revert ExactDivClaims(input.length, columns);
        uint256 onY = input.length - columns;
        ClaimList.List memory out = ClaimList.create(onY * (g.m + 1) + columns + 1);
        // 1. the quotient at every claim's point.
        for (uint256 i; i < onY; ++i) {
            ProofStream.Claim memory c = input[columns + i];
            uint256 at = ProofStream.absorbScalars(s, LABEL_QUOTIENT, g.m + 1);
            uint256 q = IndexedMath.signedWords(at, g.m, g.limbBits);
            if (g.negative) q = Mle.sub(0, q);
            if (q != c.value) revert ExactDivQuotientWrong(i);
            for (uint256 j; j < g.m + 1; ++j) ClaimList.push(out, c.point, ProofStream.word(at, j));
        }
        // 2. the arena's columns at ρ, as they came; (R) and (E); 3. the claim on x.
        for (uint256 j; j < columns; ++j) ClaimList.push(out, input[j].point, input[j].value);
        ClaimList.push(out, input[g.m].point, _checkAtRho(r, g, input));
        return ClaimList.done(out);
    }

    /// @dev (R) and (E) at ρ from the arena's claims; returns x~(ρ).
    function _checkAtRho(Program.Reader memory r, Shape memory g, ProofStream.Claim[] memory input)
        private
        pure
        returns (uint256 x)
    {
        uint256 m = g.m;
        x = IndexedMath.signedClaims(input, 0, m, g.limbBits);
        uint256 rem = IndexedMath.limbClaims(input, 2 * m + 2, g.remLimbs, g.limbBits);
        uint256 slack = IndexedMath.limbClaims(input, 2 * m + 2 + g.remLimbs, g.remLimbs, g.limbBits);
        uint256 dMinus1 = Mle.sub(g.d, 1);
        uint256 real = Broadcast.factor(r, input[m].point);
        if (addmod(rem, slack, R_MODULUS) != mulmod(dMinus1, real, R_MODULUS)) revert ExactDivRemainderWrong();
        uint256 quotient = IndexedMath.signedClaims(input, m + 1, m, g.limbBits);
        uint256 e = addmod(x, mulmod(dMinus1, input[m].value, R_MODULUS), R_MODULUS);
        e = Mle.sub(Mle.sub(e, mulmod(g.d, quotient, R_MODULUS)), rem);
        if (e != 0) revert ExactDivRelationWrong();
    }
}
