// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPriceFeed} from "../IPriceFeed.sol";

/// @title MockPriceFeed
/// @notice A Chainlink-style feed whose answer anyone may set: for local deployments and tests only.
contract MockPriceFeed is IPriceFeed {
    uint8 public immutable DECIMALS;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _round;

    constructor(uint8 decimals_, int256 answer) {
        DECIMALS = decimals_;
        setAnswer(answer);
    }

    /// @notice Sets the answer, updated now.
    function setAnswer(int256 answer) public {
        setAnswerAt(answer, block.timestamp);
    }

    /// @notice Sets the answer with an explicit update time (to test staleness).
    function setAnswerAt(int256 answer, uint256 updatedAt) public {
        _answer = answer;
        _updatedAt = updatedAt;
        ++_round;
    }

    /// @inheritdoc IPriceFeed
    function decimals() external view returns (uint8) {
        return DECIMALS;
    }

    /// @inheritdoc IPriceFeed
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_round, _answer, _updatedAt, _updatedAt, _round);
    }
}
