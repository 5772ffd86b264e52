// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Elementwise} from "./Elementwise.sol";
import {IndexedMath} from "./IndexedMath.sol";
import {LayerOps} from "./LayerOps.sol";
import {Mle} from "./Mle.sol";

/// @title ScatterRuntimeStep — ScatterElements / ScatterND at runtime indices (handler `scatter-runtime`)
/// @notice Twin of `runtimeScatterHandler.verify` (src/prover/graph/nodes/scatter-runtime.ts, relation in
/// src/prover/layers/scatter.ts; docs/prover.md "Scatter at runtime indices"). Views: data D and output Y [R, n],
/// indices I and updates U [R, m]; the prover committed the one-hot S [R, m, n] and the hit mask T [R, n], both
/// 0/1 by the arena (whose claims the program routes to A before this step). Checked:
///   (Y) when Y has a claim (r, v) (merged by the program): the prover's D~(r), (T⊙D)~(r), q (absorb
///       "scatter.parts") with v = D − T⊙D + q; the Hadamard IOP of (T, D) on (r, (T⊙D)~(r)); one degree-3
///       sum-check over the cube of eq(r, (r', c'))·S·U on q, then S~, U~ (absorb "scatter.updates.evals");
///   (T) T~(t) at t = challenges("scatter.hit") (absorb "scatter.hit") → openings of T at t and of S at (t_c ‖ ½… ‖
///       t_r) with value T~(t)·2^−mb;
///   (O) s = challenges("scatter.rows"), λ: the prover's I~(s) (absorb "scatter.rows.index"), one degree-3
///       sum-check over [R, n] of eq(s_r, r)·S~(r, s_j, c)·(1 + λc + λ²(1 − 1_n(c))) on 1_real(s) + λ·I~(s), then
///       S~ (absorb "scatter.rows.eval").
/// A constant data or updates operand (an integer the plan carries) is evaluated here at each of its claims'
/// points and must match (no claim is handed on for it); a tensor operand's claims are handed on.
/// Points: the cube's are c ‖ j ‖ r (the last axis holds the lowest variables), [R, n]'s c ‖ r, [R, m]'s j ‖ r.
/// Claims in: the merged claim on Y, or none. Claims out: [(Y): D at r, T and D at the Hadamard's point, S and U
/// at the update sum-check's point], T at t, S at the (T) and (O) points, I at s — the TypeScript walk's order,
/// without the claims on constant operands.
/// Program: u32 R, u32 m, u32 n, u8 bits of R, m, n (rb, mb, cb), word 2^−mb, u8 hasY (the register's claim
/// count); when hasY: the HADAMARD instruction bytes of (T, D), then the data and the updates operand, each u8
/// kind (0 tensor, 1 constant followed by the constant: IndexedMath.constantAt).
library ScatterRuntimeStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_PARTS = "scatter.parts";
    bytes32 internal constant LABEL_UPDATE_EVALS = "scatter.updates.evals";
    bytes32 internal constant LABEL_HIT = "scatter.hit";
    bytes32 internal constant LABEL_ROWS = "scatter.rows";
    bytes32 internal constant LABEL_ROWS_INDEX = "scatter.rows.index";
    bytes32 internal constant LABEL_ROWS_EVAL = "scatter.rows.eval";
    uint256 private constant DEGREE = 3;
    uint256 private constant OPERAND_CONSTANT = 1;

    /// @notice The register's claim count is not the program's, or the section is malformed (a generator bug).
    error ScatterProgram();
    /// @notice (Y): D − T⊙D + q is not the claimed output.
    error ScatterPartsWrong();
    /// @notice (Y): S·U at the update sum-check's point does not match its final claim.
    error ScatterUpdatesWrong();
    /// @notice (O): S·(1 + λc + λ²·pad) at the rows sum-check's point does not match its final claim.
    error ScatterRowsWrong();
    /// @notice A constant operand's value at a claim's point is not the constant's MLE there.
    error ScatterConstantWrong();

    /// @dev Sizes and bits of the views; 2^−mb.
    struct Shape {
        uint256 rows;
        uint256 m;
        uint256 cols;
        uint256 rb;
        uint256 mb;
        uint256 cb;
        uint256 inverseM;
    }

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        Shape memory g;
        g.rows = Program.u32(r);
        g.m = Program.u32(r);
        g.cols = Program.u32(r);
        g.rb = Program.u8(r);
        g.mb = Program.u8(r);
        g.cb = Program.u8(r);
        g.inverseM = Program.word(r);
        if (Program.u8(r) != input.length || input.length > 1) revert ScatterProgram();
        ClaimList.List memory out = ClaimList.create(9);
        if (input.length == 1) _output(s, r, g, input[0], out);
        _shape(s, g, out);
        return ClaimList.done(out);
    }

    /// @dev (Y) on the merged claim y.
    function _output(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        Shape memory g,
        ProofStream.Claim memory y,
        ClaimList.List memory out
    )
        private
        pure
    {
        uint256 at = ProofStream.absorbScalars(s, LABEL_PARTS, 3);
        uint256 d = ProofStream.word(at, 0);
        uint256 q = ProofStream.word(at, 2);
        if (addmod(Mle.sub(d, ProofStream.word(at, 1)), q, R_MODULUS) != y.value) revert ScatterPartsWrong();
        if (Program.u8(r) != LayerOps.OP_HADAMARD) revert ScatterProgram();
        (ProofStream.Claim memory hit, ProofStream.Claim memory data) =
            Elementwise.hadamard(s, r, ProofStream.Claim(y.point, ProofStream.word(at, 1)));
        // The data operand at r and at the Hadamard's point (a constant is read twice from the same bytes).
        uint256 operand = r.ptr;
        _operand(r, y.point, d, out);
        ClaimList.push(out, hit.point, hit.value);
        r.ptr = operand;
        _operand(r, data.point, data.value, out);
        _updates(s, r, g, y.point, q, out);
    }

    /// @dev q = Σ eq(r, (r', c'))·S·U over the cube: one sum-check, then S~ and U~ at its point.
    function _updates(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        Shape memory g,
        uint256[] memory y,
        uint256 q,
        ClaimList.List memory out
    )
        private
        pure
    {
        (uint256[] memory point, uint256 expected) = ProofStream.sumcheck(s, q, g.cb + g.mb + g.rb, DEGREE);
        uint256 evals = ProofStream.absorbScalars(s, LABEL_UPDATE_EVALS, 2);
        if (_updateFinal(g, y, point, evals) != expected) revert ScatterUpdatesWrong();
        ClaimList.push(out, point, ProofStream.word(evals, 0));
        _operand(r, IndexedMath.slice(point, g.cb, g.mb + g.rb), ProofStream.word(evals, 1), out);
    }

    /// @dev eq(r_r, p_r)·eq(r_c, p_c)·S~·U~ at the update sum-check's point p (c ‖ j ‖ r).
    function _updateFinal(Shape memory g, uint256[] memory y, uint256[] memory point, uint256 evals)
        private
        pure
        returns (uint256 e)
    {
        e = IndexedMath.eqRange(y, g.cb, point, g.cb + g.mb, g.rb);
        e = mulmod(e, IndexedMath.eqRange(y, 0, point, 0, g.cb), R_MODULUS);
        e = mulmod(e, mulmod(ProofStream.word(evals, 0), ProofStream.word(evals, 1), R_MODULUS), R_MODULUS);
    }

    /// @dev (T) and (O).
    function _shape(ProofStream.Stream memory s, Shape memory g, ClaimList.List memory out) private pure {
        uint256[] memory t = IndexedMath.challenges(s, LABEL_HIT, g.cb + g.rb);
        uint256 hit = ProofStream.word(ProofStream.absorbScalars(s, LABEL_HIT, 1), 0);
        uint256[] memory sp = IndexedMath.challenges(s, LABEL_ROWS, g.mb + g.rb);
        uint256 lambda = ProofStream.challenge(s, LABEL_ROWS);
        uint256 index = ProofStream.word(ProofStream.absorbScalars(s, LABEL_ROWS_INDEX, 1), 0);
        uint256 real = Mle.prefixIndicator(g.rows, sp, g.mb, g.rb);
        real = mulmod(real, Mle.prefixIndicator(g.m, sp, 0, g.mb), R_MODULUS);
        (uint256[] memory q, uint256 expected) =
            ProofStream.sumcheck(s, addmod(real, mulmod(lambda, index, R_MODULUS), R_MODULUS), g.cb + g.rb, DEGREE);
        uint256 rowsEval = ProofStream.word(ProofStream.absorbScalars(s, LABEL_ROWS_EVAL, 1), 0);
        if (_rowsFinal(g, sp, q, lambda, rowsEval) != expected) revert ScatterRowsWrong();
        ClaimList.push(out, t, hit);
        ClaimList.push(out, _hitPoint(g, t), mulmod(hit, g.inverseM, R_MODULUS));
        ClaimList.push(out, _rowsPoint(g, q, sp), rowsEval);
        ClaimList.push(out, sp, index);
    }

    /// @dev eq(s_r, q_r)·S~·W(q_c) with W(c) = 1 + λ·c + λ²·(1 − 1_n(c)), at the rows sum-check's point q.
    function _rowsFinal(Shape memory g, uint256[] memory sp, uint256[] memory q, uint256 lambda, uint256 rowsEval)
        private
        pure
        returns (uint256)
    {
        uint256 w = addmod(1, mulmod(lambda, IndexedMath.fullRamp(q, 0, g.cb), R_MODULUS), R_MODULUS);
        uint256 pad = Mle.sub(1, Mle.prefixIndicator(g.cols, q, 0, g.cb));
        w = addmod(w, mulmod(mulmod(lambda, lambda, R_MODULUS), pad, R_MODULUS), R_MODULUS);
        return mulmod(IndexedMath.eqRange(sp, g.mb, q, g.cb, g.rb), mulmod(rowsEval, w, R_MODULUS), R_MODULUS);
    }

    /// @dev S's point of (O): q_c ‖ s_j ‖ q_r.
    function _rowsPoint(Shape memory g, uint256[] memory q, uint256[] memory sp)
        private
        pure
        returns (uint256[] memory)
    {
        return IndexedMath.join3(q, 0, g.cb, sp, 0, g.mb, q, g.cb, g.rb);
    }

    /// @dev S's point of (T): t_c ‖ ½… ‖ t_r.
    function _hitPoint(Shape memory g, uint256[] memory t) private pure returns (uint256[] memory) {
        return IndexedMath.join3(t, 0, g.cb, IndexedMath.halves(g.mb), 0, g.mb, t, g.cb, g.rb);
    }

    /// @dev An operand's claim (point, value): handed on for a tensor, checked against a carried constant.
    function _operand(Program.Reader memory r, uint256[] memory point, uint256 value, ClaimList.List memory out)
        private
        pure
    {
        uint256 kind = Program.u8(r);
        if (kind == OPERAND_CONSTANT) {
            if (IndexedMath.constantAt(r, point) != value) revert ScatterConstantWrong();
        } else if (kind == 0) {
            ClaimList.push(out, point, value);
        } else {
            revert ScatterProgram();
        }
    }
}
