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

    /// @notice {verify} for rounds whose every coefficient the caller has already checked < r (the proof
    /// stream checks each message it reads, naming the byte offset): the same checks otherwise.
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
        next = Transcript.absorb3(state, LABEL_CLAIM, claim, numVars, degree);
        point = new uint256[](numVars);
        uint256 src;
        assembly ("memory-safe") {
            src := rounds.offset
        }
        (next, claim) = _replayRounds(next, claim, degree, src, point);
        expectedEvaluation = claim;
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
    ///   c_1 = claim − 2·c_0 − (c_2 + … + c_d);  claim = h_j(r_j) by Horner over (c_d, …, c_2, c_1, c_0)
    /// Equivalent to {Transcript.absorbScalars} + {Transcript.challenge} + {evaluateCompressed} per round, for
    /// coefficients already checked canonical. Writes r_j into `point` (its length is the number of rounds).
    function _replayRounds(bytes32 next, uint256 claim, uint256 degree, uint256 src, uint256[] memory point)
        private
        pure
        returns (bytes32, uint256)
    {
        assembly ("memory-safe") {
            // m: the modulus kept on the stack (a literal is re-loaded with a CODECOPY at every use).
            let m := R_MODULUS
            let end := add(point, shl(5, add(mload(point), 1)))
            for { let out := add(point, 0x20) } lt(out, end) { out := add(out, 0x20) } {
                {
                    // Scratch at the free-memory pointer (not advanced).
                    let buf := mload(0x40)
                    mstore(buf, next)
                    mstore(add(buf, 0x20), LABEL_ROUND)
                    calldatacopy(add(buf, 0x40), src, shl(5, degree))
                    mstore(buf, keccak256(buf, add(0x40, shl(5, degree))))
                    mstore(add(buf, 0x20), LABEL_CHALLENGE)
                    next := keccak256(buf, 0x40)
                }
                let r := mod(next, m)
                mstore(out, r)
                let c0 := calldataload(src)
                let sumRest := addmod(c0, c0, m)
                let acc := 0
                for { let k := sub(degree, 1) } gt(k, 0) { k := sub(k, 1) } {
                    let ck := calldataload(add(src, shl(5, k)))
                    sumRest := addmod(sumRest, ck, m)
                    acc := addmod(mulmod(acc, r, m), ck, m)
                }
                acc := addmod(mulmod(acc, r, m), addmod(claim, sub(m, sumRest), m), m)
                claim := addmod(mulmod(acc, r, m), c0, m)
                src := add(src, shl(5, degree))
            }
        }
        return (next, claim);
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
