// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {IntConstant} from "./IntConstant.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";

/// @title IntEqualStep — Equal as an exact zero test (handler `int-equal`)
/// @notice Twin of `intEqualHandler.verify` and `verifyIntEqual` (src/prover/graph/nodes/int-equal.ts,
/// src/prover/layers/int-equal.ts; docs/prover.md "Equal"). With d = Σ c_i·op_i the operands' difference, the
/// committed output c and inverse inv satisfy c − 1_real + d·inv = 0 and d·c = 0 on the whole padded cube, which
/// makes c = [d = 0] exactly:
///   1. every claim on c is handed on (an opening of A);
///   2. τ = n × challenge("int-equal.tau"), λ = challenge("int-equal.lambda"); a sum-check of n rounds, degree 3,
///      of 0; absorb("int-equal.evals", [c, inv, d]); eq(τ, ρ)·(c − 1_real(ρ) + d·inv + λ·d·c) must be its final
///      claim (else EqualZeroTestFailed);
///   3. c and inv at ρ are handed on; d at ρ, minus a carried constant's part coeff·factor(ρ)·K~(q) (q, factor: K's
///      broadcast point and indicator), goes through the linear-combination IOP (Elementwise.linear: absorb
///      "lincomb.claim", the values of every tensor operand but the last) → one claim per tensor operand.
/// Claims in: every claim on c. Claims out: those claims, c (ρ), inv (ρ), one per tensor operand.
/// Program: u8 n, 1_real's factor over c's layout (Broadcast format), u8 constant (0 / 1), [word coeff, gather of
/// K's point (pool: ρ), K's broadcast factor, the constant (IntConstant encoding)], then LayerOps' LINEAR
/// instruction bytes over the tensor operands.
library IntEqualStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_TAU = "int-equal.tau";
    bytes32 internal constant LABEL_LAMBDA = "int-equal.lambda";
    bytes32 internal constant LABEL_EVALS = "int-equal.evals";
    /// @dev eq(τ, x)·d·inv has degree 3 per variable.
    uint256 private constant DEGREE = 3;

    /// @notice eq(τ, ρ)·(c − 1_real + d·inv + λ·d·c) at the sum-check point is not its final claim.
    error EqualZeroTestFailed();
    /// @notice The section does not continue with a LINEAR instruction (a generator bug).
    error EqualProgram();

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        view
        returns (ProofStream.Claim[] memory)
    {
        (uint256[] memory rho, uint256 evals) = _zeroTest(s, r);
        uint256 d = ProofStream.word(evals, 2);
        if (Program.u8(r) != 0) d = Mle.sub(d, _constantPart(r, rho));
        if (Program.u8(r) != LayerOps.OP_LINEAR) revert EqualProgram();
        ProofStream.Claim[] memory operands = Elementwise.linear(s, r, ProofStream.Claim(rho, d));
        ClaimList.List memory out = ClaimList.create(input.length + 2 + operands.length);
        for (uint256 i; i < input.length; ++i) ClaimList.push(out, input[i].point, input[i].value);
        ClaimList.push(out, rho, ProofStream.word(evals, 0));
        ClaimList.push(out, rho, ProofStream.word(evals, 1));
        for (uint256 i; i < operands.length; ++i) ClaimList.push(out, operands[i].point, operands[i].value);
        return ClaimList.done(out);
    }

    /// @dev Step 2: the challenges, the sum-check and its final check; returns ρ and the calldata offset of
    /// [c, inv, d].
    function _zeroTest(ProofStream.Stream memory s, Program.Reader memory r)
        private
        pure
        returns (uint256[] memory rho, uint256 evals)
    {
        uint256 n = Program.u8(r);
        uint256[] memory tau = new uint256[](n);
        for (uint256 j; j < n; ++j) tau[j] = ProofStream.challenge(s, LABEL_TAU);
        uint256 lambda = ProofStream.challenge(s, LABEL_LAMBDA);
        uint256 expected;
        (rho, expected) = ProofStream.sumcheck(s, 0, n, DEGREE);
        evals = ProofStream.absorbScalars(s, LABEL_EVALS, 3);
        uint256 c = ProofStream.word(evals, 0);
        uint256 d = ProofStream.word(evals, 2);
        // c − 1_real(ρ) + d·inv + λ·d·c
        uint256 body = addmod(Mle.sub(c, Broadcast.factor(r, rho)), mulmod(d, ProofStream.word(evals, 1), R_MODULUS), R_MODULUS);
        body = addmod(body, mulmod(lambda, mulmod(d, c, R_MODULUS), R_MODULUS), R_MODULUS);
        if (mulmod(Mle.eq(tau, rho), body, R_MODULUS) != expected) revert EqualZeroTestFailed();
    }

    /// @dev coeff·factor(ρ)·K~(q): the carried constant's share of d at ρ (K broadcast to c's shape).
    function _constantPart(Program.Reader memory r, uint256[] memory rho) private pure returns (uint256) {
        uint256 coeff = Program.word(r);
        uint256[] memory q = Program.gather(r, rho);
        // Separate statements: the reads must happen in program order (argument evaluation order is not).
        uint256 factor = Broadcast.factor(r, rho);
        uint256 k = IntConstant.evaluate(r, q);
        return mulmod(coeff, mulmod(factor, k, R_MODULUS), R_MODULUS);
    }
}
