// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Fr} from "./Fr.sol";
import {Transcript} from "./Transcript.sol";

/// @title Sumcheck — the sum-check verifier of docs/sumcheck.md
/// @notice Replays the transcript and reduces a claimed hypercube sum to a subclaim "the summand at `point`
/// equals `expectedEvaluation`". It never evaluates the polynomials.
/// @dev WARNING: the result is not a verdict. The caller must check the subclaim against evaluations it
/// trusts (an opening, or values it computes itself). Round j's polynomial h_j arrives compressed as
/// (c_0, c_2, …, c_d); c_1 = claim − 2·c_0 − (c_2 + … + c_d) makes h_j(0) + h_j(1) = claim hold by
/// construction, and h_j(r_j) becomes the next claim.
library Sumcheck {
    bytes32 internal constant LABEL_CLAIM = "sumcheck.claim";
    bytes32 internal constant LABEL_ROUND = "sumcheck.round";
    bytes32 internal constant LABEL_CHALLENGE = "sumcheck.challenge";

    /// @dev Fr's modulus, local so that assembly can name it.
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice The proof does not hold `numVars * degree` coefficients.
    error SumcheckProofSize(uint256 length, uint256 numVars, uint256 degree);
    /// @notice The degree bound is zero.
    error SumcheckDegreeZero();

    /// @notice Verifies the round structure and returns the subclaim.
    /// @param state Transcript state before the sum-check.
    /// @param claim The claimed sum (canonical).
    /// @param numVars Number of variables (rounds).
    /// @param degree Degree bound d per variable; each round sends d coefficients.
    /// @param rounds The compressed round polynomials, round-major: rounds[j*d + k].
    /// @return next Transcript state after the sum-check.
    /// @return point The challenges (r_0, …, r_{n-1}).
    /// @return expectedEvaluation The value the summand must take at `point`.
    function verify(bytes32 state, uint256 claim, uint256 numVars, uint256 degree, uint256[] calldata rounds)
        internal
        pure
        returns (bytes32 next, uint256[] memory point, uint256 expectedEvaluation)
    {
        if (degree == 0) revert SumcheckDegreeZero();
        if (rounds.length != numVars * degree) revert SumcheckProofSize(rounds.length, numVars, degree);
        if (!_allCanonical(rounds)) {
            // Cold path: name the first non-canonical coefficient, as its absorb would have.
            for (uint256 i; i < rounds.length; ++i) {
                Fr.checked(rounds[i]);
            }
        }
        return verifyCanonical(state, claim, numVars, degree, rounds);
    }

    /// @notice {verify} for rounds whose every coefficient the caller has already checked < r (the arena checks
    /// its rounds and evaluations in one pass): the same checks otherwise.
    function verifyCanonical(
        bytes32 state,
        uint256 claim,
        uint256 numVars,
        uint256 degree,
        uint256[] calldata rounds
    ) internal pure returns (bytes32 next, uint256[] memory point, uint256 expectedEvaluation) {
        if (degree == 0) revert SumcheckDegreeZero();
        if (rounds.length != numVars * degree) revert SumcheckProofSize(rounds.length, numVars, degree);
        Fr.checked(claim);
        uint256 src;
        assembly ("memory-safe") {
            src := rounds.offset
        }
        (next, point, expectedEvaluation,) = replay(state, claim, numVars, degree, src);
    }

    /// @notice The sum-check's transcript and reduction over the `numVars · degree` calldata words at `src`,
    /// checking nothing but the degree: `canonical` says whether the claim and every coefficient are < r.
    /// @dev For a caller that names the offending word itself (the proof stream): the canonical test rides
    /// along the round loop (one LT per word) instead of a pass of its own. When `canonical` is false the
    /// other results are meaningless and the caller must revert.
    function replay(bytes32 state, uint256 claim, uint256 numVars, uint256 degree, uint256 src)
        internal
        pure
        returns (bytes32 next, uint256[] memory point, uint256 expectedEvaluation, bool canonical)
    {
        if (degree == 0) revert SumcheckDegreeZero();
        next = Transcript.absorb3(state, LABEL_CLAIM, claim, numVars, degree);
        point = new uint256[](numVars);
        (next, expectedEvaluation, canonical) = _replayRounds(next, claim, degree, src, point);
        canonical = canonical && claim < R_MODULUS;
    }

    /// @dev True iff every word of `words` is below r (one pass, no early exit: the common case is all true).
    function _allCanonical(uint256[] calldata words) private pure returns (bool ok) {
        assembly ("memory-safe") {
            ok := 1
            let m := R_MODULUS
            let end := add(words.offset, shl(5, words.length))
            for { let p := words.offset } lt(p, end) { p := add(p, 0x20) } {
                ok := and(ok, lt(calldataload(p), m))
            }
        }
    }

    /// @dev The round loop in assembly. Per round j, with the round's d words at `src` in calldata:
    ///   S = keccak256(S ‖ LABEL_ROUND ‖ c_0 … c_{d-1});  S = keccak256(S ‖ LABEL_CHALLENGE);  r_j = S mod r
    ///   claim = h_j(r_j), with c_1 = claim − 2·c_0 − (c_2 + … + c_d) substituted:
    ///   h_j(r) = c_0 + r·(claim − 2·c_0 + Σ_{k≥2} c_k·(r^{k−1} − 1))
    /// Equivalent to {Transcript.absorbScalars} + {Transcript.challenge} + {evaluateCompressed} per round. Writes
    /// r_j into `point` (its length is the number of rounds); `ok`: every coefficient < r (if not, the claim
    /// returned is garbage). The words are read from the copy hashed in memory. Degrees 2 (products, selectors,
    /// the opening) and 3 (Hadamard, the arena) are evaluated in closed form:
    ///   d = 2:  h(r) = c_0 + r·(claim − 2c_0 + (r − 1)·c_2)
    ///   d = 3:  h(r) = c_0 + r·(claim − 2c_0 + (r − 1)·(c_2 + (r + 1)·c_3))
    /// the sums left unreduced for the MULMOD that takes them (each term < r or ≤ 2r: the bracket < 4r < 2^256
    /// for canonical words; r − 1 as r + m − 1); other degrees by Horner over (c_d, …, c_2). One loop for all
    /// degrees, the degree switched per round: a loop per degree would cost ~500 bytes in every library that
    /// holds a sum-check, and the interpreter has no room for them (EIP-170).
    /// Memory: the message S ‖ LABEL_ROUND ‖ c_0 … is built at the free-memory pointer (not advanced), the label
    /// written once; the challenge is hashed over the scratch words 0x00–0x3f, LABEL_CHALLENGE written once.
    function _replayRounds(bytes32 next, uint256 claim, uint256 degree, uint256 src, uint256[] memory point)
        private
        pure
        returns (bytes32, uint256, bool ok)
    {
        assembly ("memory-safe") {
            // Σ_{k≥2} c_k·(r^{k−1} − 1) (< 2m) for the words c_2 … c_d at first … last (Horner from the top:
            // t = Σ c_k r^{k−2}, then r·t − Σ c_k), and whether they are all < m. A function of its own: the
            // loop's stack has no room for its names.
            function tailSum(first, last, r, m) -> t, good {
                good := 1
                let sum := 0
                for { } iszero(lt(last, first)) { last := sub(last, 0x20) } {
                    let c := mload(last)
                    good := and(good, lt(c, m))
                    t := addmod(mulmod(t, r, m), c, m)
                    sum := addmod(sum, c, m)
                }
                t := add(mulmod(t, r, m), sub(m, sum))
            }
            // m: the modulus kept on the stack (a literal is re-loaded with a CODECOPY at every use).
            let m := R_MODULUS
            let buf := mload(0x40)
            mstore(add(buf, 0x20), LABEL_ROUND)
            mstore(0x20, LABEL_CHALLENGE)
            ok := 1
            let out := add(point, 0x20)
            // `point` becomes the end of its words, `degree` the round's bytes (no stack slot for more names)
            point := add(out, shl(5, mload(point)))
            degree := shl(5, degree)
            for { } lt(out, point) { out := add(out, 0x20) } {
                mstore(buf, next)
                calldatacopy(add(buf, 0x40), src, degree)
                mstore(0x00, keccak256(buf, add(0x40, degree)))
                next := keccak256(0x00, 0x40)
                let r := mod(next, m)
                mstore(out, r)
                src := add(src, degree)
                // t: Σ_{k≥2} c_k·(r^{k−1} − 1) (< 2m), from the words at buf + 0x60 on
                let t := 0
                switch degree
                case 0x40 {
                    t := mload(add(buf, 0x60))
                    ok := and(ok, lt(t, m))
                    t := mulmod(t, add(r, sub(m, 1)), m)
                }
                case 0x60 {
                    t := mload(add(buf, 0x80))
                    ok := and(ok, and(lt(t, m), lt(mload(add(buf, 0x60)), m)))
                    t := mulmod(add(mload(add(buf, 0x60)), mulmod(t, add(r, 1), m)), add(r, sub(m, 1)), m)
                }
                default {
                    let good
                    t, good := tailSum(add(buf, 0x60), add(buf, add(0x20, degree)), r, m)
                    ok := and(ok, good)
                }
                // c_0 read twice from memory rather than named (stack)
                ok := and(ok, lt(mload(add(buf, 0x40)), m))
                t := add(add(claim, t), sub(shl(1, m), shl(1, mload(add(buf, 0x40)))))
                claim := addmod(mload(add(buf, 0x40)), mulmod(r, t, m), m)
            }
        }
        return (next, claim, ok);
    }

    /// @notice h(r) for a compressed round polynomial (c_0, c_2, …, c_d) whose h(0) + h(1) = claim.
    /// @dev Horner over (c_d, …, c_2, c_1, c_0) with c_1 derived; coefficients are canonical (checked when
    /// absorbed), so plain addmod/mulmod chains are exact.
    function evaluateCompressed(uint256[] calldata c, uint256 claim, uint256 r) internal pure returns (uint256 acc) {
        uint256 d = c.length;
        uint256 R = Fr.R;
        // c_1 = claim - 2 c_0 - sum_{k>=2} c_k
        uint256 sumRest = addmod(c[0], c[0], R);
        for (uint256 k = 1; k < d; ++k) {
            sumRest = addmod(sumRest, c[k], R);
        }
        uint256 c1 = addmod(claim, R - sumRest, R);
        // Horner from the top: c_d, ..., c_2 are compressed[d-1], ..., compressed[1].
        for (uint256 k = d - 1; k >= 1; --k) {
            acc = addmod(mulmod(acc, r, R), c[k], R);
        }
        acc = addmod(mulmod(acc, r, R), c1, R);
        acc = addmod(mulmod(acc, r, R), c[0], R);
    }
}
