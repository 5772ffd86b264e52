// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title GuardianPausable
/// @notice Emergency brake shared by the network's contracts: a guardian may pause, only governance (the holder
/// of `DEFAULT_ADMIN_ROLE`, the timelock after deployment) may unpause.
/// @dev The guardian role carries no other power: it cannot change a parameter, move funds or grant roles, so a
/// compromised guardian can at worst freeze the contract until governance unpauses and revokes it.
abstract contract GuardianPausable is AccessControl, Pausable {
    /// @notice Role allowed to call {pause}; nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice Stops the functions marked `whenNotPaused`. Guardian only.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes the paused functions. Governance only.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
