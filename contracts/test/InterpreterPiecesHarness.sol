// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Program} from "../verifier/layers/Program.sol";
import {ClaimBook} from "../verifier/layers/ClaimBook.sol";

/// @title InterpreterPiecesHarness — the interpreter's assembly pieces on crafted inputs (test only)
/// @notice Program.gather (points copied from a pool, the pool bound checked) and ClaimBook.open (records written in
/// place, selector bits several per iteration, the buffer grown when the program's capacity is short), driven by
/// test/verifier-sol/interpreter-pieces.test.ts.
contract InterpreterPiecesHarness {
    /// @notice Gathers the point `code` describes (u8 n, n indices, then any bytes) from `pool` twice, into two
    /// arrays allocated one after the other, and returns both and the bytes the first read consumed.
    function gather(bytes memory code, uint256[] memory pool)
        external
        pure
        returns (uint256[] memory first, uint256[] memory second, uint256 consumed)
    {
        Program.Reader memory r = Program.reader(code);
        uint256 start = r.ptr;
        first = Program.gather(r, pool);
        consumed = r.ptr - start;
        second = Program.gather(Program.reader(code), pool);
    }

    /// @notice The records of openings of polynomial 1 (`polyVars` variables, slot table `table`: 5 bytes a slot)
    /// at slots[i] with points[i] and values[i], in a book whose program reserved `capacity` words.
    function records(
        uint256 polyVars,
        bytes memory table,
        uint256[] memory slots,
        uint256[][] memory points,
        uint256[] memory values,
        uint256 capacity
    ) external pure returns (uint256[] memory words, uint256 count) {
        ClaimBook.Book memory b = ClaimBook.create(0, capacity);
        ClaimBook.Slots memory p;
        p.poly = 1;
        p.polyVars = polyVars;
        uint256 at;
        assembly ("memory-safe") {
            at := add(table, 0x20)
        }
        p.table = at;
        p.count = table.length / ClaimBook.SLOT_BYTES;
        for (uint256 i; i < slots.length; ++i) ClaimBook.open(b, p, slots[i], points[i], values[i]);
        words = new uint256[](b.words);
        for (uint256 i; i < b.words; ++i) words[i] = b.records[i];
        count = b.count;
    }
}
