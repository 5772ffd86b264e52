// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ShareMath
/// @notice Conversions between assets and shares of a pool whose assets are tracked in storage.
/// @dev A virtual offset (`VIRTUAL_SHARES` shares backed by `VIRTUAL_ASSETS` asset, as in OpenZeppelin's
/// ERC-4626) keeps the rate defined when a pool is empty and makes the first share worth 1e-6 asset, so no
/// first depositor can set a rate that rounds later deposits to zero. Pools here never read `balanceOf`, so a
/// donation cannot move the rate at all; the offset only guards the arithmetic. Both directions round down,
/// in the pool's favour.
library ShareMath {
    /// @notice Shares added to the pool's supply in every conversion.
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    /// @notice Assets added to the pool's assets in every conversion.
    uint256 internal constant VIRTUAL_ASSETS = 1;

    /// @notice Equivalent to `floor(assets * (totalShares + 1e6) / (totalAssets + 1))`.
    function toShares(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    /// @notice Equivalent to `min(totalAssets, floor(shares * (totalAssets + 1) / (totalShares + 1e6)))`.
    /// @dev The clamp matters only for a pool driven to a rate below 1e-6 asset per share by slashing.
    function toAssets(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.min(totalAssets, Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES));
    }
}
