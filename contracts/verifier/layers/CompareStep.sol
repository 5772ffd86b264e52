// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";

/// @title CompareStep — an exact comparison c = [δ < 0] (or its negation) of kind `compare`
/// @notice Twin of `compareHandler.verify` (src/prover/graph/nodes/compare.ts; relation in
/// src/prover/layers/compare.ts, spec in docs/prover.md "Comparisons"). The prover committed g (the strict sign
/// bit) and the m L-bit limbs u_j of u = δ + 2^K·g (K = m·L), all range-checked in the arena, so
///     Σ_j 2^(jL)·u_j − 2^K·g = δ = ca·qa + cb·qb                                                  (R)
/// pins g = [δ < 0]. No sum-check of its own:
///   1. every claim (r, v) on c → a claim on g at r: v (strict op) or 1_real(r) − v (≤ / ≥, negated);
///   2. the arena's claims u_j(ρ), g(ρ) are handed on as they are (openings of A);
///   3. δ(ρ) = Σ_j 2^(jL)·u_j(ρ) − 2^K·g(ρ) goes through the linear-combination IOP (Elementwise.linear: absorb
///      "lincomb.claim", the one message qa's value, derived qb) → claims on qa and qb.
/// Claims in: u_0 … u_{m−1}, g (the arena's, at ρ), then every claim on c (take order).
/// Claims out: g per claim on c, u_0 … u_{m−1}, g (at ρ), qa, qb — the TypeScript walk's order.
/// Program: u8 m, u8 L, u8 negate, [if negate: 1_real's factor (Broadcast format over c's layout)], then
/// LayerOps' LINEAR instruction bytes for δ = ca·qa + cb·qb.
library CompareStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The register holds fewer claims than the arena's m + 1 (a generator bug).
    error CompareClaims(uint256 count, uint256 limbs);
    /// @notice K = m·L is not below 256, or the section does not continue with a LINEAR instruction (a generator bug).
    error CompareProgram();

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        view
        returns (ProofStream.Claim[] memory)
    {
        uint256 limbs = Program.u8(r);
        uint256 limbBits = Program.u8(r);
        bool negate = Program.u8(r) != 0;
        if (input.length < limbs + 1) revert CompareClaims(input.length, limbs);
        uint256 k = limbs * limbBits;
        if (k > 255) revert CompareProgram();
        uint256 onC = input.length - limbs - 1;
        ClaimList.List memory out = ClaimList.create(onC + limbs + 3);
        // 1. claims on c → claims on g (the real indicator, when negated, is re-read for every claim's point).
        uint256 factorAt = r.ptr;
        for (uint256 i; i < onC; ++i) {
            ProofStream.Claim memory c = input[limbs + 1 + i];
            uint256 v = c.value;
            if (negate) {
                r.ptr = factorAt;
                v = Mle.sub(Broadcast.factor(r, c.point), v);
            }
            ClaimList.push(out, c.point, v);
        }
        if (negate) {
            r.ptr = factorAt;
            Program.skip(r, 6 * Program.u8(r));
        }
        // 2. the arena's limb and g claims, and δ(ρ) from them.
        uint256 delta;
        for (uint256 j; j < limbs; ++j) {
            ProofStream.Claim memory u = input[j];
            delta = addmod(delta, mulmod(u.value, 1 << (limbBits * j), R_MODULUS), R_MODULUS);
            ClaimList.push(out, u.point, u.value);
        }
        ProofStream.Claim memory g = input[limbs];
        ClaimList.push(out, g.point, g.value);
        delta = Mle.sub(delta, mulmod(g.value, 1 << k, R_MODULUS));
        // 3. δ = ca·qa + cb·qb at ρ.
        if (Program.u8(r) != LayerOps.OP_LINEAR) revert CompareProgram();
        ProofStream.Claim[] memory operands = Elementwise.linear(s, r, ProofStream.Claim(g.point, delta));
        for (uint256 i; i < operands.length; ++i) ClaimList.push(out, operands[i].point, operands[i].value);
        return ClaimList.done(out);
    }
}
