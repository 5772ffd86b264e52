// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {InferenceRegistry} from "../registry/InferenceRegistry.sol";
import {IProverStaking} from "../staking/IProverStaking.sol";
import {DaraCheck} from "./DaraCheck.sol";
import {FeeConverter} from "./FeeConverter.sol";

/// @dev The emission controller's market hook.
interface IWorkRecorder {
    function recordWork(address prover, uint256 cycles, uint256 feePaid) external returns (uint256 weight);
}

/// @title ProofMarket
/// @notice Clients request proofs of inferences with escrow; provers sell proving cycles through sealed asks;
/// each batch is cleared by DARA off-chain and re-checked here; the assigned prover fulfils with an inference
/// it recorded in the registry and is paid in LA; a missed deadline slashes it and refunds the client.
/// @dev Time is cut into batches of `BATCH_LENGTH` seconds from `GENESIS`. For batch `b` ending at `end`:
/// requests and ask commitments during the batch, reveals in `[end, end + REVEAL_LENGTH)`, settlement in
/// `[end + REVEAL_LENGTH, end + REVEAL_LENGTH + SETTLE_WINDOW)`, cancellation after that if nobody settled.
/// Escrow is held in LA: ETH and USDC payments are converted on entry by the {FeeConverter} at the oracle
/// price, bounded by the client's price (the conversion must yield at least `cycles * maxPricePerCycle` LA).
/// Refunds accrue to a balance withdrawn by {withdrawRefund} (pull payments). See docs/market.md.
contract ProofMarket is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Lifecycle of a request.
    enum Status {
        None,
        Open,
        Assigned,
        Fulfilled,
        Expired,
        Unmatched
    }

    /// @notice A proof request and, once assigned, its job.
    /// @dev Field order packs it into nine slots (client, batch, status | deadline, cycles, max price | …).
    struct Request {
        address client;
        uint64 batch;
        Status status;
        uint64 deadline;
        uint64 cycles;
        uint128 maxPricePerCycle;
        uint256 modelId;
        bytes32 inputHash;
        uint256 escrow;
        address prover;
        uint128 buyerPrice;
        uint128 sellerPrice;
        uint256 collateral;
        uint256 inferenceId;
    }

    /// @notice What a client asks for in {requestProof}.
    struct RequestParams {
        uint256 modelId;
        bytes32 inputHash;
        uint64 cycles;
        uint128 maxPricePerCycle;
        uint64 deadline;
        address payToken;
        uint256 amountIn;
    }

    /// @notice A revealed ask (collateral locked at `collateralPerCycle` for the whole capacity).
    struct RevealedAsk {
        uint128 pricePerCycle;
        uint64 capacity;
        bool revealed;
        uint128 collateralPerCycle;
    }

    /// @notice Per-batch bookkeeping.
    struct Batch {
        uint256[] requestIds;
        address[] provers;
        bool closed;
    }

    /// @notice Pseudo-address of ether as a payment token.
    address public constant ETH = address(0);
    /// @notice Most requests one batch takes: bounds {settle}'s gas well under the per-transaction cap.
    uint256 public constant MAX_BATCH_REQUESTS = 128;
    /// @notice Most revealed asks one batch takes.
    uint256 public constant MAX_BATCH_ASKS = 32;
    /// @notice Largest collateral per cycle governance may set (100 LA).
    uint256 public constant MAX_COLLATERAL_PER_CYCLE = 100e18;
    /// @notice Reason passed to the staking contract when slashing for a missed deadline.
    bytes32 public constant MISSED_DEADLINE = keccak256("deepprove.market.missed-deadline");

    IERC20 public immutable LA;
    IERC20 public immutable USDC;
    IProverStaking public immutable STAKING;
    IWorkRecorder public immutable EMISSION;
    InferenceRegistry public immutable REGISTRY;
    FeeConverter public immutable CONVERTER;
    uint64 public immutable GENESIS;
    uint64 public immutable BATCH_LENGTH;
    uint64 public immutable REVEAL_LENGTH;
    uint64 public immutable SETTLE_WINDOW;
    /// @notice Shortest time between the end of a batch's settlement window and a request's deadline.
    uint64 public immutable MIN_PROVING_TIME;

    /// @notice LA of self-stake locked per cycle of revealed capacity (governance).
    uint256 public collateralPerCycle;
    /// @notice Receives the clearing's surplus (buyer minus seller price) on every fulfilment (governance).
    address public treasury;

    uint256 public requestCount;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 batch => Batch) private _batches;
    mapping(uint256 batch => mapping(address prover => bytes32)) public askCommitment;
    mapping(uint256 batch => mapping(address prover => RevealedAsk)) private _asks;
    mapping(uint256 inferenceId => bool) public inferenceUsed;
    mapping(address client => uint256) public refundOf;

    /// @notice A request entered `batch` (its other fields: {getRequest}).
    event ProofRequested(
        uint256 indexed requestId, uint256 indexed batch, address indexed client, uint256 modelId, bytes32 inputHash
    );
    /// @notice How request `requestId` was paid: `amountIn` of `payToken` became `escrow` LA.
    event EscrowPaid(uint256 indexed requestId, address indexed payToken, uint256 amountIn, uint256 escrow);
    /// @notice The packed input bytes of request `requestId` (their keccak256 is the request's `inputHash`), for
    /// provers to prove: the log is the input's data availability.
    event InputPublished(uint256 indexed requestId, bytes input);
    event AskCommitted(uint256 indexed batch, address indexed prover, bytes32 commitment);
    event AskRevealed(uint256 indexed batch, address indexed prover, uint128 pricePerCycle, uint64 capacity);
    event BatchSettled(uint256 indexed batch, uint256 winners, uint128 buyerPrice, uint128 sellerPrice);
    event BatchCancelled(uint256 indexed batch);
    event JobAssigned(uint256 indexed requestId, address indexed prover, uint256 fee, uint256 payout);
    event JobFulfilled(uint256 indexed requestId, address indexed prover, uint256 indexed inferenceId, uint256 payout);
    event JobExpired(uint256 indexed requestId, address indexed prover, uint256 slashed, uint256 refund);
    event RefundCredited(address indexed client, uint256 indexed requestId, uint256 amount);
    event RefundWithdrawn(address indexed client, uint256 amount);
    event ParameterSet(bytes32 indexed name, uint256 value);

    error ModelUnavailable(uint256 modelId);
    error ZeroCyclesRequested();
    error DeadlineTooSoon(uint64 deadline, uint256 earliest);
    error UnsupportedPayment(address token);
    error WrongValue(uint256 value, uint256 expected);
    error InvalidTiming();
    error NotInPhase(uint256 batch, bytes32 phase);
    error ProverInactive(address prover);
    error NoCommitment(uint256 batch, address prover);
    error CommitmentMismatch(uint256 batch, address prover);
    error AlreadyRevealed(uint256 batch, address prover);
    error ZeroCapacity();
    error BatchClosed(uint256 batch);
    error BatchFull(uint256 batch, bytes32 side);
    error WrongOrderCount(bytes32 side, uint256 posted, uint256 expected);
    error UnknownBid(uint256 index, uint256 id);
    error UnknownAsk(uint256 index, uint256 id);
    error WrongStatus(uint256 requestId, Status status);
    error DeadlinePassed(uint256 requestId, uint64 deadline);
    error DeadlineNotPassed(uint256 requestId, uint64 deadline);
    error WrongInference(uint256 requestId, uint256 inferenceId);
    error UnknownRequest(uint256 requestId);
    error InputMismatch(uint256 requestId, bytes32 inputHash, bytes32 actual);
    error InferenceAlreadyUsed(uint256 inferenceId);
    error NothingToWithdraw(address client);
    error ParameterOutOfRange(bytes32 name, uint256 value, uint256 max);
    error ZeroAddress(bytes32 what);

    /// @notice Contracts and timing; `genesis` starts batch 0.
    struct Deployment {
        IERC20 la;
        IERC20 usdc;
        IProverStaking staking;
        IWorkRecorder emission;
        InferenceRegistry registry;
        FeeConverter converter;
        uint64 genesis;
        uint64 batchLength;
        uint64 revealLength;
        uint64 settleWindow;
        uint64 minProvingTime;
    }

    constructor(Deployment memory d, address admin, address treasury_, uint256 collateralPerCycle_) {
        if (admin == address(0)) revert ZeroAddress("admin");
        if (treasury_ == address(0)) revert ZeroAddress("treasury");
        if (d.batchLength == 0 || d.revealLength == 0 || d.settleWindow == 0) revert InvalidTiming();
        LA = d.la;
        USDC = d.usdc;
        STAKING = d.staking;
        EMISSION = d.emission;
        REGISTRY = d.registry;
        CONVERTER = d.converter;
        GENESIS = d.genesis;
        BATCH_LENGTH = d.batchLength;
        REVEAL_LENGTH = d.revealLength;
        SETTLE_WINDOW = d.settleWindow;
        MIN_PROVING_TIME = d.minProvingTime;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        treasury = treasury_;
        _setCollateralPerCycle(collateralPerCycle_);
    }

    /*//////////////////////////////////////////////////////////////
                                 CLIENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Requests a proof of model `p.modelId` on the input hashing to `p.inputHash`, in the current batch.
    /// Escrows `p.cycles * p.maxPricePerCycle` LA: pulled as LA, or bought with `p.amountIn` ETH (sent as
    /// value) or USDC at the oracle price, which must yield at least that much (any excess is escrowed too and
    /// refunded after settlement).
    /// @return requestId The new request's id (sequential from 1).
    function requestProof(RequestParams calldata p) external payable nonReentrant returns (uint256 requestId) {
        InferenceRegistry.Model memory model = REGISTRY.getModel(p.modelId);
        if (model.deprecated) revert ModelUnavailable(p.modelId);
        if (p.cycles == 0) revert ZeroCyclesRequested();
        uint256 batch = currentBatch();
        uint256 earliest = _batchEnd(batch) + REVEAL_LENGTH + SETTLE_WINDOW + MIN_PROVING_TIME;
        if (p.deadline < earliest) revert DeadlineTooSoon(p.deadline, earliest);
        if (_batches[batch].requestIds.length == MAX_BATCH_REQUESTS) revert BatchFull(batch, "requests");
        uint256 required = uint256(p.cycles) * p.maxPricePerCycle;
        uint256 escrow = _collect(p.payToken, p.amountIn, required);

        requestId = ++requestCount;
        Request storage r = _requests[requestId];
        r.client = msg.sender;
        r.batch = uint64(batch);
        r.deadline = p.deadline;
        r.status = Status.Open;
        r.cycles = p.cycles;
        r.maxPricePerCycle = p.maxPricePerCycle;
        r.modelId = p.modelId;
        r.inputHash = p.inputHash;
        r.escrow = escrow;
        _batches[batch].requestIds.push(requestId);
        emit ProofRequested(requestId, batch, msg.sender, p.modelId, p.inputHash);
        emit EscrowPaid(requestId, p.payToken, p.payToken == address(LA) ? required : p.amountIn, escrow);
    }

    /// @notice Publishes the input bytes of request `requestId` in a log, so that provers can fetch them: the
    /// request itself stores only their hash. Anyone may call (the bytes must hash to the request's `inputHash`,
    /// so nobody can publish a wrong input); a client that hands the input to provers another way need not.
    function publishInput(uint256 requestId, bytes calldata input) external {
        Request storage r = _requests[requestId];
        if (r.status == Status.None) revert UnknownRequest(requestId);
        bytes32 actual = keccak256(input);
        if (actual != r.inputHash) revert InputMismatch(requestId, r.inputHash, actual);
        emit InputPublished(requestId, input);
    }

    /// @notice Pays out the caller's accrued refunds (LA).
    function withdrawRefund() external nonReentrant returns (uint256 amount) {
        amount = refundOf[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        refundOf[msg.sender] = 0;
        LA.safeTransfer(msg.sender, amount);
        emit RefundWithdrawn(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                  PROVERS
    //////////////////////////////////////////////////////////////*/

    /// @notice The commitment a prover posts for an ask: bound to this market, the chain, the batch and the
    /// sender, so it cannot be replayed elsewhere or copied by another prover.
    function askCommitmentFor(uint256 batch, address prover, uint128 pricePerCycle, uint64 capacity, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), batch, prover, pricePerCycle, capacity, salt));
    }

    /// @notice Commits a sealed ask for the current batch `batch` (replaces an earlier commitment). Active
    /// provers only.
    function commitAsk(uint256 batch, bytes32 commitment) external {
        if (batch != currentBatch()) revert NotInPhase(batch, "commit");
        if (!STAKING.isActive(msg.sender)) revert ProverInactive(msg.sender);
        askCommitment[batch][msg.sender] = commitment;
        emit AskCommitted(batch, msg.sender, commitment);
    }

    /// @notice Reveals the committed ask during `batch`'s reveal phase and locks `capacity * collateralPerCycle`
    /// of the caller's self-stake as collateral (released for capacity that wins nothing at settlement).
    function revealAsk(uint256 batch, uint128 pricePerCycle, uint64 capacity, bytes32 salt) external nonReentrant {
        uint256 start = _batchEnd(batch);
        if (block.timestamp < start || block.timestamp >= start + REVEAL_LENGTH) revert NotInPhase(batch, "reveal");
        bytes32 commitment = askCommitment[batch][msg.sender];
        if (commitment == bytes32(0)) revert NoCommitment(batch, msg.sender);
        if (askCommitmentFor(batch, msg.sender, pricePerCycle, capacity, salt) != commitment) {
            revert CommitmentMismatch(batch, msg.sender);
        }
        RevealedAsk storage ask = _asks[batch][msg.sender];
        if (ask.revealed) revert AlreadyRevealed(batch, msg.sender);
        if (capacity == 0) revert ZeroCapacity();
        if (_batches[batch].provers.length == MAX_BATCH_ASKS) revert BatchFull(batch, "asks");
        uint256 rate = collateralPerCycle;
        _asks[batch][msg.sender] = RevealedAsk(pricePerCycle, capacity, true, uint128(rate));
        _batches[batch].provers.push(msg.sender);
        if (rate != 0) STAKING.lockCollateral(msg.sender, uint256(capacity) * rate);
        emit AskRevealed(batch, msg.sender, pricePerCycle, capacity);
    }

    /*//////////////////////////////////////////////////////////////
                                SETTLEMENT
    //////////////////////////////////////////////////////////////*/

    /// @notice Settles `batch` with its DARA clearing: `bids` must be exactly the batch's requests and `asks`
    /// exactly its revealed asks whose prover is still active (ask id = the prover's address; an inactive prover
    /// must not be assigned work), both in canonical order, and `outcome` the rule's (re-checked by
    /// {DaraCheck}). Anyone may call during the settlement window.
    function settle(
        uint256 batch,
        DaraCheck.Bid[] calldata bids,
        DaraCheck.Ask[] calldata asks,
        DaraCheck.Outcome calldata outcome
    ) external nonReentrant {
        uint256 start = _batchEnd(batch) + REVEAL_LENGTH;
        if (block.timestamp < start || block.timestamp >= start + SETTLE_WINDOW) revert NotInPhase(batch, "settle");
        Batch storage b = _batches[batch];
        if (b.closed) revert BatchClosed(batch);
        b.closed = true;
        _checkOrders(batch, b, bids, asks);
        uint256 winners = DaraCheck.verify(bids, asks, outcome);

        uint256[] memory used = new uint256[](asks.length);
        for (uint256 k; k < bids.length; ++k) {
            uint256 requestId = bids[k].id;
            if (k < winners) {
                uint256 j = outcome.assignment[k];
                used[j] += bids[k].cycles;
                _assign(requestId, batch, address(uint160(asks[j].id)), outcome.buyerPrice, outcome.sellerPrice);
            } else {
                _close(requestId, Status.Unmatched, _requests[requestId].escrow);
            }
        }
        for (uint256 j; j < asks.length; ++j) {
            address prover = address(uint160(asks[j].id));
            RevealedAsk storage ask = _asks[batch][prover];
            uint256 spare = (uint256(ask.capacity) - used[j]) * ask.collateralPerCycle;
            if (spare != 0) STAKING.unlockCollateral(prover, spare);
        }
        // Asks left out because their prover became inactive release all their collateral.
        for (uint256 j; j < b.provers.length; ++j) {
            if (STAKING.isActive(b.provers[j])) continue;
            RevealedAsk storage ask = _asks[batch][b.provers[j]];
            uint256 locked = uint256(ask.capacity) * ask.collateralPerCycle;
            if (locked != 0) STAKING.unlockCollateral(b.provers[j], locked);
        }
        emit BatchSettled(batch, winners, outcome.buyerPrice, outcome.sellerPrice);
    }

    /// @notice Cancels a batch nobody settled in time: every request is refunded, all ask collateral released.
    function cancelBatch(uint256 batch) external nonReentrant {
        if (block.timestamp < _batchEnd(batch) + REVEAL_LENGTH + SETTLE_WINDOW) revert NotInPhase(batch, "cancel");
        Batch storage b = _batches[batch];
        if (b.closed) revert BatchClosed(batch);
        b.closed = true;
        for (uint256 i; i < b.requestIds.length; ++i) {
            _close(b.requestIds[i], Status.Unmatched, _requests[b.requestIds[i]].escrow);
        }
        for (uint256 j; j < b.provers.length; ++j) {
            RevealedAsk storage ask = _asks[batch][b.provers[j]];
            uint256 locked = uint256(ask.capacity) * ask.collateralPerCycle;
            if (locked != 0) STAKING.unlockCollateral(b.provers[j], locked);
        }
        emit BatchCancelled(batch);
    }

    /*//////////////////////////////////////////////////////////////
                               FULFILMENT
    //////////////////////////////////////////////////////////////*/

    /// @notice Completes request `requestId` with registry inference `inferenceId`, which must be the assigned
    /// prover's own verification of the request's model and input, recorded by the deadline (the record's time
    /// counts, so a fulfilment landing after the deadline still pays while nobody has expired the job) and not
    /// used for another request. Pays the prover `cycles * sellerPrice` LA, the treasury the surplus, releases the
    /// collateral and reports the work to the emission controller. Anyone may call (the record names the prover).
    function fulfil(uint256 requestId, uint256 inferenceId) external nonReentrant {
        Request storage r = _requests[requestId];
        if (r.status != Status.Assigned) revert WrongStatus(requestId, r.status);
        InferenceRegistry.Inference memory inference = REGISTRY.getInference(inferenceId);
        if (inference.timestamp > r.deadline) revert DeadlinePassed(requestId, r.deadline);
        if (inference.prover != r.prover || inference.modelId != r.modelId || inference.inputHash != r.inputHash) {
            revert WrongInference(requestId, inferenceId);
        }
        if (inferenceUsed[inferenceId]) revert InferenceAlreadyUsed(inferenceId);
        inferenceUsed[inferenceId] = true;
        r.status = Status.Fulfilled;
        r.inferenceId = inferenceId;

        uint256 fee = uint256(r.cycles) * r.buyerPrice;
        uint256 payout = uint256(r.cycles) * r.sellerPrice;
        address prover = r.prover;
        if (r.collateral != 0) STAKING.unlockCollateral(prover, r.collateral);
        EMISSION.recordWork(prover, r.cycles, fee);
        LA.safeTransfer(prover, payout);
        if (fee > payout) LA.safeTransfer(treasury, fee - payout);
        emit JobFulfilled(requestId, prover, inferenceId, payout);
    }

    /// @notice After a missed deadline: slashes the assigned prover, releases its collateral for the job and
    /// refunds the client's fee. No slash if the model was deprecated meanwhile (the registry then refuses every
    /// proof, so the prover could not deliver). Anyone may call.
    function expire(uint256 requestId) external nonReentrant {
        Request storage r = _requests[requestId];
        if (r.status != Status.Assigned) revert WrongStatus(requestId, r.status);
        if (block.timestamp <= r.deadline) revert DeadlineNotPassed(requestId, r.deadline);
        uint256 fee = uint256(r.cycles) * r.buyerPrice;
        _close(requestId, Status.Expired, fee);
        uint256 slashed;
        if (!REGISTRY.getModel(r.modelId).deprecated) slashed = STAKING.slash(r.prover, MISSED_DEADLINE);
        if (r.collateral != 0) STAKING.unlockCollateral(r.prover, r.collateral);
        emit JobExpired(requestId, r.prover, slashed, fee);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The batch accepting requests and commitments now.
    function currentBatch() public view returns (uint256) {
        if (block.timestamp < GENESIS) revert NotInPhase(0, "genesis");
        return (block.timestamp - GENESIS) / BATCH_LENGTH;
    }

    /// @notice Request `requestId` (all fields zero if it does not exist).
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @notice Requests and revealed provers of `batch`, and whether it is settled or cancelled.
    function getBatch(uint256 batch)
        external
        view
        returns (uint256[] memory requestIds, address[] memory provers, bool closed)
    {
        Batch storage b = _batches[batch];
        return (b.requestIds, b.provers, b.closed);
    }

    /// @notice `prover`'s revealed ask in `batch`.
    function getAsk(uint256 batch, address prover) external view returns (RevealedAsk memory) {
        return _asks[batch][prover];
    }

    /*//////////////////////////////////////////////////////////////
                                GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets {collateralPerCycle} (at most {MAX_COLLATERAL_PER_CYCLE}); applies to asks revealed later.
    function setCollateralPerCycle(uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCollateralPerCycle(value);
    }

    /// @notice Sets {treasury}.
    function setTreasury(address value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (value == address(0)) revert ZeroAddress("treasury");
        treasury = value;
        emit ParameterSet("treasury", uint256(uint160(value)));
    }

    /*//////////////////////////////////////////////////////////////
                                 INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _setCollateralPerCycle(uint256 value) private {
        if (value > MAX_COLLATERAL_PER_CYCLE) {
            revert ParameterOutOfRange("collateralPerCycle", value, MAX_COLLATERAL_PER_CYCLE);
        }
        collateralPerCycle = value;
        emit ParameterSet("collateralPerCycle", value);
    }

    function _batchEnd(uint256 batch) private view returns (uint256) {
        return GENESIS + (batch + 1) * BATCH_LENGTH;
    }

    /// @dev Takes the escrow in LA: pulled directly, or bought through the converter (at least `required`).
    function _collect(address payToken, uint256 amountIn, uint256 required) private returns (uint256) {
        if (payToken == address(LA)) {
            if (msg.value != 0) revert WrongValue(msg.value, 0);
            LA.safeTransferFrom(msg.sender, address(this), required);
            return required;
        }
        if (payToken == ETH) {
            if (msg.value != amountIn) revert WrongValue(msg.value, amountIn);
            return CONVERTER.convert{value: amountIn}(ETH, amountIn, required, address(this));
        }
        if (payToken != address(USDC)) revert UnsupportedPayment(payToken);
        if (msg.value != 0) revert WrongValue(msg.value, 0);
        USDC.safeTransferFrom(msg.sender, address(this), amountIn);
        USDC.forceApprove(address(CONVERTER), amountIn);
        return CONVERTER.convert(address(USDC), amountIn, required, address(this));
    }

    /// @dev Checks the posted orders are exactly the batch's: same count, each id one of its open requests or
    /// revealed, still active provers with the stored fields (strict canonical order, checked by DaraCheck,
    /// rules out repeats).
    function _checkOrders(uint256 batch, Batch storage b, DaraCheck.Bid[] calldata bids, DaraCheck.Ask[] calldata asks)
        private
        view
    {
        if (bids.length != b.requestIds.length) revert WrongOrderCount("bids", bids.length, b.requestIds.length);
        uint256 active;
        for (uint256 j; j < b.provers.length; ++j) {
            if (STAKING.isActive(b.provers[j])) ++active;
        }
        if (asks.length != active) revert WrongOrderCount("asks", asks.length, active);
        for (uint256 i; i < bids.length; ++i) {
            Request storage r = _requests[bids[i].id];
            if (
                r.status != Status.Open || r.batch != batch || r.cycles != bids[i].cycles
                    || r.maxPricePerCycle != bids[i].maxPricePerCycle
            ) revert UnknownBid(i, bids[i].id);
        }
        for (uint256 j; j < asks.length; ++j) {
            if (asks[j].id > type(uint160).max) revert UnknownAsk(j, asks[j].id);
            RevealedAsk storage ask = _asks[batch][address(uint160(asks[j].id))];
            if (
                !ask.revealed || ask.pricePerCycle != asks[j].pricePerCycle || ask.capacity != asks[j].capacity
                    || !STAKING.isActive(address(uint160(asks[j].id)))
            ) revert UnknownAsk(j, asks[j].id);
        }
    }

    /// @dev Assigns a winning request: fee and payout per cycle fixed, excess escrow refunded, job collateral
    /// carried over from the ask's lock.
    function _assign(uint256 requestId, uint256 batch, address prover, uint128 buyerPrice, uint128 sellerPrice)
        private
    {
        Request storage r = _requests[requestId];
        r.status = Status.Assigned;
        r.prover = prover;
        r.buyerPrice = buyerPrice;
        r.sellerPrice = sellerPrice;
        r.collateral = uint256(r.cycles) * _asks[batch][prover].collateralPerCycle;
        uint256 fee = uint256(r.cycles) * buyerPrice;
        _credit(r.client, requestId, r.escrow - fee);
        emit JobAssigned(requestId, prover, fee, uint256(r.cycles) * sellerPrice);
    }

    function _close(uint256 requestId, Status status, uint256 refund) private {
        Request storage r = _requests[requestId];
        r.status = status;
        _credit(r.client, requestId, refund);
    }

    function _credit(address client, uint256 requestId, uint256 amount) private {
        if (amount == 0) return;
        refundOf[client] += amount;
        emit RefundCredited(client, requestId, amount);
    }
}
