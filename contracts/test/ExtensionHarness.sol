// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Extension} from "../verifier/layers/Extension.sol";
import {Program} from "../verifier/layers/Program.sol";
import {ProofStream} from "../verifier/layers/ProofStream.sol";
import {ModelVerifierSteps} from "../verifier/ModelVerifierSteps.sol";

/// @title ExtensionHarness
/// @notice Measures one EXT call of the interpreter (Extension.invoke into ModelVerifierSteps) on a register of
/// `claims` claims of `vars` coordinates and a proof of any length (test/verifier-sol/steps.test.ts).
contract ExtensionHarness {
    /// @dev ModelVerifierOps.OP_EXT_STEPS (named in a mismatch revert).
    uint256 private constant EXT_STEPS = 0x30;

    /// @notice Gas of Extension.invoke for the EXT parameters `code` (u32 length, section, u32 proof bytes); returns
    /// it with the claims handed back and the reader's final position relative to the start.
    function measure(bytes calldata proof, bytes memory code, uint256 claims, uint256 vars)
        external
        view
        returns (uint256 gasUsed, ProofStream.Claim[] memory out, uint256 read, bytes32 state)
    {
        ProofStream.Stream memory s = ProofStream.open(proof, keccak256("harness"));
        Program.Reader memory r = Program.reader(code);
        ProofStream.Claim[] memory regs = new ProofStream.Claim[](claims);
        for (uint256 i; i < claims; ++i) {
            regs[i].point = new uint256[](vars);
            for (uint256 j; j < vars; ++j) regs[i].point[j] = i * 1000 + j + 1;
            regs[i].value = i + 7;
        }
        uint256 start = r.ptr;
        uint256 before = gasleft();
        out = Extension.invoke(address(ModelVerifierSteps), EXT_STEPS, s, r, regs);
        gasUsed = before - gasleft();
        read = r.ptr - start;
        state = s.state;
    }
}
