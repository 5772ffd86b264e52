// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Fr} from "./Fr.sol";
import {Sumcheck} from "./Sumcheck.sol";
import {Transcript} from "./Transcript.sol";

/// @title LogUp — the LogUp lookup verifier with committed helper columns (docs/lookup.md)
/// @notice Replays the transcript of `src/lookup/verifier.ts` word for word, checks the helper sums balance and
/// the joint zero-check's final equation, and returns the claims the caller must still prove: opening values on
/// the committed polynomials (for its one batch opening) and evaluations of the witness columns.
/// @dev WARNING: the result is not a verdict. G1 points are absorbed as raw words; they are validated by the
/// precompiles of the batch opening that consumes them.
library LogUp {
    bytes32 internal constant LABEL_SHAPE = "lookup.shape";
    bytes32 internal constant LABEL_TABLE = "lookup.table";
    bytes32 internal constant LABEL_TABLE_COMMITMENTS = "lookup.table_commitments";
    bytes32 internal constant LABEL_M = "lookup.m";
    bytes32 internal constant LABEL_BETA = "lookup.beta";
    bytes32 internal constant LABEL_ALPHA = "lookup.alpha";
    bytes32 internal constant LABEL_HELPERS = "lookup.helpers";
    bytes32 internal constant LABEL_SUMS = "lookup.sums";
    bytes32 internal constant LABEL_GAMMA = "lookup.gamma";
    bytes32 internal constant LABEL_TAU = "lookup.tau";
    bytes32 internal constant LABEL_TAU_TABLE = "lookup.tau_table";
    bytes32 internal constant LABEL_EVALS = "lookup.evals";

    /// @dev The joint zero-check is degree 3 (eq · h · f).
    uint256 internal constant DEGREE = 3;
    /// @dev 1/2 in Fr: a hypercube sum is 2^n times the evaluation at (1/2, …, 1/2).
    uint256 internal constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;
    /// @dev Column kinds in `Table.columns`.
    uint256 internal constant KIND_RANGE = 0;
    uint256 internal constant KIND_COMMITTED = 1;
    /// @dev Largest witness column length accepted (keeps 2^n_f and the padding count far from overflow).
    uint256 internal constant MAX_LENGTH = 1 << 40;
    /// @dev Largest table (2^24 rows), as `MAX_TABLE_VARS` in src/lookup/table.ts.
    uint256 internal constant MAX_TABLE_VARS = 24;

    /// @notice The table: 2^numVars rows; per column (kind, lo) with kind 0 = range [lo, lo + 2^numVars),
    /// 1 = committed (lo = 0); the committed columns' points as (x, y) words, in column order.
    struct Table {
        uint256 numVars;
        uint256[] columns;
        uint256[] commitments;
    }

    /// @notice What the lookup reduces to. `openingValues` follow the order of docs/lookup.md: m(ρ), g(ρ),
    /// g(½…), then h_i(ρ), h_i(½…) per column, then t_c(ρ) per committed column. The commitments are
    /// C_m, C_h_i, C_g (proof words 0 … 2k + 3) and the table's. `witnessClaims` are f_{i,c}(ρ), i-major.
    struct Claims {
        bytes32 state;
        uint256[] point;
        uint256[] witnessClaims;
        uint256[] openingValues;
    }

    /// @notice No witness columns, or a table without columns.
    error LookupEmpty();
    /// @notice Witness column `column` has length 0 or more than MAX_LENGTH.
    error LookupColumnLength(uint256 column, uint256 length);
    /// @notice The table has more than 2^MAX_TABLE_VARS rows.
    error LookupTableVars(uint256 numVars);
    /// @notice Table column `column` has an unknown kind word.
    error LookupColumnKind(uint256 column, uint256 kind);
    /// @notice The table's commitment words do not match its committed columns (2 words each).
    error LookupTableCommitments(uint256 words, uint256 committedColumns);
    /// @notice The proof does not have the length its shape implies.
    error LookupProofSize(uint256 length, uint256 expected);
    /// @notice alpha · (sum_i S_i − S_g) differs from the padding count.
    error LookupSumsUnbalanced();
    /// @notice The zero-check's final equation fails.
    error LookupZeroCheck();

    /// @dev Everything the steps share, in memory (keeps the stack shallow without via-IR).
    struct Ctx {
        uint256 k;
        uint256 arity;
        uint256 committed;
        uint256 nf;
        uint256 nt;
        uint256 padding;
        uint256 alpha;
        uint256 beta;
        uint256 gamma;
        uint256 gammaK;
        uint256 n;
        uint256 oSums;
        uint256 oEvals;
        uint256 oTableEvals;
        uint256[] tauWitness;
        uint256[] tauTable;
        uint256[] point;
    }

    /// @notice Verifies a lookup proof (docs/lookup.md encoding) down to claims.
    /// @param state Transcript state before the lookup.
    /// @param table The table (public; part of the verifying key).
    /// @param lengths The witness column lengths L_1 … L_k.
    /// @param proof The proof words.
    function verify(bytes32 state, Table calldata table, uint256[] calldata lengths, uint256[] calldata proof)
        internal
        pure
        returns (Claims memory out)
    {
        Ctx memory s = _shape(table, lengths, proof.length);
        state = _absorbStatement(state, table, lengths, s);
        state = Transcript.absorbWords(state, LABEL_M, proof[0:2]);
        if (s.arity > 1) (state, s.beta) = Transcript.challenge(state, LABEL_BETA);
        (state, s.alpha) = Transcript.challenge(state, LABEL_ALPHA);
        state = Transcript.absorbWords(state, LABEL_HELPERS, proof[2:s.oSums]);
        state = Transcript.absorbScalars(state, LABEL_SUMS, proof[s.oSums:s.oSums + s.k + 1]);
        _checkSums(s, proof);

        (state, s.gamma) = Transcript.challenge(state, LABEL_GAMMA);
        (state, s.tauWitness) = _challenges(state, LABEL_TAU, s.nf);
        (state, s.tauTable) = _challenges(state, LABEL_TAU_TABLE, s.nt);
        state = _zeroCheck(state, s, table, proof);
        state = Transcript.absorbScalars(state, LABEL_EVALS, proof[s.oEvals:proof.length]);

        out.state = state;
        out.point = s.point;
        out.witnessClaims = proof[s.oEvals + s.k:s.oTableEvals];
        out.openingValues = _openingValues(s, proof);
    }

    /// @dev Sizes, table well-formedness and the proof length 7 + 4k + k·a + 3·max(n_f, n_t) + c words.
    function _shape(Table calldata table, uint256[] calldata lengths, uint256 proofLength)
        private
        pure
        returns (Ctx memory s)
    {
        s.k = lengths.length;
        s.arity = table.columns.length / 2;
        if (s.k == 0 || s.arity == 0) revert LookupEmpty();
        uint256 maxLength;
        for (uint256 i; i < s.k; ++i) {
            uint256 len = lengths[i];
            if (len == 0 || len > MAX_LENGTH) revert LookupColumnLength(i, len);
            if (len > maxLength) maxLength = len;
        }
        while ((uint256(1) << s.nf) < maxLength) ++s.nf;
        for (uint256 i; i < s.k; ++i) {
            s.padding += (uint256(1) << s.nf) - lengths[i];
        }
        for (uint256 c; c < s.arity; ++c) {
            uint256 kind = table.columns[2 * c];
            if (kind == KIND_COMMITTED) ++s.committed;
            else if (kind != KIND_RANGE) revert LookupColumnKind(c, kind);
        }
        if (table.columns.length % 2 != 0) revert LookupColumnKind(s.arity, table.columns[table.columns.length - 1]);
        if (table.commitments.length != 2 * s.committed) {
            revert LookupTableCommitments(table.commitments.length, s.committed);
        }
        s.nt = table.numVars;
        if (s.nt > MAX_TABLE_VARS) revert LookupTableVars(s.nt);
        s.n = s.nf > s.nt ? s.nf : s.nt;
        s.oSums = 2 * s.k + 4;
        s.oEvals = s.oSums + s.k + 1 + DEGREE * s.n;
        s.oTableEvals = s.oEvals + s.k + s.k * s.arity;
        uint256 expected = s.oTableEvals + 2 + s.committed;
        if (proofLength != expected) revert LookupProofSize(proofLength, expected);
    }

    /// @dev "lookup.shape": k, a, n_t, n_f, L_1 … L_k; "lookup.table": the column words;
    /// "lookup.table_commitments": the committed columns' points (no absorb when there are none).
    function _absorbStatement(bytes32 state, Table calldata table, uint256[] calldata lengths, Ctx memory s)
        private
        pure
        returns (bytes32)
    {
        uint256[] memory words = new uint256[](4 + s.k);
        words[0] = s.k;
        words[1] = s.arity;
        words[2] = s.nt;
        words[3] = s.nf;
        for (uint256 i; i < s.k; ++i) {
            words[4 + i] = lengths[i];
        }
        state = _absorbMemory(state, LABEL_SHAPE, words);
        state = Transcript.absorbScalars(state, LABEL_TABLE, table.columns);
        return Transcript.absorbWords(state, LABEL_TABLE_COMMITMENTS, table.commitments);
    }

    /// @dev alpha · (sum_i S_i − S_g) = P (padding entries each add 1/alpha to the witness sums).
    function _checkSums(Ctx memory s, uint256[] calldata proof) private pure {
        uint256 acc;
        for (uint256 i; i < s.k; ++i) {
            acc = addmod(acc, proof[s.oSums + i], Fr.R);
        }
        acc = Fr.sub(acc, proof[s.oSums + s.k]);
        if (mulmod(s.alpha, acc, Fr.R) != s.padding % Fr.R) revert LookupSumsUnbalanced();
    }

    /// @dev The joint zero-check (docs/lookup.md): one sum-check over n = max(n_f, n_t) variables of
    /// eq(τ_f ‖ 0, x)·sum_i γ^i·h_i·(α − f_i) + γ^k·eq(τ_t ‖ 0, x)·(g·(α − t) − m) = sum_{i<k} γ^i, then its final
    /// equation at ρ with the sent evaluations and the range columns in closed form.
    function _zeroCheck(bytes32 state, Ctx memory s, Table calldata table, uint256[] calldata proof)
        private
        pure
        returns (bytes32)
    {
        uint256 expected;
        uint256 o = s.oSums + s.k + 1;
        (state, s.point, expected) = Sumcheck.verify(state, _gammaSum(s), s.n, DEGREE, proof[o:s.oEvals]);
        uint256 witnessPart = mulmod(_eqLifted(s.point, s.tauWitness), _witnessSummand(s, proof), Fr.R);
        uint256 tablePart = mulmod(_eqLifted(s.point, s.tauTable), _tableSummand(s, table, proof), Fr.R);
        if (addmod(witnessPart, mulmod(s.gammaK, tablePart, Fr.R), Fr.R) != expected) revert LookupZeroCheck();
        return state;
    }

    /// @dev sum_{i<k} γ^i (the claim: each h_i·(α − f_i) is 1 everywhere); leaves γ^k in the context.
    function _gammaSum(Ctx memory s) private pure returns (uint256 claim) {
        uint256 gammaPow = 1;
        for (uint256 i; i < s.k; ++i) {
            claim = addmod(claim, gammaPow, Fr.R);
            gammaPow = mulmod(gammaPow, s.gamma, Fr.R);
        }
        s.gammaK = gammaPow;
    }

    /// @dev sum_i γ^i·h_i(ρ)·(α − sum_c β^c f_{i,c}(ρ)), without the eq factor.
    function _witnessSummand(Ctx memory s, uint256[] calldata proof) private pure returns (uint256 sum) {
        uint256 gammaPow = 1;
        for (uint256 i; i < s.k; ++i) {
            uint256 f = _compress(proof, s.oEvals + s.k + i * s.arity, s.arity, s.beta);
            uint256 h = proof[s.oEvals + i];
            sum = addmod(sum, mulmod(gammaPow, mulmod(h, Fr.sub(s.alpha, f), Fr.R), Fr.R), Fr.R);
            gammaPow = mulmod(gammaPow, s.gamma, Fr.R);
        }
    }

    /// @dev g(ρ)·(α − sum_c β^c t_c(ρ)) − m(ρ), without the eq factor.
    function _tableSummand(Ctx memory s, Table calldata table, uint256[] calldata proof)
        private
        pure
        returns (uint256)
    {
        uint256 next = s.oTableEvals + 2;
        uint256 t;
        uint256 betaPow = 1;
        for (uint256 c; c < s.arity; ++c) {
            uint256 v;
            if (table.columns[2 * c] == KIND_RANGE) {
                v = _rangeColumn(table.columns[2 * c + 1], s.nt, s.point);
            } else {
                v = proof[next];
                ++next;
            }
            t = addmod(t, mulmod(betaPow, v, Fr.R), Fr.R);
            betaPow = mulmod(betaPow, s.beta, Fr.R);
        }
        return Fr.sub(mulmod(proof[s.oTableEvals], Fr.sub(s.alpha, t), Fr.R), proof[s.oTableEvals + 1]);
    }

    /// @dev The opening values in the order of docs/lookup.md.
    function _openingValues(Ctx memory s, uint256[] calldata proof) private pure returns (uint256[] memory v) {
        v = new uint256[](3 + 2 * s.k + s.committed);
        v[0] = proof[s.oTableEvals + 1];
        v[1] = proof[s.oTableEvals];
        v[2] = mulmod(proof[s.oSums + s.k], _halfPower(s.nt), Fr.R);
        uint256 witnessScale = _halfPower(s.nf);
        for (uint256 i; i < s.k; ++i) {
            v[3 + 2 * i] = proof[s.oEvals + i];
            v[4 + 2 * i] = mulmod(proof[s.oSums + i], witnessScale, Fr.R);
        }
        for (uint256 c; c < s.committed; ++c) {
            v[3 + 2 * s.k + c] = proof[s.oTableEvals + 2 + c];
        }
    }

    /// @dev sum_c beta^c · proof[o + c] for c < arity.
    function _compress(uint256[] calldata proof, uint256 o, uint256 arity, uint256 beta)
        private
        pure
        returns (uint256 acc)
    {
        uint256 betaPow = 1;
        for (uint256 c; c < arity; ++c) {
            acc = addmod(acc, mulmod(betaPow, proof[o + c], Fr.R), Fr.R);
            betaPow = mulmod(betaPow, beta, Fr.R);
        }
    }

    /// @dev The zero-padded range column [lo, lo + 2^bits) at y: (lo + sum_{i<bits} 2^i·y_i)·prod_{j>=bits}(1 − y_j).
    function _rangeColumn(uint256 lo, uint256 bits, uint256[] memory y) private pure returns (uint256 acc) {
        acc = lo;
        uint256 weight = 1;
        for (uint256 i; i < bits; ++i) {
            acc = addmod(acc, mulmod(weight, y[i], Fr.R), Fr.R);
            weight = addmod(weight, weight, Fr.R);
        }
        for (uint256 j = bits; j < y.length; ++j) {
            acc = mulmod(acc, Fr.sub(1, y[j]), Fr.R);
        }
    }

    /// @dev eq(x, z ‖ 0…0) = prod_{j<|z|} (1 − x_j − z_j + 2·x_j·z_j) · prod_{j>=|z|} (1 − x_j).
    function _eqLifted(uint256[] memory x, uint256[] memory z) private pure returns (uint256 acc) {
        acc = 1;
        for (uint256 j; j < x.length; ++j) {
            uint256 term;
            if (j < z.length) {
                uint256 xz = mulmod(x[j], z[j], Fr.R);
                term = addmod(Fr.sub(Fr.sub(1, x[j]), z[j]), addmod(xz, xz, Fr.R), Fr.R);
            } else {
                term = Fr.sub(1, x[j]);
            }
            acc = mulmod(acc, term, Fr.R);
        }
    }

    /// @dev (1/2)^n.
    function _halfPower(uint256 n) private pure returns (uint256 acc) {
        acc = 1;
        for (uint256 i; i < n; ++i) {
            acc = mulmod(acc, HALF, Fr.R);
        }
    }

    /// @dev n challenges under one label.
    function _challenges(bytes32 state, bytes32 label, uint256 n) private pure returns (bytes32, uint256[] memory out) {
        out = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (state, out[i]) = Transcript.challenge(state, label);
        }
        return (state, out);
    }

    /// @dev S = keccak256(S ‖ label ‖ words) for a non-empty memory array (the shape words are built here).
    function _absorbMemory(bytes32 state, bytes32 label, uint256[] memory words) private pure returns (bytes32 next) {
        uint256 n = words.length;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), label)
            mcopy(add(ptr, 0x40), add(words, 0x20), shl(5, n))
            next := keccak256(ptr, add(0x40, shl(5, n)))
        }
    }
}
