// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ILATokenMinting} from "./ILATokenMinting.sol";

/// @title LAToken
/// @notice The network's token: ERC-20 with EIP-2612 permits and ERC-5805 votes (timestamp clock). A fixed
/// supply is minted at deployment; afterwards only holders of `MINTER_ROLE` (the emission controller) can mint,
/// and never beyond a cap that accrues linearly at {MAX_INFLATION_BPS} of the initial supply per year.
/// @dev The cap is a pure function of time: `mintCapAt(t) = INITIAL_SUPPLY * 400 * (t - MINT_START) /
/// (10_000 * 365 days)`, rounded down, and `totalMinted <= mintCapAt(now)` holds after every mint. Headroom not
/// used stays available (the cap is cumulative, not per period). The 4 % rate is an immutable ceiling here;
/// governance lowers the rate actually emitted in the emission controller, never raises this one. Burning
/// (slashing) reduces `totalSupply` but not `totalMinted`, so burns never create mint headroom.
contract LAToken is ERC20, ERC20Burnable, ERC20Permit, ERC20Votes, AccessControl, ILATokenMinting {
    /// @notice Role allowed to call {mint}: the emission controller.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @inheritdoc ILATokenMinting
    uint256 public constant MAX_INFLATION_BPS = 400;
    /// @dev Basis-point denominator.
    uint256 private constant BPS = 10_000;
    /// @dev The year the rate is quoted in: 365 days, leap days ignored.
    uint256 private constant YEAR = 365 days;

    /// @inheritdoc ILATokenMinting
    uint256 public immutable INITIAL_SUPPLY;
    /// @notice Timestamp from which the mint cap accrues (the deployment block's).
    uint256 public immutable MINT_START;
    /// @notice Total minted after deployment (excluding {INITIAL_SUPPLY}); never exceeds {mintCap}.
    uint256 public totalMinted;

    /// @notice A mint of `requested` exceeds the `available` headroom under the cap.
    error MintCapExceeded(uint256 requested, uint256 available);
    /// @notice A constructor address argument named by `what` was zero.
    error ZeroAddress(string what);

    /// @param initialHolder receives the whole initial supply.
    /// @param initialSupply fixed supply minted at deployment (18 decimals).
    /// @param admin holder of `DEFAULT_ADMIN_ROLE`: grants `MINTER_ROLE` (the timelock after deployment).
    constructor(address initialHolder, uint256 initialSupply, address admin)
        ERC20("Lagrange", "LA")
        ERC20Permit("Lagrange")
    {
        if (initialHolder == address(0)) revert ZeroAddress("initialHolder");
        if (admin == address(0)) revert ZeroAddress("admin");
        INITIAL_SUPPLY = initialSupply;
        MINT_START = block.timestamp;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _mint(initialHolder, initialSupply);
    }

    /// @notice Cumulative amount mintable by time `timestamp` (0 before deployment).
    function mintCapAt(uint256 timestamp) public view returns (uint256) {
        if (timestamp <= MINT_START) return 0;
        return (INITIAL_SUPPLY * MAX_INFLATION_BPS * (timestamp - MINT_START)) / (BPS * YEAR);
    }

    /// @notice Cumulative mint cap now.
    function mintCap() public view returns (uint256) {
        return mintCapAt(block.timestamp);
    }

    /// @inheritdoc ILATokenMinting
    function mintable() public view returns (uint256) {
        return mintCap() - totalMinted;
    }

    /// @inheritdoc ILATokenMinting
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        uint256 available = mintable();
        if (amount > available) revert MintCapExceeded(amount, available);
        totalMinted += amount;
        _mint(to, amount);
    }

    /// @notice ERC-6372 clock: timestamps, so governance periods are in seconds on every chain.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @dev Single transfer hook: balances (ERC20) then vote checkpoints (ERC20Votes).
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
