// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "./BN254.sol";
import {Fr} from "./Fr.sol";
import {HyperKZG} from "./HyperKZG.sol";
import {Sumcheck} from "./Sumcheck.sol";
import {Transcript} from "./Transcript.sol";

/// @title BatchOpening — verifier of many opening claims reduced to one HyperKZG opening
/// @notice The twin of `verifyBatchOpening` (src/pcs/batch.ts); spec in docs/hyperkzg.md ("Batch opening" and
/// "Batch opening on-chain"). Claims i = 0..k−1 say f_{p(i)}~(z_i) = v_i; points are lifted to n = max n_i
/// variables by appending zeros and grouped by lifted point. After α: one group opens Σ α^i f_{p(i)} at the
/// point; several groups first run a degree-2 sum-check of Σ_x Σ_g eq(x, P_g)·F_g(x) = Σ α^i v_i and open
/// Σ α^i eq(ρ, P_{g(i)}) f_{p(i)} at its point ρ.
/// @dev Calldata (all uint256 words):
///   commitments  x_0, y_0, …, x_{m−1}, y_{m−1}              (2m words, m ≥ 1; infinity is (0, 0))
///   claims       per claim: p, n_i, z_{i,0}, …, z_{i,n_i−1}, v_i   (exactly the words the transcript absorbs)
///   proof        sum-check rounds (c_0, c_2) × n, only when there are several groups, then the 4ℓ + 3
///                HyperKZG words with ℓ = max(n, 1) — the words of `encodeBatchOpeningProof`.
/// Cost beyond HyperKZG.verify: one keccak per message, one keccak per claim point plus O(k·groups) hash
/// compares to group the claims, O(n) per group for eq(ρ, P_g), and one ecMul per distinct commitment whose
/// weight is not 0 or 1 (an ecAdd for weight 1, nothing for 0).
library BatchOpening {
    bytes32 internal constant LABEL_COMMITMENTS = "batch.commitments";
    bytes32 internal constant LABEL_CLAIMS = "batch.claims";
    bytes32 internal constant LABEL_ALPHA = "batch.alpha";

    /// @dev eq(x, P_g)·F_g(x) has degree 2 in each variable.
    uint256 private constant SUMCHECK_DEGREE = 2;
    /// @dev A HyperKZG proof over ℓ variables has 4ℓ + 3 words (HyperKZG.sol).
    uint256 private constant HYPERKZG_WORDS_PER_VAR = 4;
    uint256 private constant HYPERKZG_FIXED_WORDS = 3;
    /// @dev Words of a claim record besides its point: the polynomial index, n_i and the value.
    uint256 private constant CLAIM_FIXED_WORDS = 3;
    /// @dev Offset of the point within a claim record (after p and n_i).
    uint256 private constant CLAIM_POINT_OFFSET = 2;
    /// @dev The constant b of the curve y² = x³ + b.
    uint256 private constant CURVE_B = 3;

    /// @notice The commitment list is empty or not a whole number of (x, y) pairs.
    error BatchCommitmentsLength(uint256 length);
    /// @notice Commitment `index` is not a point of G1 (a coordinate ≥ p, or off the curve).
    error BatchCommitmentInvalid(uint256 index);
    /// @notice There are no claims.
    error BatchNoClaims();
    /// @notice Claim `claimIndex`, starting at word `offset`, runs past the end of the claim words.
    error BatchClaimTruncated(uint256 claimIndex, uint256 offset);
    /// @notice Claim `claimIndex` names polynomial `poly`, but there are only `numCommitments` commitments.
    error BatchClaimUnknownPolynomial(uint256 claimIndex, uint256 poly, uint256 numCommitments);
    /// @notice The proof does not hold the words the claims imply (see the layout above).
    error BatchOpeningProofSize(uint256 length, uint256 expected);

    /// @dev The parsed claims.
    struct Claims {
        /// Word offset of each claim record.
        uint256[] offsets;
        /// keccak256 of each claim's point without its trailing zeros: equal exactly when the lifted points
        /// are (barring a keccak collision, which the transcript's soundness already rules out).
        bytes32[] pointHashes;
        /// For each claim, the first claim with the same lifted point (its group's representative).
        uint256[] groupOf;
        /// Number of distinct lifted points.
        uint256 groups;
        /// n = max n_i.
        uint256 numVars;
    }

    /// @dev The single opening the claims reduce to, and where its HyperKZG words start in the proof.
    struct Reduction {
        uint256 cx;
        uint256 cy;
        uint256[] point;
        uint256 value;
        uint256 openingStart;
    }

    /// @notice Verifies every claim against the commitments (reverts if any is false or the input is malformed).
    /// @param state Transcript state before the batch opening (the prover's state when it proved).
    /// @param commitments The committed polynomials' G1 points, as words (layout above).
    /// @param claims The claim records (layout above).
    /// @param proof The sum-check words (several points only) then the HyperKZG words.
    /// @param inverseHint (β(1 − β)(1 + β))⁻¹ for the final opening's β (see HyperKZG.verify).
    /// @param vk The G2 half of the verifying key.
    /// @return next Transcript state after the batch opening.
    function verify(
        bytes32 state,
        uint256[] calldata commitments,
        uint256[] calldata claims,
        uint256[] calldata proof,
        uint256 inverseHint,
        HyperKZG.VerifierKey memory vk
    ) internal view returns (bytes32 next) {
        Reduction memory r;
        (next, r) = reduce(state, commitments, claims, proof);
        next = HyperKZG.verify(next, r.cx, r.cy, r.point, r.value, proof[r.openingStart:], inverseHint, vk);
    }

    /// @notice Everything before the final opening: absorbs commitments and claims, draws α, runs the sum-check
    /// when the lifted points differ, and forms the combined commitment, point and value.
    /// @return next Transcript state before the final opening.
    /// @return r The opening to check (with HyperKZG.verify on proof[r.openingStart:]).
    function reduce(bytes32 state, uint256[] calldata commitments, uint256[] calldata claims, uint256[] calldata proof)
        internal
        view
        returns (bytes32 next, Reduction memory r)
    {
        uint256 numCommitments = _checkCommitments(commitments);
        Claims memory c = _parseClaims(claims, numCommitments);
        _group(c);
        next = Transcript.absorbWords(state, LABEL_COMMITMENTS, commitments);
        // _parseClaims checked every claim word is canonical, as the transcript's scalars must be.
        next = Transcript.absorbWords(next, LABEL_CLAIMS, claims);
        uint256 alpha;
        (next, alpha) = Transcript.challenge(next, LABEL_ALPHA);

        // The final opening has ℓ = max(n, 1) variables (a 0-variable claim is opened at u = (0)).
        uint256 openingVars = c.numVars == 0 ? 1 : c.numVars;
        r.openingStart = c.groups > 1 ? SUMCHECK_DEGREE * c.numVars : 0;
        uint256 expected = r.openingStart + HYPERKZG_WORDS_PER_VAR * openingVars + HYPERKZG_FIXED_WORDS;
        if (proof.length != expected) revert BatchOpeningProofSize(proof.length, expected);

        uint256[] memory eqs;
        if (c.groups == 1) {
            // One point: open Σ α^i f_{p(i)} there, value Σ α^i v_i (claim 0 represents the only group).
            r.point = _liftedPoint(claims, c.offsets[0], openingVars);
            r.value = _claimedSum(claims, c, alpha);
        } else {
            (next, r.point, r.value) = Sumcheck.verify(
                next, _claimedSum(claims, c, alpha), c.numVars, SUMCHECK_DEGREE, proof[0:r.openingStart]
            );
            eqs = _groupEqs(claims, c, r.point);
        }
        (r.cx, r.cy) = BN254.linearCombination(commitments, _weights(claims, c, alpha, eqs, numCommitments));
    }

    /// @dev Checks the commitment words and returns their number m; each point must be (0, 0) or satisfy
    /// y² = x³ + 3 with coordinates < p (G1 has cofactor 1, so this is subgroup membership too).
    function _checkCommitments(uint256[] calldata commitments) private pure returns (uint256 m) {
        if (commitments.length == 0 || commitments.length % 2 != 0) {
            revert BatchCommitmentsLength(commitments.length);
        }
        m = commitments.length / 2;
        uint256 p = BN254.P;
        for (uint256 k; k < m; ++k) {
            uint256 x = commitments[2 * k];
            uint256 y = commitments[2 * k + 1];
            if (x == 0 && y == 0) continue;
            if (x >= p || y >= p || mulmod(y, y, p) != addmod(mulmod(mulmod(x, x, p), x, p), CURVE_B, p)) {
                revert BatchCommitmentInvalid(k);
            }
        }
    }

    /// @dev Walks the claim records (p, n_i, z_i, v_i), checking each fits and names a commitment, then records
    /// offsets, point hashes and n = max n_i, checking every point coordinate and value is canonical (p and
    /// n_i are bounded by the word count, so every claim word is then < r). Two passes: the first counts, the
    /// second fills the exactly-sized arrays.
    function _parseClaims(uint256[] calldata claims, uint256 numCommitments) private pure returns (Claims memory c) {
        uint256 len = claims.length;
        uint256 count;
        uint256 at;
        while (at < len) {
            if (len - at < CLAIM_FIXED_WORDS) revert BatchClaimTruncated(count, at);
            uint256 poly = claims[at];
            uint256 n = claims[at + 1];
            if (poly >= numCommitments) revert BatchClaimUnknownPolynomial(count, poly, numCommitments);
            if (n > len - at - CLAIM_FIXED_WORDS) revert BatchClaimTruncated(count, at);
            if (n > c.numVars) c.numVars = n;
            at += CLAIM_FIXED_WORDS + n;
            ++count;
        }
        if (count == 0) revert BatchNoClaims();
        c.offsets = new uint256[](count);
        c.pointHashes = new bytes32[](count);
        at = 0;
        for (uint256 i; i < count; ++i) {
            c.offsets[i] = at;
            c.pointHashes[i] = _checkAndHashPoint(claims, at);
            at += CLAIM_FIXED_WORDS + claims[at + 1];
        }
    }

    /// @dev Checks the point and value of the claim at `at` are canonical; returns keccak256 of the point's
    /// coordinates up to its last non-zero one.
    function _checkAndHashPoint(uint256[] calldata claims, uint256 at) private pure returns (bytes32 h) {
        uint256 R = Fr.R;
        uint256 n = claims[at + 1];
        uint256 start;
        assembly ("memory-safe") {
            start := add(claims.offset, shl(5, add(at, CLAIM_POINT_OFFSET)))
        }
        // Coordinates and value: n + 1 consecutive words (in bounds: _parseClaims checked the record fits).
        // One branch for all of them; only a failing claim pays for finding the word to name.
        bool allCanonical = true;
        assembly ("memory-safe") {
            for { let j := 0 } iszero(gt(j, n)) { j := add(j, 1) } {
                allCanonical := and(allCanonical, lt(calldataload(add(start, shl(5, j))), R))
            }
        }
        if (!allCanonical) {
            for (uint256 j; j <= n; ++j) {
                Fr.checked(claims[at + CLAIM_POINT_OFFSET + j]);
            }
        }
        assembly ("memory-safe") {
            let e := n
            for {} and(gt(e, 0), iszero(calldataload(add(start, shl(5, sub(e, 1)))))) {} { e := sub(e, 1) }
            // Scratch at the free-memory pointer (not advanced).
            let ptr := mload(0x40)
            calldatacopy(ptr, start, shl(5, e))
            h := keccak256(ptr, shl(5, e))
        }
    }

    /// @dev Groups the claims by lifted point, in order of first appearance (as src/pcs/batch.ts does).
    function _group(Claims memory c) private pure {
        uint256 k = c.offsets.length;
        c.groupOf = new uint256[](k);
        for (uint256 i; i < k; ++i) {
            uint256 g = i;
            bytes32 h = c.pointHashes[i];
            for (uint256 j; j < i; ++j) {
                if (c.groupOf[j] == j && c.pointHashes[j] == h) {
                    g = j;
                    break;
                }
            }
            c.groupOf[i] = g;
            if (g == i) ++c.groups;
        }
    }

    /// @dev The point of the claim at `offset`, zero-padded to `length` coordinates.
    function _liftedPoint(uint256[] calldata claims, uint256 offset, uint256 length)
        private
        pure
        returns (uint256[] memory point)
    {
        point = new uint256[](length);
        uint256 n = claims[offset + 1];
        for (uint256 j; j < n; ++j) {
            point[j] = claims[offset + CLAIM_POINT_OFFSET + j];
        }
    }

    /// @dev Σ α^i v_i.
    function _claimedSum(uint256[] calldata claims, Claims memory c, uint256 alpha)
        private
        pure
        returns (uint256 sum)
    {
        uint256 R = Fr.R;
        uint256 power = 1;
        for (uint256 i; i < c.offsets.length; ++i) {
            uint256 at = c.offsets[i];
            uint256 value = claims[at + CLAIM_POINT_OFFSET + claims[at + 1]];
            sum = addmod(sum, mulmod(power, value, R), R);
            power = mulmod(power, alpha, R);
        }
    }

    /// @dev eq(ρ, P_g) for every group, stored at its representative's index (other entries stay 0).
    function _groupEqs(uint256[] calldata claims, Claims memory c, uint256[] memory rho)
        private
        pure
        returns (uint256[] memory eqs)
    {
        uint256 k = c.offsets.length;
        eqs = new uint256[](k);
        for (uint256 i; i < k; ++i) {
            if (c.groupOf[i] == i) eqs[i] = _eqLifted(claims, c.offsets[i], rho);
        }
    }

    /// @dev eq(ρ, z ‖ 0…0) = Π_{j<n_i} (ρ_j z_j + (1 − ρ_j)(1 − z_j)) · Π_{j≥n_i} (1 − ρ_j).
    function _eqLifted(uint256[] calldata claims, uint256 offset, uint256[] memory rho)
        private
        pure
        returns (uint256 product)
    {
        uint256 R = Fr.R;
        uint256 n = claims[offset + 1];
        // Plain loads in assembly: n ≤ ρ.length and the record's bounds were checked by _parseClaims, so the
        // compiler's per-access bounds checks would only cost gas.
        assembly ("memory-safe") {
            let z := add(claims.offset, shl(5, add(offset, CLAIM_POINT_OFFSET)))
            let vars := mload(rho)
            product := 1
            for { let j := 0 } lt(j, vars) { j := add(j, 1) } {
                let r := mload(add(rho, shl(5, add(j, 1))))
                let factor := addmod(1, sub(R, r), R)
                if lt(j, n) {
                    let zj := calldataload(add(z, shl(5, j)))
                    factor := addmod(mulmod(r, zj, R), mulmod(factor, addmod(1, sub(R, zj), R), R), R)
                }
                product := mulmod(product, factor, R)
            }
        }
    }

    /// @dev Weight of each commitment in the combined one: Σ_{i: p(i)=p} α^i · eq(ρ, P_{g(i)}) (eq taken as 1
    /// when `eqs` is empty, i.e. one group).
    function _weights(
        uint256[] calldata claims,
        Claims memory c,
        uint256 alpha,
        uint256[] memory eqs,
        uint256 numCommitments
    ) private pure returns (uint256[] memory weights) {
        uint256 R = Fr.R;
        weights = new uint256[](numCommitments);
        uint256 power = 1;
        bool oneGroup = eqs.length == 0;
        for (uint256 i; i < c.offsets.length; ++i) {
            uint256 poly = claims[c.offsets[i]];
            uint256 term = oneGroup ? power : mulmod(power, eqs[c.groupOf[i]], R);
            weights[poly] = addmod(weights[poly], term, R);
            power = mulmod(power, alpha, R);
        }
    }
}
