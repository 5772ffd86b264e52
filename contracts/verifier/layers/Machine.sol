// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimBook} from "./ClaimBook.sol";

/// @title Machine — the state of the model verifier's interpreter and the claim routing every step shares
/// @notice One proof is verified by running the model's program (docs/verifier-gen.md) over this state: the
/// proof stream and transcript, the program reader, the claim book, the W and A slot tables, the register
/// (the claims the last instruction produced) and the arena's claims on its witness columns.
library Machine {
    /// @notice Where a claim goes: a tensor's claim list, an opening of W at a slot, an opening of A at a slot.
    uint256 internal constant DEST_TENSOR = 0;
    uint256 internal constant DEST_WEIGHT = 1;
    uint256 internal constant DEST_ADVICE = 2;

    struct State {
        ProofStream.Stream s;
        Program.Reader r;
        ClaimBook.Book book;
        ClaimBook.Slots w;
        ClaimBook.Slots a;
        ProofStream.Claim[] regs;
        /// The arena's point ρ and, per witness column, its variables and the offset of its values.
        uint256[] arenaPoint;
        uint256[] columnValues;
        uint256[] columnVars;
        uint256[] columnOffset;
        /// Per variable count n ≤ |ρ|, the address of the array ρ[0 … n) once made, else 0 ({arenaColumn}).
        /// {arenaPrefix} reads arenaPoint and prefixes at their offsets (0xc0, 0x140): Solidity's field reads there
        /// cost more than the whole lookup (measured). Add fields after them only.
        uint256[] prefixes;
        /// Calldata offsets of the statement's input and output bytes.
        uint256 inputAt;
        uint256 outputAt;
        uint256 inputLength;
        uint256 outputLength;
    }

    /// @notice The program names an unknown destination kind (a generator bug).
    error DestinationUnknown(uint256 kind);
    /// @notice The arena has no claim on witness column `column` (a generator bug).
    error ArenaColumnMissing(uint256 column);

    /// @notice Sends `c` to the destination the program names next (u8 kind, u16 id).
    function route(State memory m, ProofStream.Claim memory c) internal pure {
        uint256 kind;
        uint256 id;
        Program.Reader memory r = m.r;
        assembly ("memory-safe") {
            // Both fields with one read (Reader: ptr, end).
            let p := mload(r)
            let w := mload(p)
            kind := byte(0, w)
            id := and(shr(232, w), 0xffff)
            mstore(r, add(p, 3))
        }
        routeTo(m, kind, id, c);
    }

    function routeTo(State memory m, uint256 kind, uint256 id, ProofStream.Claim memory c) internal pure {
        if (kind == DEST_TENSOR) ClaimBook.add(m.book, id, c);
        else if (kind == DEST_WEIGHT) ClaimBook.open(m.book, m.w, id, c.point, c.value);
        else if (kind == DEST_ADVICE) ClaimBook.open(m.book, m.a, id, c.point, c.value);
        else revert DestinationUnknown(kind);
    }

    /// @notice The arena's claim on witness column `i`: ρ restricted to its variables, and component `k`.
    /// @dev The point is shared by every claim on ρ's first n coordinates ({arenaPrefix}): points are never
    /// written once made (a step that needs another point gathers a new array), so sharing is safe and each
    /// distinct prefix costs its words once instead of once per column and component.
    function arenaColumn(State memory m, uint256 i, uint256 k)
        internal
        pure
        returns (ProofStream.Claim memory c)
    {
        uint256[] memory vars = m.columnVars;
        if (i >= vars.length) revert ArenaColumnMissing(i);
        uint256[] memory values = m.columnValues;
        uint256[] memory offsets = m.columnOffset;
        uint256 n;
        uint256 value;
        assembly ("memory-safe") {
            // The arena's arrays (ModelVerifierPcs._packArena) have one entry per column (offsets, vars); the
            // component is bounds-checked against the values (Panic 0x32, as an index out of bounds).
            n := mload(add(vars, shl(5, add(i, 1))))
            let o := add(mload(add(offsets, shl(5, add(i, 1)))), k)
            if iszero(lt(o, mload(values))) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x32)
                revert(0, 0x24)
            }
            value := mload(add(values, shl(5, add(o, 1))))
        }
        c.point = arenaPrefix(m, n);
        c.value = value;
    }

    /// @notice ρ[0 … n) as an array shared by every caller (made on first use; see {arenaColumn}).
    function arenaPrefix(State memory m, uint256 n) internal pure returns (uint256[] memory out) {
        assembly ("memory-safe") {
            // State: (s, r, book, w, a, regs, arenaPoint 0xc0, …, prefixes 0x140, …). n ≤ |ρ| (the arena checks
            // every column's and table's variables against N = |ρ|; Panic 0x32 otherwise, as an index out of bounds).
            let rho := mload(add(m, 0xc0))
            if gt(n, mload(rho)) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x32)
                revert(0, 0x24)
            }
            let made := mload(add(m, 0x140))
            if iszero(mload(made)) {
                // Per n ≤ |ρ| the prefix's address, 0 until made (zeroed from calldata's end), then the address of
                // the newest prefix ({reclaim}: 0 until one is made).
                made := mload(0x40)
                let size := add(mload(rho), 1)
                mstore(made, size)
                calldatacopy(add(made, 0x20), calldatasize(), shl(5, add(size, 1)))
                mstore(0x40, add(made, shl(5, add(size, 2))))
                mstore(add(m, 0x140), made)
            }
            let slot := add(made, shl(5, add(n, 1)))
            out := mload(slot)
            if iszero(out) {
                out := mload(0x40)
                mstore(out, n)
                mcopy(add(out, 0x20), add(rho, 0x20), shl(5, n))
                mstore(0x40, add(out, shl(5, add(n, 1))))
                mstore(slot, out)
                mstore(add(made, shl(5, add(mload(made), 1))), out)
            }
        }
    }

    /// @dev Marks a block moved by {reclaim} (its first word becomes FORWARDED | its new address).
    uint256 private constant FORWARDED = 1 << 255;

    /// @notice Frees what the last step allocated past `mark` (the free-memory pointer before it) except what
    /// survives it — the register's claims, claims it added to the book, arena prefixes it made — which move down
    /// to `mark`, packed; the free-memory pointer then ends right after them.
    /// @dev Memory is priced at its peak (quadratically): a step's temporaries (sum-check points, eq tables,
    /// extension calls' frames) are dead once it returns, and without this every later word is priced on top of
    /// them. What survives a step is reachable from the state only through: the register (claims array → Claim
    /// structs → point arrays), the book's chains (nodes [previous, claim] newest first; `Book.last` says whether
    /// the step added any) and the arena's prefix table's entries. Nothing else in the state may point past
    /// `mark`: the record buffer (grown during the step when the program's capacity is short) and the prefix table
    /// (made during the step when no arena claim needed a prefix before) are checked, and then nothing is freed. Survivors are copied first to the free memory past the step's
    /// allocations, with their pointers already rewritten to their final places, then moved down with one MCOPY:
    /// no copy can overwrite a block not yet copied. A point shared by several claims is copied once per claim
    /// (points are never written once made), except an arena prefix, which stays shared: a moved prefix's length
    /// word is overwritten by FORWARDED | its new address (a prefix is its own allocation; no other survivor
    /// overlaps it). Claims and nodes are copied once per reference (nodes have one; a claim is referenced by
    /// one register slot or one node).
    function reclaim(State memory m, uint256 mark) internal pure {
        assembly ("memory-safe") {
            // Point p: unchanged below mark; a moved prefix's forward; else copied to `at`.
            function point(p, at) -> q, next {
                q := p
                next := at
                if iszero(lt(p, mload(0))) {
                    let n := mload(p)
                    switch and(n, FORWARDED)
                    case 0 {
                        let size := shl(5, add(n, 1))
                        mcopy(at, p, size)
                        q := sub(at, mload(0x20))
                        next := add(at, size)
                    }
                    default { q := and(n, not(FORWARDED)) }
                }
            }
            // Claim c = (point, value): copied when past mark; its point moved either way (an older claim may
            // hold a newer point).
            function claim(c, at) -> q, next {
                q := c
                next := at
                let slot := c
                if iszero(lt(c, mload(0))) {
                    mstore(at, mload(c))
                    mstore(add(at, 0x20), mload(add(c, 0x20)))
                    q := sub(at, mload(0x20))
                    slot := at
                    next := add(at, 0x40)
                }
                let p := 0
                p, next := point(mload(slot), next)
                mstore(slot, p)
            }
            // Book: (tensors, records, words, count, last); State: (…, book 0x40, …, regs 0xa0, …, prefixes 0x140).
            let book := mload(add(m, 0x40))
            // No table yet: m.prefixes is Solidity's empty array (0x60), size 0.
            let table := mload(add(m, 0x140))
            let size := mload(table)
            // A record buffer grown in the step (a short program count) or a prefix table made in it: keep
            // everything.
            if and(lt(mload(add(book, 0x20)), mark), lt(table, mark)) {
                let start := mload(0x40)
                let at := start
                // base: final address = scratch address − base.
                let base := sub(start, mark)
                // The functions above read mark and base from the scratch words.
                mstore(0, mark)
                mstore(0x20, base)
                // Prefixes the step made (the table's last word is the newest).
                if and(iszero(iszero(size)), iszero(lt(mload(add(table, shl(5, add(size, 1)))), mark))) {
                    for { let e := add(table, 0x20) } lt(e, add(table, shl(5, add(size, 1)))) { e := add(e, 0x20) } {
                        let p := mload(e)
                        if iszero(lt(p, mark)) {
                            let q := 0
                            q, at := point(p, at)
                            mstore(p, or(FORWARDED, q))
                            mstore(e, q)
                        }
                    }
                    mstore(add(table, shl(5, add(size, 1))), 0)
                }
                // The register.
                let regs := mload(add(m, 0xa0))
                let k := mload(regs)
                let list := regs
                if iszero(lt(regs, mark)) {
                    list := at
                    mstore(list, k)
                    mstore(add(m, 0xa0), sub(at, base))
                    at := add(at, shl(5, add(k, 1)))
                }
                for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                    let e := add(list, shl(5, add(i, 1)))
                    let c := 0
                    c, at := claim(mload(add(regs, shl(5, add(i, 1)))), at)
                    mstore(e, c)
                }
                // Chains that gained nodes: every head past mark, its new nodes copied in order.
                if iszero(lt(mload(add(book, 0x80)), mark)) {
                    let tensors := mload(book)
                    let end := add(tensors, shl(5, add(mload(tensors), 1)))
                    for { let h := add(tensors, 0x20) } lt(h, end) { h := add(h, 0x20) } {
                        let slot := h
                        for { let node := mload(h) } iszero(lt(node, mark)) { node := mload(node) } {
                            let copy := at
                            mstore(slot, sub(copy, base))
                            mstore(copy, mload(node))
                            let c := 0
                            c, at := claim(mload(add(node, 0x20)), add(copy, 0x40))
                            mstore(add(copy, 0x20), c)
                            slot := copy
                        }
                    }
                    mstore(add(book, 0x80), 0)
                }
                let used := sub(at, start)
                mcopy(mark, start, used)
                mstore(0x40, add(mark, used))
            }
        }
    }

    /// @notice The word array stored at memory address `at` as [length, items…] — a view, not a copy — and
    /// the address after it (for {ModelVerifierPcs.arena}'s packed outcome).
    function arrayAt(uint256 at) internal pure returns (uint256[] memory a, uint256 next) {
        assembly ("memory-safe") {
            a := at
            next := add(at, shl(5, add(mload(at), 1)))
        }
    }

    /// @notice The word at memory address `at` + 32·i.
    function wordAt(uint256 at, uint256 i) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(at, shl(5, i)))
        }
    }

    /// @notice The first n coordinates of `p` (a copy).
    function prefix(uint256[] memory p, uint256 n) internal pure returns (uint256[] memory out) {
        out = new uint256[](n);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), add(p, 0x20), shl(5, n))
        }
    }

    /// @notice The register as a one-claim list.
    function single(ProofStream.Claim memory c) internal pure returns (ProofStream.Claim[] memory out) {
        out = claimList(1);
        out[0] = c;
    }

    /// @notice A claim list of length k whose entries the caller sets, every one, before reading any.
    /// @dev Not `new ProofStream.Claim[](k)`: that allocates a zero Claim for every entry first (memory and code
    /// ModelVerifier, at the EIP-170 limit, has no room for).
    function claimList(uint256 k) internal pure returns (ProofStream.Claim[] memory out) {
        assembly ("memory-safe") {
            out := mload(0x40)
            mstore(out, k)
            mstore(0x40, add(out, shl(5, add(k, 1))))
        }
    }
}
