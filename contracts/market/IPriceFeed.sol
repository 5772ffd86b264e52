// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IPriceFeed
/// @notice The part of Chainlink's AggregatorV3Interface the fee converter reads.
interface IPriceFeed {
    /// @notice Decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice The latest round: `answer` is the price, `updatedAt` when it was last updated (Unix seconds).
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
