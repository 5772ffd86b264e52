// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILATokenMinting
/// @notice What the emission controller needs from the LA token: the capped mint and its headroom.
interface ILATokenMinting {
    /// @notice Supply minted at deployment; the yearly mint cap is a fixed fraction of it.
    function INITIAL_SUPPLY() external view returns (uint256);

    /// @notice Hard ceiling of the yearly mint rate in basis points of {INITIAL_SUPPLY}.
    function MAX_INFLATION_BPS() external view returns (uint256);

    /// @notice Amount that may be minted now without exceeding the cap accrued since deployment.
    function mintable() external view returns (uint256);

    /// @notice Mints `amount` to `to`; reverts above {mintable}. Minter only.
    function mint(address to, uint256 amount) external;
}
