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
        Fr.checked(claim);
        next = Transcript.absorb3(state, LABEL_CLAIM, claim, numVars, degree);
        point = new uint256[](numVars);
        for (uint256 j; j < numVars; ++j) {
            uint256[] calldata round = rounds[j * degree:(j + 1) * degree];
            next = Transcript.absorbScalars(next, LABEL_ROUND, round);
            uint256 r;
            (next, r) = Transcript.challenge(next, LABEL_CHALLENGE);
            point[j] = r;
            claim = evaluateCompressed(round, claim, r);
        }
        expectedEvaluation = claim;
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
