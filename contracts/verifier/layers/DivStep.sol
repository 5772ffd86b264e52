// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title DivStep — the division zero-check of kind `div` (after the step's requantization and limb openings)
/// @notice Twin of `verifyDiv` (src/prover/layers/div.ts) as `divHandler.verify` runs it
/// (src/prover/graph/nodes/div.ts); spec in docs/prover.md ("Division (kind div)"). No claims in:
///   τ = n × challenge("div.tau"), λ = challenge("div.lambda"); a sum-check of 0 over n rounds (degree 3);
///   absorb("div.evals", [a, b, s, q, rem…, t…]); with A = f_a·a, B = f_b·b, S = f_b·s (broadcast factors) and
///   REM, T the limb sums, the check eq(τ, ρ)·[2M·A + 2^s·B − 2^(s+1)·B·q − S·REM
///   + λ·(REM + T − 2^(s+1)·S·B + 1_real) + λ²·(S² − 1_real)] = final claim.
/// Claims out: a at ρ_a, b at ρ_b, s at ρ_b, q at ρ, rem…, t… at ρ.
/// Program: u8 n, u8 limbs, u8 limb bits, word 2M, word 2^s, gather ρ → ρ_a, factor f_a, gather ρ → ρ_b,
/// factor f_b, factor 1_real (Broadcast format over the output's layout).
library DivStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_TAU = "div.tau";
    bytes32 internal constant LABEL_LAMBDA = "div.lambda";
    bytes32 internal constant LABEL_EVALS = "div.evals";
    uint256 private constant DEGREE = 3;

    /// @notice The quotient / remainder relations do not vanish at the zero-check point.
    error DivCheckFailed();

    /// @dev The step's constants and values at ρ.
    struct Values {
        uint256 limbs;
        uint256 limbBits;
        uint256 twoM;
        uint256 pow;
        uint256 lambda;
        uint256 a;
        uint256 b;
        uint256 s;
        uint256 real;
    }

    /// @notice Runs the zero-check (the register is empty); returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r) internal pure returns (ProofStream.Claim[] memory) {
        uint256 n = Program.u8(r);
        Values memory v;
        v.limbs = Program.u8(r);
        v.limbBits = Program.u8(r);
        v.twoM = Program.word(r);
        v.pow = Program.word(r);
        uint256[] memory tau = new uint256[](n);
        for (uint256 j; j < n; ++j) tau[j] = ProofStream.challenge(s, LABEL_TAU);
        v.lambda = ProofStream.challenge(s, LABEL_LAMBDA);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, 0, n, DEGREE);
        // [a, b, s, q, rem…, t…]
        uint256 at = ProofStream.absorbScalars(s, LABEL_EVALS, 4 + 2 * v.limbs);
        uint256[] memory pa = Program.gather(r, rho);
        v.a = mulmod(Broadcast.factor(r, rho), ProofStream.word(at, 0), R_MODULUS);
        uint256[] memory pb = Program.gather(r, rho);
        uint256 fb = Broadcast.factor(r, rho);
        v.b = mulmod(fb, ProofStream.word(at, 1), R_MODULUS);
        v.s = mulmod(fb, ProofStream.word(at, 2), R_MODULUS);
        v.real = Broadcast.factor(r, rho);
        if (mulmod(Mle.eq(tau, rho), _body(v, at), R_MODULUS) != expected) revert DivCheckFailed();
        ClaimList.List memory out = ClaimList.create(4 + 2 * v.limbs);
        ClaimList.push(out, pa, ProofStream.word(at, 0));
        ClaimList.push(out, pb, ProofStream.word(at, 1));
        ClaimList.push(out, pb, ProofStream.word(at, 2));
        for (uint256 j = 3; j < 4 + 2 * v.limbs; ++j) ClaimList.push(out, rho, ProofStream.word(at, j));
        return ClaimList.done(out);
    }

    /// @dev The batched relations (see the notice) from the values at ρ.
    function _body(Values memory v, uint256 at) private pure returns (uint256 body) {
        uint256 q = ProofStream.word(at, 3);
        uint256 rem = _limbs(at, 4, v.limbs, v.limbBits);
        uint256 t = _limbs(at, 4 + v.limbs, v.limbs, v.limbBits);
        uint256 twoPow = addmod(v.pow, v.pow, R_MODULUS);
        // (Z) 2M·A + 2^s·B − 2^(s+1)·B·q − S·REM
        body = addmod(mulmod(v.twoM, v.a, R_MODULUS), mulmod(v.pow, v.b, R_MODULUS), R_MODULUS);
        body = Mle.sub(
            body,
            addmod(mulmod(mulmod(twoPow, v.b, R_MODULUS), q, R_MODULUS), mulmod(v.s, rem, R_MODULUS), R_MODULUS)
        );
        // (T) REM + T − 2^(s+1)·S·B + 1_real
        uint256 bound = Mle.sub(
            addmod(addmod(rem, t, R_MODULUS), v.real, R_MODULUS),
            mulmod(mulmod(twoPow, v.s, R_MODULUS), v.b, R_MODULUS)
        );
        // (U) S² − 1_real
        uint256 sign = Mle.sub(mulmod(v.s, v.s, R_MODULUS), v.real);
        body = addmod(
            body,
            mulmod(v.lambda, addmod(bound, mulmod(v.lambda, sign, R_MODULUS), R_MODULUS), R_MODULUS),
            R_MODULUS
        );
    }

    /// @dev Σ_j 2^(L·j)·w_{from + j} over calldata words at `at`.
    function _limbs(uint256 at, uint256 from, uint256 n, uint256 bits) private pure returns (uint256 acc) {
        for (uint256 j; j < n; ++j) {
            acc = addmod(acc, mulmod(ProofStream.word(at, from + j), 1 << (bits * j), R_MODULUS), R_MODULUS);
        }
    }
}
