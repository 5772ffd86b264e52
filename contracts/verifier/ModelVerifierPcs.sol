// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HyperKZG} from "./HyperKZG.sol";
import {LookupArena} from "./LookupArena.sol";
import {ProofStream} from "./layers/ProofStream.sol";
import {OpeningBatch} from "./layers/OpeningBatch.sol";
import {Program} from "./layers/Program.sol";
import {ClaimBook} from "./layers/ClaimBook.sol";
import {PublicTensor} from "./layers/PublicTensor.sol";

/// @title ModelVerifierPcs — the arena, the batch opening and public-tensor evaluations of a model verifier
/// @notice Split from {ModelVerifier} only to keep every deployed library under the 24,576-byte code limit
/// (EIP-170): these steps take plain inputs (the transcript state, constants, the proof or statement bytes and a
/// byte offset), so the bytes are simply passed again. The arena and the opening continue the caller's
/// transcript and report where the stream continues.
library ModelVerifierPcs {
    /// @dev {_packArena}: words before the arrays (state, next, 4 commitment words) and the number of arrays.
    uint256 private constant ARENA_FIXED_WORDS = 6;
    uint256 private constant ARENA_ARRAYS = 7;

    /// @notice LookupArena.verify on the proof's bytes from `offset` (a byte offset into `proof`), for the shape
    /// encoded in `section` (the arena section of the model's program).
    /// @return The arena's outcome packed as words ({_packArena}), for the caller to view in place.
    function arena(bytes32 state, bytes memory section, bytes calldata proof, uint256 offset)
        public
        view
        returns (bytes memory)
    {
        Program.Reader memory r = Program.reader(section);
        LookupArena.Shape memory shape = _arenaShape(r);
        Program.finish(r);
        return _packArena(LookupArena.verify(state, shape, proof, offset), shape);
    }

    /// @dev The arena's claims and what the interpreter needs of the shape, as 32-byte words: state, next, the 4
    /// commitment words (M, H), then arrays as [length, items…] — ρ, the column values, the external table
    /// column values, the opening records (poly 0 = M, 1 = H, n, point, value), per witness column its
    /// variables, per witness column the offset of its values, and per table (variables, columns, column kinds).
    /// Why: returned as `bytes` it costs one MCOPY and one RETURNDATACOPY, and the interpreter views each array
    /// where it lies ({Machine.arrayAt}); the nested structs cost ~160k gas of ABI coding on a CNN.
    function _packArena(LookupArena.Claims memory c, LookupArena.Shape memory shape)
        private
        pure
        returns (bytes memory)
    {
        uint256 k = shape.columns.length;
        LookupArena.Table[] memory tables = shape.tables;
        uint256 tableWords;
        for (uint256 t; t < tables.length; ++t) tableWords += 2 + tables[t].columns.length / 2;
        uint256[] memory w = new uint256[](
            ARENA_FIXED_WORDS + ARENA_ARRAYS + c.point.length + c.columnValues.length + c.tableColumnValues.length
                + c.openings.length + 2 * k + tableWords
        );
        w[0] = uint256(c.state);
        w[1] = c.next;
        for (uint256 i; i < 4; ++i) w[2 + i] = c.commitments[i];
        uint256 at = _putArray(w, ARENA_FIXED_WORDS, c.point);
        at = _putArray(w, at, c.columnValues);
        at = _putArray(w, at, c.tableColumnValues);
        at = _putArray(w, at, c.openings);
        LookupArena.Column[] memory columns = shape.columns;
        // Memory layouts: a struct array holds pointers; Column = (table, numVars, hSlot), Table = (numVars,
        // columns pointer, mSlot, hSlot) and its columns array (length, (kind, lo) pairs).
        assembly ("memory-safe") {
            let out := add(w, shl(5, add(at, 1)))
            mstore(out, k)
            let offsets := add(out, shl(5, add(k, 1)))
            mstore(offsets, k)
            let offset := 0
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let column := mload(add(columns, shl(5, add(i, 1))))
                mstore(add(out, shl(5, add(i, 1))), mload(add(column, 0x20)))
                mstore(add(offsets, shl(5, add(i, 1))), offset)
                let table := mload(add(tables, shl(5, add(mload(column), 1))))
                offset := add(offset, shr(1, mload(mload(add(table, 0x20)))))
            }
            out := add(offsets, shl(5, add(k, 1)))
            mstore(out, tableWords)
            out := add(out, 0x20)
            for { let t := 0 } lt(t, mload(tables)) { t := add(t, 1) } {
                let table := mload(add(tables, shl(5, add(t, 1))))
                let pairs := mload(add(table, 0x20))
                let n := shr(1, mload(pairs))
                mstore(out, mload(table))
                mstore(add(out, 0x20), n)
                out := add(out, 0x40)
                for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                    mstore(out, mload(add(add(pairs, 0x20), shl(6, j))))
                    out := add(out, 0x20)
                }
            }
        }
        return ClaimBook.asBytes(w);
    }

    /// @dev Writes [a.length, a…] at word `at` of `w`; returns the word after it.
    function _putArray(uint256[] memory w, uint256 at, uint256[] memory a) private pure returns (uint256) {
        uint256 n = a.length;
        w[at] = n;
        assembly ("memory-safe") {
            mcopy(add(w, shl(5, add(at, 2))), add(a, 0x20), shl(5, n))
        }
        return at + 1 + n;
    }

    /// @dev u8 N, u8 mVars, u8 hVars, u8 tables; per table u8 numVars, u8 columns, per column (u8 kind, word lo),
    /// u32 mSlot, u32 hSlot; u16 columns; per column u8 table, u8 numVars, u32 hSlot.
    function _arenaShape(Program.Reader memory r) private pure returns (LookupArena.Shape memory shape) {
        shape.numVars = Program.u8(r);
        shape.mVars = Program.u8(r);
        shape.hVars = Program.u8(r);
        shape.tables = new LookupArena.Table[](Program.u8(r));
        for (uint256 t; t < shape.tables.length; ++t) {
            LookupArena.Table memory table = shape.tables[t];
            table.numVars = Program.u8(r);
            table.columns = new uint256[](2 * Program.u8(r));
            for (uint256 c; c < table.columns.length; c += 2) {
                table.columns[c] = Program.u8(r);
                table.columns[c + 1] = Program.word(r);
            }
            table.mSlot = Program.u32(r);
            table.hSlot = Program.u32(r);
        }
        shape.columns = new LookupArena.Column[](Program.u16(r));
        for (uint256 i; i < shape.columns.length; ++i) {
            shape.columns[i].table = Program.u8(r);
            shape.columns[i].numVars = Program.u8(r);
            shape.columns[i].hSlot = Program.u32(r);
        }
    }


    /// @notice The MLE at `point` of the int32 big-endian tensor of `shape` at byte `offset` of `data` (the
    /// statement's input or output bytes, whose length the caller checked).
    function publicTensor(bytes calldata data, uint256 offset, uint256[] memory shape, uint256[] memory point)
        public
        pure
        returns (uint256)
    {
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.evaluate(at, shape, point);
    }

    /// @notice The index of the first of `count` int32 values at byte `offset` of `data` outside [lo, hi]
    /// (type(uint256).max if none).
    function firstOutOfRange(bytes calldata data, uint256 offset, uint256 count, int256 lo, int256 hi)
        public
        pure
        returns (uint256)
    {
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.firstOutOfRange(at, count, lo, hi);
    }

    /// @notice OpeningBatch.verify on the records, its messages read from `tail` — the proof stream from byte
    /// `offset` on (the interpreter passes only what is left of the stream) — which must end exactly after them.
    /// @param commitments The commitment words x_0, y_0, … (32 bytes each).
    /// @param records The opening records' words (32 bytes each; at least `count` records, the rest ignored).
    /// @param offset Where `tail` starts in the whole stream: reverts name byte offsets of the whole stream.
    /// @dev Words travel as `bytes` (the caller views its uint256[] buffers as bytes, {ClaimBook.asBytes}) and
    /// stay in this call's calldata, read in place: the ABI coder copies `bytes` in one MCOPY / CALLDATACOPY
    /// but a uint256[] element by element (~150 gas a word on both sides for a CNN's ~1,600 record words).
    /// Passing only the stream's tail keeps the caller's memory (priced quadratically) from growing by the
    /// whole proof again.
    /// @return The transcript state after the opening.
    function opening(
        bytes32 state,
        bytes calldata commitments,
        bytes calldata records,
        uint256 count,
        HyperKZG.VerifierKey memory vk,
        bytes calldata tail,
        uint256 offset
    ) public view returns (bytes32) {
        ProofStream.Stream memory s = ProofStream.open(tail, state);
        // The stream's start as if the whole proof were here, so error offsets count from the proof's first byte.
        s.start -= offset;
        if (count != 0) OpeningBatch.verify(s, _words(commitments), _words(records), count, vk);
        ProofStream.close(s);
        return s.state;
    }

    /// @dev A calldata byte string viewed as its whole 32-byte words.
    function _words(bytes calldata b) private pure returns (uint256[] calldata w) {
        assembly ("memory-safe") {
            w.offset := b.offset
            w.length := shr(5, b.length)
        }
    }
}
