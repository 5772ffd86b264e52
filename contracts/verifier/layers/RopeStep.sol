// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title RopeStep — the RoPE IOP of kind `rope` (after the step's requantization)
/// @notice Twin of `verifyRope` (src/prover/layers/rope.ts) as `ropeHandler.verify` runs it
/// (src/prover/graph/nodes/rope.ts); spec in docs/gguf.md ("LLM layers: RoPE"). On the claim on acc at r:
///   absorb("rope.claim", claim); a sum-check of acc~(r) over n rounds, degree 3; absorb("rope.eval", [C, S, x]);
///   the check x·(eq(r, ρ)·C + eq(r_{1…}, ρ_{1…})·v(r_0, ρ_0)·S) = final claim, v(a, k) = a(1 − k) − (1 − a)k.
/// Claims out (the walk's order): C and S at the table point (ρ_{1 … 1 + pairVars} ‖ ρ_row), x at ρ.
/// Program: u8 n, u8 column variables, u8 pair variables.
library RopeStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIM = "rope.claim";
    bytes32 internal constant LABEL_EVAL = "rope.eval";
    uint256 private constant DEGREE = 3;

    /// @notice The sum-check's final value does not match the evaluations.
    error RopeCheckFailed();
    /// @notice The register is not one claim on acc (a generator bug).
    error RopeClaims(uint256 count);

    /// @notice Runs the IOP on the register's claim on acc; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert RopeClaims(input.length);
        uint256 n = Program.u8(r);
        uint256 colVars = Program.u8(r);
        uint256 pairVars = Program.u8(r);
        ProofStream.Claim memory claim = input[0];
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, claim.value, n, DEGREE);
        uint256 at = ProofStream.absorbScalars(s, LABEL_EVAL, 3);
        if (_final(claim.point, rho, at) != expected) revert RopeCheckFailed();
        // The table point (x_i, x_t): the pair bits above bit 0, then the row bits.
        uint256[] memory tablePoint = new uint256[](pairVars + n - colVars);
        for (uint256 j; j < pairVars; ++j) tablePoint[j] = rho[1 + j];
        for (uint256 j = colVars; j < n; ++j) tablePoint[pairVars + j - colVars] = rho[j];
        ClaimList.List memory out = ClaimList.create(3);
        ClaimList.push(out, tablePoint, ProofStream.word(at, 0));
        ClaimList.push(out, tablePoint, ProofStream.word(at, 1));
        ClaimList.push(out, rho, ProofStream.word(at, 2));
        return ClaimList.done(out);
    }

    /// @dev x·(eq(r, ρ)·C + eq(r_{1…}, ρ_{1…})·v(r_0, ρ_0)·S) with [C, S, x] the calldata words at `at`.
    function _final(uint256[] memory point, uint256[] memory rho, uint256 at) private pure returns (uint256) {
        uint256 e1 = Mle.eq(point, rho);
        // eq over coordinates 1…: the full eq divided by its first factor is avoided (it may vanish) by
        // recomputing from coordinate 1 on.
        uint256 e2 = 1;
        for (uint256 j = 1; j < point.length; ++j) {
            uint256 a = point[j];
            uint256 b = rho[j];
            uint256 ab = mulmod(a, b, R_MODULUS);
            e2 = mulmod(
                e2,
                addmod(Mle.sub(addmod(ab, ab, R_MODULUS), addmod(a, b, R_MODULUS)), 1, R_MODULUS),
                R_MODULUS
            );
        }
        uint256 r0 = point[0];
        uint256 k = rho[0];
        // v(r_0, k) = r_0·(1 − k) − (1 − r_0)·k
        uint256 sign = Mle.sub(mulmod(r0, Mle.sub(1, k), R_MODULUS), mulmod(Mle.sub(1, r0), k, R_MODULUS));
        e2 = mulmod(e2, sign, R_MODULUS);
        uint256 inner = addmod(
            mulmod(e1, ProofStream.word(at, 0), R_MODULUS),
            mulmod(e2, ProofStream.word(at, 1), R_MODULUS),
            R_MODULUS
        );
        return mulmod(ProofStream.word(at, 2), inner, R_MODULUS);
    }
}
