import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import {
  arenaContext,
  ArenaError,
  arenaProofWords,
  arenaSlotNames,
  arenaShape,
  decodeArenaProof,
  encodeArenaProof,
  proveArena,
  verifyArena,
  type ArenaColumn,
  type ArenaShape,
  type ArenaTable,
  type ProveArenaResult,
} from "../../src/lookup";
import { verifyBatchOpening, proveBatchOpening } from "../../src/pcs/batch";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { slotOf } from "../../src/poly/slots";
import { Transcript } from "../../src/transcript";
import {
  arenaClaimsHold,
  batchClaims,
  batchOpens,
  columnFromRows,
  mainInstance,
  tamperedProofs,
} from "./arena-fixtures";

const DOMAIN = "arena-test";
/** H of the main instance has 2^16 + 2^10 + ... entries: 2^17. */
const SRS = insecureDevSrs(1 << 17);

/** Proves on a fresh transcript; returns the prover's transcript too (for the batch opening that follows). */
function prove(tables: ArenaTable[], columns: ArenaColumn[], extra: Partial<Parameters<typeof proveArena>[0]> = {}) {
  const transcript = new Transcript(DOMAIN);
  const result = proveArena({ srs: SRS, tables, columns, transcript, ...extra });
  return { ...result, transcript };
}

function verify(shape: ArenaShape, proof: ProveArenaResult["proof"]) {
  const transcript = new Transcript(DOMAIN);
  const claims = verifyArena({ shape, proof, transcript });
  return { claims, transcript };
}

describe("lookup arena: one LogUp for every table and column", () => {
  const { tables, columns } = mainInstance();
  const shape = arenaShape(tables, columns);
  let honest: ReturnType<typeof prove>;

  before(() => {
    honest = prove(tables, columns);
  });

  describe("completeness", () => {
    it("the verifier derives exactly the prover's claims, in the same transcript state", () => {
      const { claims, transcript } = verify(shape, honest.proof);
      expect(claims).to.deep.equal(honest.claims);
      expect(transcript.challengeScalar("next")).to.equal(honest.transcript.clone().challengeScalar("next"));
    });

    it("has N = 16 rounds, ρ restricted to each column's and table's own variables", () => {
      const { claims } = honest;
      expect(claims.point).to.have.length(16);
      expect(honest.proof!.sumcheck.rounds).to.have.length(16);
      claims.columns.forEach((c, i) => expect(c.point).to.deep.equal(claims.point.slice(0, columns[i].numVars)));
      expect(claims.columns[2].point).to.deep.equal([]); // a 0-variable column
      expect(claims.tableColumns.map((t) => [t.table, t.column, t.point.length])).to.deep.equal([
        ["pairs", 0, 5],
        ["pairs", 1, 5],
        ["single", 0, 3],
      ]);
      // one H claim per column and per table, one M claim per table
      expect(claims.openings.filter((o) => o.poly === "H")).to.have.length(columns.length + tables.length);
      expect(claims.openings.filter((o) => o.poly === "M")).to.have.length(tables.length);
    });

    it("every claim is true for the prover's tables, and the lifted points address the right slots", () => {
      expect(arenaClaimsHold(SRS, honest.claims, honest.polys!, tables, columns)).to.equal(true);
      expect(honest.polys!.M).to.have.length(2 ** 17); // 2^16 + 2^5 + 2^3 entries
      expect(honest.polys!.H).to.have.length(2 ** 17);
    });

    it("the real batch opening of [M, H] proves every opening claim", () => {
      const v = verify(shape, honest.proof);
      expect(batchOpens(SRS, honest.polys!, honest.claims, v.claims, honest.transcript.clone(), v.transcript)).to.equal(
        true,
      );
    });

    it("encodes to arenaProofWords(shape) words and decodes to the same proof", () => {
      const bytes = encodeArenaProof(honest.proof);
      expect(bytes.length).to.equal(32 * arenaProofWords(shape));
      // 4 (M, H) + 3·16 (rounds) + Σ(1 + a_i) = 2+3+2+2+3+2 = 14 + Σ(2 + e_t) = 2 + 4 + 3 = 9
      expect(arenaProofWords(shape)).to.equal(4 + 48 + 14 + 9);
      const padded = new Uint8Array(bytes.length + 40);
      padded.set(bytes, 7);
      const { proof, next } = decodeArenaProof(padded, shape, 7);
      expect(next).to.equal(7 + bytes.length);
      expect(encodeArenaProof(proof)).to.deep.equal(bytes);
      expect(verify(shape, proof).claims).to.deep.equal(honest.claims);
    });

    it("an arena of 0-variable tables and columns (N = 0, no rounds)", () => {
      const t: ArenaTable[] = [
        { id: "a", table: { numVars: 0, columns: [{ kind: "external", values: [42n] }] } },
        { id: "b", table: { numVars: 0, columns: [{ kind: "range", lo: 7n }, { kind: "external", values: [9n] }] } },
      ];
      const c: ArenaColumn[] = [
        { table: "a", numVars: 0, components: [[42n]] },
        { table: "b", numVars: 1, components: [[7n, 7n], [9n, 9n]] },
      ];
      const p = prove(t, c);
      const v = verify(arenaShape(t, c), p.proof);
      expect(v.claims).to.deep.equal(p.claims);
      expect(p.proof!.sumcheck.rounds).to.have.length(1);
      expect(arenaClaimsHold(SRS, p.claims, p.polys!, t, c)).to.equal(true);
      expect(batchOpens(SRS, p.polys!, p.claims, v.claims, p.transcript, v.transcript)).to.equal(true);
      const only = prove(t, [c[0]]);
      expect(only.proof!.sumcheck.rounds).to.have.length(0);
      expect(verify(arenaShape(t, [c[0]]), only.proof).claims).to.deep.equal(only.claims);
    });

    it("a skipped arena (no witness columns) absorbs nothing, commits nothing and claims nothing", () => {
      const transcript = new Transcript(DOMAIN);
      const before = transcript.clone().challengeScalar("probe");
      const r = proveArena({ srs: SRS, tables, columns: [], transcript });
      expect(r.proof).to.equal(null);
      expect(r.polys).to.equal(null);
      expect(r.claims).to.deep.equal({ commitments: null, point: [], columns: [], tableColumns: [], openings: [] });
      expect(transcript.clone().challengeScalar("probe")).to.equal(before);
      const empty = arenaShape(tables, []);
      expect(verify(empty, null).claims).to.deep.equal(r.claims);
      expect(arenaProofWords(empty)).to.equal(0);
      expect(encodeArenaProof(null)).to.have.length(0);
      expect(decodeArenaProof(new Uint8Array(5), empty, 2)).to.deep.equal({ proof: null, next: 2 });
      expect(() => verify(empty, honest.proof)).to.throw(ArenaError, /without witness columns/);
      expect(() => verify(shape, null)).to.throw(ArenaError, /no proof/);
    });
  });

  describe("soundness", () => {
    it("every proof word altered (scalars + 1, points + G) is rejected by the verifier", () => {
      const cases = tamperedProofs(honest.proof!);
      expect(cases).to.have.length(arenaProofWords(shape) - 2); // a point is one case, two words
      for (const { what, proof } of cases) {
        expect(() => verify(shape, proof), what).to.throw(ArenaError);
      }
    });

    it("every encoded word with a flipped bit is refused by the decoder or rejected by the verifier", () => {
      const bytes = encodeArenaProof(honest.proof);
      for (let w = 0; w < bytes.length / 32; w++) {
        const bad = bytes.slice();
        bad[32 * w + 31] ^= 1;
        expect(() => verify(shape, decodeArenaProof(bad, shape).proof), `word ${w}`).to.throw(ArenaError);
      }
    });

    it("a witness entry outside its table: refused by name, and rejected when a cheater proves it anyway", () => {
      const bad = columns.map((c, i) =>
        i === 1 ? { ...c, components: [c.components[0], c.components[1].map((v, x) => (x === 3 ? Fr.add(v, 1n) : v))] } : c,
      );
      expect(() => prove(tables, bad)).to.throw(ArenaError, /witness column 1 \("act0"\), entry 3 = .* not a row of table "pairs"/);
      // The cheater commits the honest multiplicities (the bad entry counted on its intended row).
      const m = new Map(tables.map((t, j) => [t.id, multiplicityOf(honest.polys!.M, shape, j)]));
      const cheat = prove(tables, bad, { unsafeMultiplicities: m });
      expect(() => verify(shape, cheat.proof)).to.throw(ArenaError);
    });

    it("wrong multiplicities (one count moved to another row) are rejected", () => {
      const m = new Map(tables.map((t, j) => [t.id, multiplicityOf(honest.polys!.M, shape, j)]));
      const r16 = [...m.get("range16")!];
      const from = r16.findIndex((v) => v > 0n);
      r16[from] -= 1n;
      r16[from + 1] += 1n;
      m.set("range16", r16);
      const cheat = prove(tables, columns, { unsafeMultiplicities: m });
      expect(() => verify(shape, cheat.proof)).to.throw(ArenaError);
    });

    it("an entry of one table looked up in another of the same arity is rejected (table tags separate them)", () => {
      // Column 5 (into "single") gets the value 3, a row of range16 but not of "single"; the cheater moves the
      // count from "single" to range16's row 3, so the multiset union is unchanged — only the tag differs.
      const bad = columns.map((c, i) => (i === 5 ? { ...c, components: [c.components[0].map((v, x) => (x === 0 ? 3n : v))] } : c));
      const single = tables[2].table.columns[0];
      expect(single.kind === "external" && single.values!.includes(3n)).to.equal(false);
      const m = new Map(tables.map((t, j) => [t.id, multiplicityOf(honest.polys!.M, shape, j)]));
      const row = (single as { values: readonly bigint[] }).values.indexOf(columns[5].components[0][0]);
      m.set("single", m.get("single")!.map((v, y) => (y === row ? v - 1n : v)));
      m.set("range16", m.get("range16")!.map((v, y) => (y === 3 ? v + 1n : v)));
      const cheat = prove(tables, bad, { unsafeMultiplicities: m });
      expect(() => verify(arenaShape(tables, bad), cheat.proof)).to.throw(ArenaError);
    });

    it("a proof checked against swapped tables or a column pointed at another table is rejected", () => {
      const swapped = { ...shape, tables: [shape.tables[2], shape.tables[1], shape.tables[0]] };
      expect(() => verify(swapped, honest.proof)).to.throw(ArenaError);
      const repointed = { ...shape, columns: shape.columns.map((c, i) => (i === 0 ? { ...c, table: "single" } : c)) };
      expect(() => verify(repointed, honest.proof)).to.throw(ArenaError);
      const shifted = {
        ...shape,
        tables: shape.tables.map((t, j) => (j === 0 ? { ...t, table: { ...t.table, columns: [{ kind: "range" as const, lo: 1n }] } } : t)),
      };
      expect(() => verify(shifted, honest.proof)).to.throw(ArenaError);
    });

    it("any opening claim with a changed value or point fails the real batch opening", () => {
      const v = verify(shape, honest.proof);
      const commitments = [honest.claims.commitments!.M, honest.claims.commitments!.H];
      const pt = honest.transcript.clone();
      const proof = proveBatchOpening({
        srs: SRS,
        tables: [honest.polys!.M, honest.polys!.H],
        commitments,
        claims: batchClaims(honest.claims),
        transcript: pt,
      });
      const check = (claims: ReturnType<typeof batchClaims>) =>
        verifyBatchOpening({ vk: HyperKZG.verifierKey(SRS), commitments, claims, proof, transcript: v.transcript.clone() });
      const good = batchClaims(v.claims);
      expect(check(good)).to.equal(true);
      good.forEach((c, i) => {
        const value = good.map((x, j) => (j === i ? { ...x, value: Fr.add(x.value, 1n) } : x));
        expect(check(value), `value of claim ${i}`).to.equal(false);
        const point = good.map((x, j) =>
          j === i ? { ...x, point: x.point.map((p, d) => (d === x.point.length - 1 ? Fr.sub(1n, p) : p)) } : x,
        );
        expect(check(point), `slot bit of claim ${i}`).to.equal(false);
      });
    });

    it("changed witness or table-column claims no longer hold", () => {
      const value = {
        ...honest.claims,
        columns: honest.claims.columns.map((c, i) => (i === 0 ? { ...c, values: [Fr.add(c.values[0], 1n)] } : c)),
      };
      expect(arenaClaimsHold(SRS, value, honest.polys!, tables, columns)).to.equal(false);
      const table = {
        ...honest.claims,
        tableColumns: honest.claims.tableColumns.map((c, i) => (i === 1 ? { ...c, value: Fr.add(c.value, 1n) } : c)),
      };
      expect(arenaClaimsHold(SRS, table, honest.polys!, tables, columns)).to.equal(false);
    });
  });

  describe("malformed input", () => {
    const refuse = (t: ArenaTable[], c: ArenaColumn[], pattern: RegExp) =>
      expect(() => prove(t, c)).to.throw(ArenaError, pattern);

    it("the prover names what is wrong", () => {
      refuse(tables, [{ table: "nope", numVars: 0, components: [[0n]] }], /witness column 0 refers to unknown table "nope"/);
      refuse([tables[0], tables[0]], columns.slice(0, 1), /table id "range16" appears twice/);
      refuse(tables, [{ table: "pairs", numVars: 0, components: [[0n]], label: "x" }], /\("x"\) has 1 components, table "pairs" has 2/);
      refuse(tables, [{ table: "range16", numVars: 2, components: [[0n, 1n]] }], /component 0 has 2 entries, expected 2\^2/);
      refuse(tables, [{ table: "range16", numVars: 0, components: [[Fr.MODULUS]] }], /not a canonical|canonical/);
      const noValues: ArenaTable = { id: "e", table: { numVars: 1, columns: [{ kind: "external" }] } };
      refuse([noValues], [{ table: "e", numVars: 0, components: [[0n]] }], /external but has no values/);
      const big: ArenaTable = { id: "big", table: { numVars: 25, columns: [{ kind: "range", lo: 0n }] } };
      refuse([big], [], /25 variables/);
      expect(() => columnFromRows(tables[0], 0, "s")).to.not.throw();
    });

    it("the verifier refuses proofs of the wrong shape before absorbing anything", () => {
      const p = honest.proof!;
      const fewer = { ...p, columnEvals: p.columnEvals.slice(1) };
      expect(() => verify(shape, fewer)).to.throw(ArenaError, /5 witness column evaluation groups, expected 6/);
      const arity = { ...p, columnEvals: p.columnEvals.map((e, i) => (i === 1 ? { ...e, components: [0n] } : e)) };
      expect(() => verify(shape, arity)).to.throw(ArenaError, /1 component evaluations of witness column 1, expected 2/);
      const ext = { ...p, tableEvals: p.tableEvals.map((e, j) => (j === 2 ? { ...e, external: [] } : e)) };
      expect(() => verify(shape, ext)).to.throw(ArenaError, /0 external column evaluations of table "single", expected 1/);
      const big = { ...p, tableEvals: p.tableEvals.map((e, j) => (j === 0 ? { ...e, helper: Fr.MODULUS } : e)) };
      expect(() => verify(shape, big)).to.throw(ArenaError, /g\(ρ\) of table "range16" is not a canonical/);
      const rounds = { ...p, sumcheck: { rounds: p.sumcheck.rounds.slice(1) } };
      expect(() => verify(shape, rounds)).to.throw(ArenaError, /15 rounds, expected 16/);
      const off = { ...p, helpers: G1.BASE.multiply(2n) };
      expect(() => verify(shape, off)).to.throw(ArenaError); // valid point, wrong commitment: final check fails
    });

    it("the decoder names the offending byte", () => {
      const bytes = encodeArenaProof(honest.proof);
      expect(() => decodeArenaProof(bytes.slice(0, 100), shape)).to.throw(ArenaError, /truncated at byte 64 while reading arena H/);
      const high = bytes.slice();
      high.fill(0xff, 128, 160);
      expect(() => decodeArenaProof(high, shape)).to.throw(ArenaError, /non-canonical scalar at byte 128 \(arena zero-check round 0 coefficient 0\)/);
      const offCurve = bytes.slice();
      offCurve[63] ^= 1;
      expect(() => decodeArenaProof(offCurve, shape)).to.throw(ArenaError, /point off the curve at byte 0 \(arena M\)/);
    });
  });
});

/** Table j's multiplicities read back from the slotted M. */
function multiplicityOf(M: readonly bigint[], shape: ArenaShape, j: number): bigint[] {
  const slot = slotOf(arenaContext(shape).mLayout, arenaSlotNames.multiplicity(shape.tables[j].id));
  return M.slice(slot.offset, slot.offset + 2 ** slot.numVars);
}
