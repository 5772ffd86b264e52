/**
 * The arena's gathered helpers (session 9): a witness column whose entries are rows y(x) of its table has
 * F(x) = G[y(x)] and h(x) = 1/G[y(x)], so the packed prover gathers them from the table's vectors (native
 * `arenaGather`, `arenaInverse`) instead of inverting every entry. Kernels against their bigint definitions in both
 * arithmetic copies (edge values 0, 1, r − 1; sizes 1, odd, both threads), and `proveArenaPacked` = `proveArena`
 * word for word on the shapes the gather path must handle: tables without a range column (rows found by value, a
 * tuple in two rows), non-zero and negative range starts, grouped helpers mixing tables, dishonest columns (no rows);
 * and `packFrWords` (src/lookup/arena-words.ts) against `frFromBigints`.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { encodeArenaProof, type ArenaColumn, type ArenaTable } from "../../src/lookup";
import { loadArenaKernels, type NativeArenaKernels } from "../../src/lookup/arena-native";
import { proveArena, proveArenaPacked } from "../../src/lookup/arena-prover";
import { packFrWords } from "../../src/lookup/arena-words";
import { tableBigints } from "../../src/pcs/packed-table";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";
import { columnFromRows, externalColumn } from "./arena-fixtures";

const kernels = loadArenaKernels();
const words = (k: NativeArenaKernels, v: readonly bigint[]) => k.frFromBigints(v, v.length);
const EDGE = [0n, 1n, Fr.MODULUS - 1n, 2n];

/** n pseudo-random field elements by x ↦ x² + 7 from a keccak seed (2^15 of them reach both threads). */
function quickFrs(n: number, seed: string): bigint[] {
  let x = randomFrs(1, seed)[0];
  return Array.from({ length: n }, () => (x = Fr.add(Fr.mul(x, x), 7n)));
}

/** Runs `body` under each arithmetic copy this CPU has, then restores the automatic choice. */
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

describe("lookup arena: gathered helpers", function () {
  before(function () {
    if (!kernels?.arenaGather || !kernels.arenaInverse) this.skip(); // native backend off, or an addon predating them
  });

  it("arenaGather: out[offset + x] = table[rows[x]], or += it (mod r); new vectors; bad rows and overlaps refused", () => {
    eachCopy((k) => {
      const gather = k.arenaGather!.bind(k);
      for (const n of [1, 3, 7, 1 << 15]) {
        const table = [...EDGE, ...quickFrs(13, `gt${n}`)];
        const rows = Uint32Array.from({ length: n }, (_, x) => (x * 7 + 3) % table.length);
        const want = Array.from(rows, (y) => table[y]);
        expect(k.frToBigints(gather(words(k, table), rows, null, 0, false, 2))).to.deep.equal(want);
        const base = [...EDGE, ...quickFrs(n + 1, `gb${n}`)];
        const out = words(k, base);
        gather(words(k, table), rows, out, 2, true, 2);
        const got = k.frToBigints(out);
        expect(got.slice(0, 2)).to.deep.equal(base.slice(0, 2));
        expect(got.slice(2, 2 + n)).to.deep.equal(want.map((v, x) => Fr.add(base[2 + x], v)));
        expect(got.slice(2 + n)).to.deep.equal(base.slice(2 + n));
        gather(words(k, table), rows, out, 1, false, 1);
        expect(k.frToBigints(out).slice(1, 1 + n)).to.deep.equal(want);
      }
      const t = words(k, [5n, 6n]);
      expect(() => gather(t, Uint32Array.of(0, 2), null, 0, false, 1)).to.throw(RangeError, "rows: entry 1 is past the table");
      expect(() => gather(t, Uint32Array.of(0, 1), new Uint8Array(32 * 2), 1, false, 1)).to.throw(RangeError, "offset plus rows");
      expect(() => gather(t, Uint32Array.of(0), null, 1, false, 1)).to.throw(RangeError, "a new output");
      expect(() => gather(t, Uint32Array.of(0), t, 1, false, 1)).to.throw(RangeError, "overlaps");
      expect(() => gather(t, Uint8Array.of(0) as unknown as Uint32Array, null, 0, false, 1)).to.throw(TypeError, "Uint32Array");
    });
  });

  it("arenaInverse: 1/a[x] for every word (edge values, sizes 1, odd and both threads); a zero refused by index", () => {
    eachCopy((k) => {
      for (const v of [[1n], [Fr.MODULUS - 1n, 2n, 3n], quickFrs((1 << 15) + 1, "inv")]) {
        expect(k.frToBigints(k.arenaInverse!(words(k, v), 2))).to.deep.equal(Fr.batchInvert(v));
      }
      expect(() => k.arenaInverse!(words(k, [3n, 0n]), 1)).to.throw(RangeError, "shifted entry 1 is zero");
    });
  });

  it("packFrWords = frFromBigints: small values (the JavaScript path), 2^64 − 1 / 2^64, r − 1, padding; bad input refused", () => {
    const k = kernels!;
    const big = (1n << 64n) - 1n;
    for (const v of [[], [0n], [1n, 2n, big], [0n, 1n << 64n, 5n], [Fr.MODULUS - 1n], quickFrs(33, "pw")]) {
      for (const size of [v.length, v.length + 3]) {
        expect(Buffer.from(packFrWords(k, v, size)).equals(Buffer.from(k.frFromBigints(v, size)))).to.equal(true);
      }
    }
    expect(() => packFrWords(k, [1n, Fr.MODULUS], 2)).to.throw(RangeError);
    expect(() => packFrWords(k, [1n, -1n], 2)).to.throw(RangeError);
    expect(() => packFrWords(k, [1n, 2n], 1)).to.throw(RangeError);
  });

  /** Both provers on the same inputs: the same proof, H, M, claims and transcript state. */
  function samePacked(tables: ArenaTable[], columns: ArenaColumn[], helperGroup?: number, unsafe?: ReadonlyMap<string, readonly bigint[]>) {
    const srs = insecureDevSrs(1 << 12);
    const extra = { ...(unsafe ? { unsafeMultiplicities: unsafe } : {}), ...(helperGroup ? { helperGroup } : {}) };
    const ta = new Transcript("arena");
    const tb = new Transcript("arena");
    const a = proveArena({ srs, tables, columns, transcript: ta, ...extra });
    const b = proveArenaPacked({ srs, tables, columns, transcript: tb, ...extra });
    expect(Buffer.from(encodeArenaProof(b.proof)).equals(Buffer.from(encodeArenaProof(a.proof)))).to.equal(true);
    expect(tableBigints(b.polys!.H as Uint8Array)).to.deep.equal(a.polys!.H);
    expect(b.polys!.M).to.deep.equal(a.polys!.M);
    expect(b.claims).to.deep.equal(a.claims);
    expect(tb.stateHex).to.equal(ta.stateHex);
  }

  it("proveArenaPacked = proveArena: tables found by value (a tuple in two rows), range starts 0, 5 and −3, grouped helpers", () => {
    const pairs: ArenaTable = { id: "pairs", table: { numVars: 3, columns: [externalColumn(3, "p0"), externalColumn(3, "p1")] } };
    const dup = pairs.table.columns.map((c) => [...(c as { values: readonly bigint[] }).values]);
    dup[0][5] = dup[0][2]; // row 5 repeats row 2's tuple: an entry equal to it is row 2's
    dup[1][5] = dup[1][2];
    const twice: ArenaTable = { id: "twice", table: { numVars: 3, columns: dup.map((values) => ({ kind: "external", values })) } };
    const shifted: ArenaTable = { id: "shifted", table: { numVars: 4, columns: [{ kind: "range", lo: 5n }] } };
    const negative: ArenaTable = { id: "neg", table: { numVars: 2, columns: [{ kind: "range", lo: Fr.reduce(-3n) }, externalColumn(2, "n1")] } };
    const tables = [pairs, twice, shifted, negative];
    const columns = [
      columnFromRows(twice, 3, "c0"),
      columnFromRows(shifted, 3, "c1"),
      columnFromRows(pairs, 3, "c2"),
      columnFromRows(negative, 3, "c3"),
      columnFromRows(shifted, 0, "c4"),
      columnFromRows(twice, 3, "c5"),
    ];
    samePacked(tables, columns);
    samePacked(tables, columns, 3);
  });

  it("proveArenaPacked = proveArena: a dishonest column (no rows) next to honest ones in one helper group", () => {
    const r: ArenaTable = { id: "r", table: { numVars: 3, columns: [{ kind: "range", lo: 0n }] } };
    const honest = columnFromRows(r, 2, "h0");
    const cheat = new Map([["r", [1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]]]);
    const bad: ArenaColumn = { table: "r", numVars: 2, components: [[1n, 2n, 3n, 9n]] };
    samePacked([r], [honest, bad, columnFromRows(r, 2, "h1")], 2, cheat);
    samePacked([r], [bad, honest], 2, cheat);
  });
});
