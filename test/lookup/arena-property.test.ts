import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import {
  ArenaError,
  arenaShape,
  decodeArenaProof,
  encodeArenaProof,
  proveArena,
  verifyArena,
  type ArenaColumn,
  type ArenaTable,
} from "../../src/lookup";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { arenaClaimsHold } from "./arena-fixtures";

/**
 * Random arenas (1–3 tables of 0–4 variables, arity 1–3, range or external columns; 1–4 witness columns of 0–5
 * variables drawn from their tables' rows): the verifier's claims equal the prover's and all hold; one altered
 * stream word is rejected or yields a false claim; one entry moved off its table makes the prover refuse.
 */
describe("lookup arena: random instances (property)", () => {
  const srs = insecureDevSrs(512);
  const DOMAIN = "arena-property";

  interface Params {
    tables: { numVars: number; kinds: boolean[]; lo: number; seed: number }[];
    columns: { table: number; numVars: number; rows: number[] }[];
    tamper: number;
  }
  const params: fc.Arbitrary<Params> = fc
    .array(
      fc.record({
        numVars: fc.integer({ min: 0, max: 4 }),
        kinds: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
        lo: fc.integer({ min: -20, max: 20 }),
        seed: fc.integer({ min: 0, max: 1 << 30 }),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .chain((tables) =>
      fc.record({
        tables: fc.constant(tables),
        columns: fc.array(
          fc.record({
            table: fc.integer({ min: 0, max: tables.length - 1 }),
            numVars: fc.integer({ min: 0, max: 5 }),
            rows: fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        tamper: fc.nat(),
      }),
    );

  function build(p: Params): { tables: ArenaTable[]; columns: ArenaColumn[] } {
    const tables: ArenaTable[] = p.tables.map((t, j) => ({
      id: `t${j}`,
      table: {
        numVars: t.numVars,
        columns: t.kinds.map((range, c) =>
          range
            ? { kind: "range" as const, lo: Fr.fromSigned(t.lo + c) }
            : {
                kind: "external" as const,
                // Small values: tables overlap, so the table tag is what separates them.
                values: Array.from({ length: 2 ** t.numVars }, (_, y) => Fr.fromSigned(((t.seed + 7 * y + c) % 11) - 5)),
              },
        ),
      },
    }));
    const columns: ArenaColumn[] = p.columns.map((c) => {
      const t = tables[c.table].table;
      const rows = Array.from({ length: 2 ** c.numVars }, (_, x) => c.rows[x] % 2 ** t.numVars);
      return {
        table: `t${c.table}`,
        numVars: c.numVars,
        components: t.columns.map((col) =>
          rows.map((y) => (col.kind === "range" ? Fr.reduce(col.lo + BigInt(y)) : col.values![y])),
        ),
      };
    });
    return { tables, columns };
  }

  it("honest arenas verify to the prover's claims, which hold; an altered word is rejected or its claim is false", () => {
    fc.assert(
      fc.property(params, (p) => {
        const { tables, columns } = build(p);
        const shape = arenaShape(tables, columns);
        const proved = proveArena({ srs, tables, columns, transcript: new Transcript(DOMAIN) });
        const claims = verifyArena({ shape, proof: proved.proof, transcript: new Transcript(DOMAIN) });
        expect(claims).to.deep.equal(proved.claims);
        expect(arenaClaimsHold(srs, claims, proved.polys!, tables, columns)).to.equal(true);
        const bytes = encodeArenaProof(proved.proof);
        const w = p.tamper % (bytes.length / 32);
        const bad = bytes.slice();
        bad[32 * w + 31] ^= 2;
        // Rejected by the decoder or the verifier — or, for an external column of a table no column uses (its
        // g_t is 0, so the value does not enter the zero-check), accepted with a claim that does not hold.
        let accepted;
        try {
          accepted = verifyArena({ shape, proof: decodeArenaProof(bad, shape).proof, transcript: new Transcript(DOMAIN) });
        } catch (e) {
          if (!(e instanceof ArenaError)) throw e;
        }
        if (accepted) expect(arenaClaimsHold(srs, accepted, proved.polys!, tables, columns), `word ${w}`).to.equal(false);
      }),
      { numRuns: 25 },
    );
  });

  it("an entry that is no row of its table is refused by the prover", () => {
    fc.assert(
      fc.property(params, (p) => {
        const { tables, columns } = build(p);
        const i = p.tamper % columns.length;
        const t = tables.find((x) => x.id === columns[i].table)!.table;
        // A component value no row has: beyond every range bound and every external value (|v| <= 5).
        const off = Fr.fromSigned(1000 + 2 ** t.numVars);
        const bad = columns.map((c, j) =>
          j === i ? { ...c, components: c.components.map((comp, k) => (k === 0 ? [off, ...comp.slice(1)] : comp)) } : c,
        );
        expect(() => proveArena({ srs, tables, columns: bad, transcript: new Transcript(DOMAIN) })).to.throw(
          ArenaError,
          new RegExp(`witness column ${i}, entry 0 = .* is not a row of table "${columns[i].table}"`),
        );
      }),
      { numRuns: 25 },
    );
  });
});
