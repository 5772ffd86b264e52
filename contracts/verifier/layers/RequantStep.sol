// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimBook} from "./ClaimBook.sol";
import {Machine} from "./Machine.sol";

/// @title RequantStep — what stays of a requantization in walk order
/// @notice Twin of `verifyRequantStep` (src/prover/graph/nodes/requant-step.ts) and `verifyRequantClaims`
/// (src/prover/layers/requant.ts), spec in docs/prover.md ("Requantization"). The relation to the accumulator was
/// checked before the walk by the batch of every requantization (RequantBatch.sol), which left the claim on acc on
/// the step's acc tensor. Here every claim on y (r_k, v_k) — y = lo + U on the whole cube — becomes openings of u's
/// limbs: u_1 … u_(ℓ_u−1) at r_k read and absorbed as "requant.u" (none when u is one limb), u_0 = v_k − lo −
/// Σ_(j≥1) 2^(Lj)·u_j, u_j's record at (r_k ‖ the bits of u_j's index in its group slot, least significant first).
/// Out: the register holds the claim on acc.
/// Program (REQUANT): u16 y, u16 acc tensor, u8 limb bits L, u8 uLimbs, word lo (Fr), then per u limb j: u16 group
/// slot (of A), u8 m_g (the slot's table-index variables), u8 u_j's index in the slot.
library RequantStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_U = "requant.u";
    /// @dev Program bytes of one u limb's entry: u16 slot, u8 m_g, u8 index.
    uint256 private constant LIMB_BYTES = 4;

    /// @notice Runs one requantization's walk part; the register ends holding the claim on acc.
    function run(Machine.State memory m) internal pure {
        Program.Reader memory r = m.r;
        ProofStream.Claim[] memory claims = ClaimBook.take(m.book, Program.u16(r));
        uint256 acc = Program.u16(r);
        uint256 bits = Program.u8(r);
        uint256 nU = Program.u8(r);
        uint256 lo = Program.word(r);
        uint256 limbsAt = Program.skip(r, LIMB_BYTES * nU);
        if (claims.length != 0) {
            // One point buffer for every record (a record copies its point): n + m_g ≤ n + 8 words. Released
            // after the records when nothing was allocated after it (memory is priced at its peak: the next step
            // reuses the words).
            uint256 free;
            assembly ("memory-safe") {
                free := mload(0x40)
            }
            uint256 words = claims[0].point.length + 8;
            _openClaims(m, claims, bits | (nU << 8), lo, limbsAt, new uint256[](words));
            _release(free, words);
        }
        m.regs = ClaimBook.take(m.book, acc);
    }

    /// @dev Every claim on y as openings of u's limbs (`shape` = limb bits | uLimbs << 8; `buf` the point buffer).
    function _openClaims(
        Machine.State memory m,
        ProofStream.Claim[] memory claims,
        uint256 shape,
        uint256 lo,
        uint256 limbsAt,
        uint256[] memory buf
    ) private pure {
        uint256 nU = shape >> 8;
        for (uint256 k; k < claims.length; ++k) {
            uint256 at = ProofStream.absorbScalars(m.s, LABEL_U, nU - 1);
            uint256 value = _uZero(shape & 0xff, nU, lo, claims[k].value, at);
            for (uint256 j; j < nU; ++j) {
                uint256 slot = _uPoint(limbsAt + LIMB_BYTES * j, claims[k].point, buf);
                ClaimBook.open(m.book, m.a, slot, buf, value);
                // u_(j+1), the sent word j (read past the run after the last limb, unused).
                value = ProofStream.word(at, j);
            }
        }
    }

    /// @dev Frees an array of `words` words allocated at `free` when nothing was allocated after it (its contents
    /// are dead: the records copied them).
    function _release(uint256 free, uint256 words) private pure {
        assembly ("memory-safe") {
            if eq(mload(0x40), add(free, shl(5, add(words, 1)))) { mstore(0x40, free) }
        }
    }

    /// @dev u_0 at a claim's point: v − lo − Σ_(i≥1) 2^(Li)·u_i (u_i the sent words at `at`).
    function _uZero(uint256 bits, uint256 nU, uint256 lo, uint256 v, uint256 at) private pure returns (uint256 u) {
        assembly ("memory-safe") {
            let q := R_MODULUS
            u := addmod(v, sub(q, lo), q)
            let limb := 1
            for { let i := 1 } lt(i, nU) { i := add(i, 1) } {
                limb := shl(bits, limb)
                u := addmod(u, sub(q, mulmod(limb, calldataload(add(at, shl(5, sub(i, 1)))), q)), q)
            }
        }
    }

    /// @dev The u limb entry at program address `entry` (u16 slot, u8 m_g, u8 index): its slot; writes the record's
    /// point (r ‖ the m_g bits of the index, least significant first) into `point` and sets its length. The program
    /// keeps m_g ≤ 5 (k < 64 tables a step, docs/prover.md), within the buffer's 8 spare words.
    function _uPoint(uint256 entry, uint256[] memory r, uint256[] memory point) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            let e := mload(entry)
            slot := shr(240, e)
            let mg := and(byte(2, e), 7)
            let index := byte(3, e)
            let n := mload(r)
            mstore(point, add(n, mg))
            mcopy(add(point, 0x20), add(r, 0x20), shl(5, n))
            for { let b := 0 } lt(b, mg) { b := add(b, 1) } {
                mstore(add(point, shl(5, add(add(n, b), 1))), and(shr(b, index), 1))
            }
        }
    }
}
