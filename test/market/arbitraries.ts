/** fast-check generators of DARA batches shared by the clearing and the on-chain re-check tests. */
import fc from "fast-check";
import type { Ask, Bid } from "../../src/market/dara";

export interface Batch {
  bids: Bid[];
  asks: Ask[];
}

/** Unique ids drawn from a small range, so price ties (broken by id) are frequent. */
const ids = (max: number) => fc.uniqueArray(fc.bigInt(0n, 40n), { maxLength: max });

/** Small batches with frequent ties and tight capacities: every branch of the rule is exercised. */
export const batchArb: fc.Arbitrary<Batch> = fc
  .record({ bidIds: ids(12), askIds: ids(6) })
  .chain(({ bidIds, askIds }) =>
    fc.record({
      bids: fc.tuple(
        ...bidIds.map((id) =>
          fc.record({ id: fc.constant(id), cycles: fc.bigInt(1n, 50n), maxPricePerCycle: fc.bigInt(0n, 30n) })
        )
      ),
      asks: fc.tuple(
        ...askIds.map((id) =>
          fc.record({ id: fc.constant(id), pricePerCycle: fc.bigInt(0n, 30n), capacity: fc.bigInt(1n, 120n) })
        )
      ),
    })
  )
  .map(({ bids, asks }) => ({ bids: [...bids], asks: [...asks] }));

/**
 * The unit regime: every request needs the same `unit` cycles and every capacity is a multiple of it, so no
 * capacity is wasted by packing and the rule is McAfee's trade reduction over units (see docs/dara.md).
 */
export const unitBatchArb: fc.Arbitrary<Batch & { unit: bigint }> = fc
  .record({ unit: fc.bigInt(1n, 5n), bidIds: ids(12), askIds: ids(6) })
  .chain(({ unit, bidIds, askIds }) =>
    fc.record({
      unit: fc.constant(unit),
      bids: fc.tuple(
        ...bidIds.map((id) => fc.record({ id: fc.constant(id), cycles: fc.constant(unit), maxPricePerCycle: fc.bigInt(0n, 30n) }))
      ),
      asks: fc.tuple(
        ...askIds.map((id) =>
          fc.record({ id: fc.constant(id), pricePerCycle: fc.bigInt(0n, 30n), capacity: fc.bigInt(1n, 4n).map((n) => n * unit) })
        )
      ),
    })
  )
  .map(({ unit, bids, asks }) => ({ unit, bids: [...bids], asks: [...asks] }));
