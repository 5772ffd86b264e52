import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import {
  committedTable,
  proveLookup,
  rangeTable,
  verifierTable,
  verifyLookup,
  type LookupTable,
} from "../../src/lookup";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { claimsHold } from "./helpers";

/**
 * Random instances (table kind, arity 1–3, 1–3 columns of 1–20 entries): the verifier's claims equal the
 * prover's and are all true; and one witness entry moved outside the table makes the prover refuse.
 */
describe("LogUp lookup: random instances (property)", () => {
  const srs = insecureDevSrs(64);
  const DOMAIN = "lookup-property";

  interface Params {
    range: boolean;
    bits: number;
    lo: number;
    arity: number;
    rows: number;
    seed: number;
    columns: number[][];
  }
  const instance: fc.Arbitrary<Params> = fc.record({
    range: fc.boolean(),
    bits: fc.integer({ min: 0, max: 5 }),
    lo: fc.integer({ min: -40, max: 40 }),
    arity: fc.integer({ min: 1, max: 3 }),
    rows: fc.integer({ min: 1, max: 20 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
    columns: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
  });

  /** The table and witness columns of an instance (witness rows picked from the table's rows). */
  function build(q: Params) {
    let table: LookupTable;
    let rowsOf: bigint[][];
    if (q.range) {
      table = rangeTable(q.lo, q.bits);
      rowsOf = [Array.from({ length: 2 ** q.bits }, (_, y) => Fr.fromSigned(q.lo + y))];
    } else {
      rowsOf = Array.from({ length: q.arity }, (_, c) =>
        Array.from({ length: q.rows }, (_, y) => Fr.reduce(BigInt(q.seed) * 1_000_003n + BigInt(c * 97 + y * y))),
      );
      table = committedTable(srs, rowsOf);
    }
    const height = rowsOf[0].length;
    const columns = q.columns.map((picks) => rowsOf.map((comp) => picks.map((v) => comp[v % height])));
    return { table, columns, rowsOf };
  }

  it("completeness: claims agree and hold", () => {
    fc.assert(
      fc.property(instance, (p) => {
        const { table, columns } = build(p);
        const r = proveLookup({ srs, table, columns, transcript: new Transcript(DOMAIN) });
        const claims = verifyLookup({
          table: verifierTable(table),
          lengths: columns.map((c) => c[0].length),
          proof: r.proof,
          transcript: new Transcript(DOMAIN),
        });
        expect(claims).to.deep.equal(r.claims);
        expect(claimsHold(srs, claims, r.polys, columns)).to.equal(true);
      }),
      { numRuns: 25, seed: 20261121 },
    );
  });

  it("an entry outside the table is refused", () => {
    fc.assert(
      fc.property(instance, (p) => {
        const { table, columns, rowsOf } = build(p);
        const used = new Set(rowsOf[0].map(String));
        let outside = 1000003n;
        while (used.has(String(outside))) outside++;
        columns[0][0] = [outside, ...columns[0][0].slice(1)];
        expect(() => proveLookup({ srs, table, columns, transcript: new Transcript(DOMAIN) })).to.throw(
          /witness column 0, entry 0/,
        );
      }),
      { numRuns: 25, seed: 20261122 },
    );
  });
});
