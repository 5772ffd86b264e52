// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Transcript} from "../verifier/Transcript.sol";
import {ProofStream} from "../verifier/layers/ProofStream.sol";
import {Program} from "../verifier/layers/Program.sol";
import {LayerOps} from "../verifier/layers/LayerOps.sol";
import {PublicTensor} from "../verifier/layers/PublicTensor.sol";

/// @title LayersHarness
/// @notice Exposes the layer verifiers to differential tests against src/prover/layers (test/verifier-sol/).
contract LayersHarness {
    /// @dev Bytes per value of the int32 tensors {evaluateTensor} reads.
    uint256 private constant INT32_BYTES = 4;

    /// @notice Starts a transcript for `domain`, runs one layer instruction of `program` on `claims` with its
    /// messages read from `proof` (every byte must be read); returns the final state and the claims handed on.
    function runLayer(bytes32 domain, bytes memory program, bytes calldata proof, ProofStream.Claim[] memory claims)
        external
        view
        returns (bytes32 state, ProofStream.Claim[] memory out)
    {
        ProofStream.Stream memory s = ProofStream.open(proof, Transcript.start(domain));
        Program.Reader memory r = Program.reader(program);
        out = LayerOps.run(s, r, claims);
        Program.finish(r);
        ProofStream.close(s);
        state = s.state;
    }

    /// @notice Gas of {runLayer} measured inside the call (no calldata or intrinsic cost).
    function runLayerGas(bytes32 domain, bytes memory program, bytes calldata proof, ProofStream.Claim[] memory claims)
        external
        view
        returns (uint256 used)
    {
        used = gasleft();
        ProofStream.Stream memory s = ProofStream.open(proof, Transcript.start(domain));
        Program.Reader memory r = Program.reader(program);
        LayerOps.run(s, r, claims);
        used -= gasleft();
    }

    /// @notice The MLE of the int32 big-endian tensor `data` of `shape` at `point`, and its gas.
    function evaluateTensor(bytes calldata data, uint256[] memory shape, uint256[] memory point)
        external
        view
        returns (uint256 value, uint256 gasUsed)
    {
        uint256 at;
        assembly ("memory-safe") {
            at := data.offset
        }
        gasUsed = gasleft();
        value = PublicTensor.evaluate(at, INT32_BYTES, shape, point);
        gasUsed -= gasleft();
    }
}
