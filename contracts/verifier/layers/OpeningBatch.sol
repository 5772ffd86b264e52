// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../BN254.sol";
import {HyperKZG} from "../HyperKZG.sol";
import {ProofStream} from "./ProofStream.sol";
import {Mle} from "./Mle.sol";

/// @title OpeningBatch — the whole proof's batch opening, its claims built in memory by the verifier
/// @notice The protocol of `BatchOpening.sol` / `verifyBatchOpening` (src/pcs/batch.ts, docs/hyperkzg.md) for
/// claims the verifier derived itself (so they live in memory, not calldata) and messages read from the proof
/// stream: absorb "batch.commitments" (every x, y), absorb "batch.claims" (records p, n_i, z_i…, v_i), α; one
/// lifted point: open Σ α^i f_{p(i)} there; several: a degree-2 sum-check over n = max n_i rounds (from the
/// stream), then open Σ α^i eq(ρ, P_{g(i)}) f_{p(i)} at ρ. The HyperKZG words follow in the stream (4ℓ + 3,
/// ℓ = max(n, 1)); the inverse (β(1 − β)(1 + β))⁻¹ is computed here with one modexp (it is not sent).
library OpeningBatch {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_COMMITMENTS = "batch.commitments";
    bytes32 internal constant LABEL_CLAIMS = "batch.claims";
    bytes32 internal constant LABEL_ALPHA = "batch.alpha";
    uint256 private constant SUMCHECK_DEGREE = 2;
    uint256 private constant HYPERKZG_WORDS_PER_VAR = 4;
    uint256 private constant HYPERKZG_FIXED_WORDS = 3;
    /// @dev Words of a record besides its point: p, n_i, v_i; the point starts after p and n_i.
    uint256 private constant RECORD_FIXED_WORDS = 3;
    uint256 private constant RECORD_POINT_OFFSET = 2;

    /// @notice There are no opening claims.
    error OpeningNoClaims();
    /// @notice β is 0, 1 or −1 (probability 3/r).
    error OpeningDegenerateChallenge();

    /// @dev The parsed records.
    struct Parsed {
        uint256[] offsets;
        bytes32[] hashes;
        uint256[] groupOf;
        uint256 groups;
        uint256 numVars;
    }

    /// @notice Verifies every record against the commitments (words x_0, y_0, …), reading the proof from `s`.
    /// @param records Exactly `count` records (p, n_i, z_i…, v_i) of canonical words, p < commitments.
    function verify(
        ProofStream.Stream memory s,
        uint256[] memory commitments,
        uint256[] memory records,
        uint256 count,
        HyperKZG.VerifierKey memory vk
    ) internal view {
        if (count == 0) revert OpeningNoClaims();
        Parsed memory c = _parse(records, count);
        ProofStream.absorbMemoryWords(s, LABEL_COMMITMENTS, commitments);
        _absorbRecords(s, records, c);
        uint256 alpha = ProofStream.challenge(s, LABEL_ALPHA);
        (uint256[] memory point, uint256 value, uint256[] memory weights) =
            _reduce(s, records, c, alpha, commitments.length / 2);
        (uint256 cx, uint256 cy) = _combine(commitments, weights);
        _open(s, cx, cy, point, value, vk);
    }

    /// @dev The point and value of the final opening and every commitment's weight in it.
    function _reduce(
        ProofStream.Stream memory s,
        uint256[] memory records,
        Parsed memory c,
        uint256 alpha,
        uint256 polys
    )
        private
        pure
        returns (uint256[] memory point, uint256 value, uint256[] memory weights)
    {
        value = _claimedSum(records, c, alpha);
        uint256[] memory eqs;
        if (c.groups == 1) {
            point = _lifted(records, c.offsets[0], c.numVars == 0 ? 1 : c.numVars);
        } else {
            (point, value) = ProofStream.sumcheck(s, value, c.numVars, SUMCHECK_DEGREE);
            eqs = _groupEqs(records, c, point);
        }
        weights = _weights(records, c, alpha, eqs, polys);
    }

    /// @dev The final HyperKZG opening: its words from the stream, the inverse hint computed by replaying the
    /// transcript up to β (the same absorbs HyperKZG.verify makes).
    function _open(
        ProofStream.Stream memory s,
        uint256 cx,
        uint256 cy,
        uint256[] memory point,
        uint256 value,
        HyperKZG.VerifierKey memory vk
    ) private view {
        uint256 l = point.length;
        uint256 words = HYPERKZG_WORDS_PER_VAR * l + HYPERKZG_FIXED_WORDS;
        uint256 at = ProofStream.take(s, words);
        uint256[] calldata proof;
        assembly ("memory-safe") {
            proof.offset := at
            proof.length := words
        }
        uint256 hint = _inverseHint(s.state, cx, cy, point, value, at, 2 * (l - 1));
        s.state = HyperKZG.verify(s.state, cx, cy, point, value, proof, hint, vk);
    }

    function _inverseHint(
        bytes32 state,
        uint256 cx,
        uint256 cy,
        uint256[] memory point,
        uint256 value,
        uint256 foldsAt,
        uint256 foldWords
    ) private view returns (uint256) {
        ProofStream.Stream memory t;
        t.state = state;
        // HyperKZG.verify's first absorbs: C, (u ‖ v), the folds; then β.
        uint256[] memory c = new uint256[](2);
        c[0] = cx;
        c[1] = cy;
        ProofStream.absorbMemoryWords(t, HyperKZG.LABEL_CLAIM, c);
        ProofStream.absorbMemory(t, HyperKZG.LABEL_CLAIM, point, value);
        if (foldWords > 0) ProofStream.absorbWords(t, HyperKZG.LABEL_FOLDS, foldsAt, foldWords);
        uint256 beta = ProofStream.challenge(t, HyperKZG.LABEL_BETA);
        uint256 d = mulmod(mulmod(beta, Mle.sub(1, beta), R_MODULUS), addmod(1, beta, R_MODULUS), R_MODULUS);
        if (d == 0) revert OpeningDegenerateChallenge();
        return Mle.inverse(d);
    }

    /// @dev Record offsets, point hashes (trailing zeros trimmed: equal exactly when the lifted points are) and
    /// n = max n_i; then the groups in order of first appearance, found through an open-addressing hash table
    /// keyed by the point hash (O(k) instead of comparing every pair).
    function _parse(uint256[] memory records, uint256 count) private pure returns (Parsed memory c) {
        c.offsets = new uint256[](count);
        c.hashes = new bytes32[](count);
        c.groupOf = new uint256[](count);
        uint256 size = 1;
        while (size < 2 * count) size <<= 1;
        // Slot = 1 + index of the group's representative; 0 = empty.
        uint256[] memory table = new uint256[](size);
        uint256 groups;
        uint256 numVars;
        uint256[] memory offsets = c.offsets;
        bytes32[] memory hashes = c.hashes;
        uint256[] memory groupOf = c.groupOf;
        assembly ("memory-safe") {
            let base := add(records, 0x20)
            let slots := add(table, 0x20)
            let mask := sub(size, 1)
            let at := 0
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(add(offsets, shl(5, add(i, 1))), at)
                let n := mload(add(base, shl(5, add(at, 1))))
                if gt(n, numVars) { numVars := n }
                let pt := add(base, shl(5, add(at, RECORD_POINT_OFFSET)))
                let e := n
                for {} and(gt(e, 0), iszero(mload(add(pt, shl(5, sub(e, 1)))))) {} { e := sub(e, 1) }
                let h := keccak256(pt, shl(5, e))
                mstore(add(hashes, shl(5, add(i, 1))), h)
                let g := i
                for { let k := and(h, mask) } 1 { k := and(add(k, 1), mask) } {
                    let entry := mload(add(slots, shl(5, k)))
                    if iszero(entry) {
                        mstore(add(slots, shl(5, k)), add(i, 1))
                        groups := add(groups, 1)
                        break
                    }
                    if eq(mload(add(hashes, shl(5, entry))), h) {
                        g := sub(entry, 1)
                        break
                    }
                }
                mstore(add(groupOf, shl(5, add(i, 1))), g)
                at := add(at, add(RECORD_FIXED_WORDS, n))
            }
        }
        c.groups = groups;
        c.numVars = numVars;
    }

    /// @dev "batch.claims": every record word in one message.
    function _absorbRecords(ProofStream.Stream memory s, uint256[] memory records, Parsed memory c) private pure {
        uint256 last = c.offsets[c.offsets.length - 1];
        uint256 words = last + RECORD_FIXED_WORDS + records[last + 1];
        bytes32 state = s.state;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), LABEL_CLAIMS)
            mcopy(add(ptr, 0x40), add(records, 0x20), shl(5, words))
            state := keccak256(ptr, add(0x40, shl(5, words)))
        }
        s.state = state;
    }

    function _lifted(uint256[] memory records, uint256 at, uint256 length) private pure returns (uint256[] memory p) {
        p = new uint256[](length);
        uint256 n = records[at + 1];
        for (uint256 j; j < n; ++j) p[j] = records[at + RECORD_POINT_OFFSET + j];
    }

    /// @dev Σ α^i v_i.
    function _claimedSum(uint256[] memory records, Parsed memory c, uint256 alpha) private pure returns (uint256 sum) {
        uint256[] memory offsets = c.offsets;
        assembly ("memory-safe") {
            let base := add(records, 0x20)
            let power := 1
            let count := mload(offsets)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let at := mload(add(offsets, shl(5, add(i, 1))))
                let n := mload(add(base, shl(5, add(at, 1))))
                let v := mload(add(base, shl(5, add(add(at, RECORD_POINT_OFFSET), n))))
                sum := addmod(sum, mulmod(power, v, R_MODULUS), R_MODULUS)
                power := mulmod(power, alpha, R_MODULUS)
            }
        }
    }

    /// @dev eq(ρ, P_g) per group, at its representative's index: Π_j (a_j + z_j·c_j) with a_j = 1 − ρ_j and
    /// c_j = 2ρ_j − 1 (= ρ_j z_j + (1 − ρ_j)(1 − z_j)), z zero-padded. Most points are a shared point followed
    /// by slot-selector bits, so each point splits at its last coordinate that is not 0 or 1: the eq of that base
    /// is cached by its hash (exact content, so the split is only an optimization), and the bits cost no product
    /// of their own (a factor is a_j or ρ_j).
    function _groupEqs(uint256[] memory records, Parsed memory c, uint256[] memory rho)
        private
        pure
        returns (uint256[] memory eqs)
    {
        uint256 count = c.offsets.length;
        eqs = new uint256[](count);
        uint256[] memory a = new uint256[](rho.length);
        uint256[] memory cs = new uint256[](rho.length);
        for (uint256 j; j < rho.length; ++j) {
            a[j] = Mle.sub(1, rho[j]);
            cs[j] = Mle.sub(addmod(rho[j], rho[j], R_MODULUS), 1);
        }
        uint256 size = 1;
        while (size < 2 * count) size <<= 1;
        // Cache entries: (hash of the base, eq of the base); hash 0 = empty.
        uint256[] memory cache = new uint256[](2 * size);
        // tail[n] = Π_{j ≥ n} (1 − ρ_j): the zero padding of an n-coordinate point.
        uint256[] memory tail = new uint256[](rho.length + 1);
        tail[rho.length] = 1;
        for (uint256 j = rho.length; j > 0; --j) tail[j - 1] = mulmod(tail[j], a[j - 1], R_MODULUS);
        for (uint256 i; i < count; ++i) {
            if (c.groupOf[i] != i) continue;
            uint256 at = c.offsets[i];
            eqs[i] = mulmod(_eqLifted(records, at, rho, a, cs, cache), tail[records[at + 1]], R_MODULUS);
        }
    }

    /// @dev eq(ρ[0 … n), z) for the record at `at` (n its coordinates), its base (up to the last coordinate
    /// ∉ {0, 1}) cached.
    function _eqLifted(
        uint256[] memory records,
        uint256 at,
        uint256[] memory rho,
        uint256[] memory a,
        uint256[] memory cs,
        uint256[] memory cache
    ) private pure returns (uint256 product) {
        uint256 n = records[at + 1];
        uint256 z;
        assembly ("memory-safe") {
            z := add(add(records, 0x20), shl(5, add(at, RECORD_POINT_OFFSET)))
        }
        uint256 m = n;
        assembly ("memory-safe") {
            for {} and(gt(m, 0), lt(mload(add(z, shl(5, sub(m, 1)))), 2)) {} { m := sub(m, 1) }
        }
        product = _baseEq(z, m, a, cs, cache);
        assembly ("memory-safe") {
            let ap := add(a, 0x20)
            let rp := add(rho, 0x20)
            for { let j := m } lt(j, n) { j := add(j, 1) } {
                switch mload(add(z, shl(5, j)))
                case 1 { product := mulmod(product, mload(add(rp, shl(5, j))), R_MODULUS) }
                default { product := mulmod(product, mload(add(ap, shl(5, j))), R_MODULUS) }
            }
        }
    }

    /// @dev eq(ρ[0 … m), z[0 … m)) through the cache (open addressing on keccak256 of the m words, tagged with m).
    function _baseEq(uint256 z, uint256 m, uint256[] memory a, uint256[] memory cs, uint256[] memory cache)
        private
        pure
        returns (uint256 product)
    {
        if (m == 0) return 1;
        assembly ("memory-safe") {
            let key := or(keccak256(z, shl(5, m)), 1)
            let slots := shr(1, mload(cache))
            let mask := sub(slots, 1)
            let base := add(cache, 0x20)
            let k := and(key, mask)
            let found := 0
            for {} 1 { k := and(add(k, 1), mask) } {
                let entry := mload(add(base, shl(6, k)))
                if iszero(entry) { break }
                if eq(entry, key) {
                    product := mload(add(base, add(shl(6, k), 0x20)))
                    found := 1
                    break
                }
            }
            if iszero(found) {
                let ap := add(a, 0x20)
                let cp := add(cs, 0x20)
                product := 1
                for { let j := 0 } lt(j, m) { j := add(j, 1) } {
                    let zj := mload(add(z, shl(5, j)))
                    let cj := mload(add(cp, shl(5, j)))
                    let factor := addmod(mload(add(ap, shl(5, j))), mulmod(zj, cj, R_MODULUS), R_MODULUS)
                    product := mulmod(product, factor, R_MODULUS)
                }
                mstore(add(base, shl(6, k)), key)
                mstore(add(base, add(shl(6, k), 0x20)), product)
            }
        }
    }

    /// @dev Weight of each commitment: Σ_{i: p(i)=p} α^i·eq(ρ, P_{g(i)}) (eq = 1 for a single group).
    function _weights(
        uint256[] memory records,
        Parsed memory c,
        uint256 alpha,
        uint256[] memory eqs,
        uint256 numCommitments
    ) private pure returns (uint256[] memory weights) {
        weights = new uint256[](numCommitments);
        uint256[] memory offsets = c.offsets;
        uint256[] memory groupOf = c.groupOf;
        assembly ("memory-safe") {
            let base := add(records, 0x20)
            let oneGroup := iszero(mload(eqs))
            let power := 1
            let count := mload(offsets)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let poly := mload(add(base, shl(5, mload(add(offsets, shl(5, add(i, 1)))))))
                let term := power
                if iszero(oneGroup) {
                    let g := mload(add(groupOf, shl(5, add(i, 1))))
                    term := mulmod(power, mload(add(eqs, shl(5, add(g, 1)))), R_MODULUS)
                }
                let slot := add(weights, shl(5, add(poly, 1)))
                mstore(slot, addmod(mload(slot), term, R_MODULUS))
                power := mulmod(power, alpha, R_MODULUS)
            }
        }
    }

    /// @dev Σ_p weights[p]·C_p: nothing for weight 0, an ecAdd for weight 1, an ecMul + ecAdd otherwise.
    function _combine(uint256[] memory commitments, uint256[] memory weights)
        private
        view
        returns (uint256 x, uint256 y)
    {
        for (uint256 p; p < weights.length; ++p) {
            uint256 w = weights[p];
            if (w == 0) continue;
            if (w == 1) (x, y) = BN254.add(x, y, commitments[2 * p], commitments[2 * p + 1]);
            else (x, y) = BN254.mulAdd(x, y, commitments[2 * p], commitments[2 * p + 1], w);
        }
    }
}
