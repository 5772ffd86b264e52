// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";

/// @title ConvTransposeStep — ConvTranspose as a MatMul over (c, k) and a gather selector
/// @notice Twin of `verifyConvTranspose` (src/prover/layers/conv-transpose.ts), spec in docs/prover.md ("More
/// layers: ConvTranspose"): absorb("convt.claim", [r…, v]); [β = bias~(q), absorb("convt.bias", [β]), target
/// v − factor·β]; a degree-2 sum-check over W's (c, k) variables; absorb("convt.evals", [u, w]); u·w = the final
/// claim; then the selector sum-check takes U~(r_n, r_o, ρ) = u to X. Claims out: X, W, [bias].
/// Program: u8 rounds, u8 hasBias, [bias: gather(r), broadcast factor on r], W: gather(r ‖ ρ), then the
/// selector (SelectorStep.verify; pool r ‖ ρ).
library ConvTransposeStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIM = "convt.claim";
    bytes32 internal constant LABEL_BIAS = "convt.bias";
    bytes32 internal constant LABEL_EVALS = "convt.evals";
    uint256 private constant DEGREE = 2;

    /// @notice u·w does not match the sum-check's final claim.
    error ConvTransposeCheckFailed();
    /// @notice The step got another number of claims than one (a generator bug).
    error ConvTransposeClaimCount(uint256 count);

    function verify(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (claims.length != 1) revert ConvTransposeClaimCount(claims.length);
        ProofStream.Claim memory claim = claims[0];
        uint256 rounds = Program.u8(r);
        bool hasBias = Program.u8(r) != 0;
        out = new ProofStream.Claim[](hasBias ? 3 : 2);
        ProofStream.absorbClaim(s, LABEL_CLAIM, claim);
        uint256 target = claim.value;
        if (hasBias) {
            out[2].point = Program.gather(r, claim.point);
            uint256 f = Broadcast.factor(r, claim.point);
            out[2].value = ProofStream.word(ProofStream.absorbScalars(s, LABEL_BIAS, 1), 0);
            target = Mle.sub(target, mulmod(f, out[2].value, R_MODULUS));
        }
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, target, rounds, DEGREE);
        uint256 evals = ProofStream.absorbScalars(s, LABEL_EVALS, 2);
        uint256 u = ProofStream.word(evals, 0);
        out[1].value = ProofStream.word(evals, 1);
        if (mulmod(u, out[1].value, R_MODULUS) != expected) revert ConvTransposeCheckFailed();
        uint256[] memory pool = Mle.concat(claim.point, rho);
        out[1].point = Program.gather(r, pool);
        out[0] = SelectorStep.verify(s, r, u, pool);
    }
}
