// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title LATimelock
/// @notice The owner of every network parameter: OpenZeppelin's TimelockController, unchanged. The governor is
/// its proposer and canceller; execution is open to anyone once the delay has passed.
/// @dev A named subclass only so that the deployment has its own artifact and address book entry.
contract LATimelock is TimelockController {
    /// @param minDelay seconds between a queued proposal and its execution.
    /// @param proposers accounts allowed to queue (the governor).
    /// @param executors accounts allowed to execute (`address(0)`: anyone).
    /// @param admin optional bootstrap admin (the deployer, who renounces after wiring; `address(0)`: none).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
