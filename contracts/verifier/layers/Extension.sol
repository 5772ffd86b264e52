// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";

/// @title Extension — the one ABI between the model interpreter and its extension libraries
/// @notice The interpreter ({ModelVerifier}, instruction EXT of {ModelVerifierOps}) runs the steps it does not
/// hold itself by calling an external library (ModelVerifierSteps, …, linked by name; docs/verifier-gen.md,
/// "Extension libraries") with STATICCALL — a library's view functions may be called directly, and a step needs
/// nothing of the caller's context. Every extension library exposes exactly
///
///     function run(uint256[] calldata frame, bytes memory section, bytes calldata proof)
///         public view returns (uint256[] memory frame)
///
/// The *frame* is the interpreter state a step reads and changes, as flat words:
///
///     [transcript state, proof offset, k, then per claim: n, point_0 … point_{n−1}, value]
///
/// (the proof offset is the cursor as a byte offset into the whole proof; the k claims are the register).
/// `section` is the EXT instruction's own program bytes, which the library decodes and must fully consume;
/// `proof` is the step's *window* of the stream — the whole proof's bytes from the frame's proof offset on, as many
/// as the program says the step reads (its count is fixed by the model: sum-check rounds, message lengths) — so
/// the call copies only what the step reads, neither the bytes already read nor those of later steps; the
/// interpreter checks that the cursor came back exactly that far ({ExtensionReadMismatch}). The library reads it
/// as a stream based at that offset ({open}: ProofStream.openAt), so its cursor arithmetic and every revert's
/// byte offset are the whole proof's, exactly as the interpreter's. The frame returned is the state
/// after the step's messages (its proof offset again counted from the whole proof's first byte) and the claims
/// it hands on, which the interpreter's next instructions
/// route (ROUTE / ROUTEALL: to a tensor, or as openings of W or A). A library never touches the claim book,
/// the slot tables or the opening records: a step is a claims-in → claims-out function of the transcript, which
/// is what lets it live in its own contract.
/// @dev Flat words, not a struct array, and the call encoded by hand ({invoke}): Solidity's ABI coder for the
/// call costs the interpreter ~1 KB of code it does not have (EIP-170), while this costs a few hundred bytes, and
/// the returned frame unpacks in place (a claim's point IS the `n, point…` run of the frame: a memory array
/// header followed by its words).
library Extension {
    /// @dev The selector of `run(uint256[],bytes,bytes)` and of ExtensionNoFrame(), which {invoke} hard-codes (the
    /// extension test checks both).
    bytes4 internal constant RUN_SELECTOR = 0xdc280298;

    /// @dev The program's proof byte count meaning "the stream's whole unread tail" (a step whose reads the
    /// program does not bound; the generator writes an exact count for every step it knows).
    uint256 internal constant TAIL = 0xffffffff;
    /// @dev The selector of ProofStream.ProofTruncated(uint256,uint256), for assembly (the extension test checks it).
    uint256 private constant PROOF_TRUNCATED = 0x6ee6d10f;

    /// @notice The extension library called did not return a frame (not deployed or not linked).
    error ExtensionNoFrame();

    /// @notice The extension step `step` (the section's sub-opcode) of the library of EXT opcode `op` (0x30 + i),
    /// whose messages start at proof byte `offset`, read `read` bytes where the program says `expected` (for a
    /// window too short: `read` is where the library's first read past it would have ended). Honest proofs read
    /// exactly the program's count, which the plan fixes: a generator bug, or a program made for another model.
    error ExtensionReadMismatch(uint256 op, uint256 step, uint256 offset, uint256 expected, uint256 read);

    /// @notice Runs `target.run(frame, section, window)` (STATICCALL; a revert is re-thrown as is) for EXT instruction
    /// `op` whose parameters `r` is at (u32 length, the section, u32 proof bytes; `r` skips them): the frame is the
    /// stream `s` (state, cursor) and the register `claims`, the window is the next `proof bytes` of the stream
    /// (fewer when the proof ends first; the whole unread tail for {TAIL}). `s` moves to the returned state and
    /// cursor, which must have advanced by exactly the window ({ExtensionReadMismatch}: also when the library ran
    /// past a window the program cut short), and the claims handed on are returned.
    /// @dev A section running past the program's end is caught by the interpreter's final Program.finish. Why a
    /// window: the call's calldata and its memory are paid per byte, and a step reads a number of bytes fixed by
    /// the model (its sum-checks' rounds, its messages' lengths) — the tail was tens of kB per call.
    function invoke(
        address target,
        uint256 op,
        ProofStream.Stream memory s,
        Program.Reader memory r,
        ProofStream.Claim[] memory claims
    )
        internal
        view
        returns (ProofStream.Claim[] memory out)
    {
        uint256 cursor = s.cursor;
        (uint256 ptr, uint256 end, uint256 expected, uint256 step) = _encode(s, r, claims);
        // The bytes the step read; on a revert, only a ProofTruncated(at, needed) out of a window the program's
        // count cut short of the proof's end gets here (read = at + needed − offset, past the window): the count is
        // wrong, not the proof (every read before the cut was the honest one). Any other revert is re-thrown.
        uint256 read;
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), target, ptr, sub(end, ptr), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                let cut := lt(expected, sub(mload(add(s, 0x40)), cursor))
                if iszero(and(cut, and(eq(returndatasize(), 0x44), eq(shr(224, mload(ptr)), PROOF_TRUNCATED)))) {
                    revert(ptr, returndatasize())
                }
                read := sub(add(mload(add(ptr, 4)), mload(add(ptr, 0x24))), sub(cursor, mload(add(s, 0x60))))
            }
        }
        if (read == 0) {
            out = _decode(s, ptr);
            read = s.cursor - cursor;
        }
        if (expected != TAIL && read != expected) {
            revert ExtensionReadMismatch(op, step, ProofStream.offsetOf(s, cursor), expected, read);
        }
    }

    /// @dev The calldata of `run(frame, section, window)` at the free pointer (scratch, not allocated: the return
    /// data overwrites it); `r` skips the section and the proof byte count. Returns where the calldata starts and
    /// ends, the program's proof byte count and the step (the section's first byte, its sub-opcode).
    function _encode(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        private
        pure
        returns (uint256 ptr, uint256 at, uint256 expected, uint256 step)
    {
        assembly ("memory-safe") {
            // Calldata at the free pointer (scratch: the return data overwrites it): selector, the three argument
            // offsets (relative to ptr + 4), then the frame, the section and the proof's window.
            ptr := mload(0x40)
            mstore(ptr, shl(224, 0xdc280298))
            mstore(add(ptr, 4), 0x60)
            // The frame: length word, state, offset (Stream: state, cursor, end, start; the cursor's offset in
            // the proof, modulo 2^256 as ProofStream.offsetOf), k, then per claim its point array (n,
            // coordinates…; a Claim is (point pointer, value)) and value.
            at := add(ptr, 0x64)
            mstore(add(at, 0x20), mload(s))
            mstore(add(at, 0x40), sub(mload(add(s, 0x20)), mload(add(s, 0x60))))
            let k := mload(claims)
            mstore(add(at, 0x60), k)
            at := add(at, 0x80)
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let c := mload(add(claims, shl(5, add(i, 1))))
                let size := shl(5, add(mload(mload(c)), 1))
                mcopy(at, mload(c), size)
                at := add(at, size)
                mstore(at, mload(add(c, 0x20)))
                at := add(at, 0x20)
            }
            mstore(add(ptr, 0x64), sub(shr(5, sub(at, add(ptr, 0x64))), 1))
            // The section, from program memory (Reader: ptr, end): u32 length, the bytes, then the u32 proof byte
            // count; `r` skips all three.
            mstore(add(ptr, 0x24), sub(at, add(ptr, 4)))
            let from := mload(r)
            let length := shr(224, mload(from))
            from := add(from, 4)
            step := byte(0, mload(from))
            expected := shr(224, mload(add(from, length)))
            mstore(r, add(add(from, length), 4))
            mstore(at, length)
            mcopy(add(at, 0x20), from, length)
            at := add(add(at, 0x20), and(add(length, 31), not(31)))
            // The proof's window (cursor to cursor + expected, or to the end when the proof ends first or the
            // program asks for the tail), straight from calldata; end ≥ cursor (ProofStream.take).
            mstore(add(ptr, 0x44), sub(at, add(ptr, 4)))
            from := mload(add(s, 0x20))
            length := sub(mload(add(s, 0x40)), from)
            if lt(expected, length) { length := expected }
            mstore(at, length)
            calldatacopy(add(at, 0x20), from, length)
            at := add(add(at, 0x20), and(add(length, 31), not(31)))
        }
    }

    /// @dev The frame `run` returned (return data, copied to `ptr`): `s` moves to its state and cursor; its claims,
    /// allocated after it, are returned.
    function _decode(ProofStream.Stream memory s, uint256 ptr) private pure returns (ProofStream.Claim[] memory out) {
        assembly ("memory-safe") {
            // No frame back (no code at `target`): ExtensionNoFrame().
            if lt(returndatasize(), 0x80) {
                mstore(0, shl(224, 0x2b548ed4))
                revert(0, 4)
            }
            // The return data is abi.encode(uint256[]): offset 0x20, then the frame in memory layout [len, state,
            // offset, k, claims…]; it stays where it is copied and the claims' points alias it (as in {unpack}).
            returndatacopy(ptr, 0, returndatasize())
            mstore(s, mload(add(ptr, 0x40)))
            mstore(add(s, 0x20), add(mload(add(s, 0x60)), mload(add(ptr, 0x60))))
            let k := mload(add(ptr, 0x80))
            out := add(ptr, returndatasize())
            mstore(out, k)
            let structs := add(out, shl(5, add(k, 1)))
            mstore(0x40, add(structs, shl(6, k)))
            let at := add(ptr, 0xa0)
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let c := add(structs, shl(6, i))
                mstore(add(out, shl(5, add(i, 1))), c)
                mstore(c, at)
                at := add(at, shl(5, add(mload(at), 1)))
                mstore(add(c, 0x20), mload(at))
                at := add(at, 0x20)
            }
        }
    }

    /// @notice Packs the transcript state, proof offset and claims into frame words.
    function pack(bytes32 state, uint256 offset, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (uint256[] memory words)
    {
        assembly ("memory-safe") {
            words := mload(0x40)
            mstore(add(words, 0x20), state)
            mstore(add(words, 0x40), offset)
            let k := mload(claims)
            mstore(add(words, 0x60), k)
            let at := add(words, 0x80)
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                // A Claim in memory is (pointer to point array, value); the array is (n, coordinates…).
                let c := mload(add(claims, shl(5, add(i, 1))))
                let p := mload(c)
                let size := shl(5, add(mload(p), 1))
                mcopy(at, p, size)
                at := add(at, size)
                mstore(at, mload(add(c, 0x20)))
                at := add(at, 0x20)
            }
            mstore(words, sub(shr(5, sub(at, words)), 1))
            mstore(0x40, at)
        }
    }

    /// @notice The transcript state, proof offset and claims of frame words (the claims' points alias the words).
    /// @dev Reverts if the words are not a well-formed frame (only a library bug can produce one).
    function unpack(uint256[] memory words)
        internal
        pure
        returns (bytes32 state, uint256 offset, ProofStream.Claim[] memory claims)
    {
        bool ok;
        assembly ("memory-safe") {
            let len := mload(words)
            ok := gt(len, 2)
            if ok {
                state := mload(add(words, 0x20))
                offset := mload(add(words, 0x40))
                let k := mload(add(words, 0x60))
                let end := add(words, shl(5, add(len, 1)))
                // The claim array and its k structs, allocated together.
                claims := mload(0x40)
                mstore(claims, k)
                let structs := add(claims, shl(5, add(k, 1)))
                mstore(0x40, add(structs, shl(6, k)))
                let at := add(words, 0x80)
                for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                    let c := add(structs, shl(6, i))
                    mstore(add(claims, shl(5, add(i, 1))), c)
                    mstore(c, at)
                    at := add(at, shl(5, add(mload(at), 1)))
                    mstore(add(c, 0x20), mload(at))
                    at := add(at, 0x20)
                    if gt(at, end) { ok := 0 }
                }
                if iszero(eq(at, end)) { ok := 0 }
            }
        }
        if (!ok) revert FrameMalformed();
    }

    /// @notice Frame words that do not parse (an extension library bug).
    error FrameMalformed();

    /// @notice The stream over `proof` — the step's window of the proof, starting at the frame's proof offset —
    /// continuing the frame's transcript, its cursor at the window's first byte; and the register.
    /// @dev Offsets stay the whole proof's (ProofStream.openAt): a revert names the same byte as the interpreter's
    /// would. Any offset is a valid base (the bytes before it are simply not here), so there is no range check.
    /// The frame is taken as calldata and copied into memory with one CALLDATACOPY (the ABI decoder of a
    /// `uint256[] memory` argument copies it word by word, with a bounds check each).
    function open(uint256[] calldata frame, bytes calldata proof)
        internal
        pure
        returns (ProofStream.Stream memory s, ProofStream.Claim[] memory claims)
    {
        uint256[] memory words;
        assembly ("memory-safe") {
            words := mload(0x40)
            let size := shl(5, frame.length)
            mstore(words, frame.length)
            calldatacopy(add(words, 0x20), frame.offset, size)
            mstore(0x40, add(add(words, 0x20), size))
        }
        bytes32 state;
        uint256 offset;
        (state, offset, claims) = unpack(words);
        s = ProofStream.openAt(proof, state, offset);
    }

    /// @notice Ends the library's `run` with the frame after a step — the stream's state and cursor (its offset in
    /// the whole proof) and the claims handed on — as its return data (abi.encode of the frame words).
    /// @dev Returns from assembly where the words lie, behind an offset word allocated in front of them: the ABI
    /// encoder would copy every word once more. Only an extension library's external `run` may call this.
    function close(ProofStream.Stream memory s, ProofStream.Claim[] memory claims)
        internal
        pure
        returns (uint256[] memory words)
    {
        bytes32 state = s.state;
        uint256 offset = ProofStream.position(s);
        assembly ("memory-safe") {
            let head := mload(0x40)
            mstore(head, 0x20)
            mstore(0x40, add(head, 0x20))
        }
        // pack allocates at the free pointer: the words start right after the offset word.
        words = pack(state, offset, claims);
        assembly ("memory-safe") {
            return(sub(words, 0x20), shl(5, add(mload(words), 2)))
        }
    }
}
