// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelVerifier} from "../verifier/ModelVerifier.sol";
import {Extension} from "../verifier/layers/Extension.sol";
import {Mle} from "../verifier/layers/Mle.sol";
import {Program} from "../verifier/layers/Program.sol";
import {ProofStream} from "../verifier/layers/ProofStream.sol";

/// @title RevertNamesHarness
/// @notice Runs the model interpreter on many tampered copies of one proof in ONE call and returns, per copy, the
/// 4-byte selector of the custom error it reverted with (test/verifier-sol/revert-names*.test.ts: which flipped
/// proof word reaches which named check). Each listed 32-byte word in turn gets the lowest bit of its last byte
/// flipped, the copy is verified through an external self-call (a revert ends only that copy's verification) and
/// the word is flipped back. SweepHarness answers accept/reject; this answers "rejected by which check".
contract RevertNamesHarness {
    /// @notice {names} result of a copy the verifier accepted.
    bytes4 public constant ACCEPTED = 0x00000000;
    /// @notice {names} result of a revert without a selector (out of gas, a failed precompile, `false`).
    bytes4 public constant NO_SELECTOR = 0xffffffff;
    /// @notice {names} result of a copy not run because the call's gas no longer covers a whole verification.
    bytes4 public constant NOT_RUN = 0xfffffffe;
    /// @dev Gas kept back for the loop and returning the selectors.
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

    /// @notice For each word index in `words`, the selector the proof `copy` with that word's lowest bit flipped
    /// reverts with ({ACCEPTED}, {NO_SELECTOR}, {NOT_RUN} otherwise). Each verification gets at most `gasEach`.
    /// Memory arguments: the proof is flipped in place (and back).
    function names(
        bytes memory program,
        bytes memory input,
        bytes memory output,
        address prover,
        bytes memory copy,
        uint256[] memory words,
        uint256 gasEach
    ) external view returns (bytes4[] memory selectors) {
        selectors = new bytes4[](words.length);
        for (uint256 i; i < words.length; ++i) {
            // Stop while a whole verification still fits: the caller sends the rest again.
            if (gasleft() < gasEach + RESERVE) {
                for (; i < words.length; ++i) selectors[i] = NOT_RUN;
                break;
            }
            uint256 at = 32 * words[i] + 31;
            copy[at] ^= 0x01;
            try this.verify{gas: gasEach}(program, input, output, prover, copy) returns (bool ok) {
                selectors[i] = ok ? ACCEPTED : NO_SELECTOR;
            } catch (bytes memory reason) {
                selectors[i] = reason.length < 4 ? NO_SELECTOR : bytes4(reason);
            }
            copy[at] ^= 0x01;
        }
    }

    /// @notice Extension.invoke of `target` (any address: one without code answers no frame) on an empty register,
    /// with the EXT parameters `code` (u32 length, section, u32 proof bytes) and `proof`; returns the claims handed back.
    function extension(address target, bytes calldata proof, bytes memory code)
        external
        view
        returns (ProofStream.Claim[] memory)
    {
        ProofStream.Stream memory s = ProofStream.open(proof, keccak256("revert-names"));
        return Extension.invoke(target, 0x30, s, Program.reader(code), new ProofStream.Claim[](0));
    }

    /// @notice Mle.inverse (the modexp precompile) of `a`.
    function inverse(uint256 a) external view returns (uint256) {
        return Mle.inverse(a);
    }

    /// @notice {inverse} run with at most `gasLimit` gas; its revert data, if any, re-thrown unchanged (a modexp
    /// call that runs out of gas leaves the caller 1/64 of it: enough to revert with the named error).
    function inverseWithGas(uint256 a, uint256 gasLimit) external view returns (uint256) {
        try this.inverse{gas: gasLimit}(a) returns (uint256 v) {
            return v;
        } catch (bytes memory reason) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /// @notice The largest gas limit in (`low`, `high`] — tried from `high` down, one unit at a time — with which
    /// {inverse} reverts with Mle.ModexpFailed (0 if none): where the modexp precompile's 63/64 share of the gas is
    /// below its price while the 1/64 left still pays for the named revert.
    function modexpFailingGas(uint256 a, uint256 high, uint256 low) external view returns (uint256) {
        for (uint256 g = high; g > low; --g) {
            try this.inverse{gas: g}(a) returns (uint256) {}
            catch (bytes memory reason) {
                if (reason.length >= 4 && bytes4(reason) == Mle.ModexpFailed.selector) return g;
            }
        }
        return 0;
    }
}
