// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {GuardianPausable} from "../governance/GuardianPausable.sol";
import {IProverStaking} from "./IProverStaking.sol";
import {ShareMath} from "./ShareMath.sol";

/// @notice The one token function staking needs beyond ERC-20: burning its own balance (slashes).
interface IERC20Burnable {
    /// @notice Destroys `amount` of the caller's tokens.
    function burn(uint256 amount) external;
}

/// @title ProverStaking
/// @notice Provers register and self-stake LA; any holder delegates LA to a prover. Each prover has a pool with
/// two share classes kept in storage: active shares (earn rewards, slashable) and unbonding shares (queued
/// withdrawals: earn nothing, still slashable until they mature). Rewards from the emission controller pay the
/// prover its commission and vest linearly into the active pool, raising the share price. The proof market
/// slashes a governance-set fraction of a pool (active, unbonding and unvested alike) and locks self-stake as
/// collateral. Every parameter belongs to governance (`DEFAULT_ADMIN_ROLE`, the timelock).
/// @dev Accounting never reads `balanceOf(this)`: `balance >= totalPooled + totalCommissionOwed` always holds and
/// tokens sent directly are ignored, so donations cannot move a share price. See docs/contracts/staking.md.
contract ProverStaking is GuardianPausable, ReentrancyGuardTransient, IProverStaking {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;
    using EnumerableSet for EnumerableSet.UintSet;
    using SafeCast for uint256;

    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role of the proof market: {slash}, {lockCollateral}, {unlockCollateral}.
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice Role of the emission controller: {distributeReward}.
    bytes32 public constant EMISSION_ROLE = keccak256("EMISSION_ROLE");
    /// @notice Highest commission a prover may charge, in basis points of a reward (50 %).
    uint16 public constant MAX_COMMISSION_BPS = 5_000;
    /// @notice Highest slash fraction governance may set, in basis points (50 %): a slash never empties a pool,
    /// which keeps its share price defined.
    uint16 public constant MAX_SLASH_BPS = 5_000;
    /// @notice Upper bound of the unbonding period governance may set.
    uint64 public constant MAX_UNBONDING_PERIOD = 365 days;
    /// @notice Upper bound of the commission delay and of the reward vesting period governance may set.
    uint64 public constant MAX_DELAY = 90 days;
    /// @dev Basis-point denominator.
    uint256 private constant BPS = 10_000;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev One prover's pool. Amounts are LA wei; shares are pool-local units (see {ShareMath}).
    struct Pool {
        bool registered;
        uint16 pendingCommissionBps;
        uint64 pendingCommissionAt; // 0: no change scheduled
        uint64 vestingEnd;
        uint64 lastVestUpdate;
        uint256 activeAssets; // bonded assets, vested rewards folded in
        uint256 activeShares;
        uint256 unbondingAssets;
        uint256 unbondingShares;
        uint256 unvested; // rewards still vesting into activeAssets
        uint256 commissionOwed;
        uint256 lockedCollateral;
        string metadataURI;
    }

    /// @notice A queued undelegation: `shares` of the prover's unbonding class, withdrawable from `releaseAt`.
    struct Unbonding {
        address delegator;
        uint64 releaseAt;
        address prover;
        uint256 shares;
    }

    /// @notice Snapshot of a pool for off-chain readers (see {poolOf}).
    struct PoolView {
        bool registered;
        bool active;
        string metadataURI;
        uint16 commissionBps;
        uint16 pendingCommissionBps;
        uint64 pendingCommissionAt;
        uint256 activeStake;
        uint256 activeShares;
        uint256 selfStake;
        uint256 unbondingAssets;
        uint256 unbondingShares;
        uint256 unvestedRewards;
        uint256 commissionOwed;
        uint256 lockedCollateral;
    }

    /// @notice The staked token (LA).
    IERC20 public immutable TOKEN;

    /// @notice Self-stake a prover needs to register and to stay active.
    uint256 public minSelfStake;
    /// @notice Seconds between {undelegate} and the earliest {withdraw}.
    uint64 public unbondingPeriod;
    /// @notice Seconds between {setCommission} and the new rate taking effect.
    uint64 public commissionDelay;
    /// @notice Seconds over which a reward vests into the active pool (0: at once).
    uint64 public rewardVesting;
    /// @notice Fraction of a pool taken by one {slash}, in basis points.
    uint16 public slashFractionBps;
    /// @notice Receiver of slashed stake; the zero address means slashed stake is burned.
    address public slashRecipient;

    /// @notice Sum over pools of active, unbonding and unvested assets.
    uint256 public totalPooled;
    /// @notice Sum over provers of commission earned and not yet claimed.
    uint256 public totalCommissionOwed;

    mapping(address prover => Pool) private _pools;
    mapping(address prover => mapping(address delegator => uint256)) private _shares;
    mapping(address prover => Checkpoints.Trace208) private _commissionHistory; // key: effective timestamp
    mapping(address prover => Checkpoints.Trace208) private _stakeHistory; // value: activeAssets
    mapping(uint256 id => Unbonding) private _unbondings;
    mapping(address delegator => EnumerableSet.UintSet) private _pendingUnbondings;
    uint256 private _lastUnbondingId;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `prover` registered with `selfStake` and `commissionBps`.
    event ProverRegistered(address indexed prover, string metadataURI, uint16 commissionBps, uint256 selfStake);
    /// @notice `prover` replaced its metadata URI.
    event MetadataUpdated(address indexed prover, string metadataURI);
    /// @notice `prover`'s commission becomes `commissionBps` at `effectiveAt`.
    event CommissionChangeScheduled(address indexed prover, uint16 commissionBps, uint64 effectiveAt);
    /// @notice `delegator` added `assets` to `prover`'s pool for `shares`.
    event Delegated(address indexed prover, address indexed delegator, uint256 assets, uint256 shares);
    /// @notice `delegator` queued `assets` (burning `shares`) as unbonding request `id`, withdrawable at `releaseAt`.
    event Undelegated(
        address indexed prover, address indexed delegator, uint256 indexed id, uint256 shares, uint256 assets,
        uint64 releaseAt
    );
    /// @notice Unbonding request `id` paid `assets` to `delegator`.
    event Withdrawn(address indexed prover, address indexed delegator, uint256 indexed id, uint256 assets);
    /// @notice `prover` claimed `amount` of commission.
    event CommissionClaimed(address indexed prover, uint256 amount);
    /// @notice A reward of `amount` reached `prover`'s pool: `commission` to the prover at `commissionBps`.
    event RewardDistributed(address indexed prover, uint256 amount, uint256 commission, uint16 commissionBps);
    /// @notice `prover`'s pool lost `active` + `unbonding` + `unvested` for `reason`, sent to `recipient` (0: burned).
    event Slashed(
        address indexed prover, bytes32 indexed reason, uint256 active, uint256 unbonding, uint256 unvested,
        address recipient
    );
    /// @notice `prover`'s self-stake fell to `selfStake`, below `minimum`: it no longer counts as active.
    event ProverDeactivated(address indexed prover, uint256 selfStake, uint256 minimum);
    /// @notice The market locked (`locked` true) or released `amount` of `prover`'s self-stake.
    event CollateralChanged(address indexed prover, uint256 amount, bool locked, uint256 totalLocked);
    /// @notice Governance set parameter `name` to `value`.
    event ParameterSet(bytes32 indexed name, uint256 value);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `prover` has no pool.
    error ProverNotRegistered(address prover);
    /// @notice `prover` already has a pool.
    error ProverAlreadyRegistered(address prover);
    /// @notice `commissionBps` is above `max`.
    error CommissionTooHigh(uint256 commissionBps, uint256 max);
    /// @notice A self-stake of `amount` is below the `minimum`.
    error SelfStakeBelowMinimum(uint256 amount, uint256 minimum);
    /// @notice An amount or share count of zero was given.
    error ZeroAmount();
    /// @notice `amount` converts to zero shares or assets at the pool's current rate.
    error AmountRoundsToZero(uint256 amount);
    /// @notice `requested` shares of `prover`'s pool exceed the `held` ones.
    error InsufficientShares(address prover, uint256 held, uint256 requested);
    /// @notice Unbonding request `id` does not exist or does not belong to `caller`.
    error UnbondingNotFound(uint256 id, address caller);
    /// @notice Unbonding request `id` matures at `releaseAt`; it is `now`.
    error UnbondingNotMatured(uint256 id, uint64 releaseAt, uint256 now);
    /// @notice `prover` has no commission to claim.
    error NothingToClaim(address prover);
    /// @notice Undelegating would leave `prover`'s self-stake at `selfStakeAfter`, below the `locked` collateral.
    error CollateralLocked(address prover, uint256 locked, uint256 selfStakeAfter);
    /// @notice `prover` has `free` unlocked self-stake, less than the `requested` lock.
    error InsufficientFreeCollateral(address prover, uint256 free, uint256 requested);
    /// @notice Unlocking `requested` exceeds the `locked` collateral of `prover`.
    error CollateralUnderflow(address prover, uint256 locked, uint256 requested);
    /// @notice `prover` is not active (unregistered or below the minimum self-stake).
    error ProverInactive(address prover);
    /// @notice Parameter `name` cannot be `value`: the bound is `max`.
    error ParameterOutOfRange(bytes32 name, uint256 value, uint256 max);
    /// @notice A constructor address argument named by `what` was zero.
    error ZeroAddress(string what);

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Initial values of the governance parameters.
    struct Parameters {
        uint256 minSelfStake;
        uint64 unbondingPeriod;
        uint64 commissionDelay;
        uint64 rewardVesting;
        uint16 slashFractionBps;
        address slashRecipient;
    }

    /// @param token the LA token (must support `burn(uint256)` for burning slashes).
    /// @param admin holder of `DEFAULT_ADMIN_ROLE` (the timelock after deployment).
    /// @param params initial parameters, checked against the same bounds as the governance setters.
    constructor(IERC20 token, address admin, Parameters memory params) {
        if (address(token) == address(0)) revert ZeroAddress("token");
        if (admin == address(0)) revert ZeroAddress("admin");
        TOKEN = token;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setMinSelfStake(params.minSelfStake);
        _setUnbondingPeriod(params.unbondingPeriod);
        _setCommissionDelay(params.commissionDelay);
        _setRewardVesting(params.rewardVesting);
        _setSlashFraction(params.slashFractionBps);
        _setSlashRecipient(params.slashRecipient);
    }

    /*//////////////////////////////////////////////////////////////
                                PROVERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers the caller as a prover with a pool, a commission and a self-stake of `selfStake` LA
    /// (pulled from the caller; approve first).
    /// @param metadataURI where the prover describes itself (endpoint, hardware, contact).
    /// @param commissionBps share of each reward the prover keeps, at most {MAX_COMMISSION_BPS}.
    function registerProver(string calldata metadataURI, uint16 commissionBps, uint256 selfStake)
        external
        nonReentrant
        whenNotPaused
    {
        Pool storage pool = _pools[msg.sender];
        if (pool.registered) revert ProverAlreadyRegistered(msg.sender);
        if (commissionBps > MAX_COMMISSION_BPS) revert CommissionTooHigh(commissionBps, MAX_COMMISSION_BPS);
        if (selfStake < minSelfStake || selfStake == 0) revert SelfStakeBelowMinimum(selfStake, minSelfStake);
        pool.registered = true;
        pool.metadataURI = metadataURI;
        _commissionHistory[msg.sender].push(uint48(block.timestamp), commissionBps);
        emit ProverRegistered(msg.sender, metadataURI, commissionBps, selfStake);
        _deposit(msg.sender, msg.sender, selfStake);
    }

    /// @notice Replaces the caller's metadata URI.
    function setMetadataURI(string calldata metadataURI) external {
        Pool storage pool = _requireRegistered(msg.sender);
        pool.metadataURI = metadataURI;
        emit MetadataUpdated(msg.sender, metadataURI);
    }

    /// @notice Schedules the caller's commission to become `commissionBps` after {commissionDelay}; replaces a
    /// change still pending. Raising and lowering both wait, so a payout always uses the rate that was public
    /// for at least the delay.
    /// @return effectiveAt the timestamp from which the new rate applies.
    function setCommission(uint16 commissionBps) external returns (uint64 effectiveAt) {
        Pool storage pool = _requireRegistered(msg.sender);
        if (commissionBps > MAX_COMMISSION_BPS) revert CommissionTooHigh(commissionBps, MAX_COMMISSION_BPS);
        _settleCommission(msg.sender, pool);
        effectiveAt = uint64(block.timestamp) + commissionDelay;
        pool.pendingCommissionBps = commissionBps;
        pool.pendingCommissionAt = effectiveAt;
        emit CommissionChangeScheduled(msg.sender, commissionBps, effectiveAt);
    }

    /// @notice Pays the caller its unclaimed commission.
    function claimCommission() external nonReentrant whenNotPaused returns (uint256 amount) {
        Pool storage pool = _pools[msg.sender];
        amount = pool.commissionOwed;
        if (amount == 0) revert NothingToClaim(msg.sender);
        pool.commissionOwed = 0;
        totalCommissionOwed -= amount;
        emit CommissionClaimed(msg.sender, amount);
        TOKEN.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                               DELEGATORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds `amount` LA (pulled from the caller) to `prover`'s active pool. A prover tops up its own
    /// self-stake by delegating to itself.
    /// @return shares the active shares minted to the caller.
    function delegate(address prover, uint256 amount) external nonReentrant whenNotPaused returns (uint256 shares) {
        _requireRegistered(prover);
        return _deposit(prover, msg.sender, amount);
    }

    /// @notice Burns `shares` of the caller's active shares in `prover`'s pool and queues their assets for
    /// {withdraw} after {unbondingPeriod}. Queued assets earn nothing and are slashed with the pool until paid.
    /// @return id the unbonding request, to pass to {withdraw}.
    function undelegate(address prover, uint256 shares) external nonReentrant whenNotPaused returns (uint256 id) {
        if (shares == 0) revert ZeroAmount();
        uint256 held = _shares[prover][msg.sender];
        if (shares > held) revert InsufficientShares(prover, held, shares);
        Pool storage pool = _pools[prover];
        bool wasActive = _isActive(prover, pool);
        _vest(prover, pool);
        uint256 assets = ShareMath.toAssets(shares, pool.activeAssets, pool.activeShares);
        if (assets == 0) revert AmountRoundsToZero(shares);
        if (msg.sender == prover && pool.lockedCollateral != 0) {
            uint256 selfAfter =
                ShareMath.toAssets(held - shares, pool.activeAssets - assets, pool.activeShares - shares);
            if (selfAfter < pool.lockedCollateral) revert CollateralLocked(prover, pool.lockedCollateral, selfAfter);
        }
        _shares[prover][msg.sender] = held - shares;
        pool.activeShares -= shares;
        pool.activeAssets -= assets;
        uint256 queued = ShareMath.toShares(assets, pool.unbondingAssets, pool.unbondingShares);
        pool.unbondingAssets += assets;
        pool.unbondingShares += queued;
        id = ++_lastUnbondingId;
        uint64 releaseAt = uint64(block.timestamp) + unbondingPeriod;
        _unbondings[id] = Unbonding({delegator: msg.sender, releaseAt: releaseAt, prover: prover, shares: queued});
        _pendingUnbondings[msg.sender].add(id);
        _recordStake(prover, pool);
        emit Undelegated(prover, msg.sender, id, shares, assets, releaseAt);
        _noteDeactivation(prover, pool, wasActive);
    }

    /// @notice Pays out unbonding request `id` once matured (at or after its `releaseAt`), net of any slash
    /// that hit the pool while it was queued.
    /// @return assets the LA transferred to the caller.
    function withdraw(uint256 id) external nonReentrant whenNotPaused returns (uint256 assets) {
        Unbonding memory request = _unbondings[id];
        if (request.delegator != msg.sender || request.delegator == address(0)) {
            revert UnbondingNotFound(id, msg.sender);
        }
        if (block.timestamp < request.releaseAt) revert UnbondingNotMatured(id, request.releaseAt, block.timestamp);
        Pool storage pool = _pools[request.prover];
        assets = ShareMath.toAssets(request.shares, pool.unbondingAssets, pool.unbondingShares);
        pool.unbondingAssets -= assets;
        pool.unbondingShares -= request.shares;
        totalPooled -= assets;
        delete _unbondings[id];
        _pendingUnbondings[msg.sender].remove(id);
        emit Withdrawn(request.prover, msg.sender, id, assets);
        TOKEN.safeTransfer(msg.sender, assets);
    }

    /*//////////////////////////////////////////////////////////////
                        EMISSION AND MARKET HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProverStaking
    /// @dev The commission is the one in force at `asOf` (the emission controller passes the epoch's end), so a
    /// rate scheduled after the work was done cannot touch its reward. The rest vests over {rewardVesting}: a
    /// delegation made just before a payout earns only for the time it stays bonded. With no active shares left
    /// the whole reward is commission (there is nobody else to pay).
    function distributeReward(address prover, uint256 amount, uint256 asOf)
        external
        onlyRole(EMISSION_ROLE)
        nonReentrant
        whenNotPaused
    {
        Pool storage pool = _requireRegistered(prover);
        if (amount == 0) revert ZeroAmount();
        _vest(prover, pool);
        uint16 bps = commissionAt(prover, asOf);
        uint256 commission = pool.activeShares == 0 ? amount : (amount * bps) / BPS;
        uint256 rest = amount - commission;
        pool.commissionOwed += commission;
        totalCommissionOwed += commission;
        totalPooled += rest;
        if (rewardVesting == 0) {
            pool.activeAssets += rest;
            _recordStake(prover, pool);
        } else {
            pool.unvested += rest;
            pool.lastVestUpdate = uint64(block.timestamp);
            pool.vestingEnd = uint64(block.timestamp) + rewardVesting;
        }
        emit RewardDistributed(prover, amount, commission, bps);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IProverStaking
    /// @dev Takes `slashFractionBps` of active, unbonding and unvested assets alike (rounded down), so leaving
    /// the pool before a slash lands does not escape it while the unbonding period runs. Unclaimed commission is
    /// not slashed. Not pausable: accountability continues during an emergency.
    function slash(address prover, bytes32 reason) external onlyRole(MARKET_ROLE) nonReentrant returns (uint256) {
        Pool storage pool = _requireRegistered(prover);
        bool wasActive = _isActive(prover, pool);
        _vest(prover, pool);
        uint256 fraction = slashFractionBps;
        uint256 fromActive = (pool.activeAssets * fraction) / BPS;
        uint256 fromUnbonding = (pool.unbondingAssets * fraction) / BPS;
        uint256 fromUnvested = (pool.unvested * fraction) / BPS;
        pool.activeAssets -= fromActive;
        pool.unbondingAssets -= fromUnbonding;
        pool.unvested -= fromUnvested;
        uint256 slashed = fromActive + fromUnbonding + fromUnvested;
        totalPooled -= slashed;
        _recordStake(prover, pool);
        address recipient = slashRecipient;
        emit Slashed(prover, reason, fromActive, fromUnbonding, fromUnvested, recipient);
        _noteDeactivation(prover, pool, wasActive);
        if (slashed != 0) {
            if (recipient == address(0)) IERC20Burnable(address(TOKEN)).burn(slashed);
            else TOKEN.safeTransfer(recipient, slashed);
        }
        return slashed;
    }

    /// @inheritdoc IProverStaking
    /// @dev Locked collateral is self-stake the prover cannot undelegate; it is still slashed like any stake.
    function lockCollateral(address prover, uint256 amount) external onlyRole(MARKET_ROLE) whenNotPaused {
        Pool storage pool = _pools[prover];
        if (!_isActive(prover, pool)) revert ProverInactive(prover);
        uint256 free = freeCollateral(prover);
        if (amount > free) revert InsufficientFreeCollateral(prover, free, amount);
        pool.lockedCollateral += amount;
        emit CollateralChanged(prover, amount, true, pool.lockedCollateral);
    }

    /// @inheritdoc IProverStaking
    function unlockCollateral(address prover, uint256 amount) external onlyRole(MARKET_ROLE) {
        Pool storage pool = _pools[prover];
        if (amount > pool.lockedCollateral) revert CollateralUnderflow(prover, pool.lockedCollateral, amount);
        pool.lockedCollateral -= amount;
        emit CollateralChanged(prover, amount, false, pool.lockedCollateral);
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets {minSelfStake}; provers below it stop being active at once (no migration needed).
    function setMinSelfStake(uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinSelfStake(value);
    }

    /// @notice Sets {unbondingPeriod} (at most {MAX_UNBONDING_PERIOD}); applies to requests made afterwards.
    function setUnbondingPeriod(uint64 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnbondingPeriod(value);
    }

    /// @notice Sets {commissionDelay} (at most {MAX_DELAY}); applies to changes scheduled afterwards.
    function setCommissionDelay(uint64 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCommissionDelay(value);
    }

    /// @notice Sets {rewardVesting} (at most {MAX_DELAY}); applies to rewards paid afterwards.
    function setRewardVesting(uint64 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRewardVesting(value);
    }

    /// @notice Sets {slashFractionBps} (at most {MAX_SLASH_BPS}).
    function setSlashFraction(uint16 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSlashFraction(value);
    }

    /// @notice Sets {slashRecipient}: the zero address burns slashed stake, any other address receives it.
    function setSlashRecipient(address value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSlashRecipient(value);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProverStaking
    function isActive(address prover) public view returns (bool) {
        return _isActive(prover, _pools[prover]);
    }

    /// @inheritdoc IProverStaking
    function activeStake(address prover) public view returns (uint256) {
        Pool storage pool = _pools[prover];
        return pool.activeAssets + _vested(pool);
    }

    /// @inheritdoc IProverStaking
    /// @dev Recorded at every change of the bonded assets; rewards still vesting count once folded in, so the
    /// figure is a lower bound of {activeStake} at that time.
    function activeStakeAt(address prover, uint256 timestamp) external view returns (uint256) {
        return _stakeHistory[prover].upperLookupRecent(timestamp.toUint48());
    }

    /// @notice Assets `delegator` would get for all its active shares in `prover`'s pool now.
    function stakeOf(address prover, address delegator) public view returns (uint256) {
        return convertToAssets(prover, _shares[prover][delegator]);
    }

    /// @notice Active shares `delegator` holds in `prover`'s pool.
    function sharesOf(address prover, address delegator) external view returns (uint256) {
        return _shares[prover][delegator];
    }

    /// @notice Active assets `shares` of `prover`'s pool are worth now (rounded down).
    function convertToAssets(address prover, uint256 shares) public view returns (uint256) {
        Pool storage pool = _pools[prover];
        return ShareMath.toAssets(shares, pool.activeAssets + _vested(pool), pool.activeShares);
    }

    /// @notice Active shares `assets` would buy in `prover`'s pool now (rounded down).
    function convertToShares(address prover, uint256 assets) external view returns (uint256) {
        Pool storage pool = _pools[prover];
        return ShareMath.toShares(assets, pool.activeAssets + _vested(pool), pool.activeShares);
    }

    /// @inheritdoc IProverStaking
    function freeCollateral(address prover) public view returns (uint256) {
        uint256 selfStake = stakeOf(prover, prover);
        uint256 locked = _pools[prover].lockedCollateral;
        return selfStake > locked ? selfStake - locked : 0;
    }

    /// @notice Commission rate of `prover` in force at `timestamp` (a scheduled change counts from its time).
    function commissionAt(address prover, uint256 timestamp) public view returns (uint16) {
        Pool storage pool = _pools[prover];
        if (pool.pendingCommissionAt != 0 && timestamp >= pool.pendingCommissionAt) return pool.pendingCommissionBps;
        return uint16(_commissionHistory[prover].upperLookupRecent(timestamp.toUint48()));
    }

    /// @notice Everything known about `prover`'s pool now.
    function poolOf(address prover) external view returns (PoolView memory view_) {
        Pool storage pool = _pools[prover];
        view_.registered = pool.registered;
        view_.active = _isActive(prover, pool);
        view_.metadataURI = pool.metadataURI;
        view_.commissionBps = commissionAt(prover, block.timestamp);
        if (pool.pendingCommissionAt > block.timestamp) {
            view_.pendingCommissionBps = pool.pendingCommissionBps;
            view_.pendingCommissionAt = pool.pendingCommissionAt;
        }
        uint256 vested = _vested(pool);
        view_.activeStake = pool.activeAssets + vested;
        view_.activeShares = pool.activeShares;
        view_.selfStake = stakeOf(prover, prover);
        view_.unbondingAssets = pool.unbondingAssets;
        view_.unbondingShares = pool.unbondingShares;
        view_.unvestedRewards = pool.unvested - vested;
        view_.commissionOwed = pool.commissionOwed;
        view_.lockedCollateral = pool.lockedCollateral;
    }

    /// @notice Unbonding request `id` (all zero once withdrawn or if it never existed).
    function unbonding(uint256 id) external view returns (Unbonding memory) {
        return _unbondings[id];
    }

    /// @notice Assets unbonding request `id` would pay now (before any later slash).
    function unbondingAssetsOf(uint256 id) external view returns (uint256) {
        Unbonding storage request = _unbondings[id];
        Pool storage pool = _pools[request.prover];
        return ShareMath.toAssets(request.shares, pool.unbondingAssets, pool.unbondingShares);
    }

    /// @notice Ids of `delegator`'s unbonding requests not yet withdrawn.
    function pendingUnbondings(address delegator) external view returns (uint256[] memory) {
        return _pendingUnbondings[delegator].values();
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _deposit(address prover, address delegator, uint256 amount) private returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        Pool storage pool = _pools[prover];
        _vest(prover, pool);
        shares = ShareMath.toShares(amount, pool.activeAssets, pool.activeShares);
        if (shares == 0) revert AmountRoundsToZero(amount);
        pool.activeAssets += amount;
        pool.activeShares += shares;
        _shares[prover][delegator] += shares;
        totalPooled += amount;
        _recordStake(prover, pool);
        emit Delegated(prover, delegator, amount, shares);
        TOKEN.safeTransferFrom(delegator, address(this), amount);
    }

    function _requireRegistered(address prover) private view returns (Pool storage pool) {
        pool = _pools[prover];
        if (!pool.registered) revert ProverNotRegistered(prover);
    }

    function _isActive(address prover, Pool storage pool) private view returns (bool) {
        if (!pool.registered) return false;
        uint256 selfStake =
            ShareMath.toAssets(_shares[prover][prover], pool.activeAssets + _vested(pool), pool.activeShares);
        return selfStake != 0 && selfStake >= minSelfStake;
    }

    function _noteDeactivation(address prover, Pool storage pool, bool wasActive) private {
        if (wasActive && !_isActive(prover, pool)) {
            emit ProverDeactivated(prover, stakeOf(prover, prover), minSelfStake);
        }
    }

    /// @dev Rewards vested since the last fold: all of them past `vestingEnd`, else the elapsed fraction.
    function _vested(Pool storage pool) private view returns (uint256) {
        uint256 unvested = pool.unvested;
        if (unvested == 0) return 0;
        if (block.timestamp >= pool.vestingEnd) return unvested;
        return (unvested * (block.timestamp - pool.lastVestUpdate)) / (pool.vestingEnd - pool.lastVestUpdate);
    }

    /// @dev Folds vested rewards into the active assets; every state change starts with it.
    function _vest(address prover, Pool storage pool) private {
        uint256 vested = _vested(pool);
        pool.lastVestUpdate = uint64(block.timestamp);
        if (vested == 0) return;
        pool.unvested -= vested;
        pool.activeAssets += vested;
        _recordStake(prover, pool);
    }

    function _recordStake(address prover, Pool storage pool) private {
        _stakeHistory[prover].push(uint48(block.timestamp), pool.activeAssets.toUint208());
    }

    /// @dev Moves a matured scheduled commission into the history, keeping its effective time as the key.
    function _settleCommission(address prover, Pool storage pool) private {
        uint64 at = pool.pendingCommissionAt;
        if (at == 0 || block.timestamp < at) return;
        _commissionHistory[prover].push(uint48(at), pool.pendingCommissionBps);
        pool.pendingCommissionAt = 0;
    }

    function _setMinSelfStake(uint256 value) private {
        minSelfStake = value;
        emit ParameterSet("minSelfStake", value);
    }

    function _setUnbondingPeriod(uint64 value) private {
        if (value > MAX_UNBONDING_PERIOD) revert ParameterOutOfRange("unbondingPeriod", value, MAX_UNBONDING_PERIOD);
        unbondingPeriod = value;
        emit ParameterSet("unbondingPeriod", value);
    }

    function _setCommissionDelay(uint64 value) private {
        if (value > MAX_DELAY) revert ParameterOutOfRange("commissionDelay", value, MAX_DELAY);
        commissionDelay = value;
        emit ParameterSet("commissionDelay", value);
    }

    function _setRewardVesting(uint64 value) private {
        if (value > MAX_DELAY) revert ParameterOutOfRange("rewardVesting", value, MAX_DELAY);
        rewardVesting = value;
        emit ParameterSet("rewardVesting", value);
    }

    function _setSlashFraction(uint16 value) private {
        if (value > MAX_SLASH_BPS) revert ParameterOutOfRange("slashFractionBps", value, MAX_SLASH_BPS);
        slashFractionBps = value;
        emit ParameterSet("slashFractionBps", value);
    }

    function _setSlashRecipient(address value) private {
        slashRecipient = value;
        emit ParameterSet("slashRecipient", uint256(uint160(value)));
    }
}
