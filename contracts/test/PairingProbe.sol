// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "../verifier/BN254.sol";

/// @title PairingProbe
/// @notice Test harness exposing {BN254.pairingCheck} so that TypeScript-computed equations can be checked
/// by the EVM's pairing precompile, and burning gas on request to probe the per-transaction gas cap.
contract PairingProbe {
    /// @notice Emitted by {checkAndRecord} with the precompile's verdict.
    event PairingChecked(bool holds);

    /// @notice Returns whether the product of pairings over `input` is one (a view for eth_call).
    function check(bytes calldata input) external view returns (bool) {
        return BN254.pairingCheck(input);
    }

    /// @notice Runs the check in a transaction and logs the verdict (so gas is measured on-chain).
    function checkAndRecord(bytes calldata input) external returns (bool holds) {
        holds = BN254.pairingCheck(input);
        emit PairingChecked(holds);
    }
}
