// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";
import {RowReduce} from "./RowReduce.sol";

/// @title LogSoftmaxStep — one log-softmax / logsumexp node step, in two halves around its requantization
/// @notice Twin of `logSoftmaxHandler.verify` (src/prover/graph/nodes/log-softmax.ts); spec in docs/prover.md
/// ("Log-softmax"). The step's requantization y = requant(acc) runs between the halves as the interpreter's own
/// REQUANT instruction.
///
/// ARENA half — claims in: the arena's claims on the EXP column (d, e + EXP[0]·pad) at ρ, on the LOG column
///   (v, L + LOG[0]·pad_row) at the row point ρ_r, on f and on f′ (at ρ_r). m, S = absorb("log-softmax.arena",
///   2 scalars); checks S + h·1_real(ρ_r) = 2^k·v + f and f′ = (2^k − 1)·1_real(ρ_r) − f.
///   Claims out: e at ρ; x at ρ (d + m·1_row); v, L, f, f′, S at ρ_r; then m at ρ_row and S at ρ_r (carried to
///   the second half).
///   Program: u8 k, word EXP[0], word LOG[0], gather ρ → ρ_row, factor 1_row, factor 1_real (x's layout), factor
///   1_real (the row layout).
/// REST half — claims in: the arena's claims on the CLAMP column (2 components), then m at ρ_row and S at ρ_r
///   (carried), and the claim on acc at ρ′ (REQUANT's). LogSoftmax: m, L = absorb("log-softmax.acc", 2 scalars), x at
/// ρ′
///   = (acc + 2^s·L·1_row)/M + m·1_row, L at ρ′_row; logsumexp: m = absorb("log-softmax.acc", 1 scalar), L at ρ′ =
///   (acc − M·m)/2^s. Then the row sum S → e and the row max on [m at ρ_row, m at ρ′_row].
///   Claims out: [x,] L; e; RowReduce.max's (x, m, m, m, s, s).
///   Program: u8 reduce, word M, word M⁻¹ (LogSoftmax) or 2^−s (logsumexp), word 2^s, [gather ρ′ → ρ′_row,
///   factor 1_row (LogSoftmax only)], the row sum's selector, the row max's parameters.
library LogSoftmaxStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_ARENA = "log-softmax.arena";
    bytes32 internal constant LABEL_ACC = "log-softmax.acc";
    /// @dev Register claims of each half and claims handed on by the first.
    uint256 private constant ARENA_IN = 6;
    uint256 private constant ARENA_OUT = 9;
    uint256 private constant REST_IN = 5;
    /// @dev Claims handed on by the second half: [x,] L, e, then the row max's 6.
    uint256 private constant REST_OUT = 9;

    /// @notice S + h·1_real ≠ 2^k·v + f at the arena's row point.
    error LogSoftmaxSumShift();
    /// @notice f′ ≠ (2^k − 1)·1_real − f at the arena's row point.
    error LogSoftmaxRemainderBound();
    /// @notice The register does not hold the claims the half needs (a generator bug).
    error LogSoftmaxClaims(uint256 count);

    /// @dev The arena half's indicators at its two points.
    struct Arena {
        uint256[] rho;
        uint256[] rhoRow;
        uint256 rowInd;
        uint256 real;
        uint256[] rr;
        uint256 realRow;
    }

    /// @notice The first half: the arena walk.
    function arena(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != ARENA_IN) revert LogSoftmaxClaims(input.length);
        uint256 at = ProofStream.absorbScalars(s, LABEL_ARENA, 2);
        uint256 mValue = ProofStream.word(at, 0);
        uint256 sValue = ProofStream.word(at, 1);
        uint256 k = Program.u8(r);
        uint256 expOne = Program.word(r);
        uint256 logZero = Program.word(r);
        Arena memory g;
        g.rho = input[0].point;
        g.rhoRow = Program.gather(r, g.rho);
        g.rowInd = Broadcast.factor(r, g.rho);
        g.real = Broadcast.factor(r, g.rho);
        g.rr = input[2].point;
        if (input[4].point.length != g.rr.length || input[5].point.length != g.rr.length) revert LogSoftmaxClaims(input.length);
        g.realRow = Broadcast.factor(r, g.rr);
        _checkRemainder(k, sValue, input[2].value, input[4].value, input[5].value, g.realRow);
        ClaimList.List memory out = ClaimList.create(ARENA_OUT);
        ClaimList.push(out, g.rho, Mle.sub(input[1].value, mulmod(expOne, Mle.sub(1, g.real), R_MODULUS)));
        ClaimList.push(out, g.rho, addmod(input[0].value, mulmod(mValue, g.rowInd, R_MODULUS), R_MODULUS));
        ClaimList.push(out, g.rr, input[2].value);
        ClaimList.push(out, g.rr, Mle.sub(input[3].value, mulmod(logZero, Mle.sub(1, g.realRow), R_MODULUS)));
        ClaimList.push(out, g.rr, input[4].value);
        ClaimList.push(out, g.rr, input[5].value);
        ClaimList.push(out, g.rr, sValue);
        ClaimList.push(out, g.rhoRow, mValue);
        ClaimList.push(out, g.rr, sValue);
        return ClaimList.done(out);
    }

    /// @dev v = floor((S + h)/2^k) with remainder f ∈ [0, 2^k): both relations at ρ_r.
    function _checkRemainder(uint256 k, uint256 sValue, uint256 v, uint256 f, uint256 fc, uint256 realRow)
        private
        pure
    {
        uint256 h = k == 0 ? 0 : 1 << (k - 1);
        uint256 lhs = addmod(sValue, mulmod(h, realRow, R_MODULUS), R_MODULUS);
        if (lhs != addmod(mulmod(1 << k, v, R_MODULUS), f, R_MODULUS)) revert LogSoftmaxSumShift();
        if (fc != Mle.sub(mulmod((1 << k) - 1, realRow, R_MODULUS), f)) revert LogSoftmaxRemainderBound();
    }

    /// @notice The second half: the accumulator's claim, the row sum and the row max.
    function rest(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != REST_IN) revert LogSoftmaxClaims(input.length);
        bool reduce = Program.u8(r) != 0;
        ClaimList.List memory out = ClaimList.create(REST_OUT);
        ProofStream.Claim memory acc = input[4];
        ProofStream.Claim[] memory onM = new ProofStream.Claim[](2);
        onM[0] = input[2];
        onM[1] = reduce ? _accReduce(s, r, acc, out) : _accRows(s, r, acc, out);
        ProofStream.Claim memory e = RowReduce.sum(s, r, input[3]);
        ClaimList.push(out, e.point, e.value);
        RowReduce.max(s, r, onM, input[0], input[1].value, out);
        return ClaimList.done(out);
    }

    /// @dev LogSoftmax: acc~(ρ′) = M·(q~(ρ′) − m·1_row) − 2^s·L·1_row gives the claim on x; L at ρ′_row. Returns
    /// the claim on m at ρ′_row.
    function _accRows(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim memory acc,
        ClaimList.List memory out
    ) private pure returns (ProofStream.Claim memory mClaim) {
        uint256 at = ProofStream.absorbScalars(s, LABEL_ACC, 2);
        Program.word(r); // M: only the logsumexp form needs it
        uint256 mInverse = Program.word(r);
        uint256 scale = Program.word(r);
        uint256[] memory row = Program.gather(r, acc.point);
        uint256 ind = Broadcast.factor(r, acc.point);
        uint256 m = ProofStream.word(at, 0);
        uint256 logValue = ProofStream.word(at, 1);
        uint256 scaledLog = mulmod(mulmod(scale, logValue, R_MODULUS), ind, R_MODULUS);
        uint256 d = mulmod(addmod(acc.value, scaledLog, R_MODULUS), mInverse, R_MODULUS);
        ClaimList.push(out, acc.point, addmod(d, mulmod(m, ind, R_MODULUS), R_MODULUS));
        ClaimList.push(out, row, logValue);
        mClaim = ProofStream.Claim(row, m);
    }

    /// @dev logsumexp: acc~(ρ′) = M·m + 2^s·L, so L at ρ′ is derived. Returns the claim on m at ρ′.
    function _accReduce(
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim memory acc,
        ClaimList.List memory out
    ) private pure returns (ProofStream.Claim memory mClaim) {
        uint256 m = ProofStream.word(ProofStream.absorbScalars(s, LABEL_ACC, 1), 0);
        uint256 multiplier = Program.word(r);
        uint256 scaleInverse = Program.word(r);
        Program.word(r); // 2^s: only the LogSoftmax form needs it
        ClaimList.push(
            out,
            acc.point,
            mulmod(Mle.sub(acc.value, mulmod(multiplier, m, R_MODULUS)), scaleInverse, R_MODULUS)
        );
        mClaim = ProofStream.Claim(acc.point, m);
    }
}
