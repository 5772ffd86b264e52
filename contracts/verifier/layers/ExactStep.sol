// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";
import {IntConstant} from "./IntConstant.sol";

/// @title ExactStep — exact integer Add / Sub / Mul of kind `exact`, claim by claim on the output y
/// @notice Twin of `exactHandler.verify` (src/prover/graph/nodes/exact.ts; docs/prover.md "Exact arithmetic"):
/// the linear part alone with acc = y, run once per claim on y in take order.
///   LINEAR        y = a ± b:      the linear-combination IOP (Elementwise.linear) → one claim per operand.
///   HADAMARD      y = a ⊙ b:      the Hadamard IOP (Elementwise.hadamard) → claims on a, b.
///   ADD_CONSTANT  y = x ± K:      (r, v ∓ K̃(r)) through the one-operand linear combination → a claim on x; K̃(r)
///                                 = factor(r)·K~(q) with q, factor K's broadcast point and indicator.
///   MUL_CONSTANT  y = x ⊙ K:      the Hadamard IOP of x and K → a claim on x; the IOP's value of K must be
///                                 K~ at its point, which the verifier evaluates itself (else ExactConstantWrong).
/// Claims in: every claim on y. Claims out, per claim: LINEAR one per operand; HADAMARD a, b; the constant
/// forms x.
/// Program: u8 form; LINEAR: LayerOps' LINEAR instruction bytes; HADAMARD: the HADAMARD instruction bytes;
/// ADD_CONSTANT: u8 negative (1: y = x − K), gather of K's point (pool: the claim's point), K's broadcast factor
/// (Broadcast format), the constant, the one-operand LINEAR instruction bytes; MUL_CONSTANT: the HADAMARD
/// instruction bytes (b = K), the constant. A constant is u8 variables n, u8 byte width w (1 … 31), u16 count,
/// then per non-zero entry u32 index in K's padded layout and a w-byte two's-complement value.
library ExactStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    uint256 internal constant FORM_LINEAR = 1;
    uint256 internal constant FORM_HADAMARD = 2;
    uint256 internal constant FORM_ADD_CONSTANT = 3;
    uint256 internal constant FORM_MUL_CONSTANT = 4;

    /// @notice The section names an unknown form, a missing layer instruction or a malformed constant (a
    /// generator bug).
    error ExactForm(uint256 form);
    /// @notice The register is empty (the generator writes no step for a tensor without claims).
    error ExactNoClaims();
    /// @notice The Hadamard IOP's value of the constant operand is not the constant's MLE at its point.
    error ExactConstantWrong();

    /// @notice Runs the step on every register claim; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        view
        returns (ProofStream.Claim[] memory)
    {
        uint256 form = Program.u8(r);
        if (form < FORM_LINEAR || form > FORM_MUL_CONSTANT) revert ExactForm(form);
        if (input.length == 0) revert ExactNoClaims();
        ClaimList.List memory out;
        uint256 at = r.ptr;
        for (uint256 i; i < input.length; ++i) {
            r.ptr = at;
            ProofStream.Claim memory c = input[i];
            ProofStream.Claim[] memory claims;
            if (form == FORM_LINEAR) {
                claims = _linear(s, r, c, form);
            } else if (form == FORM_HADAMARD) {
                claims = _hadamard(s, r, c, form);
            } else if (form == FORM_ADD_CONSTANT) {
                claims = _addConstant(s, r, c);
            } else {
                claims = _hadamard(s, r, c, form);
                if (_constant(r, claims[1].point) != claims[1].value) revert ExactConstantWrong();
                assembly ("memory-safe") {
                    mstore(claims, 1)
                }
            }
            if (i == 0) out = ClaimList.create(claims.length * input.length);
            for (uint256 j; j < claims.length; ++j) ClaimList.push(out, claims[j].point, claims[j].value);
        }
        return ClaimList.done(out);
    }

    /// @dev y = x ± K: the claim (r, v ∓ factor(r)·K~(q)) on x through the one-operand linear combination.
    function _addConstant(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory c)
        private
        view
        returns (ProofStream.Claim[] memory)
    {
        bool negative = Program.u8(r) != 0;
        uint256[] memory q = Program.gather(r, c.point);
        // Separate statements: the reads must happen in program order (argument evaluation order is not).
        uint256 factor = Broadcast.factor(r, c.point);
        uint256 k = mulmod(factor, _constant(r, q), R_MODULUS);
        uint256 v = negative ? addmod(c.value, k, R_MODULUS) : Mle.sub(c.value, k);
        return _linear(s, r, ProofStream.Claim(c.point, v), FORM_ADD_CONSTANT);
    }

    /// @dev LayerOps' LINEAR instruction (op byte checked) on `claim`.
    function _linear(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim memory claim, uint256 form)
        private
        view
        returns (ProofStream.Claim[] memory)
    {
        if (Program.u8(r) != LayerOps.OP_LINEAR) revert ExactForm(form);
        return Elementwise.linear(s, r, claim);
    }

    /// @dev LayerOps' HADAMARD instruction (op byte checked) on `claim`: [a, b].
    function _hadamard(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim memory claim,
        uint256 form
    )
        private
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (Program.u8(r) != LayerOps.OP_HADAMARD) revert ExactForm(form);
        out = new ProofStream.Claim[](2);
        (out[0], out[1]) = Elementwise.hadamard(s, r, claim);
    }

    /// @dev K~(point) for the constant the program lists next (IntConstant: the one evaluator of carried constants).
    function _constant(Program.Reader memory r, uint256[] memory point) private pure returns (uint256 sum) {
        bool ok;
        (sum, ok) = IntConstant.tryEvaluate(r, point);
        if (!ok) revert ExactForm(FORM_MUL_CONSTANT);
    }
}
