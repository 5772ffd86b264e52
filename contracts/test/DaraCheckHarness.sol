// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DaraCheck} from "../market/DaraCheck.sol";

/// @title DaraCheckHarness (test only)
/// @notice Exposes the internal {DaraCheck.verify} for tests and gas measurement.
contract DaraCheckHarness {
    /// @notice {DaraCheck.verify}: the number of winners, or the failed check's custom error.
    function verify(DaraCheck.Bid[] calldata bids, DaraCheck.Ask[] calldata asks, DaraCheck.Outcome calldata outcome)
        external
        pure
        returns (uint256)
    {
        return DaraCheck.verify(bids, asks, outcome);
    }
}
