// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title NormStep — the two pieces of kind `norm` (LayerNormalization, InstanceNormalization) of its own
/// @notice Twins of the arena walk and of the variance / sums part of `normHandler.verify`
/// (src/prover/graph/nodes/norm.ts, src/prover/layers/norm.ts); spec in docs/prover.md ("Normalization (kind
/// norm)"). The step's requantizations (y, z, v), its channel-affine part and the weights' Reshape selectors
/// are the interpreter's own instructions between the two.
///
/// ARENA — claims in: the arena's claims (component 0) on every limb column (families u, f, f′, V, g, g′, low limb
///   first), then the RSQRT column's two components (v − 2^(b−1), r + RSQRT[2^(b−1)]·pad), all at the row point ρ.
///   No messages. Checks f′ = (2n − 1)·1 − f and g′ = (2n − 1)·1 − g (1 = 1_real(ρ)).
///   Claims out: every limb at ρ, r at ρ, v at ρ (for its requantization), then (ρ, Σq) and (ρ, Σc²) with
///   Σq = (2n·μ + f − n·1)/2, μ = u − 2^(b−1)·1, and Σc² = (2n·V + g − n·1)/2 (carried to the second piece).
///   Program: u8 limbs of u, of each remainder, of V; u8 limb bits; word n; word 2^(b−1); word RSQRT[2^(b−1)];
///   factor 1_real (Broadcast format over the row layout).
/// SUMS — claims in: (ρ, Σq), (ρ, Σc²) (carried), the claim on acc_z at ρ1 (the z requantization's), the claim on
///   acc_v at ρ′ (the v requantization's). V's limbs but the top one = absorb("norm.var", …); the top one from
///   acc_v~(ρ′) = V~(ρ′) − 2^(b−1+2t)·1(ρ′). Then absorb("norm.claims", [ρ1…, acc, ρ…, Σc², Σq]), λ =
///   challenge("norm.lambda"), a sum-check of acc + λ·Σc² + λ²·Σq over n rounds (degree 3), absorb("norm.evals",
///   [q, r, u limbs…]) and the check eq(ρ1, ρ2)·c·r + λ2^k·eq(½^k ‖ ρ, ρ2)·(c² + λ·q) = final claim, with
///   c = q − μ~(ρ2_row)·1_inner(ρ2_inner).
///   Claims out: V's limbs at ρ′; q at ρ2; r at ρ2_row; the u limbs at ρ2_row.
///   Program: u8 n, u8 k (inner variables), u8 limbs of u, of V, u8 limb bits, word 2^(b−1), word 2^(b−1+2t),
///   factor 1_real (row layout, on a row point), factor 1_inner (on x's point). (The sum-check's 2^k weights
///   cancel: eq(½^k ‖ ρ, ρ2) = 2^(−k)·eq(ρ, ρ2_row).)
library NormStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev 1/2 in Fr.
    uint256 private constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;
    bytes32 internal constant LABEL_VARIANCE = "norm.var";
    bytes32 internal constant LABEL_CLAIMS = "norm.claims";
    bytes32 internal constant LABEL_LAMBDA = "norm.lambda";
    bytes32 internal constant LABEL_EVALS = "norm.evals";
    uint256 private constant DEGREE = 3;

    /// @notice A remainder and its complement do not add up to 2n − 1 (`which` 0: the mean's, 1: the variance's).
    error NormRemainderBound(uint256 which);
    /// @notice The batched sum-check's final value does not match the evaluations.
    error NormSumsFailed();
    /// @notice The register does not hold the claims the piece needs (a generator bug).
    error NormClaims(uint256 count);

    /// @dev The arena piece's limb counts and constants.
    struct Limbs {
        uint256 mu;
        uint256 rem;
        uint256 variance;
        uint256 bits;
    }

    /// @notice The arena piece (see the notice).
    function arena(Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        Limbs memory lb = Limbs(Program.u8(r), Program.u8(r), Program.u8(r), Program.u8(r));
        uint256 columns = lb.mu + 4 * lb.rem + lb.variance;
        if (input.length != columns + 2) revert NormClaims(input.length);
        Row memory w;
        w.n = Program.word(r);
        w.muOffset = Program.word(r);
        uint256 rsqrtPad = Program.word(r);
        w.rho = input[columns].point;
        w.one = Broadcast.factor(r, w.rho);
        ClaimList.List memory out = ClaimList.create(columns + 4);
        for (uint256 i; i < columns; ++i) {
            if (input[i].point.length != w.rho.length) revert NormClaims(input.length);
            ClaimList.push(out, w.rho, input[i].value);
        }
        ClaimList.push(out, w.rho, Mle.sub(input[columns + 1].value, mulmod(rsqrtPad, Mle.sub(1, w.one), R_MODULUS)));
        ClaimList.push(out, w.rho, input[columns].value);
        _rowSums(input, lb, w, out);
        return ClaimList.done(out);
    }

    /// @dev The arena piece's row point and constants.
    struct Row {
        uint256[] rho;
        uint256 one;
        uint256 n;
        uint256 muOffset;
    }

    /// @dev The remainder bounds, then (ρ, Σq) and (ρ, Σc²). Families in order: u, f, f′, V, g, g′.
    function _rowSums(ProofStream.Claim[] memory input, Limbs memory lb, Row memory w, ClaimList.List memory out)
        private
        pure
    {
        uint256 f = _value(input, lb.mu, lb.rem, lb.bits);
        uint256 g = _value(input, lb.mu + 2 * lb.rem + lb.variance, lb.rem, lb.bits);
        uint256 twoN = addmod(w.n, w.n, R_MODULUS);
        uint256 bound = mulmod(twoN - 1, w.one, R_MODULUS);
        if (_value(input, lb.mu + lb.rem, lb.rem, lb.bits) != Mle.sub(bound, f)) revert NormRemainderBound(0);
        if (_value(input, lb.mu + 3 * lb.rem + lb.variance, lb.rem, lb.bits) != Mle.sub(bound, g)) revert NormRemainderBound(1);
        uint256 nOne = mulmod(w.n, w.one, R_MODULUS);
        uint256 mu = Mle.sub(_value(input, 0, lb.mu, lb.bits), mulmod(w.muOffset, w.one, R_MODULUS));
        ClaimList.push(
            out,
            w.rho,
            mulmod(Mle.sub(addmod(mulmod(twoN, mu, R_MODULUS), f, R_MODULUS), nOne), HALF, R_MODULUS)
        );
        uint256 variance = _value(input, lb.mu + 2 * lb.rem, lb.variance, lb.bits);
        ClaimList.push(
            out,
            w.rho,
            mulmod(Mle.sub(addmod(mulmod(twoN, variance, R_MODULUS), g, R_MODULUS), nOne), HALF, R_MODULUS)
        );
    }

    /// @dev Σ_j 2^(L·j)·v_j over the values of claims[from … from + count).
    function _value(ProofStream.Claim[] memory claims, uint256 from, uint256 count, uint256 bits)
        private
        pure
        returns (uint256 acc)
    {
        for (uint256 j; j < count; ++j) {
            acc = addmod(acc, mulmod(claims[from + j].value, 1 << (bits * j), R_MODULUS), R_MODULUS);
        }
    }

    /// @dev The sums piece's constants.
    struct Sums {
        uint256 n;
        uint256 k;
        uint256 muLimbs;
        uint256 varianceLimbs;
        uint256 bits;
        uint256 muOffset;
        uint256 varianceOffset;
        uint256 lambda;
        uint256 realAt;
    }

    /// @notice The sums piece (see the notice).
    function sums(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 4) revert NormClaims(input.length);
        Sums memory p;
        p.n = Program.u8(r);
        p.k = Program.u8(r);
        p.muLimbs = Program.u8(r);
        p.varianceLimbs = Program.u8(r);
        p.bits = Program.u8(r);
        p.muOffset = Program.word(r);
        p.varianceOffset = Program.word(r);
        // The real-row factor is evaluated twice (at ρ′ and at ρ2_row): remember where it starts, skip it.
        p.realAt = r.ptr;
        Program.skip(r, 6 * Program.u8(r));
        ClaimList.List memory out = ClaimList.create(p.varianceLimbs + 2 + p.muLimbs);
        _variance(s, p, Program.Reader(p.realAt, r.end), input[3], out);
        uint256[] memory rho = input[0].point;
        uint256[] memory words = new uint256[](input[2].point.length + 1 + rho.length + 1);
        uint256 at;
        for (uint256 j; j < input[2].point.length; ++j) words[at++] = input[2].point[j];
        words[at++] = input[2].value;
        for (uint256 j; j < rho.length; ++j) words[at++] = rho[j];
        words[at] = input[1].value;
        ProofStream.absorbMemory(s, LABEL_CLAIMS, words, input[0].value);
        p.lambda = ProofStream.challenge(s, LABEL_LAMBDA);
        uint256 claim = addmod(
            input[2].value,
            mulmod(p.lambda, addmod(input[1].value, mulmod(p.lambda, input[0].value, R_MODULUS), R_MODULUS), R_MODULUS),
            R_MODULUS
        );
        (uint256[] memory rho2, uint256 expected) = ProofStream.sumcheck(s, claim, p.n, DEGREE);
        uint256 evals = ProofStream.absorbScalars(s, LABEL_EVALS, 2 + p.muLimbs);
        uint256[] memory rowPoint = new uint256[](p.n - p.k);
        for (uint256 j; j < rowPoint.length; ++j) rowPoint[j] = rho2[p.k + j];
        if (_final(p, r, input, rho2, rowPoint, evals) != expected) revert NormSumsFailed();
        ClaimList.push(out, rho2, ProofStream.word(evals, 0));
        ClaimList.push(out, rowPoint, ProofStream.word(evals, 1));
        for (uint256 j; j < p.muLimbs; ++j) ClaimList.push(out, rowPoint, ProofStream.word(evals, 2 + j));
        return ClaimList.done(out);
    }

    /// @dev V's limbs at ρ′: the sent ones and the derived top one.
    function _variance(
        ProofStream.Stream memory s,
        Sums memory p,
        Program.Reader memory real,
        ProofStream.Claim memory acc,
        ClaimList.List memory out
    ) private pure {
        uint256 sent = p.varianceLimbs - 1;
        uint256 at = ProofStream.absorbScalars(s, LABEL_VARIANCE, sent);
        uint256 variance = addmod(
            acc.value,
            mulmod(p.varianceOffset, Broadcast.factor(real, acc.point), R_MODULUS),
            R_MODULUS
        );
        uint256 low;
        for (uint256 j; j < sent; ++j) {
            uint256 v = ProofStream.word(at, j);
            low = addmod(low, mulmod(v, 1 << (p.bits * j), R_MODULUS), R_MODULUS);
            ClaimList.push(out, acc.point, v);
        }
        // top = (V − low)/2^(L·sent): 2^(L·sent) < 2^256 is a power of two, inverted as (1/2)^(L·sent).
        uint256 inv = 1;
        for (uint256 j; j < p.bits * sent; ++j) inv = mulmod(inv, HALF, R_MODULUS);
        ClaimList.push(out, acc.point, mulmod(Mle.sub(variance, low), inv, R_MODULUS));
    }

    /// @dev eq(ρ1, ρ2)·c·r + λ2^k·eq(½^k ‖ ρ, ρ2)·(c² + λ·q), c = q − μ~(ρ2_row)·1_inner(ρ2_inner).
    function _final(
        Sums memory p,
        Program.Reader memory r,
        ProofStream.Claim[] memory input,
        uint256[] memory rho2,
        uint256[] memory rowPoint,
        uint256 evals
    ) private pure returns (uint256) {
        uint256 mu;
        for (uint256 j; j < p.muLimbs; ++j) {
            mu = addmod(mu, mulmod(ProofStream.word(evals, 2 + j), 1 << (p.bits * j), R_MODULUS), R_MODULUS);
        }
        mu = Mle.sub(mu, mulmod(p.muOffset, Broadcast.factor(Program.Reader(p.realAt, r.end), rowPoint), R_MODULUS));
        uint256 q = ProofStream.word(evals, 0);
        uint256 c = Mle.sub(q, mulmod(mu, Broadcast.factor(r, rho2), R_MODULUS));
        // eq(½^k ‖ ρ, ρ2) = Π_{j<k} (½ρ2_j + ½(1 − ρ2_j)) · eq(ρ, ρ2_row) = 2^(−k)·eq(ρ, ρ2_row): the 2^k cancels.
        uint256 rowEq = Mle.eq(input[0].point, rowPoint);
        uint256 grouped = mulmod(
            rowEq,
            addmod(mulmod(c, c, R_MODULUS), mulmod(p.lambda, q, R_MODULUS), R_MODULUS),
            R_MODULUS
        );
        uint256 first = mulmod(
            mulmod(Mle.eq(input[2].point, rho2), c, R_MODULUS),
            ProofStream.word(evals, 1),
            R_MODULUS
        );
        return addmod(first, mulmod(p.lambda, grouped, R_MODULUS), R_MODULUS);
    }
}
