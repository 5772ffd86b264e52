// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPriceFeed} from "./IPriceFeed.sol";

/// @title FeeConverter
/// @notice Turns fees paid in ETH or another configured token (USDC) into LA at an oracle price, for the proof
/// market only. It sells LA from its own inventory (funded by the treasury) and keeps what it is paid; the
/// administrator (governance) configures sources and withdraws the proceeds.
/// @dev Price convention: a source's feed answers "LA per one whole input token" with `feed.decimals()`
/// decimals, so `laOut = amountIn * answer * 1e18 / (10^tokenDecimals * 10^feedDecimals)` (rounded down). A
/// quote is refused if the answer is not positive or older than the source's `maxAge`; a conversion is refused
/// if it yields less than the caller's `minOut` (the slippage bound) or more LA than the inventory holds.
contract FeeConverter is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role of the callers allowed to convert (the proof market): selling at an oracle price to anyone
    /// would let arbitrageurs drain the inventory whenever the feed lags.
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice Pseudo-address of ether as an input token.
    address public constant ETH = address(0);
    /// @notice Largest feed staleness governance may allow.
    uint32 public constant MAX_MAX_AGE = 2 days;

    /// @notice An input token's price source.
    struct Source {
        IPriceFeed feed;
        uint8 tokenDecimals;
        uint32 maxAge;
    }

    /// @notice The LA token paid out.
    IERC20 public immutable LA;
    mapping(address token => Source) private _sources;

    /// @notice `token`'s source was set (`feed == 0` disables it).
    event SourceSet(address indexed token, address feed, uint8 tokenDecimals, uint32 maxAge);
    /// @notice `amountIn` of `token` bought `laOut` LA for `recipient`.
    event Converted(address indexed token, uint256 amountIn, uint256 laOut, address indexed recipient);
    /// @notice Proceeds withdrawn by the administrator.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice No source is configured for `token`.
    error UnsupportedToken(address token);
    /// @notice The feed's answer is not positive.
    error BadPrice(address token, int256 answer);
    /// @notice The feed was last updated at `updatedAt`, more than `maxAge` seconds ago.
    error StalePrice(address token, uint256 updatedAt, uint256 maxAge);
    /// @notice The conversion yields `out`, below the caller's bound `minOut`.
    error SlippageExceeded(uint256 out, uint256 minOut);
    /// @notice The inventory holds `available` LA, less than the `needed`.
    error InsufficientLiquidity(uint256 available, uint256 needed);
    /// @notice `msg.value` does not match the ether amount converted (or ether was sent with a token).
    error WrongValue(uint256 value, uint256 expected);
    /// @notice A source parameter is out of range.
    error InvalidSource(address token);
    /// @notice An ether withdrawal failed.
    error EtherTransferFailed(address to, uint256 amount);

    constructor(IERC20 la, address admin) {
        LA = la;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Configures `token`'s price source; a zero `feed` disables the token. Administrator only.
    function setSource(address token, IPriceFeed feed, uint8 tokenDecimals, uint32 maxAge)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (tokenDecimals > 36 || maxAge == 0 || maxAge > MAX_MAX_AGE) revert InvalidSource(token);
        if (address(feed) != address(0) && feed.decimals() > 36) revert InvalidSource(token);
        _sources[token] = Source(feed, tokenDecimals, maxAge);
        emit SourceSet(token, address(feed), tokenDecimals, maxAge);
    }

    /// @notice `token`'s source.
    function sourceOf(address token) external view returns (Source memory) {
        return _sources[token];
    }

    /// @notice LA that `amountIn` of `token` buys now.
    function quote(address token, uint256 amountIn) public view returns (uint256) {
        Source memory source = _sources[token];
        if (address(source.feed) == address(0)) revert UnsupportedToken(token);
        (, int256 answer,, uint256 updatedAt,) = source.feed.latestRoundData();
        if (answer <= 0) revert BadPrice(token, answer);
        if (updatedAt + source.maxAge < block.timestamp) revert StalePrice(token, updatedAt, source.maxAge);
        uint256 scale = 10 ** (uint256(source.tokenDecimals) + source.feed.decimals());
        return (amountIn * uint256(answer) * 1e18) / scale;
    }

    /// @notice Buys LA for `recipient` with `amountIn` of `token` (ether: `msg.value == amountIn`), pulled from
    /// the caller; reverts unless it yields at least `minOut`. Market only.
    /// @return out LA paid to `recipient`.
    function convert(address token, uint256 amountIn, uint256 minOut, address recipient)
        external
        payable
        onlyRole(MARKET_ROLE)
        nonReentrant
        returns (uint256 out)
    {
        uint256 expectedValue = token == ETH ? amountIn : 0;
        if (msg.value != expectedValue) revert WrongValue(msg.value, expectedValue);
        out = quote(token, amountIn);
        if (out < minOut) revert SlippageExceeded(out, minOut);
        uint256 available = LA.balanceOf(address(this));
        if (available < out) revert InsufficientLiquidity(available, out);
        if (token != ETH) IERC20(token).safeTransferFrom(msg.sender, address(this), amountIn);
        LA.safeTransfer(recipient, out);
        emit Converted(token, amountIn, out, recipient);
    }

    /// @notice Withdraws proceeds (or LA inventory) to `to`. Administrator only.
    function withdraw(address token, address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (token == ETH) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EtherTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
        emit Withdrawn(token, to, amount);
    }
}
