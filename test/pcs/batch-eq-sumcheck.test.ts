import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative, type NativeKernels } from "../../src/msm";
import { writeWordLE } from "../../src/msm/layout";
import {
  eqPairSumcheckKernel,
  proveEqPairSumcheck,
  type EqEntry,
  type EqPairPoly,
} from "../../src/pcs/batch-eq-sumcheck";
import * as eqPairModule from "../../src/pcs/batch-eq-sumcheck";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import type { OpeningClaim } from "../../src/pcs/batch";
import { insecureDevSrs } from "../../src/pcs/srs";
import { eqTable, evaluateMle } from "../../src/poly/mle";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { provePairProductSumcheck } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

const R = Fr.MODULUS;
const native = loadNative();
const kernel = eqPairSumcheckKernel(native);
const THREADS = 2;
const EDGES = [0n, 1n, R - 1n, (R - 1n) / 2n, (R + 1n) / 2n];

/** Seeded elements with the edge values mixed in (every fifth one). */
function vector(n: number, seed: string): bigint[] {
  const [x0, c] = randomFrs(2, seed);
  let x = x0;
  return Array.from({ length: n }, (_, i) => {
    x = Fr.add(Fr.mul(x, x), c);
    return i % 5 === 2 ? EDGES[(i / 5) % EDGES.length | 0] : x;
  });
}

function words(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  values.forEach((v, i) => writeWordLE(out, i * 32, v));
  return out;
}

/** E_p built the obvious way: Σ scale·eq(·, head) at each entry's offset, over 2^vars entries. */
function materialise(vars: number, entries: readonly EqEntry[]): bigint[] {
  const out = new Array<bigint>(2 ** vars).fill(0n);
  for (const e of entries)
    eqTable(e.head).forEach(
      (v, i) =>
        (out[e.offset + i] = Fr.add(out[e.offset + i], Fr.mul(e.scale, v)))
    );
  return out;
}

/** Entries of every shape the kernel distinguishes: single words, inside one block, across blocks, the whole table, overlapping. */
function entriesFor(vars: number, seed: string): EqEntry[] {
  const out: EqEntry[] = [];
  const lens = [
    0,
    vars,
    Math.floor(vars / 2),
    Math.max(0, vars - 1),
    1,
    0,
    vars,
    Math.min(vars, 13),
  ];
  lens.forEach((len, e) => {
    if (len > vars) return;
    const slots = 2 ** (vars - len);
    const offset = ((e * 7919) % slots) * 2 ** len;
    out.push({
      offset,
      head: vector(len, `${seed}/h${e}`),
      scale: e === 5 ? 0n : vector(1, `${seed}/s${e}`)[0],
    });
  });
  // Two entries at one offset and head (the caller merges them; the kernel must not care).
  if (out.length > 0) out.push({ ...out[0], scale: R - 1n });
  return out;
}

function polysFor(sizes: readonly number[], seed: string): EqPairPoly[] {
  return sizes.map((vars, k) => ({
    table: words(vector(2 ** vars, `${seed}/t${k}`)),
    vars,
    entries: entriesFor(vars, `${seed}/${k}`),
  }));
}

/** The claim Σ_p Σ_x f_p(x)·E_p(x). */
function claimOf(polys: readonly EqPairPoly[]): bigint {
  let claim = 0n;
  for (const p of polys) {
    const f = native!.frToBigints(p.table);
    materialise(p.vars, p.entries).forEach(
      (e, i) => (claim = Fr.add(claim, Fr.mul(f[i], e)))
    );
  }
  return claim;
}

describe("the batch opening's eq pair sum-check (native/src/opening.cc eqPairSumcheck)", function () {
  before(function () {
    if (!kernel) this.skip();
  });
  after(() => native?.arithmetic("auto"));

  for (const arithmetic of ["portable", "adx"] as const) {
    describe(`${arithmetic} arithmetic`, () => {
      before(function () {
        if (arithmetic === "adx" && !native!.adxSupported()) this.skip();
        native!.arithmetic(arithmetic);
      });

      // 2^15 words: 8 blocks of 2^12, split over two threads; 1 and 0 variables: pairs bound out from the start.
      const shapes: [number, number[]][] = [
        [1, [1]],
        [1, [0, 1]],
        [3, [3, 0, 2, 1]],
        [5, [5, 3]],
        [7, [7, 7, 4]],
        [13, [13, 6, 11]],
        [15, [15, 14, 2]],
      ];
      for (const [numVars, sizes] of shapes) {
        it(`makes the rounds of the pair sum-check over the materialised E_p (n = ${numVars}, tables 2^{${sizes.join(
          ", "
        )}})`, () => {
          const polys = polysFor(sizes, `${arithmetic}/${numVars}`);
          const kept = polys.map((p) => Uint8Array.from(p.table));
          const claim = claimOf(polys);
          const ta = new Transcript("eq-pair");
          const ref = provePairProductSumcheck({
            native: native as NativeKernels,
            pairs: polys.map(
              (p) =>
                [
                  Uint8Array.from(p.table),
                  words(materialise(p.vars, p.entries)),
                ] as const
            ),
            numVars,
            claim,
            transcript: ta,
            threads: THREADS,
            zeroExtended: true,
          });
          const tb = new Transcript("eq-pair");
          const got = proveEqPairSumcheck({
            kernel: kernel!,
            polys,
            numVars,
            claim,
            transcript: tb,
            threads: THREADS,
          });
          expect(got.proof.rounds).to.deep.equal(ref.proof.rounds);
          expect(got.point).to.deep.equal(ref.point);
          expect(tb.stateHex).to.equal(ta.stateHex);
          polys.forEach((p, k) => expect(p.table).to.deep.equal(kept[k])); // the tables are only read
          // One thread: the same messages.
          const one = proveEqPairSumcheck({
            kernel: kernel!,
            polys,
            numVars,
            claim,
            transcript: new Transcript("eq-pair"),
            threads: 1,
          });
          expect(one.proof.rounds).to.deep.equal(ref.proof.rounds);
        });
      }
    });
  }

  it("the slotted batch opening makes the same proof with the kernel and with the session-6 path (an addon without it)", () => {
    const srs = insecureDevSrs(2 ** 10);
    const sizes = [2 ** 10, 2 ** 3, 2 ** 7, 2 ** 1];
    const tables = sizes.map((n, p) => vector(n, `slot/${p}`));
    const commitments = tables.map((t) => HyperKZG.commit(srs, t));
    const claim = (poly: number, head: bigint[], tail: bigint[]): OpeningClaim => ({ poly, point: [...head, ...tail], value: evaluateMle(tables[poly], [...head, ...tail]) });
    const shared = vector(4, "slot/shared");
    const claims = [claim(0, vector(10, "slot/c0"), []), claim(0, shared, [1n, 0n, 1n, 1n, 0n, 0n]), claim(0, shared, [1n, 0n, 1n, 1n, 0n, 0n]), claim(1, vector(3, "slot/c1"), []), claim(2, shared, [0n, 1n, 1n]), claim(3, [], [1n])];
    const prove = () => proveSlottedBatchOpening({ srs, tables: tables.map((t) => words(t)), commitments, claims, transcript: new Transcript("slot"), kernels: "native" });
    const withKernel = prove();
    const module = eqPairModule as { eqPairSumcheckKernel: typeof eqPairSumcheckKernel };
    const original = module.eqPairSumcheckKernel;
    module.eqPairSumcheckKernel = () => undefined;
    let without;
    try {
      without = prove();
    } finally {
      module.eqPairSumcheckKernel = original;
    }
    expect(withKernel.sumcheck?.rounds).to.have.length(10);
    expect(withKernel.sumcheck?.rounds).to.deep.equal(without.sumcheck?.rounds);
    expect(withKernel.opening.evals).to.deep.equal(without.opening.evals);
    expect(withKernel.opening.w.equals(without.opening.w) && withKernel.opening.wPrime.equals(without.opening.wPrime)).to.equal(true);
  });

  it("refuses a claim that is not the sum, before absorbing anything", () => {
    const polys = polysFor([4, 2], "wrong");
    const t = new Transcript("eq-pair");
    const before = t.stateHex;
    expect(() =>
      proveEqPairSumcheck({
        kernel: kernel!,
        polys,
        numVars: 4,
        claim: Fr.add(claimOf(polys), 1n),
        transcript: t,
        threads: THREADS,
      })
    ).to.throw(RangeError, /not the sum/);
    expect(t.stateHex).to.equal(before);
  });

  it("refuses bad tables and entries, naming them, and passes onRound's exception through", () => {
    const table = words(vector(8, "bad"));
    const run =
      (
        over: Partial<{
          tables: Uint8Array[];
          vars: number[];
          polys: number[];
          offsets: number[];
          points: bigint[][];
          scales: bigint[];
          n: number;
          onRound: (s: Uint8Array, j: number) => bigint;
        }>
      ) =>
      () =>
        kernel!.openingEqPairSumcheck(
          over.tables ?? [table],
          over.vars ?? [3],
          over.polys ?? [0],
          over.offsets ?? [4],
          over.points ?? [[5n, 6n]],
          over.scales ?? [7n],
          over.n ?? 3,
          THREADS,
          over.onRound ?? ((_s, j) => BigInt(j + 2))
        );
    expect(run({})).to.not.throw();
    expect(run({ vars: [4], n: 4 })).to.throw(
      RangeError,
      /table 0: 8 words, expected 2\^4/
    );
    expect(run({ vars: [4], n: 3 })).to.throw(
      RangeError,
      /not in \[0, numVars = 3\]/
    );
    const bad = Uint8Array.from(table);
    bad.fill(0xff, 64, 96);
    expect(run({ tables: [bad] })).to.throw(
      RangeError,
      /table 0: word 2 is not a canonical Fr element/
    );
    expect(run({ offsets: [2] })).to.throw(
      RangeError,
      /entry 0: offset 2 is not a multiple of 2\^2/
    );
    expect(run({ offsets: [8] })).to.throw(RangeError, /entry 0: offset 8/);
    expect(run({ points: [[1n, 2n, 3n, 4n]], offsets: [0] })).to.throw(
      RangeError,
      /entry 0/
    );
    expect(run({ polys: [1] })).to.throw(
      RangeError,
      /entry 0: polynomial 1 is not one of the 1 tables/
    );
    expect(run({ points: [[R, 1n]] })).to.throw(
      RangeError,
      /entry 0, coordinate 0 is not a canonical Fr element/
    );
    expect(run({ scales: [R] })).to.throw(RangeError, /entry 0, scale/);
    expect(
      run({ onRound: (_s, j) => (j === 1 ? (R as bigint) : 1n) })
    ).to.throw(RangeError, /challenge onRound returned/);
    const boom = new Error("transcript failed");
    expect(
      run({
        onRound: (_s, j) => {
          if (j === 1) throw boom;
          return 3n;
        },
      })
    ).to.throw(boom);
    // The kernel still works after an interrupted run (its memory was released, nothing left pending).
    expect(run({})).to.not.throw();
  });
});
