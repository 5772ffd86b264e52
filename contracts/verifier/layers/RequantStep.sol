// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimBook} from "./ClaimBook.sol";
import {Machine} from "./Machine.sol";
import {Mle} from "./Mle.sol";

/// @title RequantStep — one requantization of the whole-model proof
/// @notice Twin of `verifyRequantStep` (src/prover/graph/nodes/requant-step.ts) and `verifyRequant`
/// (src/prover/layers/requant.ts), spec in docs/prover.md ("Requantization"):
///   the arena's CLAMP column gives σ (an opening of A) and one more claim on y; the RANGE columns give the rem and
///   e limbs (openings of A; the scaled top limb must be 2^(L−τ) times the top limb); then every claim on y
///   (r_k, v_k) — collected ones, then the CLAMP one — is absorbed as ONE message "requant.claims",
///   c = challenge("requant.coeff"), a sum-check of 2^s·Σ_k c^k v_k over n rounds (degree 3, 2 without e limbs),
///   absorb("requant.evals", [acc, σ, rem…, e…]) and the check (limbs base 2^L)
///   (Σ_k c^k eq(r_k, ρ′))·(M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li) rem_i − 2^s·σ·Σ_j 2^(Lj) e_j)
///   = the final claim.
/// Out: the register holds the claim on acc at ρ′; σ, rem and e at ρ′ are openings of A.
/// Program: u16 y, u8 n, u8 degree, indicator factor (Broadcast format, over every axis), word M, word 2^s,
/// word 2^(s−1) (0 for s = 0), u8 limb bits L, u8 remLimbs, u8 eLimbs, u16 σ slot, u16 rem slots…,
/// u16 e slots…, u16 CLAMP column, u8 range columns, u16 each, u8 scaledTop, [word 2^(L−τ)].
library RequantStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIMS = "requant.claims";
    bytes32 internal constant LABEL_COEFF = "requant.coeff";
    bytes32 internal constant LABEL_EVALS = "requant.evals";

    /// @notice The scaled copy of rem's top limb is not 2^(L − τ) times the limb.
    error RequantScaledTopLimb();
    /// @notice The identity M·acc + 2^(s−1) = 2^s·(y + σ·e) + rem fails at the sum-check point.
    error RequantCheckFailed();

    /// @dev The step's constants.
    struct Params {
        uint256 y;
        uint256 numVars;
        uint256 degree;
        uint256 indicatorAt;
        uint256 multiplier;
        uint256 twoS;
        uint256 half;
        uint256[] remSlots;
        uint256[] eSlots;
        uint256 sigmaSlot;
        uint256 limbBits;
    }

    /// @notice Runs one requantization; the register ends holding the claim on acc.
    function run(Machine.State memory m) internal pure {
        Params memory p = _params(m.r);
        ProofStream.Claim[] memory claims = _collect(m, p);
        uint256 c = _absorbClaims(m.s, claims);
        uint256 target;
        uint256 power = 1;
        for (uint256 k; k < claims.length; ++k) {
            target = addmod(target, mulmod(power, claims[k].value, R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        (uint256[] memory rho, uint256 expected) =
            ProofStream.sumcheck(m.s, mulmod(p.twoS, target, R_MODULUS), p.numVars, p.degree);
        uint256 evals = ProofStream.absorbScalars(m.s, LABEL_EVALS, 2 + p.remSlots.length + p.eSlots.length);
        _check(m, p, claims, c, rho, evals, expected);
        _openEvals(m, p, rho, evals);
        ProofStream.Claim memory acc;
        acc.point = rho;
        acc.value = ProofStream.word(evals, 0);
        m.regs = Machine.single(acc);
    }

    /// @dev σ, rem and e at ρ′: openings of A.
    function _openEvals(Machine.State memory m, Params memory p, uint256[] memory rho, uint256 evals) private pure {
        ClaimBook.open(m.book, m.a, p.sigmaSlot, rho, ProofStream.word(evals, 1));
        uint256 nRem = p.remSlots.length;
        for (uint256 i; i < nRem; ++i) {
            ClaimBook.open(m.book, m.a, p.remSlots[i], rho, ProofStream.word(evals, 2 + i));
        }
        for (uint256 j; j < p.eSlots.length; ++j) {
            ClaimBook.open(m.book, m.a, p.eSlots[j], rho, ProofStream.word(evals, 2 + nRem + j));
        }
    }

    function _params(Program.Reader memory r) private pure returns (Params memory p) {
        p.y = Program.u16(r);
        p.numVars = Program.u8(r);
        p.degree = Program.u8(r);
        p.indicatorAt = r.ptr;
        // Skip the indicator's axes (u8 count, then 6 bytes per axis); it is evaluated after the sum-check.
        Program.skip(r, 6 * Program.u8(r));
        p.multiplier = Program.word(r);
        p.twoS = Program.word(r);
        p.half = Program.word(r);
        p.limbBits = Program.u8(r);
        p.remSlots = new uint256[](Program.u8(r));
        p.eSlots = new uint256[](Program.u8(r));
        p.sigmaSlot = Program.u16(r);
        for (uint256 i; i < p.remSlots.length; ++i) p.remSlots[i] = Program.u16(r);
        for (uint256 j; j < p.eSlots.length; ++j) p.eSlots[j] = Program.u16(r);
    }

    /// @dev The arena's claims on the step's columns (σ and the limbs → A), then every claim on y: the
    /// collected ones, then the CLAMP column's.
    function _collect(Machine.State memory m, Params memory p) private pure returns (ProofStream.Claim[] memory out) {
        uint256 clampColumn = Program.u16(m.r);
        ProofStream.Claim memory sigma = Machine.arenaColumn(m, clampColumn, 1);
        ClaimBook.open(m.book, m.a, p.sigmaSlot, sigma.point, sigma.value);
        uint256 ranges = Program.u8(m.r);
        if (ranges > 0) _rangeClaims(m, p, ranges);
        ProofStream.Claim[] memory taken = ClaimBook.take(m.book, p.y);
        out = new ProofStream.Claim[](taken.length + 1);
        for (uint256 k; k < taken.length; ++k) out[k] = taken[k];
        out[taken.length] = Machine.arenaColumn(m, clampColumn, 0);
    }

    /// @dev rem limbs, [the scaled top limb: checked], e limbs — each component 0 of a RANGE column, all at the
    /// first column's point.
    function _rangeClaims(Machine.State memory m, Params memory p, uint256 ranges) private pure {
        uint256[] memory values = new uint256[](ranges);
        uint256[] memory point;
        for (uint256 k; k < ranges; ++k) {
            ProofStream.Claim memory col = Machine.arenaColumn(m, Program.u16(m.r), 0);
            if (k == 0) point = col.point;
            values[k] = col.value;
        }
        uint256 nRem = p.remSlots.length;
        uint256 scaled = Program.u8(m.r);
        if (scaled != 0) {
            uint256 factor = Program.word(m.r);
            if (values[nRem] != mulmod(factor, values[nRem - 1], R_MODULUS)) revert RequantScaledTopLimb();
        }
        for (uint256 i; i < nRem; ++i) ClaimBook.open(m.book, m.a, p.remSlots[i], point, values[i]);
        for (uint256 j; j < p.eSlots.length; ++j) {
            ClaimBook.open(m.book, m.a, p.eSlots[j], point, values[nRem + scaled + j]);
        }
    }

    /// @dev "requant.claims": [r_k…, v_k] for every k in one message; then c.
    function _absorbClaims(ProofStream.Stream memory s, ProofStream.Claim[] memory claims)
        private
        pure
        returns (uint256)
    {
        uint256 words;
        for (uint256 k; k < claims.length; ++k) words += claims[k].point.length + 1;
        uint256[] memory msg_ = new uint256[](words);
        uint256 at;
        for (uint256 k; k < claims.length; ++k) {
            uint256[] memory pt = claims[k].point;
            for (uint256 j; j < pt.length; ++j) msg_[at++] = pt[j];
            msg_[at++] = claims[k].value;
        }
        ProofStream.absorbMemoryWords(s, LABEL_CLAIMS, msg_);
        return ProofStream.challenge(s, LABEL_COEFF);
    }

    function _check(
        Machine.State memory m,
        Params memory p,
        ProofStream.Claim[] memory claims,
        uint256 c,
        uint256[] memory rho,
        uint256 evals,
        uint256 expected
    ) private pure {
        uint256 weight;
        uint256 power = 1;
        for (uint256 k; k < claims.length; ++k) {
            weight = addmod(weight, mulmod(power, Mle.eq(claims[k].point, rho), R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        uint256 inner = mulmod(p.multiplier, ProofStream.word(evals, 0), R_MODULUS);
        if (p.half != 0) {
            Program.Reader memory ind = Program.Reader(p.indicatorAt, m.r.end);
            inner = addmod(inner, mulmod(p.half, Broadcast.factor(ind, rho), R_MODULUS), R_MODULUS);
        }
        inner = Mle.sub(inner, _limbTerms(p, evals));
        if (mulmod(weight, inner, R_MODULUS) != expected) revert RequantCheckFailed();
    }

    /// @dev Σ_i 2^(Li) rem_i + 2^s·σ·Σ_j 2^(Lj) e_j from the evaluation words.
    function _limbTerms(Params memory p, uint256 evals) private pure returns (uint256 sum) {
        uint256 nRem = p.remSlots.length;
        uint256 limb = 1;
        for (uint256 i; i < nRem; ++i) {
            sum = addmod(sum, mulmod(limb, ProofStream.word(evals, 2 + i), R_MODULUS), R_MODULUS);
            limb <<= p.limbBits;
        }
        uint256 eSum;
        limb = 1;
        for (uint256 j; j < p.eSlots.length; ++j) {
            eSum = addmod(eSum, mulmod(limb, ProofStream.word(evals, 2 + nRem + j), R_MODULUS), R_MODULUS);
            limb <<= p.limbBits;
        }
        uint256 sigmaE = mulmod(ProofStream.word(evals, 1), eSum, R_MODULUS);
        sum = addmod(sum, mulmod(p.twoS, sigmaE, R_MODULUS), R_MODULUS);
    }
}
