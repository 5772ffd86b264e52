// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelVerifier} from "../verifier/ModelVerifier.sol";

/// @title ModelVerifierHarness
/// @notice Runs the model interpreter on any program (differential tests against the TypeScript verifier,
/// test/verifier-sol/model*.test.ts); a generated verifier fixes its program in code instead.
contract ModelVerifierHarness {
    /// @notice ModelVerifier.verify on `program` (reverts with the failed check's custom error).
    function verify(bytes calldata program, bytes calldata input, bytes calldata output, address prover, bytes calldata proof)
        external
        view
        returns (bool)
    {
        return ModelVerifier.verify(program, input, output, prover, proof);
    }
}
