// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {Mle} from "./Mle.sol";

/// @title ProductStep — the inner-product sum-check of MatMul / Gemm and of Conv (its im2col MatMul)
/// @notice Twin of `verifyMatMul` (src/prover/layers/matmul.ts) and of the first half of `verifyConv`
/// (src/prover/layers/conv.ts); spec in docs/prover.md. For a claim v on acc at r:
///   absorb(<family>.claim, [r…, v]); [β = bias~(q), absorb(<family>.bias, [β])];
///   sum-check of v − factor·β over `numVars` rounds of degree d;  absorb(<family>.evals, [x, w]);
///   check x·w (· eq(r_b, ρ_b) for a batch / channel-group sum) = the sum-check's final claim.
/// Program: u8 family (0 MatMul, 1 Conv), u8 numVars, u8 degree, u8 hasBias,
///   [bias: gather(r), broadcast factor on r], eq: gather(r) + u8 offset into ρ (count 0: none),
///   X point: gather(r ‖ ρ), W point: gather(r ‖ ρ).
library ProductStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    uint256 internal constant FAMILY_MATMUL = 0;
    uint256 internal constant FAMILY_CONV = 1;

    /// @notice x·w (·eq) at the sum-check point does not match the final claim; `layer` is matmul or conv.
    error ProductCheckFailed(bytes32 layer);
    /// @notice The program names an unknown family (a generator bug).
    error ProductFamilyUnknown(uint256 family);

    /// @notice What the step hands on: the operand claims, and r ‖ ρ (for Conv's selector sources).
    struct Result {
        ProofStream.Claim x;
        ProofStream.Claim w;
        ProofStream.Claim bias;
        bool hasBias;
        uint256[] pool;
    }

    /// @notice Verifies the step for `claim` and returns the claims on X (U for Conv), W and the bias.
    function verify(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim)
        internal
        pure
        returns (Result memory out)
    {
        uint256 family = Program.u8(r);
        (bytes32 labelClaim, bytes32 labelBias, bytes32 labelEvals) = _labels(family);
        uint256 numVars = Program.u8(r);
        uint256 degree = Program.u8(r);
        out.hasBias = Program.u8(r) != 0;
        ProofStream.absorbClaim(s, labelClaim, claim);
        uint256 target = claim.value;
        if (out.hasBias) {
            out.bias.point = Program.gather(r, claim.point);
            uint256 f = Broadcast.factor(r, claim.point);
            out.bias.value = ProofStream.word(ProofStream.absorbScalars(s, labelBias, 1), 0);
            target = Mle.sub(target, mulmod(f, out.bias.value, R_MODULUS));
        }
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, target, numVars, degree);
        uint256 evals = ProofStream.absorbScalars(s, labelEvals, 2);
        out.x.value = ProofStream.word(evals, 0);
        out.w.value = ProofStream.word(evals, 1);
        _finalCheck(r, out, claim.point, rho, expected, family);
        out.pool = Mle.concat(claim.point, rho);
        out.x.point = Program.gather(r, out.pool);
        out.w.point = Program.gather(r, out.pool);
    }

    /// @dev x·w (· eq(gather(r), ρ[offset…])) must equal the sum-check's final claim.
    function _finalCheck(
        Program.Reader memory r,
        Result memory out,
        uint256[] memory point,
        uint256[] memory rho,
        uint256 expected,
        uint256 family
    ) private pure {
        uint256 product = mulmod(out.x.value, out.w.value, R_MODULUS);
        uint256[] memory eqPoint = Program.gather(r, point);
        uint256 eqOffset = Program.u8(r);
        if (eqPoint.length != 0) product = mulmod(product, Mle.eqAt(eqPoint, rho, eqOffset), R_MODULUS);
        bytes32 layer = family == FAMILY_MATMUL ? bytes32("matmul") : bytes32("conv");
        if (product != expected) revert ProductCheckFailed(layer);
    }

    function _labels(uint256 family) private pure returns (bytes32, bytes32, bytes32) {
        if (family == FAMILY_MATMUL) return ("matmul.claim", "matmul.bias", "matmul.evals");
        if (family == FAMILY_CONV) return ("conv.claim", "conv.bias", "conv.evals");
        revert ProductFamilyUnknown(family);
    }
}
