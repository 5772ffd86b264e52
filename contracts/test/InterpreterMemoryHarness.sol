// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "../verifier/layers/ProofStream.sol";
import {ClaimBook} from "../verifier/layers/ClaimBook.sol";
import {Machine} from "../verifier/layers/Machine.sol";

/// @title InterpreterMemoryHarness — Machine.reclaim on crafted steps (test only)
/// @notice Each function plays one step: it takes the free-memory pointer as the mark, allocates `garbage` words
/// between every survivor it makes (the step's temporaries), reclaims, then reads everything back through the
/// state, so the test can compare contents and the memory freed. Driven by
/// test/verifier-sol/interpreter-memory.test.ts.
contract InterpreterMemoryHarness {
    /// @notice What a step left, read back after Machine.reclaim: per claim its point and value (the register's,
    /// or every tensor's claims in order), where the free pointer ended relative to the mark, and whether every
    /// survivor now lies in [mark, free pointer).
    struct Outcome {
        uint256[][] points;
        uint256[] values;
        uint256 used;
        bool packed;
    }

    /// @notice A step whose register is `points`/`values` (fresh claims, or — `old` — claims made before the mark
    /// whose points are replaced by fresh ones during the step), with `garbage` words between the allocations.
    function register(uint256[][] memory points, uint256[] memory values, uint256 garbage, bool old)
        external
        pure
        returns (Outcome memory o)
    {
        Machine.State memory m = _state(0, new uint256[](0));
        ProofStream.Claim[] memory olds = Machine.claimList(points.length);
        if (old) for (uint256 i; i < points.length; ++i) olds[i] = ProofStream.Claim(new uint256[](0), values[i]);
        uint256 mark = _free();
        ProofStream.Claim[] memory regs = Machine.claimList(points.length);
        for (uint256 i; i < points.length; ++i) {
            _waste(garbage);
            uint256[] memory p = _copy(points[i]);
            _waste(garbage);
            if (old) {
                olds[i].point = p;
                regs[i] = olds[i];
            } else {
                regs[i] = ProofStream.Claim(p, values[i]);
            }
        }
        m.regs = regs;
        _waste(garbage);
        Machine.reclaim(m, mark);
        o = _read(m.regs, mark, _free());
    }

    /// @notice A step that adds claim i (points[i], values[i]) to tensor tensorOf[i] of a book of `tensors`
    /// (`before` claims, on tensor 0, added before the mark), then reclaims; every tensor's claims taken after.
    function chains(
        uint256 tensors,
        uint256[] memory tensorOf,
        uint256[][] memory points,
        uint256[] memory values,
        uint256 before,
        uint256 garbage
    ) external pure returns (Outcome memory o, uint256[] memory counts) {
        Machine.State memory m = _state(tensors, new uint256[](0));
        for (uint256 i; i < before; ++i) ClaimBook.add(m.book, 0, ProofStream.Claim(_copy(points[0]), values[0]));
        uint256 mark = _free();
        for (uint256 i; i < tensorOf.length; ++i) {
            _waste(garbage);
            ClaimBook.add(m.book, tensorOf[i], ProofStream.Claim(_copy(points[i]), values[i]));
        }
        _waste(garbage);
        Machine.reclaim(m, mark);
        uint256 end = _free();
        // Every tensor's claims, in order, as one list (the count per tensor beside it).
        counts = new uint256[](tensors);
        ProofStream.Claim[] memory all = Machine.claimList(tensorOf.length + before);
        uint256 k;
        for (uint256 t; t < tensors; ++t) {
            ProofStream.Claim[] memory taken = ClaimBook.take(m.book, t);
            counts[t] = taken.length;
            for (uint256 i; i < taken.length; ++i) all[k++] = taken[i];
        }
        o = _read(all, mark, end);
    }

    /// @notice A step that makes the arena prefixes of lengths `made` (some perhaps made before the mark: `early`)
    /// and puts claims on prefixes `claimed` in the register; returns the register, whether every claim on a
    /// prefix still shares the table's array, and the prefixes read back through Machine.arenaPrefix after.
    function prefixes(uint256[] memory rho, uint256[] memory early, uint256[] memory made, uint256[] memory claimed, uint256 garbage)
        external
        pure
        returns (Outcome memory o, bool shared, uint256[][] memory again)
    {
        Machine.State memory m = _state(0, rho);
        for (uint256 i; i < early.length; ++i) Machine.arenaPrefix(m, early[i]);
        uint256 mark = _free();
        for (uint256 i; i < made.length; ++i) {
            _waste(garbage);
            Machine.arenaPrefix(m, made[i]);
        }
        ProofStream.Claim[] memory regs = Machine.claimList(claimed.length);
        for (uint256 i; i < claimed.length; ++i) {
            _waste(garbage);
            regs[i] = ProofStream.Claim(Machine.arenaPrefix(m, claimed[i]), i);
        }
        m.regs = regs;
        _waste(garbage);
        Machine.reclaim(m, mark);
        o = _read(m.regs, mark, _free());
        shared = true;
        for (uint256 i; i < claimed.length; ++i) {
            uint256[] memory p = Machine.arenaPrefix(m, claimed[i]);
            uint256 a;
            uint256 b;
            ProofStream.Claim memory c = m.regs[i];
            uint256[] memory q = c.point;
            assembly ("memory-safe") {
                a := p
                b := q
            }
            if (a != b) shared = false;
        }
        again = new uint256[][](rho.length + 1);
        for (uint256 n; n <= rho.length; ++n) again[n] = Machine.arenaPrefix(m, n);
    }

    /// @notice Steps after which nothing may be freed: `which` 0 grows the record buffer during the step, 1 makes
    /// the arena's prefix table during it. Returns the free pointer's distance from the mark before and after.
    function kept(uint256 which) external pure returns (uint256 before, uint256 afterwards) {
        uint256[] memory rho = new uint256[](3);
        Machine.State memory m = _state(1, rho);
        uint256 mark = _free();
        _waste(50);
        if (which == 0) ClaimBook.reserve(m.book, 1000);
        else Machine.arenaPrefix(m, 2);
        m.regs = Machine.single(ProofStream.Claim(new uint256[](2), 7));
        before = _free() - mark;
        Machine.reclaim(m, mark);
        afterwards = _free() - mark;
    }

    function _state(uint256 tensors, uint256[] memory rho) private pure returns (Machine.State memory m) {
        m.book = ClaimBook.create(tensors, 16);
        m.arenaPoint = rho;
    }

    function _free() private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := mload(0x40)
        }
    }

    /// @dev `words` words of temporaries, filled with a pattern a missed pointer would show.
    function _waste(uint256 words) private pure {
        uint256[] memory w = new uint256[](words);
        for (uint256 i; i < words; ++i) w[i] = 0xdead0000 + i;
    }

    function _copy(uint256[] memory p) private pure returns (uint256[] memory q) {
        q = new uint256[](p.length);
        for (uint256 i; i < p.length; ++i) q[i] = p[i];
    }

    /// @dev The claims' points and values copied out (into fresh memory past the survivors), the survivors'
    /// extent [mark, end) and whether every claim and point of `list` lies inside it or below the mark.
    function _read(ProofStream.Claim[] memory list, uint256 mark, uint256 end) private pure returns (Outcome memory o) {
        o.used = end - mark;
        o.packed = true;
        o.points = new uint256[][](list.length);
        o.values = new uint256[](list.length);
        for (uint256 i; i < list.length; ++i) {
            ProofStream.Claim memory c = list[i];
            uint256[] memory p = c.point;
            uint256 a;
            uint256 b;
            assembly ("memory-safe") {
                a := c
                b := p
            }
            if (a >= end || b >= end) o.packed = false;
            o.points[i] = _copy(p);
            o.values[i] = c.value;
        }
    }
}
