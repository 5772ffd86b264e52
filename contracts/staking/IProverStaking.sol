// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProverStaking
/// @notice The staking surface other contracts rely on: the emission controller pays rewards through it and
/// reads historical stake; the proof market (issue 9) reads activity and stake, locks collateral and slashes.
interface IProverStaking {
    /// @notice Whether `prover` is registered and its self-stake is at least the minimum (may win work, earn).
    function isActive(address prover) external view returns (bool);

    /// @notice Active (bonded, not unbonding) assets of `prover`'s pool now, vested rewards included.
    function activeStake(address prover) external view returns (uint256);

    /// @notice Active assets of `prover`'s pool as last recorded at or before `timestamp`.
    function activeStakeAt(address prover, uint256 timestamp) external view returns (uint256);

    /// @notice Self-stake of `prover` not yet locked as market collateral.
    function freeCollateral(address prover) external view returns (uint256);

    /// @notice Pays `amount` LA (pulled from the caller) into `prover`'s pool; the commission in force at
    /// `asOf` goes to the prover. Emission role only.
    function distributeReward(address prover, uint256 amount, uint256 asOf) external;

    /// @notice Slashes the governance-set fraction of `prover`'s pool, unbonding stake included. Market only.
    function slash(address prover, bytes32 reason) external returns (uint256 slashed);

    /// @notice Reserves `amount` of `prover`'s self-stake as collateral for accepted work. Market only.
    function lockCollateral(address prover, uint256 amount) external;

    /// @notice Releases `amount` of collateral locked by {lockCollateral}. Market only.
    function unlockCollateral(address prover, uint256 amount) external;
}
