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
    /// @notice LookupArena.verify on the proof's bytes from `offset` (a byte offset into `proof`), for the shape
    /// encoded in `section` (the arena section of the model's program).
    function arena(bytes32 state, bytes memory section, bytes calldata proof, uint256 offset)
        public
        view
        returns (LookupArena.Claims memory, LookupArena.Shape memory shape)
    {
        Program.Reader memory r = Program.reader(section);
        shape = _arenaShape(r);
        Program.finish(r);
        return (LookupArena.verify(state, shape, proof, offset), shape);
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

    /// @notice OpeningBatch.verify on the records, its messages read from byte `offset` of `proof`, which must end
    /// exactly after them.
    /// @return The transcript state after the opening.
    function opening(
        bytes32 state,
        uint256[] memory commitments,
        uint256[] memory records,
        uint256 count,
        HyperKZG.VerifierKey memory vk,
        bytes calldata proof,
        uint256 offset
    ) public view returns (bytes32) {
        ProofStream.Stream memory s = ProofStream.open(proof, state);
        s.cursor = s.start + offset;
        if (offset > proof.length) revert ProofStream.ProofTruncated(offset, 0);
        // No opening claims (a model without weights or advice): nothing to open, the stream must end here.
        if (count != 0) OpeningBatch.verify(s, commitments, records, count, vk);
        ProofStream.close(s);
        return s.state;
    }
}
