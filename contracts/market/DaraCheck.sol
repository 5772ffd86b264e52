// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DaraCheck
/// @notice Re-checks a posted DARA clearing in O(bids + asks): canonical order of both sides, the next-fit
/// placement of every placed bid, maximality of the placed prefix, and both prices. An outcome passes iff it
/// is exactly the one `src/market/dara.ts` computes (same steps, same error names as its `verifyOutcome`).
/// @dev Individual rationality and budget balance are consequences of the checked structure, not separate
/// tests (docs/dara.md, "Properties"): every winner bids at least the marginal bid, which is the
/// buyer price; every ask used is priced at most the marginal bid and at most the next unused ask, whose
/// minimum is the seller price; the seller price is at most the buyer price and both sides count the same cycles.
library DaraCheck {
    /// @notice A proof request: `cycles` all or nothing at most `maxPricePerCycle` per cycle.
    struct Bid {
        uint256 id;
        uint64 cycles;
        uint128 maxPricePerCycle;
    }

    /// @notice A prover's ask: up to `capacity` cycles at no less than `pricePerCycle` per cycle.
    struct Ask {
        uint256 id;
        uint128 pricePerCycle;
        uint64 capacity;
    }

    /// @notice The posted outcome: the ask index of each placed bid (winners, then the marginal bid) and prices.
    struct Outcome {
        uint32[] assignment;
        uint128 buyerPrice;
        uint128 sellerPrice;
    }

    /// @notice Bid `index` does not come strictly after bid `index - 1` (price descending, then id ascending).
    error BidsNotSorted(uint256 index);
    /// @notice Ask `index` does not come strictly after ask `index - 1` (price ascending, then id ascending).
    error AsksNotSorted(uint256 index);
    /// @notice Bid `index` asks for no cycles.
    error ZeroCycles(uint256 index);
    /// @notice Ask `index` offers no capacity.
    error ZeroCapacity(uint256 index);
    /// @notice More placements (`placed`) than bids.
    error TooManyPlaced(uint256 placed);
    /// @notice Bid `index` is not on the ask next-fit puts it on (`expected`; `asks.length` when none fits).
    error NotNextFit(uint256 index, uint256 expected);
    /// @notice The prefix up to bid `index` uses an ask priced above that bid.
    error AskAboveBid(uint256 index);
    /// @notice Bid `index`, the first unplaced one, could have been placed too.
    error NotMaximal(uint256 index);
    /// @notice The buyer price is not the marginal bid's price (0 without trade).
    error WrongBuyerPrice(uint128 posted, uint128 expected);
    /// @notice The seller price is not min(buyer price, the next unused ask's price) (0 without trade).
    error WrongSellerPrice(uint128 posted, uint128 expected);

    /// @notice Reverts with the first failed check's error unless `outcome` is the rule's clearing of the
    /// (already canonically ordered) `bids` and `asks`.
    /// @return winners The number of winning bids: `bids[0 .. winners - 1]` trade, on `outcome.assignment[k]`.
    function verify(Bid[] calldata bids, Ask[] calldata asks, Outcome calldata outcome)
        internal
        pure
        returns (uint256 winners)
    {
        _checkOrder(bids, asks);
        uint256 placed = outcome.assignment.length;
        if (placed > bids.length) revert TooManyPlaced(placed);

        // Replay next-fit: a pointer over the asks that only moves forward, `remaining` the pointed ask's room.
        uint256 ptr;
        uint256 remaining = asks.length == 0 ? 0 : asks[0].capacity;
        for (uint256 k; k < placed; ++k) {
            (ptr, remaining) = _seek(asks, ptr, remaining, bids[k].cycles);
            if (ptr == asks.length || outcome.assignment[k] != ptr) revert NotNextFit(k, ptr);
            // Asks are sorted ascending, so the pointed ask is the dearest used so far.
            if (asks[ptr].pricePerCycle > bids[k].maxPricePerCycle) revert AskAboveBid(k);
            remaining -= bids[k].cycles;
        }
        if (placed < bids.length) {
            uint256 next;
            (next,) = _seek(asks, ptr, remaining, bids[placed].cycles);
            if (next < asks.length && asks[next].pricePerCycle <= bids[placed].maxPricePerCycle) {
                revert NotMaximal(placed);
            }
        }

        (uint128 buyerPrice, uint128 sellerPrice) = _prices(bids, asks, outcome.assignment, placed);
        if (outcome.buyerPrice != buyerPrice) revert WrongBuyerPrice(outcome.buyerPrice, buyerPrice);
        if (outcome.sellerPrice != sellerPrice) revert WrongSellerPrice(outcome.sellerPrice, sellerPrice);
        winners = placed < 2 ? 0 : placed - 1;
    }

    function _checkOrder(Bid[] calldata bids, Ask[] calldata asks) private pure {
        for (uint256 i; i < bids.length; ++i) {
            if (bids[i].cycles == 0) revert ZeroCycles(i);
            if (i > 0) {
                (uint128 p0, uint128 p1) = (bids[i - 1].maxPricePerCycle, bids[i].maxPricePerCycle);
                if (p0 < p1 || (p0 == p1 && bids[i - 1].id >= bids[i].id)) revert BidsNotSorted(i);
            }
        }
        for (uint256 j; j < asks.length; ++j) {
            if (asks[j].capacity == 0) revert ZeroCapacity(j);
            if (j > 0) {
                (uint128 p0, uint128 p1) = (asks[j - 1].pricePerCycle, asks[j].pricePerCycle);
                if (p0 > p1 || (p0 == p1 && asks[j - 1].id >= asks[j].id)) revert AsksNotSorted(j);
            }
        }
    }

    /// @dev Advances the pointer past asks without room for `cycles`; `asks.length` when none is left.
    function _seek(Ask[] calldata asks, uint256 ptr, uint256 remaining, uint64 cycles)
        private
        pure
        returns (uint256, uint256)
    {
        while (ptr < asks.length && remaining < cycles) {
            ++ptr;
            remaining = ptr < asks.length ? asks[ptr].capacity : 0;
        }
        return (ptr, remaining);
    }

    /// @dev Buyer price: the marginal (last placed) bid's; seller price: min(buyer price, price of the ask after
    /// the marginal bid's). No trade (fewer than two placed bids): both zero.
    function _prices(Bid[] calldata bids, Ask[] calldata asks, uint32[] calldata assignment, uint256 placed)
        private
        pure
        returns (uint128 buyerPrice, uint128 sellerPrice)
    {
        if (placed < 2) return (0, 0);
        buyerPrice = bids[placed - 1].maxPricePerCycle;
        uint256 after_ = uint256(assignment[placed - 1]) + 1;
        uint128 next = after_ < asks.length ? asks[after_].pricePerCycle : buyerPrice;
        sellerPrice = next < buyerPrice ? next : buyerPrice;
    }
}
