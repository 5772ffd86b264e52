/**
 * Grouped helper columns (docs/lookup.md, "Grouped helper columns"): up to g witness columns of one size share a
 * helper h = Σ_j 1/F_j. Completeness for g = 2 and 3 on columns of several sizes (odd counts per size class,
 * tables of arity 1, 2 and 3), the packed prover against the bigint one word for word, the native grouped round
 * kernel against its definition, and soundness: every word tampered (each round word of the higher degree, each
 * group's h(ρ)), an entry outside its table whose group partner is valid, a changed grouping field.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import {
  arenaContext,
  ArenaError,
  arenaProofWords,
  arenaShape,
  arenaVerifierShape,
  decodeArenaProof,
  encodeArenaProof,
  proveArena,
  verifyArena,
  type ArenaColumn,
  type ArenaShape,
  type ArenaTable,
} from "../../src/lookup";
import { loadArenaKernels, type NativeArenaKernels } from "../../src/lookup/arena-native";
import { proveArenaPacked } from "../../src/lookup/arena-prover";
import { tableBigints } from "../../src/pcs/packed-table";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";
import { arenaClaimsHold, batchOpens, columnFromRows, externalColumn, tamperedProofs } from "./arena-fixtures";

const DOMAIN = "arena-grouped";
const SRS = insecureDevSrs(1 << 12);
/** The native kernels when they include the grouped round kernel (an older addon has not: those tests skip). */
const kernels = loadArenaKernels()?.arenaGroupSums ? loadArenaKernels() : undefined;

/**
 * Three tables (a 2^8 range, an arity-2 table with a negative range input, an arity-3 external table) and 9
 * columns: five of 2^6 entries (into all three tables), three of 2^3, one of 2^0 — odd counts in two size classes.
 */
function instance(): { tables: ArenaTable[]; columns: ArenaColumn[] } {
  const range: ArenaTable = { id: "range8", table: { numVars: 8, columns: [{ kind: "range", lo: 0n }] } };
  const act: ArenaTable = {
    id: "act",
    table: { numVars: 4, columns: [{ kind: "range", lo: Fr.fromSigned(-8) }, externalColumn(4, "act-y")] },
  };
  const triple: ArenaTable = {
    id: "triple",
    table: { numVars: 3, columns: [externalColumn(3, "t0"), externalColumn(3, "t1"), externalColumn(3, "t2")] },
  };
  const tables = [range, act, triple];
  const columns = [
    columnFromRows(range, 6, "g0", "r0"),
    columnFromRows(act, 6, "g1", "a0"),
    columnFromRows(range, 3, "g2"),
    columnFromRows(triple, 6, "g3", "t0"),
    columnFromRows(range, 6, "g4"),
    columnFromRows(act, 3, "g5"),
    columnFromRows(triple, 0, "g6"),
    columnFromRows(range, 6, "g7"),
    columnFromRows(triple, 3, "g8"),
  ];
  return { tables, columns };
}

function prove(tables: ArenaTable[], columns: ArenaColumn[], helperGroup: number, extra: Partial<Parameters<typeof proveArena>[0]> = {}) {
  const transcript = new Transcript(DOMAIN);
  return { ...proveArena({ srs: SRS, tables, columns, transcript, helperGroup, ...extra }), transcript };
}

function verify(shape: ArenaShape, proof: ReturnType<typeof prove>["proof"]) {
  const transcript = new Transcript(DOMAIN);
  return { claims: verifyArena({ shape, proof, transcript }), transcript };
}

describe("lookup arena: grouped helper columns", () => {
  const { tables, columns } = instance();

  for (const g of [2, 3]) {
    describe(`g = ${g}`, () => {
      const shape = arenaShape(tables, columns, g);
      let honest: ReturnType<typeof prove>;
      before(() => {
        honest = prove(tables, columns, g);
      });

      it("groups consecutive columns of one size only, and the degree is the largest group + 2", () => {
        const ctx = arenaContext(shape);
        const want = g === 2 ? [[0, 1], [2, 5], [3, 4], [6], [7], [8]] : [[0, 1, 3], [2, 5, 8], [4, 7], [6]];
        expect(ctx.helperGroups).to.deep.equal(want);
        for (const members of ctx.helperGroups) expect(new Set(members.map((i) => columns[i].numVars)).size).to.equal(1);
        expect(ctx.degree).to.equal(g + 2);
        expect(honest.proof!.sumcheck.rounds.every((r) => r.length === g + 2)).to.equal(true);
      });

      it("verifies to the prover's claims; every claim holds and the real batch opening proves them", () => {
        const v = verify(shape, honest.proof);
        expect(v.claims).to.deep.equal(honest.claims);
        expect(arenaClaimsHold(SRS, honest.claims, honest.polys!, tables, columns)).to.equal(true);
        expect(batchOpens(SRS, honest.polys!, honest.claims, v.claims, honest.transcript.clone(), v.transcript)).to.equal(true);
        // one H claim per helper group (not per column), plus g_t per table
        expect(honest.claims.openings.filter((o) => o.poly === "H")).to.have.length(arenaContext(shape).helperGroups.length + tables.length);
      });

      it("H has one slot per helper group; its entries sum to zero (LogUp's identity, unchanged by grouping)", () => {
        const ctx = arenaContext(shape);
        const plain = arenaContext(arenaShape(tables, columns));
        const helperSlots = (c: typeof ctx) => c.hLayout.slots.filter((s) => s.name.startsWith("h:"));
        expect(helperSlots(ctx).map((s) => s.name).sort()).to.deep.equal(ctx.helperGroups.map((m) => `h:${m[0]}`).sort());
        const entries = (c: typeof ctx) => helperSlots(c).reduce((acc, s) => acc + 2 ** s.numVars, 0);
        expect(entries(ctx)).to.equal(ctx.helperGroups.reduce((acc, m) => acc + 2 ** columns[m[0]].numVars, 0));
        expect(entries(ctx)).to.be.below(entries(plain));
        // Σ_G S_G + Σ_t S_{g,t} = 0, and H is zero outside its slots.
        expect(honest.polys!.H.reduce(Fr.add, 0n)).to.equal(0n);
      });

      it("encodes to arenaProofWords(shape) words (one h(ρ) per group, D words per round) and decodes to the same proof", () => {
        const bytes = encodeArenaProof(honest.proof);
        const ctx = arenaContext(shape);
        const arity = columns.reduce((acc, c) => acc + c.components.length, 0);
        expect(arenaProofWords(shape)).to.equal(4 + (g + 2) * ctx.numVars + ctx.helperGroups.length + arity + 2 * 3 + 1 + 3);
        expect(bytes.length).to.equal(32 * arenaProofWords(shape));
        const { proof, next } = decodeArenaProof(bytes, shape);
        expect(next).to.equal(bytes.length);
        expect(verify(shape, proof).claims).to.deep.equal(honest.claims);
      });

      it("every proof word altered is rejected (each round word of the higher degree, each group's h(ρ))", () => {
        const cases = tamperedProofs(honest.proof!);
        expect(cases).to.have.length(arenaProofWords(shape) - 2);
        for (const { what, proof } of cases) expect(() => verify(shape, proof), what).to.throw(ArenaError);
        const bytes = encodeArenaProof(honest.proof);
        for (let w = 0; w < bytes.length / 32; w++) {
          const bad = bytes.slice();
          bad[32 * w + 31] ^= 1;
          expect(() => verify(shape, decodeArenaProof(bad, shape).proof), `word ${w}`).to.throw(ArenaError);
        }
      });

      it("an entry outside its table is rejected even when its group partner is valid", () => {
        // Column 0's partner (column 1, valid) shares its helper; column 0's entry 5 is moved off the range table.
        const bad = columns.map((c, i) => (i === 0 ? { ...c, components: [c.components[0].map((v, x) => (x === 5 ? Fr.reduce(-1n) : v))] } : c));
        expect(() => prove(tables, bad, g)).to.throw(ArenaError, /witness column 0 \("r0"\), entry 5 .* not a row of table "range8"/);
        const cheat = prove(tables, bad, g, { unsafeMultiplicities: new Map() });
        expect(() => verify(shape, cheat.proof)).to.throw(ArenaError);
      });

      it("a changed grouping field is rejected (another group size, or none)", () => {
        for (const other of [1, g === 2 ? 3 : 2, 4]) {
          const s = arenaShape(tables, columns, other);
          expect(() => verify(s, honest.proof), `helperGroup ${other}`).to.throw(ArenaError);
          expect(() => verify(s, decodeArenaProof(encodeArenaProof(honest.proof), s).proof), `decoded as ${other}`).to.throw(ArenaError);
        }
      });

      it("an h(ρ) on a column that does not lead its group, or none on one that does, is refused", () => {
        const p = honest.proof!;
        const extra = { ...p, columnEvals: p.columnEvals.map((e, i) => (i === 1 ? { ...e, helper: 0n } : e)) };
        expect(() => verify(shape, extra)).to.throw(ArenaError, /witness column 1, which shares the helper of column 0/);
        const missing = { ...p, columnEvals: p.columnEvals.map((e, i) => (i === 0 ? { components: e.components } : e)) };
        expect(() => verify(shape, missing)).to.throw(ArenaError, /no h\(ρ\) for witness column 0/);
      });

      it("proveArenaPacked = proveArena word for word (native kernels)", function () {
        if (!kernels) this.skip();
        const ta = new Transcript(DOMAIN);
        const packed = proveArenaPacked({ srs: SRS, tables, columns, transcript: ta, helperGroup: g });
        expect(Buffer.from(encodeArenaProof(packed.proof)).equals(Buffer.from(encodeArenaProof(honest.proof)))).to.equal(true);
        expect(tableBigints(packed.polys!.H)).to.deep.equal(honest.polys!.H);
        expect(packed.claims).to.deep.equal(honest.claims);
        expect(ta.stateHex).to.equal(honest.transcript.stateHex);
      });
    });
  }

  it("a group size outside [1, 8] is refused; g = 1 is the ungrouped arena, byte for byte", () => {
    for (const bad of [0, 9, 1.5]) expect(() => arenaContext(arenaShape(tables, columns, bad))).to.throw(ArenaError, /helperGroup/);
    const plain = prove(tables, columns, 1);
    const transcript = new Transcript(DOMAIN);
    const none = proveArena({ srs: SRS, tables, columns, transcript });
    expect(encodeArenaProof(plain.proof)).to.deep.equal(encodeArenaProof(none.proof));
    expect(transcript.stateHex).to.equal(plain.transcript.stateHex);
  });

  it("the Solidity verifier's shape refuses a grouped plan, naming why", () => {
    expect(() => arenaVerifierShape(arenaShape(tables, columns, 2))).to.throw(ArenaError, /helperGroup.*LookupArena\.sol/);
    expect(() => arenaVerifierShape(arenaShape(tables, columns, 1))).to.not.throw();
  });

  describe("native kernels", () => {
    before(function () {
      if (!kernels) this.skip();
    });

    /** Runs body under each arithmetic copy this CPU has, then restores the automatic choice. */
    function eachCopy(body: (k: NativeArenaKernels) => void): void {
      const k = kernels!;
      try {
        for (const name of k.adxSupported() ? (["portable", "adx"] as const) : (["portable"] as const)) {
          k.arithmetic(name);
          body(k);
        }
      } finally {
        k.arithmetic("auto");
      }
    }

    it("arenaGroupSums equals its definition (groups of 2, 3 and 4 columns, every evaluation point)", () => {
      eachCopy((k) => {
        const len = 1 << 12;
        const sizes = [2, 4, 3];
        const hs = sizes.map((_, G) => randomFrs(len, `gh${G}`));
        const fs = sizes.flatMap((s, G) => Array.from({ length: s }, (_, j) => randomFrs(len, `gf${G}/${j}`)));
        const coeffs = randomFrs(sizes.length, "gc");
        const w = randomFrs(len / 2, "gw");
        const points = 6;
        const at = (t: readonly bigint[], i: number, x: bigint) => Fr.add(t[2 * i], Fr.mul(x, Fr.sub(t[2 * i + 1], t[2 * i])));
        const want = new Array<bigint>(points).fill(0n);
        for (let i = 0; i < len / 2; i++) {
          for (let x = 0; x < points; x++) {
            const X = BigInt(x);
            let inner = 0n;
            let offset = 0;
            sizes.forEach((s, G) => {
              const F = fs.slice(offset, offset + s).map((t) => at(t, i, X));
              offset += s;
              const all = F.reduce(Fr.mul, at(hs[G], i, X));
              const others = F.reduce((acc, _, j) => Fr.add(acc, F.reduce((p, f, l) => (l === j ? p : Fr.mul(p, f)), 1n)), 0n);
              inner = Fr.add(inner, Fr.mul(coeffs[G], Fr.sub(all, others)));
            });
            want[x] = Fr.add(want[x], Fr.mul(w[i], inner));
          }
        }
        const words = (v: readonly bigint[]) => k.frFromBigints(v, v.length);
        const got = k.arenaGroupSums!(hs.map(words), fs.map(words), sizes, coeffs, words(w), len, points, 2);
        expect(k.frToBigints(got)).to.deep.equal(want);
        expect(() => k.arenaGroupSums!(hs.map(words), fs.map(words), sizes, coeffs, words(w), len, 5, 1)).to.throw(RangeError, /sizes/);
        expect(() => k.arenaGroupSums!(hs.map(words), fs.slice(1).map(words), sizes, coeffs, words(w), len, points, 1)).to.throw(RangeError, /fs/);
      });
    });

    it("arenaHelperColumn with accumulate adds the inverses to the slot's words", () => {
      eachCopy((k) => {
        const H = new Uint8Array(32 * 4);
        k.arenaHelperColumn([[1n, 2n, 3n]], [1n], 10n, null, H, 1, 1);
        k.arenaHelperColumn([[4n, 5n, 6n]], [1n], 10n, null, H, 1, 1, true);
        const want = [9n, 8n, 7n].map((v, x) => Fr.add(Fr.inv(v), Fr.inv([6n, 5n, 4n][x])));
        expect(k.frToBigints(H)).to.deep.equal([0n, ...want]);
      });
    });
  });
});
