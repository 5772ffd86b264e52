// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title CausalMaskStep — the mask reduction of kind `causal-softmax` (after its inner softmax step)
/// @notice Twin of the second half of `causalSoftmaxHandler.verify` (src/prover/graph/nodes/causal-softmax.ts);
/// spec in docs/gguf.md ("LLM layers: causal softmax"). The inner softmax step's claims on the masked input q*
/// [H, T, T] (k claims (ρ_k, v_k)) are batched and reduced to the scores s and the row max m:
///   absorb("causal.batch", [ρ_1…, v_1, ρ_2…, v_2, …]) as one message; c = challenge("causal.batch");
///   a sum-check of Σ_k c^k·(v_k + G·U~(ρ_k)) over n rounds, degree 3; absorb("causal.eval", [s, m]);
///   the check (Σ_k c^k·eq(ρ_k, ρ′))·(s·M~(ρ′) + m·U~(ρ′)) = final claim, M = [real ∧ j ≤ i], U = real − M.
/// Claims out: s at ρ′, m at ρ′_row (the (i, h) bits of ρ′).
/// Program: u8 n, word G = 2^b − 1, u32 H, u32 T, u8 bits of the T axes, u8 bits of the H axis.
library CausalMaskStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_BATCH = "causal.batch";
    bytes32 internal constant LABEL_EVAL = "causal.eval";
    uint256 private constant DEGREE = 3;

    /// @notice The sum-check's final value does not match the evaluations.
    error CausalCheckFailed();
    /// @notice The register holds no claim on the masked input (a generator bug).
    error CausalClaims(uint256 count);

    /// @dev The mask's shape: H heads of T × T, the T axes with `tBits` variables each.
    struct Shape {
        uint256 heads;
        uint256 t;
        uint256 tBits;
        uint256 hBits;
    }

    /// @notice Runs the reduction on the register's claims on q*; returns the claims on s and m.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length == 0) revert CausalClaims(0);
        uint256 n = Program.u8(r);
        uint256 gap = Program.word(r);
        Shape memory sh = Shape(Program.u32(r), Program.u32(r), Program.u8(r), Program.u8(r));
        uint256 c = _batch(s, input);
        uint256 target;
        uint256 power = 1;
        for (uint256 k; k < input.length; ++k) {
            (, uint256 u) = _masks(sh, input[k].point);
            target = addmod(
                target,
                mulmod(power, addmod(input[k].value, mulmod(gap, u, R_MODULUS), R_MODULUS), R_MODULUS),
                R_MODULUS
            );
            power = mulmod(power, c, R_MODULUS);
        }
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, target, n, DEGREE);
        uint256 at = ProofStream.absorbScalars(s, LABEL_EVAL, 2);
        uint256 weight;
        power = 1;
        for (uint256 k; k < input.length; ++k) {
            weight = addmod(weight, mulmod(power, Mle.eq(input[k].point, rho), R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        (uint256 mMask, uint256 uMask) = _masks(sh, rho);
        uint256 inner = addmod(
            mulmod(ProofStream.word(at, 0), mMask, R_MODULUS),
            mulmod(ProofStream.word(at, 1), uMask, R_MODULUS),
            R_MODULUS
        );
        if (mulmod(weight, inner, R_MODULUS) != expected) revert CausalCheckFailed();
        uint256[] memory row = new uint256[](n - sh.tBits);
        for (uint256 j; j < row.length; ++j) row[j] = rho[sh.tBits + j];
        ClaimList.List memory out = ClaimList.create(2);
        ClaimList.push(out, rho, ProofStream.word(at, 0));
        ClaimList.push(out, row, ProofStream.word(at, 1));
        return ClaimList.done(out);
    }

    /// @dev absorb("causal.batch", every claim's point and value in one message); c = challenge("causal.batch").
    function _batch(ProofStream.Stream memory s, ProofStream.Claim[] memory claims) private pure returns (uint256) {
        uint256 words;
        for (uint256 k; k < claims.length; ++k) words += claims[k].point.length + 1;
        uint256[] memory msg_ = new uint256[](words);
        uint256 at;
        for (uint256 k; k < claims.length; ++k) {
            uint256[] memory pt = claims[k].point;
            for (uint256 j; j < pt.length; ++j) msg_[at++] = pt[j];
            msg_[at++] = claims[k].value;
        }
        ProofStream.absorbMemoryWords(s, LABEL_BATCH, msg_);
        return ProofStream.challenge(s, LABEL_BATCH);
    }

    /// @dev M~ and U~ at a point (ρ_j ‖ ρ_i ‖ ρ_h) of [H, T, T]: M = Σ_{i<T} eq(ρ_i, i)·1[j ≤ i](ρ_j)·1_real(ρ_h),
    /// U = 1_real − M. O(T·log T).
    function _masks(Shape memory sh, uint256[] memory p) private pure returns (uint256 m, uint256 u) {
        uint256[] memory eqI = Mle.eqTable(p, sh.tBits, sh.tBits);
        uint256 tri;
        for (uint256 i; i < sh.t; ++i) {
            tri = addmod(tri, mulmod(eqI[i], Mle.prefixIndicator(i + 1, p, 0, sh.tBits), R_MODULUS), R_MODULUS);
        }
        uint256 head = Mle.prefixIndicator(sh.heads, p, 2 * sh.tBits, sh.hBits);
        m = mulmod(head, tri, R_MODULUS);
        uint256 real = mulmod(
            head,
            mulmod(Mle.prefixIndicator(sh.t, p, sh.tBits, sh.tBits), Mle.prefixIndicator(sh.t, p, 0, sh.tBits), R_MODULUS),
            R_MODULUS
        );
        u = Mle.sub(real, m);
    }
}
