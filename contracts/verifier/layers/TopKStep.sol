// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {IndexedMath} from "./IndexedMath.sol";
import {Mle} from "./Mle.sol";

/// @title TopKStep — TopK over the last axis, values and indices exact (handler `topk`)
/// @notice Twin of `topkHandler.verify` / `verifyTopk` (src/prover/graph/nodes/topk.ts, src/prover/layers/topk.ts;
/// docs/prover.md "TopK"). X [R, n], outputs V, I [R, k]; keys κ[r, c] = σN·x[r, c] + (N − 1 − c) (N = 2^cb);
/// the prover committed the one-hot H [R, k, n], V, I, and the sign g and L-bit limbs u_i of
/// δ[r, j, c] = κ[r, c] − K[r, j] − 1 = σN(x − V) − c + I − 1 (the limbs and g arena range columns). Checked:
///   (B) Σ 2^(iL)·u_i − 2^T·g = δ·1_real at the arena point ρ, from x~, V~, I~ at ρ's sub-points
///       (absorb "topk.delta");
///   (C) Σ_c g = (n − j)·1_real at s = challenges("topk.count"): an opening of g at (½…, s) — no message;
///   (D) Σ_c H·(x + λc + λ²) = V + λI + λ²·1_real at s' = challenges("topk.select"), λ: the prover's V~, I~ at s'
///       (absorb "topk.select.values"), one degree-3 sum-check over X's variables, then H~ and x~ at its point
///       (absorb "topk.select.evals");
///   (E) H·(1 + μ − μ·1_real − H) = 0 on the cube: τ, μ = challenges("topk.onehot"), a zero-check (degree 3),
///       then H~ (absorb "topk.onehot.eval").
/// Points: the cube's ρ is c ‖ j ‖ r (the last axis holds the lowest variables), X's points c ‖ r, the
/// outputs' j ‖ r.
/// Claims in: the arena's u_0 … u_{m−1}, g (at ρ). Claims out: those, then x at (ρ_c ‖ ρ_r) and at the
/// selection point, V at (ρ_j ‖ ρ_r) and s', I likewise, H at the selection and zero-check points, g at the count
/// point — the TypeScript walk's order.
/// Program: u32 R, u32 k, u32 n, u8 bits of R, k, n (rb, kb, cb), u8 m, u8 L, word σN, word 2^−cb.
library TopKStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_DELTA = "topk.delta";
    bytes32 internal constant LABEL_COUNT = "topk.count";
    bytes32 internal constant LABEL_SELECT = "topk.select";
    bytes32 internal constant LABEL_SELECT_VALUES = "topk.select.values";
    bytes32 internal constant LABEL_SELECT_EVALS = "topk.select.evals";
    bytes32 internal constant LABEL_ONEHOT = "topk.onehot";
    bytes32 internal constant LABEL_ONEHOT_EVAL = "topk.onehot.eval";
    uint256 private constant DEGREE = 3;

    /// @notice The register does not hold the arena's m + 1 claims, or T = m·L is not below 256 (a generator bug).
    error TopkProgram(uint256 count, uint256 limbs);
    /// @notice (B): the key differences' limbs do not match x, V and I at the arena point.
    error TopkDeltaWrong();
    /// @notice (D): H·(x + λc + λ²) at the selection sum-check's point does not match its final claim.
    error TopkSelectWrong();
    /// @notice (E): H·(1 + μ − μ·1_real − H) at the zero-check's point does not match its final claim.
    error TopkOnehotWrong();

    /// @dev The step's shape: sizes and bits of R, k, n; limbs; σN; 2^−cb.
    struct Shape {
        uint256 rows;
        uint256 k;
        uint256 cols;
        uint256 rb;
        uint256 kb;
        uint256 cb;
        uint256 limbs;
        uint256 limbBits;
        uint256 signedBase;
        uint256 inverseCube;
    }

    /// @dev What (D) and (E) leave: s', the selection sum-check's point q and the zero-check's point z, the stream
    /// offsets of V~, I~ at s' and of H~, x~ at q, and H~ at z.
    struct Points {
        uint256[] s2;
        uint256[] q;
        uint256[] z;
        uint256 valuesAt;
        uint256 evalsAt;
        uint256 onehot;
    }

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        Shape memory g = _shape(r);
        if (input.length != g.limbs + 1 || g.limbs * g.limbBits > 255) revert TopkProgram(input.length, g.limbs);
        ClaimList.List memory out = ClaimList.create(input.length + 9);
        for (uint256 i; i < input.length; ++i) ClaimList.push(out, input[i].point, input[i].value);
        uint256[] memory rho = input[g.limbs].point;
        // (B) at ρ: x~ at (ρ_c ‖ ρ_r), V~ and I~ at (ρ_j ‖ ρ_r).
        uint256 at = ProofStream.absorbScalars(s, LABEL_DELTA, 3);
        if (IndexedMath.signedClaims(input, 0, g.limbs, g.limbBits) != _delta(g, rho, at)) revert TopkDeltaWrong();
        ProofStream.Claim memory count = _count(s, g);
        Points memory p;
        _select(s, g, p);
        _onehot(s, g, p);
        uint256[] memory onOut = IndexedMath.slice(rho, g.cb, g.kb + g.rb);
        ClaimList.push(out, _xPoint(g, rho), ProofStream.word(at, 0));
        ClaimList.push(out, p.q, ProofStream.word(p.evalsAt, 1));
        ClaimList.push(out, onOut, ProofStream.word(at, 1));
        ClaimList.push(out, p.s2, ProofStream.word(p.valuesAt, 0));
        ClaimList.push(out, onOut, ProofStream.word(at, 2));
        ClaimList.push(out, p.s2, ProofStream.word(p.valuesAt, 1));
        ClaimList.push(out, _hPoint(g, p), ProofStream.word(p.evalsAt, 0));
        ClaimList.push(out, p.z, p.onehot);
        ClaimList.push(out, count.point, count.value);
        return ClaimList.done(out);
    }

    /// @dev X's point at the arena point: ρ_c ‖ ρ_r.
    function _xPoint(Shape memory g, uint256[] memory rho) private pure returns (uint256[] memory) {
        return IndexedMath.join3(rho, 0, g.cb, rho, g.cb + g.kb, g.rb, rho, 0, 0);
    }

    /// @dev H's point after the selection sum-check: q_c ‖ s'_j ‖ q_r.
    function _hPoint(Shape memory g, Points memory p) private pure returns (uint256[] memory) {
        return IndexedMath.join3(p.q, 0, g.cb, p.s2, 0, g.kb, p.q, g.cb, g.rb);
    }

    function _shape(Program.Reader memory r) private pure returns (Shape memory g) {
        g.rows = Program.u32(r);
        g.k = Program.u32(r);
        g.cols = Program.u32(r);
        g.rb = Program.u8(r);
        g.kb = Program.u8(r);
        g.cb = Program.u8(r);
        g.limbs = Program.u8(r);
        g.limbBits = Program.u8(r);
        g.signedBase = Program.word(r);
        g.inverseCube = Program.word(r);
    }

    /// @dev δ·1_real~(ρ) = σN(x·1_k − V·1_n) − ramp_n·1_R·1_k + I·1_n − 1_R·1_k·1_n from the three words at `at`.
    function _delta(Shape memory g, uint256[] memory rho, uint256 at) private pure returns (uint256 v) {
        uint256 ir = Mle.prefixIndicator(g.rows, rho, g.cb + g.kb, g.rb);
        uint256 ij = Mle.prefixIndicator(g.k, rho, g.cb, g.kb);
        uint256 ic = Mle.prefixIndicator(g.cols, rho, 0, g.cb);
        uint256 irj = mulmod(ir, ij, R_MODULUS);
        v = Mle.sub(mulmod(ProofStream.word(at, 0), ij, R_MODULUS), mulmod(ProofStream.word(at, 1), ic, R_MODULUS));
        v = mulmod(g.signedBase, v, R_MODULUS);
        v = Mle.sub(v, mulmod(IndexedMath.ramp(g.cols, rho, 0, g.cb), irj, R_MODULUS));
        v = addmod(v, mulmod(ProofStream.word(at, 2), ic, R_MODULUS), R_MODULUS);
        v = Mle.sub(v, mulmod(irj, ic, R_MODULUS));
    }

    /// @dev (C): the claim on g at (½…, s) with value (n·1_R·1_k − ramp_k(s_j)·1_R)·2^−cb.
    function _count(ProofStream.Stream memory s, Shape memory g) private pure returns (ProofStream.Claim memory c) {
        uint256[] memory point = IndexedMath.challenges(s, LABEL_COUNT, g.kb + g.rb);
        uint256 ir = Mle.prefixIndicator(g.rows, point, g.kb, g.rb);
        uint256 sum = mulmod(g.cols, mulmod(ir, Mle.prefixIndicator(g.k, point, 0, g.kb), R_MODULUS), R_MODULUS);
        sum = Mle.sub(sum, mulmod(IndexedMath.ramp(g.k, point, 0, g.kb), ir, R_MODULUS));
        uint256[] memory half = IndexedMath.halves(g.cb);
        c.point = IndexedMath.join3(half, 0, g.cb, point, 0, g.kb + g.rb, point, 0, 0);
        c.value = mulmod(sum, g.inverseCube, R_MODULUS);
    }

    /// @dev (D): s', λ, V~ and I~ at s', the selection sum-check, H~ and x~ at its point q.
    function _select(ProofStream.Stream memory s, Shape memory g, Points memory p) private pure {
        p.s2 = IndexedMath.challenges(s, LABEL_SELECT, g.kb + g.rb);
        uint256 lambda = ProofStream.challenge(s, LABEL_SELECT);
        p.valuesAt = ProofStream.absorbScalars(s, LABEL_SELECT_VALUES, 2);
        // V + λ·I + λ²·1_real at s'.
        uint256 real = Mle.prefixIndicator(g.rows, p.s2, g.kb, g.rb);
        real = mulmod(real, Mle.prefixIndicator(g.k, p.s2, 0, g.kb), R_MODULUS);
        uint256 claim = mulmod(lambda, ProofStream.word(p.valuesAt, 1), R_MODULUS);
        claim = addmod(ProofStream.word(p.valuesAt, 0), claim, R_MODULUS);
        claim = addmod(claim, mulmod(mulmod(lambda, lambda, R_MODULUS), real, R_MODULUS), R_MODULUS);
        uint256 expected;
        (p.q, expected) = ProofStream.sumcheck(s, claim, g.cb + g.rb, DEGREE);
        p.evalsAt = ProofStream.absorbScalars(s, LABEL_SELECT_EVALS, 2);
        if (_selectFinal(g, p, lambda) != expected) revert TopkSelectWrong();
    }

    /// @dev eq(s'_r, q_r)·H~·(x~ + λ·c(q_c) + λ²) at the selection sum-check's point.
    function _selectFinal(Shape memory g, Points memory p, uint256 lambda) private pure returns (uint256) {
        uint256 w = mulmod(lambda, IndexedMath.fullRamp(p.q, 0, g.cb), R_MODULUS);
        w = addmod(ProofStream.word(p.evalsAt, 1), w, R_MODULUS);
        w = addmod(w, mulmod(lambda, lambda, R_MODULUS), R_MODULUS);
        uint256 lhs = IndexedMath.eqRange(p.s2, g.kb, p.q, g.cb, g.rb);
        lhs = mulmod(lhs, ProofStream.word(p.evalsAt, 0), R_MODULUS);
        return mulmod(lhs, w, R_MODULUS);
    }

    /// @dev (E): τ, μ, the zero-check, H~ at its point z.
    function _onehot(ProofStream.Stream memory s, Shape memory g, Points memory p) private pure {
        uint256 n = g.cb + g.kb + g.rb;
        uint256[] memory tau = IndexedMath.challenges(s, LABEL_ONEHOT, n);
        uint256 mu = ProofStream.challenge(s, LABEL_ONEHOT);
        (uint256[] memory z, uint256 expected) = ProofStream.sumcheck(s, 0, n, DEGREE);
        uint256 h = ProofStream.word(ProofStream.absorbScalars(s, LABEL_ONEHOT_EVAL, 1), 0);
        p.z = z;
        p.onehot = h;
        uint256 real = Mle.prefixIndicator(g.rows, z, g.cb + g.kb, g.rb);
        real = mulmod(real, Mle.prefixIndicator(g.k, z, g.cb, g.kb), R_MODULUS);
        real = mulmod(real, Mle.prefixIndicator(g.cols, z, 0, g.cb), R_MODULUS);
        uint256 weight = Mle.sub(addmod(1, mu, R_MODULUS), mulmod(mu, real, R_MODULUS));
        uint256 v = Mle.sub(mulmod(h, weight, R_MODULUS), mulmod(h, h, R_MODULUS));
        if (mulmod(Mle.eq(tau, z), v, R_MODULUS) != expected) revert TopkOnehotWrong();
    }
}
