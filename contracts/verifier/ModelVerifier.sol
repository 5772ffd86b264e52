// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {HyperKZG} from "./HyperKZG.sol";
import {LookupArena} from "./LookupArena.sol";
import {Transcript} from "./Transcript.sol";
import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {ClaimBook} from "./layers/ClaimBook.sol";
import {Machine} from "./layers/Machine.sol";
import {ModelVerifierOps} from "./ModelVerifierOps.sol";
import {ModelVerifierPcs} from "./ModelVerifierPcs.sol";
import {OpeningBatch} from "./layers/OpeningBatch.sol";

/// @title ModelVerifier — the interpreter that verifies one inference proof against a model's program
/// @notice A generated per-model verifier (`deepprove verifier`) embeds its model's PROGRAM — the verifier plan
/// serialized with every constant (digest, W commitment, SRS G2 elements, slot tables, the arena's shape, each
/// node step's parameters) — and calls {verify}. The interpreter replays the transcript of docs/prover.md ("The
/// whole-model proof") step for step, reading the proof stream with a calldata cursor: statement → advice
/// commitment A → the arena → the output claims → every node step → the graph-input claims → one batch
/// opening of [W, A, M, H]. Program format: docs/verifier-gen.md.
/// @dev Deployed as an external library (its `public` function is DELEGATECALLed), so each model's contract is
/// only its program and a few lines; the arena and the batch opening live in {ModelVerifierPcs} (code size).
library ModelVerifier {
    /// @dev Program version this interpreter runs (4: one batched zero-check of every requantization before the
    /// walk, REQUANTS / REQUANT; 3: INPUT checks the register's claims, the requantization's zero-check at the arena
    /// point; 2: EXT instructions and the arena carry their proof byte counts).
    uint256 internal constant PROGRAM_VERSION = 5;
    bytes32 internal constant DOMAIN = "deepprove.inference";
    bytes32 internal constant LABEL_STATEMENT = "proof.statement";
    bytes32 internal constant LABEL_ADVICE = "proof.advice";
    /// @dev Batch-opening commitment words per polynomial.
    uint256 private constant POINT_WORDS = 2;

    /// @notice The program was made for another interpreter version.
    error ProgramVersion(uint256 version);
    /// @notice `input` (which = 0) or `output` (1) does not have the model's byte length.
    error StatementLength(uint256 which, uint256 length, uint256 expected);
    /// @notice Public input element `index` of the tensor at byte `offset` is outside the quantized range.
    error InputOutOfRange(uint256 offset, uint256 index);

    /// @dev The commitments of the batch opening, as words in commitment order (W, [A], [M, H]).
    struct Commitments {
        uint256[] words;
        uint256 count;
    }

    /// @notice Verifies `proof` for the statement (`input`, `output`, `prover`) of the model `program` describes.
    /// @return True; every failed check reverts with a custom error naming it.
    function verify(
        bytes memory program,
        bytes calldata input,
        bytes calldata output,
        address prover,
        bytes calldata proof
    ) public view returns (bool) {
        Machine.State memory m;
        m.r = Program.reader(program);
        uint256 version = Program.u8(m.r);
        if (version != PROGRAM_VERSION) revert ProgramVersion(version);
        uint256 digest = Program.word(m.r);
        Commitments memory cs;
        cs.words = new uint256[](4 * POINT_WORDS);
        cs.words[0] = Program.word(m.r);
        cs.words[1] = Program.word(m.r);
        cs.count = 1;
        HyperKZG.VerifierKey memory vk = _verifierKey(m.r);
        _statement(m, digest, input, output, prover, proof);
        uint256 recordWords = Program.u32(m.r);
        m.book = ClaimBook.create(Program.u16(m.r), recordWords);
        m.w = _slots(m.r, 0);
        if (Program.u8(m.r) != 0) {
            m.a = _slots(m.r, cs.count);
            (uint256 ax, uint256 ay) = ProofStream.absorbG1(m.s, LABEL_ADVICE);
            cs.words[2 * cs.count] = ax;
            cs.words[2 * cs.count + 1] = ay;
            ++cs.count;
        }
        if (Program.u8(m.r) != 0) _arena(m, cs);
        ModelVerifierOps.runAll(m);
        ClaimBook.checkEmpty(m.book);
        Program.finish(m.r);
        _opening(m, cs, vk);
        return true;
    }

    /// @dev ModelVerifierPcs.opening(state, commitments, records, count, vk, tail, offset) encoded by hand IN PLACE
    /// around the record buffer (STATICCALL, as the arena's call): the selector, the 14 head words and the
    /// commitments are written into the ClaimBook.HEAD_ROOM words in front of the buffer, its length word
    /// becomes the `records` byte length (only the words in use), and the stream's tail is copied after the
    /// last record. Why: the ABI coder would copy every record word into fresh memory (~1,400 words on a CNN,
    /// priced quadratically); the buffer is dead after this call. The records are absorbed here too, where they
    /// lie, so the library neither copies them into its memory to hash them nor counts their words.
    function _opening(Machine.State memory m, Commitments memory cs, HyperKZG.VerifierKey memory vk) private view {
        uint256[] memory records = m.book.records;
        uint256 used = m.book.words;
        uint256 count = m.book.count;
        uint256 n = POINT_WORDS * cs.count;
        uint256[] memory words = cs.words;
        ProofStream.Stream memory s = m.s;
        address lib = address(ModelVerifierPcs);
        bytes4 selector = ModelVerifierPcs.opening.selector;
        bytes32 labelCommitments = OpeningBatch.LABEL_COMMITMENTS;
        bytes32 labelClaims = OpeningBatch.LABEL_CLAIMS;
        assembly ("memory-safe") {
            // The opening's first two absorbs, hashed in place: "batch.commitments" = S ‖ label ‖ the commitment
            // words (copied into the room), then "batch.claims" = S ‖ label ‖ the record words, S and the label
            // written over the room's last word and the buffer's length word (no claims: no opening, no absorbs).
            let state := mload(s)
            if count {
                let at := sub(records, shl(5, add(2, n)))
                mstore(at, state)
                mstore(add(at, 0x20), labelCommitments)
                mcopy(add(at, 0x40), add(words, 0x20), shl(5, n))
                state := keccak256(at, shl(5, add(2, n)))
                mstore(sub(records, 0x20), state)
                mstore(records, labelClaims)
                state := keccak256(sub(records, 0x20), shl(5, add(2, used)))
            }
            // Head words at h (after the 4-byte selector): state, the offsets of commitments and records, count,
            // vk (g2[4], tauG2[4]: the memory struct holds pointers to them), the offset of tail, offset; then
            // commitments (length, n words) end exactly at the records' length word. The selector's word is
            // written first: its last 28 bytes are the state's place.
            let h := sub(records, shl(5, add(15, n)))
            mstore(sub(h, 4), selector)
            mstore(h, state)
            mstore(add(h, 0x20), 0x1c0)
            mstore(add(h, 0x40), add(0x1e0, shl(5, n)))
            mstore(add(h, 0x60), count)
            mcopy(add(h, 0x80), mload(vk), 0x80)
            mcopy(add(h, 0x100), mload(add(vk, 0x20)), 0x80)
            mstore(add(h, 0x180), add(0x200, shl(5, add(n, used))))
            let start := mload(add(s, 0x60))
            let cursor := mload(add(s, 0x20))
            mstore(add(h, 0x1a0), sub(cursor, start))
            mstore(add(h, 0x1c0), shl(5, n))
            mcopy(add(h, 0x1e0), add(words, 0x20), shl(5, n))
            mstore(records, shl(5, used))
            // The tail: length, then the stream's unread bytes, zero-padded to a whole word.
            let t := add(add(records, 0x20), shl(5, used))
            let length := sub(mload(add(s, 0x40)), cursor)
            mstore(t, length)
            mstore(add(t, add(0x20, and(length, not(31)))), 0)
            calldatacopy(add(t, 0x20), cursor, length)
            let last := add(add(t, 0x20), and(add(length, 31), not(31)))
            if iszero(staticcall(gas(), lib, sub(h, 4), sub(last, sub(h, 4)), 0, 0)) {
                returndatacopy(t, 0, returndatasize())
                revert(t, returndatasize())
            }
            // No outcome (no code at `lib`): revert empty, as the compiler's own library calls do.
            if lt(returndatasize(), 0x20) { revert(0, 0) }
        }
    }

    /// @dev g2[4] then tauG2[4], 32-byte words (VerifierKey in memory: pointers to its two word arrays).
    function _verifierKey(Program.Reader memory r) private pure returns (HyperKZG.VerifierKey memory vk) {
        assembly ("memory-safe") {
            let p := mload(r)
            mcopy(mload(vk), p, 0x80)
            mcopy(mload(add(vk, 0x20)), add(p, 0x80), 0x80)
            mstore(r, add(p, 0x100))
        }
    }

    /// @dev Checks the statement's byte lengths, opens the stream and absorbs "proof.statement" = [digest,
    /// prover, keccak256(input), keccak256(output)].
    function _statement(
        Machine.State memory m,
        uint256 digest,
        bytes calldata input,
        bytes calldata output,
        address prover,
        bytes calldata proof
    ) private view {
        uint256 inputBytes = Program.u32(m.r);
        uint256 outputBytes = Program.u32(m.r);
        if (input.length != inputBytes) revert StatementLength(0, input.length, inputBytes);
        if (output.length != outputBytes) revert StatementLength(1, output.length, outputBytes);
        uint256 at;
        assembly ("memory-safe") {
            at := input.offset
        }
        m.inputAt = at;
        m.inputLength = inputBytes;
        assembly ("memory-safe") {
            at := output.offset
        }
        m.outputAt = at;
        m.outputLength = outputBytes;
        _inputRanges(m.r, input);
        m.s = ProofStream.open(proof, Transcript.start(DOMAIN));
        uint256[] memory words = new uint256[](4);
        words[0] = digest;
        words[1] = uint256(uint160(prover));
        words[2] = uint256(keccak256(input));
        words[3] = uint256(keccak256(output));
        ProofStream.absorbMemoryWords(m.s, LABEL_STATEMENT, words);
    }

    /// @dev The clamped inputs' values must lie in the quantized range, checked before anything else: u8 count,
    /// per tensor u32 byte offset, u32 elements, i32 lo, i32 hi.
    function _inputRanges(Program.Reader memory r, bytes calldata input) private view {
        uint256 n = Program.u8(r);
        for (uint256 i; i < n; ++i) {
            uint256 offset = Program.u32(r);
            uint256 count = Program.u32(r);
            int256 lo = Program.i32(r);
            int256 hi = Program.i32(r);
            uint256 bad = ModelVerifierPcs.firstOutOfRange(input, offset, count, lo, hi);
            if (bad != type(uint256).max) revert InputOutOfRange(offset, bad);
        }
    }

    /// @dev A slot table: u8 polyVars, u16 slots, per slot u8 numVars and u32 slot index — left in the program and
    /// read in place (ClaimBook.entry).
    function _slots(Program.Reader memory r, uint256 poly) private pure returns (ClaimBook.Slots memory p) {
        p.poly = poly;
        p.polyVars = Program.u8(r);
        uint256 n = Program.u16(r);
        p.table = Program.skip(r, ClaimBook.SLOT_BYTES * n);
        p.count = n;
    }

    /// @dev The selector of ModelVerifierPcs.arena(bytes32,bytes,bytes,uint256,uint256), called by hand in {_arena}
    /// (the model test checks it against the ABI).
    uint256 internal constant ARENA_SELECTOR = 0x4578a6aa;

    /// @dev The arena (LookupArena.sol) on its shape from the program; its openings on M and H become records,
    /// its claims on external table columns openings of W, its witness-column claims are kept for the steps.
    /// The call is encoded by hand (STATICCALL: a library's view function may be called directly) and its outcome
    /// (ModelVerifierPcs._packArena: header, records, arrays) is copied from the return data once: the records
    /// straight into the book's record buffer, the arrays into fresh memory where they are used in place
    /// ({Machine.arrayAt}). Why: memory is priced quadratically and this frame's is the largest; the ABI coder
    /// would copy the outcome twice more.
    function _arena(Machine.State memory m, Commitments memory cs) private view {
        (uint256 recordCount, uint256 recordWords) = _arenaCall(m, cs);
        uint256 at = _arenaCopy(m.book, recordCount, recordWords);
        uint256[] memory tableValues;
        uint256[] memory tables;
        (m.arenaPoint, at) = Machine.arrayAt(at);
        (m.columnValues, at) = Machine.arrayAt(at);
        (tableValues, at) = Machine.arrayAt(at);
        (m.columnVars, at) = Machine.arrayAt(at);
        (m.columnOffset, at) = Machine.arrayAt(at);
        (tables,) = Machine.arrayAt(at);
        _tableColumns(m, tables, tableValues);
    }

    /// @notice The lookup arena, whose messages start at proof byte `offset`, read `read` bytes where the program
    /// says `expected` (for a window too short: the bytes it needed). The plan fixes the count: a generator bug,
    /// or a program made for another model.
    error ArenaReadMismatch(uint256 offset, uint256 expected, uint256 read);

    /// @dev Selectors of LookupArena.ArenaProofTruncated(uint256,uint256,uint256) and {ArenaReadMismatch}, for
    /// assembly (the model test checks both).
    uint256 private constant ARENA_TRUNCATED = 0x0c3a04a4;
    uint256 private constant ARENA_MISMATCH = 0x262093e0;

    /// @dev ModelVerifierPcs.arena(state, section, proof, offset, polyM) encoded at the free pointer (scratch:
    /// selector, state, the two byte-string offsets, offset, polyM, then the section from program memory and the
    /// proof up to the arena's end — its first `offset` bytes are only A's commitment, the rest the arena's
    /// `expected` bytes, which the program gives: the library reads at `offset` of the bytes it is sent, so error
    /// offsets stay the whole proof's); the stream moves to the returned state and cursor, which must have moved
    /// by exactly `expected` ({ArenaReadMismatch}), and M and H join the commitments. Returns the number of
    /// opening records and their words (still in the return data).
    function _arenaCall(Machine.State memory m, Commitments memory cs)
        private
        view
        returns (uint256 recordCount, uint256 recordWords)
    {
        // The arena's section of the program: u32 length, its shape (decoded by ModelVerifierPcs), u32 proof bytes.
        uint256 length = Program.u32(m.r);
        uint256 from = Program.skip(m.r, length);
        uint256 expected = Program.u32(m.r);
        uint256 polyM = cs.count;
        uint256[] memory words = cs.words;
        ProofStream.Stream memory s = m.s;
        address lib = address(ModelVerifierPcs);
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let padded := and(add(length, 31), not(31))
            let start := mload(add(s, 0x60))
            let offset := sub(mload(add(s, 0x20)), start)
            mstore(ptr, shl(224, ARENA_SELECTOR))
            mstore(add(ptr, 0x04), mload(s))
            mstore(add(ptr, 0x24), 0xa0)
            mstore(add(ptr, 0x44), add(0xc0, padded))
            mstore(add(ptr, 0x64), offset)
            mstore(add(ptr, 0x84), polyM)
            mstore(add(ptr, 0xa4), length)
            mcopy(add(ptr, 0xc4), from, length)
            let at := add(add(ptr, 0xc4), padded)
            // The proof's first offset + expected bytes (all of it when it ends first).
            length := sub(mload(add(s, 0x40)), start)
            let cut := lt(add(offset, expected), length)
            if cut { length := add(offset, expected) }
            mstore(at, length)
            calldatacopy(add(at, 0x20), start, length)
            at := add(add(at, 0x20), and(add(length, 31), not(31)))
            if iszero(staticcall(gas(), lib, ptr, sub(at, ptr), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                // ArenaProofTruncated(offset, needed, length) out of a window the program's count cut short: the
                // count is wrong, not the proof (the arena checks its length before reading anything).
                if and(cut, and(eq(returndatasize(), 0x64), eq(shr(224, mload(ptr)), ARENA_TRUNCATED))) {
                    let needed := mload(add(ptr, 0x24))
                    mstore(ptr, shl(224, ARENA_MISMATCH))
                    mstore(add(ptr, 4), offset)
                    mstore(add(ptr, 0x24), expected)
                    mstore(add(ptr, 0x44), needed)
                    revert(ptr, 0x64)
                }
                revert(ptr, returndatasize())
            }
            // No outcome (no code at `lib`): revert empty, as the compiler's own library calls do.
            if lt(returndatasize(), 0x140) { revert(0, 0) }
            // The returned bytes' words start at 0x40: state, next, M.x, M.y, H.x, H.y, records, record words.
            returndatacopy(ptr, 0x40, 0x100)
            let next := mload(add(ptr, 0x20))
            if iszero(eq(next, add(offset, expected))) {
                mstore(ptr, shl(224, ARENA_MISMATCH))
                mstore(add(ptr, 4), offset)
                mstore(add(ptr, 0x24), expected)
                mstore(add(ptr, 0x44), sub(next, offset))
                revert(ptr, 0x64)
            }
            mstore(s, mload(ptr))
            mstore(add(s, 0x20), add(start, next))
            mcopy(add(words, shl(5, add(shl(1, polyM), 1))), add(ptr, 0x40), 0x80)
            recordCount := mload(add(ptr, 0xc0))
            recordWords := mload(add(ptr, 0xe0))
        }
        cs.count += 2;
    }

    /// @dev Copies the arena's records from the return data to the end of the book's records (growing the buffer
    /// if the program's capacity is short) and its arrays to fresh memory; returns the arrays' address.
    function _arenaCopy(ClaimBook.Book memory book, uint256 recordCount, uint256 recordWords)
        private
        pure
        returns (uint256 arrays)
    {
        uint256 used = ClaimBook.reserve(book, recordWords);
        uint256[] memory records = book.records;
        book.count += recordCount;
        assembly ("memory-safe") {
            // Return data: offset, length, the 8 header words (0x40 … 0x140), the records, the arrays.
            let skip := add(0x140, shl(5, recordWords))
            returndatacopy(add(add(records, 0x20), shl(5, used)), 0x140, shl(5, recordWords))
            arrays := mload(0x40)
            returndatacopy(arrays, skip, sub(returndatasize(), skip))
            mstore(0x40, add(arrays, sub(returndatasize(), skip)))
        }
    }

    /// @dev External table columns → W at their slots (u16 slot per column; 0xffff for a range column).
    /// `tables`: per table its variables, its column count and each column's kind.
    function _tableColumns(Machine.State memory m, uint256[] memory tables, uint256[] memory values) private pure {
        uint256 tv;
        for (uint256 t; t < tables.length; t += 2 + tables[t + 1]) {
            uint256[] memory point = Machine.arenaPrefix(m, tables[t]);
            for (uint256 c; c < tables[t + 1]; ++c) {
                uint256 slot = Program.u16(m.r);
                if (tables[t + 2 + c] != LookupArena.KIND_EXTERNAL) continue;
                ClaimBook.open(m.book, m.w, slot, point, values[tv++]);
            }
        }
    }
}
