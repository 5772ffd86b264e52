// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {Mle} from "./Mle.sol";

/// @title Elementwise — linear combinations and Hadamard products
/// @notice Twins of `verifyLinearCombination` and `verifyHadamard` (src/prover/layers/elementwise.ts), spec in
/// docs/prover.md ("Element-wise layers").
library Elementwise {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_LINEAR_CLAIM = "lincomb.claim";
    bytes32 internal constant LABEL_LINEAR_VALUES = "lincomb.values";
    bytes32 internal constant LABEL_HADAMARD_CLAIM = "hadamard.claim";
    bytes32 internal constant LABEL_HADAMARD_EVALS = "hadamard.evals";
    /// @dev eq(r, x)·A(x)·B(x) has degree 3 per variable.
    uint256 private constant HADAMARD_DEGREE = 3;

    /// @notice The last operand's weight c·factor vanishes at the claim's point (probability ≤ bits/r).
    error LinearLastWeightZero();
    /// @notice eq(r, ρ)·a·b (with broadcast factors) does not match the sum-check's final claim.
    error HadamardCheckFailed();

    /// @notice acc~(r) = Σ_i c_i·factor_i·op_i~(q_i): the prover sends every value but the last, which is
    /// derived. Program: u8 m; per operand: word c_i, gather(r) (q_i), broadcast factor on r; then word
    /// (c_{m−1})⁻¹. Returns one claim per operand.
    function linear(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        view
        returns (ProofStream.Claim[] memory out)
    {
        uint256 m = Program.u8(r);
        out = new ProofStream.Claim[](m);
        uint256[] memory weights = new uint256[](m);
        for (uint256 i; i < m; ++i) {
            uint256 c = Program.word(r);
            out[i].point = Program.gather(r, claim.point);
            weights[i] = mulmod(c, Broadcast.factor(r, claim.point), R_MODULUS);
        }
        uint256 lastInverse = Program.word(r);
        ProofStream.absorbClaim(s, LABEL_LINEAR_CLAIM, claim);
        uint256 at = ProofStream.absorbScalars(s, LABEL_LINEAR_VALUES, m - 1);
        uint256 rest = claim.value;
        for (uint256 i; i + 1 < m; ++i) {
            out[i].value = ProofStream.word(at, i);
            rest = Mle.sub(rest, mulmod(weights[i], out[i].value, R_MODULUS));
        }
        // weight_last = c_last·factor_last; c_last⁻¹ is a program constant, factor_last⁻¹ costs a modexp only
        // when the last operand is broadcast along a non-power-of-two axis.
        uint256 last = weights[m - 1];
        if (last == 0) revert LinearLastWeightZero();
        uint256 factorLast = mulmod(last, lastInverse, R_MODULUS);
        uint256 inv = factorLast == 1 ? lastInverse : mulmod(lastInverse, Mle.inverse(factorLast), R_MODULUS);
        out[m - 1].value = mulmod(rest, inv, R_MODULUS);
    }

    /// @notice acc~(r) = Σ_x eq(r, x)·A(x)·B(x): one degree-3 sum-check over the output's n variables, then
    /// absorb("hadamard.evals", [a, b]). Program: u8 n; for a then b: gather(ρ), broadcast factor on ρ.
    /// Returns the claims on a and b.
    function hadamard(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        pure
        returns (ProofStream.Claim memory a, ProofStream.Claim memory b)
    {
        uint256 numVars = Program.u8(r);
        ProofStream.absorbClaim(s, LABEL_HADAMARD_CLAIM, claim);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, claim.value, numVars, HADAMARD_DEGREE);
        uint256 at = ProofStream.absorbScalars(s, LABEL_HADAMARD_EVALS, 2);
        a.value = ProofStream.word(at, 0);
        b.value = ProofStream.word(at, 1);
        a.point = Program.gather(r, rho);
        uint256 fa = Broadcast.factor(r, rho);
        b.point = Program.gather(r, rho);
        uint256 fb = Broadcast.factor(r, rho);
        uint256 lhs = mulmod(Mle.eq(claim.point, rho), mulmod(fa, a.value, R_MODULUS), R_MODULUS);
        lhs = mulmod(lhs, mulmod(fb, b.value, R_MODULUS), R_MODULUS);
        if (lhs != expected) revert HadamardCheckFailed();
    }
}
