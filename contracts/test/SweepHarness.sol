// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelVerifier} from "../verifier/ModelVerifier.sol";

/// @title SweepHarness
/// @notice Runs the model interpreter on many tampered copies of one proof in ONE call (the full tamper sweeps of
/// test/verifier-sol/*sweep*.test.ts and exact.test.ts): each listed 32-byte word in turn gets the lowest bit of its
/// last byte flipped, the copy is verified through an external self-call (so a revert is caught and only ends that
/// copy's verification), and the word is flipped back. Batching is what makes flipping EVERY word affordable in
/// `npm test`: one eth_call per chunk instead of one JSON-RPC round trip per word.
contract SweepHarness {
    /// @notice A word index that flips nothing.
    uint256 public constant CONTROL = type(uint256).max;
    /// @notice Verdicts of {sweep}.
    uint8 public constant REJECTED = 0;
    uint8 public constant ACCEPTED = 1;
    uint8 public constant UNCLEAR = 2;
    uint8 public constant NOT_RUN = 3;
    /// @dev Gas kept back for the loop and returning the verdicts.
    uint256 private constant RESERVE = 200_000;

    /// @notice ModelVerifier.verify on `program` (reverts with the failed check's custom error).
    function verify(
        bytes calldata program,
        bytes calldata input,
        bytes calldata output,
        address prover,
        bytes calldata proof
    )
        external
        view
        returns (bool)
    {
        return ModelVerifier.verify(program, input, output, prover, proof);
    }

    /// @notice For each word index in `words`, the verdict on the proof `copy` with that word's lowest bit flipped
    /// (the proof as given for {CONTROL}): ACCEPTED, REJECTED (a revert with data: a custom error or panic),
    /// UNCLEAR (a revert without data — out of gas, a failed precompile — or `false`), which the caller re-checks
    /// on its own, or NOT_RUN once the call's gas no longer covers a whole verification (the caller sends those
    /// again). Each verification gets at most `gasEach` (a precompile fed a bad point burns all it is given).
    /// Memory arguments: the proof is flipped in place (and back), and calldata arguments would not fit the stack.
    function sweep(
        bytes memory program,
        bytes memory input,
        bytes memory output,
        address prover,
        bytes memory copy,
        uint256[] memory words,
        uint256 gasEach
    ) external view returns (uint8[] memory verdicts) {
        verdicts = new uint8[](words.length);
        for (uint256 i; i < words.length; ++i) {
            // Stop while a whole verification still fits: the caller sends the rest again.
            if (gasleft() < gasEach + RESERVE) {
                for (; i < words.length; ++i) verdicts[i] = NOT_RUN;
                break;
            }
            bool control = words[i] == CONTROL;
            uint256 at = control ? 0 : 32 * words[i] + 31;
            if (!control) copy[at] ^= 0x01;
            try this.verify{gas: gasEach}(program, input, output, prover, copy) returns (bool ok) {
                verdicts[i] = ok ? ACCEPTED : UNCLEAR;
            } catch (bytes memory reason) {
                verdicts[i] = reason.length == 0 ? UNCLEAR : REJECTED;
            }
            if (!control) copy[at] ^= 0x01;
        }
    }
}
