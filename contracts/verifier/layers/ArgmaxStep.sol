// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title ArgmaxStep — the exact ArgMax of proved generation (handler `argmax`)
/// @notice Twin of `argmaxHandler.verify` and `verifyArgmax` (src/prover/graph/nodes/argmax.ts,
/// src/prover/layers/argmax.ts); spec in docs/gguf.md ("The argmax IOP"). X is [R, V] (column variables low).
///   absorb("argmax.claims", c) per claim on idx, absorb("argmax.arena", c) per limb column claim; ρ = n ×
///   challenge("argmax.point"); absorb("argmax.evals", [limbs…, y, idx]); X~(ρ) derived from the gap identity;
///   c = challenge("argmax.batch"), τ = n × challenge("argmax.tau"); a sum-check (degree 3) of
///   Σ_k c^k v_k + c^K·idx + c^(K+1)·y + c^(K+2)·1_real(ρ_t); absorb("argmax.final", [H, X]) and the check
///   F·H + c^(K+1)·eq(ρ_t, ρ′_t)·X·H + c^(K+4)·eq(τ, ρ′)·(H − H²) = final claim, F in closed form.
/// Claims in: the arena's claims on the gap's limb columns, then every claim on idx.
/// Claims out (the walk's order): the limb columns' claims (→ A), x at ρ and at ρ′, the limbs at ρ, H at ρ′.
/// Program: u8 n, u8 column variables, u8 limbs, u8 limb bits, u32 R, u32 V, word qmin, word 2^(−colVars).
library ArgmaxStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIMS = "argmax.claims";
    bytes32 internal constant LABEL_ARENA = "argmax.arena";
    bytes32 internal constant LABEL_POINT = "argmax.point";
    bytes32 internal constant LABEL_EVALS = "argmax.evals";
    bytes32 internal constant LABEL_BATCH = "argmax.batch";
    bytes32 internal constant LABEL_TAU = "argmax.tau";
    bytes32 internal constant LABEL_FINAL = "argmax.final";
    uint256 private constant DEGREE = 3;

    /// @notice The batched sum-check's final value does not match H and X.
    error ArgmaxCheckFailed();
    /// @notice The register does not hold the limb columns' claims (a generator bug).
    error ArgmaxClaims(uint256 count);

    /// @dev The step's constants and challenges.
    struct Params {
        uint256 n;
        uint256 colVars;
        uint256 limbs;
        uint256 limbBits;
        uint256 rows;
        uint256 vocab;
        uint256 qmin;
        uint256 scaleInverse;
        uint256[] rho;
        uint256[] powers;
        uint256[] tau;
        uint256 evals;
    }

    /// @notice Runs the step on the register; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        Params memory p;
        p.n = Program.u8(r);
        p.colVars = Program.u8(r);
        p.limbs = Program.u8(r);
        p.limbBits = Program.u8(r);
        p.rows = Program.u32(r);
        p.vocab = Program.u32(r);
        p.qmin = Program.word(r);
        p.scaleInverse = Program.word(r);
        if (input.length < p.limbs) revert ArgmaxClaims(input.length);
        uint256 k = input.length - p.limbs;
        for (uint256 i; i < k; ++i) ProofStream.absorbClaim(s, LABEL_CLAIMS, input[p.limbs + i]);
        for (uint256 j; j < p.limbs; ++j) ProofStream.absorbClaim(s, LABEL_ARENA, input[j]);
        p.rho = _challenges(s, LABEL_POINT, p.n);
        p.evals = ProofStream.absorbScalars(s, LABEL_EVALS, p.limbs + 2);
        uint256 xAtRho = _derivedX(p);
        uint256 c = ProofStream.challenge(s, LABEL_BATCH);
        p.tau = _challenges(s, LABEL_TAU, p.n);
        p.powers = new uint256[](k + 5);
        p.powers[0] = 1;
        for (uint256 i = 1; i < k + 5; ++i) p.powers[i] = mulmod(p.powers[i - 1], c, R_MODULUS);
        (uint256[] memory at, uint256 expected) = ProofStream.sumcheck(s, _batchClaim(p, input, k), p.n, DEGREE);
        uint256 fin = ProofStream.absorbScalars(s, LABEL_FINAL, 2);
        if (_final(p, input, k, at, fin) != expected) revert ArgmaxCheckFailed();
        ClaimList.List memory out = ClaimList.create(2 * p.limbs + 3);
        for (uint256 j; j < p.limbs; ++j) ClaimList.push(out, input[j].point, input[j].value);
        ClaimList.push(out, p.rho, xAtRho);
        ClaimList.push(out, at, ProofStream.word(fin, 1));
        for (uint256 j; j < p.limbs; ++j) ClaimList.push(out, p.rho, ProofStream.word(p.evals, j));
        ClaimList.push(out, at, ProofStream.word(fin, 0));
        return ClaimList.done(out);
    }

    function _challenges(ProofStream.Stream memory s, bytes32 label, uint256 n) private pure returns (uint256[] memory c) {
        c = new uint256[](n);
        for (uint256 j; j < n; ++j) c[j] = ProofStream.challenge(s, label);
    }

    /// @dev J~(p[0 … colVars)) = Σ_k 2^k·p_k.
    function _columnIndex(uint256[] memory point, uint256 colVars) private pure returns (uint256 acc) {
        for (uint256 j; j < colVars; ++j) acc = addmod(acc, mulmod(point[j], 1 << j, R_MODULUS), R_MODULUS);
    }

    /// @dev X~(ρ) = y − qmin·(1 − R~(ρ_j)) − (D~(ρ) − J~(ρ_j) + idx)·2^(−colVars), D~ from the limbs.
    function _derivedX(Params memory p) private pure returns (uint256) {
        uint256 gap;
        for (uint256 j; j < p.limbs; ++j) {
            gap = addmod(gap, mulmod(ProofStream.word(p.evals, j), 1 << (p.limbBits * j), R_MODULUS), R_MODULUS);
        }
        uint256 y = ProofStream.word(p.evals, p.limbs);
        uint256 idx = ProofStream.word(p.evals, p.limbs + 1);
        uint256 scaled = mulmod(
            addmod(Mle.sub(gap, _columnIndex(p.rho, p.colVars)), idx, R_MODULUS),
            p.scaleInverse,
            R_MODULUS
        );
        uint256 pad = mulmod(p.qmin, Mle.sub(1, Mle.prefixIndicator(p.vocab, p.rho, 0, p.colVars)), R_MODULUS);
        return Mle.sub(Mle.sub(y, pad), scaled);
    }

    /// @dev Σ_k c^k·v_k + c^K·idx + c^(K+1)·y + c^(K+2)·1_real(ρ_t).
    function _batchClaim(Params memory p, ProofStream.Claim[] memory input, uint256 k) private pure returns (uint256 sum) {
        for (uint256 i; i < k; ++i) {
            sum = addmod(sum, mulmod(p.powers[i], input[p.limbs + i].value, R_MODULUS), R_MODULUS);
        }
        sum = addmod(sum, mulmod(p.powers[k], ProofStream.word(p.evals, p.limbs + 1), R_MODULUS), R_MODULUS);
        sum = addmod(sum, mulmod(p.powers[k + 1], ProofStream.word(p.evals, p.limbs), R_MODULUS), R_MODULUS);
        uint256 real = Mle.prefixIndicator(p.rows, p.rho, p.colVars, p.n - p.colVars);
        sum = addmod(sum, mulmod(p.powers[k + 2], real, R_MODULUS), R_MODULUS);
    }

    /// @dev F·H + c^(K+1)·eq(ρ_t, ρ′_t)·X·H + c^(K+4)·eq(τ, ρ′)·(H − H²), [H, X] the words at `fin`.
    function _final(Params memory p, ProofStream.Claim[] memory input, uint256 k, uint256[] memory at, uint256 fin)
        private
        pure
        returns (uint256)
    {
        (uint256 f, uint256 eqRho) = _weightF(p, input, k, at);
        uint256 h = ProofStream.word(fin, 0);
        uint256 g = mulmod(mulmod(p.powers[k + 1], eqRho, R_MODULUS), ProofStream.word(fin, 1), R_MODULUS);
        uint256 boolean = mulmod(
            mulmod(p.powers[k + 4], Mle.eq(p.tau, at), R_MODULUS),
            Mle.sub(h, mulmod(h, h, R_MODULUS)),
            R_MODULUS
        );
        return addmod(mulmod(addmod(f, g, R_MODULUS), h, R_MODULUS), boolean, R_MODULUS);
    }

    /// @dev F(ρ′) = (c^K·eq(ρ_t, ρ′_t) + Σ_k c^k·eq(r_k, ρ′_t))·J~(ρ′_j) + c^(K+2)·eq(ρ_t, ρ′_t) + c^(K+3)·(1 −
    ///      R~(ρ′_j)),
    /// and eq(ρ_t, ρ′_t).
    function _weightF(Params memory p, ProofStream.Claim[] memory input, uint256 k, uint256[] memory at)
        private
        pure
        returns (uint256 f, uint256 eqRho)
    {
        uint256[] memory rhoT = new uint256[](p.n - p.colVars);
        for (uint256 j; j < rhoT.length; ++j) rhoT[j] = p.rho[p.colVars + j];
        eqRho = Mle.eqAt(rhoT, at, p.colVars);
        uint256 rowWeight = mulmod(p.powers[k], eqRho, R_MODULUS);
        for (uint256 i; i < k; ++i) {
            rowWeight = addmod(
                rowWeight,
                mulmod(p.powers[i], Mle.eqAt(input[p.limbs + i].point, at, p.colVars), R_MODULUS),
                R_MODULUS
            );
        }
        f = mulmod(rowWeight, _columnIndex(at, p.colVars), R_MODULUS);
        f = addmod(f, mulmod(p.powers[k + 2], eqRho, R_MODULUS), R_MODULUS);
        uint256 pad = Mle.sub(1, Mle.prefixIndicator(p.vocab, at, 0, p.colVars));
        f = addmod(f, mulmod(p.powers[k + 3], pad, R_MODULUS), R_MODULUS);
    }
}
