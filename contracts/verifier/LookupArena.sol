// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Fr} from "./Fr.sol";
import {Sumcheck} from "./Sumcheck.sol";
import {Transcript} from "./Transcript.sol";

/// @title LookupArena — the proof-wide LogUp verifier (docs/lookup.md, "The arena")
/// @notice The twin of `verifyArena` (src/lookup/arena-verifier.ts). Reads the arena's messages from a proof
/// stream in calldata at a byte offset, replays the transcript word for word, checks the one zero-check's final
/// equation (which also carries the LogUp sum identity) and returns the claims the caller must still prove:
/// opening records on M and H for its batch opening, the witness columns' values and the external table columns'
/// values, all at (prefixes of) the zero-check point ρ.
/// @dev WARNING: the result is not a verdict. M and H are absorbed as raw words; the batch opening's precompiles
/// that consume them reject a point off the curve. Stream (32-byte words): M.x M.y H.x H.y | N rounds × (c_0, c_2,
/// c_3) | per column (h_i, f_{i,0..a−1}) | per table (g_t, m_t, external t_{t,c}…).
library LookupArena {
    bytes32 internal constant LABEL_SHAPE = "arena.shape";
    bytes32 internal constant LABEL_M = "arena.m";
    bytes32 internal constant LABEL_BETA = "arena.beta";
    bytes32 internal constant LABEL_ALPHA = "arena.alpha";
    bytes32 internal constant LABEL_H = "arena.h";
    bytes32 internal constant LABEL_GAMMA = "arena.gamma";
    bytes32 internal constant LABEL_TAU = "arena.tau";
    bytes32 internal constant LABEL_EVALS = "arena.evals";

    /// @dev The zero-check is degree 3 (eq · h · (α − f)).
    uint256 internal constant DEGREE = 3;
    /// @dev 1/2 in Fr: eq(x, (½, …, ½)) = 2^−N on every x of the cube.
    uint256 internal constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;
    /// @dev Column kinds in `Table.columns` (kind, lo) pairs.
    uint256 internal constant KIND_RANGE = 0;
    uint256 internal constant KIND_EXTERNAL = 1;
    /// @dev Bounds of src/lookup: MAX_TABLE_VARS (table.ts) and MAX_ARENA_COLUMN_VARS (arena-protocol.ts).
    uint256 internal constant MAX_TABLE_VARS = 24;
    uint256 internal constant MAX_COLUMN_VARS = 32;
    /// @dev Opening records name M as 0 and H as 1 (the caller maps them to its batch-opening indices).
    uint256 internal constant POLY_M = 0;
    uint256 internal constant POLY_H = 1;
    /// @dev Words of M and H at the start of the stream.
    uint256 private constant COMMITMENT_WORDS = 4;
    /// @dev Fr's modulus, local so that assembly can name it.
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice A table: 2^numVars rows; `columns` holds (kind, lo) per column (lo = 0 for external); its
    /// multiplicities sit at slot `mSlot` of M and its helper g_t at slot `hSlot` of H (slot index = offset / 2^n).
    struct Table {
        uint256 numVars;
        uint256[] columns;
        uint256 mSlot;
        uint256 hSlot;
    }

    /// @notice A witness column: 2^numVars entries into table `table` (its index), helper h_i at slot `hSlot` of H.
    struct Column {
        uint256 table;
        uint256 numVars;
        uint256 hSlot;
    }

    /// @notice The verifier's constants (src/lookup/arena-encoding.ts `arenaVerifierShape`): N = max numVars,
    /// the variables of M and H, the tables and the witness columns in order.
    struct Shape {
        uint256 numVars;
        uint256 mVars;
        uint256 hVars;
        Table[] tables;
        Column[] columns;
    }

    /// @notice What the arena reduces to (the order of `ArenaClaims` in src/lookup/arena-types.ts).
    /// `columnValues`: per column its components at ρ[0..n_i), column after column. `tableColumnValues`: per
    /// table its external columns at ρ[0..n_t). `openings`: records (poly, n, point[n], value) — per column h_i
    /// on H, then per table g_t on H and m_t on M — with points lifted to their slots, as BatchOpening reads them.
    struct Claims {
        bytes32 state;
        uint256 next;
        uint256[4] commitments;
        uint256[] point;
        uint256[] columnValues;
        uint256[] tableColumnValues;
        uint256[] openings;
    }

    /// @notice Table `table` has no columns, or its column words are not (kind, lo) pairs.
    error ArenaTableColumns(uint256 table, uint256 words);
    /// @notice Table `table` has more than 2^MAX_TABLE_VARS rows.
    error ArenaTableVars(uint256 table, uint256 numVars);
    /// @notice Column `column` of table `table` has an unknown kind word, or a range bound that is not canonical.
    error ArenaColumnKind(uint256 table, uint256 column, uint256 kind);
    /// @notice Witness column `column` refers to table index `table`, which does not exist.
    error ArenaColumnTable(uint256 column, uint256 table);
    /// @notice Witness column `column` has more than 2^MAX_COLUMN_VARS entries.
    error ArenaColumnVars(uint256 column, uint256 numVars);
    /// @notice The shape's N is not the largest variable count of its tables and columns.
    error ArenaNumVars(uint256 given, uint256 expected);
    /// @notice A slot index does not fit the polynomial (`poly` 0 = M, 1 = H) for a table of `numVars` variables.
    error ArenaSlot(uint256 poly, uint256 slot, uint256 numVars);
    /// @notice The stream ends before the arena does.
    error ArenaProofTruncated(uint256 offset, uint256 needed, uint256 length);
    /// @notice The zero-check's final equation fails.
    error ArenaZeroCheck();

    /// @notice What {check} derived and read (k, T, A, the stream positions, the challenges, ρ), for
    /// {writeClaims}; in memory, which also keeps the stack shallow without via-IR.
    struct Ctx {
        uint256 k;
        uint256 tables;
        uint256 maxArity;
        uint256 evalWords;
        uint256 roundsPtr;
        uint256 evalsPtr;
        uint256 alpha;
        uint256 beta;
        uint256 gamma;
        uint256[] tau;
        uint256[] point;
        uint256 externalWords;
    }

    /// @notice Verifies the arena whose messages start at byte `offset` of `proof`, down to claims.
    /// @param state Transcript state before the arena.
    /// @param shape The verifier's constants; no witness columns = a skipped arena (nothing read or absorbed).
    /// @param proof The proof stream (calldata).
    /// @param offset Byte offset of the arena's first message in `proof`.
    function verify(bytes32 state, Shape memory shape, bytes calldata proof, uint256 offset)
        internal
        pure
        returns (Claims memory out)
    {
        Ctx memory s;
        (out, s) = check(state, shape, proof, offset);
        if (s.k != 0) _claims(out, shape, s);
    }

    /// @notice {verify}'s checks and transcript without building the claims' arrays: `out` holds the state,
    /// `next`, the commitments and ρ; the claims stay in the stream, where {writeClaims} reads them from (`s`).
    /// Why: a caller that places the claims in its own buffer ({ModelVerifierPcs.arena}) writes them once.
    function check(bytes32 state, Shape memory shape, bytes calldata proof, uint256 offset)
        internal
        pure
        returns (Claims memory out, Ctx memory s)
    {
        out.state = state;
        out.next = offset;
        if (shape.columns.length == 0) return (out, s);
        s = _context(shape);
        uint256 words = COMMITMENT_WORDS + DEGREE * shape.numVars + s.evalWords;
        if (offset > proof.length || proof.length - offset < words * 32) {
            revert ArenaProofTruncated(offset, words * 32, proof.length);
        }
        uint256 base;
        assembly ("memory-safe") {
            base := add(proof.offset, offset)
        }
        s.roundsPtr = base + COMMITMENT_WORDS * 32;
        s.evalsPtr = s.roundsPtr + DEGREE * shape.numVars * 32;
        // The round coefficients and the evaluations are contiguous: one pass checks both (the zero-check then
        // skips Sumcheck.verify's own pass).
        _checkCanonical(s.roundsPtr, DEGREE * shape.numVars + s.evalWords);
        out.commitments = [_word(base), _word(base + 32), _word(base + 64), _word(base + 96)];

        state = _absorbShape(state, shape, s);
        state = Transcript.absorbPoint(state, LABEL_M, out.commitments[0], out.commitments[1]);
        if (s.maxArity > 1 || s.tables > 1) (state, s.beta) = Transcript.challenge(state, LABEL_BETA);
        (state, s.alpha) = Transcript.challenge(state, LABEL_ALPHA);
        state = Transcript.absorbPoint(state, LABEL_H, out.commitments[2], out.commitments[3]);
        (state, s.gamma) = Transcript.challenge(state, LABEL_GAMMA);
        s.tau = new uint256[](shape.numVars);
        for (uint256 j; j < shape.numVars; ++j) {
            (state, s.tau[j]) = Transcript.challenge(state, LABEL_TAU);
        }
        state = _zeroCheck(state, shape, s);
        state = _absorbEvals(state, s);

        out.state = state;
        out.next = offset + words * 32;
        out.point = s.point;
    }

    /// @notice Words of the opening records {writeClaims} writes: per column (3 + hVars), per table (3 + hVars)
    /// and (3 + mVars); 0 for a skipped arena.
    function recordWords(Shape memory shape, Ctx memory s) internal pure returns (uint256) {
        if (s.k == 0) return 0;
        return (s.k + s.tables) * (3 + shape.hVars) + s.tables * (3 + shape.mVars);
    }

    /// @notice Words of the witness columns' values (Σ_i a_i) and of the external table columns' values.
    function valueWords(Ctx memory s) internal pure returns (uint256 columnWords, uint256 tableWords) {
        if (s.k == 0) return (0, 0);
        return (s.evalWords - s.k - 2 * s.tables - s.externalWords, s.externalWords);
    }

    /// @notice Writes the claims of a checked arena ({check}) at memory addresses: the opening records at `rec`
    /// ({recordWords} words; M named `polyM`, H `polyM` + 1), the witness columns' values at `val` and the
    /// external table columns' values at `tableVal` ({valueWords}). Nothing for a skipped arena.
    function writeClaims(Shape memory shape, Ctx memory s, uint256 rec, uint256 val, uint256 tableVal, uint256 polyM)
        internal
        pure
    {
        if (s.k == 0) return;
        (uint256 recAfter, uint256 ptr) = _columnClaims(shape, s, rec, val, polyM + 1);
        _tableClaims(shape, s, recAfter, tableVal, ptr, polyM);
    }

    /// @dev Validates the shape and derives k, T, A and the number of evaluation words Σ(1 + a_i) + Σ(2 + e_t).
    function _context(Shape memory shape) private pure returns (Ctx memory s) {
        s.k = shape.columns.length;
        s.tables = shape.tables.length;
        (uint256 maxVars, uint256 maxArity, uint256 tableWords) = _checkTables(shape);
        (uint256 columnMax, uint256 columnWords) = _checkColumns(shape);
        if (columnMax > maxVars) maxVars = columnMax;
        if (shape.numVars != maxVars) revert ArenaNumVars(shape.numVars, maxVars);
        s.maxArity = maxArity;
        s.evalWords = tableWords + columnWords;
        s.externalWords = tableWords - 2 * s.tables;
    }

    /// @dev Every table: columns as (kind, lo) pairs, kind range (lo < r) or external, at most MAX_TABLE_VARS
    /// variables, slots that fit M and H. Returns max n_t, max arity and Σ_t (2 + e_t).
    function _checkTables(Shape memory shape) private pure returns (uint256 maxVars, uint256 maxArity, uint256 words) {
        uint256 bad;
        uint256 code;
        assembly ("memory-safe") {
            let rMod := R_MODULUS
            let tables := mload(add(shape, 0x60))
            let mVars := mload(add(shape, 0x20))
            let hVars := mload(add(shape, 0x40))
            for { let t := 0 } lt(t, mload(tables)) { t := add(t, 1) } {
                let table := mload(add(tables, shl(5, add(t, 1))))
                let n := mload(table)
                let cols := mload(add(table, 0x20))
                let length := mload(cols)
                bad := t
                if or(iszero(length), and(length, 1)) {
                    code := 1
                    break
                }
                if gt(n, MAX_TABLE_VARS) {
                    code := 2
                    break
                }
                for { let c := 0 } lt(c, length) { c := add(c, 2) } {
                    let kind := mload(add(cols, shl(5, add(c, 1))))
                    if eq(kind, KIND_EXTERNAL) {
                        words := add(words, 1)
                        continue
                    }
                    if or(iszero(eq(kind, KIND_RANGE)), iszero(lt(mload(add(cols, shl(5, add(c, 2)))), rMod))) {
                        code := 3
                        break
                    }
                }
                if code { break }
                let mFree := sub(mVars, n)
                let hFree := sub(hVars, n)
                if or(
                    or(gt(n, mVars), or(gt(mFree, 255), shr(mFree, mload(add(table, 0x40))))),
                    or(gt(n, hVars), or(gt(hFree, 255), shr(hFree, mload(add(table, 0x60)))))
                ) {
                    code := 4
                    break
                }
                words := add(words, 2)
                if gt(n, maxVars) { maxVars := n }
                if gt(shr(1, length), maxArity) { maxArity := shr(1, length) }
            }
        }
        if (code != 0) _tableError(shape, bad, code);
    }

    /// @dev Reverts with the named error for table `bad` (the cold path of {_checkTables}).
    function _tableError(Shape memory shape, uint256 bad, uint256 code) private pure {
        Table memory table = shape.tables[bad];
        if (code == 1) revert ArenaTableColumns(bad, table.columns.length);
        if (code == 2) revert ArenaTableVars(bad, table.numVars);
        if (code == 3) {
            for (uint256 c; c < table.columns.length; c += 2) {
                uint256 kind = table.columns[c];
                if (kind != KIND_EXTERNAL && (kind != KIND_RANGE || table.columns[c + 1] > Fr.R - 1)) {
                    revert ArenaColumnKind(bad, c / 2, kind);
                }
            }
        }
        _checkSlot(POLY_M, table.mSlot, table.numVars, shape.mVars);
        _checkSlot(POLY_H, table.hSlot, table.numVars, shape.hVars);
    }

    /// @dev Every witness column: a known table, at most MAX_COLUMN_VARS variables, a slot that fits H. Returns
    /// max n_i and Σ_i (1 + a_i).
    function _checkColumns(Shape memory shape) private pure returns (uint256 maxVars, uint256 words) {
        uint256 bad = type(uint256).max;
        assembly ("memory-safe") {
            let tables := mload(add(shape, 0x60))
            let hVars := mload(add(shape, 0x40))
            let columns := mload(add(shape, 0x80))
            let end := add(columns, shl(5, add(mload(columns), 1)))
            for { let at := add(columns, 0x20) } lt(at, end) { at := add(at, 0x20) } {
                let column := mload(at)
                let t := mload(column)
                let n := mload(add(column, 0x20))
                // One test per column (the cold path below names the error): a known table, at most
                // MAX_COLUMN_VARS variables, a slot index below 2^(hVars − n).
                if or(
                    or(iszero(lt(t, mload(tables))), gt(n, MAX_COLUMN_VARS)),
                    or(gt(n, hVars), or(gt(sub(hVars, n), 255), shr(sub(hVars, n), mload(add(column, 0x40)))))
                ) {
                    bad := sub(shr(5, sub(at, columns)), 1)
                    break
                }
                if gt(n, maxVars) { maxVars := n }
                words := add(words, add(shr(1, mload(mload(add(mload(add(tables, shl(5, add(t, 1)))), 0x20)))), 1))
            }
        }
        if (bad == type(uint256).max) return (maxVars, words);
        Column memory column = shape.columns[bad];
        if (column.table >= shape.tables.length) revert ArenaColumnTable(bad, column.table);
        if (column.numVars > MAX_COLUMN_VARS) revert ArenaColumnVars(bad, column.numVars);
        _checkSlot(POLY_H, column.hSlot, column.numVars, shape.hVars);
    }

    /// @dev A slot of a 2^numVars table in a polynomial of polyVars variables has index < 2^(polyVars − numVars).
    function _checkSlot(uint256 poly, uint256 slot, uint256 numVars, uint256 polyVars) private pure {
        if (numVars > polyVars || polyVars - numVars > 255 || slot >> (polyVars - numVars) != 0) {
            revert ArenaSlot(poly, slot, numVars);
        }
    }

    /// @dev "arena.shape" = [T, k, N, A, per table (n_t, a_t, (kind, lo)…), per column (table, n_i)], written at the
    /// free-memory pointer after S ‖ label (scratch, not allocated) and hashed once.
    function _absorbShape(bytes32 state, Shape memory shape, Ctx memory s) private pure returns (bytes32 next) {
        uint256 k = s.k;
        uint256 tableCount = s.tables;
        uint256 maxArity = s.maxArity;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, state)
            mstore(add(buf, 0x20), LABEL_SHAPE)
            mstore(add(buf, 0x40), tableCount)
            mstore(add(buf, 0x60), k)
            mstore(add(buf, 0x80), mload(shape))
            mstore(add(buf, 0xa0), maxArity)
            let out := add(buf, 0xc0)
            let tables := mload(add(shape, 0x60))
            for { let t := 0 } lt(t, tableCount) { t := add(t, 1) } {
                let table := mload(add(tables, shl(5, add(t, 1))))
                let cols := mload(add(table, 0x20))
                let words := mload(cols)
                mstore(out, mload(table))
                mstore(add(out, 0x20), shr(1, words))
                mcopy(add(out, 0x40), add(cols, 0x20), shl(5, words))
                out := add(out, shl(5, add(words, 2)))
            }
            let columns := mload(add(shape, 0x80))
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let column := mload(add(columns, shl(5, add(i, 1))))
                mstore(out, mload(column))
                mstore(add(out, 0x20), mload(add(column, 0x20)))
                out := add(out, 0x40)
            }
            next := keccak256(buf, sub(out, buf))
        }
    }

    /// @dev The sum-check of Σ_x eq(τ, x)·[Σ_i γ^i h_i F_i + Σ_t γ^{k+t}(g_t G_t + m_t)] + γ^{k+T}·Σ_x eq(½, x)·L_s
    /// = Σ_{i<k} γ^i, then its final equation at ρ (F_i = α_t − Σ_c β^c f_{i,c}, G_t likewise with the table's
    /// columns, L_s = Σ_i 2^{n_i} h_i + Σ_t 2^{n_t} g_t; eq(ρ, ½) = 2^−N).
    function _zeroCheck(bytes32 state, Shape memory shape, Ctx memory s) private pure returns (bytes32) {
        uint256 claim;
        uint256 gammaPow = 1;
        for (uint256 i; i < s.k; ++i) {
            claim = addmod(claim, gammaPow, Fr.R);
            gammaPow = mulmod(gammaPow, s.gamma, Fr.R);
        }
        uint256 expected;
        uint256[] calldata rounds = _calldataWords(s.roundsPtr, DEGREE * shape.numVars);
        (state, s.point, expected) = Sumcheck.verifyCanonical(state, claim, shape.numVars, DEGREE, rounds);
        (uint256 tauPart, uint256 sumPart) = _summands(shape, s);
        if (addmod(mulmod(_eq(s.point, s.tau), tauPart, Fr.R), sumPart, Fr.R) != expected) revert ArenaZeroCheck();
        return state;
    }

    /// @dev The eq(τ, ·)-weighted summand at ρ (without eq) and the γ^{k+T}·2^−N·L_s(ρ) part, reading the evaluations
    /// from calldata in stream order. Per column: h_i·(α_t − Σ_c β^c f_{i,c}) with α_t = α − β^A·t; per table:
    /// g_t·(α_t − Σ_c β^c t_{t,c}) + m_t, a range column in closed form lo + Σ_{j<n_t} 2^j ρ_j.
    function _summands(Shape memory shape, Ctx memory s) private pure returns (uint256 tauPart, uint256 sumPart) {
        uint256 tag = _pow(s.beta, s.maxArity);
        (uint256 tauColumns, uint256 lsColumns, uint256 gammaPow, uint256 ptr) = _columnSummands(shape, s, tag);
        (uint256 tauTables, uint256 lsTables, uint256 gammaLast) = _tableSummands(shape, s, tag, gammaPow, ptr);
        tauPart = addmod(tauColumns, tauTables, Fr.R);
        uint256 scale = mulmod(gammaLast, _pow(HALF, shape.numVars), Fr.R);
        sumPart = mulmod(scale, addmod(lsColumns, lsTables, Fr.R), Fr.R);
    }

    /// @dev Σ_i γ^i h_i·(α_t − Σ_c β^c f_{i,c}) and Σ_i 2^{n_i} h_i; returns γ^k and the stream position after.
    /// (Challenges are read from `s` in assembly: α at 0xc0, β at 0xe0, γ at 0x100 — the Ctx field order.)
    function _columnSummands(Shape memory shape, Ctx memory s, uint256 tag)
        private
        pure
        returns (uint256 tauPart, uint256 ls, uint256 gammaPow, uint256 ptr)
    {
        ptr = s.evalsPtr;
        gammaPow = 1;
        assembly ("memory-safe") {
            let end := add(mload(add(shape, 0x80)), shl(5, add(mload(mload(add(shape, 0x80))), 1)))
            for { let at := add(mload(add(shape, 0x80)), 0x20) } lt(at, end) { at := add(at, 0x20) } {
                // the modulus on the stack once per column (a literal is re-loaded by CODECOPY at every use)
                let r := R_MODULUS
                let column := mload(at)
                ls := addmod(ls, mulmod(shl(mload(add(column, 0x20)), 1), calldataload(ptr), r), r)
                // F = α − (tag·t + Σ_c β^c f_{i,c}): the column's values follow h_i at ptr; its arity is its
                // table's (kind, lo) words / 2 (shape.tables at 0x60). `column` then holds its last value's
                // position (no stack slot left for another name).
                // The first value's weight β^0 = 1 is not multiplied, and a column of arity 1 (most) runs no loop.
                let f := addmod(mulmod(tag, mload(column), r), calldataload(add(ptr, 0x20)), r)
                let betaPow := mload(add(s, 0xe0))
                column := mload(add(mload(add(shape, 0x60)), shl(5, add(mload(column), 1))))
                column := add(ptr, shl(5, shr(1, mload(mload(add(column, 0x20))))))
                for { let q := add(ptr, 0x40) } iszero(gt(q, column)) { q := add(q, 0x20) } {
                    f := addmod(f, mulmod(betaPow, calldataload(q), r), r)
                    betaPow := mulmod(betaPow, mload(add(s, 0xe0)), r)
                }
                f := mulmod(calldataload(ptr), addmod(mload(add(s, 0xc0)), sub(r, f), r), r)
                tauPart := addmod(tauPart, mulmod(gammaPow, f, r), r)
                gammaPow := mulmod(gammaPow, mload(add(s, 0x100)), r)
                ptr := add(column, 0x20)
            }
        }
    }

    /// @dev Σ_t γ^{k+t} (g_t·(α_t − Σ_c β^c t_{t,c}) + m_t) and Σ_t 2^{n_t} g_t; returns γ^{k+T}.
    function _tableSummands(Shape memory shape, Ctx memory s, uint256 tag, uint256 gammaPow, uint256 ptr)
        private
        pure
        returns (uint256 tauPart, uint256 ls, uint256)
    {
        for (uint256 t; t < shape.tables.length; ++t) {
            Table memory table = shape.tables[t];
            // + γ^{k+t}·m_t
            tauPart = addmod(tauPart, mulmod(gammaPow, _word(ptr + 32), Fr.R), Fr.R);
            uint256 g = _word(ptr);
            uint256 v;
            (v, ptr) = _fingerprint(table, s, mulmod(tag, t, Fr.R), ptr + 64);
            tauPart = addmod(tauPart, mulmod(gammaPow, mulmod(g, Fr.sub(s.alpha, v), Fr.R), Fr.R), Fr.R);
            ls = addmod(ls, mulmod(1 << table.numVars, g, Fr.R), Fr.R);
            gammaPow = mulmod(gammaPow, s.gamma, Fr.R);
        }
        return (tauPart, ls, gammaPow);
    }

    /// @dev v0 + Σ_c β^c t_{t,c}(ρ) for a table: a range column in closed form lo + Σ_{j<n_t} 2^j ρ_j, an
    /// external column read from the stream at `ptr`; returns the position after. (ρ at 0x140 and β at 0xe0 of
    /// `s`: the Ctx field order.)
    function _fingerprint(Table memory table, Ctx memory s, uint256 v0, uint256 ptr)
        private
        pure
        returns (uint256 v, uint256)
    {
        v = v0;
        uint256[] memory cols = table.columns;
        uint256 numVars = table.numVars;
        assembly ("memory-safe") {
            let r := R_MODULUS
            let betaPow := 1
            let end := add(cols, add(0x20, shl(5, mload(cols))))
            for { let at := add(cols, 0x20) } lt(at, end) { at := add(at, 0x40) } {
                let value := calldataload(ptr)
                switch mload(at)
                case 0 {
                    value := mload(add(at, 0x20))
                    let point := add(mload(add(s, 0x140)), 0x20)
                    for { let j := 0 } lt(j, numVars) { j := add(j, 1) } {
                        value := addmod(value, mulmod(shl(j, 1), mload(add(point, shl(5, j))), r), r)
                    }
                }
                default { ptr := add(ptr, 0x20) }
                v := addmod(v, mulmod(betaPow, value, r), r)
                betaPow := mulmod(betaPow, mload(add(s, 0xe0)), r)
            }
        }
        return (v, ptr);
    }

    /// @dev "arena.evals": the evaluation words, hashed straight from calldata (checked canonical earlier).
    function _absorbEvals(bytes32 state, Ctx memory s) private pure returns (bytes32) {
        return Transcript.absorbWords(state, LABEL_EVALS, _calldataWords(s.evalsPtr, s.evalWords));
    }

    /// @dev The `n` calldata words at absolute position `ptr` as a calldata array (no copy).
    function _calldataWords(uint256 ptr, uint256 n) private pure returns (uint256[] calldata words) {
        assembly ("memory-safe") {
            words.offset := ptr
            words.length := n
        }
    }

    /// @dev The claims as {Claims}' arrays: witness values (copied from calldata), external table values and the
    /// opening records on M (poly 0) and H (poly 1).
    function _claims(Claims memory out, Shape memory shape, Ctx memory s) private pure {
        (uint256 columnWords, uint256 tableWords) = valueWords(s);
        out.columnValues = new uint256[](columnWords);
        out.tableColumnValues = new uint256[](tableWords);
        out.openings = new uint256[](recordWords(shape, s));
        uint256[] memory records = out.openings;
        uint256[] memory values = out.columnValues;
        uint256[] memory tableValues = out.tableColumnValues;
        uint256 rec;
        uint256 val;
        uint256 tableVal;
        assembly ("memory-safe") {
            rec := add(records, 0x20)
            val := add(values, 0x20)
            tableVal := add(tableValues, 0x20)
        }
        writeClaims(shape, s, rec, val, tableVal, POLY_M);
    }

    /// @dev Per witness column: its h_i record (polyH, hVars, ρ_<n, bits of the slot, h_i) at `rec` and its
    /// component values (copied from the stream) at `val`; returns the record and stream positions after them.
    function _columnClaims(Shape memory shape, Ctx memory s, uint256 rec, uint256 val, uint256 polyH)
        private
        pure
        returns (uint256, uint256 ptr)
    {
        ptr = s.evalsPtr;
        uint256 hVars = shape.hVars;
        assembly ("memory-safe") {
            // The 16 patterns of 4 selector bits at the free-memory pointer (scratch, not advanced: nothing
            // allocates below), 4 words each, least significant bit first: word j of entry v is (v >> j) & 1.
            // One MCOPY of an entry then writes 4 bits (~40 gas less than 4 shifted, masked MSTOREs). Built by
            // doubling: entries 0 and 1 written, then entries [2^j, 2^{j+1}) = a copy of [0, 2^j) with word j set
            // (22 MSTOREs and 3 MCOPYs, every word written: the scratch may hold anything).
            {
                let t := mload(0x40)
                mstore(t, 0)
                mstore(add(t, 0x20), 0)
                mstore(add(t, 0x40), 0)
                mstore(add(t, 0x60), 0)
                mstore(add(t, 0x80), 1)
                mstore(add(t, 0xa0), 0)
                mstore(add(t, 0xc0), 0)
                mstore(add(t, 0xe0), 0)
                for { let j := 1 } lt(j, 4) { j := add(j, 1) } {
                    // 2^j entries of 0x80 bytes
                    let half := shl(add(j, 7), 1)
                    mcopy(add(t, half), t, half)
                    for { let e := add(add(t, half), shl(5, j)) } lt(e, add(t, shl(1, half))) { e := add(e, 0x80) } {
                        mstore(e, 1)
                    }
                }
            }
            // ρ at 0x140 of `s` (the Ctx field order); shape.tables at 0x60, shape.columns at 0x80.
            let rho := add(mload(add(s, 0x140)), 0x20)
            let tables := mload(add(shape, 0x60))
            let end := add(mload(add(shape, 0x80)), shl(5, add(mload(mload(add(shape, 0x80))), 1)))
            for { let at := add(mload(add(shape, 0x80)), 0x20) } lt(at, end) { at := add(at, 0x20) } {
                let column := mload(at)
                let n := mload(add(column, 0x20))
                mstore(rec, polyH)
                mstore(add(rec, 0x20), hVars)
                mcopy(add(rec, 0x40), rho, shl(5, n))
                // The slot's selector bits, least significant first, four words per iteration copied from the
                // pattern table: the last copy may write up to 3 words past the bits — the value (written next)
                // and the next record's first two words, written after; a column's record is always followed by
                // its table's records.
                let slot := mload(add(column, 0x40))
                let last := add(rec, shl(5, add(hVars, 2)))
                for { let q := add(rec, shl(5, add(n, 2))) } lt(q, last) { q := add(q, 0x80) } {
                    mcopy(q, add(mload(0x40), shl(7, and(slot, 15))), 0x80)
                    slot := shr(4, slot)
                }
                mstore(last, calldataload(ptr))
                rec := add(last, 0x20)
                // the component values: arity = the column's table's (kind, lo) words / 2
                n := shl(5, shr(1, mload(mload(add(mload(add(tables, shl(5, add(mload(column), 1)))), 0x20)))))
                calldatacopy(val, add(ptr, 0x20), n)
                val := add(val, n)
                ptr := add(ptr, add(n, 0x20))
            }
        }
        return (rec, ptr);
    }

    /// @dev Per table: its g_t record on H (`polyM` + 1), its m_t record on M (`polyM`) at `rec`, and its external
    /// columns' values at `val`.
    function _tableClaims(Shape memory shape, Ctx memory s, uint256 rec, uint256 val, uint256 ptr, uint256 polyM)
        private
        pure
    {
        uint256[] memory point = s.point;
        assembly ("memory-safe") {
            let tables := mload(add(shape, 0x60))
            for { let t := 0 } lt(t, mload(tables)) { t := add(t, 1) } {
                let table := mload(add(tables, shl(5, add(t, 1))))
                let n := mload(table)
                // (polyM + 1, hVars, ρ_<n, bits of hSlot, g_t) then (polyM, mVars, ρ_<n, bits of mSlot, m_t)
                for { let which := 0 } lt(which, 2) { which := add(which, 1) } {
                    let polyVars := mload(add(shape, sub(0x40, shl(5, which))))
                    let slot := mload(add(table, sub(0x60, shl(5, which))))
                    mstore(rec, sub(add(polyM, 1), which))
                    mstore(add(rec, 0x20), polyVars)
                    mcopy(add(rec, 0x40), add(point, 0x20), shl(5, n))
                    let last := add(rec, shl(5, add(polyVars, 2)))
                    for { let q := add(rec, shl(5, add(n, 2))) } lt(q, last) { q := add(q, 0x20) } {
                        mstore(q, and(slot, 1))
                        slot := shr(1, slot)
                    }
                    mstore(last, calldataload(add(ptr, shl(5, which))))
                    rec := add(last, 0x20)
                }
                ptr := add(ptr, 0x40)
                let cols := mload(add(table, 0x20))
                let end := add(cols, add(0x20, shl(5, mload(cols))))
                for { let c := add(cols, 0x20) } lt(c, end) { c := add(c, 0x40) } {
                    if eq(mload(c), KIND_EXTERNAL) {
                        mstore(val, calldataload(ptr))
                        val := add(val, 0x20)
                        ptr := add(ptr, 0x20)
                    }
                }
            }
        }
    }

    /// @dev eq(x, z) = Π_j (1 − x_j − z_j + 2·x_j·z_j) for points of equal length.
    function _eq(uint256[] memory x, uint256[] memory z) private pure returns (uint256 acc) {
        assembly ("memory-safe") {
            let r := R_MODULUS
            acc := 1
            let n := mload(x)
            for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                let xj := mload(add(x, shl(5, add(j, 1))))
                let zj := mload(add(z, shl(5, add(j, 1))))
                let xz := mulmod(xj, zj, r)
                // 1 − x − z + 2xz, with x, z < r: 1 + 2xz + (r − x) + (r − z), reduced
                let term := addmod(addmod(1, addmod(xz, xz, r), r), addmod(sub(r, xj), sub(r, zj), r), r)
                acc := mulmod(acc, term, r)
            }
        }
    }

    /// @dev b^e for a small e.
    function _pow(uint256 b, uint256 e) private pure returns (uint256 acc) {
        unchecked {
            acc = 1;
            for (uint256 i; i < e; ++i) {
                acc = mulmod(acc, b, Fr.R);
            }
        }
    }

    /// @dev Reverts with FieldElementNotCanonical on the first of `n` words at `ptr` that is >= r.
    function _checkCanonical(uint256 ptr, uint256 n) private pure {
        bool ok;
        assembly ("memory-safe") {
            let rMod := R_MODULUS
            ok := 1
            let end := add(ptr, shl(5, n))
            for { let p := ptr } lt(p, end) { p := add(p, 0x20) } {
                ok := and(ok, lt(calldataload(p), rMod))
            }
        }
        if (ok) return;
        for (uint256 i; i < n; ++i) {
            Fr.checked(_word(ptr + 32 * i));
        }
    }

    /// @dev The calldata word at absolute position `ptr`.
    function _word(uint256 ptr) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := calldataload(ptr)
        }
    }
}
