/**
 * The requantization's group slots end to end (docs/prover.md, "Requantization"): a step's advice tables are
 * committed as popcount(k) slots of A and opened once each at (ρ′ ‖ r_col), the arena's limb claims folded into
 * the requant sum-check (no opening at the arena point). Checked on `3l_relu_conv_fc` (k = 9: groups of 8 and 1):
 * the plan's slots, the number of opening records, and a prover whose COMMITTED group table differs from the
 * tables its sum-check used in one entry — of a flag, of a limb, of the one-table group —: the group claim it hands
 * the batch opening is then false against A, and the opening's own sum-check refuses to prove it (the batch
 * opening's soundness, docs/hyperkzg.md, is what rejects a forged one; the word-flip sweeps cover its messages).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { compileGraph } from "../../src/prover/graph/compile";
import type { RequantNodeStep } from "../../src/prover/graph/plan";
import * as walk from "../../src/prover/graph/walk";
import * as requantLayer from "../../src/prover/layers/requant";
import { requantGeometry } from "../../src/prover/layers/requant-spec";
import { layoutOf } from "../../src/prover/tensor";
import { loadCorpusTrace } from "./corpus-helpers";
import { proveModel, rejection } from "./graph-helpers";

type Mutable = { -readonly [K in keyof typeof requantLayer]: (typeof requantLayer)[K] };
type WalkModule = { -readonly [K in keyof typeof walk]: (typeof walk)[K] };

describe("prover: requantization group slots (one opening per group)", function () {
  this.timeout(120_000);
  const name = "3l_relu_conv_fc";

  it("the plan: popcount(k) slots of shape [2^(m_g), ...shape] per requantization, A as large as the k tables", function () {
    const c = loadCorpusTrace(name);
    if (!c) return this.skip();
    const g = compileGraph(c.model);
    const steps = g.nodes.filter((s): s is RequantNodeStep => s.handler === "requant");
    expect(steps.length).to.equal(3);
    for (const s of steps) {
      const r = s.requant;
      const geo = requantGeometry({ shape: r.shape, multiplier: r.multiplier, shift: r.shift, bits: r.bits, accBound: r.accBound, lo: r.lo, hi: r.hi, limbBits: r.limbBits });
      const k = requantLayer.requantGroupCount(geo);
      expect(r.advice.length, r.y).to.equal(k.toString(2).split("").filter((b) => b === "1").length);
      const shapes = r.advice.map((slot) => g.advice.find((a) => a.name === slot)!.shape);
      expect(shapes).to.deep.equal(requantLayer.requantGroupShapes(geo));
      expect(shapes.reduce((n, sh) => n + layoutOf(sh).paddedSize, 0)).to.equal(k * geo.layout.paddedSize);
    }
  });

  it("one opening of A per group slot and one per claim on y: 3 requantizations of k = 9, one claim each, give 9 records of A (session 5: 48)", function () {
    const c = loadCorpusTrace(name);
    if (!c) return this.skip();
    const module = walk as unknown as WalkModule;
    const honest = module.openingClaims;
    let polys: string[] = [];
    module.openingClaims = (plan, book) => {
      polys = book.openings.map((o) => o.poly);
      return honest(plan, book);
    };
    try {
      const p = proveModel(c.model, c.trace);
      expect(rejection(p)).to.equal("accepted");
    } finally {
      module.openingClaims = honest;
    }
    // 6 group openings at ρ′ and 3 openings of u's one-table group at its claim's point (y = lo + u).
    expect(polys.filter((x) => x === "A").length).to.equal(9);
  });

  // [group, entry offset in the group table] of the first requantization (conv1, n = 10: 2^10 entries a table).
  const cases: [string, number, number][] = [
    ["p (group 0, table 0)", 0, 3],
    ["a limb (group 0, table 5)", 0, 5 * 1024 + 7],
    ["the last table (group 1, its one table)", 1, 11],
  ];
  for (const [what, group, at] of cases) {
    it(`a committed group entry that differs from the sum-check's tables makes the group claim false: ${what}`, function () {
      const c = loadCorpusTrace(name);
      if (!c) return this.skip();
      const module = requantLayer as unknown as Mutable;
      const honest = module.requantGroupTables;
      let first = true;
      module.requantGroupTables = (geo, t) => {
        const out = honest(geo, t);
        if (first) out[group][at] = Fr.add(out[group][at], 1n);
        first = false;
        return out;
      };
      try {
        expect(() => proveModel(c.model, c.trace)).to.throw(RangeError, "not the sum over the hypercube");
      } finally {
        module.requantGroupTables = honest;
      }
    });
  }
});
