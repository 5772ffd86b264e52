// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HyperKZG} from "./HyperKZG.sol";
import {LookupArena} from "./LookupArena.sol";
import {ProofStream} from "./layers/ProofStream.sol";
import {OpeningBatch} from "./layers/OpeningBatch.sol";
import {Program} from "./layers/Program.sol";
import {PublicTensor} from "./layers/PublicTensor.sol";

/// @title ModelVerifierPcs — the arena, the batch opening and public-tensor evaluations of a model verifier
/// @notice Split from {ModelVerifier} only to keep every deployed library under the 24,576-byte code limit
/// (EIP-170): these steps take plain inputs (the transcript state, constants, the proof or statement bytes and a
/// byte offset), so the bytes are simply passed again. The arena and the opening continue the caller's
/// transcript and report where the stream continues.
library ModelVerifierPcs {
    /// @dev {arena}'s outcome: the header words (state, next, the 4 commitment words of M and H, the number of
    /// opening records and their words), then the records, then the arrays (ρ, column values, external table
    /// column values, per column its variables, per column the offset of its values, the tables).
    uint256 internal constant ARENA_HEADER_WORDS = 8;
    uint256 private constant ARENA_ARRAYS = 6;
    /// @dev The ABI head of a returned `bytes`: its offset word and its length word.
    uint256 private constant BYTES_HEAD_WORDS = 2;

    /// @notice LookupArena.verify on the proof's bytes from `offset` (a byte offset into `proof`), for the shape
    /// encoded in `section` (the arena section of the model's program); its M/H opening records name M as batch
    /// polynomial `polyM` and H as `polyM` + 1.
    /// @return The arena's outcome as words ({_packArena}), for the caller to copy where it needs them.
    function arena(bytes32 state, bytes memory section, bytes calldata proof, uint256 offset, uint256 polyM)
        public
        view
        returns (bytes memory)
    {
        LookupArena.Shape memory shape = _arenaShape(section);
        (LookupArena.Claims memory c, LookupArena.Ctx memory s) = LookupArena.check(state, shape, proof, offset);
        uint256[] memory w = _packArena(c, s, shape, polyM);
        assembly ("memory-safe") {
            // w's words are already the ABI encoding of a `bytes` (offset, length, data): returned where they lie.
            return(add(w, 0x20), shl(5, mload(w)))
        }
    }

    /// @dev [0x20, byte length] ‖ header ‖ records ‖ arrays [length, items…] (see ARENA_HEADER_WORDS), the claims
    /// written once, straight from the stream (LookupArena.writeClaims). Why: the interpreter copies the records
    /// from the return data into its record buffer and the arrays into fresh memory, each once, and views the
    /// arrays in place ({Machine.arrayAt}) — no ABI coder, no second copy in its (large, quadratically priced)
    /// memory.
    function _packArena(
        LookupArena.Claims memory c,
        LookupArena.Ctx memory s,
        LookupArena.Shape memory shape,
        uint256 polyM
    ) private pure returns (uint256[] memory w) {
        uint256 records = LookupArena.recordWords(shape, s);
        (uint256 columnWords, uint256 tableValueWords) = LookupArena.valueWords(s);
        uint256 tableWords;
        for (uint256 t; t < shape.tables.length; ++t) tableWords += 2 + shape.tables[t].columns.length / 2;
        w = _uninitialized(
            BYTES_HEAD_WORDS + ARENA_HEADER_WORDS + records + ARENA_ARRAYS + c.point.length + columnWords
                + tableValueWords + 2 * shape.columns.length + tableWords
        );
        w[0] = 0x20;
        w[1] = 32 * (w.length - BYTES_HEAD_WORDS);
        w[2] = uint256(c.state);
        w[3] = c.next;
        for (uint256 i; i < 4; ++i) w[4 + i] = c.commitments[i];
        w[8] = records == 0 ? 0 : s.k + 2 * s.tables;
        w[9] = records;
        uint256 at = BYTES_HEAD_WORDS + ARENA_HEADER_WORDS + records;
        at = _putArray(w, at, c.point);
        w[at] = columnWords;
        w[at + 1 + columnWords] = tableValueWords;
        LookupArena.writeClaims(
            shape,
            s,
            _addressOf(w, BYTES_HEAD_WORDS + ARENA_HEADER_WORDS),
            _addressOf(w, at + 1),
            _addressOf(w, at + 2 + columnWords),
            polyM
        );
        _putShape(w, at + 2 + columnWords + tableValueWords, shape, tableWords);
    }

    /// @dev A uint256[] of `n` words whose contents are not cleared: every word of {_packArena}'s buffer is written
    /// (the header, the records and values by LookupArena.writeClaims, the arrays), so the zero fill of `new`
    /// (a CALLDATACOPY of n words, ~3 gas each: 14k for self_attention's ~4.6k words) is skipped.
    function _uninitialized(uint256 n) private pure returns (uint256[] memory w) {
        assembly ("memory-safe") {
            w := mload(0x40)
            mstore(w, n)
            mstore(0x40, add(w, shl(5, add(n, 1))))
        }
    }

    /// @dev Per witness column its variables, per witness column the offset of its values, and per table
    /// (variables, columns, column kinds), as arrays from word `at` of `w`.
    function _putShape(uint256[] memory w, uint256 at, LookupArena.Shape memory shape, uint256 tableWords)
        private
        pure
    {
        uint256 k = shape.columns.length;
        LookupArena.Table[] memory tables = shape.tables;
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

    /// @dev The memory address of word `i` of `w`.
    function _addressOf(uint256[] memory w, uint256 i) private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := add(w, shl(5, add(i, 1)))
        }
    }

    /// @dev The shape from the program's arena section: u8 N, u8 mVars, u8 hVars, u8 tables; per table u8 numVars,
    /// u8 columns, per column (u8 kind, word lo), u32 mSlot, u32 hSlot; u16 columns; per column u8 table, u8
    /// numVars, u32 hSlot — decoded in one pass straight into the structs' memory layout (Shape = (numVars, mVars,
    /// hVars, tables pointer, columns pointer); the arrays hold struct pointers). The section must be read
    /// exactly (Program.finish); a malformed one reads past its end only into memory that is then refused.
    function _arenaShape(bytes memory section) private pure returns (LookupArena.Shape memory shape) {
        Program.Reader memory r = Program.reader(section);
        uint256 p = r.ptr;
        assembly ("memory-safe") {
            let head := mload(p)
            mstore(shape, byte(0, head))
            mstore(add(shape, 0x20), byte(1, head))
            mstore(add(shape, 0x40), byte(2, head))
            let count := byte(3, head)
            p := add(p, 4)
            let free := mload(0x40)
            let tables := free
            mstore(tables, count)
            free := add(tables, shl(5, add(count, 1)))
            for { let t := 0 } lt(t, count) { t := add(t, 1) } {
                // Table (numVars, columns pointer, mSlot, hSlot), then its (kind, lo) array.
                let table := free
                let kinds := byte(1, mload(p))
                mstore(table, byte(0, mload(p)))
                p := add(p, 2)
                let pairs := add(table, 0x80)
                mstore(add(table, 0x20), pairs)
                mstore(pairs, shl(1, kinds))
                free := add(pairs, 0x20)
                for { let c := 0 } lt(c, kinds) { c := add(c, 1) } {
                    mstore(free, byte(0, mload(p)))
                    mstore(add(free, 0x20), mload(add(p, 1)))
                    free := add(free, 0x40)
                    p := add(p, 33)
                }
                mstore(add(table, 0x40), shr(224, mload(p)))
                mstore(add(table, 0x60), shr(224, mload(add(p, 4))))
                p := add(p, 8)
                mstore(add(tables, shl(5, add(t, 1))), table)
            }
            mstore(0x40, free)
            mstore(add(shape, 0x60), tables)
        }
        (shape.columns, p) = _arenaColumns(p);
        r.ptr = p;
        Program.finish(r);
    }

    /// @dev The section's witness columns from byte address `p`: u16 count, per column u8 table, u8 numVars, u32
    /// hSlot, as Column structs (table, numVars, hSlot); returns the address after them.
    function _arenaColumns(uint256 p) private pure returns (LookupArena.Column[] memory columns, uint256) {
        assembly ("memory-safe") {
            let count := shr(240, mload(p))
            p := add(p, 2)
            columns := mload(0x40)
            mstore(columns, count)
            let free := add(columns, shl(5, add(count, 1)))
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(free, byte(0, mload(p)))
                mstore(add(free, 0x20), byte(1, mload(p)))
                mstore(add(free, 0x40), shr(224, mload(add(p, 2))))
                p := add(p, 6)
                mstore(add(columns, shl(5, add(i, 1))), free)
                free := add(free, 0x60)
            }
            mstore(0x40, free)
        }
        return (columns, p);
    }

    /// @dev A public tensor's u32 field in the program (INPUT / OUTPUT: its byte offset; an input range: its
    /// element count) carries the tensor's value width in its top two bits: code k means 4 >> k bytes (0: int32,
    /// so a program made before packed statements reads as before; 1: 2 bytes; 2: 1 byte). docs/verifier-gen.md.
    uint256 private constant WIDTH_SHIFT = 30;
    uint256 private constant FIELD_MASK = (1 << WIDTH_SHIFT) - 1;
    /// @dev The largest width code (1 byte).
    uint256 private constant MAX_WIDTH_CODE = 2;

    /// @notice A program's width code is not 0, 1 or 2.
    error PublicWidthCode(uint256 code);

    /// @notice The MLE at `point` of the packed tensor of `shape` (big-endian two's complement values of the
    /// width `located`'s top bits give) at byte offset `located` & FIELD_MASK of `data` (the statement's input or
    /// output bytes, whose length the caller checked).
    function publicTensor(bytes calldata data, uint256 located, uint256[] memory shape, uint256[] memory point)
        public
        pure
        returns (uint256)
    {
        (uint256 offset, uint256 width) = _split(located);
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.evaluate(at, width, shape, point);
    }

    /// @notice The index of the first of `counted` & FIELD_MASK packed values (of the width `counted`'s top bits
    /// give) at byte `offset` of `data` outside [lo, hi] (type(uint256).max if none).
    function firstOutOfRange(bytes calldata data, uint256 offset, uint256 counted, int256 lo, int256 hi)
        public
        pure
        returns (uint256)
    {
        (uint256 count, uint256 width) = _split(counted);
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.firstOutOfRange(at, width, count, lo, hi);
    }

    /// @dev A program field's low 30 bits and the width its top bits name.
    function _split(uint256 field) private pure returns (uint256 value, uint256 width) {
        uint256 code = field >> WIDTH_SHIFT;
        if (code > MAX_WIDTH_CODE) revert PublicWidthCode(code);
        return (field & FIELD_MASK, 4 >> code);
    }

    /// @notice OpeningBatch.verify on the records, its messages read from `tail` — the proof stream from byte
    /// `offset` on (the interpreter passes only what is left of the stream) — which must end exactly after them.
    /// @param state The transcript state after "batch.commitments" and "batch.claims" (OpeningBatch.absorb): the
    /// interpreter hashes its record buffer where it lies, so the records are not copied again here.
    /// @param commitments The commitment words x_0, y_0, … (32 bytes each).
    /// @param records The opening records' words (32 bytes each; at least `count` records, the rest ignored).
    /// @param offset Where `tail` starts in the whole stream: reverts name byte offsets of the whole stream.
    /// @dev Words travel as `bytes` (the caller views its uint256[] buffers as bytes, ClaimBook.asBytes) and
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
        // The stream's start as if the whole proof were here, so error offsets count from the proof's first byte
        // (modulo 2^256: the tail may sit at a calldata offset below `offset`; ProofStream.offsetOf).
        unchecked {
            s.start -= offset;
        }
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
