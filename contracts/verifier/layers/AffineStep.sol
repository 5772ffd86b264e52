// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Elementwise} from "./Elementwise.sol";
import {Mle} from "./Mle.sol";

/// @title AffineStep — the linear part acc = x ⊙ γ + β of a channel affine (BatchNormalization)
/// @notice Twin of the `affine` case of `verifyLinear` (src/prover/graph/nodes/linear-part.ts): the prover sends
/// β~ at the claim's point (read, not absorbed: it enters the transcript through the Hadamard's claim), the claim
/// minus β is a Hadamard product x ⊙ γ (Elementwise.hadamard), and the claims handed on are β (flat layout), x and
/// γ (flat layout) in that order. Program: gather of β's point from the claim's point, then the Hadamard's
/// program (u8 n; a: gather(ρ), factor; b: gather(ρ) — γ's flat point —, factor).
library AffineStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The step got another number of claims than one (a generator bug).
    error AffineClaimCount(uint256 count);

    function verify(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (claims.length != 1) revert AffineClaimCount(claims.length);
        ProofStream.Claim memory claim = claims[0];
        out = new ProofStream.Claim[](3);
        uint256 at = ProofStream.take(s, 1);
        uint256 beta = ProofStream.word(at, 0);
        if (beta >= R_MODULUS) revert ProofStream.ProofScalarNotCanonical(ProofStream.offsetOf(s, at));
        out[0].point = Program.gather(r, claim.point);
        out[0].value = beta;
        ProofStream.Claim memory rest = ProofStream.Claim(claim.point, Mle.sub(claim.value, beta));
        (out[1], out[2]) = Elementwise.hadamard(s, r, rest);
    }
}
