// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";

/// @title LogicStep — boolean Not / And / Or / Xor of kind `logic`, claim by claim on the output y
/// @notice Twin of `logicHandler.verify` (src/prover/graph/nodes/logic.ts; docs/prover.md "Logic and integer
/// copies"). Per claim (r, v) on y, in take order:
///   NOT  y = 1_real − x:          the claim (r, 1_real(r) − v) on x; no message.
///   AND  y = a ⊙ b (broadcast):   the Hadamard IOP on (r, v) (Elementwise.hadamard) → claims on a, b.
///   OR / XOR  y = a + b + k·a⊙b (k = −1 / −2): a(r), b(r) read and absorbed under "logic.values", claims
///        (r, a(r)), (r, b(r)); then the Hadamard IOP on (r, (v − a(r) − b(r))·k⁻¹) → claims on a, b.
/// (The copy form — Cast — hands the claim on unchanged: the program routes it, no step runs.)
/// Claims in: every claim on y. Claims out, per claim: NOT x; AND a, b; OR / XOR a, b (at r), a, b (at ρ).
/// Program: u8 form; NOT: 1_real's factor (Broadcast format over y's layout); AND: LayerOps' HADAMARD
/// instruction bytes; OR / XOR: word k⁻¹, then the HADAMARD instruction bytes. The form's parameters are
/// re-read for every claim.
library LogicStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_VALUES = "logic.values";
    uint256 internal constant FORM_NOT = 1;
    uint256 internal constant FORM_AND = 2;
    uint256 internal constant FORM_OR = 3;
    uint256 internal constant FORM_XOR = 4;

    /// @notice The section names an unknown form, or its Hadamard instruction is missing (a generator bug).
    error LogicForm(uint256 form);
    /// @notice The register is empty (the generator writes no step for a tensor without claims).
    error LogicNoClaims();

    /// @notice Runs the step on every register claim; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        uint256 form = Program.u8(r);
        if (form < FORM_NOT || form > FORM_XOR) revert LogicForm(form);
        if (input.length == 0) revert LogicNoClaims();
        uint256 kInverse = form > FORM_AND ? Program.word(r) : 0;
        uint256 perClaim = form == FORM_NOT ? 1 : form == FORM_AND ? 2 : 4;
        ClaimList.List memory out = ClaimList.create(perClaim * input.length);
        uint256 at = r.ptr;
        for (uint256 i; i < input.length; ++i) {
            r.ptr = at;
            ProofStream.Claim memory c = input[i];
            if (form == FORM_NOT) {
                ClaimList.push(out, c.point, Mle.sub(Broadcast.factor(r, c.point), c.value));
                continue;
            }
            ProofStream.Claim memory product = c;
            if (form != FORM_AND) {
                uint256 w = ProofStream.absorbScalars(s, LABEL_VALUES, 2);
                uint256 a = ProofStream.word(w, 0);
                uint256 b = ProofStream.word(w, 1);
                ClaimList.push(out, c.point, a);
                ClaimList.push(out, c.point, b);
                product = ProofStream.Claim(c.point, mulmod(Mle.sub(Mle.sub(c.value, a), b), kInverse, R_MODULUS));
            }
            if (Program.u8(r) != LayerOps.OP_HADAMARD) revert LogicForm(form);
            (ProofStream.Claim memory pa, ProofStream.Claim memory pb) = Elementwise.hadamard(s, r, product);
            ClaimList.push(out, pa.point, pa.value);
            ClaimList.push(out, pb.point, pb.value);
        }
        return ClaimList.done(out);
    }
}
