import { expect } from "chai";
import fc from "fast-check";
import { evaluateMle } from "../../src/poly";
import { liftToSlot, slotLayout, slotOf, slotSelector, slotTable, SlotError } from "../../src/poly/slots";
import { randomFrs } from "../sumcheck/helpers";

/** The slotted layout the arena uses for M and H (src/poly/slots.ts; generic, also usable for A). */
describe("slotted polynomials (src/poly/slots.ts)", () => {
  it("places tables by decreasing size, ties by name, each at an offset aligned to its size", () => {
    const layout = slotLayout([
      { name: "b", numVars: 2 },
      { name: "a", numVars: 2 },
      { name: "big", numVars: 4 },
      { name: "one", numVars: 0 },
    ]);
    expect(layout.slots.map((s) => [s.name, s.offset])).to.deep.equal([
      ["big", 0],
      ["a", 16],
      ["b", 20],
      ["one", 24],
    ]);
    expect(layout.numVars).to.equal(5); // 25 entries -> 2^5
    expect(slotSelector(layout, slotOf(layout, "a"))).to.deep.equal([0n, 0n, 1n]); // 16/4 = 4 = 0b100
    expect(slotSelector(layout, slotOf(layout, "one"))).to.deep.equal([0n, 0n, 0n, 1n, 1n]); // 24
    expect(slotLayout([]).numVars).to.equal(0);
    expect(slotLayout([{ name: "x", numVars: 0 }]).numVars).to.equal(0);
  });

  it("the slotted MLE at (p ‖ selector) is the table's MLE at p (random layouts)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }), fc.nat(), (sizes, seed) => {
        const entries = sizes.map((numVars, i) => ({ name: `t${(i * 7) % 10}${i}`, numVars }));
        const layout = slotLayout(entries);
        const values = new Map(entries.map((e) => [e.name, randomFrs(2 ** e.numVars, `${seed}/${e.name}`)]));
        const table = slotTable(layout, (name) => values.get(name)!);
        expect(table).to.have.length(2 ** layout.numVars);
        for (const e of entries) {
          const slot = slotOf(layout, e.name);
          expect(slot.offset % 2 ** e.numVars).to.equal(0);
          const p = randomFrs(e.numVars, `${seed}/p/${e.name}`);
          expect(evaluateMle(table, liftToSlot(layout, e.name, p))).to.equal(evaluateMle(values.get(e.name)!, p));
        }
        // nothing overlaps: total of slot sizes fits and the entries after the last slot are zero
        const used = entries.reduce((n, e) => n + 2 ** e.numVars, 0);
        expect(table.slice(used).every((v) => v === 0n)).to.equal(true);
      }),
      { numRuns: 30 },
    );
  });

  it("names what is wrong", () => {
    expect(() => slotLayout([{ name: "a", numVars: 1 }, { name: "a", numVars: 2 }])).to.throw(SlotError, /"a" appears twice/);
    expect(() => slotLayout([{ name: "a", numVars: -1 }])).to.throw(SlotError, /"a" has -1 variables/);
    expect(() => slotLayout([{ name: "a", numVars: 1.5 }])).to.throw(SlotError, /integer/);
    const layout = slotLayout([{ name: "a", numVars: 1 }]);
    expect(() => slotOf(layout, "b")).to.throw(SlotError, /no slot named "b" \(have: "a"\)/);
    expect(() => liftToSlot(layout, "a", [1n, 2n])).to.throw(SlotError, /point has 2 coordinates, the table has 1 variables/);
    expect(() => slotTable(layout, () => [1n])).to.throw(SlotError, /slot "a": 1 values, expected 2\^1/);
  });
});
