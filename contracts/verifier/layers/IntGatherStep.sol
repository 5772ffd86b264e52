// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title IntGatherStep — the one-hot rows IOP of a gather at a runtime index (and of OneHot)
/// @notice Twin of `verifyOneHotRows` (src/prover/layers/int-gather.ts) as `intGatherHandler.verify` and
/// `intOneHotHandler.verify` run it (src/prover/graph/nodes/int-{gather,onehot}.ts; docs/prover.md "Gather at a
/// runtime index"). H [K, n] is the committed one-hot matrix of the indices I (column variables j low, κ of them);
/// the arena proved H ∈ {0, 1} and handed a claim on H at ρ = ρ_j ‖ ρ_K. At ρ_K the prover shows
///     Σ_j H~(ρ_K, j)·(1 + λ·j) = 1_real(ρ_K) + λ·I~(ρ_K)
/// which, with H's entries bits, makes every real row the unit vector of its index and every padded row zero:
///   absorb("int-gather.index", [I~(ρ_K)]); λ = challenge("int-gather.lambda"); a sum-check of κ rounds, degree 2,
///   of 1_real(ρ_K) + λ·I~(ρ_K); absorb("int-gather.eval", [h]); h·(1 + λ·J(ρ′)) must be its final claim, J(x) =
///   Σ_b 2^b·x_b (else OneHotRowsWrong).
/// Claims out (after the arena's claim, which the caller hands on first): H at ρ′ ‖ ρ_K (value h), I at ρ_K.
/// Program: u8 κ, u8 K variables, u32 K, gather of I's point (pool: ρ, the arena's point on H).
library IntGatherStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_INDEX = "int-gather.index";
    bytes32 internal constant LABEL_LAMBDA = "int-gather.lambda";
    bytes32 internal constant LABEL_EVAL = "int-gather.eval";
    /// @dev H~·(1 + λ·J) has degree 2 per variable (J is linear).
    uint256 private constant DEGREE = 2;

    /// @notice The one-hot rows do not sum to the indices: h·(1 + λ·J(ρ′)) is not the sum-check's final claim.
    error OneHotRowsWrong();
    /// @notice The arena's claim on H has another variable count than κ + K variables (a generator bug).
    error OneHotRowsProgram();

    /// @notice Runs the rows IOP at the arena's claim on H; pushes H's and I's claims onto `out`.
    function rows(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory arena, ClaimList.List memory out)
        internal
        pure
    {
        uint256 jVars = Program.u8(r);
        uint256 kVars = Program.u8(r);
        uint256 k = Program.u32(r);
        uint256[] memory rho = arena.point;
        if (rho.length != jVars + kVars) revert OneHotRowsProgram();
        (uint256[] memory hPoint, uint256 h, uint256 index) = _check(s, rho, jVars, k);
        ClaimList.push(out, hPoint, h);
        ClaimList.push(out, Program.gather(r, rho), index);
    }

    /// @dev The messages and the final check; returns H's point ρ′ ‖ ρ_K, h and I~(ρ_K).
    function _check(ProofStream.Stream memory s, uint256[] memory rho, uint256 jVars, uint256 k)
        private
        pure
        returns (uint256[] memory hPoint, uint256 h, uint256 index)
    {
        uint256 kVars = rho.length - jVars;
        index = ProofStream.word(ProofStream.absorbScalars(s, LABEL_INDEX, 1), 0);
        uint256 lambda = ProofStream.challenge(s, LABEL_LAMBDA);
        uint256 claim = addmod(Mle.prefixIndicator(k, rho, jVars, kVars), mulmod(lambda, index, R_MODULUS), R_MODULUS);
        (uint256[] memory at, uint256 expected) = ProofStream.sumcheck(s, claim, jVars, DEGREE);
        h = ProofStream.word(ProofStream.absorbScalars(s, LABEL_EVAL, 1), 0);
        uint256 weight = addmod(1, mulmod(lambda, _columnIndex(at), R_MODULUS), R_MODULUS);
        if (mulmod(h, weight, R_MODULUS) != expected) revert OneHotRowsWrong();
        // ρ′ ‖ ρ_K: the sum-check point over j, then ρ's K part.
        hPoint = new uint256[](jVars + kVars);
        assembly ("memory-safe") {
            mcopy(add(hPoint, 0x20), add(at, 0x20), shl(5, jVars))
            mcopy(add(add(hPoint, 0x20), shl(5, jVars)), add(add(rho, 0x20), shl(5, jVars)), shl(5, kVars))
        }
    }

    /// @dev J(x) = Σ_b 2^b·x_b, the MLE of the column index (Horner from the top bit).
    function _columnIndex(uint256[] memory x) private pure returns (uint256 acc) {
        for (uint256 b = x.length; b > 0; --b) acc = addmod(addmod(acc, acc, R_MODULUS), x[b - 1], R_MODULUS);
    }
}
