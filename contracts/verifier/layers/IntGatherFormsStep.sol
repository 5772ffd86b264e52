// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Broadcast} from "./Broadcast.sol";
import {IntConstant} from "./IntConstant.sol";
import {IntGatherStep} from "./IntGatherStep.sol";
import {Mle} from "./Mle.sol";

/// @title IntGatherFormsStep — the wide GatherElements selection and the multi-component one-hot rows IOP
/// @notice Twins of the two session-5 forms of a runtime gather (`intGatherHandler.verify`,
/// src/prover/graph/nodes/int-gather.ts; docs/prover.md "GatherElements over wide data axes" and "GatherND at a
/// runtime index"):
///   - {select}: `verifyGatherElements` (src/prover/layers/int-gather-elements.ts). At the merged claim (r, v) on
///     Y (a point on I's layout): absorb("int-gather.select.claim", [r, v]); a sum-check of κ + m rounds, degree 3,
///     of v; absorb("int-gather.select.evals", [h, e]); eq(r, ρ[κ..])·h·e must be its final claim (else
///     GatherSelectWrong). Claims out: H at ρ (value h), D at embed(ρ) (value e) — or, for a constant D carried
///     in the program, e must be D~(embed(ρ)) (else GatherConstantWrong) and nothing is handed on for D.
///     Program: u8 κ, u8 m, gather of embed(ρ) (pool: ρ ‖ 0), u8 constant, [IntConstant encoding over D].
///   - {rows}: `verifyRows` (src/prover/layers/int-gather.ts) with C components and any K shape: absorb
///     ("int-gather.index", [t_0 … t_{C−1}]); λ = challenge("int-gather.lambda"); a sum-check of κ′ rounds,
///     degree 2, of 1_real(ρ_K) + Σ_c λ^{c+1}·t_c; absorb("int-gather.eval", [h]); h·(1 + Σ_c λ^{c+1}·J_c(ρ′))
///     must be its final claim (else OneHotRowsWrong), J_c the value of component c's bits (the first
///     component the most significant). Claims out: H at ρ′ ‖ ρ_K, then the index tensor at each component's point.
///     Claims in: the arena's claim on H. Program: u8 κ′, u8 K variables, u8 C, C × u8 component bits,
///     1_real(ρ_K) as a Broadcast factor over the arena's point ρ, C gathers of the index points (pool: ρ ‖ 0 ‖ 1).
library IntGatherFormsStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_SELECT_CLAIM = "int-gather.select.claim";
    bytes32 internal constant LABEL_SELECT_EVALS = "int-gather.select.evals";
    bytes32 internal constant LABEL_INDEX = "int-gather.index";
    bytes32 internal constant LABEL_LAMBDA = "int-gather.lambda";
    bytes32 internal constant LABEL_EVAL = "int-gather.eval";
    /// @dev eq·H~·E has degree 3 per variable.
    uint256 private constant SELECT_DEGREE = 3;
    /// @dev H~·w has degree 2 per variable (w is linear).
    uint256 private constant ROWS_DEGREE = 2;

    /// @notice The selection's final check fails: eq(r, ρ_x)·h·e is not the sum-check's final claim.
    error GatherSelectWrong();
    /// @notice The selection's data value is not the carried constant's MLE at embed(ρ).
    error GatherConstantWrong();
    /// @notice The register or a point does not have the shape the program says (a generator bug).
    error GatherFormsProgram();

    /// @notice The wide GatherElements selection on the register's one merged claim on Y.
    function select(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert GatherFormsProgram();
        ProofStream.Claim memory claim = input[0];
        uint256 jVars = Program.u8(r);
        if (Program.u8(r) != claim.point.length) revert GatherFormsProgram();
        ProofStream.absorbClaim(s, LABEL_SELECT_CLAIM, claim);
        (uint256[] memory rho, uint256 expected) =
            ProofStream.sumcheck(s, claim.value, jVars + claim.point.length, SELECT_DEGREE);
        uint256 at = ProofStream.absorbScalars(s, LABEL_SELECT_EVALS, 2);
        uint256 h = ProofStream.word(at, 0);
        uint256 e = ProofStream.word(at, 1);
        uint256 eq = Mle.eqAt(claim.point, rho, jVars);
        if (mulmod(mulmod(eq, h, R_MODULUS), e, R_MODULUS) != expected) revert GatherSelectWrong();
        uint256[] memory embed = Program.gather(r, _withConstants(rho));
        bool carried = Program.u8(r) != 0;
        ClaimList.List memory out = ClaimList.create(carried ? 1 : 2);
        ClaimList.push(out, rho, h);
        if (!carried) ClaimList.push(out, embed, e);
        else if (IntConstant.evaluate(r, embed) != e) revert GatherConstantWrong();
        return ClaimList.done(out);
    }

    /// @notice Runs the rows IOP at the register's one claim, the arena's on H; returns that claim (handed on
    /// first), H's claim and the C index claims.
    function rows(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert GatherFormsProgram();
        uint256[] memory rho = input[0].point;
        uint256 colVars = Program.u8(r);
        if (rho.length != colVars + Program.u8(r)) revert GatherFormsProgram();
        uint256 c = Program.u8(r);
        if (c == 0) revert GatherFormsProgram();
        ClaimList.List memory out = ClaimList.create(2 + c);
        ClaimList.push(out, rho, input[0].value);
        uint256 at = ProofStream.absorbScalars(s, LABEL_INDEX, c);
        {
            (uint256[] memory hPoint, uint256 h) = _check(s, r, rho, colVars, at, c);
            ClaimList.push(out, hPoint, h);
        }
        uint256[] memory pool = _withConstants(rho);
        for (uint256 i; i < c; ++i) ClaimList.push(out, Program.gather(r, pool), ProofStream.word(at, i));
        return ClaimList.done(out);
    }

    /// @dev λ, the sum-check of 1_real(ρ_K) + Σ_c λ^{c+1}·t_c, h and the final check; returns H's point ρ′ ‖ ρ_K and h.
    function _check(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        uint256[] memory rho,
        uint256 colVars,
        uint256 at,
        uint256 c
    ) private pure returns (uint256[] memory hPoint, uint256 h) {
        uint256 bitsAt = Program.skip(r, c);
        uint256 lambda = ProofStream.challenge(s, LABEL_LAMBDA);
        uint256 claim = Broadcast.factor(r, rho);
        uint256 power = 1;
        for (uint256 i; i < c; ++i) {
            power = mulmod(power, lambda, R_MODULUS);
            claim = addmod(claim, mulmod(power, ProofStream.word(at, i), R_MODULUS), R_MODULUS);
        }
        (uint256[] memory pt, uint256 expected) = ProofStream.sumcheck(s, claim, colVars, ROWS_DEGREE);
        h = ProofStream.word(ProofStream.absorbScalars(s, LABEL_EVAL, 1), 0);
        if (mulmod(h, _weight(pt, lambda, bitsAt, c), R_MODULUS) != expected) revert IntGatherStep.OneHotRowsWrong();
        // ρ′ ‖ ρ_K: the sum-check point over the columns, then ρ's K part.
        uint256 kVars = rho.length - colVars;
        hPoint = new uint256[](rho.length);
        assembly ("memory-safe") {
            mcopy(add(hPoint, 0x20), add(pt, 0x20), shl(5, colVars))
            mcopy(add(add(hPoint, 0x20), shl(5, colVars)), add(add(rho, 0x20), shl(5, colVars)), shl(5, kVars))
        }
    }

    /// @dev w(ρ′) = 1 + Σ_c λ^{c+1}·J_c(ρ′): component c's bits lie below those of the components before it.
    function _weight(uint256[] memory pt, uint256 lambda, uint256 bitsAt, uint256 c) private pure returns (uint256 w) {
        w = 1;
        uint256 power = 1;
        uint256 end = pt.length;
        for (uint256 i; i < c; ++i) {
            uint256 bits;
            assembly ("memory-safe") {
                bits := byte(0, mload(add(bitsAt, i)))
            }
            if (bits > end) revert GatherFormsProgram();
            end -= bits;
            // J_c = Σ_b 2^b·pt[end + b] (Horner from the top bit).
            uint256 j;
            for (uint256 b = bits; b > 0; --b) j = addmod(addmod(j, j, R_MODULUS), pt[end + b - 1], R_MODULUS);
            power = mulmod(power, lambda, R_MODULUS);
            w = addmod(w, mulmod(power, j, R_MODULUS), R_MODULUS);
        }
    }

    /// @dev The pool ρ ‖ 0 ‖ 1: points with fixed coordinates (embed's zero padding, a component's bits) gather them.
    function _withConstants(uint256[] memory rho) private pure returns (uint256[] memory pool) {
        uint256 n = rho.length;
        pool = new uint256[](n + 2);
        assembly ("memory-safe") {
            mcopy(add(pool, 0x20), add(rho, 0x20), shl(5, n))
        }
        pool[n + 1] = 1;
    }
}
