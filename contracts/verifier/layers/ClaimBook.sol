// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";

/// @title ClaimBook — the verifier's claims per tensor and its opening records, in memory
/// @notice Twin of `ClaimBook` (src/prover/graph/walk.ts): claims collected per tensor (in the order they were
/// made, taken all at once by the tensor's producer) and opening claims on the committed polynomials, kept as
/// the batch opening's records (p, n, point…, value) with points lifted to their slots.
library ClaimBook {
    /// @notice A slotted polynomial (W or A): its slot table, read in place where the program holds it (per slot
    /// 5 bytes: u8 variables, u32 slot index = offset / 2^variables, whose bits, least significant first, are the
    /// selector appended to a point on the slot); {entry} reads one.
    /// @dev In place, not decoded: a table of n slots decoded into two word arrays took 2n words of memory before
    /// anything else, so every later word of the verifier's memory was priced on top of them (quadratically).
    struct Slots {
        uint256 poly;
        uint256 polyVars;
        /// Memory address of the first entry (in the program) and the number of slots.
        uint256 table;
        uint256 count;
    }

    /// @notice Claims per tensor and the opening records. A tensor's claims are a chain of 2-word nodes
    /// [previous node, claim], newest first (`tensors[t]` = the newest node's address, 0 when none).
    /// @dev A chain, not an array grown by one copy per claim: {add} costs 2 words and no copy, {take} builds the
    /// array once. The arrays cost 1 + 2 + … + k words for k claims, all of it memory priced at the peak.
    struct Book {
        uint256[] tensors;
        uint256[] records;
        uint256 words;
        uint256 count;
        /// The newest chain node ever added (0 before the first): Machine.reclaim reads it at 0x80 to learn whether
        /// a step added claims.
        uint256 last;
    }

    /// @notice A claim on a slot does not have the slot's variable count (a verifier bug).
    error SlotClaimShape(uint256 poly, uint256 slot, uint256 coordinates);
    /// @notice Claims are left on a tensor nobody discharges (the graph is not closed).
    error ClaimsLeft(uint256 tensor);

    /// @dev Smallest record buffer (and the first size when the program's capacity is 0).
    uint256 private constant MIN_RECORD_WORDS = 64;
    /// @dev Words kept free past the last record ({open} writes selector bits four at a time).
    uint256 private constant RECORD_SLACK = 2;
    /// @notice Words kept free in front of every record buffer: the batch opening's call (selector, head,
    /// commitments) is encoded there, in place around the records (ModelVerifier._opening), so the records are
    /// never copied into the call's arguments. 4 bytes of selector + 14 head words + 1 + 8 commitment words.
    uint256 internal constant HEAD_ROOM = 24;
    /// @notice Bytes of a slot table entry: u8 variables, u32 slot index.
    uint256 internal constant SLOT_BYTES = 5;

    /// @notice An empty book over `tensors` tensors with room for `recordWords` words of opening records (the
    /// program's count; more only costs a copy, as memory is never freed and grows quadratically in price).
    function create(uint256 tensors, uint256 recordWords) internal pure returns (Book memory b) {
        b.tensors = new uint256[](tensors);
        b.records = _buffer(recordWords == 0 ? MIN_RECORD_WORDS : recordWords + RECORD_SLACK);
    }

    /// @notice Adds a claim on tensor `t` (kept by reference, as every claim the interpreter hands on).
    function add(Book memory b, uint256 t, ProofStream.Claim memory c) internal pure {
        uint256[] memory heads = b.tensors;
        if (t >= heads.length) _outOfBounds();
        assembly ("memory-safe") {
            let node := mload(0x40)
            let head := add(add(heads, 0x20), shl(5, t))
            mstore(node, mload(head))
            mstore(add(node, 0x20), c)
            mstore(0x40, add(node, 0x40))
            mstore(head, node)
            mstore(add(b, 0x80), node)
        }
    }

    /// @notice Every claim on tensor `t` in the order they were added, removed from the book.
    function take(Book memory b, uint256 t) internal pure returns (ProofStream.Claim[] memory out) {
        uint256[] memory heads = b.tensors;
        if (t >= heads.length) _outOfBounds();
        assembly ("memory-safe") {
            let head := add(add(heads, 0x20), shl(5, t))
            let k := 0
            for { let node := mload(head) } node { node := mload(node) } { k := add(k, 1) }
            // No claims: the zero-length array at 0x60 (Solidity's own empty array), no allocation.
            out := 0x60
            if k {
                out := mload(0x40)
                mstore(out, k)
                mstore(0x40, add(out, shl(5, add(k, 1))))
                let at := add(out, shl(5, k))
                for { let node := mload(head) } node { node := mload(node) } {
                    mstore(at, mload(add(node, 0x20)))
                    at := sub(at, 0x20)
                }
                mstore(head, 0)
            }
        }
    }

    /// @notice Reverts if any tensor still holds claims.
    function checkEmpty(Book memory b) internal pure {
        uint256[] memory heads = b.tensors;
        uint256 left = type(uint256).max;
        assembly ("memory-safe") {
            for { let t := 0 } lt(t, mload(heads)) { t := add(t, 1) } {
                if mload(add(heads, shl(5, add(t, 1)))) {
                    left := t
                    break
                }
            }
        }
        if (left != type(uint256).max) revert ClaimsLeft(left);
    }

    /// @dev Panic(0x32), as an array index out of bounds (a tensor id past the program's count).
    function _outOfBounds() private pure {
        assembly ("memory-safe") {
            mstore(0, shl(224, 0x4e487b71))
            mstore(4, 0x32)
            revert(0, 0x24)
        }
    }

    /// @notice An opening of the slotted polynomial at slot `slot`: the record (poly, polyVars, point ‖ selector,
    /// value).
    function open(Book memory b, Slots memory p, uint256 slot, uint256[] memory point, uint256 value) internal pure {
        uint256 n;
        uint256 index;
        uint256 polyVars;
        bool full;
        assembly ("memory-safe") {
            // The slot's entry in place, as {entry} (inlined: this is the interpreter's most frequent call).
            if iszero(lt(slot, mload(add(p, 0x60)))) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x32)
                revert(0, 0x24)
            }
            let e := mload(add(mload(add(p, 0x40)), mul(slot, SLOT_BYTES)))
            n := byte(0, e)
            index := and(shr(216, e), 0xffffffff)
            polyVars := mload(add(p, 0x20))
            // (words, records) of the book; all small, no overflow.
            full := gt(add(mload(add(b, 0x40)), add(polyVars, add(3, RECORD_SLACK))), mload(mload(add(b, 0x20))))
        }
        if (point.length != n) revert SlotClaimShape(p.poly, slot, point.length);
        if (full) {
            // Grow the buffer for this record (and its slack); the words are claimed below.
            reserve(b, polyVars + 3);
            b.words -= polyVars + 3;
        }
        assembly ("memory-safe") {
            // Book: (tensors, records, words, count); Slots: (poly, polyVars, …).
            let at := mload(add(b, 0x40))
            mstore(add(b, 0x40), add(at, add(polyVars, 3)))
            mstore(add(b, 0x60), add(mload(add(b, 0x60)), 1))
            let dst := add(add(mload(add(b, 0x20)), 0x20), shl(5, at))
            mstore(dst, mload(p))
            mstore(add(dst, 0x20), polyVars)
            mcopy(add(dst, 0x40), add(point, 0x20), shl(5, n))
            // The slot's selector: the bits of its index, least significant first, four words per iteration.
            // The last iteration may write up to 3 words past the bits: the value (written next) and at most 2
            // words after the record, which the next record overwrites ({reserve} keeps RECORD_SLACK words free
            // past every record, so they stay inside the buffer).
            let end := add(dst, shl(5, add(polyVars, 2)))
            for { let q := add(dst, shl(5, add(n, 2))) } lt(q, end) { q := add(q, 0x80) } {
                mstore(q, and(index, 1))
                mstore(add(q, 0x20), and(shr(1, index), 1))
                mstore(add(q, 0x40), and(shr(2, index), 1))
                mstore(add(q, 0x60), and(shr(3, index), 1))
                index := shr(4, index)
            }
            mstore(end, value)
        }
    }

    /// @notice Slot `slot`'s variables and index, read from the table in place (a slot past the table panics
    /// 0x32, as an array index out of bounds).
    function entry(Slots memory p, uint256 slot) internal pure returns (uint256 vars, uint256 index) {
        assembly ("memory-safe") {
            // Slots: (poly, polyVars, table, count).
            if iszero(lt(slot, mload(add(p, 0x60)))) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x32)
                revert(0, 0x24)
            }
            let e := mload(add(mload(add(p, 0x40)), mul(slot, SLOT_BYTES)))
            vars := byte(0, e)
            index := and(shr(216, e), 0xffffffff)
        }
    }

    /// @notice {open} for `count` slots at one point: slot slots[slotAt + i] with value vals[valAt + i], the
    /// records written in one assembly loop (a requantization opens ~20 limb slots at each of its points; {open}
    /// per slot re-reads the book, the slot table and the point every time).
    function openSlots(
        Book memory b,
        Slots memory p,
        uint256[] memory slots,
        uint256 slotAt,
        uint256[] memory point,
        uint256[] memory vals,
        uint256 valAt,
        uint256 count
    ) internal pure {
        if (count == 0) return;
        // The arrays' last entries read here (an index past the end panics, as an element-wise loop would).
        slots[slotAt + count - 1];
        vals[valAt + count - 1];
        uint256 from;
        uint256 valuesAt;
        assembly ("memory-safe") {
            from := add(add(slots, 0x20), shl(5, slotAt))
            valuesAt := add(add(vals, 0x20), shl(5, valAt))
        }
        _openSlots(b, p, from, point, valuesAt, count);
    }

    /// @dev {openSlots} from memory pointers to the slot numbers and the values.
    function _openSlots(
        Book memory b,
        Slots memory p,
        uint256 from,
        uint256[] memory point,
        uint256 valuesAt,
        uint256 count
    ) private pure {
        uint256 size = p.polyVars + 3;
        if (b.words + count * size + RECORD_SLACK > b.records.length) {
            reserve(b, count * size);
            b.words -= count * size;
        }
        bytes4 shapeError = SlotClaimShape.selector;
        assembly ("memory-safe") {
            // Book: (tensors, records, words, count); Slots: (poly, polyVars, table, count).
            let dst := mload(add(b, 0x40))
            mstore(add(b, 0x40), add(dst, mul(count, size)))
            mstore(add(b, 0x60), add(mload(add(b, 0x60)), count))
            dst := add(add(mload(add(b, 0x20)), 0x20), shl(5, dst))
            for { count := add(from, shl(5, count)) } lt(from, count) { from := add(from, 0x20) } {
                let slot := mload(from)
                if iszero(lt(slot, mload(add(p, 0x60)))) {
                    // Panic(0x32): an index out of bounds, as {entry}.
                    mstore(0, shl(224, 0x4e487b71))
                    mstore(4, 0x32)
                    revert(0, 0x24)
                }
                let ent := mload(add(mload(add(p, 0x40)), mul(slot, SLOT_BYTES)))
                if iszero(eq(byte(0, ent), mload(point))) {
                    let e := mload(0x40)
                    mstore(e, shapeError)
                    mstore(add(e, 4), mload(p))
                    mstore(add(e, 0x24), slot)
                    mstore(add(e, 0x44), mload(point))
                    revert(e, 0x64)
                }
                mstore(dst, mload(p))
                mstore(add(dst, 0x20), mload(add(p, 0x20)))
                mcopy(add(dst, 0x40), add(point, 0x20), shl(5, mload(point)))
                // The selector bits four per iteration, as {open} (RECORD_SLACK covers the overshoot).
                let idx := and(shr(216, ent), 0xffffffff)
                let end := add(dst, sub(shl(5, size), 0x20))
                for { let q := add(dst, shl(5, add(mload(point), 2))) } lt(q, end) { q := add(q, 0x80) } {
                    mstore(q, and(idx, 1))
                    mstore(add(q, 0x20), and(shr(1, idx), 1))
                    mstore(add(q, 0x40), and(shr(2, idx), 1))
                    mstore(add(q, 0x60), and(shr(3, idx), 1))
                    idx := shr(4, idx)
                }
                mstore(end, mload(valuesAt))
                valuesAt := add(valuesAt, 0x20)
                dst := add(end, 0x20)
            }
        }
    }

    /// @notice Appends one record given as words (poly, n, point…, value) from `src[at …]`, renaming its poly.
    function appendRecord(Book memory b, uint256[] memory src, uint256 at, uint256 poly)
        internal
        pure
        returns (uint256)
    {
        uint256 n = src[at + 1];
        uint256 dst = reserve(b, n + 3);
        uint256[] memory r = b.records;
        assembly ("memory-safe") {
            let to := add(add(r, 0x20), shl(5, dst))
            mcopy(to, add(add(src, 0x20), shl(5, at)), shl(5, add(n, 3)))
            mstore(to, poly)
        }
        ++b.count;
        return at + n + 3;
    }

    /// @notice Reserves `words` words at the end of the records (doubling the buffer when full, HEAD_ROOM kept in
    /// front of it), with RECORD_SLACK words free after them ({open}'s last selector writes); returns where
    /// they start.
    function reserve(Book memory b, uint256 words) internal pure returns (uint256 at) {
        at = b.words;
        if (at + words + RECORD_SLACK > b.records.length) {
            uint256 size = b.records.length * 2 + MIN_RECORD_WORDS;
            while (size < at + words + RECORD_SLACK) size *= 2;
            uint256[] memory grown = _buffer(size);
            uint256[] memory old = b.records;
            assembly ("memory-safe") {
                mcopy(add(grown, 0x20), add(old, 0x20), shl(5, at))
            }
            b.records = grown;
        }
        b.words = at + words;
    }

    /// @dev A buffer of `words` words with HEAD_ROOM free words in front of it, NOT zeroed (the free memory past
    /// the pointer may hold scratch): every record word is written before it is read — records are appended
    /// ({open}, {appendRecord}, the arena's copy) and only the `words` in use are hashed and sent — and the room
    /// is scratch for whoever encodes there. Zeroing would cost 3 gas a word for nothing (~1,400 words on a CNN).
    function _buffer(uint256 words) private pure returns (uint256[] memory buffer) {
        assembly ("memory-safe") {
            buffer := add(mload(0x40), shl(5, HEAD_ROOM))
            mstore(buffer, words)
            mstore(0x40, add(add(buffer, 0x20), shl(5, words)))
        }
    }
}
