// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";

/// @title WhereRuntimeStep — Where with a runtime bool condition (handler `where-runtime`)
/// @notice Twin of `runtimeWhereHandler.verify` (src/prover/graph/nodes/where-runtime.ts; docs/prover.md "Where
/// with a runtime condition"). On c ∈ {0, 1} (every bool tensor's invariant), y = c⊙a + (1 − c)⊙b = P − Q + b with
/// P = c⊙a, Q = c⊙b (all broadcast to y's shape). On the merged claim (r, v) on y:
///   1. the prover's P~(r), Q~(r) (absorb "where.products");
///   2. (r, v − P + Q) on the broadcast b through the one-operand linear combination (no message) → b;
///   3. the Hadamard IOP of (c, a) on (r, P) → c, a; then of (c, b) on (r, Q) → c, b.
/// Claims in: the merged claim on y (the program's MERGEMANY). Claims out: b, c, a, c, b.
/// Program: LayerOps' LINEAR instruction bytes (the one operand b), then the HADAMARD instruction bytes of (c, a)
/// and of (c, b).
library WhereRuntimeStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_PRODUCTS = "where.products";

    /// @notice The register does not hold exactly one claim, or the section does not continue with the LINEAR and
    /// HADAMARD instructions (a generator bug).
    error WhereRuntimeProgram();

    /// @notice Runs the step on the register's one claim; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        view
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert WhereRuntimeProgram();
        ProofStream.Claim memory y = input[0];
        uint256 at = ProofStream.absorbScalars(s, LABEL_PRODUCTS, 2);
        uint256 p = ProofStream.word(at, 0);
        uint256 q = ProofStream.word(at, 1);
        ClaimList.List memory out = ClaimList.create(5);
        if (Program.u8(r) != LayerOps.OP_LINEAR) revert WhereRuntimeProgram();
        uint256 rest = addmod(Mle.sub(y.value, p), q, R_MODULUS);
        ProofStream.Claim[] memory b = Elementwise.linear(s, r, ProofStream.Claim(y.point, rest));
        ClaimList.push(out, b[0].point, b[0].value);
        _product(s, r, ProofStream.Claim(y.point, p), out);
        _product(s, r, ProofStream.Claim(y.point, q), out);
        return ClaimList.done(out);
    }

    /// @dev One Hadamard IOP (HADAMARD instruction bytes, op byte checked): its claims on c and the data operand.
    function _product(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim memory claim,
        ClaimList.List memory out
    )
        private
        pure
    {
        if (Program.u8(r) != LayerOps.OP_HADAMARD) revert WhereRuntimeProgram();
        (ProofStream.Claim memory c, ProofStream.Claim memory x) = Elementwise.hadamard(s, r, claim);
        ClaimList.push(out, c.point, c.value);
        ClaimList.push(out, x.point, x.value);
    }
}
