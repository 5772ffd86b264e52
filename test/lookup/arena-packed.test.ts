/**
 * The arena's packed prover (src/lookup/arena-packed*.ts, native/src/arena.cc): each native kernel against its
 * bigint reference in both arithmetic copies (portable and, where the CPU has it, adx), the packed zero-check
 * against `proveSizedSumcheck`, and `proveArenaPacked` against `proveArena` — the same proof word for word.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import { encodeArenaProof, HALF, verifyArena, type ArenaColumn, type ArenaTable } from "../../src/lookup";
import { loadArenaKernels, type NativeArenaKernels } from "../../src/lookup/arena-native";
import { provePackedZeroCheck, type PackedZeroCheckGroup } from "../../src/lookup/arena-packed-sumcheck";
import { arenaShape, proveArena, proveArenaPacked } from "../../src/lookup/arena-prover";
import { proveSizedSumcheck, type SizedGroup } from "../../src/lookup/arena-sumcheck";
import { tableBigints } from "../../src/pcs/packed-table";
import { insecureDevSrs } from "../../src/pcs/srs";
import { bindFirstVariable, eqTable } from "../../src/poly/mle";
import type { ProductTerm } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";
import { columnFromRows, externalColumn, mainInstance } from "./arena-fixtures";

const kernels = loadArenaKernels();
const words = (k: NativeArenaKernels, v: readonly bigint[]) => k.frFromBigints(v, v.length);
/**
 * n pseudo-random field elements from a seed element by x ↦ x² + 7 (fast; the kernels' tests need 2^15 of them to
 * reach both threads, which keccak per element makes slow).
 */
function quickFrs(n: number, seed: string): bigint[] {
  let x = randomFrs(1, seed)[0];
  return Array.from({ length: n }, () => (x = Fr.add(Fr.mul(x, x), 7n)));
}

/** The arithmetic copies this CPU runs. */
const copies = (k: NativeArenaKernels) => (k.adxSupported() ? (["portable", "adx"] as const) : (["portable"] as const));

/** Runs `body` under each arithmetic copy, then restores the automatic choice. */
function eachCopy(body: (k: NativeArenaKernels) => void): void {
  const k = kernels!;
  try {
    for (const name of copies(k)) {
      k.arithmetic(name);
      body(k);
    }
  } finally {
    k.arithmetic("auto");
  }
}

describe("lookup arena: packed prover (native kernels)", function () {
  before(function () {
    if (!kernels) this.skip(); // the native backend is not selected or the addon predates the arena kernels
  });

  it("arenaHelperColumn: F = α − Σ β^c f_c and scale/F written at the slot, zeros elsewhere; a zero F refused by index", () => {
    eachCopy((k) => {
      const n = 1 << 15; // over one thread's minimum, so both threads run
      const comps = [quickFrs(n, "hc0"), quickFrs(n, "hc1")];
      const betas = [1n, quickFrs(1, "hb")[0]];
      const alpha = quickFrs(1, "ha")[0];
      const scales = quickFrs(n, "hs");
      const H = new Uint8Array(32 * (n + 3));
      const [F, c1] = k.arenaHelperColumn(comps, betas, alpha, scales, H, 2, 2);
      const wantF = comps[0].map((v, x) => Fr.sub(alpha, Fr.add(v, Fr.mul(betas[1], comps[1][x]))));
      expect(k.frToBigints(F)).to.deep.equal(wantF);
      expect(k.frToBigints(c1)).to.deep.equal(comps[1]);
      const h = k.frToBigints(H);
      expect([h[0], h[1], h[n + 2]]).to.deep.equal([0n, 0n, 0n]);
      expect(h.slice(2, n + 2)).to.deep.equal(Fr.batchInvert(wantF).map((v, x) => Fr.mul(v, scales[x])));
      const plain = new Uint8Array(32 * 4);
      k.arenaHelperColumn([[1n, 2n, 3n, 4n]], [1n], 10n, null, plain, 0, 1);
      expect(k.frToBigints(plain)).to.deep.equal([9n, 8n, 7n, 6n].map(Fr.inv));
      expect(() => k.arenaHelperColumn([[1n, 10n]], [1n], 10n, null, plain, 0, 1)).to.throw(RangeError, "shifted entry 1 is zero");
      expect(() => k.arenaHelperColumn([[1n, Fr.MODULUS]], [1n], 10n, null, plain, 0, 1)).to.throw(RangeError, "component 0 entry 1 is not a canonical");
      expect(() => k.arenaHelperColumn([[1n, 2n]], [1n], 10n, null, plain, 3, 1)).to.throw(RangeError, "offset plus column length");
    });
  });

  it("arenaScale, arenaBind and arenaRoundSums equal their bigint definitions", () => {
    eachCopy((k) => {
      const len = 1 << 15;
      const a = quickFrs(len, "ra");
      const b = quickFrs(len, "rb");
      const m = quickFrs(len, "rm");
      const u = quickFrs(len, "ru");
      const w = quickFrs(len / 2, "rw");
      const d = quickFrs(1, "rd")[0];
      const c = quickFrs(1, "rc")[0];
      const scaled = words(k, b);
      k.arenaScale([scaled], [c], 2);
      expect(k.frToBigints(scaled)).to.deep.equal(b.map((v) => Fr.mul(v, c)));

      const r = quickFrs(1, "rr")[0];
      const [bound] = k.arenaBind([words(k, a)], len, r, 2, false);
      expect(k.frToBigints(bound)).to.deep.equal(bindFirstVariable(a, r));
      // In place, over several tables split among the threads: the first len/2 words of each are bound.
      const tables = [words(k, a), words(k, b), words(k, m)];
      const same = k.arenaBind(tables, len, r, 2, true);
      expect(same).to.equal(tables);
      [a, b, m].forEach((t, i) => expect(k.frToBigints(tables[i].subarray(0, 16 * len))).to.deep.equal(bindFirstVariable(t, r)));

      const at = (t: readonly bigint[], i: number, x: bigint) => Fr.add(t[2 * i], Fr.mul(x, Fr.sub(t[2 * i + 1], t[2 * i])));
      const want = [0n, 0n, 0n, 0n, 0n];
      for (let i = 0; i < len / 2; i++) {
        for (let x = 0; x < 3; x++) {
          const X = BigInt(x);
          const inner = Fr.add(Fr.mul(at(a, i, X), at(b, i, X)), Fr.mul(d, at(m, i, X)));
          want[x] = Fr.add(want[x], Fr.mul(w[i], inner));
          if (x < 2) want[3 + x] = Fr.add(want[3 + x], at(u, i, X));
        }
      }
      const sums = k.arenaRoundSums([words(k, a)], [words(k, b)], [words(k, m)], [d], [words(k, u)], words(k, w), len, 2);
      expect(k.frToBigints(sums)).to.deep.equal(want);
      // Only the first len words are read: the same sums over a table twice as long.
      const long = words(k, [...a, ...quickFrs(len, "rx")]);
      const again = k.arenaRoundSums([long], [words(k, b)], [words(k, m)], [d], [words(k, u)], words(k, w), len, 1);
      expect(k.frToBigints(again)).to.deep.equal(want);
      expect(() => k.arenaRoundSums([words(k, a)], [], [], [], [], words(k, w), len, 1)).to.throw(RangeError, "same number");
      expect(() => k.arenaBind([words(k, a)], 2 * len, r, 1, false)).to.throw(RangeError, "expected at least");
      expect(() => k.arenaBind([words(k, a)], 3, r, 1, true)).to.throw(RangeError, "even");
    });
  });

  it("the packed zero-check is proveSizedSumcheck's proof on the same groups (random sizes 0..4, N = 0..5)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ n: fc.nat(), pairs: fc.integer({ min: 0, max: 2 }), singles: fc.integer({ min: 0, max: 2 }), halves: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (N, spec, seed) => {
          const k = kernels!;
          const tau = randomFrs(N, `tau${seed}`);
          const half = new Array<bigint>(N).fill(HALF);
          const sized: SizedGroup[] = [];
          const packed: PackedZeroCheckGroup[] = [];
          spec.forEach((g, gi) => {
            const n = g.n % (N + 1);
            const count = 2 * g.pairs + g.singles + 1; // the last table is passive
            const tables = Array.from({ length: count }, (_, t) => randomFrs(2 ** n, `t${seed}/${gi}/${t}`));
            const pairs = Array.from({ length: g.pairs }, (_, p) => [2 * p, 2 * p + 1] as const);
            const singles = Array.from({ length: g.singles }, (_, s) => ({ table: 2 * g.pairs + s, coeff: randomFrs(1, `d${seed}/${gi}/${s}`)[0] }));
            const halves = g.halves ? pairs.map(([a]) => a) : [];
            const halfCoeff = randomFrs(1, `h${seed}/${gi}`)[0];
            const terms: ProductTerm[] = [
              ...pairs.map(([a, b]) => ({ coeff: 1n, factors: [a, b], eqPoint: tau })),
              ...singles.map((s) => ({ coeff: s.coeff, factors: [s.table], eqPoint: tau })),
              ...halves.map((u) => ({ coeff: halfCoeff, factors: [u], eqPoint: half })),
            ];
            sized.push({ numVars: n, tables, terms });
            packed.push({ numVars: n, tables: tables.map((t) => words(k, t)), pairs, products: [], singles, halves, halfCoeff });
          });
          const ta = new Transcript("zc");
          const tb = new Transcript("zc");
          const a = proveSizedSumcheck({ numVars: N, degree: 3, groups: sized, transcript: ta });
          const b = provePackedZeroCheck({ numVars: N, degree: 3, tau, groups: packed, transcript: tb, kernels: k, threads: 2 });
          expect(b.claim).to.equal(a.claim);
          expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
          expect(b.point).to.deep.equal(a.point);
          expect(b.finalEvaluations).to.deep.equal(a.finalEvaluations);
          expect(tb.stateHex).to.equal(ta.stateHex);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("the eq weights the packed zero-check builds are the eq kernel's suffix tables", () => {
    const k = kernels!;
    const point = randomFrs(5, "eqp");
    expect(k.frToBigints(k.frEqSum(32, [0], [point], [1n]))).to.deep.equal(eqTable(point));
  });

  /** proveArena and proveArenaPacked on one instance: the same bytes, claims, M and H. */
  function samePacked(tables: ArenaTable[], columns: ArenaColumn[], unsafe?: ReadonlyMap<string, readonly bigint[]>) {
    const srs = insecureDevSrs(1 << 17);
    const extra = unsafe ? { unsafeMultiplicities: unsafe } : {};
    const ta = new Transcript("arena");
    const tb = new Transcript("arena");
    const a = proveArena({ srs, tables, columns, transcript: ta, ...extra });
    const b = proveArenaPacked({ srs, tables, columns, transcript: tb, ...extra });
    expect(b.polys!.H).to.be.instanceOf(Uint8Array);
    expect(Buffer.from(encodeArenaProof(b.proof)).equals(Buffer.from(encodeArenaProof(a.proof)))).to.equal(true);
    expect(tableBigints(b.polys!.H)).to.deep.equal(a.polys!.H);
    expect(b.polys!.M).to.deep.equal(a.polys!.M);
    expect(b.claims.point).to.deep.equal(a.claims.point);
    expect(b.claims.columns).to.deep.equal(a.claims.columns);
    expect(b.claims.tableColumns).to.deep.equal(a.claims.tableColumns);
    expect(b.claims.openings).to.deep.equal(a.claims.openings);
    expect(tb.stateHex).to.equal(ta.stateHex);
    return b;
  }

  it("proveArenaPacked = proveArena word for word: the main instance (arity 1 and 2, columns of 0..10 variables), and it verifies", () => {
    const { tables, columns } = mainInstance();
    const b = samePacked(tables, columns);
    const claims = verifyArena({ shape: arenaShape(tables, columns), proof: b.proof, transcript: new Transcript("arena") });
    expect(claims.openings).to.deep.equal(b.claims.openings);
    const bad = { ...b.proof!, sumcheck: { rounds: b.proof!.sumcheck.rounds.map((r, j) => (j === 2 ? [Fr.add(r[0], 1n), ...r.slice(1)] : r)) } };
    expect(() => verifyArena({ shape: arenaShape(tables, columns), proof: bad, transcript: new Transcript("arena") })).to.throw(/arena/);
  });

  it("proveArenaPacked = proveArena: arity 3 with a negative range start, N from a table, a 0-variable arena, a dishonest prover", () => {
    const triple: ArenaTable = {
      id: "triple",
      table: { numVars: 4, columns: [{ kind: "range", lo: Fr.reduce(-8n) }, externalColumn(4, "t1"), externalColumn(4, "t2")] },
    };
    const wide: ArenaTable = { id: "wide", table: { numVars: 9, columns: [{ kind: "range", lo: 3n }] } };
    samePacked([triple, wide], [columnFromRows(triple, 5, "x0"), columnFromRows(triple, 2, "x1"), columnFromRows(wide, 1, "x2")]);
    const one: ArenaTable = { id: "one", table: { numVars: 0, columns: [{ kind: "range", lo: 7n }] } };
    samePacked([one], [{ table: "one", numVars: 0, components: [[7n]] }]);
    // A cheater's multiplicities (the sum is not the claim; both paths still make the same, rejected, proof).
    const r: ArenaTable = { id: "r", table: { numVars: 3, columns: [{ kind: "range", lo: 0n }] } };
    const cheat = new Map([["r", [1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]]]);
    const b = samePacked([r], [{ table: "r", numVars: 2, components: [[1n, 2n, 3n, 9n]] }], cheat);
    expect(() => verifyArena({ shape: arenaShape([r], [{ table: "r", numVars: 2, components: [] }]), proof: b.proof, transcript: new Transcript("arena") })).to.throw(/arena/);
  });
});
