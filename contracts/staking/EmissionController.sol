// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {GuardianPausable} from "../governance/GuardianPausable.sol";
import {ILATokenMinting} from "../token/ILATokenMinting.sol";
import {IProverStaking} from "./IProverStaking.sol";

/// @title EmissionController
/// @notice Mints the LA emission and pays it to provers by verified, paid proof work. Time is cut into epochs;
/// the market reports work during an epoch; once it has ended anyone finalizes it, fixing its budget, and then
/// anyone pays each prover its share into its staking pool.
/// @dev Amounts per epoch `e` of duration `d`, with work `w_p` per prover and `W = sum w_p`:
///   - work weight of a report: `min(cycles, feePaid / minFeePerCycle)`: cycles count only as far as a fee at
///     the price floor paid for them;
///   - budget: `min(INITIAL_SUPPLY * rate * d / (10_000 * 365 days), token headroom not yet reserved)`;
///   - share: `budget * w_p / W`; paid: `min(share, stake_p * maxRewardRate * d / (10_000 * 365 days))` with
///     `stake_p` the smaller of the prover's active stake at the epoch's start and at its end.
/// Only what is paid is minted; the rest of a share is released from the reservation and never minted.
/// See docs/contracts/emission.md for the farming bound.
contract EmissionController is GuardianPausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role of the proof market: {recordWork}.
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice Shortest epoch governance may set.
    uint64 public constant MIN_EPOCH_LENGTH = 1 hours;
    /// @notice Longest epoch governance may set.
    uint64 public constant MAX_EPOCH_LENGTH = 365 days;
    /// @notice Highest yearly reward a pool may earn, as a fraction of its stake in basis points (100 %).
    uint16 public constant MAX_REWARD_RATE_BPS = 10_000;
    /// @dev Basis-point denominator.
    uint256 private constant BPS = 10_000;
    /// @dev The year rates are quoted in.
    uint256 private constant YEAR = 365 days;

    /// @notice Epoch numbering from `firstEpoch`, which starts at `start`, in steps of `length` seconds.
    struct Schedule {
        uint64 firstEpoch;
        uint64 start;
        uint64 length;
    }

    /// @notice One epoch's record, created by its first work report.
    struct Epoch {
        uint64 start;
        uint64 end;
        uint16 rateBps; // emission rate snapshot
        uint16 maxRewardRateBps; // stake cap snapshot
        bool finalized;
        uint256 totalWork;
        uint256 budget; // set by finalize
        uint256 claimedWork;
        uint256 releasedBudget; // shares already settled (paid or forfeited to the cap)
        uint256 paid;
    }

    /// @notice The LA token, minted through its capped {ILATokenMinting.mint}.
    ILATokenMinting public immutable TOKEN;
    /// @notice Where rewards go.
    IProverStaking public immutable STAKING;

    /// @notice Yearly emission rate in basis points of the initial supply, at most the token's hard cap.
    uint16 public emissionRateBps;
    /// @notice Yearly cap on a pool's reward relative to its stake, in basis points.
    uint16 public maxRewardRateBps;
    /// @notice Price floor: LA wei of fee that one cycle of work must have been paid to count.
    uint256 public minFeePerCycle;
    /// @notice Budget of finalized epochs not yet settled; kept out of the token headroom of later epochs.
    uint256 public reservedBudget;

    Schedule private _past;
    Schedule private _next;
    mapping(uint256 epoch => Epoch) private _epochs;
    mapping(uint256 epoch => mapping(address prover => uint256)) private _work;
    mapping(uint256 epoch => mapping(address prover => bool)) private _settled;

    /// @notice The market reported `cycles` paid `feePaid` by `prover` in `epoch`, counted as `weight`.
    event WorkRecorded(uint256 indexed epoch, address indexed prover, uint256 cycles, uint256 feePaid, uint256 weight);
    /// @notice `epoch` closed with `totalWork` and a `budget` reserved for it.
    event EpochFinalized(uint256 indexed epoch, uint256 totalWork, uint256 budget);
    /// @notice `prover`'s `share` of `epoch`'s budget was settled: `paid` minted into its pool (≤ share).
    event RewardPaid(uint256 indexed epoch, address indexed prover, uint256 share, uint256 paid);
    /// @notice Epochs from `firstEpoch` (starting at `start`) last `length` seconds.
    event EpochLengthScheduled(uint64 firstEpoch, uint64 start, uint64 length);
    /// @notice Governance set parameter `name` to `value`.
    event ParameterSet(bytes32 indexed name, uint256 value);

    /// @notice `epoch` ends at `end`; it is `now`.
    error EpochNotEnded(uint256 epoch, uint64 end, uint256 now);
    /// @notice `epoch` has no recorded work (nothing to finalize or pay).
    error EpochHasNoWork(uint256 epoch);
    /// @notice `epoch` is already finalized.
    error EpochAlreadyFinalized(uint256 epoch);
    /// @notice `epoch` is not finalized yet.
    error EpochNotFinalized(uint256 epoch);
    /// @notice `prover` did no recorded work in `epoch`.
    error NoWork(uint256 epoch, address prover);
    /// @notice `prover`'s reward for `epoch` was already settled.
    error RewardAlreadyPaid(uint256 epoch, address prover);
    /// @notice Parameter `name` cannot be `value`: allowed range is [`min`, `max`].
    error ParameterOutOfRange(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @notice A constructor address argument named by `what` was zero.
    error ZeroAddress(string what);
    /// @notice `timestamp` precedes `start`, the earliest time the kept schedule describes.
    error BeforeSchedule(uint256 timestamp, uint256 start);
    /// @notice Epoch `epoch` was never recorded and precedes `firstEpoch`, the first the kept schedule describes.
    error EpochBeforeSchedule(uint256 epoch, uint256 firstEpoch);

    /// @notice Initial values of the governance parameters.
    struct Parameters {
        uint64 epochLength;
        uint16 emissionRateBps;
        uint16 maxRewardRateBps;
        uint256 minFeePerCycle;
    }

    /// @param token the LA token; this contract needs its `MINTER_ROLE`.
    /// @param staking the prover staking; this contract needs its `EMISSION_ROLE`.
    /// @param admin holder of `DEFAULT_ADMIN_ROLE` (the timelock after deployment).
    /// @param params initial parameters, checked against the same bounds as the governance setters.
    constructor(ILATokenMinting token, IProverStaking staking, address admin, Parameters memory params) {
        if (address(token) == address(0)) revert ZeroAddress("token");
        if (address(staking) == address(0)) revert ZeroAddress("staking");
        if (admin == address(0)) revert ZeroAddress("admin");
        TOKEN = token;
        STAKING = staking;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _checkEpochLength(params.epochLength);
        _past = Schedule({firstEpoch: 0, start: uint64(block.timestamp), length: params.epochLength});
        _next = _past;
        _setEmissionRate(params.emissionRateBps);
        _setMaxRewardRate(params.maxRewardRateBps);
        _setMinFeePerCycle(params.minFeePerCycle);
    }

    /*//////////////////////////////////////////////////////////////
                                  WORK
    //////////////////////////////////////////////////////////////*/

    /// @notice Records verified, paid work of `prover` in the current epoch. Market only.
    /// @param cycles compute cycles of the verified proof (the market derives them from the model).
    /// @param feePaid LA-equivalent fee the requester paid for it and the market took out of the requester's
    /// control (escrowed and settled), so the weight is bought with real fees.
    /// @return weight the work counted: `min(cycles, feePaid / minFeePerCycle)`; 0 for an inactive prover, which
    /// is recorded (event) but earns nothing. Never reverts on the prover's state, so a fulfilment never fails here.
    function recordWork(address prover, uint256 cycles, uint256 feePaid)
        external
        onlyRole(MARKET_ROLE)
        returns (uint256 weight)
    {
        uint256 id = currentEpoch();
        if (STAKING.isActive(prover)) weight = Math.min(cycles, feePaid / minFeePerCycle);
        if (weight != 0) {
            Epoch storage rec = _epochs[id];
            if (rec.end == 0) {
                (uint64 start, uint64 end) = epochBounds(id);
                rec.start = start;
                rec.end = end;
                rec.rateBps = emissionRateBps;
                rec.maxRewardRateBps = maxRewardRateBps;
            }
            rec.totalWork += weight;
            _work[id][prover] += weight;
        }
        emit WorkRecorded(id, prover, cycles, feePaid, weight);
    }

    /*//////////////////////////////////////////////////////////////
                          FINALIZE AND PAY OUT
    //////////////////////////////////////////////////////////////*/

    /// @notice Closes `id` once its end has passed (at `end` exactly, it may be finalized) and reserves its
    /// budget. Anyone may call.
    /// @return budget LA reserved for the epoch's provers.
    function finalizeEpoch(uint256 id) external whenNotPaused returns (uint256 budget) {
        Epoch storage rec = _epochs[id];
        if (rec.totalWork == 0) revert EpochHasNoWork(id);
        if (rec.finalized) revert EpochAlreadyFinalized(id);
        if (block.timestamp < rec.end) revert EpochNotEnded(id, rec.end, block.timestamp);
        uint256 byRate = (TOKEN.INITIAL_SUPPLY() * rec.rateBps * (rec.end - rec.start)) / (BPS * YEAR);
        uint256 headroom = TOKEN.mintable();
        uint256 free = headroom > reservedBudget ? headroom - reservedBudget : 0;
        budget = Math.min(byRate, free);
        rec.finalized = true;
        rec.budget = budget;
        reservedBudget += budget;
        emit EpochFinalized(id, rec.totalWork, budget);
    }

    /// @notice Settles `prover`'s share of finalized epoch `id`: mints the capped reward into its pool (the
    /// prover's commission in force at the epoch's end, delegators the rest). Anyone may call.
    /// @return paid LA minted into the pool.
    function payReward(uint256 id, address prover) external nonReentrant whenNotPaused returns (uint256 paid) {
        Epoch storage rec = _epochs[id];
        if (!rec.finalized) revert EpochNotFinalized(id);
        uint256 work = _work[id][prover];
        if (work == 0) revert NoWork(id, prover);
        if (_settled[id][prover]) revert RewardAlreadyPaid(id, prover);
        uint256 share = Math.mulDiv(rec.budget, work, rec.totalWork);
        paid = Math.min(share, stakeCap(id, prover));
        _settled[id][prover] = true;
        rec.claimedWork += work;
        rec.releasedBudget += share;
        rec.paid += paid;
        uint256 release = share;
        // The last settlement also frees the rounding dust of every floor(budget * w / W) before it.
        if (rec.claimedWork == rec.totalWork) release += rec.budget - rec.releasedBudget;
        reservedBudget -= release;
        emit RewardPaid(id, prover, share, paid);
        if (paid != 0) {
            TOKEN.mint(address(this), paid);
            IERC20(address(TOKEN)).forceApprove(address(STAKING), paid);
            STAKING.distributeReward(prover, paid, rec.end);
        }
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the epoch length from the next epoch on; the current epoch keeps its end. Calling again
    /// before that epoch starts replaces the pending length.
    function setEpochLength(uint64 length) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkEpochLength(length);
        if (block.timestamp >= _next.start) _past = _next;
        uint64 current = uint64(_epochAt(_past, block.timestamp));
        (, uint64 end) = _bounds(_past, current);
        _next = Schedule({firstEpoch: current + 1, start: end, length: length});
        emit EpochLengthScheduled(current + 1, end, length);
    }

    /// @notice Sets the yearly emission rate (≤ the token's `MAX_INFLATION_BPS`); applies to epochs whose first
    /// work is recorded afterwards.
    function setEmissionRate(uint16 rateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEmissionRate(rateBps);
    }

    /// @notice Sets the per-stake reward cap (≤ {MAX_REWARD_RATE_BPS}); applies like {setEmissionRate}.
    function setMaxRewardRate(uint16 rateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxRewardRate(rateBps);
    }

    /// @notice Sets the price floor per cycle (> 0); applies to work recorded afterwards.
    function setMinFeePerCycle(uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinFeePerCycle(value);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Number of the epoch containing the current time.
    function currentEpoch() public view returns (uint256) {
        return epochAt(block.timestamp);
    }

    /// @notice Number of the epoch containing `timestamp`. Only the schedule in force since the epoch before the
    /// latest length change is kept, so earlier timestamps revert with {BeforeSchedule}.
    function epochAt(uint256 timestamp) public view returns (uint256) {
        if (timestamp < _past.start) revert BeforeSchedule(timestamp, _past.start);
        return _epochAt(timestamp >= _next.start ? _next : _past, timestamp);
    }

    /// @notice Start and end (exclusive) of epoch `id` under the current schedule; a recorded epoch keeps the
    /// bounds it was recorded with (see {epoch}).
    function epochBounds(uint256 id) public view returns (uint64 start, uint64 end) {
        Epoch storage rec = _epochs[id];
        if (rec.end != 0) return (rec.start, rec.end);
        if (id < _past.firstEpoch) revert EpochBeforeSchedule(id, _past.firstEpoch);
        return _bounds(id >= _next.firstEpoch ? _next : _past, id);
    }

    /// @notice The record of epoch `id` (zero until its first work report).
    function epoch(uint256 id) external view returns (Epoch memory) {
        return _epochs[id];
    }

    /// @notice Work weight of `prover` in epoch `id`.
    function workOf(uint256 id, address prover) external view returns (uint256) {
        return _work[id][prover];
    }

    /// @notice Whether `prover`'s reward for epoch `id` has been settled.
    function isPaid(uint256 id, address prover) external view returns (bool) {
        return _settled[id][prover];
    }

    /// @notice Largest reward `prover` can receive for epoch `id`: its stake (the smaller of the active stake at
    /// the epoch's start and end) times the reward-rate cap, pro rata over the epoch's duration.
    function stakeCap(uint256 id, address prover) public view returns (uint256) {
        Epoch storage rec = _epochs[id];
        uint256 stake = Math.min(
            STAKING.activeStakeAt(prover, rec.start), STAKING.activeStakeAt(prover, rec.end)
        );
        return (stake * rec.maxRewardRateBps * (rec.end - rec.start)) / (BPS * YEAR);
    }

    /// @notice What settling `prover`'s share of finalized epoch `id` would mint (0 once settled).
    function pendingReward(uint256 id, address prover) external view returns (uint256) {
        Epoch storage rec = _epochs[id];
        if (!rec.finalized || _settled[id][prover] || _work[id][prover] == 0) return 0;
        uint256 share = Math.mulDiv(rec.budget, _work[id][prover], rec.totalWork);
        return Math.min(share, stakeCap(id, prover));
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _epochAt(Schedule memory schedule, uint256 timestamp) private pure returns (uint256) {
        return schedule.firstEpoch + (timestamp - schedule.start) / schedule.length;
    }

    function _bounds(Schedule memory schedule, uint256 id) private pure returns (uint64 start, uint64 end) {
        start = uint64(schedule.start + (id - schedule.firstEpoch) * schedule.length);
        end = start + schedule.length;
    }

    function _checkEpochLength(uint64 length) private pure {
        if (length < MIN_EPOCH_LENGTH || length > MAX_EPOCH_LENGTH) {
            revert ParameterOutOfRange("epochLength", length, MIN_EPOCH_LENGTH, MAX_EPOCH_LENGTH);
        }
    }

    function _setEmissionRate(uint16 rateBps) private {
        uint256 max = TOKEN.MAX_INFLATION_BPS();
        if (rateBps > max) revert ParameterOutOfRange("emissionRateBps", rateBps, 0, max);
        emissionRateBps = rateBps;
        emit ParameterSet("emissionRateBps", rateBps);
    }

    function _setMaxRewardRate(uint16 rateBps) private {
        if (rateBps > MAX_REWARD_RATE_BPS) {
            revert ParameterOutOfRange("maxRewardRateBps", rateBps, 0, MAX_REWARD_RATE_BPS);
        }
        maxRewardRateBps = rateBps;
        emit ParameterSet("maxRewardRateBps", rateBps);
    }

    function _setMinFeePerCycle(uint256 value) private {
        if (value == 0) revert ParameterOutOfRange("minFeePerCycle", value, 1, type(uint256).max);
        minFeePerCycle = value;
        emit ParameterSet("minFeePerCycle", value);
    }
}
