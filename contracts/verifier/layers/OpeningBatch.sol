// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../BN254.sol";
import {HyperKZG} from "../HyperKZG.sol";
import {ProofStream} from "./ProofStream.sol";

/// @title OpeningBatch — the whole proof's batch opening, its claims built by the verifier
/// @notice The protocol of `BatchOpening.sol` / `verifyBatchOpening` (src/pcs/batch.ts, docs/hyperkzg.md) for
/// claims the verifier derived itself (the interpreter's records, handed to this library's frame as calldata)
/// and messages read from the proof stream: absorb "batch.commitments" (every x, y), absorb "batch.claims"
/// (records p, n_i, z_i…, v_i), α; one lifted point: open Σ α^i f_{p(i)} there; several: a degree-2 sum-check
/// over n = max n_i rounds (from the stream), then open Σ α^i eq(ρ, P_i) f_{p(i)} at ρ. The HyperKZG words
/// follow in the stream (4ℓ + 3, ℓ = max(n, 1)); the inverse (β(1 − β)(1 + β))⁻¹ is not sent: HyperKZG.verify
/// computes it with one modexp (hint 0).
/// @dev Gas: the records are read in place with calldataload (never ABI-decoded into memory) and hashed from
/// calldata; eq(ρ, P_i) is computed per claim, so grouping claims by point (TypeScript's `batchOpeningShape`) is
/// never needed for the weights: a slot claim (a step's point followed by selector bits) pays one table read and
/// one mulmod per bit, and the product over the coordinates before its bits is reused from the previous claim
/// when they are the same (one keccak256 to tell).
library OpeningBatch {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_COMMITMENTS = "batch.commitments";
    bytes32 internal constant LABEL_CLAIMS = "batch.claims";
    bytes32 internal constant LABEL_ALPHA = "batch.alpha";
    uint256 private constant SUMCHECK_DEGREE = 2;
    uint256 private constant HYPERKZG_WORDS_PER_VAR = 4;
    uint256 private constant HYPERKZG_FIXED_WORDS = 3;
    /// @dev HyperKZG.verify's inverse hint that asks it to compute (β(1 − β)(1 + β))⁻¹ itself.
    uint256 private constant COMPUTE_INVERSE = 0;
    /// @dev Words of a record besides its point: p, n_i, v_i; the point starts after p and n_i.
    uint256 private constant RECORD_FIXED_WORDS = 3;
    uint256 private constant RECORD_POINT_OFFSET = 2;
    /// @dev Byte offsets of ρ_j, c_j and tail_j in coordinate j's 4-word entry of `_eqFactors` (a_j first; a_j and
    /// ρ_j adjacent, so g_j(b) for a bit b is the word at entry + 32·b).
    uint256 private constant RHO_J = 0x20;
    uint256 private constant C_J = 0x40;
    uint256 private constant TAIL = 0x60;

    /// @notice There are no opening claims.
    error OpeningNoClaims();

    /// @notice Verifies every record against the commitments (words x_0, y_0, …), reading the proof from `s`.
    /// @param s The stream, its transcript already past "batch.commitments" and "batch.claims": the caller
    /// absorbs those words where they lie (the interpreter hashes its record buffer in place, ModelVerifier;
    /// {absorb} does it from calldata), so they are never copied here.
    /// @param records At least `count` records (p, n_i, z_i…, v_i) of canonical words, p < commitments (the
    /// interpreter builds them); words after the `count`-th record are ignored.
    function verify(
        ProofStream.Stream memory s,
        uint256[] calldata commitments,
        uint256[] calldata records,
        uint256 count,
        HyperKZG.VerifierKey memory vk
    ) internal view {
        if (count == 0) revert OpeningNoClaims();
        (uint256[] memory point, uint256 value, uint256[] memory weights) =
            _reduce(s, records, count, commitments.length / 2);
        (uint256 cx, uint256 cy) = BN254.linearCombination(commitments, weights);
        _open(s, cx, cy, point, value, vk);
    }

    /// @notice The transcript state after absorbing "batch.commitments" (every x, y) and "batch.claims" (the first
    /// `count` records) into `state`: what {verify} expects its stream to be at.
    function absorb(bytes32 state, uint256[] calldata commitments, uint256[] calldata records, uint256 count)
        internal
        pure
        returns (bytes32)
    {
        ProofStream.Stream memory s;
        s.state = state;
        ProofStream.absorbWords(s, LABEL_COMMITMENTS, _offset(commitments), commitments.length);
        uint256 words;
        assembly ("memory-safe") {
            let rec := records.offset
            for { } count { count := sub(count, 1) } {
                rec := add(rec, shl(5, add(RECORD_FIXED_WORDS, calldataload(add(rec, 0x20)))))
            }
            words := shr(5, sub(rec, records.offset))
        }
        ProofStream.absorbWords(s, LABEL_CLAIMS, _offset(records), words);
        return s.state;
    }

    /// @dev α, the sum-check when the points differ: the final opening's point and value and every commitment's
    /// weight in it.
    function _reduce(ProofStream.Stream memory s, uint256[] calldata records, uint256 count, uint256 polys)
        private
        pure
        returns (uint256[] memory point, uint256 value, uint256[] memory weights)
    {
        uint256 alpha = ProofStream.challenge(s, LABEL_ALPHA);
        uint256 numVars;
        bool onePoint;
        (value, numVars, onePoint) = _scan(records, count, alpha);
        uint256[] memory rho;
        if (onePoint) {
            point = _lifted(records, numVars == 0 ? 1 : numVars);
        } else {
            (point, value) = ProofStream.sumcheck(s, value, numVars, SUMCHECK_DEGREE);
            rho = point;
        }
        weights = _weights(records, count, alpha, rho, polys);
    }

    /// @dev The calldata offset of a calldata array's first word.
    function _offset(uint256[] calldata words) private pure returns (uint256 at) {
        assembly ("memory-safe") {
            at := words.offset
        }
    }

    /// @dev The final HyperKZG opening, its words from the stream. The inverse (β(1 − β)(1 + β))⁻¹ is left to
    /// HyperKZG.verify (hint 0): it derives β anyway, so finding it here would replay the same absorbs.
    function _open(
        ProofStream.Stream memory s,
        uint256 cx,
        uint256 cy,
        uint256[] memory point,
        uint256 value,
        HyperKZG.VerifierKey memory vk
    ) private view {
        uint256 words = HYPERKZG_WORDS_PER_VAR * point.length + HYPERKZG_FIXED_WORDS;
        uint256 at = ProofStream.take(s, words);
        uint256[] calldata proof;
        assembly ("memory-safe") {
            proof.offset := at
            proof.length := words
        }
        s.state = HyperKZG.verify(s.state, cx, cy, point, value, proof, COMPUTE_INVERSE, vk);
    }

    /// @dev One pass over the records: Σ α^i v_i, n = max n_i, and whether every lifted point (z_i zero-padded to
    /// n) equals the first one — then there is no sum-check (docs/hyperkzg.md, one group).
    function _scan(uint256[] calldata records, uint256 count, uint256 alpha)
        private
        pure
        returns (uint256 sum, uint256 numVars, bool onePoint)
    {
        assembly ("memory-safe") {
            let r := R_MODULUS
            let power := 1
            // Σ α^i v_i and n = max n_i: rec walks the records (a pointer loop: the cheapest form for the legacy
            // code generator).
            let rec := records.offset
            for { let i := count } i { i := sub(i, 1) } {
                let n := calldataload(add(rec, 0x20))
                if gt(n, numVars) { numVars := n }
                // v_i: the word after the point.
                let v := add(rec, shl(5, add(RECORD_POINT_OFFSET, n)))
                sum := addmod(sum, mulmod(power, calldataload(v), r), r)
                power := mulmod(power, alpha, r)
                rec := add(v, 0x20)
            }
            // Whether every lifted point equals the first one (a coordinate past a point's length is 0): the
            // records after the first, compared with it until one differs (with several points, mostly the
            // second).
            onePoint := 1
            let first := add(records.offset, shl(5, RECORD_POINT_OFFSET))
            let firstN := calldataload(add(records.offset, 0x20))
            rec := add(first, shl(5, add(firstN, 1)))
            for { let i := sub(count, 1) } and(gt(i, 0), onePoint) { i := sub(i, 1) } {
                let n := calldataload(add(rec, 0x20))
                let pt := add(rec, shl(5, RECORD_POINT_OFFSET))
                let longest := n
                if gt(firstN, longest) { longest := firstN }
                for { let j := 0 } lt(j, longest) { j := add(j, 1) } {
                    let x := 0
                    if lt(j, firstN) { x := calldataload(add(first, shl(5, j))) }
                    let y := 0
                    if lt(j, n) { y := calldataload(add(pt, shl(5, j))) }
                    if iszero(eq(x, y)) {
                        onePoint := 0
                        break
                    }
                }
                rec := add(pt, shl(5, add(n, 1)))
            }
        }
    }

    /// @dev The first record's point zero-padded to `length` coordinates.
    function _lifted(uint256[] calldata records, uint256 length) private pure returns (uint256[] memory p) {
        p = new uint256[](length);
        uint256 n = records[1];
        for (uint256 j; j < n; ++j) p[j] = records[RECORD_POINT_OFFSET + j];
    }

    /// @dev Weight of each commitment: Σ_{i: p(i)=p} α^i·eq(ρ, P_i), or Σ α^i when `rho` is empty (one point).
    /// eq(ρ, z ‖ 0) = Π_{j<n_i} g_j(z_j) · Π_{j≥n_i} a_j with g_j(z) = a_j + z·c_j, a_j = 1 − ρ_j, c_j = 2ρ_j − 1
    /// (= ρ_j z_j + (1 − ρ_j)(1 − z_j)); g_j(0) = a_j and g_j(1) = ρ_j.
    /// A claim's point is split where its trailing run of 0/1 coordinates starts (a step's point followed by a
    /// slot's selector bits): the bits cost one table read and one mulmod each (the factor g_j(b) is read from
    /// the entry, never computed), and the product over the part before them is reused from the previous claim
    /// when that part is the same (same length and keccak256 of its words: one CALLDATACOPY and one KECCAK256
    /// instead of a compare per word). Where the split falls changes only what is reused, never the product.
    function _weights(
        uint256[] calldata records,
        uint256 count,
        uint256 alpha,
        uint256[] memory rho,
        uint256 numCommitments
    ) private pure returns (uint256[] memory weights) {
        weights = new uint256[](numCommitments);
        uint256 rec;
        assembly ("memory-safe") {
            rec := records.offset
        }
        if (rho.length == 0) return _powerSums(weights, rec, count, alpha);
        uint256[] memory f = _eqFactors(rho);
        _eqSums(weights, f, rec, count, alpha);
    }

    /// @dev {_weights} with a point: adds α^i·eq(ρ, P_i) to the weight of p(i) for each record, `f` the
    /// factor entries of ρ ({_eqFactors}).
    function _eqSums(uint256[] memory weights, uint256[] memory f, uint256 rec, uint256 count, uint256 alpha)
        private
        pure
    {
        assembly ("memory-safe") {
            // r: the modulus on the stack (as a literal the optimizer loads it with a CODECOPY each time).
            let r := R_MODULUS
            let fp := add(f, 0x20)
            let power := 1
            // The previous claim's prefix: keccak256 of its words and its product (hash 0: matches none).
            let prevHash := 0
            let prevProd := 0
            for { } count { count := sub(count, 1) } {
                let pt := add(rec, shl(5, RECORD_POINT_OFFSET))
                let slot := add(add(weights, 0x20), shl(5, calldataload(rec)))
                // q: the end of the point; the record ends one word (v_i) after it.
                let q := add(pt, shl(5, calldataload(add(rec, 0x20))))
                rec := add(q, 0x20)
                // Trailing selector bits, last coordinate first: acc = Π_{k≤j<n_i} g_j(b_j) · tail_{n_i}, e the
                // entry of the coordinate at q.
                let e := add(fp, shl(2, sub(q, pt)))
                let acc := mload(add(e, TAIL))
                // Four bits per iteration while four are left, then one at a time (the words are re-read
                // rather than kept: stack). Four cost ≈ 80 opcodes where two iterations of two cost ≈ 125. When
                // the four-bit test fails at most three bits are left: a two-bit loop between them paid its own
                // failing test on every record (−15.5k on self_attention's 385 records without it, session 9).
                // (q − pt ≥ 0x80 is tested as q > pt + 0x60, with no wrap-around at small offsets.)
                for { } gt(q, add(pt, 0x60)) { } {
                    if gt(
                        or(
                            or(calldataload(sub(q, 0x20)), calldataload(sub(q, 0x40))),
                            or(calldataload(sub(q, 0x60)), calldataload(sub(q, 0x80)))
                        ),
                        1
                    ) { break }
                    e := sub(e, 0x200)
                    acc := mulmod(
                        mulmod(
                            acc,
                            mulmod(
                                mload(add(e, shl(5, calldataload(sub(q, 0x80))))),
                                mload(add(add(e, 0x80), shl(5, calldataload(sub(q, 0x60))))),
                                r
                            ),
                            r
                        ),
                        mulmod(
                            mload(add(add(e, 0x100), shl(5, calldataload(sub(q, 0x40))))),
                            mload(add(add(e, 0x180), shl(5, calldataload(sub(q, 0x20))))),
                            r
                        ),
                        r
                    )
                    q := sub(q, 0x80)
                }
                for { } gt(q, pt) { } {
                    let z := calldataload(sub(q, 0x20))
                    if gt(z, 1) { break }
                    q := sub(q, 0x20)
                    e := sub(e, 0x80)
                    acc := mulmod(acc, mload(add(e, shl(5, z))), r)
                }
                // The prefix [pt, q): its product reused when it is the previous claim's (the hash is taken
                // again on a miss rather than kept: one stack slot fewer).
                calldatacopy(mload(0x40), pt, sub(q, pt))
                if iszero(eq(keccak256(mload(0x40), sub(q, pt)), prevHash)) {
                    prevHash := keccak256(mload(0x40), sub(q, pt))
                    // g_j(z_j) = a_j + z_j·c_j over the prefix, two coordinates per iteration (an odd one first).
                    prevProd := 1
                    e := fp
                    if and(shr(5, sub(q, pt)), 1) {
                        prevProd := addmod(mload(e), mulmod(calldataload(pt), mload(add(e, C_J)), r), r)
                        pt := add(pt, 0x20)
                        e := add(e, 0x80)
                    }
                    for { } lt(pt, q) { pt := add(pt, 0x40) } {
                        prevProd := mulmod(
                            prevProd,
                            mulmod(
                                addmod(mload(e), mulmod(calldataload(pt), mload(add(e, C_J)), r), r),
                                addmod(mload(add(e, 0x80)), mulmod(calldataload(add(pt, 0x20)), mload(add(e, 0xc0)), r), r),
                                r
                            ),
                            r
                        )
                        e := add(e, 0x100)
                    }
                }
                mstore(slot, addmod(mload(slot), mulmod(power, mulmod(acc, prevProd, r), r), r))
                power := mulmod(power, alpha, r)
            }
        }
    }

    /// @dev One lifted point (no sum-check): the weight of a commitment is Σ_{p(i)=p} α^i.
    function _powerSums(uint256[] memory weights, uint256 rec, uint256 count, uint256 alpha)
        private
        pure
        returns (uint256[] memory)
    {
        assembly ("memory-safe") {
            let r := R_MODULUS
            let power := 1
            for { } count { count := sub(count, 1) } {
                let slot := add(add(weights, 0x20), shl(5, calldataload(rec)))
                mstore(slot, addmod(mload(slot), power, r))
                power := mulmod(power, alpha, r)
                rec := add(rec, shl(5, add(RECORD_FIXED_WORDS, calldataload(add(rec, 0x20)))))
            }
        }
        return weights;
    }

    /// @dev Per coordinate j ≤ n of ρ, 4 words: a_j = 1 − ρ_j (= g_j(0)), ρ_j (= g_j(1)), c_j = 2ρ_j − 1 and
    /// tail_j = Π_{t ≥ j} a_t; only tail_n (= 1) is set in entry n.
    function _eqFactors(uint256[] memory rho) private pure returns (uint256[] memory f) {
        uint256 n = rho.length;
        f = new uint256[](4 * (n + 1));
        assembly ("memory-safe") {
            let m := R_MODULUS
            let fp := add(f, 0x20)
            let rp := add(rho, 0x20)
            mstore(add(fp, add(shl(7, n), TAIL)), 1)
            for { let j := n } gt(j, 0) { } {
                j := sub(j, 1)
                let r := mload(add(rp, shl(5, j)))
                let aj := addmod(1, sub(m, r), m)
                let e := add(fp, shl(7, j))
                mstore(e, aj)
                mstore(add(e, RHO_J), r)
                mstore(add(e, C_J), addmod(addmod(r, r, m), sub(m, 1), m))
                mstore(add(e, TAIL), mulmod(mload(add(e, add(0x80, TAIL))), aj, m))
            }
        }
    }
}
