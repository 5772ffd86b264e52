// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title RmsNormStep — the RMSNorm IOP of kind `rmsnorm` (after the step's requantization)
/// @notice Twin of `verifyRmsNorm` (src/prover/layers/rmsnorm.ts) as `rmsNormHandler.verify` runs it
/// (src/prover/graph/nodes/rmsnorm.ts); spec in docs/gguf.md ("LLM layers: RMSNorm"). X is [T, d] (column
/// variables low). On the claim on acc at ρ1:
///   absorb("rmsnorm.claim", claim); (1) sum-check of acc~(ρ1) over n rounds, degree 4, absorb("rmsnorm.product",
///   [x, r limbs…, g]), check eq(ρ1, ρ2)·x·r·g; τ = rowVars × challenge("rmsnorm.tau"), γ =
///   challenge("rmsnorm.gamma"); (2) sum-check of 0 over the row variables, degree 4, absorb("rmsnorm.root", [S,
///   r…, lo…, hi…]), check eq(τ, ρ3)·[r²S + lo − K·1 + γ·((r + 1)²S − (K + 1)·1 − hi)] with 1 = 1_real(ρ3);
///   (3) sum-check of S − ε·1 over n rounds, degree 3, absorb("rmsnorm.square", [x′]), check eq(ρ3, ρ4_row)·x′².
/// Claims out (the walk's order): x at ρ2, x at ρ4, g at ρ2_col, r limbs at ρ2_row, then r, lo, hi limbs at ρ3.
/// Program: u8 n, u8 column variables, u8 r limbs, u8 slack limbs, u8 limb bits, word K, word ε, u32 T.
library RmsNormStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIM = "rmsnorm.claim";
    bytes32 internal constant LABEL_PRODUCT = "rmsnorm.product";
    bytes32 internal constant LABEL_TAU = "rmsnorm.tau";
    bytes32 internal constant LABEL_GAMMA = "rmsnorm.gamma";
    bytes32 internal constant LABEL_ROOT = "rmsnorm.root";
    bytes32 internal constant LABEL_SQUARE = "rmsnorm.square";
    uint256 private constant PRODUCT_DEGREE = 4;
    uint256 private constant ROOT_DEGREE = 4;
    uint256 private constant SQUARE_DEGREE = 3;

    /// @notice Sum-check `which` (1 product, 2 root, 3 square) does not end in the evaluations sent.
    error RmsNormCheckFailed(uint256 which);
    /// @notice The register is not one claim on acc (a generator bug).
    error RmsNormClaims(uint256 count);

    /// @dev The constants.
    struct Params {
        uint256 n;
        uint256 colVars;
        uint256 rowVars;
        uint256 rLimbs;
        uint256 slackLimbs;
        uint256 limbBits;
        uint256 k;
        uint256 eps;
        uint256 rows;
    }

    /// @notice Runs the IOP on the register's claim on acc; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length != 1) revert RmsNormClaims(input.length);
        Params memory p;
        p.n = Program.u8(r);
        p.colVars = Program.u8(r);
        p.rowVars = p.n - p.colVars;
        p.rLimbs = Program.u8(r);
        p.slackLimbs = Program.u8(r);
        p.limbBits = Program.u8(r);
        p.k = Program.word(r);
        p.eps = Program.word(r);
        p.rows = Program.u32(r);
        ClaimList.List memory out = ClaimList.create(3 + 2 * p.rLimbs + 2 * p.slackLimbs);
        ProofStream.absorbClaim(s, LABEL_CLAIM, input[0]);
        (uint256[] memory rho2, uint256 product) = _product(s, p, input[0]);
        (uint256[] memory rho3, uint256 root) = _root(s, p);
        uint256 sumSq = Mle.sub(
            ProofStream.word(root, 0),
            mulmod(p.eps, Mle.prefixIndicator(p.rows, rho3, 0, p.rowVars), R_MODULUS)
        );
        (uint256[] memory rho4, uint256 expected) = ProofStream.sumcheck(s, sumSq, p.n, SQUARE_DEGREE);
        uint256 squareX = ProofStream.word(ProofStream.absorbScalars(s, LABEL_SQUARE, 1), 0);
        uint256 check = mulmod(Mle.eqAt(rho3, rho4, p.colVars), mulmod(squareX, squareX, R_MODULUS), R_MODULUS);
        if (check != expected) revert RmsNormCheckFailed(3);
        ClaimList.push(out, rho2, ProofStream.word(product, 0));
        ClaimList.push(out, rho4, squareX);
        ClaimList.push(out, _slice(rho2, 0, p.colVars), ProofStream.word(product, 1 + p.rLimbs));
        uint256[] memory rho2Row = _slice(rho2, p.colVars, p.n);
        for (uint256 j; j < p.rLimbs; ++j) ClaimList.push(out, rho2Row, ProofStream.word(product, 1 + j));
        for (uint256 j; j < p.rLimbs + 2 * p.slackLimbs; ++j) ClaimList.push(out, rho3, ProofStream.word(root, 1 + j));
        return ClaimList.done(out);
    }

    /// @dev (1): returns ρ2 and the calldata offset of [x, r limbs…, g].
    function _product(ProofStream.Stream memory s, Params memory p, ProofStream.Claim memory claim)
        private
        pure
        returns (uint256[] memory rho2, uint256 at)
    {
        uint256 expected;
        (rho2, expected) = ProofStream.sumcheck(s, claim.value, p.n, PRODUCT_DEGREE);
        at = ProofStream.absorbScalars(s, LABEL_PRODUCT, 2 + p.rLimbs);
        uint256 xr = mulmod(ProofStream.word(at, 0), _limbs(at, 1, p.rLimbs, p.limbBits), R_MODULUS);
        uint256 value = mulmod(
            mulmod(xr, ProofStream.word(at, 1 + p.rLimbs), R_MODULUS),
            Mle.eq(claim.point, rho2),
            R_MODULUS
        );
        if (value != expected) revert RmsNormCheckFailed(1);
    }

    /// @dev (2): returns ρ3 and the calldata offset of [S, r…, lo…, hi…].
    function _root(ProofStream.Stream memory s, Params memory p) private pure returns (uint256[] memory rho3, uint256 at) {
        uint256[] memory tau = new uint256[](p.rowVars);
        for (uint256 j; j < p.rowVars; ++j) tau[j] = ProofStream.challenge(s, LABEL_TAU);
        uint256 gamma = ProofStream.challenge(s, LABEL_GAMMA);
        uint256 expected;
        (rho3, expected) = ProofStream.sumcheck(s, 0, p.rowVars, ROOT_DEGREE);
        at = ProofStream.absorbScalars(s, LABEL_ROOT, 1 + p.rLimbs + 2 * p.slackLimbs);
        uint256 one = Mle.prefixIndicator(p.rows, rho3, 0, p.rowVars);
        uint256 value = mulmod(Mle.eq(tau, rho3), _rootBody(p, at, gamma, one), R_MODULUS);
        if (value != expected) revert RmsNormCheckFailed(2);
    }

    /// @dev r²S + lo − K·1 + γ·((r + 1)²S − (K + 1)·1 − hi) from the root evaluations at `at`.
    function _rootBody(Params memory p, uint256 at, uint256 gamma, uint256 one) private pure returns (uint256) {
        uint256 sValue = ProofStream.word(at, 0);
        uint256 rv = _limbs(at, 1, p.rLimbs, p.limbBits);
        uint256 kOne = mulmod(p.k, one, R_MODULUS);
        // first = r²S + lo − K·1
        uint256 first = addmod(
            mulmod(mulmod(rv, rv, R_MODULUS), sValue, R_MODULUS),
            _limbs(at, 1 + p.rLimbs, p.slackLimbs, p.limbBits),
            R_MODULUS
        );
        first = Mle.sub(first, kOne);
        // second = (r + 1)²S − K·1 − 1 − hi
        rv = addmod(rv, 1, R_MODULUS);
        uint256 second = Mle.sub(mulmod(mulmod(rv, rv, R_MODULUS), sValue, R_MODULUS), addmod(kOne, one, R_MODULUS));
        second = Mle.sub(second, _limbs(at, 1 + p.rLimbs + p.slackLimbs, p.slackLimbs, p.limbBits));
        return addmod(first, mulmod(gamma, second, R_MODULUS), R_MODULUS);
    }

    /// @dev Σ_j 2^(L·j)·w_{from + j} over calldata words at `at`.
    function _limbs(uint256 at, uint256 from, uint256 n, uint256 bits) private pure returns (uint256 acc) {
        for (uint256 j; j < n; ++j) {
            acc = addmod(acc, mulmod(ProofStream.word(at, from + j), 1 << (bits * j), R_MODULUS), R_MODULUS);
        }
    }

    function _slice(uint256[] memory p, uint256 from, uint256 to) private pure returns (uint256[] memory out) {
        out = new uint256[](to - from);
        for (uint256 j; j < out.length; ++j) out[j] = p[from + j];
    }
}
