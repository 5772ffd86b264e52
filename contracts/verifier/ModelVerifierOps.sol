// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./layers/ProofStream.sol";
import {Program} from "./layers/Program.sol";
import {ClaimBook} from "./layers/ClaimBook.sol";
import {Machine} from "./layers/Machine.sol";
import {Mle} from "./layers/Mle.sol";
import {Broadcast} from "./layers/Broadcast.sol";
import {ModelVerifierPcs} from "./ModelVerifierPcs.sol";
import {LayerOps} from "./layers/LayerOps.sol";
import {MergeStep} from "./layers/MergeStep.sol";
import {RequantStep} from "./layers/RequantStep.sol";
import {RequantBatch} from "./layers/RequantBatch.sol";
import {Extension} from "./layers/Extension.sol";
import {ModelVerifierSteps} from "./ModelVerifierSteps.sol";
import {ModelVerifierAttention} from "./ModelVerifierAttention.sol";
import {ModelVerifierLlm} from "./ModelVerifierLlm.sol";
import {ModelVerifierExact} from "./ModelVerifierExact.sol";
import {ModelVerifierTree} from "./ModelVerifierTree.sol";
import {ModelVerifierIndexed} from "./ModelVerifierIndexed.sol";

/// @title ModelVerifierOps — the instructions of a model verifier program after the arena
/// @notice Each instruction is one step of `executePlan` (src/prover/graph/, docs/verifier-gen.md), in transcript
/// order. The register (Machine.State.regs) carries claims from one instruction to the next:
///   OUTPUT     u16 tensor, u8 n, u32 byte offset, shape  r = n × challenge("proof.output"); claim (r, out~(r))
///   CONSTOUT   u32 byte offset, u32 length, word hash    a constant output's bytes hash to `hash`
///   TAKE       u16 tensor                               register = every claim on the tensor (removed)
///   ROUTE      u8 count, count × dest                   claim i of the register → dest i
///   ROUTEALL   dest                                     every claim of the register → dest
///   LAYER      a LayerOps instruction                   register = the layer IOP's claims on its inputs
///   REQUANTS   RequantBatch parameters                  (first, before OUTPUT) every requantization's zero-check:
///                                                       claims on their acc tensors, their group slots opened
///   REQUANT    RequantStep parameters                   claims on y → openings of u; register = [claim on acc]
///   TABLE      activation-table step (below)
///   POINTMAP   gather                                   every claim's point re-gathered from itself
///   SKIPEMPTY  u32 length                               skip `length` program bytes when the register is empty
///   MERGEMANY  u8 n                                     several claims → one (MergeStep); one claim is kept
///   ARENA      u16 column, u8 component, dest           the arena's claim on a witness column's component → dest
///   INPUT      u16 tensor, u32 byte offset, shape       every claim in the register (a graph input's, TAKEn and,
///                                                       when the input is large, MERGEMANYed first: one
///                                                       evaluation then) checked against the input bytes
///   EXT_*      u32 length, section, u32 proof bytes     register = an extension library's step on the register
///              (one opcode per library, 0x30 + its index: EXT_STEPS ModelVerifierSteps, EXT_ATTENTION
///              ModelVerifierAttention, EXT_LLM ModelVerifierLlm, …); the library is sent only the step's
///              `proof bytes` of the stream and must read exactly them (Extension.TAIL: the unread tail)
///   END
/// A dest is u8 kind (Machine.DEST_*) and u16 id; a shape is u8 rank and u32 per axis.
library ModelVerifierOps {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_OUTPUT = "proof.output";

    uint256 internal constant OP_END = 0x00;
    uint256 internal constant OP_OUTPUT = 0x20;
    uint256 internal constant OP_CONSTOUT = 0x21;
    uint256 internal constant OP_TAKE = 0x22;
    uint256 internal constant OP_ROUTE = 0x23;
    uint256 internal constant OP_ROUTEALL = 0x24;
    uint256 internal constant OP_LAYER = 0x25;
    /// @dev 0x26 was REQUANT before session 8 (the whole requantization in walk order): retired, as 0x2b.
    uint256 internal constant OP_TABLE = 0x27;
    uint256 internal constant OP_POINTMAP = 0x28;
    uint256 internal constant OP_SKIPEMPTY = 0x29;
    uint256 internal constant OP_MERGEMANY = 0x2a;
    /// @dev 0x2b was INPUT before session 7 (it took the claims itself): retired, so that a program and an
    /// interpreter from different sides of that change revert (ProgramOpUnknown) instead of skipping the check.
    uint256 internal constant OP_ARENA = 0x2c;
    uint256 internal constant OP_INPUT = 0x2d;
    uint256 internal constant OP_REQUANTS = 0x2e;
    uint256 internal constant OP_REQUANT = 0x2f;
    /// @dev EXT instructions, one opcode per extension library (src/compiler/program/extension.ts, EXT_OP).
    uint256 internal constant OP_EXT_STEPS = 0x30;
    uint256 internal constant OP_EXT_ATTENTION = 0x31;
    uint256 internal constant OP_EXT_LLM = 0x32;
    uint256 internal constant OP_EXT_EXACT = 0x33;
    uint256 internal constant OP_EXT_TREE = 0x34;
    uint256 internal constant OP_EXT_INDEXED = 0x35;

    /// @notice The program names an unknown instruction (a generator bug).
    error ProgramOpUnknown(uint256 op);
    /// @notice ROUTE names another number of claims than the register holds (a generator bug).
    error RouteCount(uint256 expected, uint256 held);
    /// @notice A claim on graph input `tensor` does not match the public input.
    error InputClaimMismatch(uint256 tensor);
    /// @notice The bytes of a constant output differ from the model's constant.
    error ConstantOutputMismatch(uint256 offset);

    /// @notice Runs instructions up to END.
    /// @dev The steps whose temporaries are freed after them (Machine.reclaim): REQUANTS, REQUANT and MERGEMANY,
    /// whose survivors are a small part of what they allocate. Measured on self_attention (docs/verifier-gen.md,
    /// "Session 9 (MEM)"): LAYER and EXT steps leave mostly survivors (their claims' points), and moving them
    /// costs more than the words freed save.
    uint256 private constant RECLAIMED = (1 << OP_MERGEMANY) | (1 << OP_REQUANT) | (1 << OP_REQUANTS);

    /// @notice Runs instructions up to END.
    function runAll(Machine.State memory m) internal view {
        for (;;) {
            uint256 op = Program.u8(m.r);
            uint256 mark;
            assembly ("memory-safe") {
                mark := mload(0x40)
            }
            if (op == OP_END) return;
            if (op == OP_TAKE) m.regs = ClaimBook.take(m.book, Program.u16(m.r));
            else if (op == OP_LAYER) m.regs = LayerOps.run(m.s, m.r, m.regs);
            else if (op == OP_ROUTE) _route(m);
            else if (op == OP_ROUTEALL) _routeAll(m);
            else if (op == OP_REQUANT) RequantStep.run(m);
            else if (op == OP_TABLE) _table(m);
            else if (op == OP_POINTMAP) _pointMap(m);
            else if (op == OP_SKIPEMPTY) _skipEmpty(m);
            else if (op == OP_MERGEMANY) _mergeMany(m);
            else if (op == OP_OUTPUT) _output(m);
            else if (op == OP_CONSTOUT) _constantOutput(m);
            else if (op == OP_INPUT) _input(m);
            else if (op >= OP_EXT_STEPS && op <= OP_EXT_INDEXED) {
                m.regs = Extension.invoke(_library(op), op, m.s, m.r, m.regs);
            }
            else if (op == OP_ARENA) _arena(m);
            else if (op == OP_REQUANTS) RequantBatch.run(m);
            else revert ProgramOpUnknown(op);
            if ((RECLAIMED >> op) & 1 != 0 && _worthReclaiming(mark)) Machine.reclaim(m, mark);
        }
    }

    /// @dev Whether freeing what a step allocated past `mark` pays: the F bytes it allocated at M bytes of memory
    /// (the free pointer), priced at memory's margin per word (3 + M / 8192 gas: quadratic pricing's derivative),
    /// against the move (≈ 600 gas): F·(3 + M/8192) ≥ 600·32. On the CNNs memory is cheap and the step small.
    function _worthReclaiming(uint256 mark) private pure returns (bool worth) {
        assembly ("memory-safe") {
            let top := mload(0x40)
            worth := iszero(lt(mul(sub(top, mark), add(3, shr(13, top))), 19200))
        }
    }

    /// @dev The extension library of EXT opcode `op` (OP_EXT_STEPS … OP_EXT_INDEXED). One call site for every
    /// library: each `Extension.invoke` call costs ModelVerifier code, which sits at the EIP-170 limit.
    function _library(uint256 op) private pure returns (address) {
        if (op == OP_EXT_STEPS) return address(ModelVerifierSteps);
        if (op == OP_EXT_ATTENTION) return address(ModelVerifierAttention);
        if (op == OP_EXT_LLM) return address(ModelVerifierLlm);
        if (op == OP_EXT_EXACT) return address(ModelVerifierExact);
        if (op == OP_EXT_TREE) return address(ModelVerifierTree);
        return address(ModelVerifierIndexed);
    }

    function _route(Machine.State memory m) private pure {
        uint256 n = Program.u8(m.r);
        if (n != m.regs.length) revert RouteCount(n, m.regs.length);
        for (uint256 i; i < n; ++i) Machine.route(m, m.regs[i]);
        ProofStream.Claim[] memory none;
        m.regs = none;
    }

    function _routeAll(Machine.State memory m) private pure {
        uint256 kind = Program.u8(m.r);
        uint256 id = Program.u16(m.r);
        for (uint256 i; i < m.regs.length; ++i) Machine.routeTo(m, kind, id, m.regs[i]);
        ProofStream.Claim[] memory none;
        m.regs = none;
    }

    /// @dev An activation table (twin of `tableHandler`, src/prover/graph/nodes/table.ts): the arena's claim on
    /// the column gives y (an opening of A) and x = component 0 − c·(1 − 1_real(ρ)); every claim on y is an
    /// opening of A. Program: u16 column, u16 y slot, u16 y tensor, u8 hasPad, [word c, indicator factor],
    /// dest of x.
    function _table(Machine.State memory m) private pure {
        uint256 column = Program.u16(m.r);
        uint256 ySlot = Program.u16(m.r);
        uint256 yTensor = Program.u16(m.r);
        ProofStream.Claim memory y = Machine.arenaColumn(m, column, 1);
        ClaimBook.open(m.book, m.a, ySlot, y.point, y.value);
        ProofStream.Claim[] memory taken = ClaimBook.take(m.book, yTensor);
        for (uint256 i; i < taken.length; ++i) ClaimBook.open(m.book, m.a, ySlot, taken[i].point, taken[i].value);
        ProofStream.Claim memory x = Machine.arenaColumn(m, column, 0);
        if (Program.u8(m.r) != 0) {
            uint256 c = Program.word(m.r);
            uint256 real = Broadcast.factor(m.r, x.point);
            x.value = Mle.sub(x.value, mulmod(c, Mle.sub(1, real), R_MODULUS));
        }
        Machine.route(m, x);
    }

    function _pointMap(Machine.State memory m) private pure {
        uint256 at = m.r.ptr;
        for (uint256 i; i < m.regs.length; ++i) {
            m.r.ptr = at;
            m.regs[i].point = Program.gather(m.r, m.regs[i].point);
        }
        if (m.regs.length == 0) Program.gather(m.r, new uint256[](0));
    }

    function _skipEmpty(Machine.State memory m) private pure {
        uint256 length = Program.u32(m.r);
        if (m.regs.length == 0) Program.skip(m.r, length);
    }

    function _mergeMany(Machine.State memory m) private pure {
        uint256 n = Program.u8(m.r);
        if (m.regs.length > 1) m.regs = Machine.single(MergeStep.verify(m.s, n, m.regs));
    }

    function _output(Machine.State memory m) private view {
        uint256 tensor = Program.u16(m.r);
        uint256 n = Program.u8(m.r);
        uint256 offset = Program.u32(m.r);
        uint256[] memory shape = _shape(m.r);
        ProofStream.Claim memory c;
        c.point = new uint256[](n);
        for (uint256 j; j < n; ++j) c.point[j] = ProofStream.challenge(m.s, LABEL_OUTPUT);
        c.value = _publicTensor(m.outputAt, m.outputLength, offset, shape, c.point);
        ClaimBook.add(m.book, tensor, c);
    }

    function _constantOutput(Machine.State memory m) private pure {
        uint256 offset = Program.u32(m.r);
        uint256 length = Program.u32(m.r);
        bytes32 expected = bytes32(Program.word(m.r));
        uint256 at = m.outputAt + offset;
        bytes32 h;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, at, length)
            h := keccak256(ptr, length)
        }
        if (h != expected) revert ConstantOutputMismatch(offset);
    }

    /// @dev INPUT: the register's claims (the program TAKEs the input's claims and, for a large input, merges
    /// them first) each checked by one evaluation of the public input's MLE (src/prover/graph/public-claims.ts).
    function _input(Machine.State memory m) private view {
        uint256 tensor = Program.u16(m.r);
        uint256 offset = Program.u32(m.r);
        uint256[] memory shape = _shape(m.r);
        ProofStream.Claim[] memory claims = m.regs;
        for (uint256 i; i < claims.length; ++i) {
            if (_publicTensor(m.inputAt, m.inputLength, offset, shape, claims[i].point) != claims[i].value) {
                revert InputClaimMismatch(tensor);
            }
        }
    }

    /// @dev The selector of ModelVerifierPcs.publicTensor(bytes,uint256,uint256[],uint256[]), called by hand in
    /// {_publicTensor} (test/verifier-sol/interpreter-memory.test.ts checks it against the ABI).
    uint256 internal constant PUBLIC_TENSOR_SELECTOR = 0x264ff906;

    /// @dev ModelVerifierPcs.publicTensor(the `length` statement bytes at calldata offset `at`, `located`, shape,
    /// point), encoded by hand at the free pointer (scratch; STATICCALL: a library's pure function may be called
    /// directly; a revert is re-thrown as is). Why: the ABI coder's encoding of the byte string and two arrays
    /// is code ModelVerifier (at the EIP-170 limit) does not have room for.
    function _publicTensor(
        uint256 at,
        uint256 length,
        uint256 located,
        uint256[] memory shape,
        uint256[] memory point
    ) private view returns (uint256 v) {
        address lib = address(ModelVerifierPcs);
        assembly ("memory-safe") {
            // selector; head: offset of the bytes (0x80), located, offsets of shape and point; then the bytes
            // (length, data zero-padded to a word), shape and point as [length, items…].
            let ptr := mload(0x40)
            mstore(ptr, shl(224, PUBLIC_TENSOR_SELECTOR))
            let args := add(ptr, 4)
            mstore(args, 0x80)
            mstore(add(args, 0x20), located)
            let shapeAt := add(0xa0, and(add(length, 31), not(31)))
            let shapeSize := shl(5, add(mload(shape), 1))
            mstore(add(args, 0x40), shapeAt)
            mstore(add(args, 0x60), add(shapeAt, shapeSize))
            mstore(add(args, 0x80), length)
            mstore(add(add(args, 0xa0), and(length, not(31))), 0)
            calldatacopy(add(args, 0xa0), at, length)
            mcopy(add(args, shapeAt), shape, shapeSize)
            let end := add(add(args, shapeAt), shapeSize)
            let pointSize := shl(5, add(mload(point), 1))
            mcopy(end, point, pointSize)
            end := add(end, pointSize)
            if iszero(staticcall(gas(), lib, ptr, sub(end, ptr), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            // No outcome (no code at `lib`): revert empty, as the compiler's own library calls do.
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            returndatacopy(0, 0, 0x20)
            v := mload(0)
        }
    }

    /// @dev ARENA: the arena's claim on one component of a witness column, routed like any claim.
    function _arena(Machine.State memory m) private pure {
        uint256 column = Program.u16(m.r);
        uint256 component = Program.u8(m.r);
        Machine.route(m, Machine.arenaColumn(m, column, component));
    }

    function _shape(Program.Reader memory r) private pure returns (uint256[] memory shape) {
        assembly ("memory-safe") {
            // u8 rank, then u32 per axis (Reader: ptr, end).
            let p := mload(r)
            let rank := byte(0, mload(p))
            p := add(p, 1)
            shape := mload(0x40)
            mstore(shape, rank)
            for { let a := 0 } lt(a, rank) { a := add(a, 1) } {
                mstore(add(shape, shl(5, add(a, 1))), shr(224, mload(add(p, shl(2, a)))))
            }
            mstore(r, add(p, shl(2, rank)))
            mstore(0x40, add(shape, shl(5, add(rank, 1))))
        }
    }
}
